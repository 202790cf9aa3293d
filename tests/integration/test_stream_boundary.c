/*  The live stream's trust boundary, against a real relay: whatever one
    connection sends (junk, over-long prefixes, multi-frame messages,
    subscriptions) while others reconnect and the relay is SIGHUPed and
    restarted, every live event each subscriber receives is one its own
    certificate entitles it to, under one of its own scopes, and none
    twice. A municipality gets an event addressed to it twice over once;
    a subscriber that never reads slows nobody, and its drops are counted. */
#include "harness.h"
#include "kp_stream_client.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <czmq.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

TestSuite (stream_boundary, .init = kpt_setup, .fini = kpt_teardown, .timeout = 240);

//  Who an event is addressed to: its stream scope columns.
typedef struct {
    const char *municipality, *sender, *recipient;
} s_audience_t;

//  Every shape of audience, including none at all: only the services'
//  see-everything scope ("*") covers that one.
static const s_audience_t s_audiences [] = {
    { NULL, NULL, NULL },
    { "743", NULL, NULL },
    { "091", NULL, NULL },
    { "743", NULL, "ngo-743" },
    { NULL, "kela", "muni-743" },
    { "091", "kela", NULL },
    { "743", NULL, "muni-743" },
};
#define AUDIENCES (sizeof s_audiences / sizeof s_audiences [0])

//  A subscriber's organisation as the harness's certificates name it.
typedef struct {
    const char *org, *type, *municipality;
} s_org_t;

static const s_org_t s_ngo = { "ngo-743", "ngo", "743" };
static const s_org_t s_muni_a = { "muni-743", "municipality", "743" };
static const s_org_t s_muni_b = { "muni-091", "municipality", "091" };
static const s_org_t s_kela = { "kela", "kela", NULL };
static const s_org_t s_operator = { "operator", "operator", NULL };

static bool
s_same (const char *a, const char *b)
{
    return a && b && strcmp (a, b) == 0;
}

//  The entitlement rule written out again, independently of the relay's
//  table: the operator sees everything, a municipality its own area, and
//  everyone what it sent or what is addressed to it.
static bool
s_entitled (const s_org_t *org, const s_audience_t *audience)
{
    if (strcmp (org->type, "operator") == 0)
        return true;
    if (strcmp (org->type, "municipality") == 0 && s_same (org->municipality, audience->municipality))
        return true;
    return s_same (org->org, audience->sender) || s_same (org->org, audience->recipient);
}

//  Whether scope (the part before '|') is one the relay may deliver this
//  organisation under, and one this event is addressed to.
static bool
s_scope_fits (const s_org_t *org, const s_audience_t *audience, const char *scope)
{
    char mine [64];
    if (strcmp (scope, "*") == 0)
        return strcmp (org->type, "operator") == 0;
    if (strncmp (scope, "m:", 2) == 0) {
        snprintf (mine, sizeof mine, "m:%s", org->municipality ? org->municipality : "");
        return strcmp (org->type, "municipality") == 0 && strcmp (scope, mine) == 0
            && s_same (scope + 2, audience->municipality);
    }
    snprintf (mine, sizeof mine, "o:%s", org->org);
    return strcmp (scope, mine) == 0
        && (s_same (scope + 2, audience->sender) || s_same (scope + 2, audience->recipient));
}

#define MAX_EVENTS 20000

//  What the test appended: seq - base → audience index (-1: not ours).
static long long s_base;
static signed char s_audience_of [MAX_EVENTS];

//  One live connection and what it has received on it.
typedef struct {
    const s_org_t *org;
    kp_stream_live_t *live;
    unsigned char seen [MAX_EVENTS];    //  seqs received on this connection
    long events;                        //  entitled events received, all connections
    long heartbeats;
} s_sub_t;

static kp_stream_live_t *
s_live (const char *org, char *const *prefixes, size_t count)
{
    char stream_cert [600];
    snprintf (stream_cert, sizeof stream_cert, "%s", kpt_cert_path ("services", "stream"));
    kp_stream_live_t *live = kp_stream_live_new (kpt_pub_endpoint (), stream_cert,
                                                 kpt_cert_path ("clients", org), prefixes, count);
    cr_assert_not_null (live);
    return live;
}

static void
s_connect (s_sub_t *sub)
{
    kp_stream_live_destroy (&sub->live);
    sub->live = s_live (sub->org->org, NULL, 0);
    memset (sub->seen, 0, sizeof sub->seen);    //  a new connection may see anything anew
}

