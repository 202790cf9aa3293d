/*  kp_client — a CURVE DEALER for calling one kumppani service: the CLI,
    the tests and agency integrations use it. Lazy Pirate: on a timeout the
    socket is rebuilt and the same request (same idempotency key) is sent
    again, which the server answers from its idempotency store. */
#ifndef KP_CLIENT_H
#define KP_CLIENT_H

#include "kumppani/v1/envelope.pb-c.h"

#include <czmq.h>

typedef struct _kp_client_t kp_client_t;

//  server_cert_path: the service's public certificate file;
//  client_cert_path: the caller's certificate (its "_secret" file is read).
//  NULL if a certificate cannot be loaded.
kp_client_t *kp_client_new (const char *endpoint, const char *server_cert_path,
                            const char *client_cert_path);
void kp_client_destroy (kp_client_t **self_p);

//  Sends request (a correlation id is filled in when empty) and waits for
//  the reply carrying the same correlation id, retrying up to retries
//  times. NULL when no reply came; free with kp_codec_reply_free.
Kumppani__V1__Reply *kp_client_call (kp_client_t *self, Kumppani__V1__Request *request,
                                     int timeout_ms, int retries);
//  Raw access for tests and tools: one frame out, one reply in.
int kp_client_send_bytes (kp_client_t *self, const void *data, size_t size);
Kumppani__V1__Reply *kp_client_recv (kp_client_t *self, int timeout_ms);
//  The DEALER itself, for tests that send what kp_client never would.
zsock_t *kp_client_socket (kp_client_t *self);

#endif
