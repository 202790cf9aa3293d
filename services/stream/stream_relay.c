/*  stream_relay — publishes the outbox live. Wakes on NOTIFY kp_events
    (a hint only: delivered at commit, may be folded) and on a timer as the
    safety net, reads rows after the last published seq in order (pages of
    up to 500), and hands each page to stream_live, which sends every
    event to every subscriber entitled to it, once, subscriber by
    subscriber. The relay starts at the current head: a subscriber that missed
    anything (restart, high-water mark) sees a seq gap or a heartbeat ahead
    of it and replays. Nothing is lost: the database is the log. While the
    database is away the relay backs off instead of reconnecting on every
    tick: it tries a non-blocking connection of its own and lets kp_db
    reconnect only once that succeeded, so the loop it shares with replay
    and health never waits on a database that is not there. */
#include "stream_server.h"
#include "kp_alloc.h"
#include "stream_scope.h"
#include "kp_codec.h"
#include "kp_db_watch.h"
#include "kp_metrics.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RELAY_BATCH 500
//  While the database is away, connection attempts this far apart,
//  doubling up to the maximum (how soon live delivery resumes after it).
#define RELAY_BACKOFF_MIN_MS 250
#define RELAY_BACKOFF_MAX_MS 2000

struct _stream_relay_t {
    kp_db_t *db;                    //  own connection: it LISTENs
    stream_live_t *live;
    zloop_t *loop;
    int fd;                         //  the PQsocket registered with the loop
    uint64_t published;             //  last seq sent live
    uint64_t head;
    int timer_id;
    kp_metrics_t *metrics;
    char *conninfo;                 //  for the probe
    PGconn *probe;                  //  a non-blocking connection attempt, while the database is away
    int probe_fd;                   //  its socket as registered with the loop, or -1
    PostgresPollingStatusType probe_state;
    int backoff_ms;                 //  0 while the database answers
    int64_t retry_at;               //  zclock_mono before which no new attempt starts
};

static int s_on_notify (zloop_t *loop, zmq_pollitem_t *item, void *arg);
static void s_publish_new (stream_relay_t *self);

static void
s_watch_socket (stream_relay_t *self)
{
    kp_db_watch (self->db, self->loop, &self->fd, s_on_notify, self);
}

static void
s_probe_unwatch (stream_relay_t *self)
{
    if (self->probe_fd >= 0) {
        zmq_pollitem_t old = { NULL, self->probe_fd, 0, 0 };
        zloop_poller_end (self->loop, &old);
    }
    self->probe_fd = -1;
}

static void
s_probe_end (stream_relay_t *self, bool failed)
{
    s_probe_unwatch (self);
    if (self->probe)
        PQfinish (self->probe);
    self->probe = NULL;
    if (failed) {
        self->backoff_ms = self->backoff_ms ? self->backoff_ms * 2 : RELAY_BACKOFF_MIN_MS;
        if (self->backoff_ms > RELAY_BACKOFF_MAX_MS)
            self->backoff_ms = RELAY_BACKOFF_MAX_MS;
        self->retry_at = zclock_mono () + self->backoff_ms;
    }
}

static int s_on_probe (zloop_t *loop, zmq_pollitem_t *item, void *arg);

//  One step of the connection attempt, taken when its socket is ready
//  (libpq's non-blocking connect: PQconnectPoll says which way to wait).
static void
s_probe_step (stream_relay_t *self)
{
    self->probe_state = PQconnectPoll (self->probe);
    if (self->probe_state == PGRES_POLLING_FAILED) {
        s_probe_end (self, true);
        return;
    }
    if (self->probe_state == PGRES_POLLING_OK) {
        //  The database answers again: now kp_db's own reconnect (with
        //  the statements and LISTEN) is quick.
        s_probe_end (self, false);
        if (kp_db_ensure (self->db) == 0) {
            kp_info ("relay: database back; publishing after seq %" PRIu64, self->published);
            self->backoff_ms = 0;
            s_publish_new (self);
        }
        else
            s_probe_end (self, true);
        return;
    }
    s_probe_unwatch (self);
    self->probe_fd = PQsocket (self->probe);
    zmq_pollitem_t item = { NULL, self->probe_fd,
                            self->probe_state == PGRES_POLLING_READING ? ZMQ_POLLIN : ZMQ_POLLOUT, 0 };
    zloop_poller (self->loop, &item, s_on_probe, self);
    zloop_poller_set_tolerant (self->loop, &item);
}

