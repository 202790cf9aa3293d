/*  The live stream at fan-out, against a real stream process: 50
    subscribers of five kinds of certificate (operator, a municipality and
    an integrator of 743, an NGO, Kela) each get every event they are
    entitled to exactly once and in seq order, and nothing else, while
    another connection subscribes and never reads and another subscriber
    reconnects over and over. And a scoped subscriber gets its events
    live: the relay's live_since tells it a seq jump hides nothing for
    it, so it does not replay every jump. Correctness only: no timing. */
#include "harness.h"
#include "kp_codec.h"
#include "kp_subscriber.h"

#include <criterion/criterion.h>
#include <czmq.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

TestSuite (stream_fanout, .init = kpt_setup, .fini = kpt_teardown, .timeout = 240);

#define FANOUT_TOPIC "reporting.fanout_test"
#define FANOUT_EVENTS 2000
#define FANOUT_READERS 50
//  However slow the machine, a reader stops after this long without an event.
#define FANOUT_IDLE_MS 30000

typedef enum { SEES_ALL, SEES_743, SEES_NGO, SEES_KELA, SEES_KINDS } sees_t;
static const char *s_kind_org [] = { "operator", "muni-743", "ngo-743", "kela" };

//  Event i is addressed as a service's would be: 091 or 743, and now and
//  then to the NGO or to Kela.
static const char *
s_municipality (int index)
{
    return index % 3 == 2 ? "091" : "743";
}

static const char *
s_recipient (int index)
{
    return index % 5 == 0 ? "ngo-743" : index % 5 == 1 ? "kela" : NULL;
}

static bool
s_entitled (sees_t sees, int index)
{
    const char *recipient = s_recipient (index);
    switch (sees) {
        case SEES_ALL:  return true;
        case SEES_743:  return strcmp (s_municipality (index), "743") == 0;
        case SEES_NGO:  return recipient && strcmp (recipient, "ngo-743") == 0;
        case SEES_KELA: return recipient && strcmp (recipient, "kela") == 0;
        default:        return false;
    }
}

//  What the test shares with its reader threads.
typedef struct {
    char replay_endpoint [128], pub_endpoint [128], stream_cert [512];
    char certs [SEES_KINDS][512];
    uint64_t start;                 //  the head before the first event
    atomic_llong seqs [FANOUT_EVENTS];  //  each event's seq, once committed
    atomic_int written;             //  1 once every event is committed
} s_shared_t;

typedef struct {
    s_shared_t *shared;
    sees_t sees;
    bool reconnects;                //  a new subscriber every few events
    long received, wrong_order, duplicated, leaked, lost, reconnections;
} s_reader_t;

//  The event index of seq, or -1 if it is not one of ours.
static int
s_index_of (s_shared_t *shared, uint64_t seq)
{
    for (int index = 0; index < FANOUT_EVENTS; index++)
        if ((uint64_t) atomic_load (&shared->seqs [index]) == seq)
            return index;
    return -1;
}

static void *
s_reader (void *arg)
{
    s_reader_t *self = arg;
    s_shared_t *shared = self->shared;
    const char *prefixes [] = { FANOUT_TOPIC, NULL };
    //  Every seq of our topic received, in arrival order; which event each
    //  is, is looked up at the end (a seq may arrive before the test has
    //  marked its transaction committed).
    uint64_t *got = calloc (FANOUT_EVENTS * 2, sizeof (uint64_t));
    long count = 0;
    uint64_t last = shared->start;
    long expected = -1;
    unsigned budget = 0;            //  events left before the reconnector reconnects
    kp_subscriber_t *subscriber = NULL;
    int64_t heard = zclock_mono ();
    while (zclock_mono () - heard < FANOUT_IDLE_MS) {
        if (!subscriber) {
            //  Resumes after the last seq it handled, as an integrator would.
            subscriber = kp_subscriber_new (shared->replay_endpoint, shared->pub_endpoint,
                                            shared->stream_cert, shared->certs [self->sees], prefixes, last);
            if (!subscriber)
                break;
            budget = 1 + randombytes_uniform (60);
        }
        Kumppani__V1__Event *event = kp_subscriber_next (subscriber, 200);
        if (event) {
            heard = zclock_mono ();
            if (event->seq <= last)
                self->wrong_order++;
            if (strcmp (event->topic, FANOUT_TOPIC) == 0 && count < FANOUT_EVENTS * 2)
                got [count++] = event->seq;
            if (event->seq > last)
                last = event->seq;
            kumppani__v1__event__free_unpacked (event, NULL);
            if (self->reconnects && --budget == 0) {
                kp_subscriber_destroy (&subscriber);
                self->reconnections++;
            }
        }
        if (expected < 0 && atomic_load (&shared->written)) {
            expected = 0;
            for (int index = 0; index < FANOUT_EVENTS; index++)
                expected += s_entitled (self->sees, index);
        }
        if (expected >= 0 && count >= expected) {
            //  Everything here: a little longer, to see a late extra one.
            while (subscriber && (event = kp_subscriber_next (subscriber, 1000))) {
                if (strcmp (event->topic, FANOUT_TOPIC) == 0 && count < FANOUT_EVENTS * 2)
                    got [count++] = event->seq;
                kumppani__v1__event__free_unpacked (event, NULL);
            }
            break;
        }
    }
    bool *seen = calloc (FANOUT_EVENTS, sizeof (bool));
    for (long at = 0; at < count; at++) {
        int index = s_index_of (shared, got [at]);
        if (index < 0 || !s_entitled (self->sees, index))
            self->leaked++;
        else if (seen [index])
            self->duplicated++;
        else
            seen [index] = true;
    }
    self->received = count;
    for (int index = 0; index < FANOUT_EVENTS; index++)
        self->lost += s_entitled (self->sees, index) && !seen [index];
    kp_subscriber_destroy (&subscriber);
    free (seen);
    free (got);
    return NULL;
}

