/*  How a failed handler is answered (kp_txn): a handler that says why is
    answered with its own status and code; one whose statement failed,
    UNAVAILABLE or INTERNAL db.error with the SQLSTATE in the log and a
    database error counted; one that fails without saying why, INTERNAL
    internal.unreported, logged at ERROR with the operation and counted
    apart. The last two are forced in the reporting service's test build
    (build/tests/bin, tests/fault) by KUMPPANI_TEST_FAULT; the service
    binary itself has no such seam and ignores the variable. */
#include "harness.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TestSuite (failures, .init = kpt_setup, .fini = kpt_teardown, .timeout = 60);

#define DB_ERRORS "kumppani_db_errors_total{service=\"reporting\"}"
#define UNREPORTED "kumppani_unreported_failures_total{service=\"reporting\"}"
#define RUNS(status) "kumppani_requests_total{service=\"reporting\",operation=\"reporting.run_report\"," \
                     "status=\"" status "\"}"

typedef struct {
    int port;                       //  the service's metrics port
    char log_path [64];             //  its stderr (the JSON log)
} s_service_t;

//  Starts the stream, then reporting (its test build if asked) with a
//  metrics port, fault (may be NULL) and its log going to a file.
static void
s_start (s_service_t *service, bool test_build, const char *fault)
{
    kpt_service_start ("stream", NULL);
    service->port = kpt_free_port ();
    char port [64], fault_setting [128];
    snprintf (port, sizeof port, "KUMPPANI_REPORTING_METRICS_PORT=%d", service->port);
    snprintf (fault_setting, sizeof fault_setting, "KUMPPANI_TEST_FAULT=%s", fault ? fault : "");
    const char *env [] = { port, fault_setting, NULL };
    snprintf (service->log_path, sizeof service->log_path, "/tmp/kpt-failures-XXXXXX");
    int log_fd = mkstemp (service->log_path);
    cr_assert (log_fd >= 0);
    int saved = dup (STDERR_FILENO);
    fflush (stderr);
    dup2 (log_fd, STDERR_FILENO);
    if (test_build)
        kpt_service_start_test_build ("reporting", env);
    else
        kpt_service_start ("reporting", env);
    fflush (stderr);
    dup2 (saved, STDERR_FILENO);
    close (saved);
    close (log_fd);
}

//  The number of log lines holding every one of the (NULL-ended) parts.
static int
s_log_lines (const s_service_t *service, const char *const *parts)
{
    FILE *log = fopen (service->log_path, "r");
    cr_assert_not_null (log);
    char line [4096];
    int count = 0;
    while (fgets (line, sizeof line, log)) {
        bool all = true;
        for (const char *const *part = parts; *part && all; part++)
            all = strstr (line, *part) != NULL;
        count += all;
    }
    fclose (log);
    return count;
}

static void
s_stop (s_service_t *service)
{
    kpt_service_stop ("reporting");
    kpt_service_stop ("stream");
    unlink (service->log_path);
}

//  RunReport for March 2024 as muni-743's social worker.
static Kumppani__V1__Reply *
s_run_report (const char *report)
{
    kp_client_t *client = kpt_client ("reporting", "muni-743");
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER, false);
    Kumppani__V1__RunReport body = KUMPPANI__V1__RUN_REPORT__INIT;
    body.report = (char *) report;
    body.period_start = "2024-03-01";
    body.period_end = "2024-03-31";
    request.body_case = KUMPPANI__V1__REQUEST__BODY_RUN_REPORT;
    request.run_report = &body;
    Kumppani__V1__Reply *reply = kpt_call (client, &request);
    cr_assert_not_null (reply);
    kp_client_destroy (&client);
    return reply;
}

static void
s_expect (Kumppani__V1__Reply *reply, Kumppani__V1__Status status, const char *code)
{
    cr_assert_eq (reply->status, status, "status %d, expected %d (%s)", reply->status, status,
                  reply->error ? reply->error->code : "no error");
    cr_assert_not_null (reply->error);
    cr_assert_str_eq (reply->error->code, code);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

//  One way to fail: what the test build is told, and what must follow.
typedef struct {
    const char *fault;              //  KUMPPANI_TEST_FAULT (NULL: none)
    const char *report;             //  the report asked for
    Kumppani__V1__Status status;
    const char *code;
    const char *runs;               //  the request counter it lands in
    long long db_errors, unreported;
    const char *logged [4];         //  exactly one log line holds all of these
    const char *never [2];          //  and none holds this
} s_case_t;

static void
s_check (const s_case_t *expected)
{
    s_service_t service;
    s_start (&service, true, expected->fault);
    s_expect (s_run_report (expected->report), expected->status, expected->code);
    cr_assert_eq (kpt_metric (service.port, expected->runs), 1, "%s", expected->runs);
    cr_assert_eq (kpt_metric (service.port, DB_ERRORS), expected->db_errors);
    cr_assert_eq (kpt_metric (service.port, UNREPORTED), expected->unreported);
    if (expected->logged [0])
        cr_assert_eq (s_log_lines (&service, expected->logged), 1, "no log line with %s", expected->logged [2]);
    cr_assert_eq (s_log_lines (&service, expected->never), 0, "a log line with %s", expected->never [0]);
    s_stop (&service);
}

Test (failures, a_handler_that_says_why_is_answered_its_way)
{
    s_check (&(s_case_t) {
        NULL, "no_such_report", KUMPPANI__V1__STATUS__STATUS_INVALID, "reporting.unknown_report",
        RUNS ("STATUS_INVALID"), 0, 0, { NULL }, { "\"level\":\"error\"", NULL }
    });
}

Test (failures, a_failed_statement_is_a_database_error_with_its_sqlstate)
{
    s_check (&(s_case_t) {
        "reporting.run_report:db", "referral_sla", KUMPPANI__V1__STATUS__STATUS_UNAVAILABLE, "db.error",
        RUNS ("STATUS_UNAVAILABLE"), 1, 0,
        { "\"level\":\"warn\"", "\"operation\":\"reporting.run_report\"", "database error 53100", NULL },
        { "failed without saying why", NULL }
    });
}

Test (failures, a_failure_without_a_reason_is_internal_unreported)
{
    s_check (&(s_case_t) {
        "reporting.run_report:unreported", "referral_sla", KUMPPANI__V1__STATUS__STATUS_INTERNAL,
        "internal.unreported", RUNS ("STATUS_INTERNAL"), 0, 1,
        { "\"level\":\"error\"", "\"operation\":\"reporting.run_report\"",
          "reporting.run_report failed without saying why", NULL },
        { "database error", NULL }
    });
}

//  The seam is in the test build only: the service binary runs the report.
Test (failures, the_service_binary_has_no_fault_seam)
{
    s_service_t service;
    s_start (&service, false, "reporting.run_report:unreported");
    Kumppani__V1__Reply *reply = s_run_report ("referral_sla");
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK, "%s",
                  reply->error ? reply->error->code : "");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (kpt_metric (service.port, UNREPORTED), 0);
    s_stop (&service);
}
