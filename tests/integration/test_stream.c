/*  The event stream's promises, against a real stream process and the
    test cluster: gap-free commit-ordered seqs under concurrent writers
    with rollbacks, recovery by replay after kill -9 and after the
    high-water mark, entitlement by certificate, and poison parking. */
#include "harness.h"
#include "kp_codec.h"
#include "kp_consumer.h"
#include "kp_stream_client.h"
#include "kp_subscriber.h"

#include <criterion/criterion.h>
#include <czmq.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

TestSuite (stream, .init = kpt_setup, .fini = kpt_teardown, .timeout = 180);

static char s_cert [512], s_stream_cert [512];

static kp_subscriber_t *
s_subscriber (const char *org, const char *const *prefixes, uint64_t after)
{
    snprintf (s_cert, sizeof s_cert, "%s", kpt_cert_path ("clients", org));
    snprintf (s_stream_cert, sizeof s_stream_cert, "%s", kpt_cert_path ("services", "stream"));
    kp_subscriber_t *subscriber = kp_subscriber_new (kpt_endpoint ("stream"), kpt_pub_endpoint (),
                                                     s_stream_cert, s_cert, prefixes, after);
    cr_assert_not_null (subscriber);
    return subscriber;
}

//  Appends one observation event (theme padded to size) in the
//  connection's current transaction.
static bool
s_append (PGconn *conn, const char *topic, const char *aggregate, const char *municipality,
          const char *recipient, size_t padding)
{
    Kumppani__V1__ObservationRecorded recorded = KUMPPANI__V1__OBSERVATION_RECORDED__INIT;
    char *theme = calloc (1, padding + 1);
    memset (theme, 'x', padding);
    recorded.theme = theme;
    recorded.observation_id = (char *) aggregate;
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.topic = (char *) topic;
    event.aggregate_id = (char *) aggregate;
    event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_OBSERVATION_RECORDED;
    event.observation_recorded = &recorded;
    long long seq = kpt_try_append_event (conn, &event, municipality, NULL, recipient);
    free (theme);
    return seq > 0;
}

static long long
s_head (void)
{
    return kpt_scalar ("SELECT last_seq FROM kp.event_counter", NULL);
}

//  The relay's head as its health reports it: everything up to there has
//  been handed to the live side.
static long long
s_published (void)
{
    kp_client_t *client = kpt_client ("stream", "operator");
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__HealthRequest health = KUMPPANI__V1__HEALTH_REQUEST__INIT;
    request.body_case = KUMPPANI__V1__REQUEST__BODY_HEALTH;
    request.health = &health;
    Kumppani__V1__Reply *reply = kpt_call (client, &request);
    cr_assert (reply && reply->health, "the stream did not answer health");
    long long head = reply->health->head_seq;
    kp_codec_reply_free (&reply);
    kp_client_destroy (&client);
    return head;
}

//  One writer of the test below: TRANSACTIONS transactions of 1-3 events
//  on its own connection, a quarter of them rolled back, commits spread
//  out. Threads, not processes: a child forked beside the subscriber's
//  threads could inherit a lock one of them held and hang.
enum { WRITERS = 8, TRANSACTIONS = 40 };
typedef struct {
    PGconn *conn;
    int writer;
    bool failed;
    atomic_bool done;
} s_writer_t;

static void *
s_writer (void *arg)
{
    s_writer_t *self = arg;
    unsigned seed = (unsigned) (self->writer + 1) * 7919u;
    for (int txn = 0; txn < TRANSACTIONS && !self->failed; txn++) {
        PQclear (PQexec (self->conn, "BEGIN"));
        int events = 1 + rand_r (&seed) % 3;
        for (int index = 0; index < events && !self->failed; index++) {
            char aggregate [64];
            snprintf (aggregate, sizeof aggregate, "w%d-t%d-e%d", self->writer, txn, index);
            self->failed = !s_append (self->conn, "reporting.load_test", aggregate, "743", NULL, 16);
        }
        usleep ((useconds_t) (rand_r (&seed) % 3000));          //  interleave commits
        PQclear (PQexec (self->conn, self->failed || rand_r (&seed) % 4 == 0 ? "ROLLBACK" : "COMMIT"));
    }
    atomic_store (&self->done, true);
    return NULL;
}