static void
s_share (s_shared_t *shared)
{
    snprintf (shared->replay_endpoint, sizeof shared->replay_endpoint, "%s", kpt_endpoint ("stream"));
    snprintf (shared->pub_endpoint, sizeof shared->pub_endpoint, "%s", kpt_pub_endpoint ());
    snprintf (shared->stream_cert, sizeof shared->stream_cert, "%s", kpt_cert_path ("services", "stream"));
    for (int kind = 0; kind < SEES_KINDS; kind++)
        snprintf (shared->certs [kind], sizeof shared->certs [kind], "%s",
                  kpt_cert_path ("clients", s_kind_org [kind]));
    shared->start = (uint64_t) kpt_scalar ("SELECT last_seq FROM kp.event_counter", NULL);
}

//  A connection that subscribes to everything and never reads.
static zsock_t *
s_never_reads (s_shared_t *shared)
{
    zcert_t *client = zcert_load (shared->certs [SEES_ALL]);
    zcert_t *server = zcert_load (shared->stream_cert);
    cr_assert (client && server);
    zsock_t *dealer = zsock_new (ZMQ_DEALER);
    zcert_apply (client, dealer);
    zsock_set_curve_serverkey (dealer, zcert_public_txt (server));
    zsock_set_rcvhwm (dealer, 10);
    zsock_set_rcvbuf (dealer, 4096);
    cr_assert_eq (zsock_connect (dealer, "%s", shared->pub_endpoint), 0);
    zframe_t *subscribe = zframe_new ("\x01", 1);
    zframe_send (&subscribe, dealer, 0);
    zcert_destroy (&client);
    zcert_destroy (&server);
    return dealer;
}

static long long
s_append (PGconn *conn, int index, size_t padding)
{
    char aggregate [32];
    snprintf (aggregate, sizeof aggregate, "fanout-%d", index);
    Kumppani__V1__ObservationRecorded recorded = KUMPPANI__V1__OBSERVATION_RECORDED__INIT;
    char *theme = calloc (1, padding + 1);
    memset (theme, 'x', padding);
    recorded.theme = theme;
    recorded.observation_id = aggregate;
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.topic = FANOUT_TOPIC;
    event.aggregate_id = aggregate;
    event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_OBSERVATION_RECORDED;
    event.observation_recorded = &recorded;
    long long seq = kpt_append_event (conn, &event, s_municipality (index), NULL, s_recipient (index));
    free (theme);
    cr_assert_gt (seq, 0);
    return seq;
}

