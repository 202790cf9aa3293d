/*  The foundation's promises, checked through real CURVE sockets against
    real service processes and the test cluster: health everywhere, unknown
    keys refused, bad frames answered or dropped without harm, idempotent
    retries, authorisation from the certificate, drain on SIGTERM. */
#include "harness.h"
#include "kp_codec.h"

#include <criterion/criterion.h>
#include <czmq.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TestSuite (foundation, .init = kpt_setup, .fini = kpt_teardown, .timeout = 60);

static Kumppani__V1__Reply *
s_health (kp_client_t *client, int timeout_ms)
{
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__HealthRequest health = KUMPPANI__V1__HEALTH_REQUEST__INIT;
    request.body_case = KUMPPANI__V1__REQUEST__BODY_HEALTH;
    request.health = &health;
    return kp_client_call (client, &request, timeout_ms, 0);
}

//  A valid observation body; tests change one field at a time.
static void
s_observation (Kumppani__V1__SubmitObservation *body, const char *theme)
{
    kumppani__v1__submit_observation__init (body);
    body->theme = (char *) theme;
    body->area = "743";
    body->period_start = "2026-01-01";
    body->period_end = "2026-06-30";
    body->description = "Rent arrears among single adults are rising after the housing benefit change.";
    body->clients_concerned = 12;
}

static Kumppani__V1__Reply *
s_submit_as (kp_client_t *client, Kumppani__V1__Role role, Kumppani__V1__SubmitObservation *body,
             const char *key)
{
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, role, true);
    if (key)
        request.idempotency_key = (char *) key;
    request.body_case = KUMPPANI__V1__REQUEST__BODY_SUBMIT_OBSERVATION;
    request.submit_observation = body;
    return kpt_call (client, &request);
}

//  As a social worker: the municipalities' own role.
static Kumppani__V1__Reply *
s_submit (kp_client_t *client, Kumppani__V1__SubmitObservation *body, const char *key)
{
    return s_submit_as (client, KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER, body, key);
}

Test (foundation, every_service_answers_health)
{
    const char *services [] = { "intake", "referral", "groups", "reporting", "stream" };
    for (int index = 0; index < 5; index++)
        kpt_service_start (services [index], NULL);
    for (int index = 0; index < 5; index++) {
        kp_client_t *client = kpt_client (services [index], "muni-743");
        Kumppani__V1__Reply *reply = s_health (client, 2000);
        cr_assert_not_null (reply, "%s did not answer", services [index]);
        cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK);
        cr_assert_not_null (reply->health);
        cr_assert_str_eq (reply->health->service, services [index]);
        cr_assert (reply->health->database_ok, "%s cannot reach its database", services [index]);
        cr_assert_str_not_empty (reply->health->version);
        kumppani__v1__reply__free_unpacked (reply, NULL);
        kp_client_destroy (&client);
    }
}

Test (foundation, unknown_key_is_refused)
{
    kpt_service_start ("reporting", NULL);
    kp_client_t *stranger = kpt_client ("reporting", "stranger");
    Kumppani__V1__Reply *reply = s_health (stranger, 1000);
    cr_assert_null (reply, "a certificate outside the admitted directory got an answer");
    kp_client_destroy (&stranger);
    //  …and the service is unharmed for admitted callers.
    kp_client_t *known = kpt_client ("reporting", "muni-743");
    reply = s_health (known, 2000);
    cr_assert_not_null (reply);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&known);
}

Test (foundation, certificate_without_organisation_is_unauthenticated)
{
    kpt_service_start ("reporting", NULL);
    kp_client_t *client = kpt_client ("reporting", "nometa");
    Kumppani__V1__Reply *reply = s_health (client, 2000);
    cr_assert_not_null (reply);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_UNAUTHENTICATED);
    cr_assert_str_eq (reply->error->code, "auth.no_organisation");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&client);
}

