/*  stream_live — the relay's live side: a CURVE ROUTER that knows each
    connection by its routing id. A subscriber's DEALER sends what an XSUB
    would (\x01prefix subscribes, \x00prefix unsubscribes); the relay keeps,
    per routing id, who proved that key (the server's kp_admitted record,
    by ZAP User-Id), its scopes and its prefixes, and for every event asks
    per subscriber whether it is entitled and interested, then sends to
    that routing id alone, once. Nothing one connection sends can change
    what another receives: there is no shared subscription state. Sends
    never wait: a full queue drops the message (counted; the subscriber
    replays the gap by seq), a vanished peer is forgotten, and a subscriber
    that does not read costs the others nothing.
    Each live message ends with the connection's live_since (Event
    field 640, appended to the stored bytes, so the event is never decoded
    here): the last seq that connection was entitled to before this one,
    sent or dropped. A scoped or filtered subscriber that has everything
    up to it knows a seq jump hides nothing for it and need not replay
    (before, every jump meant a replay, hundreds a second per subscriber). */
#include "stream_server.h"
#include "kp_alloc.h"
#include "stream_scope.h"
#include "kp_organiser.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

//  As replay's limits: a subscriber holds at most this many prefixes.
#define LIVE_PREFIX_MAX     16
#define LIVE_PREFIX_LEN     64
//  A table entry is ~2 KB; connections past this are not served live
//  (they still replay) rather than growing the relay without bound.
#define LIVE_SUBSCRIBERS_MAX 10000

typedef struct {
    uint8_t id [256];               //  the ROUTER's routing id for the connection
    size_t id_size;
    kp_identity_t identity;         //  from the admitted record, by proven key
    stream_scopes_t scopes;         //  what that identity may read
    int scope_count;
    char prefixes [LIVE_PREFIX_MAX][LIVE_PREFIX_LEN + 1];   //  "" is everything
    int prefix_count;
    //  Every event after this that the connection is entitled to and
    //  subscribed to has been sent (or dropped); see the header.
    uint64_t since;
} s_subscriber_t;

//  Topics longer than this are cut in the topic frame, as before (they
//  are dotted names of a few words; prefixes, at most 64 bytes, are
//  matched within it).
#define LIVE_TOPIC_MAX 255

//  One event of the batch being published.
typedef struct {
    uint64_t seq;
    char topic [LIVE_TOPIC_MAX + 1];
    stream_scopes_t scopes;         //  what it is addressed to
    int scope_count;
    uint8_t *event;                 //  its bytes with the seq (owned), NULL: unreadable
    size_t size;
    zmq_msg_t frames [STREAM_SCOPE_MAX];    //  [scope|topic] per scope, once made
    bool made [STREAM_SCOPE_MAX];
} s_pending_t;

struct _stream_live_t {
    zsock_t *router;
    kp_server_t *server;            //  its admitted record says who a key is
    kp_metrics_t *metrics;
    zhashx_t *subscribers;          //  hex of routing id → s_subscriber_t
    zlistx_t *gone;                 //  keys to forget once an iteration is over
    uint64_t position;              //  the last seq the relay has handled
    s_pending_t *pending;           //  the batch stream_live_flush sends
    size_t pending_count, pending_room;
};

static void
s_subscriber_free (void **item_p)
{
    free (*item_p);
    *item_p = NULL;
}

//  Routing ids are binary; the table's keys are their hex.
static void
s_key (const uint8_t *id, size_t size, char *key)
{
    static const char digits [] = "0123456789abcdef";
    for (size_t index = 0; index < size; index++) {
        key [index * 2] = digits [id [index] >> 4];
        key [index * 2 + 1] = digits [id [index] & 15];
    }
    key [size * 2] = 0;
}

static void
s_set_identity (s_subscriber_t *subscriber, const kp_identity_t *identity)
{
    subscriber->identity = *identity;
    subscriber->scope_count = stream_scope_of_subscriber (identity, subscriber->scopes);
}