Test (stream_fanout, fifty_subscribers_each_get_their_events_once_in_order)
{
    //  A small queue per connection, so the one that never reads reaches
    //  it and has messages dropped while the others carry on.
    const char *env [] = { "KUMPPANI_STREAM_HWM=500", NULL };
    kpt_service_start ("stream", env);
    s_shared_t *shared = calloc (1, sizeof *shared);
    s_share (shared);
    zsock_t *idle = s_never_reads (shared);

    enum { READERS = FANOUT_READERS + 1 };
    s_reader_t readers [READERS];
    pthread_t threads [READERS];
    for (int index = 0; index < READERS; index++) {
        //  The last one reconnects in a loop, as a municipality.
        bool reconnects = index == FANOUT_READERS;
        readers [index] = (s_reader_t) { shared, reconnects ? SEES_743 : (sees_t) (index % SEES_KINDS),
                                         reconnects };
        cr_assert_eq (pthread_create (&threads [index], NULL, s_reader, &readers [index]), 0);
    }
    //  20 events per transaction, as a group commit writes them; a seq is
    //  marked only once its transaction committed.
    PGconn *conn = kpt_connect_as ("reporting");
    for (int first = 0; first < FANOUT_EVENTS; first += 20) {
        long long seqs [20];
        PQclear (PQexec (conn, "BEGIN"));
        for (int index = first; index < first + 20; index++)
            seqs [index - first] = s_append (conn, index, 600);
        PGresult *result = PQexec (conn, "COMMIT");
        cr_assert_eq (PQresultStatus (result), PGRES_COMMAND_OK);
        PQclear (result);
        for (int index = first; index < first + 20; index++)
            atomic_store (&shared->seqs [index], seqs [index - first]);
    }
    PQfinish (conn);
    atomic_store (&shared->written, 1);

    for (int index = 0; index < READERS; index++) {
        pthread_join (threads [index], NULL);
        s_reader_t *reader = &readers [index];
        cr_expect_eq (reader->lost, 0, "reader %d (%s) lost %ld events", index, s_kind_org [reader->sees],
                      reader->lost);
        cr_expect_eq (reader->duplicated, 0, "reader %d got %ld twice", index, reader->duplicated);
        cr_expect_eq (reader->wrong_order, 0, "reader %d got %ld out of order", index, reader->wrong_order);
        cr_expect_eq (reader->leaked, 0, "reader %d (%s) got %ld it was not entitled to", index,
                      s_kind_org [reader->sees], reader->leaked);
    }
    cr_expect_gt (readers [FANOUT_READERS].reconnections, 5, "the reconnector never reconnected");
    zsock_destroy (&idle);
    free (shared);
}

//  The regression: a subscriber entitled to every other event gets them
//  live, one after another, with no replay (before live_since every
//  seq jump was a replay, and the replayed page then made the live
//  messages arrive as repeats).
Test (stream_fanout, scoped_subscriber_gets_its_events_live_without_replaying_each_jump)
{
    kpt_service_start ("stream", NULL);
    s_shared_t *shared = calloc (1, sizeof *shared);
    s_share (shared);
    const char *prefixes [] = { "reporting.fanout_scoped", NULL };
    kp_subscriber_t *kela = kp_subscriber_new (shared->replay_endpoint, shared->pub_endpoint, shared->stream_cert,
                                               shared->certs [SEES_KELA], prefixes, shared->start);
    cr_assert_not_null (kela);
    //  Let the subscription reach the relay, and catch up to the head.
    cr_assert_null (kp_subscriber_next (kela, 2500));
    uint64_t replays = kp_subscriber_replays (kela), live = kp_subscriber_live (kela);

    PGconn *conn = kpt_connect_as ("reporting");
    PQclear (PQexec (conn, "BEGIN"));
    enum { EVENTS = 200 };
    for (int index = 0; index < EVENTS; index++) {
        char aggregate [32];
        snprintf (aggregate, sizeof aggregate, "scoped-%d", index);
        Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
        event.topic = "reporting.fanout_scoped";
        event.aggregate_id = aggregate;
        cr_assert_gt (kpt_append_event (conn, &event, "743", NULL, index % 2 ? "ngo-743" : "kela"), 0);
    }
    PQclear (PQexec (conn, "COMMIT"));
    PQfinish (conn);

    uint64_t last = shared->start;
    for (int index = 0; index < EVENTS; index += 2) {
        Kumppani__V1__Event *event = kp_subscriber_next (kela, 10000);
        cr_assert_not_null (event, "Kela's event %d never came", index);
        char aggregate [32];
        snprintf (aggregate, sizeof aggregate, "scoped-%d", index);
        cr_assert_str_eq (event->aggregate_id, aggregate);
        cr_assert_gt (event->seq, last);
        last = event->seq;
        kumppani__v1__event__free_unpacked (event, NULL);
    }
    cr_expect_eq (kp_subscriber_live (kela) - live, EVENTS / 2, "%lu of Kela's %d events came live",
                  (unsigned long) (kp_subscriber_live (kela) - live), EVENTS / 2);
    cr_expect_eq (kp_subscriber_replays (kela), replays, "%lu replays for %d events",
                  (unsigned long) (kp_subscriber_replays (kela) - replays), EVENTS / 2);
    kp_subscriber_destroy (&kela);
    free (shared);
}
