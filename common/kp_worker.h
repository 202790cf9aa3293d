/*  kp_worker — one long job off the request loop: a thread (a zactor)
    runs a function with a database connection of its own and says when it
    is done. The loop reads the worker's socket like any other reader. */
#ifndef KP_WORKER_H
#define KP_WORKER_H

#include "kp_db.h"

#include <czmq.h>

typedef struct _kp_worker_t kp_worker_t;

//  Runs on the worker's thread; db is its own connection, not shared.
typedef void (kp_worker_fn) (kp_db_t *db, void *arg);

//  Starts fn (db, arg) on a new thread. Takes db (from kp_db_clone, not
//  yet connected): it is connected, used and destroyed on that thread
//  only. Until the worker is done, arg belongs to fn: the caller must not
//  touch it. NULL if the thread cannot start (db is destroyed then).
kp_worker_t *kp_worker_new (kp_db_t **db_p, kp_worker_fn *fn, void *arg);
//  Readable once fn has returned; arg is the caller's again.
zsock_t *kp_worker_sock (kp_worker_t *self);
//  Waits until fn has returned (at once when the socket was readable)
//  and ends the thread.
void kp_worker_destroy (kp_worker_t **self_p);

#endif
