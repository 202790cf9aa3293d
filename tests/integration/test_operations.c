/*  What operators rely on: SIGHUP admits a new organisation's certificate
    and revokes a removed one (even on a connection made before), and the
    logs are JSON lines naming service, request, organisation and
    operation, never a henkilötunnus. */
#include "harness.h"
#include "kp_stream_client.h"

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <czmq.h>
#include <fcntl.h>
#include <signal.h>
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

//  Whether client gets an OK health answer: asks until the answer is the
//  expected one, for up to ~5 s while the service takes in a SIGHUP.
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
        zclock_sleep (250);         //  the signal is taken in between requests
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
    kpt_register ("newcomer", "municipality", "049");      //  registered: only the certificate decides
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

//  Appends one observation event in municipality 049 as reporting would;
//  returns its seq.
static long long
s_append_049 (PGconn *conn)
{
    Kumppani__V1__ObservationRecorded recorded = KUMPPANI__V1__OBSERVATION_RECORDED__INIT;
    recorded.observation_id = "ops";
    recorded.theme = "housing";
    recorded.area = "049";
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.topic = "reporting.observation_recorded";
    event.aggregate_id = "ops";
    event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_OBSERVATION_RECORDED;
    event.observation_recorded = &recorded;
    return kpt_append_event (conn, &event, "049", NULL, NULL);
}

//  The seq of the next non-heartbeat event on live within timeout_ms, or 0.
static long long
s_next_seq (kp_stream_live_t *live, int timeout_ms)
{
    int64_t deadline = zclock_mono () + timeout_ms;
    long long seq = 0;
    while (!seq && zclock_mono () < deadline) {
        zmsg_t *msg = kp_stream_live_recv (live, (int) (deadline - zclock_mono ()));
        if (!msg)
            break;
        zframe_t *data = zmsg_last (msg);
        Kumppani__V1__Event *event = kumppani__v1__event__unpack (NULL, zframe_size (data), zframe_data (data));
        if (event && event->payload_case != KUMPPANI__V1__EVENT__PAYLOAD_HEARTBEAT)
            seq = (long long) event->seq;
        if (event)
            kumppani__v1__event__free_unpacked (event, NULL);
        zmsg_destroy (&msg);
    }
    return seq;
}

//  Appends events until live sees one appended now (subscriptions take a
//  moment); its seq, or 0 after 5 s.
static long long
s_until_seen (PGconn *conn, kp_stream_live_t *live)
{
    for (int attempt = 0; attempt < 25; attempt++) {
        long long appended = s_append_049 (conn);
        long long seen;
        while ((seen = s_next_seq (live, 200)) && seen < appended)
            ;
        if (seen >= appended)
            return seen;
    }
    return 0;
}

//  The live side forgets a revoked subscriber too, on the connection it
//  already has (the ROUTER tells connections apart, so nothing is
//  rebound): the operator beside it goes on undisturbed, on the same
//  connection, and the revoked one gets nothing more however often it
//  resubscribes.
Test (operations, sighup_cuts_a_revoked_subscriber_off_the_live_stream)
{
    char out [4096], admitted [600], command [1400];
    const char *make [] = { "cert", "new", "watcher", "--type", "municipality", "--municipality", "049",
                            "--out", kpt_cert_dir ("clients"), NULL };
    cr_assert_eq (kpt_cli_run (NULL, out, sizeof out, make), 0, "%s", out);
    kpt_register ("watcher", "municipality", "049");
    snprintf (admitted, sizeof admitted, "%s/watcher.cert", kpt_cert_dir ("admitted"));
    snprintf (command, sizeof command, "cp '%s' '%s'", kpt_cert_path ("clients", "watcher"), admitted);
    cr_assert_eq (system (command), 0);
    kpt_service_start ("stream", NULL);

    char stream_cert [600];
    snprintf (stream_cert, sizeof stream_cert, "%s", kpt_cert_path ("services", "stream"));
    kp_stream_live_t *watcher = kp_stream_live_new (kpt_pub_endpoint (), stream_cert,
                                                    kpt_cert_path ("clients", "watcher"), NULL, 0);
    kp_stream_live_t *operator = kp_stream_live_new (kpt_pub_endpoint (), stream_cert,
                                                     kpt_cert_path ("clients", "operator"), NULL, 0);
    cr_assert (watcher && operator);

    PGconn *conn = kpt_connect_as ("reporting");
    cr_assert_gt (s_until_seen (conn, watcher), 0, "the admitted watcher never saw an event");
    cr_assert_gt (s_until_seen (conn, operator), 0);
    uint64_t operator_subscriptions = kp_stream_live_subscriptions (operator);

    cr_assert_eq (unlink (admitted), 0);
    kpt_service_signal ("stream", SIGHUP);
    //  The revoked watcher resubscribes (as it would after silence); the
    //  relay ignores it, and once the reload is in, nothing new arrives.
    kp_stream_live_subscribe (watcher);
    long long after = 0;
    for (int attempt = 0; attempt < 20 && !after; attempt++) {
        long long seq = s_until_seen (conn, operator);
        cr_assert_gt (seq, 0, "the operator lost the live stream");
        if (s_next_seq (watcher, 300) == 0)
            after = seq;            //  the watcher's last event was before this one
        else
            zclock_sleep (100);     //  the reload (registry, then certificates) may
    }                               //  take a while on a loaded machine: 2 s in all
    cr_assert_gt (after, 0, "the revoked watcher kept receiving events");
    kp_stream_live_subscribe (watcher);
    long long more = s_until_seen (conn, operator);
    cr_assert_gt (more, after);
    cr_assert_eq (s_next_seq (watcher, 1000), 0, "a revoked subscriber still gets live events");
    //  Nobody else was made to reconnect: the operator never resubscribed.
    cr_assert_eq (kp_stream_live_subscriptions (operator), operator_subscriptions,
                  "the operator had to reconnect");

    kp_stream_live_destroy (&watcher);
    kp_stream_live_destroy (&operator);
    PQfinish (conn);
}
