/*  kp_db_watch — a zloop poller on a kp_db connection's socket, moved
    when kp_db reconnects (a new socket) and ended while it is away: how a
    LISTENing connection (the stream relay, each consumer) hears NOTIFY
    on its loop. */
#ifndef KP_DB_WATCH_H
#define KP_DB_WATCH_H

#include "kp_db.h"

#include <czmq.h>

//  *fd is the socket the loop watches now (-1: none; start with -1).
//  Calls fn when it is readable. Cheap when nothing changed.
void kp_db_watch (kp_db_t *db, zloop_t *loop, int *fd, zloop_fn *fn, void *arg);
//  Ends the poller on *fd, if any.
void kp_db_unwatch (zloop_t *loop, int *fd);

#endif
