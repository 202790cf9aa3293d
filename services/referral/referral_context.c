/*  referral_context — what the referral service runs besides requests:
    the henkilötunnus keys, the consumer of intake's events (the closed
    loop) and the deadline watch on the server's loop. */
#include "referral_clock.h"
#include "referral_context.h"
#include "referral_intake.h"
#include "kp_alloc.h"
#include "kp_config.h"
#include "kp_consumer.h"
#include "kp_hetu.h"
#include "kp_log.h"
#include "kp_server.h"

#include <assert.h>
#include <stdlib.h>

static const char *const s_intake_topics [] = {
    "intake.assessment_started", "intake.consent_withdrawn", "intake.disclosure_banned", NULL
};

static int
s_on_clock (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    referral_context_t *self = arg;
    referral_clock_tick (self->db);
    return 0;
}

static void
s_health (void *service, Kumppani__V1__HealthReply *health)
{
    referral_context_t *self = service;
    if (self && self->consumer)
        health->parked_events = kp_consumer_parked (self->consumer);
}

referral_context_t *
referral_context_new (kp_server_t *server, const kp_config_t *config)
{
    referral_context_t *self = kp_calloc (1, sizeof (referral_context_t));
    if (!self)
        return NULL;
    self->db = kp_server_db (server);
    self->loop = kp_server_loop (server);
    self->keys = kp_hetu_keys_load (config->hetu_key_file);
    if (!self->keys) {
        kp_error ("cannot load the henkilötunnus keys from %s", config->hetu_key_file);
        goto failed;
    }
    self->consumer = kp_consumer_new (self->loop, self->db, config, "referral.assessments",
                                      s_intake_topics, referral_intake_on_event, self);
    if (!self->consumer)
        goto failed;
    kp_consumer_set_metrics (self->consumer, kp_server_metrics (server));
    self->clock_timer = zloop_timer (self->loop, (size_t) config->poll_interval_ms, 0, s_on_clock, self);
    kp_server_set_health_hook (server, s_health);
    //  Its replies carry (or are about) a henkilötunnus: stored sealed.
    kp_server_set_hetu_keys (server, self->keys);
    return self;

failed:
    referral_context_destroy (&self);
    return NULL;
}

void
referral_context_destroy (referral_context_t **self_p)
{
    assert (self_p);
    if (!*self_p)
        return;
    referral_context_t *self = *self_p;
    if (self->clock_timer)
        zloop_timer_end (self->loop, self->clock_timer);
    kp_consumer_destroy (&self->consumer);
    kp_hetu_keys_destroy (&self->keys);
    free (self);
    *self_p = NULL;
}
