/*  kp_subscriber — an integrator's view of the stream (the Clone pattern):
    every event after a starting seq, in order, exactly once. Live events
    are used as they come while they are contiguous; a gap, a heartbeat
    ahead of us, or a reconnect sends us to replay, and anything seen
    twice is dropped by seq. */
#ifndef KP_SUBSCRIBER_H
#define KP_SUBSCRIBER_H

#include "kumppani/v1/envelope.pb-c.h"

#include <stdint.h>

typedef struct _kp_subscriber_t kp_subscriber_t;

//  prefixes: NULL-terminated topic prefixes (NULL or empty: everything the
//  certificate may see). Starts after after_seq.
kp_subscriber_t *kp_subscriber_new (const char *replay_endpoint, const char *pub_endpoint,
                                    const char *stream_cert_path, const char *client_cert_path,
                                    const char *const *prefixes, uint64_t after_seq);
void kp_subscriber_destroy (kp_subscriber_t **self_p);
//  For tests of slow consumers: the live DEALER's receive high-water mark.
void kp_subscriber_set_rcvhwm (kp_subscriber_t *self, int hwm);
//  Next event in seq order, or NULL after timeout_ms with nothing new.
//  Free with kp_codec_event_free.
Kumppani__V1__Event *kp_subscriber_next (kp_subscriber_t *self, int timeout_ms);
uint64_t kp_subscriber_last_seq (kp_subscriber_t *self);
//  How many times a gap sent it to replay (for tests and metrics).
uint64_t kp_subscriber_replays (kp_subscriber_t *self);
//  How many events came live (in order, not through replay).
uint64_t kp_subscriber_live (kp_subscriber_t *self);
//  How many times the live subscriptions were sent: once at the start and
//  again after every reconnection or silence (for tests).
uint64_t kp_subscriber_subscriptions (kp_subscriber_t *self);

#endif