static int
s_on_probe (zloop_t *loop, zmq_pollitem_t *item, void *arg)
{
    (void) loop;
    (void) item;
    stream_relay_t *self = arg;
    if (self->probe)
        s_probe_step (self);
    return 0;
}

//  Whether the relay's connection is up. While it is not, a connection
//  attempt runs beside the loop instead of kp_db's reconnect, which would
//  wait; false meanwhile.
static bool
s_database_ready (stream_relay_t *self)
{
    if (PQstatus (kp_db_conn (self->db)) == CONNECTION_OK)
        return true;
    if (self->probe || zclock_mono () < self->retry_at)
        return false;
    if (!self->backoff_ms)
        kp_warn ("relay: database connection lost; live delivery resumes when it is back");
    self->probe = PQconnectStart (self->conninfo);
    if (!self->probe || PQstatus (self->probe) == CONNECTION_BAD)
        s_probe_end (self, true);
    else {
        self->probe_state = PGRES_POLLING_WRITING;
        s_probe_step (self);
    }
    return false;
}

//  Publishes every row after self->published, in seq order.
static void
s_publish_new (stream_relay_t *self)
{
    if (!s_database_ready (self))
        return;
    while (true) {
        char after [24], limit [16];
        snprintf (after, sizeof after, "%" PRIu64, self->published);
        snprintf (limit, sizeof limit, "%d", RELAY_BATCH);
        const char *values [] = { after, limit };
        PGresult *rows = kp_db_exec (self->db, "stream_after", 2, values);
        s_watch_socket (self);
        if (!rows) {
            //  A lost connection is retried by the probe; anything else
            //  on the next wake-up.
            kp_warn ("relay: cannot read events: %s", kp_db_message (self->db));
            return;
        }
        int count = PQntuples (rows);
        for (int row = 0; row < count; row++) {
            uint64_t seq = strtoull (kp_row_text (rows, row, EVENT_SEQ), NULL, 10);
            size_t payload_size = 0, event_size = 0;
            unsigned char *payload = PQunescapeBytea (
                (const unsigned char *) kp_row_text (rows, row, EVENT_PAYLOAD), &payload_size);
            uint8_t *event = payload ? kp_codec_event_with_seq (seq, payload, payload_size, &event_size) : NULL;
            PQfreemem (payload);
            if (!event)
                kp_error ("relay: event %" PRIu64 " cannot be read; replay will show it", seq);
            stream_live_add (self->live, seq, kp_row_text (rows, row, EVENT_TOPIC),
                             kp_row_text (rows, row, EVENT_MUNICIPALITY),
                             kp_row_text (rows, row, EVENT_SENDER_ORG),
                             kp_row_text (rows, row, EVENT_RECIPIENT_ORG), event, event_size);
            self->published = seq;
        }
        PQclear (rows);
        //  The page goes out subscriber by subscriber (stream_live.c).
        stream_live_flush (self->live);
        kp_metrics_events_published (self->metrics, (uint64_t) count);
        if (self->published > self->head)
            self->head = self->published;
        if (count < RELAY_BATCH)
            return;
    }
}