//  Checks one live message against the subscriber's own identity.
static void
s_check (s_sub_t *sub, zmsg_t *msg)
{
    cr_assert_eq (zmsg_size (msg), 2, "%s got a message of %zu frames", sub->org->org, zmsg_size (msg));
    char *scoped = zframe_strdup (zmsg_first (msg));
    zframe_t *body = zmsg_last (msg);
    Kumppani__V1__Event *event = kumppani__v1__event__unpack (NULL, zframe_size (body), zframe_data (body));
    cr_assert_not_null (event, "%s got an undecodable event", sub->org->org);
    char *bar = strchr (scoped, '|');
    cr_assert_not_null (bar, "%s got a topic frame without a scope: %s", sub->org->org, scoped);
    *bar = 0;
    cr_assert_str_eq (bar + 1, event->topic);
    if (event->payload_case == KUMPPANI__V1__EVENT__PAYLOAD_HEARTBEAT) {
        cr_assert_str_eq (scoped, "pub");
        sub->heartbeats++;
    }
    else {
        long long index = (long long) event->seq - s_base;
        cr_assert (index > 0 && index < MAX_EVENTS && s_audience_of [index] >= 0,
                   "%s got seq %llu, which this test did not append", sub->org->org,
                   (unsigned long long) event->seq);
        const s_audience_t *audience = &s_audiences [(int) s_audience_of [index]];
        cr_assert (s_entitled (sub->org, audience),
                   "%s received seq %llu (%s|%s) addressed to municipality %s, sender %s, recipient %s",
                   sub->org->org, (unsigned long long) event->seq, scoped, event->topic,
                   audience->municipality ?: "-", audience->sender ?: "-", audience->recipient ?: "-");
        cr_assert (s_scope_fits (sub->org, audience, scoped),
                   "%s received seq %llu under scope %s", sub->org->org, (unsigned long long) event->seq, scoped);
        cr_assert_not (sub->seen [index], "%s received seq %llu twice on one connection",
                       sub->org->org, (unsigned long long) event->seq);
        sub->seen [index] = 1;
        sub->events++;
    }
    kumppani__v1__event__free_unpacked (event, NULL);
    free (scoped);
}

//  Everything waiting on the subscriber, checked.
static void
s_drain (s_sub_t *sub, int timeout_ms)
{
    zmsg_t *msg;
    while ((msg = kp_stream_live_recv (sub->live, timeout_ms))) {
        s_check (sub, msg);
        zmsg_destroy (&msg);
        timeout_ms = 0;
    }
}

static long long
s_append (PGconn *conn, int audience, const char *tag)
{
    Kumppani__V1__ObservationRecorded recorded = KUMPPANI__V1__OBSERVATION_RECORDED__INIT;
    recorded.observation_id = (char *) tag;
    recorded.theme = "boundary";
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.topic = "reporting.boundary";
    event.aggregate_id = (char *) tag;
    event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_OBSERVATION_RECORDED;
    event.observation_recorded = &recorded;
    const s_audience_t *to = &s_audiences [audience];
    long long seq = kpt_append_event (conn, &event, to->municipality, to->sender, to->recipient);
    cr_assert (seq - s_base > 0 && seq - s_base < MAX_EVENTS);
    s_audience_of [seq - s_base] = (signed char) audience;
    return seq;
}

//  One message of junk of the given kind on a raw DEALER, never waiting.
static void
s_junk (zsock_t *dealer, int kind)
{
    void *socket = zsock_resolve (dealer);
    uint8_t bytes [600];
    size_t size = 1 + (size_t) (rand () % 200);
    for (size_t index = 0; index < sizeof bytes; index++)
        bytes [index] = (uint8_t) rand ();
    switch (kind % 9) {
        case 0:                         //  random bytes, not a subscription
            bytes [0] = (uint8_t) (2 + rand () % 254);
            zmq_send (socket, bytes, size, ZMQ_DONTWAIT);
            break;
        case 1:                         //  subscribe with an over-long prefix
        case 2:                         //  unsubscribe likewise
            bytes [0] = kind % 9 == 1 ? 1 : 0;
            zmq_send (socket, bytes, 65 + (size_t) (rand () % 500), ZMQ_DONTWAIT);
            break;
        case 3:                         //  a subscription split over two frames
            zmq_send (socket, "\x01", 1, ZMQ_SNDMORE | ZMQ_DONTWAIT);
            zmq_send (socket, "*|", 2, ZMQ_DONTWAIT);
            break;
        case 4:                         //  a subscription with trailing frames
            zmq_send (socket, "\x01*|", 3, ZMQ_SNDMORE | ZMQ_DONTWAIT);
            zmq_send (socket, bytes, size, ZMQ_SNDMORE | ZMQ_DONTWAIT);
            zmq_send (socket, "\x01", 1, ZMQ_DONTWAIT);
            break;
        case 5:                         //  empty frame
            zmq_send (socket, "", 0, ZMQ_DONTWAIT);
            break;
        case 6:                         //  a prefix naming another's scope: only a topic prefix
            zmq_send (socket, "\x01*|reporting", 12, ZMQ_DONTWAIT);
            break;
        case 7:                         //  a prefix with a NUL inside
            zmq_send (socket, "\x01rep\x00orting", 12, ZMQ_DONTWAIT);
            break;
        default:                        //  its own valid subscription, now and then
            zmq_send (socket, kind % 2 ? "\x01" : "\x01reporting.", kind % 2 ? 1 : 11, ZMQ_DONTWAIT);
            break;
    }
}

