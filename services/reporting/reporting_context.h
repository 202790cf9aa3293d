/*  reporting_context — the reporting service's context
    (reporting_context.c): the process's own parts, the rollup consumer. */
#ifndef REPORTING_CONTEXT_H
#define REPORTING_CONTEXT_H

#include "kp_config.h"
#include "kp_server.h"

//  reporting_context: the process's own parts (the rollup consumer).
typedef struct _reporting_t reporting_t;
reporting_t *reporting_new (kp_server_t *server, const kp_config_t *config);
void reporting_destroy (reporting_t **self_p);

#endif