static void
s_heartbeat (stream_relay_t *self)
{
    Kumppani__V1__Heartbeat heartbeat = KUMPPANI__V1__HEARTBEAT__INIT;
    heartbeat.head_seq = self->head;
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.topic = "heartbeat";
    event.aggregate_id = "stream";
    event.occurred_at = zclock_time () * 1000;
    event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_HEARTBEAT;
    event.heartbeat = &heartbeat;
    size_t size;
    uint8_t *packed = kp_codec_pack (&event.base, &size);
    if (packed)
        stream_live_heartbeat (self->live, packed, size);
    free (packed);
}

static int
s_on_notify (zloop_t *loop, zmq_pollitem_t *item, void *arg)
{
    (void) loop;
    (void) item;
    stream_relay_t *self = arg;
    PGconn *conn = kp_db_conn (self->db);
    if (!PQconsumeInput (conn))
        kp_warn ("relay: connection problem: %s", PQerrorMessage (conn));
    PGnotify *notify;
    while ((notify = PQnotifies (conn)))
        PQfreemem (notify);
    s_watch_socket (self);          //  a closed connection leaves the loop
    s_publish_new (self);
    return 0;
}

static int
s_on_timer (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    stream_relay_t *self = arg;
    s_publish_new (self);
    s_heartbeat (self);
    return 0;
}

//  After SIGHUP: the live side stops sending to keys no longer admitted.
//  The ROUTER knows each connection apart, so nobody else is disturbed.
static void
s_on_reload (void *arg)
{
    stream_relay_t *self = arg;
    stream_live_reload (self->live);
}

stream_relay_t *
stream_relay_new (kp_server_t *server, const kp_config_t *config)
{
    stream_relay_t *self = kp_calloc (1, sizeof (stream_relay_t));
    if (!self)
        return NULL;
    self->fd = -1;
    self->probe_fd = -1;
    self->loop = kp_server_loop (server);
    self->metrics = kp_server_metrics (server);
    self->conninfo = kp_config_db_conninfo (config);
    self->db = self->conninfo ? kp_db_new (self->conninfo, 10000) : NULL;
    if (!self->db || kp_db_register (self->db, stream_statements)
    ||  kp_db_set_on_connect (self->db, "LISTEN kp_events"))
        goto failed;
    PGresult *head = kp_db_exec (self->db, "stream_head", 0, NULL);
    if (!head)
        goto failed;
    self->head = self->published = strtoull (kp_row_text (head, 0, HEAD_LAST_SEQ), NULL, 10);
    PQclear (head);

    char *cert_path = kp_config_service_cert_path (config, KP_SERVICE_STREAM);
    zcert_t *cert = cert_path ? zcert_load (cert_path) : NULL;
    free (cert_path);
    self->live = cert ? stream_live_new (server, config, cert) : NULL;
    zcert_destroy (&cert);
    if (!self->live)
        goto failed;
    stream_live_position (self->live, self->published);
    kp_server_set_reload_hook (server, s_on_reload, self);
    s_watch_socket (self);
    self->timer_id = zloop_timer (self->loop, (size_t) config->poll_interval_ms, 0, s_on_timer, self);
    kp_server_set_health_hook (server, stream_relay_health);
    kp_info ("relay publishing on %s from seq %" PRIu64, config->stream_pub_bind_endpoint, self->published);
    return self;

failed:
    stream_relay_destroy (&self);
    return NULL;
}

void
stream_relay_destroy (stream_relay_t **self_p)
{
    assert (self_p);
    if (!*self_p)
        return;
    stream_relay_t *self = *self_p;
    if (self->loop && self->timer_id)
        zloop_timer_end (self->loop, self->timer_id);
    if (self->loop)
        kp_db_unwatch (self->loop, &self->fd);
    if (self->loop)
        s_probe_unwatch (self);
    if (self->probe)
        PQfinish (self->probe);
    free (self->conninfo);
    stream_live_destroy (&self->live);
    kp_db_destroy (&self->db);
    free (self);
    *self_p = NULL;
}

void
stream_relay_health (void *context, Kumppani__V1__HealthReply *health)
{
    stream_relay_t *self = context;
    if (self)
        health->head_seq = (int64_t) self->head;
}