static zsock_t *
s_raw_dealer (const char *org)
{
    zcert_t *stream = zcert_load (kpt_cert_path ("services", "stream"));
    zcert_t *own = zcert_load (kpt_cert_path ("clients", org));
    cr_assert (stream && own);
    zsock_t *dealer = zsock_new (ZMQ_DEALER);
    zsock_set_linger (dealer, 0);
    zcert_apply (own, dealer);
    zsock_set_curve_serverkey (dealer, zcert_public_txt (stream));
    cr_assert_eq (zsock_connect (dealer, "%s", kpt_pub_endpoint ()), 0);
    zcert_destroy (&stream);
    zcert_destroy (&own);
    return dealer;
}

//  What the attacking DEALER itself received: its own valid subscriptions
//  get it the NGO's events, and nothing beyond them.
static void
s_drain_raw (zsock_t *dealer, s_sub_t *as)
{
    while (zsock_events (dealer) & ZMQ_POLLIN) {
        zmsg_t *msg = zmsg_recv (dealer);
        if (!msg)
            break;
        s_check (as, msg);
        zmsg_destroy (&msg);
    }
}

Test (stream_boundary, junk_reconnects_and_restarts_never_widen_anyones_scope)
{
    const char *env [] = { "KUMPPANI_POLL_MS=100", NULL };
    kpt_service_start ("stream", env);
    s_base = kpt_scalar ("SELECT last_seq FROM kp.event_counter", NULL);
    memset (s_audience_of, -1, sizeof s_audience_of);
    srand (14);

    static s_sub_t ngo, muni_a, muni_b, kela, operator, raw_ngo;
    s_sub_t *stable [] = { &ngo, &muni_a, &kela };
    ngo.org = &s_ngo;
    muni_a.org = &s_muni_a;
    muni_b.org = &s_muni_b;
    kela.org = &s_kela;
    operator.org = &s_operator;
    raw_ngo.org = &s_ngo;
    s_connect (&ngo);
    s_connect (&muni_a);
    s_connect (&muni_b);
    s_connect (&kela);
    s_connect (&operator);
    zsock_t *attacker = s_raw_dealer ("ngo-743");
    PGconn *conn = kpt_connect_as ("reporting");

    enum { ROUNDS = 60, PER_ROUND = 3, JUNK = 250 };
    long junk = 0;
    for (int round = 0; round < ROUNDS; round++) {
        //  Events of every audience keep the relay busy while junk and
        //  subscriptions from several connections queue up together.
        PQclear (PQexec (conn, "BEGIN"));
        for (int copy = 0; copy < PER_ROUND; copy++)
            for (int audience = 0; audience < (int) AUDIENCES; audience++) {
                char tag [48];
                snprintf (tag, sizeof tag, "r%d-a%d-c%d", round, audience, copy);
                s_append (conn, audience, tag);
            }
        PQclear (PQexec (conn, "COMMIT"));
        for (int index = 0; index < JUNK; index++, junk++)
            s_junk (attacker, rand ());
        //  Subscribers reconnect in a loop: each new connection subscribes
        //  to everything it may see, as the operator does too.
        s_connect (&muni_b);
        if (round % 3 == 0)
            s_connect (&operator);
        if (round % 10 == 5) {
            zsock_destroy (&attacker);
            attacker = s_raw_dealer ("ngo-743");
            memset (raw_ngo.seen, 0, sizeof raw_ngo.seen);
        }
        if (round == 20 || round == 40)
            kpt_service_signal ("stream", SIGHUP);
        if (round == 30) {
            kpt_service_stop ("stream");
            kpt_service_start ("stream", env);
        }
        for (size_t index = 0; index < sizeof stable / sizeof stable [0]; index++)
            s_drain (stable [index], 5);
        s_drain (&muni_b, 5);
        s_drain (&operator, 5);
        s_drain_raw (attacker, &raw_ngo);
    }

    //  Afterwards everyone is still served live: one more event for each
    //  audience, and each stable subscriber receives every one it is
    //  entitled to (bounded wait), on the connection it had all along; so
    //  does the reconnecting subscriber on its last connection, once a
    //  heartbeat shows that connection subscribed (how many events its
    //  short-lived connections caught depends on timing, so it is not
    //  asserted).
    long heartbeats_before = muni_b.heartbeats;
    for (int64_t deadline = zclock_mono () + 15000;
         muni_b.heartbeats == heartbeats_before && zclock_mono () < deadline; )
        s_drain (&muni_b, 200);
    cr_assert_gt (muni_b.heartbeats, heartbeats_before, "the reconnecting subscriber's last connection"
                  " never got a heartbeat");
    long long first_final = 0;
    PQclear (PQexec (conn, "BEGIN"));
    for (int audience = 0; audience < (int) AUDIENCES; audience++) {
        long long seq = s_append (conn, audience, "final");
        if (!first_final)
            first_final = seq;
    }
    PQclear (PQexec (conn, "COMMIT"));
    s_sub_t *finals [] = { &ngo, &muni_a, &kela, &muni_b };
    for (size_t index = 0; index < sizeof finals / sizeof finals [0]; index++) {
        s_sub_t *sub = finals [index];
        int expected = 0;
        for (int audience = 0; audience < (int) AUDIENCES; audience++)
            expected += s_entitled (sub->org, &s_audiences [audience]);
        int64_t deadline = zclock_mono () + 15000;
        int got = 0;
        while (got < expected && zclock_mono () < deadline) {
            s_drain (sub, 200);
            got = 0;
            for (int audience = 0; audience < (int) AUDIENCES; audience++)
                got += sub->seen [first_final - s_base + audience];
        }
        cr_assert_eq (got, expected, "%s received %d of its %d final events live",
                      sub->org->org, got, expected);
        cr_assert_gt (sub->heartbeats, 0, "%s never got a heartbeat", sub->org->org);
    }
    cr_log_info ("junk messages %ld; events received: ngo %ld, muni-743 %ld, muni-091 %ld, kela %ld,"
                 " operator %ld, the attacking connection %ld", junk, ngo.events, muni_a.events,
                 muni_b.events, kela.events, operator.events, raw_ngo.events);
    cr_assert_gt (operator.events, 0);

    zsock_destroy (&attacker);
    s_sub_t *all [] = { &ngo, &muni_a, &muni_b, &kela, &operator };
    for (size_t index = 0; index < sizeof all / sizeof all [0]; index++)
        kp_stream_live_destroy (&all [index]->live);
    PQfinish (conn);
}

