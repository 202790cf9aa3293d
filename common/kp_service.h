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
    void (*context_destroy) (void **context_p);
} kp_service_def_t;

//  Returns the process exit status.
int kp_service_main (int argc, char **argv, const kp_service_def_t *def);

#endif
