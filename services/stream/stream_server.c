/*  stream_server — replay is open to every authenticated organisation; what
    each one gets back is decided by stream_scope, not by this table. */
#include "stream_server.h"

static const kp_route_t s_routes [] = {
    { KUMPPANI__V1__REQUEST__BODY_REPLAY, "stream.replay", KP_ROUTE_NO_ACTOR, NULL, stream_replay },
    { 0 }
};

static const kp_stmt_t *const s_statements [] = { stream_statements, NULL };

KP_SERVICE_CONTEXT (stream_relay_t, stream_relay_new, stream_relay_destroy)

const kp_service_def_t stream_service = {
    .service = KP_SERVICE_STREAM,
    .routes = s_routes,
    .statements = s_statements,
    .context_new = s_context_new,
    .context_destroy = s_context_destroy
};
