/*  referral_context — the referral service's context
    (referral_context.c): the henkilötunnus keys, the consumer of intake's
    events and the deadline timer. */
#ifndef REFERRAL_CONTEXT_H
#define REFERRAL_CONTEXT_H

#include "kp_config.h"
#include "kp_consumer.h"
#include "kp_db.h"
#include "kp_hetu.h"
#include "kp_server.h"

#include <czmq.h>

//  The service context (call->service): keys for the henkilötunnus, the
//  consumer of intake's events and the deadline timer.
typedef struct {
    kp_db_t *db;
    zloop_t *loop;
    kp_hetu_keys_t *keys;
    kp_consumer_t *consumer;
    int clock_timer;
} referral_context_t;

referral_context_t *referral_context_new (kp_server_t *server, const kp_config_t *config);
void referral_context_destroy (referral_context_t **self_p);

#endif
