/*  The stream while PostgreSQL is stopped (the real cluster, stopped and
    started again): replay answers UNAVAILABLE within a second, health
    answers, heartbeats keep reaching live subscribers, and live delivery
    resumes on the same connection once the database is back. */
#include "harness.h"
#include "kp_stream_client.h"

#include <criterion/criterion.h>
#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>

//  The cluster is started again even when the test fails half-way, so
//  the suites after this one find it.
static void
s_start_and_teardown (void)
{
    kpt_pg_start ();
    kpt_teardown ();
}

TestSuite (stream_outage, .init = kpt_setup, .fini = s_start_and_teardown, .timeout = 120);

static long long
s_append (PGconn *conn, const char *tag)
{
    Kumppani__V1__ObservationRecorded recorded = KUMPPANI__V1__OBSERVATION_RECORDED__INIT;
    recorded.observation_id = (char *) tag;
    recorded.theme = "outage";
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.topic = "reporting.outage";
    event.aggregate_id = (char *) tag;
    event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_OBSERVATION_RECORDED;
    event.observation_recorded = &recorded;
    return kpt_append_event (conn, &event, "743", NULL, NULL);
}

//  The next live message on live within timeout_ms: its seq (0 for a
//  heartbeat), or -1 if none came.
static long long
s_next (kp_stream_live_t *live, int timeout_ms)
{
    zmsg_t *msg = kp_stream_live_recv (live, timeout_ms);
    if (!msg)
        return -1;
    zframe_t *body = zmsg_last (msg);
    Kumppani__V1__Event *event = kumppani__v1__event__unpack (NULL, zframe_size (body), zframe_data (body));
    cr_assert_not_null (event);
    long long seq = event->payload_case == KUMPPANI__V1__EVENT__PAYLOAD_HEARTBEAT ? 0 : (long long) event->seq;
    kumppani__v1__event__free_unpacked (event, NULL);
    zmsg_destroy (&msg);
    return seq;
}

//  Whether live receives the event with this seq within timeout_ms.
static bool
s_receives (kp_stream_live_t *live, long long seq, int timeout_ms)
{
    int64_t deadline = zclock_mono () + timeout_ms;
    while (zclock_mono () < deadline) {
        long long got = s_next (live, (int) (deadline - zclock_mono ()));
        if (got == seq)
            return true;
    }
    return false;
}

Test (stream_outage, replay_is_answered_unavailable_within_a_second_and_live_resumes)
{
    kpt_service_start ("stream", NULL);
    kp_stream_live_t *live = kp_stream_live_new (kpt_pub_endpoint (), kpt_cert_path ("services", "stream"),
                                                 kpt_cert_path ("clients", "operator"), NULL, 0);
    cr_assert_not_null (live);
    PGconn *conn = kpt_connect_as ("reporting");
    long long before = s_append (conn, "before");
    cr_assert (s_receives (live, before, 10000), "the event before the outage never arrived live");
    PQfinish (conn);
    kpt_admin_close ();

    kpt_pg_stop ();
    kp_client_t *client = kpt_client ("stream", "operator");
    //  Several requests, spread over the relay's reconnection attempts.
    for (int attempt = 0; attempt < 6; attempt++) {
        Kumppani__V1__ReplayRequest body = KUMPPANI__V1__REPLAY_REQUEST__INIT;
        body.after_seq = (uint64_t) before - 1;
        Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
        request.body_case = KUMPPANI__V1__REQUEST__BODY_REPLAY;
        request.replay = &body;
        int64_t sent = zclock_mono ();
        Kumppani__V1__Reply *reply = kp_client_call (client, &request, 5000, 0);
        int64_t took = zclock_mono () - sent;
        cr_assert_not_null (reply, "replay got no answer while the database was stopped");
        cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_UNAVAILABLE, "status %d", reply->status);
        cr_assert_str_eq (reply->error->code, "db.error");
        //  Issue 14 demands this bound: a caller must learn within a second
        //  that the database is away, not wait out its own timeout (5 s
        //  here, so a slow answer still arrives and fails this line rather
        //  than the one above).
        cr_assert_lt (took, 1000, "replay answered UNAVAILABLE only after %lld ms", (long long) took);
        kumppani__v1__reply__free_unpacked (reply, NULL);
        zclock_sleep (300);
    }
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__HealthRequest health = KUMPPANI__V1__HEALTH_REQUEST__INIT;
    request.body_case = KUMPPANI__V1__REQUEST__BODY_HEALTH;
    request.health = &health;
    Kumppani__V1__Reply *reply = kp_client_call (client, &request, 5000, 0);
    cr_assert_not_null (reply, "health got no answer while the database was stopped");
    cr_assert_not_null (reply->health);
    cr_assert_not (reply->health->database_ok, "health says the stopped database is fine");
    cr_assert_eq (reply->health->head_seq, before);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  The relay's loop is not stuck reconnecting: heartbeats still come.
    long long next;
    while ((next = s_next (live, 5000)) > 0)
        ;
    cr_assert_eq (next, 0, "no heartbeat reached the subscriber while the database was stopped");

    kpt_pg_start ();
    conn = kpt_connect_as ("reporting");
    long long after = s_append (conn, "after");
    PQfinish (conn);
    cr_assert (s_receives (live, after, 15000),
               "live delivery did not resume on the same connection once the database was back");
    kp_client_destroy (&client);
    kp_stream_live_destroy (&live);
}