//  ≥ 8 writers with random rollbacks and interleaved commits, while a
//  reader polls the table: every read must continue exactly at last + 1
//  (no gaps, no late arrivals). Then the stream must deliver every
//  committed event exactly once, in order, and no rolled-back one.
Test (stream, concurrent_writers_give_gap_free_commit_ordered_seqs)
{
    kpt_service_start ("stream", NULL);
    long long start = s_head ();
    const char *everything [] = { NULL };
    kp_subscriber_t *subscriber = s_subscriber ("operator", everything, (uint64_t) start);

    s_writer_t writers [WRITERS];
    pthread_t threads [WRITERS];
    for (int writer = 0; writer < WRITERS; writer++) {
        writers [writer] = (s_writer_t) { .conn = kpt_connect_as ("reporting"), .writer = writer };
        cr_assert_eq (pthread_create (&threads [writer], NULL, s_writer, &writers [writer]), 0);
    }
    //  The reader: each read after `last` must start at last + 1 and be contiguous.
    long long last = start;
    int reads = 0;
    for (bool running = true; running; ) {
        //  Whether all were done before this read: then it is the last one.
        running = false;
        for (int writer = 0; writer < WRITERS; writer++)
            running |= !atomic_load (&writers [writer].done);
        char after [24];
        snprintf (after, sizeof after, "%lld", last);
        const char *values [] = { after };
        PGresult *rows = PQexecParams (kpt_admin (), "SELECT seq FROM kp.events WHERE seq > $1::int8 ORDER BY seq",
                                       1, NULL, values, NULL, NULL, 0);
        cr_assert_eq (PQresultStatus (rows), PGRES_TUPLES_OK);
        for (int row = 0; row < PQntuples (rows); row++) {
            long long seq = atoll (PQgetvalue (rows, row, 0));
            cr_assert_eq (seq, last + 1, "a reader past %lld saw %lld: a gap or a late arrival", last, seq);
            last = seq;
        }
        PQclear (rows);
        reads++;
    }
    for (int writer = 0; writer < WRITERS; writer++) {
        pthread_join (threads [writer], NULL);
        cr_assert_not (writers [writer].failed, "writer %d could not append: %s", writer,
                       PQerrorMessage (writers [writer].conn));
        PQfinish (writers [writer].conn);
    }
    long long head = s_head ();
    char start_text [24];
    snprintf (start_text, sizeof start_text, "%lld", start);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.events WHERE seq > $1::int8", start_text),
                  head - start, "committed rows and seqs disagree: there is a hole");
    long long committed = kpt_scalar ("SELECT count(*) FROM kp.events WHERE topic = 'reporting.load_test'"
                                      " AND seq > $1::int8", start_text);
    cr_assert_gt (committed, 0);
    cr_assert_lt (committed, WRITERS * TRANSACTIONS * 3, "no rollback happened");

    //  The stream delivers exactly the committed events, once, in order.
    long long expected = start + 1, delivered = 0;
    while (expected <= head) {
        Kumppani__V1__Event *event = kp_subscriber_next (subscriber, 10000);
        cr_assert_not_null (event, "stream stopped at %lld of %lld", expected - 1, head);
        cr_assert_eq ((long long) event->seq, expected, "out of order or repeated");
        cr_assert_str_eq (event->topic, "reporting.load_test");
        expected++;
        delivered++;
        kumppani__v1__event__free_unpacked (event, NULL);
    }
    cr_assert_eq (delivered, committed);
    cr_log_info ("%d polling reads, %lld events delivered", reads, delivered);
    kp_subscriber_destroy (&subscriber);
}