//  An event addressed to municipality 743 and to muni-743 itself matches
//  two of the municipality's scopes; it must still arrive once. A later
//  event on the same connection marks the end: the relay sends in seq
//  order, so a second copy would have come before it.
Test (stream_boundary, an_event_matching_several_scopes_arrives_once)
{
    kpt_service_start ("stream", NULL);
    s_base = kpt_scalar ("SELECT last_seq FROM kp.event_counter", NULL);
    memset (s_audience_of, -1, sizeof s_audience_of);
    kp_stream_live_t *live = s_live ("muni-743", NULL, 0);
    zmsg_t *msg = kp_stream_live_recv (live, 5000);     //  a heartbeat: subscribed
    cr_assert_not_null (msg, "no heartbeat reached the subscriber");
    zmsg_destroy (&msg);

    PGconn *conn = kpt_connect_as ("reporting");
    long long twice = s_append (conn, 6, "m-and-o");                  //  743, to muni-743
    long long marker = s_append (conn, 1, "marker");                  //  743 only
    PQfinish (conn);
    int copies = 0;
    bool marked = false;
    while (!marked && (msg = kp_stream_live_recv (live, 5000))) {
        Kumppani__V1__Event *event = kumppani__v1__event__unpack (NULL, zframe_size (zmsg_last (msg)),
                                                                  zframe_data (zmsg_last (msg)));
        cr_assert_not_null (event);
        copies += (long long) event->seq == twice;
        marked = (long long) event->seq == marker;
        kumppani__v1__event__free_unpacked (event, NULL);
        zmsg_destroy (&msg);
    }
    cr_assert (marked, "the marker event never arrived");
    cr_assert_eq (copies, 1, "an event addressed to m:743 and o:muni-743 arrived %d times", copies);
    kp_stream_live_destroy (&live);
}

