/*  kp_db_watch — see kp_db_watch.h. */
#include "kp_db_watch.h"

void
kp_db_unwatch (zloop_t *loop, int *fd)
{
    if (*fd >= 0) {
        zmq_pollitem_t old = { NULL, *fd, ZMQ_POLLIN, 0 };
        zloop_poller_end (loop, &old);
    }
    *fd = -1;
}

void
kp_db_watch (kp_db_t *db, zloop_t *loop, int *fd, zloop_fn *fn, void *arg)
{
    PGconn *conn = kp_db_conn (db);
    int now = conn ? PQsocket (conn) : -1;
    if (now == *fd)
        return;
    kp_db_unwatch (loop, fd);
    if (now >= 0) {
        zmq_pollitem_t item = { NULL, now, ZMQ_POLLIN, 0 };
        zloop_poller (loop, &item, fn, arg);
        zloop_poller_set_tolerant (loop, &item);
        *fd = now;
    }
}