Test (stream, kill_9_mid_publish_then_replay_completes_the_sequence)
{
    kpt_service_start ("stream", NULL);
    long long start = s_head ();
    const char *everything [] = { NULL };
    kp_subscriber_t *subscriber = s_subscriber ("operator", everything, (uint64_t) start);
    PGconn *conn = kpt_connect_as ("reporting");
    //  A big batch is being published when the relay is killed.
    PQclear (PQexec (conn, "BEGIN"));
    for (int index = 0; index < 3000; index++) {
        char aggregate [32];
        snprintf (aggregate, sizeof aggregate, "kill-%d", index);
        cr_assert (s_append (conn, "reporting.kill_test", aggregate, "743", NULL, 200));
    }
    PQclear (PQexec (conn, "COMMIT"));
    Kumppani__V1__Event *first = kp_subscriber_next (subscriber, 10000);
    cr_assert_not_null (first);
    kumppani__v1__event__free_unpacked (first, NULL);
    kpt_service_signal ("stream", SIGKILL);
    kpt_service_stop ("stream");
    //  More events while the stream is down.
    PQclear (PQexec (conn, "BEGIN"));
    for (int index = 0; index < 100; index++) {
        char aggregate [32];
        snprintf (aggregate, sizeof aggregate, "down-%d", index);
        cr_assert (s_append (conn, "reporting.kill_test", aggregate, "743", NULL, 10));
    }
    PQclear (PQexec (conn, "COMMIT"));
    PQfinish (conn);
    kpt_service_start ("stream", NULL);

    long long head = s_head ();
    long long expected = start + 2;
    while (expected <= head) {
        Kumppani__V1__Event *event = kp_subscriber_next (subscriber, 15000);
        cr_assert_not_null (event, "after the restart the stream stopped at %lld of %lld", expected - 1, head);
        cr_assert_eq ((long long) event->seq, expected);
        expected++;
        kumppani__v1__event__free_unpacked (event, NULL);
    }
    kp_subscriber_destroy (&subscriber);
}

Test (stream, slow_subscriber_past_the_high_water_mark_recovers_by_replay)
{
    //  A small queue per subscriber, so a modest burst overflows it.
    const char *env [] = { "KUMPPANI_STREAM_HWM=100", NULL };
    kpt_service_start ("stream", env);
    long long start = s_head ();
    const char *everything [] = { NULL };
    kp_subscriber_t *subscriber = s_subscriber ("operator", everything, (uint64_t) start);
    kp_subscriber_set_rcvhwm (subscriber, 50);
    //  Let the subscription reach the relay, and catch up to the head.
    cr_assert_null (kp_subscriber_next (subscriber, 1500));
    PGconn *conn = kpt_connect_as ("reporting");
    enum { EVENTS = 3000 };
    PQclear (PQexec (conn, "BEGIN"));
    for (int index = 0; index < EVENTS; index++) {
        char aggregate [32];
        snprintf (aggregate, sizeof aggregate, "slow-%d", index);
        cr_assert (s_append (conn, "reporting.slow_test", aggregate, "743", NULL, 2000));
    }
    PQclear (PQexec (conn, "COMMIT"));
    PQfinish (conn);
    //  Not reading: once the relay has published them all (its health's
    //  head_seq), the queues have overflowed and messages were dropped.
    long long published = 0;
    for (int attempt = 0; attempt < 300 && published < start + EVENTS; attempt++) {
        published = s_published ();
        if (published < start + EVENTS)
            zclock_sleep (50);
    }
    cr_assert_geq (published, start + EVENTS, "the relay never published the burst");
    uint64_t replays_before = kp_subscriber_replays (subscriber);
    for (long long expected = start + 1; expected <= start + EVENTS; expected++) {
        Kumppani__V1__Event *event = kp_subscriber_next (subscriber, 15000);
        cr_assert_not_null (event, "lost after %lld", expected - 1);
        cr_assert_eq ((long long) event->seq, expected);
        kumppani__v1__event__free_unpacked (event, NULL);
    }
    cr_assert_gt (kp_subscriber_replays (subscriber), replays_before,
                  "the high-water mark was never reached, so recovery was not exercised");
    kp_subscriber_destroy (&subscriber);
}

