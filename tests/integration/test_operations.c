/*  What operators rely on: SIGHUP admits a new organisation's certificate
    and revokes a removed one (even on a connection made before), and the
    logs are JSON lines naming service, request, organisation and
    operation, never a henkilötunnus. */
#include "harness.h"

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <czmq.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TestSuite (operations, .init = kpt_setup, .fini = kpt_teardown, .timeout = 120);

#define STATUS(name) KUMPPANI__V1__STATUS__STATUS_ ## name

//  A health request on client; the reply (NULL: no answer within 500 ms).
static Kumppani__V1__Reply *
s_health (kp_client_t *client)
{
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__HealthRequest health = KUMPPANI__V1__HEALTH_REQUEST__INIT;
    request.body_case = KUMPPANI__V1__REQUEST__BODY_HEALTH;
    request.health = &health;
    return kp_client_call (client, &request, 500, 0);
}

//  Whether org gets an OK health answer, asking again for up to 3 s while
//  the service takes in a SIGHUP (signals are handled between messages).
static bool
s_answered_ok (kp_client_t *client, bool expect)
{
    for (int attempt = 0; attempt < 6; attempt++) {
        Kumppani__V1__Reply *reply = s_health (client);
        bool ok = reply && reply->status == STATUS (OK);
        if (reply)
            kumppani__v1__reply__free_unpacked (reply, NULL);
        if (ok == expect)
            return ok;
    }
    return !expect;
}

Test (operations, sighup_admits_a_new_certificate_and_revokes_a_removed_one)
{
    kpt_service_start ("referral", NULL);
    char out [4096], admitted [600], command [1400];
    const char *make [] = { "cert", "new", "newcomer", "--type", "municipality", "--municipality", "049",
                            "--out", kpt_cert_dir ("clients"), NULL };
    cr_assert_eq (kpt_cli_run (NULL, out, sizeof out, make), 0, "%s", out);
    snprintf (admitted, sizeof admitted, "%s/newcomer.cert", kpt_cert_dir ("admitted"));

    //  Not admitted yet: no answer at all.
    kp_client_t *before = kpt_client ("referral", "newcomer");
    cr_assert_not (s_answered_ok (before, false), "answered a certificate nobody admitted");
    kp_client_destroy (&before);

    snprintf (command, sizeof command, "cp '%s' '%s'", kpt_cert_path ("clients", "newcomer"), admitted);
    cr_assert_eq (system (command), 0);
    kpt_service_signal ("referral", SIGHUP);
    kp_client_t *newcomer = kpt_client ("referral", "newcomer");
    cr_assert (s_answered_ok (newcomer, true), "the admitted certificate is still refused after SIGHUP");

    //  Revoked: the connection made while admitted gets no more answers.
    cr_assert_eq (unlink (admitted), 0);
    kpt_service_signal ("referral", SIGHUP);
    cr_assert_not (s_answered_ok (newcomer, false), "a revoked certificate is still answered");
    kp_client_destroy (&newcomer);
    kp_client_t *again = kpt_client ("referral", "newcomer");
    cr_assert_not (s_answered_ok (again, false), "a revoked certificate can connect anew");
    kp_client_destroy (&again);

    //  Everyone else is served as before.
    kp_client_t *operator = kpt_client ("referral", "operator");
    cr_assert (s_answered_ok (operator, true));
    kp_client_destroy (&operator);
}

//  Starts intake with its stderr (the log) in path.
static void
s_start_logging_to (const char *service, const char *path)
{
    int log = open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    cr_assert (log >= 0);
    fflush (stderr);
    int saved = dup (STDERR_FILENO);
    dup2 (log, STDERR_FILENO);
    const char *env [] = { "KUMPPANI_LOG_LEVEL=info", NULL };
    kpt_service_start (service, env);
    dup2 (saved, STDERR_FILENO);
    close (saved);
    close (log);
}

Test (operations, logs_are_json_lines_with_request_organisation_and_operation)
{
    char path [] = "/tmp/kp-log.XXXXXX";
    int fd = mkstemp (path);
    cr_assert (fd >= 0);
    close (fd);
    s_start_logging_to ("intake", path);

    //  A client registered with a henkilötunnus, and a refused request.
    const char *hetu = "131052-308T";
    char out [4096], body [256];
    snprintf (body, sizeof body, "{\"hetu\": \"%s\"}", hetu);
    const char *reg [] = { "call", "intake", "register_client", "--role", "social_worker", "--body", body, NULL };
    cr_assert_eq (kpt_cli_run ("muni-743", out, sizeof out, reg), 0, "%s", out);
    const char *bad [] = { "call", "intake", "get_client", "--role", "social_worker",
                           "--body", "{\"client_id\": \"nonsense\"}", NULL };
    cr_assert_eq (kpt_cli_run ("muni-743", out, sizeof out, bad), 1, "%s", out);
    cr_assert_eq (kpt_service_stop ("intake"), 0);

    FILE *file = fopen (path, "r");
    cr_assert_not_null (file);
    char line [8192];
    int lines = 0, with_request = 0;
    while (fgets (line, sizeof line, file)) {
        lines++;
        cr_assert_null (strstr (line, hetu), "the henkilötunnus is in the log: %s", line);
        cr_assert_null (strstr (line, "131052"), "part of the henkilötunnus is in the log: %s", line);
        cJSON *entry = cJSON_Parse (line);
        cr_assert_not_null (entry, "not a JSON line: %s", line);
        cr_assert (cJSON_IsString (cJSON_GetObjectItem (entry, "ts")), "%s", line);
        cr_assert (cJSON_IsString (cJSON_GetObjectItem (entry, "level")), "%s", line);
        cr_assert_str_eq (cJSON_GetObjectItem (entry, "service")->valuestring, "intake");
        const cJSON *operation = cJSON_GetObjectItem (entry, "operation");
        if (cJSON_IsString (operation) && strcmp (operation->valuestring, "intake.get_client") == 0) {
            with_request++;
            cr_assert (cJSON_IsString (cJSON_GetObjectItem (entry, "request_id")), "%s", line);
            cr_assert_str_eq (cJSON_GetObjectItem (entry, "organisation")->valuestring, "muni-743");
        }
        cJSON_Delete (entry);
    }
    fclose (file);
    unlink (path);
    cr_assert_gt (lines, 0, "the service logged nothing");
    cr_assert_gt (with_request, 0, "no log line names the refused request's operation");
}