Test (foundation, garbage_frame_gets_invalid_and_service_keeps_serving)
{
    kpt_service_start ("reporting", NULL);
    kp_client_t *client = kpt_client ("reporting", "muni-743");
    const uint8_t garbage [] = { 0xff, 0xff, 0xff, 0xff, 0x0f, 0x12, 0x34, 0x99 };
    cr_assert_eq (kp_client_send_bytes (client, garbage, sizeof garbage), 0);
    Kumppani__V1__Reply *reply = kp_client_recv (client, 2000);
    cr_assert_not_null (reply, "a garbage frame got no answer");
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_INVALID);
    cr_assert_str_eq (reply->error->code, "request.malformed");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    reply = s_health (client, 2000);
    cr_assert_not_null (reply);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&client);
}

Test (foundation, oversized_frame_is_dropped_and_service_keeps_serving)
{
    kpt_service_start ("reporting", NULL);
    kp_client_t *client = kpt_client ("reporting", "muni-743");
    size_t size = 2 * 1024 * 1024;
    uint8_t *big = calloc (1, size);
    cr_assert_eq (kp_client_send_bytes (client, big, size), 0);
    free (big);
    Kumppani__V1__Reply *reply = kp_client_recv (client, 1000);
    cr_assert_null (reply, "an oversized frame was processed");
    kp_client_destroy (&client);

    client = kpt_client ("reporting", "muni-743");
    reply = s_health (client, 2000);
    cr_assert_not_null (reply, "the service stopped serving after an oversized frame");
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&client);
}

Test (foundation, unknown_field_is_skipped_and_listed_missing_fields_are_invalid_with_path)
{
    kpt_service_start ("reporting", NULL);
    kp_client_t *client = kpt_client ("reporting", "muni-743");

    //  A valid request with an extra field #99 (varint) appended.
    Kumppani__V1__SubmitObservation body;
    s_observation (&body, "housing");
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER, true);
    request.body_case = KUMPPANI__V1__REQUEST__BODY_SUBMIT_OBSERVATION;
    request.submit_observation = &body;
    size_t size;
    uint8_t *packed = kp_codec_pack (&request.base, &size);
    uint8_t *extended = malloc (size + 3);
    memcpy (extended, packed, size);
    extended [size] = ((99 << 3) & 0x7f) | 0x80;     //  tag 99, wire type 0
    extended [size + 1] = 99 >> 4;
    extended [size + 2] = 1;
    cr_assert_eq (kp_client_send_bytes (client, extended, size + 3), 0);
    Kumppani__V1__Reply *reply = kp_client_recv (client, 2000);
    cr_assert_not_null (reply);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK, "status %d", reply->status);
    cr_assert_eq (reply->n_ignored_fields, 1);
    cr_assert_str_eq (reply->ignored_fields [0], "#99");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    free (packed);
    free (extended);

    //  No actor.
    kpt_request (&request, &actor, KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER, true);
    request.actor = NULL;
    reply = kpt_call (client, &request);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_INVALID);
    cr_assert_str_eq (reply->error->field, "actor.person_id");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  No idempotency key on a mutating request.
    kpt_request (&request, &actor, KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER, false);
    reply = kpt_call (client, &request);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_INVALID);
    cr_assert_str_eq (reply->error->field, "idempotency_key");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  A body field out of its domain names the field.
    body.period_end = "2025-12-31";
    kpt_request (&request, &actor, KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER, true);
    reply = kpt_call (client, &request);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_INVALID);
    cr_assert_str_eq (reply->error->field, "submit_observation.period_end");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  An operation this service does not serve.
    kp_client_t *intake = (kpt_service_start ("intake", NULL), kpt_client ("intake", "muni-743"));
    kpt_request (&request, &actor, KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER, true);
    s_observation (&body, "housing");
    reply = kpt_call (intake, &request);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_INVALID);
    cr_assert_str_eq (reply->error->code, "request.unsupported_operation");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&intake);
    kp_client_destroy (&client);
}

