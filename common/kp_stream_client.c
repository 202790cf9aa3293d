/*  kp_stream_client — see kp_stream_client.h. */
#include "kp_stream_client.h"
#include "kp_alloc.h"
#include "kp_codec.h"
#include "kp_endpoints.h"
#include "kp_log.h"

#include <assert.h>
#include <string.h>

#define KP_STREAM_LIVE_PREFIXES 16

struct _kp_stream_live_t {
    zsock_t *dealer;
    zsock_t *monitor;               //  PAIR: the DEALER's handshakes
    zpoller_t *poller;
    char *prefixes [KP_STREAM_LIVE_PREFIXES];
    size_t prefix_count;            //  0: everything
    int64_t heard_at;               //  zclock_mono of the last message or subscription
    uint64_t subscriptions;
    int relays;                     //  endpoints the DEALER is connected to
};

void
kp_stream_live_subscribe (kp_stream_live_t *self)
{
    //  Never waiting: while disconnected these queue, up to the HWM. With
    //  several stream instances each relay needs every prefix: the DEALER
    //  deals frames out in turn over its connections, so each prefix goes
    //  as many times in a row as there are relays, one to each (a relay
    //  ignores a prefix it already has).
    size_t relays = self->relays > 0 ? (size_t) self->relays : 1;
    size_t frames = (self->prefix_count ? self->prefix_count : 1) * relays;
    for (size_t sent = 0; sent < frames; sent++) {
        size_t index = sent / relays;
        const char *prefix = self->prefix_count ? self->prefixes [index] : "";
        char frame [1 + 256];
        size_t len = strlen (prefix);
        if (len > 255)
            len = 255;
        frame [0] = 1;
        memcpy (frame + 1, prefix, len);
        zmq_send (zsock_resolve (self->dealer), frame, len + 1, ZMQ_DONTWAIT);
    }
    self->subscriptions++;
    self->heard_at = zclock_mono ();
}

kp_stream_live_t *
kp_stream_live_new (const char *pub_endpoint, const char *stream_cert_path,
                    const char *client_cert_path, char *const *prefixes, size_t prefix_count)
{
    zcert_t *stream_cert = zcert_load (stream_cert_path);
    zcert_t *own_cert = zcert_load (client_cert_path);
    kp_stream_live_t *self = stream_cert && own_cert ? kp_calloc (1, sizeof *self) : NULL;
    if (self) {
        bool copied = true;
        for (size_t index = 0; index < prefix_count && index < KP_STREAM_LIVE_PREFIXES; index++) {
            self->prefixes [self->prefix_count] = kp_strdup (prefixes [index]);
            if (self->prefixes [self->prefix_count])
                self->prefix_count++;
            else
                copied = false;
        }
        self->dealer = copied ? zsock_new (ZMQ_DEALER) : NULL;
        self->monitor = copied ? zsock_new (ZMQ_PAIR) : NULL;
    }
    if (self && self->dealer && self->monitor) {
        self->relays = kp_endpoints_count (pub_endpoint);
        zsock_set_linger (self->dealer, 0);
        zcert_apply (own_cert, self->dealer);
        zsock_set_curve_serverkey (self->dealer, zcert_public_txt (stream_cert));
        //  The monitor is in place before the first connection, so no
        //  handshake goes unseen.
        char endpoint [64];
        snprintf (endpoint, sizeof endpoint, "inproc://kp-stream-live-%p", (void *) self);
        if (zmq_socket_monitor (zsock_resolve (self->dealer), endpoint, ZMQ_EVENT_HANDSHAKE_SUCCEEDED) == 0
        &&  zsock_connect (self->monitor, "%s", endpoint) == 0
        &&  kp_endpoints_connect (self->dealer, pub_endpoint) == 0)
            self->poller = zpoller_new (self->dealer, self->monitor, NULL);
    }
    zcert_destroy (&stream_cert);
    zcert_destroy (&own_cert);
    if (self && !self->poller)
        kp_stream_live_destroy (&self);
    if (self)
        kp_stream_live_subscribe (self);
    return self;
}

