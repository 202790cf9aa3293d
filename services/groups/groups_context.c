/*  groups_context — what the groups service runs besides requests: the
    evaluation reminder timer on the server's loop. */
#include "groups_context.h"
#include "groups_reminder.h"
#include "kp_alloc.h"
#include "kp_config.h"
#include "kp_server.h"

#include <assert.h>
#include <stdlib.h>

static int
s_on_timer (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    groups_context_t *self = arg;
    groups_reminder_tick (self->db);
    return 0;
}

groups_context_t *
groups_context_new (kp_server_t *server, const kp_config_t *config)
{
    groups_context_t *self = kp_calloc (1, sizeof (groups_context_t));
    if (!self)
        return NULL;
    self->db = kp_server_db (server);
    self->loop = kp_server_loop (server);
    self->reminder_timer = zloop_timer (self->loop, (size_t) config->poll_interval_ms, 0, s_on_timer, self);
    return self;
}

void
groups_context_destroy (groups_context_t **self_p)
{
    assert (self_p);
    if (!*self_p)
        return;
    groups_context_t *self = *self_p;
    if (self->reminder_timer)
        zloop_timer_end (self->loop, self->reminder_timer);
    free (self);
    *self_p = NULL;
}