Test (stream, subscriber_sees_only_what_its_certificate_entitles)
{
    kpt_service_start ("stream", NULL);
    long long start = s_head ();
    const char *everything [] = { NULL };
    kp_subscriber_t *ngo = s_subscriber ("ngo-743", everything, (uint64_t) start);
    kp_subscriber_t *kela = s_subscriber ("kela", everything, (uint64_t) start);
    kp_subscriber_t *helsinki = s_subscriber ("integrator-743", everything, (uint64_t) start);
    cr_assert_null (kp_subscriber_next (ngo, 500));

    PGconn *conn = kpt_connect_as ("reporting");
    PQclear (PQexec (conn, "BEGIN"));
    cr_assert (s_append (conn, "reporting.scope_test", "for-ngo", "743", "ngo-743", 4));
    cr_assert (s_append (conn, "reporting.scope_test", "for-091", "091", "muni-091", 4));
    cr_assert (s_append (conn, "reporting.scope_test", "for-743", "743", "muni-743", 4));
    PQclear (PQexec (conn, "COMMIT"));
    PQfinish (conn);

    //  The NGO gets only what is addressed to it, live or replayed.
    Kumppani__V1__Event *event = kp_subscriber_next (ngo, 5000);
    cr_assert_not_null (event);
    cr_assert_str_eq (event->aggregate_id, "for-ngo");
    kumppani__v1__event__free_unpacked (event, NULL);
    cr_assert_null (kp_subscriber_next (ngo, 2500), "the NGO saw an event not addressed to it");

    //  Kela sent none of these and receives none of them.
    cr_assert_null (kp_subscriber_next (kela, 2500), "Kela saw municipal events");

    //  The municipality's integrator sees its municipality's events only.
    int seen = 0;
    while ((event = kp_subscriber_next (helsinki, 2500))) {
        cr_assert_str_neq (event->aggregate_id, "for-091", "an integrator of 743 saw 091's event");
        seen++;
        kumppani__v1__event__free_unpacked (event, NULL);
    }
    cr_assert_eq (seen, 2);
    kp_subscriber_destroy (&ngo);
    kp_subscriber_destroy (&kela);
    kp_subscriber_destroy (&helsinki);
}

//  What the poison test's handler saw. A handler may run again for the
//  same event when the batch it was in is rolled back (kp_consumer.h), so
//  what counts is the distinct events handled, and the calls made.
typedef struct {
    uint64_t seqs [16];
    int distinct;
    int calls;
} s_seen_t;

static int
s_poison_handler (kp_db_t *db, const Kumppani__V1__Event *event, void *arg, char *error, size_t size)
{
    (void) db;
    s_seen_t *seen = arg;
    seen->calls++;
    if (strstr (event->aggregate_id, "poison")) {
        snprintf (error, size, "cannot handle %s", event->aggregate_id);
        return -2;
    }
    for (int index = 0; index < seen->distinct; index++)
        if (seen->seqs [index] == event->seq)
            return 0;
    if (seen->distinct < 16)
        seen->seqs [seen->distinct++] = event->seq;
    return 0;
}

//  Good, poison, good: the poison is parked, both good events handled
//  once, the cursor at the head, nothing handed over again after a
//  restart. batch_lag "0" makes the consumer batch (the poison then fails
//  its batch, which is run again one event at a time).
static void
s_poison_scenario (const char *batch_lag)
{
    kpt_service_start ("stream", NULL);
    //  The consumer's stored cursor starts at today's head: it must resume
    //  from there, not from the beginning of history.
    char consumer_name [64], head_text [24];
    snprintf (consumer_name, sizeof consumer_name, "poison-test-%s-%d", batch_lag, (int) getpid ());
    snprintf (head_text, sizeof head_text, "%lld", s_head ());
    const char *cursor [] = { consumer_name, head_text };
    PQclear (PQexecParams (kpt_admin (), "INSERT INTO kp.consumer_cursors (consumer, service, last_seq)"
                           " VALUES ($1, 'reporting', $2::int8)", 2, NULL, cursor, NULL, NULL, 0));
    PGconn *conn = kpt_connect_as ("reporting");
    PQclear (PQexec (conn, "BEGIN"));
    cr_assert (s_append (conn, "reporting.poison_test", "good-1", "743", NULL, 4));
    cr_assert (s_append (conn, "reporting.poison_test", "poison-1", "743", NULL, 4));
    cr_assert (s_append (conn, "reporting.poison_test", "good-2", "743", NULL, 4));
    PQclear (PQexec (conn, "COMMIT"));
    PQfinish (conn);

    //  A consumer running as the reporting service, in this process.
    char conninfo [1024];
    snprintf (conninfo, sizeof conninfo, "%s user=reporting", getenv ("KUMPPANI_TEST_CONNINFO"));
    kp_db_t *db = kp_db_new (conninfo, 2000);
    cr_assert_not_null (db);
    setenv ("KUMPPANI_SERVICE_CERTS_DIR", kpt_cert_dir ("services"), 1);
    setenv ("KUMPPANI_STREAM_ENDPOINT", kpt_endpoint ("stream"), 1);
    setenv ("KUMPPANI_STREAM_PUB_ENDPOINT", kpt_pub_endpoint (), 1);
    setenv ("KUMPPANI_CONSUMER_BATCH_LAG", batch_lag, 1);
    kp_config_t *config = kp_config_load ("reporting");
    zloop_t *loop = zloop_new ();
    s_seen_t seen = { { 0 } };
    const char *prefixes [] = { "reporting.poison_test", NULL };
    kp_consumer_t *consumer = kp_consumer_new (loop, db, config, consumer_name, prefixes,
                                               s_poison_handler, &seen);
    cr_assert_not_null (consumer);
    kp_consumer_poll (consumer);
    cr_assert_eq (seen.distinct, 2, "the consumer stopped at the poison event");
    //  One at a time: three calls. Batched: good-1 and the poison, rolled
    //  back, then the three one at a time.
    cr_assert_eq (seen.calls, strcmp (batch_lag, "0") == 0 ? 5 : 3, "%d handler calls", seen.calls);
    cr_assert_eq (kp_consumer_parked (consumer), 1);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.parked_events WHERE consumer = $1", consumer_name), 1);
    cr_assert_eq (kpt_scalar ("SELECT last_seq FROM kp.consumer_cursors WHERE consumer = $1", consumer_name),
                  s_head ());
    //  Handled events are not handled again after a restart of the consumer.
    kp_consumer_destroy (&consumer);
    consumer = kp_consumer_new (loop, db, config, consumer_name, prefixes, s_poison_handler, &seen);
    cr_assert_not_null (consumer);
    int calls = seen.calls;
    kp_consumer_poll (consumer);
    cr_assert_eq (seen.calls, calls, "handled events were handed to the handler again");
    kp_consumer_destroy (&consumer);
    zloop_destroy (&loop);
    kp_config_destroy (&config);
    kp_db_destroy (&db);
}