Test (foundation, retried_request_gets_identical_reply_and_one_effect)
{
    kpt_service_start ("reporting", NULL);
    kp_client_t *client = kpt_client ("reporting", "muni-743");
    Kumppani__V1__SubmitObservation body;
    s_observation (&body, "idempotency_check");
    long long events_before = kpt_scalar (
        "SELECT count(*) FROM kp.events WHERE topic = 'reporting.observation_recorded'", NULL);
    long long audit_before = kpt_scalar (
        "SELECT count(*) FROM kp.audit_log WHERE action = 'reporting.submit_observation'", NULL);

    char key [48];
    snprintf (key, sizeof key, "retry-key.%d.%lld", (int) getpid (), (long long) zclock_time ());
    Kumppani__V1__Reply *first = s_submit (client, &body, key);
    cr_assert_eq (first->status, KUMPPANI__V1__STATUS__STATUS_OK);
    Kumppani__V1__Reply *second = s_submit (client, &body, key);
    cr_assert_eq (second->status, KUMPPANI__V1__STATUS__STATUS_OK);
    cr_assert_str_eq (first->observation->observation_id, second->observation->observation_id);
    cr_assert_str_neq (first->correlation_id, second->correlation_id);

    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM reporting.observations WHERE observation_id = $1",
                              first->observation->observation_id), 1);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.events WHERE topic = 'reporting.observation_recorded'",
                              NULL), events_before + 1);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.audit_log WHERE action = 'reporting.submit_observation'",
                              NULL), audit_before + 1);

    //  The same key for a different request is a conflict, not a replay.
    body.clients_concerned = 99;
    Kumppani__V1__Reply *third = s_submit (client, &body, key);
    cr_assert_eq (third->status, KUMPPANI__V1__STATUS__STATUS_CONFLICT);
    cr_assert_str_eq (third->error->code, "idempotency.key_reused");

    //  Keys are scoped by organisation: another municipality may use it.
    kp_client_t *other = kpt_client ("reporting", "muni-091");
    Kumppani__V1__Reply *fourth = s_submit (other, &body, key);
    cr_assert_eq (fourth->status, KUMPPANI__V1__STATUS__STATUS_OK);
    cr_assert_str_neq (fourth->observation->observation_id, first->observation->observation_id);

    kumppani__v1__reply__free_unpacked (first, NULL);
    kumppani__v1__reply__free_unpacked (second, NULL);
    kumppani__v1__reply__free_unpacked (third, NULL);
    kumppani__v1__reply__free_unpacked (fourth, NULL);
    kp_client_destroy (&other);
    kp_client_destroy (&client);
}

Test (foundation, authorisation_comes_from_the_certificate)
{
    kpt_service_start ("reporting", NULL);
    const char *refused [] = { "kela", "integrator-743", "operator" };
    for (int index = 0; index < 3; index++) {
        kp_client_t *client = kpt_client ("reporting", refused [index]);
        Kumppani__V1__SubmitObservation body;
        s_observation (&body, "housing");
        //  Each acting in its own role: the organisation type is refused.
        Kumppani__V1__Reply *reply = s_submit_as (client, kpt_role_of (refused [index]), &body, NULL);
        cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, "%s was not refused",
                      refused [index]);
        cr_assert_str_eq (reply->error->code, "auth.forbidden");
        kumppani__v1__reply__free_unpacked (reply, NULL);
        kp_client_destroy (&client);
    }
}

//  True while signum is pending for process pid (sent, its handler not
//  yet run), from SigPnd and ShdPnd in /proc/PID/status.
static bool
s_signal_pending (pid_t pid, int signum)
{
    char path [64], line [256];
    snprintf (path, sizeof path, "/proc/%d/status", (int) pid);
    FILE *status = fopen (path, "r");
    cr_assert_not_null (status, "%s: the service is gone", path);
    bool pending = false;
    while (fgets (line, sizeof line, status))
        if (strncmp (line, "SigPnd:", 7) == 0 || strncmp (line, "ShdPnd:", 7) == 0)
            pending = pending || (strtoull (line + 7, NULL, 16) >> (signum - 1)) & 1;
    fclose (status);
    return pending;
}

