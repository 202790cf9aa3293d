/*  RebuildRollups runs beside the request loop (KP_ROUTE_BACKGROUND):
    while one is running, health and reports are answered, a second
    rebuild is refused CONFLICT reporting.rebuild_running, and a live
    event is neither a reason to stall nor to park; then the rebuild's own
    reply arrives, audited and stored with its key as before.

    How long a rebuild runs is the test's to decide, without timing
    anything: its first statement locks the rollup consumer's cursor, so
    a transaction of the test's holding that row keeps it running (waiting
    on the lock, in its own transaction) until the test lets go. On a loop
    that runs it inline, nothing else is answered meanwhile. */
#include "harness.h"
#include "kp_codec.h"
#include "kp_ids.h"

#include <criterion/criterion.h>
#include <czmq.h>
#include <stdlib.h>
#include <string.h>

TestSuite (reporting_rebuild, .init = kpt_setup, .fini = kpt_teardown, .timeout = 120);

#define ROLLUPS "reporting.rollups"

static void
s_exec (PGconn *conn, const char *sql)
{
    PGresult *result = PQexec (conn, sql);
    cr_assert (PQresultStatus (result) == PGRES_COMMAND_OK || PQresultStatus (result) == PGRES_TUPLES_OK,
               "%s: %s", sql, PQresultErrorMessage (result));
    PQclear (result);
}

//  Sessions of the reporting role waiting for a lock: the rebuild, once
//  it reached the cursor the test holds.
static long long
s_waiting_on_lock (void)
{
    return kpt_scalar ("SELECT count (*) FROM pg_stat_activity"
                       " WHERE usename = 'reporting' AND wait_event_type = 'Lock'", NULL);
}

static Kumppani__V1__Reply *
s_health (kp_client_t *client)
{
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__HealthRequest health = KUMPPANI__V1__HEALTH_REQUEST__INIT;
    request.body_case = KUMPPANI__V1__REQUEST__BODY_HEALTH;
    request.health = &health;
    return kpt_call (client, &request);
}

static Kumppani__V1__Reply *
s_report (kp_client_t *client)
{
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER, false);
    Kumppani__V1__RunReport body = KUMPPANI__V1__RUN_REPORT__INIT;
    body.report = "referral_sla";
    body.period_start = "2024-01-01";
    body.period_end = "2024-12-31";
    body.project_id = "";
    body.municipality = "";
    request.body_case = KUMPPANI__V1__REQUEST__BODY_RUN_REPORT;
    request.run_report = &body;
    return kpt_call (client, &request);
}

//  A rebuild request (compare only) under key, packed for sending as is.
static uint8_t *
s_rebuild_request (const char *key, size_t *size)
{
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, KUMPPANI__V1__ROLE__ROLE_OPERATOR, true);
    request.idempotency_key = (char *) key;
    Kumppani__V1__RebuildRollups body = KUMPPANI__V1__REBUILD_ROLLUPS__INIT;
    request.body_case = KUMPPANI__V1__REQUEST__BODY_REBUILD_ROLLUPS;
    request.rebuild_rollups = &body;
    return kp_codec_pack (&request.base, size);
}

//  A groups event the rollups fold (an activity in a municipality no other
//  suite reports on); its seq.
static long long
s_live_event (void)
{
    Kumppani__V1__GroupsEvent payload = KUMPPANI__V1__GROUPS_EVENT__INIT;
    char activity [KP_ID_LEN + 1];
    kp_id_new (activity);
    payload.activity_id = activity;
    payload.activity_kind = "peer_support";
    payload.municipality = "978";
    payload.organiser_org = "ngo-743";
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.topic = "groups.activity_created";
    event.aggregate_id = activity;
    event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_GROUPS;
    event.groups = &payload;
    return kpt_append_event (kpt_admin (), &event, "978", "ngo-743", "");
}

//  An event the rollups do not fold (another service's topic); its seq.
static long long
s_other_event (void)
{
    Kumppani__V1__ObservationRecorded recorded = KUMPPANI__V1__OBSERVATION_RECORDED__INIT;
    char id [KP_ID_LEN + 1];
    kp_id_new (id);
    recorded.observation_id = id;
    recorded.theme = "rebuild";
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.topic = "intake.outside_the_rollups";
    event.aggregate_id = id;
    event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_OBSERVATION_RECORDED;
    event.observation_recorded = &recorded;
    return kpt_append_event (kpt_admin (), &event, "978", NULL, NULL);
}

//  The stream's head, from its health reply.
static long long
s_stream_head (kp_client_t *stream)
{
    Kumppani__V1__Reply *reply = s_health (stream);
    cr_assert_not_null (reply);
    long long head = reply->health->head_seq;
    kumppani__v1__reply__free_unpacked (reply, NULL);
    return head;
}

