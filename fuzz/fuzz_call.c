/*  fuzz_call — see fuzz_call.h. The route checks repeat kp_server's
    s_check in brief (identity, route, identifier screen, org type); kp_server itself is not
    linked, it needs a socket loop. */
#include "fuzz_call.h"
#include "kp_codec.h"
#include "kp_identifier.h"

#include <stdlib.h>
#include <string.h>

//  Who calls: the organisation types the services distinguish.
static const kp_identity_t s_callers [] = {
    { "kela", "kela", "", "" },
    { "muni-743", "municipality", "743", "" },
    { "muni-091", "municipality", "091", "" },
    { "debt-743", "debt_counselling", "743", "" },
    { "ngo-743", "ngo", "743", "" },
    { "integrator-743", "integrator", "743", "" },
    { "operator", "operator", "", "" },
    { "police-743", "police", "743", "" },
};
#define FUZZ_CALLERS (sizeof s_callers / sizeof s_callers [0])

static const kp_route_t *
s_route_for (const kp_service_def_t *def, int body_case)
{
    for (const kp_route_t *route = def ? def->routes : NULL; route && route->operation; route++)
        if (route->body_case == body_case)
            return route;
    return NULL;
}

//  A decoded request packs and decodes again to the same size: nothing
//  the decoder accepted is lost or invented on the way back out.
static void
s_round_trip (const Kumppani__V1__Request *request)
{
    size_t size = 0;
    uint8_t *packed = kp_codec_pack (&request->base, &size);
    if (!packed)
        abort ();
    Kumppani__V1__Request *again = NULL;
    kp_codec_error_t error = { 0 };
    if (kp_codec_request_decode (packed, size, FUZZ_MAX_FRAME * 2, &again, &error) != 0)
        abort ();
    if (protobuf_c_message_get_packed_size (&again->base) != size)
        abort ();
    kp_codec_request_free (&again);
    free (packed);
}

kp_hetu_keys_t *
fuzz_call_hetu_keys (void)
{
    return kp_hetu_keys_new ("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
                             "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f");
}

void
fuzz_call_one (const kp_service_def_t *def, void *context, const uint8_t *data, size_t size)
{
    if (size < 1)
        return;
    const kp_identity_t *identity = &s_callers [data [0] % FUZZ_CALLERS];
    Kumppani__V1__Request *request = NULL;
    kp_codec_error_t error = { 0 };
    if (kp_codec_request_decode (data + 1, size - 1, FUZZ_MAX_FRAME, &request, &error) != 0) {
        //  Malformed input must name a machine code, as the reply will.
        if (!error.code || !*error.code)
            abort ();
        return;
    }
    s_round_trip (request);

    Kumppani__V1__Reply reply = KUMPPANI__V1__REPLY__INIT;
    kp_call_t call = {
        .db = NULL, .service = context, .identity = identity, .request = request, .reply = &reply
    };
    kp_call_reset_reply (&call);
    const kp_route_t *route = s_route_for (def, request->body_case);
    bool routed = route && kp_identifier_screen (&call) == 0
        && (route->flags & KP_ROUTE_NO_ACTOR
            || (request->actor && *request->actor->person_id && request->actor->role))
        && (!route->org_types || kp_org_type_in (identity->org_type, route->org_types))
        && (!(route->flags & KP_ROUTE_MUTATING) || *request->idempotency_key);
    if (routed) {
        call.route = route;
        call.operation = route->operation;
        route->handler (&call);
    }
    //  Whatever the handler decided must go out as a valid reply.
    size_t packed_size = 0;
    uint8_t *packed = kp_codec_pack (&reply.base, &packed_size);
    if (!packed)
        abort ();
    if (reply.status != KUMPPANI__V1__STATUS__STATUS_OK && (!reply.error || !*reply.error->code))
        abort ();
    free (packed);
    kp_call_arena_free (&call);
    kp_codec_request_free (&request);
}