Test (foundation, sigterm_drains_the_request_in_flight)
{
    pid_t pid = kpt_service_start ("reporting", NULL);
    kp_client_t *client = kpt_client ("reporting", "ngo-743");
    //  Hold the table so the request is provably in flight when SIGTERM comes.
    PGconn *admin = kpt_admin ();
    PQclear (PQexec (admin, "BEGIN"));
    PQclear (PQexec (admin, "LOCK TABLE reporting.observations IN ACCESS EXCLUSIVE MODE"));

    Kumppani__V1__SubmitObservation body;
    s_observation (&body, "drain_check");
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, KUMPPANI__V1__ROLE__ROLE_NGO_WORKER, true);
    request.body_case = KUMPPANI__V1__REQUEST__BODY_SUBMIT_OBSERVATION;
    request.submit_observation = &body;
    request.correlation_id = "drain-1";
    size_t size;
    uint8_t *packed = kp_codec_pack (&request.base, &size);
    cr_assert_eq (kp_client_send_bytes (client, packed, size), 0);
    free (packed);

    //  Wait (bounded) until the service's insert is blocked on our lock.
    long long waiting = 0;
    for (int attempt = 0; attempt < 500 && waiting < 1; attempt++) {
        PGconn *probe = PQconnectdb (getenv ("KUMPPANI_TEST_ADMIN_CONNINFO"));
        PGresult *result = PQexec (probe, "SELECT count(*) FROM pg_stat_activity"
                                          " WHERE usename = 'reporting' AND wait_event_type = 'Lock'");
        waiting = PQresultStatus (result) == PGRES_TUPLES_OK ? atoll (PQgetvalue (result, 0, 0)) : 0;
        PQclear (result);
        PQfinish (probe);
        if (!waiting)
            zclock_sleep (10);
    }
    cr_assert_eq (waiting, 1, "the request never reached the database");
    kpt_service_signal ("reporting", SIGTERM);
    //  Until the service has taken the signal (its handler ran: it is
    //  draining), bounded; only then is the request let through.
    for (int attempt = 0; attempt < 500 && s_signal_pending (pid, SIGTERM); attempt++)
        zclock_sleep (10);
    cr_assert (!s_signal_pending (pid, SIGTERM), "the service never took the SIGTERM");
    PQclear (PQexec (admin, "COMMIT"));

    Kumppani__V1__Reply *reply = kp_client_recv (client, 5000);
    cr_assert_not_null (reply, "the in-flight request was dropped at shutdown");
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM reporting.observations WHERE observation_id = $1",
                              reply->observation->observation_id), 1);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  The one SIGTERM above is what stops it: no second signal.
    cr_assert_eq (kpt_service_wait ("reporting"), 0, "the service did not exit cleanly");
    kp_client_destroy (&client);
}

Test (foundation, lost_database_connection_is_reestablished)
{
    kpt_service_start ("reporting", NULL);
    kp_client_t *client = kpt_client ("reporting", "muni-743");
    Kumppani__V1__SubmitObservation body;
    s_observation (&body, "reconnect_check");
    Kumppani__V1__Reply *reply = s_submit (client, &body, NULL);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Cut the service's session from the server side, as a failover would.
    long long killed = kpt_scalar ("SELECT count(*) FROM (SELECT pg_terminate_backend (pid)"
                                   " FROM pg_stat_activity WHERE usename = 'reporting') AS cut", NULL);
    cr_assert_geq (killed, 1);

    body.clients_concerned = 3;
    reply = s_submit (client, &body, NULL);
    cr_assert_not_null (reply);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK,
                  "the service did not recover its database connection: %s",
                  reply->error ? reply->error->code : "");
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM reporting.observations WHERE observation_id = $1",
                              reply->observation->observation_id), 1);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&client);
}

//  The database out of reach (the service's login refused, its session
//  cut): a request gets UNAVAILABLE with a retryable code, not silence,
//  and the service serves again once the database is back. The role is
//  let back in even when the test fails half-way.
static void
s_login_back (void)
{
    PQclear (PQexec (kpt_admin (), "ALTER ROLE reporting LOGIN"));
}

static void
s_login_back_and_teardown (void)
{
    s_login_back ();
    kpt_teardown ();
}

