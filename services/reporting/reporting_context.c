/*  reporting_context — what the reporting process runs besides requests:
    the stream consumer that keeps the rollups. Made after the server,
    destroyed before it. */
#include "reporting_context.h"
#include "reporting_fold.h"
#include "reporting_rollup.h"
#include "kp_alloc.h"
#include "kp_config.h"
#include "kp_consumer.h"
#include "kp_db.h"
#include "kp_log.h"
#include "kp_server.h"

#include <assert.h>
#include <stdlib.h>

struct _reporting_t {
    kp_consumer_t *rollups;         //  REPORTING_ROLLUP_CONSUMER on referral.* and groups.*
};

static const char *const s_topics [] = { "referral.", "groups.", NULL };

static void
s_health (void *service, Kumppani__V1__HealthReply *health)
{
    reporting_t *self = service;
    if (self && self->rollups)
        health->parked_events = kp_consumer_parked (self->rollups);
}

reporting_t *
reporting_new (kp_server_t *server, const kp_config_t *config)
{
    reporting_t *self = kp_calloc (1, sizeof (reporting_t));
    if (!self)
        return NULL;
    //  The set-based twins, registered before the consumer clones the connection.
    bool registered = kp_db_register (kp_server_db (server), reporting_fold_statements) == 0;
    self->rollups = registered
                  ? kp_consumer_new_batched (kp_server_loop (server), kp_server_db (server), config,
                                             REPORTING_ROLLUP_CONSUMER, s_topics,
                                             reporting_rollup_on_event, reporting_fold_on_batch, self)
                  : NULL;
    if (!self->rollups) {
        kp_error ("reporting cannot follow the events (its cursor, its statements)");
        reporting_destroy (&self);
        return NULL;
    }
    kp_consumer_set_metrics (self->rollups, kp_server_metrics (server));
    kp_server_set_health_hook (server, s_health);
    return self;
}

void
reporting_destroy (reporting_t **self_p)
{
    assert (self_p);
    if (!*self_p)
        return;
    reporting_t *self = *self_p;
    kp_consumer_destroy (&self->rollups);
    free (self);
    *self_p = NULL;
}