static bool
s_has_prefix (s_subscriber_t *subscriber, const char *prefix, size_t len)
{
    for (int index = 0; index < subscriber->prefix_count; index++)
        if (strlen (subscriber->prefixes [index]) == len
        &&  memcmp (subscriber->prefixes [index], prefix, len) == 0)
            return true;
    return false;
}

static void
s_ignored (stream_live_t *self)
{
    kp_metrics_live_ignored (self->metrics);
}

//  One message from a subscriber. Only [routing id][\x01 or \x00, then
//  ≤ 64 bytes of prefix] from an admitted key counts; anything else is
//  ignored and counted, and changes nothing for anyone.
static void
s_on_message (stream_live_t *self, zmsg_t *msg)
{
    zframe_t *id = zmsg_first (msg);
    zframe_t *body = zmsg_next (msg);
    if (zmsg_size (msg) != 2 || zframe_size (id) == 0 || zframe_size (id) > 255) {
        s_ignored (self);
        return;
    }
    size_t size = zframe_size (body);
    const char *data = (const char *) zframe_data (body);
    if (size < 1 || (data [0] != 0 && data [0] != 1) || size - 1 > LIVE_PREFIX_LEN
    ||  memchr (data + 1, 0, size - 1)) {
        s_ignored (self);
        return;
    }
    //  Who sent it is the server's record of the key the handshake proved,
    //  read off this very frame: never a property the peer could set.
    const kp_identity_t *identity = kp_admitted_lookup (kp_server_admitted (self->server),
                                                        zframe_meta (body, "User-Id"));
    if (!identity) {
        s_ignored (self);
        return;
    }
    char key [512];
    s_key (zframe_data (id), zframe_size (id), key);
    s_subscriber_t *subscriber = zhashx_lookup (self->subscribers, key);
    if (subscriber && strcmp (subscriber->identity.public_key, identity->public_key) != 0) {
        //  A routing id we remember from a connection now gone, taken by a
        //  peer that named itself so: it starts afresh, as itself.
        zhashx_delete (self->subscribers, key);
        subscriber = NULL;
    }
    bool subscribe = data [0] == 1;
    const char *prefix = data + 1;
    size_t len = size - 1;
    if (!subscriber) {
        if (!subscribe)
            return;                 //  unsubscribing from nothing
        if (zhashx_size (self->subscribers) >= LIVE_SUBSCRIBERS_MAX) {
            kp_warn ("relay: %d live subscribers already; %s is served by replay only",
                     LIVE_SUBSCRIBERS_MAX, identity->org_id);
            s_ignored (self);
            return;
        }
        subscriber = kp_calloc (1, sizeof *subscriber);
        if (!subscriber)
            return;
        memcpy (subscriber->id, zframe_data (id), zframe_size (id));
        subscriber->id_size = zframe_size (id);
        s_set_identity (subscriber, identity);
        subscriber->since = self->position;
        zhashx_insert (self->subscribers, key, subscriber);
        kp_metrics_live_subscribers (self->metrics, (int64_t) zhashx_size (self->subscribers));
    }
    if (subscribe) {
        if (s_has_prefix (subscriber, prefix, len))
            return;                 //  a set: resubscribing is harmless
        if (subscriber->prefix_count == LIVE_PREFIX_MAX) {
            s_ignored (self);
            return;
        }
        memcpy (subscriber->prefixes [subscriber->prefix_count], prefix, len);
        subscriber->prefixes [subscriber->prefix_count++][len] = 0;
        //  Events before now were not weighed against the new prefix: the
        //  promise starts afresh here (the subscriber replays what it
        //  lacks). Dropping a prefix only narrows what it covers.
        subscriber->since = self->position;
    }
    else
        for (int index = 0; index < subscriber->prefix_count; index++)
            if (strlen (subscriber->prefixes [index]) == len
            &&  memcmp (subscriber->prefixes [index], prefix, len) == 0) {
                memcpy (subscriber->prefixes [index], subscriber->prefixes [--subscriber->prefix_count],
                        sizeof subscriber->prefixes [index]);
                break;
            }
    kp_debug ("relay: %s %s '%.*s'", identity->org_id, subscribe ? "subscribed to" : "unsubscribed from",
              (int) len, prefix);
}