//  One subscriber stops reading; its queue fills and the relay drops for
//  it alone (counted) while the other receives every event live, in
//  order, without needing replay.
Test (stream_boundary, a_subscriber_that_never_reads_slows_nobody)
{
    int port = kpt_free_port ();
    char setting [64];
    snprintf (setting, sizeof setting, "KUMPPANI_STREAM_METRICS_PORT=%d", port);
    const char *env [] = { "KUMPPANI_STREAM_HWM=100", setting, NULL };
    kpt_service_start ("stream", env);
    s_base = kpt_scalar ("SELECT last_seq FROM kp.event_counter", NULL);
    memset (s_audience_of, -1, sizeof s_audience_of);
    kp_stream_live_t *stuck = s_live ("operator", NULL, 0);
    zsock_set_rcvhwm (kp_stream_live_socket (stuck), 10);
    kp_stream_live_t *reader = s_live ("operator", NULL, 0);
    zmsg_t *msg = kp_stream_live_recv (stuck, 5000);
    cr_assert_not_null (msg, "the stuck subscriber was never subscribed");
    zmsg_destroy (&msg);
    msg = kp_stream_live_recv (reader, 5000);
    cr_assert_not_null (msg);
    zmsg_destroy (&msg);
    cr_assert_eq (kpt_metric (port, "kumppani_events_dropped_total{service=\"stream\"}"), 0);

    enum { EVENTS = 4000 };
    PGconn *conn = kpt_connect_as ("reporting");
    PQclear (PQexec (conn, "BEGIN"));
    Kumppani__V1__ObservationRecorded recorded = KUMPPANI__V1__OBSERVATION_RECORDED__INIT;
    char *theme = calloc (1, 4097);
    memset (theme, 'x', 4096);
    recorded.theme = theme;
    recorded.observation_id = "slow";
    long long last = 0;
    for (int index = 0; index < EVENTS; index++) {
        Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
        event.topic = "reporting.boundary_slow";
        event.aggregate_id = "slow";
        event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_OBSERVATION_RECORDED;
        event.observation_recorded = &recorded;
        last = kpt_append_event (conn, &event, "743", NULL, NULL);
    }
    PQclear (PQexec (conn, "COMMIT"));
    PQfinish (conn);

    //  The reader drains the burst (it may drop some itself if it reads
    //  slower than the relay sends: those it would replay), then gets
    //  fresh events live while the stuck one is still stuck: a relay that
    //  waited on a full queue would never reach it.
    long long seen = 0, received = 0;
    bool fresh = false;
    conn = kpt_connect_as ("reporting");
    for (int attempt = 0; attempt < 50 && !fresh; attempt++) {
        long long marker = 0;
        if (seen >= last || attempt > 0) {
            Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
            event.topic = "reporting.boundary_marker";
            event.aggregate_id = "marker";
            event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_OBSERVATION_RECORDED;
            event.observation_recorded = &recorded;
            recorded.theme = "marker";
            marker = kpt_append_event (conn, &event, "743", NULL, NULL);
        }
        while (!fresh && (msg = kp_stream_live_recv (reader, 300))) {
            Kumppani__V1__Event *event = kumppani__v1__event__unpack (NULL, zframe_size (zmsg_last (msg)),
                                                                      zframe_data (zmsg_last (msg)));
            cr_assert_not_null (event);
            if (event->payload_case != KUMPPANI__V1__EVENT__PAYLOAD_HEARTBEAT) {
                cr_assert_gt ((long long) event->seq, seen, "the reader got an event again or out of order");
                seen = (long long) event->seq;
                received += seen <= last;
                fresh = marker && seen >= marker;
            }
            kumppani__v1__event__free_unpacked (event, NULL);
            zmsg_destroy (&msg);
        }
    }
    PQfinish (conn);
    cr_assert (fresh, "the reader stopped receiving live beside a subscriber that never reads");
    cr_assert_gt (received, 0);
    long long dropped = kpt_metric (port, "kumppani_events_dropped_total{service=\"stream\"}");
    cr_assert_gt (dropped, 0, "the stuck subscriber's queue never filled, so nothing was exercised");
    cr_log_info ("the reader received %lld of the %d live; dropped in all: %lld", received, EVENTS, dropped);
    free (theme);
    kp_stream_live_destroy (&stuck);
    kp_stream_live_destroy (&reader);
}
