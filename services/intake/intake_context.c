/*  intake_context — what the intake process holds besides its server: the
    henkilötunnus keys, the consumer that turns referrals into cases, and
    the review-reminder timer. Made after the server, destroyed before it. */
#include "intake_caseload.h"
#include "intake_consumer.h"
#include "intake_context.h"
#include "intake_referrals_batch.h"
#include "intake_reminder.h"
#include "kp_alloc.h"
#include "kp_config.h"
#include "kp_consumer.h"
#include "kp_db.h"
#include "kp_hetu.h"
#include "kp_log.h"
#include "kp_server.h"

#include <assert.h>
#include <stdlib.h>

static void
s_health (void *service, Kumppani__V1__HealthReply *health)
{
    intake_t *self = service;
    if (self && self->referrals)
        health->parked_events = kp_consumer_parked (self->referrals)
                              + (self->placements ? kp_consumer_parked (self->placements) : 0);
}

intake_t *
intake_new (kp_server_t *server, const kp_config_t *config)
{
    intake_t *self = kp_calloc (1, sizeof (intake_t));
    if (!self)
        return NULL;
    self->config = config;
    intake_clock_configure (config);
    self->server = server;
    self->db = kp_server_db (server);
    self->loop = kp_server_loop (server);
    self->keys = config->hetu_key_file ? kp_hetu_keys_load (config->hetu_key_file) : NULL;
    if (!self->keys) {
        kp_error ("cannot load henkilötunnus keys from %s",
                  config->hetu_key_file ? config->hetu_key_file : "(KUMPPANI_HETU_KEY_FILE unset)");
        goto failed;
    }
    const char *prefixes [] = { "referral.received", NULL };
    //  Its batch statement registered before the consumer clones the connection.
    bool registered = kp_db_register (self->db, intake_referrals_batch_statements) == 0;
    self->referrals = registered
                    ? kp_consumer_new_batched (self->loop, self->db, config, "intake.referrals", prefixes,
                                               intake_referrals_handle, intake_referrals_on_batch, self)
                    : NULL;
    const char *placement_topics [] = { "groups.agreement_recorded", "groups.placement_ended", NULL };
    self->placements = kp_consumer_new (self->loop, self->db, config, "intake.placements",
                                        placement_topics, intake_placements_handle, self);
    if (!self->referrals || !self->placements || intake_reminder_start (self))
        goto failed;
    kp_consumer_set_metrics (self->referrals, kp_server_metrics (server));
    kp_server_set_health_hook (server, s_health);
    //  Its requests carry a henkilötunnus: replies sealed, hashes keyed.
    kp_server_set_hetu_keys (server, self->keys);
    return self;

failed:
    intake_destroy (&self);
    return NULL;
}

void
intake_destroy (intake_t **self_p)
{
    assert (self_p);
    if (!*self_p)
        return;
    intake_t *self = *self_p;
    if (self->reminder_timer)
        zloop_timer_end (self->loop, self->reminder_timer);
    kp_consumer_destroy (&self->referrals);
    kp_consumer_destroy (&self->placements);
    kp_hetu_keys_destroy (&self->keys);
    free (self);
    *self_p = NULL;
}
