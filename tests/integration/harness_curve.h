/*  harness_curve — a CurveZMQ client written by hand for the tests that
    need to say what libzmq never lets a client say: a plain TCP socket,
    the ZMTP 3.0 greeting with mechanism CURVE (RFC 23/37), the handshake
    of RFC 26 (HELLO, WELCOME, INITIATE, READY) with whatever metadata the
    test chooses in INITIATE, then MESSAGE commands as a DEALER. libzmq
    lets an application send only "X-" names; a peer speaking the protocol
    itself can send any name, so this is what an attacker would write. */
#ifndef KPT_HARNESS_CURVE_H
#define KPT_HARNESS_CURVE_H

#include "kumppani/v1/envelope.pb-c.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct _kpt_curve_t kpt_curve_t;

//  Appends one ZMTP metadata property (name length byte, name, 4-byte
//  big-endian value length, value) at buffer [at]; returns the new length.
size_t kpt_curve_property (uint8_t *buffer, size_t size, size_t at, const char *name,
                           const void *value, size_t value_size);
//  The same for a string value.
size_t kpt_curve_string (uint8_t *buffer, size_t size, size_t at, const char *name, const char *value);

//  Connects to a harness service as org (a certificate in clients/),
//  sending exactly metadata as the INITIATE's metadata (the test adds
//  Socket-Type itself, or leaves it out). rcvbuf > 0 shrinks the socket's
//  receive buffer first. NULL when the server refuses the handshake,
//  closes the connection, or does not answer within 5 s.
kpt_curve_t *kpt_curve_connect (const char *service, const char *org, const uint8_t *metadata,
                                size_t metadata_size, int rcvbuf);
//  A DEALER's usual metadata with the names in extra ("name", "value",
//  …, NULL) added after Socket-Type.
kpt_curve_t *kpt_curve_connect_as (const char *service, const char *org, const char *const *extra);
void kpt_curve_destroy (kpt_curve_t **self_p);

//  One message of one frame. 0, or -1 if it could not all be written
//  within timeout_ms (the peer stopped reading) or the connection broke.
int kpt_curve_send (kpt_curve_t *self, const void *data, size_t size, int timeout_ms);
//  Packs and sends a request (correlation id as set by the caller).
int kpt_curve_send_request (kpt_curve_t *self, const Kumppani__V1__Request *request, int timeout_ms);
//  The next message's frames joined (a DEALER gets one frame from kumppani).
//  Returns its size and sets *data (caller frees), or -1 on timeout, a
//  closed connection, or a message that does not decrypt.
long kpt_curve_recv (kpt_curve_t *self, uint8_t **data, int timeout_ms);
//  Sends request and waits for its reply; NULL if none came in timeout_ms.
Kumppani__V1__Reply *kpt_curve_call (kpt_curve_t *self, const Kumppani__V1__Request *request,
                                     int timeout_ms);

#endif
