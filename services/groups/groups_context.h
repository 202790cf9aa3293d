/*  groups_context — the groups service's context (groups_context.c):
    the connection and loop the evaluation reminder timer runs on. */
#ifndef GROUPS_CONTEXT_H
#define GROUPS_CONTEXT_H

#include "kp_config.h"
#include "kp_db.h"
#include "kp_server.h"

#include <czmq.h>

//  The service context (call->service): the evaluation reminder timer.
typedef struct {
    kp_db_t *db;
    zloop_t *loop;
    int reminder_timer;
} groups_context_t;

groups_context_t *groups_context_new (kp_server_t *server, const kp_config_t *config);
void groups_context_destroy (groups_context_t **self_p);

#endif