//  A bounded batch per wake-up, so that a connection sending junk as fast
//  as it can does not keep the loop from publishing.
static int
s_on_readable (zloop_t *loop, zsock_t *reader, void *arg)
{
    (void) loop;
    stream_live_t *self = arg;
    for (int count = 0; count < 100 && (zsock_events (reader) & ZMQ_POLLIN); count++) {
        zmsg_t *msg = zmsg_recv (reader);
        if (!msg)
            break;
        s_on_message (self, msg);
        zmsg_destroy (&msg);
    }
    return 0;
}

stream_live_t *
stream_live_new (kp_server_t *server, const kp_config_t *config, zcert_t *cert)
{
    stream_live_t *self = kp_calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->server = server;
    self->metrics = kp_server_metrics (server);
    self->subscribers = zhashx_new ();
    self->gone = zlistx_new ();
    self->router = zsock_new (ZMQ_ROUTER);
    if (!self->subscribers || !self->gone || !self->router) {
        stream_live_destroy (&self);
        return NULL;
    }
    zhashx_set_destructor (self->subscribers, s_subscriber_free);
    zlistx_set_destructor (self->gone, (czmq_destructor *) zstr_free);
    zlistx_set_duplicator (self->gone, (czmq_duplicator *) strdup);
    zsock_set_zap_domain (self->router, "kumppani");
    zsock_set_curve_server (self->router, 1);
    zcert_apply (cert, self->router);
    zsock_set_maxmsgsize (self->router, 4096);          //  subscriptions are small
    zsock_set_sndhwm (self->router, config->stream_hwm);
    //  A send to a full or vanished peer fails at once instead of
    //  waiting (full) or vanishing silently (gone).
    zsock_set_router_mandatory (self->router, 1);
    if (zsock_bind (self->router, "%s", config->stream_pub_bind_endpoint) == -1) {
        kp_error ("cannot bind %s: %s", config->stream_pub_bind_endpoint, zmq_strerror (zmq_errno ()));
        stream_live_destroy (&self);
        return NULL;
    }
    zloop_reader (kp_server_loop (server), self->router, s_on_readable, self);
    zloop_reader_set_tolerant (kp_server_loop (server), self->router);
    return self;
}

void
stream_live_destroy (stream_live_t **self_p)
{
    assert (self_p);
    if (!*self_p)
        return;
    stream_live_t *self = *self_p;
    if (self->router && self->server)
        zloop_reader_end (kp_server_loop (self->server), self->router);
    zsock_destroy (&self->router);
    //  What was never flushed goes unsent.
    for (size_t index = 0; index < self->pending_count; index++)
        free (self->pending [index].event);
    free (self->pending);
    zhashx_destroy (&self->subscribers);
    zlistx_destroy (&self->gone);
    free (self);
    *self_p = NULL;
}

//  Event.live_since (field 640, a LiveSince message) as it goes after
//  the stored bytes (protobuf lets a field come after the others): the
//  tag, the length, then LiveSince.seq (field 1, varint).
#define LIVE_TAIL_MAX 16

static size_t
s_tail (uint8_t *tail, uint64_t since)
{
    uint8_t seq [11];
    size_t seq_size = 0;
    seq [seq_size++] = 0x08;
    do {
        uint8_t low = since & 0x7F;
        since >>= 7;
        seq [seq_size++] = low | (since ? 0x80 : 0);
    } while (since);
    size_t size = 0;
    tail [size++] = 0x82;           //  (640 << 3) | 2 as a varint
    tail [size++] = 0x28;
    tail [size++] = (uint8_t) seq_size;
    memcpy (tail + size, seq, seq_size);
    return size + seq_size;
}

