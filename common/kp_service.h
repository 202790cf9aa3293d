/*  kp_service — the wiring every service's main() shares: flags, config,
    logging, server start, run until signalled, teardown in reverse. */
#ifndef KP_SERVICE_H
#define KP_SERVICE_H

#include "kp_server.h"

typedef struct {
    kp_service_t service;
    const kp_route_t *routes;
    const kp_stmt_t *const *statements;
    //  Optional: the service context, made after the server exists (it may
    //  add readers and timers to the server's loop) and destroyed before it.
    void *(*context_new) (kp_server_t *server, const kp_config_t *config);
    //  context_destroy takes the context back (each service's adapter gives
    //  it its type and calls the class's typed destroy).
    void (*context_destroy) (void *context);
} kp_service_def_t;

//  The two adapters between kp_service, which holds the context untyped,
//  and a service's context class (type *new_fn (server, config), void
//  destroy_fn (type **self_p)): s_context_new and s_context_destroy, for
//  the service's kp_service_def_t. Written once here, used once per service.
#define KP_SERVICE_CONTEXT(type, new_fn, destroy_fn)                            \
    static void *                                                               \
    s_context_new (kp_server_t *server, const kp_config_t *config)              \
    {                                                                           \
        return new_fn (server, config);                                         \
    }                                                                           \
    static void                                                                 \
    s_context_destroy (void *context)                                           \
    {                                                                           \
        type *self = context;                                                   \
        destroy_fn (&self);                                                     \
    }

//  Returns the process exit status.
int kp_service_main (int argc, char **argv, const kp_service_def_t *def);

#endif
