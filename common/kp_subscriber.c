/*  kp_subscriber — see kp_subscriber.h. A seq jump may only mean events
    we are not entitled to or did not subscribe to; the relay says so in
    each live message (live_since: nothing for this connection since
    then that it did not send), so a jump is replayed only when that
    promise does not cover it (a drop, a reconnection, an older relay).
    Replay's last_seq (the head once no event of ours is left) then says
    where we stand.
    kp_stream_live keeps the live subscriptions in place across
    reconnections of the DEALER. */
#include "kp_subscriber.h"
#include "kp_alloc.h"
#include "kp_stream_client.h"
#include "kp_codec.h"
#include "kp_log.h"

#include <assert.h>
#include <czmq.h>
#include <string.h>

#define KP_SUBSCRIBER_PAGE 500
#define KP_SUBSCRIBER_MAX_PREFIXES 16

struct _kp_subscriber_t {
    kp_client_t *replay;
    kp_stream_live_t *live;
    zlistx_t *queue;                //  replayed events not yet returned
    char *prefixes [KP_SUBSCRIBER_MAX_PREFIXES];
    size_t prefix_count;
    uint64_t last_seq;              //  everything up to here was returned or is queued
    uint64_t replays;
    uint64_t live_events;           //  returned as they came live, not replayed
};

static void
s_event_destroy (void **item)
{
    Kumppani__V1__Event *event = *item;
    kp_codec_event_free (&event);
    *item = NULL;
}

kp_subscriber_t *
kp_subscriber_new (const char *replay_endpoint, const char *pub_endpoint,
                   const char *stream_cert_path, const char *client_cert_path,
                   const char *const *prefixes, uint64_t after_seq)
{
    kp_subscriber_t *self = kp_calloc (1, sizeof (kp_subscriber_t));
    if (!self)
        return NULL;
    self->last_seq = after_seq;
    self->queue = zlistx_new ();
    zlistx_set_destructor (self->queue, s_event_destroy);
    for (const char *const *prefix = prefixes; prefix && *prefix
         && self->prefix_count < KP_SUBSCRIBER_MAX_PREFIXES; prefix++)
        if (**prefix)
            self->prefixes [self->prefix_count++] = kp_strdup (*prefix);
    self->replay = kp_client_new (replay_endpoint, stream_cert_path, client_cert_path);
    self->live = kp_stream_live_new (pub_endpoint, stream_cert_path, client_cert_path,
                                     self->prefixes, self->prefix_count);
    if (!self->replay || !self->live)
        kp_subscriber_destroy (&self);
    return self;
}

void
kp_subscriber_destroy (kp_subscriber_t **self_p)
{
    assert (self_p);
    if (!*self_p)
        return;
    kp_subscriber_t *self = *self_p;
    kp_stream_live_destroy (&self->live);
    kp_client_destroy (&self->replay);
    zlistx_destroy (&self->queue);
    for (size_t index = 0; index < self->prefix_count; index++)
        free (self->prefixes [index]);
    free (self);
    *self_p = NULL;
}

void
kp_subscriber_set_rcvhwm (kp_subscriber_t *self, int hwm)
{
    zsock_set_rcvhwm (kp_stream_live_socket (self->live), hwm);
}

uint64_t
kp_subscriber_last_seq (kp_subscriber_t *self)
{
    return self->last_seq;
}

uint64_t
kp_subscriber_replays (kp_subscriber_t *self)
{
    return self->replays;
}

uint64_t
kp_subscriber_live (kp_subscriber_t *self)
{
    return self->live_events;
}

uint64_t
kp_subscriber_subscriptions (kp_subscriber_t *self)
{
    return kp_stream_live_subscriptions (self->live);
}

//  Queues every event after last_seq up to the head; -1 if the stream
//  did not answer (the caller simply tries again later).
static int
s_replay (kp_subscriber_t *self)
{
    self->replays++;
    bool more = true;
    while (more) {
        Kumppani__V1__Reply *reply;
        Kumppani__V1__ReplayReply *page = kp_stream_replay_page (
            self->replay, self->last_seq, self->prefixes, self->prefix_count, KP_SUBSCRIBER_PAGE,
            3000, 2, "subscriber", &reply);
        if (!page)
            return -1;
        for (size_t index = 0; index < page->n_events; index++) {
            Kumppani__V1__Event *event;
            kp_codec_event_decode (page->events [index].data, page->events [index].len, &event, NULL);
            if (event && event->seq > self->last_seq)
                zlistx_add_end (self->queue, event);
            else
                kp_codec_event_free (&event);
        }
        if (page->last_seq > self->last_seq)
            self->last_seq = page->last_seq;
        more = page->more;
        kp_codec_reply_free (&reply);
    }
    return 0;
}

Kumppani__V1__Event *
kp_subscriber_next (kp_subscriber_t *self, int timeout_ms)
{
    int64_t deadline = zclock_mono () + timeout_ms;
    //  The first call catches up with everything already stored.
    if (self->replays == 0)
        s_replay (self);
    while (true) {
        Kumppani__V1__Event *queued = zlistx_first (self->queue);
        if (queued) {
            zlistx_detach_cur (self->queue);
            return queued;
        }
        int64_t left = deadline - zclock_mono ();
        if (left <= 0)
            return NULL;
        zmsg_t *msg = kp_stream_live_recv (self->live, (int) left);
        if (!msg)
            continue;
        zframe_t *body = msg && zmsg_size (msg) == 2 ? zmsg_last (msg) : NULL;
        Kumppani__V1__Event *event = NULL;
        if (body)
            kp_codec_event_decode (zframe_data (body), zframe_size (body), &event, NULL);
        zmsg_destroy (&msg);
        if (!event)
            continue;
        //  The relay's promise for this connection: nothing we may see
        //  lies between what we have and this message.
        bool nothing_between = event->live_since && event->live_since->seq <= self->last_seq;
        if (event->payload_case == KUMPPANI__V1__EVENT__PAYLOAD_HEARTBEAT) {
            uint64_t head = event->heartbeat->head_seq;
            kp_codec_event_free (&event);
            if (head > self->last_seq && nothing_between)
                self->last_seq = head;
            else if (head > self->last_seq)
                s_replay (self);
            continue;
        }
        if (event->seq <= self->last_seq) {
            kp_codec_event_free (&event);   //  seen already
            continue;
        }
        if (event->seq == self->last_seq + 1 || nothing_between) {
            self->last_seq = event->seq;
            self->live_events++;
            return event;
        }
        //  A gap (or, when filtered, maybe other topics): replay settles it.
        kp_codec_event_free (&event);
        s_replay (self);
    }
}