//  One message to one subscriber, never waiting: [id][topic][event +
//  the subscriber's live_since]. The topic frame is a copy of the
//  caller's (zmq_msg_copy shares the bytes); the event frame is the
//  subscriber's own. Returns 0 when it went, 1 when the subscriber's
//  queue was full (dropped, counted), -1 when the peer is gone.
static int
s_send (stream_live_t *self, s_subscriber_t *subscriber, const char *key,
        zmq_msg_t *topic, const uint8_t *event, size_t size)
{
    void *router = zsock_resolve (self->router);
    if (zmq_send (router, subscriber->id, subscriber->id_size, ZMQ_SNDMORE | ZMQ_DONTWAIT) == -1) {
        if (zmq_errno () == EAGAIN) {
            kp_metrics_live_dropped (self->metrics);
            return 1;
        }
        zlistx_add_end (self->gone, (void *) key);
        return -1;
    }
    //  With the routing frame taken, the rest of the message goes too.
    zmq_msg_t part;
    zmq_msg_init (&part);
    zmq_msg_copy (&part, topic);
    zmq_msg_send (&part, router, ZMQ_SNDMORE | ZMQ_DONTWAIT);
    uint8_t tail [LIVE_TAIL_MAX];
    size_t tail_size = s_tail (tail, subscriber->since);
    zmq_msg_init_size (&part, size + tail_size);
    memcpy (zmq_msg_data (&part), event, size);
    memcpy ((uint8_t *) zmq_msg_data (&part) + size, tail, tail_size);
    zmq_msg_send (&part, router, ZMQ_DONTWAIT);
    return 0;
}

static void
s_forget_gone (stream_live_t *self)
{
    if (zlistx_size (self->gone) == 0)
        return;
    for (const char *key = zlistx_first (self->gone); key; key = zlistx_next (self->gone))
        zhashx_delete (self->subscribers, key);
    zlistx_purge (self->gone);
    kp_metrics_live_subscribers (self->metrics, (int64_t) zhashx_size (self->subscribers));
}

static bool
s_interested (const s_subscriber_t *subscriber, const char *topic)
{
    for (int index = 0; index < subscriber->prefix_count; index++)
        if (strncmp (topic, subscriber->prefixes [index], strlen (subscriber->prefixes [index])) == 0)
            return true;
    return false;
}

static void
s_msg_of (zmq_msg_t *msg, const void *data, size_t size)
{
    zmq_msg_init_size (msg, size);
    memcpy (zmq_msg_data (msg), data, size);
}

void
stream_live_position (stream_live_t *self, uint64_t seq)
{
    self->position = seq;
}

void
stream_live_add (stream_live_t *self, uint64_t seq, const char *topic, const char *municipality,
                 const char *sender_org, const char *recipient_org,
                 uint8_t *event, size_t size)
{
    if (self->pending_count == self->pending_room) {
        size_t room = self->pending_room ? self->pending_room * 2 : 64;
        s_pending_t *grown = kp_realloc (self->pending, room * sizeof (s_pending_t));
        if (grown) {
            self->pending = grown;
            self->pending_room = room;
        }
        else if (self->pending_count)
            stream_live_flush (self);   //  what is queued goes now, making room
        else {
            //  No room at all: nobody gets it, and no promise may cover it.
            free (event);
            for (s_subscriber_t *subscriber = zhashx_first (self->subscribers); subscriber;
                 subscriber = zhashx_next (self->subscribers))
                subscriber->since = seq;
            self->position = seq;
            return;
        }
    }
    s_pending_t *pending = &self->pending [self->pending_count++];
    pending->seq = seq;
    snprintf (pending->topic, sizeof pending->topic, "%s", topic);
    pending->scope_count = stream_scope_of_event (municipality, sender_org, recipient_org, pending->scopes);
    pending->event = event;
    pending->size = size;
    memset (pending->made, 0, sizeof pending->made);
}

//  The topic frame of pending's scope which, made when first needed.
static zmq_msg_t *
s_topic_frame (s_pending_t *pending, int which)
{
    if (!pending->made [which]) {
        char scoped [STREAM_SCOPE_LEN + LIVE_TOPIC_MAX + 2];
        int len = snprintf (scoped, sizeof scoped, "%s|%s", pending->scopes [which], pending->topic);
        s_msg_of (&pending->frames [which], scoped, len < (int) sizeof scoped ? (size_t) len : sizeof scoped - 1);
        pending->made [which] = true;
    }
    return &pending->frames [which];
}