Test (foundation, database_outage_is_answered_unavailable, .fini = s_login_back_and_teardown)
{
    kpt_service_start ("reporting", NULL);
    kp_client_t *client = kpt_client ("reporting", "muni-743");
    Kumppani__V1__SubmitObservation body;
    s_observation (&body, "outage_check");
    PQclear (PQexec (kpt_admin (), "ALTER ROLE reporting NOLOGIN"));
    kpt_scalar ("SELECT count(*) FROM (SELECT pg_terminate_backend (pid)"
                " FROM pg_stat_activity WHERE usename = 'reporting') AS cut", NULL);

    Kumppani__V1__Reply *reply = s_submit (client, &body, NULL);
    s_login_back ();
    cr_assert_not_null (reply, "no answer while the database was unreachable");
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_UNAVAILABLE, "status %d", reply->status);
    cr_assert_str_eq (reply->error->code, "db.error");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Back: the same request (a fresh key) goes through once the
    //  service's reconnect pause (at most 2 s, kp_db_ensure) has passed;
    //  until then it is refused UNAVAILABLE, never anything else.
    reply = NULL;
    for (int attempt = 0; attempt < 40; attempt++) {
        reply = s_submit (client, &body, NULL);
        cr_assert_not_null (reply);
        if (reply->status == KUMPPANI__V1__STATUS__STATUS_OK)
            break;
        cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_UNAVAILABLE, "%s",
                      reply->error ? reply->error->code : "");
        kumppani__v1__reply__free_unpacked (reply, NULL);
        reply = NULL;
        zclock_sleep (100);
    }
    cr_assert_not_null (reply, "the service did not serve again after its database came back");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&client);
}

//  Many clients pipelining writes at once: the server takes what is
//  waiting as one group commit. Every request must still get its own
//  answer, one effect each, and a key repeated inside the same batch must
//  get the first answer back.
Test (foundation, concurrent_pipelined_writes_each_get_one_effect)
{
    kpt_service_start ("reporting", NULL);
    enum { CLIENTS = 8, EACH = 25 };
    kp_client_t *clients [CLIENTS];
    long long before = kpt_scalar ("SELECT count(*) FROM reporting.observations WHERE theme = 'batch_check'", NULL);
    char keys [CLIENTS][EACH][32];
    for (int client = 0; client < CLIENTS; client++) {
        clients [client] = kpt_client ("reporting", client % 2 ? "muni-743" : "ngo-743");
        for (int index = 0; index < EACH; index++) {
            Kumppani__V1__SubmitObservation body;
            s_observation (&body, "batch_check");
            body.clients_concerned = (uint32_t) index;
            Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
            Kumppani__V1__Actor actor;
            kpt_request (&request, &actor, kpt_role_of (client % 2 ? "muni-743" : "ngo-743"), true);
            //  The last request repeats the one before it, key and body.
            snprintf (keys [client][index], sizeof keys [client][index], "batch-%d-%d-%d",
                      (int) getpid (), client, index < EACH - 1 ? index : index - 1);
            if (index == EACH - 1)
                body.clients_concerned = (uint32_t) (index - 1);
            request.idempotency_key = keys [client][index];
            char correlation [32];
            snprintf (correlation, sizeof correlation, "c-%d-%d", client, index);
            request.correlation_id = correlation;
            request.body_case = KUMPPANI__V1__REQUEST__BODY_SUBMIT_OBSERVATION;
            request.submit_observation = &body;
            size_t size;
            uint8_t *packed = kp_codec_pack (&request.base, &size);
            cr_assert_eq (kp_client_send_bytes (clients [client], packed, size), 0);
            free (packed);
        }
    }
    for (int client = 0; client < CLIENTS; client++) {
        char *ids [EACH] = { NULL };
        for (int index = 0; index < EACH; index++) {
            Kumppani__V1__Reply *reply = kp_client_recv (clients [client], 10000);
            cr_assert_not_null (reply, "client %d got %d of %d replies", client, index, EACH);
            cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK, "%s",
                          reply->error ? reply->error->code : "");
            int number = -1;
            cr_assert_eq (sscanf (reply->correlation_id, "c-%*d-%d", &number), 1);
            ids [number] = strdup (reply->observation->observation_id);
            kumppani__v1__reply__free_unpacked (reply, NULL);
        }
        cr_assert_str_eq (ids [EACH - 1], ids [EACH - 2], "a repeated key got a second effect");
        for (int index = 0; index < EACH - 1; index++) {
            cr_assert_eq (kpt_scalar ("SELECT count(*) FROM reporting.observations WHERE observation_id = $1",
                                      ids [index]), 1);
            free (ids [index]);
        }
        free (ids [EACH - 1]);
        kp_client_destroy (&clients [client]);
    }
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM reporting.observations WHERE theme = 'batch_check'", NULL),
                  before + CLIENTS * (EACH - 1));
}