void
kp_stream_live_destroy (kp_stream_live_t **self_p)
{
    assert (self_p);
    if (!*self_p)
        return;
    kp_stream_live_t *self = *self_p;
    zpoller_destroy (&self->poller);
    if (self->dealer)
        zmq_socket_monitor (zsock_resolve (self->dealer), NULL, 0);
    zsock_destroy (&self->monitor);
    zsock_destroy (&self->dealer);
    for (size_t index = 0; index < self->prefix_count; index++)
        free (self->prefixes [index]);
    free (self);
    *self_p = NULL;
}

zsock_t *
kp_stream_live_socket (kp_stream_live_t *self)
{
    return self->dealer;
}

zsock_t *
kp_stream_live_monitor (kp_stream_live_t *self)
{
    return self->monitor;
}

uint64_t
kp_stream_live_subscriptions (kp_stream_live_t *self)
{
    return self->subscriptions;
}

void
kp_stream_live_tick (kp_stream_live_t *self)
{
    if (zclock_mono () - self->heard_at >= KP_STREAM_LIVE_SILENCE_MS)
        kp_stream_live_subscribe (self);
}

//  Every monitor event waiting; resubscribes once if any was a handshake.
static void
s_on_monitor (kp_stream_live_t *self)
{
    bool handshake = false;
    while (zsock_events (self->monitor) & ZMQ_POLLIN) {
        zmsg_t *event = zmsg_recv (self->monitor);
        zframe_t *head = event ? zmsg_first (event) : NULL;
        uint16_t number = 0;
        if (head && zframe_size (head) >= 2)
            memcpy (&number, zframe_data (head), 2);
        handshake = handshake || number == ZMQ_EVENT_HANDSHAKE_SUCCEEDED;
        zmsg_destroy (&event);
    }
    if (handshake)
        kp_stream_live_subscribe (self);
}

zmsg_t *
kp_stream_live_recv (kp_stream_live_t *self, int timeout_ms)
{
    int64_t deadline = zclock_mono () + timeout_ms;
    while (true) {
        if (zsock_events (self->monitor) & ZMQ_POLLIN)
            s_on_monitor (self);
        if (zsock_events (self->dealer) & ZMQ_POLLIN) {
            zmsg_t *msg = zmsg_recv (self->dealer);
            if (msg) {
                self->heard_at = zclock_mono ();
                return msg;
            }
        }
        kp_stream_live_tick (self);
        int64_t now = zclock_mono ();
        if (now >= deadline)
            return NULL;
        //  Wake for the silence check too, so that a long wait still
        //  notices a relay that forgot us.
        int64_t wait = deadline - now;
        int64_t silence = self->heard_at + KP_STREAM_LIVE_SILENCE_MS - now;
        if (silence > 0 && silence < wait)
            wait = silence;
        zpoller_wait (self->poller, (int) (wait > 0 ? wait : 1));
        if (zpoller_terminated (self->poller))
            return NULL;
    }
}

Kumppani__V1__ReplayReply *
kp_stream_replay_page (kp_client_t *client, uint64_t after_seq, char **prefixes, size_t prefix_count,
                       uint32_t page_size, int timeout_ms, int retries, const char *who,
                       Kumppani__V1__Reply **reply_p)
{
    Kumppani__V1__ReplayRequest body = KUMPPANI__V1__REPLAY_REQUEST__INIT;
    body.after_seq = after_seq;
    body.topic_prefixes = prefixes;
    body.n_topic_prefixes = prefix_count;
    body.page_size = page_size;
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    request.body_case = KUMPPANI__V1__REQUEST__BODY_REPLAY;
    request.replay = &body;
    Kumppani__V1__Reply *reply = kp_client_call (client, &request, timeout_ms, retries);
    if (reply && reply->status == KUMPPANI__V1__STATUS__STATUS_OK && reply->replay) {
        *reply_p = reply;
        return reply->replay;
    }
    kp_warn ("%s: replay after %llu failed: %s", who, (unsigned long long) after_seq,
             reply && reply->error ? reply->error->code : "no answer");
    kp_codec_reply_free (&reply);
    *reply_p = NULL;
    return NULL;
}
