/*  stream_relay — publishes the outbox live. Wakes on NOTIFY kp_events
    (a hint only: delivered at commit, may be folded) and on a timer as the
    safety net, reads rows after the last published seq in order, and sends
    [scope|topic][Event] on XPUB for each audience scope. Subscriptions are
    rewritten per subscriber (XPUB_MANUAL) to the scopes its certificate
    entitles it to, so nobody can subscribe past their entitlement. The
    relay starts at the current head: a subscriber that missed anything
    (restart, high-water mark) sees a seq gap or a heartbeat ahead of it and
    replays. Nothing is lost: the database is the log. */
#include "stream_server.h"
#include "stream_scope.h"
#include "kp_metrics.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RELAY_BATCH 500

struct _stream_relay_t {
    kp_db_t *db;                    //  own connection: it LISTENs
    zsock_t *xpub;
    zloop_t *loop;
    int fd;                         //  the PQsocket registered with the loop
    uint64_t published;             //  last seq sent live
    uint64_t head;
    int timer_id;
    kp_metrics_t *metrics;
    zcert_t *cert;                  //  the stream's own, for rebinding
    const kp_config_t *config;
    kp_server_t *server;            //  whose record of admitted certificates names subscribers
};

static int s_on_notify (zloop_t *loop, zmq_pollitem_t *item, void *arg);

static void
s_watch_socket (stream_relay_t *self)
{
    int fd = PQsocket (kp_db_conn (self->db));
    if (fd == self->fd)
        return;
    if (self->fd >= 0) {
        zmq_pollitem_t old = { NULL, self->fd, ZMQ_POLLIN, 0 };
        zloop_poller_end (self->loop, &old);
    }
    self->fd = fd;
    if (fd >= 0) {
        zmq_pollitem_t item = { NULL, fd, ZMQ_POLLIN, 0 };
        zloop_poller (self->loop, &item, s_on_notify, self);
        zloop_poller_set_tolerant (self->loop, &item);
    }
}

static void
s_send (stream_relay_t *self, const char *scope, const char *topic, const uint8_t *data, size_t size)
{
    if (!self->xpub)
        return;                     //  rebinding failed; replay covers it
    char scoped [STREAM_SCOPE_LEN + 80];
    snprintf (scoped, sizeof scoped, "%s|%s", scope, topic);
    zmq_send (zsock_resolve (self->xpub), scoped, strlen (scoped), ZMQ_SNDMORE | ZMQ_DONTWAIT);
    zmq_send (zsock_resolve (self->xpub), data, size, ZMQ_DONTWAIT);
}

