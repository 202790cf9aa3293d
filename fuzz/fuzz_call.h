/*  fuzz_call — drives one fuzz input through a service the way kp_server
    does: the first byte picks who calls (an organisation type), the rest is
    the request frame, decoded by kp_codec and, when it decodes, routed to
    the service's own handler with the route table's checks. The database
    is fuzz_db.c's: every query fails as if the connection had dropped, so
    a handler's validation runs up to its first query and no further. */
#ifndef FUZZ_CALL_H
#define FUZZ_CALL_H

#include "kp_hetu.h"
#include "kp_service.h"

#include <stddef.h>
#include <stdint.h>

//  The largest frame a fuzz input may hold (the services' default).
#define FUZZ_MAX_FRAME (1024 * 1024)

//  Runs one input against def's routes with context as the service's
//  context (NULL for the envelope alone). Aborts if a reply cannot be
//  packed or a decoded request does not survive a pack/decode round trip.
//  Fixed keys for the handlers that hash and encrypt a henkilötunnus.
kp_hetu_keys_t *fuzz_call_hetu_keys (void);

void fuzz_call_one (const kp_service_def_t *def, void *context, const uint8_t *data, size_t size);

#endif
