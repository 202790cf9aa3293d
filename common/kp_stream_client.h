/*  kp_stream_client — the two sides every reader of the stream uses: a
    CURVE DEALER on the live side that keeps its subscriptions in place
    across reconnections, and one replay page from the ROUTER side.
    kp_subscriber (integrators, the CLI) and kp_consumer (services) are
    built on these. */
#ifndef KP_STREAM_CLIENT_H
#define KP_STREAM_CLIENT_H

#include "kp_client.h"

#include <czmq.h>
#include <stdint.h>

//  After this long without a live message (heartbeats come every
//  KUMPPANI_POLL_MS, a second by default) the live side sends its
//  subscriptions again, in case the relay no longer knows this connection.
#define KP_STREAM_LIVE_SILENCE_MS 3000

typedef struct _kp_stream_live_t kp_stream_live_t;

//  A DEALER connected to pub_endpoint (a list: every stream instance's
//  relay, each sending every event; the caller drops repeats by seq)
//  with CURVE that sends \x01PREFIX
//  for each prefix ("" when there are none: everything the certificate
//  may see) now, after every successful handshake (a reconnection is a
//  new connection to the relay, which must hear them again) and after
//  silence. Messages are [scope|topic][kumppani.v1.Event]; heartbeats
//  (topic "heartbeat") come whatever the prefixes. NULL if a certificate
//  cannot be loaded.
kp_stream_live_t *kp_stream_live_new (const char *pub_endpoint, const char *stream_cert_path,
                                      const char *client_cert_path, char *const *prefixes,
                                      size_t prefix_count);
void kp_stream_live_destroy (kp_stream_live_t **self_p);
//  The next live message within timeout_ms (0: only what is waiting), or
//  NULL. Keeps the subscriptions in place meanwhile.
zmsg_t *kp_stream_live_recv (kp_stream_live_t *self, int timeout_ms);
//  For a zloop: the DEALER and the socket monitor; when either is
//  readable, call kp_stream_live_recv (self, 0) until it returns NULL.
zsock_t *kp_stream_live_socket (kp_stream_live_t *self);
zsock_t *kp_stream_live_monitor (kp_stream_live_t *self);
//  For a zloop's timer: resubscribes if the relay has been silent too long.
void kp_stream_live_tick (kp_stream_live_t *self);
//  Sends every subscription again (the relay treats them as a set).
void kp_stream_live_subscribe (kp_stream_live_t *self);
//  How many times the subscriptions were sent (for tests).
uint64_t kp_stream_live_subscriptions (kp_stream_live_t *self);

//  One page of events after after_seq. Returns the ReplayReply inside
//  *reply_p (the whole Reply, to free with kp_codec_reply_free),
//  or NULL when the stream did not answer OK (logged with who asked).
Kumppani__V1__ReplayReply *kp_stream_replay_page (kp_client_t *client, uint64_t after_seq,
                                                  char **prefixes, size_t prefix_count,
                                                  uint32_t page_size, int timeout_ms, int retries,
                                                  const char *who, Kumppani__V1__Reply **reply_p);

#endif
