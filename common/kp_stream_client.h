/*  kp_stream_client — the two calls every reader of the stream makes: a
    CURVE SUB socket on the live side, and one replay page from the ROUTER
    side. kp_subscriber (integrators, the CLI) and kp_consumer (services)
    are built on these. */
#ifndef KP_STREAM_CLIENT_H
#define KP_STREAM_CLIENT_H

#include "kp_client.h"

#include <czmq.h>
#include <stdint.h>

//  An XSUB socket connected to pub_endpoint with CURVE, subscribed to each
//  prefix (everything when there are none) and to heartbeats. Messages are
//  [scope|topic][Event]. NULL if a certificate cannot be loaded.
zsock_t *kp_stream_sub_new (const char *pub_endpoint, const char *stream_cert_path,
                            const char *client_cert_path, char *const *prefixes, size_t prefix_count);

//  One page of events after after_seq. Returns the ReplayReply inside
//  *reply_p (the whole Reply, to free with kumppani__v1__reply__free_unpacked),
//  or NULL when the stream did not answer OK (logged with who asked).
Kumppani__V1__ReplayReply *kp_stream_replay_page (kp_client_t *client, uint64_t after_seq,
                                                  char **prefixes, size_t prefix_count,
                                                  uint32_t page_size, int timeout_ms, int retries,
                                                  const char *who, Kumppani__V1__Reply **reply_p);

#endif