Test (stream, poison_event_is_parked_and_the_consumer_continues)
{
    s_poison_scenario ("20000");
}

Test (stream, poison_event_in_a_batch_is_parked_and_the_rest_handled)
{
    s_poison_scenario ("0");
}

//  The live path itself, not replay: a reader filtered by topic prefix gets
//  the matching event on its DEALER, and not the others; heartbeats reach
//  it whatever its prefixes.
Test (stream, topic_filtered_reader_receives_matching_events_live)
{
    kpt_service_start ("stream", NULL);
    char *prefixes [] = { "reporting.live_match" };
    kp_stream_live_t *reader = kp_stream_live_new (kpt_pub_endpoint (), kpt_cert_path ("services", "stream"),
                                                   kpt_cert_path ("clients", "operator"), prefixes, 1);
    cr_assert_not_null (reader);
    //  Wait (bounded) until the subscription is in place: heartbeats flow.
    zmsg_t *msg = kp_stream_live_recv (reader, 5000);
    cr_assert_not_null (msg, "no heartbeat reached a filtered reader");
    zmsg_destroy (&msg);

    PGconn *conn = kpt_connect_as ("reporting");
    PQclear (PQexec (conn, "BEGIN"));
    cr_assert (s_append (conn, "reporting.live_other", "other-1", "743", NULL, 4));
    cr_assert (s_append (conn, "reporting.live_match", "match-1", "743", NULL, 4));
    PQclear (PQexec (conn, "COMMIT"));
    PQfinish (conn);

    bool matched = false;
    while (!matched && (msg = kp_stream_live_recv (reader, 5000))) {
        cr_assert_eq (zmsg_size (msg), 2);
        zframe_t *body = zmsg_last (msg);
        Kumppani__V1__Event *event = kumppani__v1__event__unpack (NULL, zframe_size (body), zframe_data (body));
        cr_assert_not_null (event);
        cr_assert_str_neq (event->topic, "reporting.live_other", "a filtered reader got another topic");
        matched = strcmp (event->topic, "reporting.live_match") == 0;
        if (matched) {
            char *scoped = zframe_strdup (zmsg_first (msg));
            cr_assert_str_eq (scoped, "*|reporting.live_match");
            free (scoped);
        }
        kumppani__v1__event__free_unpacked (event, NULL);
        zmsg_destroy (&msg);
    }
    cr_assert (matched, "the matching event never arrived live");
    kp_stream_live_destroy (&reader);
}
