/*  kp_config: defaults, overrides, and loud failure on bad numbers. */
#include "kp_config.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

TestSuite (config);

Test (config, defaults_follow_the_readme)
{
    unsetenv ("KUMPPANI_MAX_MSG_SIZE");
    unsetenv ("KUMPPANI_DB_USER");
    unsetenv ("KUMPPANI_REFERRAL_ENDPOINT");
    kp_config_t *config = kp_config_load ("referral");
    cr_assert_not_null (config);
    cr_assert_eq (config->max_msg_size, 1048576);
    cr_assert_str_eq (config->db_user, "referral");
    cr_assert_str_eq (config->endpoints [KP_SERVICE_REFERRAL], "tcp://127.0.0.1:7102");
    cr_assert_str_eq (config->stream_pub_endpoint, "tcp://127.0.0.1:7106");
    char *conninfo = kp_config_db_conninfo (config);
    cr_assert (strstr (conninfo, "user=referral"));
    free (conninfo);
    kp_config_destroy (&config);
    cr_assert_null (config);
    kp_config_destroy (&config);
}

Test (config, environment_overrides)
{
    setenv ("KUMPPANI_MAX_MSG_SIZE", "65536", 1);
    setenv ("KUMPPANI_INTAKE_ENDPOINT", "tcp://10.1.2.3:9000", 1);
    setenv ("KUMPPANI_SERVICE_CERTS_DIR", "/etc/kumppani/services", 1);
    kp_config_t *config = kp_config_load ("intake");
    cr_assert_not_null (config);
    cr_assert_eq (config->max_msg_size, 65536);
    cr_assert_str_eq (config->endpoints [KP_SERVICE_INTAKE], "tcp://10.1.2.3:9000");
    char *path = kp_config_service_cert_path (config, KP_SERVICE_STREAM);
    cr_assert_str_eq (path, "/etc/kumppani/services/stream.cert");
    free (path);
    kp_config_destroy (&config);
}

Test (config, bad_numbers_are_refused)
{
    const char *bad [] = { "abc", "12x", "-5", "100", "999999999999" };
    for (size_t index = 0; index < sizeof bad / sizeof bad [0]; index++) {
        setenv ("KUMPPANI_MAX_MSG_SIZE", bad [index], 1);
        kp_config_t *config = kp_config_load ("intake");
        cr_assert_null (config, "KUMPPANI_MAX_MSG_SIZE=%s was accepted", bad [index]);
    }
}

Test (config, idempotency_retention_in_days)
{
    unsetenv ("KUMPPANI_IDEMPOTENCY_RETENTION_DAYS");
    kp_config_t *config = kp_config_load ("referral");
    cr_assert_eq (config->idempotency_retention_days, 30);
    kp_config_destroy (&config);
    setenv ("KUMPPANI_IDEMPOTENCY_RETENTION_DAYS", "7", 1);
    config = kp_config_load ("referral");
    cr_assert_eq (config->idempotency_retention_days, 7);
    kp_config_destroy (&config);
    //  Zero would forget every key at once: retries would do things twice.
    const char *bad [] = { "0", "-1", "3651", "30d" };
    for (size_t index = 0; index < sizeof bad / sizeof bad [0]; index++) {
        setenv ("KUMPPANI_IDEMPOTENCY_RETENTION_DAYS", bad [index], 1);
        cr_assert_null (kp_config_load ("referral"), "%s was accepted", bad [index]);
    }
    unsetenv ("KUMPPANI_IDEMPOTENCY_RETENTION_DAYS");
}

Test (config, service_names_map_both_ways)
{
    for (int service = 0; service < KP_SERVICE_COUNT; service++)
        cr_assert_eq (kp_service_from_name (kp_service_name ((kp_service_t) service)), service);
    cr_assert_eq (kp_service_from_name ("nosuch"), -1);
    cr_assert_eq (kp_service_from_name (NULL), -1);
}