Test (reporting_rebuild, health_and_reports_are_answered_while_a_rebuild_runs)
{
    kpt_service_start ("stream", NULL);
    //  Polls every 100 ms, so the consumer soon looks past an event it
    //  does not fold (nothing wakes it for one).
    const char *fast_poll [] = { "KUMPPANI_POLL_MS=100", NULL };
    kpt_service_start ("reporting", fast_poll);
    kp_client_t *operator = kpt_client ("reporting", "operator");
    kp_client_t *second = kpt_client ("reporting", "operator");
    kp_client_t *muni = kpt_client ("reporting", "muni-743");
    kp_client_t *stream = kpt_client ("stream", "operator");

    PGconn *holder = kpt_connect_as ("reporting");
    s_exec (holder, "BEGIN");
    s_exec (holder, "SELECT 1 FROM kp.consumer_cursors WHERE consumer = '" ROLLUPS "' FOR UPDATE");

    char key [KP_ID_LEN + 1];
    kp_id_new (key);
    size_t size;
    uint8_t *rebuild = s_rebuild_request (key, &size);
    cr_assert_not_null (rebuild);
    cr_assert_eq (kp_client_send_bytes (operator, rebuild, size), 0);
    //  Bounded wait (not a timing): until the rebuild stands at the lock.
    for (int tries = 0; tries < 300 && s_waiting_on_lock () < 1; tries++)
        zclock_sleep (50);
    cr_assert_geq (s_waiting_on_lock (), 1, "the rebuild never reached the rollup cursor");

    //  An event the consumer does not fold while the cursor is held: it
    //  only moves its cursor past it, and must not wait for the held row
    //  to do that (a bare UPDATE did, and took the loop with it).
    long long unfolded = s_other_event ();
    for (int tries = 0; tries < 200 && s_stream_head (stream) < unfolded; tries++)
        zclock_sleep (50);
    //  Nothing observable says "the consumer tried to move its cursor":
    //  half a second gives it (polling every 100 ms) several tries. What
    //  is asserted is that health is answered, not how fast.
    zclock_sleep (500);
    for (int round = 0; round < 2; round++) {
        Kumppani__V1__Reply *reply = s_health (muni);
        cr_assert_not_null (reply, "health waited while the consumer moved its cursor past an event"
                            " it does not fold");
        kumppani__v1__reply__free_unpacked (reply, NULL);
    }

    //  A live event while the cursor is held: the consumer, in the same
    //  loop, must step back rather than wait for the lock. Once the stream
    //  has published it, the consumer has it too.
    long long live = s_live_event ();
    for (int tries = 0; tries < 200 && s_stream_head (stream) < live; tries++)
        zclock_sleep (50);

    //  Answered while the rebuild runs.
    for (int round = 0; round < 2; round++) {
        Kumppani__V1__Reply *reply = s_health (muni);
        cr_assert_not_null (reply, "health waited behind the rebuild");
        cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK);
        cr_assert (reply->health->database_ok);
        kumppani__v1__reply__free_unpacked (reply, NULL);
        reply = s_report (muni);
        cr_assert_not_null (reply, "a report waited behind the rebuild");
        cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK, "%s",
                      reply->error ? reply->error->code : "");
        kumppani__v1__reply__free_unpacked (reply, NULL);
    }
    //  One rebuild at a time; the refusal is not stored with its key.
    char other_key [KP_ID_LEN + 1];
    kp_id_new (other_key);
    size_t other_size;
    uint8_t *other = s_rebuild_request (other_key, &other_size);
    cr_assert_eq (kp_client_send_bytes (second, other, other_size), 0);
    Kumppani__V1__Reply *reply = kp_client_recv (second, 5000);
    cr_assert_not_null (reply, "a second rebuild waited behind the first");
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "status %d", reply->status);
    cr_assert_str_eq (reply->error->code, "reporting.rebuild_running");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  The order: all of that was answered before the rebuild, which is
    //  still at the lock and has not replied.
    cr_assert_geq (s_waiting_on_lock (), 1);
    reply = kp_client_recv (operator, 0);
    cr_assert_null (reply, "the rebuild answered before it could have run");

    s_exec (holder, "COMMIT");
    PQfinish (holder);
    reply = kp_client_recv (operator, 60000);
    cr_assert_not_null (reply, "the rebuild never answered");
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK, "%s", reply->error ? reply->error->code : "");
    cr_assert_eq (reply->body_case, KUMPPANI__V1__REPLY__BODY_ROLLUP_CHECK);
    cr_assert_eq (reply->rollup_check->n_tables, 9);      //  referral_responses (0024), placement_flow and group_feedback (0028)
    uint64_t cursor = reply->rollup_check->cursor;
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_geq (kpt_scalar ("SELECT count (*) FROM kp.audit_log WHERE action = 'reporting.rebuild_rollups'"
                               " AND actor_org = 'operator' AND detail = 'compare'", NULL), 1,
                   "the background rebuild was not audited");

    //  The same key again: the stored reply, not a second run.
    cr_assert_eq (kp_client_send_bytes (operator, rebuild, size), 0);
    reply = kp_client_recv (operator, 60000);
    cr_assert_not_null (reply);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK);
    cr_assert_eq (reply->rollup_check->cursor, cursor);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  The other key was refused, not stored: now it runs.
    cr_assert_eq (kp_client_send_bytes (second, other, other_size), 0);
    reply = kp_client_recv (second, 60000);
    cr_assert_not_null (reply);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK, "%s", reply->error ? reply->error->code : "");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  The live event was folded once the cursor was free, not parked.
    char seq [24];
    snprintf (seq, sizeof seq, "%lld", live);
    for (int tries = 0; tries < 200 && kpt_scalar ("SELECT last_seq FROM kp.consumer_cursors"
                                                   " WHERE consumer = '" ROLLUPS "'", NULL) < live; tries++)
        zclock_sleep (50);
    cr_assert_geq (kpt_scalar ("SELECT last_seq FROM kp.consumer_cursors WHERE consumer = '" ROLLUPS "'", NULL),
                   live, "the rollups never folded the event that came during the rebuild");
    cr_assert_eq (kpt_scalar ("SELECT count (*) FROM kp.parked_events WHERE consumer = '" ROLLUPS "'"
                              " AND seq = $1::int8", seq), 0, "the event that met a held cursor was parked");
    free (rebuild);
    free (other);
    kp_client_destroy (&operator);
    kp_client_destroy (&second);
    kp_client_destroy (&muni);
    kp_client_destroy (&stream);
}