//  Publishes every row after self->published, in seq order.
static void
s_publish_new (stream_relay_t *self)
{
    while (true) {
        char after [24], limit [16];
        snprintf (after, sizeof after, "%" PRIu64, self->published);
        snprintf (limit, sizeof limit, "%d", RELAY_BATCH);
        const char *values [] = { after, limit };
        PGresult *rows = kp_db_exec (self->db, "stream_after", 2, values);
        s_watch_socket (self);
        if (!rows) {
            kp_warn ("relay: cannot read events: %s", kp_db_message (self->db));
            return;
        }
        int count = PQntuples (rows);
        for (int row = 0; row < count; row++) {
            uint64_t seq = strtoull (PQgetvalue (rows, row, 0), NULL, 10);
            size_t payload_size = 0, event_size = 0;
            unsigned char *payload = PQunescapeBytea (
                (const unsigned char *) PQgetvalue (rows, row, 5), &payload_size);
            uint8_t *event = payload ? stream_event_bytes (seq, payload, payload_size, &event_size) : NULL;
            PQfreemem (payload);
            if (event) {
                stream_scopes_t scopes;
                int scope_count = stream_scope_of_event (PQgetvalue (rows, row, 2),
                                                         PQgetvalue (rows, row, 3),
                                                         PQgetvalue (rows, row, 4), scopes);
                for (int scope = 0; scope < scope_count; scope++)
                    s_send (self, scopes [scope], PQgetvalue (rows, row, 1), event, event_size);
                free (event);
            }
            else
                kp_error ("relay: event %" PRIu64 " cannot be read; replay will show it", seq);
            self->published = seq;
        }
        PQclear (rows);
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
    uint8_t buffer [128];
    size_t size = protobuf_c_message_pack (&event.base, buffer);
    s_send (self, STREAM_SCOPE_PUBLIC, "heartbeat", buffer, size);
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

//  A subscriber's [1|0][prefix]: subscribe it to prefix under each of
//  its scopes and the public one. XPUB_MANUAL applies the option to the
//  pipe that sent this message, so one subscriber cannot widen another.
static int
s_on_subscription (zloop_t *loop, zsock_t *reader, void *arg)
{
    (void) loop;
    stream_relay_t *self = arg;
    zframe_t *frame = zframe_recv (reader);
    if (!frame)
        return 0;
    size_t size = zframe_size (frame);
    const char *data = (const char *) zframe_data (frame);
    if (size >= 1 && (data [0] == 0 || data [0] == 1) && size - 1 <= 64) {
        //  Who subscribes is the server's record of the proven key, never
        //  a property the peer could have sent in its handshake.
        kp_identity_t identity = { { 0 } };
        const kp_identity_t *admitted = kp_admitted_lookup (kp_server_admitted (self->server),
                                                            zframe_meta (frame, "User-Id"));
        if (admitted)
            identity = *admitted;
        stream_scopes_t scopes;
        int count = stream_scope_of_subscriber (&identity, scopes);
        snprintf (scopes [count++], STREAM_SCOPE_LEN, "%s", STREAM_SCOPE_PUBLIC);
        int option = data [0] == 1 ? ZMQ_SUBSCRIBE : ZMQ_UNSUBSCRIBE;
        for (int scope = 0; scope < count; scope++) {
            char scoped [STREAM_SCOPE_LEN + 80];
            int len = snprintf (scoped, sizeof scoped, "%s|%.*s", scopes [scope], (int) (size - 1), data + 1);
            zmq_setsockopt (zsock_resolve (self->xpub), option, scoped, (size_t) len);
        }
        kp_debug ("relay: %s %s to '%.*s'", identity.org_id, option == ZMQ_SUBSCRIBE ? "subscribed" : "unsubscribed",
                  (int) (size - 1), data + 1);
    }
    zframe_destroy (&frame);
    return 0;
}

//  Binds the XPUB socket and registers it with the loop. Binding may fail
//  for a moment after the previous socket on the endpoint was closed (its
//  listener goes away in the I/O thread), so it is retried briefly.
static int
s_open_xpub (stream_relay_t *self)
{
    self->xpub = zsock_new (ZMQ_XPUB);
    if (!self->xpub)
        return -1;
    zsock_set_zap_domain (self->xpub, "kumppani");
    zsock_set_curve_server (self->xpub, 1);
    zcert_apply (self->cert, self->xpub);
    zsock_set_maxmsgsize (self->xpub, 4096);        //  subscriptions are small
    zsock_set_xpub_manual (self->xpub, 1);
    zsock_set_sndhwm (self->xpub, self->config->stream_hwm);
    int bound = -1;
    for (int attempt = 0; attempt < 50 && bound == -1; attempt++) {
        if (attempt)
            zclock_sleep (20);
        bound = zsock_bind (self->xpub, "%s", self->config->stream_pub_endpoint);
    }
    if (bound == -1) {
        kp_error ("cannot bind %s: %s", self->config->stream_pub_endpoint, zmq_strerror (zmq_errno ()));
        zsock_destroy (&self->xpub);
        return -1;
    }
    zloop_reader (self->loop, self->xpub, s_on_subscription, self);
    zloop_reader_set_tolerant (self->loop, self->xpub);
    return 0;
}

//  After SIGHUP: a CURVE session is checked once, at its handshake, and
//  XPUB cannot drop one peer, so the socket is made anew. Every subscriber
//  reconnects through the reloaded certificates (a revoked one is refused)
//  and resubscribes; what went by meanwhile it replays by seq, as after
//  any gap.
static void
s_on_reload (void *arg)
{
    stream_relay_t *self = arg;
    if (self->xpub) {
        zloop_reader_end (self->loop, self->xpub);
        zsock_unbind (self->xpub, "%s", self->config->stream_pub_endpoint);
        zsock_destroy (&self->xpub);
    }
    if (s_open_xpub (self))
        kp_error ("relay: the live side is down until the next SIGHUP or restart; replay still works");
    else
        kp_info ("relay: live side rebound after reloading certificates");
}

void *
stream_relay_new (kp_server_t *server, const kp_config_t *config)
{
    stream_relay_t *self = calloc (1, sizeof (stream_relay_t));
    if (!self)
        return NULL;
    self->fd = -1;
    self->server = server;
    self->loop = kp_server_loop (server);
    self->metrics = kp_server_metrics (server);
    char *conninfo = kp_config_db_conninfo (config);
    self->db = conninfo ? kp_db_new (conninfo, 10000) : NULL;
    free (conninfo);
    if (!self->db || kp_db_register (self->db, stream_statements)
    ||  kp_db_set_on_connect (self->db, "LISTEN kp_events"))
        goto failed;
    PGresult *head = kp_db_exec (self->db, "stream_head", 0, NULL);
    if (!head)
        goto failed;
    self->head = self->published = strtoull (PQgetvalue (head, 0, 0), NULL, 10);
    PQclear (head);

    char *cert_path = kp_config_service_cert_path (config, KP_SERVICE_STREAM);
    self->cert = cert_path ? zcert_load (cert_path) : NULL;
    free (cert_path);
    if (!self->cert)
        goto failed;
    self->config = config;
    if (s_open_xpub (self))
        goto failed;
    kp_server_set_reload_hook (server, s_on_reload, self);
    s_watch_socket (self);
    self->timer_id = zloop_timer (self->loop, (size_t) config->poll_interval_ms, 0, s_on_timer, self);
    kp_server_set_health_hook (server, stream_relay_health);
    kp_info ("relay publishing on %s from seq %" PRIu64, config->stream_pub_endpoint, self->published);
    return self;

failed:
    stream_relay_destroy ((void **) &self);
    return NULL;
}

void
stream_relay_destroy (void **self_p)
{
    if (!self_p || !*self_p)
        return;
    stream_relay_t *self = *self_p;
    if (self->loop && self->xpub)
        zloop_reader_end (self->loop, self->xpub);
    if (self->loop && self->timer_id)
        zloop_timer_end (self->loop, self->timer_id);
    if (self->loop && self->fd >= 0) {
        zmq_pollitem_t item = { NULL, self->fd, ZMQ_POLLIN, 0 };
        zloop_poller_end (self->loop, &item);
    }
    zsock_destroy (&self->xpub);
    zcert_destroy (&self->cert);
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