//  The caseload's day counts (intake_clock, intake_contact) and test clock.
Test (config, caseload_day_counts_and_the_test_clock)
{
    unsetenv ("KUMPPANI_ASSESSMENT_DAYS");
    unsetenv ("KUMPPANI_ASSESSMENT_URGENT_DAYS");
    unsetenv ("KUMPPANI_ASSESSMENT_PRIORITY_DAYS");
    unsetenv ("KUMPPANI_CONTACT_DUE_MONTHS");
    unsetenv ("KUMPPANI_TEST_TODAY");
    kp_config_t *config = kp_config_load ("intake");
    cr_assert_not_null (config);
    cr_assert_eq (config->assessment_days, 7);
    cr_assert_eq (config->assessment_urgent_days, 1);
    cr_assert_eq (config->assessment_priority_days, 7);
    cr_assert_eq (config->contact_due_months, 6);
    cr_assert_null (config->test_today);
    kp_config_destroy (&config);
    setenv ("KUMPPANI_ASSESSMENT_DAYS", "10", 1);
    setenv ("KUMPPANI_ASSESSMENT_PRIORITY_DAYS", "5", 1);
    setenv ("KUMPPANI_CONTACT_DUE_MONTHS", "3", 1);
    setenv ("KUMPPANI_TEST_TODAY", "2026-12-21", 1);
    config = kp_config_load ("intake");
    cr_assert_not_null (config);
    cr_assert_eq (config->assessment_days, 10);
    cr_assert_eq (config->assessment_priority_days, 5);
    cr_assert_eq (config->contact_due_months, 3);
    cr_assert_str_eq (config->test_today, "2026-12-21");
    kp_config_destroy (&config);
    //  The law's 7 days for the priority groups cannot be lengthened.
    setenv ("KUMPPANI_ASSESSMENT_PRIORITY_DAYS", "8", 1);
    cr_assert_null (kp_config_load ("intake"));
    setenv ("KUMPPANI_ASSESSMENT_PRIORITY_DAYS", "7", 1);
    setenv ("KUMPPANI_TEST_TODAY", "21.12.2026", 1);
    cr_assert_null (kp_config_load ("intake"), "a test day that is no date was accepted");
    unsetenv ("KUMPPANI_TEST_TODAY");
    unsetenv ("KUMPPANI_ASSESSMENT_DAYS");
    unsetenv ("KUMPPANI_ASSESSMENT_PRIORITY_DAYS");
    unsetenv ("KUMPPANI_CONTACT_DUE_MONTHS");
}

//  Several instances: the list is for clients; an instance binds its own.
Test (config, an_instance_of_a_listed_service_names_what_it_binds)
{
    unsetenv ("KUMPPANI_BIND_ENDPOINT");
    unsetenv ("KUMPPANI_STREAM_PUB_BIND_ENDPOINT");
    setenv ("KUMPPANI_REFERRAL_ENDPOINT", "tcp://127.0.0.1:7102,tcp://127.0.0.1:7112", 1);
    kp_config_t *config = kp_config_load ("referral");
    cr_assert_null (config, "a listed service started without knowing which instance it is");
    //  A tool (the CLI) binds nothing: the list is all it needs.
    config = kp_config_load (NULL);
    cr_assert_not_null (config);
    cr_assert_str_eq (config->endpoints [KP_SERVICE_REFERRAL], "tcp://127.0.0.1:7102,tcp://127.0.0.1:7112");
    cr_assert_null (config->bind_endpoint);
    kp_config_destroy (&config);
    setenv ("KUMPPANI_BIND_ENDPOINT", "tcp://127.0.0.1:7112", 1);
    config = kp_config_load ("referral");
    cr_assert_not_null (config);
    cr_assert_str_eq (config->bind_endpoint, "tcp://127.0.0.1:7112");
    kp_config_destroy (&config);
    //  Another service on the same environment binds its own single one.
    unsetenv ("KUMPPANI_BIND_ENDPOINT");
    setenv ("KUMPPANI_INTAKE_ENDPOINT", "tcp://127.0.0.1:7101", 1);
    config = kp_config_load ("intake");
    cr_assert_not_null (config);
    cr_assert_str_eq (config->bind_endpoint, "tcp://127.0.0.1:7101");
    kp_config_destroy (&config);
    //  The bind is one endpoint, never a list.
    setenv ("KUMPPANI_BIND_ENDPOINT", "tcp://127.0.0.1:7102,tcp://127.0.0.1:7112", 1);
    cr_assert_null (kp_config_load ("referral"));
    //  The stream's live port likewise.
    setenv ("KUMPPANI_BIND_ENDPOINT", "tcp://127.0.0.1:7105", 1);
    setenv ("KUMPPANI_STREAM_PUB_ENDPOINT", "tcp://127.0.0.1:7106,tcp://127.0.0.1:7116", 1);
    cr_assert_null (kp_config_load ("stream"));
    setenv ("KUMPPANI_STREAM_PUB_BIND_ENDPOINT", "tcp://127.0.0.1:7116", 1);
    config = kp_config_load ("stream");
    cr_assert_not_null (config);
    cr_assert_str_eq (config->stream_pub_bind_endpoint, "tcp://127.0.0.1:7116");
    kp_config_destroy (&config);
    unsetenv ("KUMPPANI_BIND_ENDPOINT");
    unsetenv ("KUMPPANI_STREAM_PUB_BIND_ENDPOINT");
    unsetenv ("KUMPPANI_STREAM_PUB_ENDPOINT");
    unsetenv ("KUMPPANI_REFERRAL_ENDPOINT");
    unsetenv ("KUMPPANI_INTAKE_ENDPOINT");
}
