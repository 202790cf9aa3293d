/*  kp_worker — the thread is a zactor: its pipe is the only thing the two
    threads share. The job's memory is handed over when the actor starts
    and handed back by the "done" message; neither side touches it while
    the other owns it, so no lock is needed. */
#include "kp_worker.h"
#include "kp_alloc.h"
#include "kp_log.h"

#include <assert.h>
#include <stdlib.h>

struct _kp_worker_t {
    zactor_t *actor;
    kp_db_t *db;                    //  the worker thread's from start to end
    kp_worker_fn *fn;
    void *arg;
    bool finished;                  //  "done" has been read
};

static void
s_actor (zsock_t *pipe, void *args)
{
    kp_worker_t *self = args;
    zsock_signal (pipe, 0);
    self->fn (self->db, self->arg);
    kp_db_destroy (&self->db);
    zstr_send (pipe, "done");
    //  Stay until zactor_destroy says $TERM, as every actor must.
    char *command;
    while ((command = zstr_recv (pipe))) {
        bool term = streq (command, "$TERM");
        free (command);
        if (term)
            break;
    }
}

kp_worker_t *
kp_worker_new (kp_db_t **db_p, kp_worker_fn *fn, void *arg)
{
    kp_worker_t *self = kp_calloc (1, sizeof (kp_worker_t));
    if (!self) {
        kp_db_destroy (db_p);
        return NULL;
    }
    self->db = *db_p;
    *db_p = NULL;
    self->fn = fn;
    self->arg = arg;
    self->actor = zactor_new (s_actor, self);
    if (!self->actor) {
        kp_db_destroy (&self->db);
        free (self);
        return NULL;
    }
    return self;
}

zsock_t *
kp_worker_sock (kp_worker_t *self)
{
    return zactor_sock (self->actor);
}

void
kp_worker_destroy (kp_worker_t **self_p)
{
    assert (self_p);
    if (!*self_p)
        return;
    kp_worker_t *self = *self_p;
    //  Blocks until fn returns: a job is never abandoned half-way with
    //  its memory still in use.
    while (!self->finished) {
        char *done = zstr_recv (self->actor);
        self->finished = done != NULL;
        free (done);
        if (!done && !zsys_interrupted)
            break;                  //  the actor is gone; nothing to wait for
    }
    zactor_destroy (&self->actor);
    free (self);
    *self_p = NULL;
}