void
stream_live_flush (stream_live_t *self)
{
    //  Subscriber by subscriber, each one's events of the batch in seq
    //  order: its queue then fills in one go and libzmq's I/O thread
    //  writes (and encrypts) it in large batches, instead of waking for
    //  one message per subscriber per event.
    for (s_subscriber_t *subscriber = zhashx_first (self->subscribers); subscriber;
         subscriber = zhashx_next (self->subscribers)) {
        //  An organisation whose active_to has passed gets nothing more,
        //  even before the reload that drops its connection: asked once
        //  per batch (a lock and a lookup).
        if (!kp_organiser_admits (&subscriber->identity)) {
            //  Nor may its promise cover what it was not sent: should it
            //  become active again, the jump is replayed (and replay
            //  decides what it may have).
            if (self->pending_count)
                subscriber->since = self->pending [self->pending_count - 1].seq;
            continue;
        }
        const char *key = zhashx_cursor (self->subscribers);
        bool gone = false;
        for (size_t index = 0; index < self->pending_count && !gone; index++) {
            s_pending_t *pending = &self->pending [index];
            //  Each subscriber's own scopes against this event's: the
            //  entitlement check runs per connection for every message.
            const char *scope = stream_scope_shared (subscriber->scopes, subscriber->scope_count,
                                                     pending->scopes, pending->scope_count);
            if (!scope || !s_interested (subscriber, pending->topic))
                continue;
            //  An unreadable row goes to nobody: the promise moves past it
            //  all the same, so the subscriber sees the gap and replays.
            if (pending->event) {
                int which = (int) ((scope - pending->scopes [0]) / STREAM_SCOPE_LEN);
                gone = s_send (self, subscriber, key, s_topic_frame (pending, which),
                               pending->event, pending->size) == -1;
            }
            //  Sent or dropped: either way the promise moves past it (a
            //  drop shows as a gap, which the subscriber replays).
            subscriber->since = pending->seq;
        }
    }
    for (size_t index = 0; index < self->pending_count; index++) {
        s_pending_t *pending = &self->pending [index];
        for (int which = 0; which < STREAM_SCOPE_MAX; which++)
            if (pending->made [which])
                zmq_msg_close (&pending->frames [which]);
        free (pending->event);
        if (pending->seq > self->position)
            self->position = pending->seq;
    }
    self->pending_count = 0;
    s_forget_gone (self);
}

void
stream_live_heartbeat (stream_live_t *self, const uint8_t *event, size_t size)
{
    zmq_msg_t topic;
    s_msg_of (&topic, STREAM_SCOPE_PUBLIC "|heartbeat", strlen (STREAM_SCOPE_PUBLIC "|heartbeat"));
    //  To every subscriber, whatever its prefixes: an idle filtered one
    //  learns the head (and by live_since whether it missed anything
    //  up to it), and a peer that has gone fails here and is forgotten.
    for (s_subscriber_t *subscriber = zhashx_first (self->subscribers); subscriber;
         subscriber = zhashx_next (self->subscribers))
        s_send (self, subscriber, zhashx_cursor (self->subscribers), &topic, event, size);
    zmq_msg_close (&topic);
    s_forget_gone (self);
}

void
stream_live_reload (stream_live_t *self)
{
    kp_admitted_t *admitted = kp_server_admitted (self->server);
    size_t revoked = 0;
    for (s_subscriber_t *subscriber = zhashx_first (self->subscribers); subscriber;
         subscriber = zhashx_next (self->subscribers)) {
        const kp_identity_t *identity = kp_admitted_lookup (admitted, subscriber->identity.public_key);
        if (identity) {
            //  Its scopes may have changed: the promise starts afresh.
            s_set_identity (subscriber, identity);
            subscriber->since = self->position;
        }
        else {
            zlistx_add_end (self->gone, (void *) zhashx_cursor (self->subscribers));
            revoked++;
        }
    }
    s_forget_gone (self);
    kp_info ("relay: certificates reloaded; %zu live subscribers cut off, %zu remain",
             revoked, zhashx_size (self->subscribers));
}

size_t
stream_live_size (stream_live_t *self)
{
    return zhashx_size (self->subscribers);
}
