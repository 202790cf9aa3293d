/*  kp_watch — a watch's work on the service's loop (deadline warnings and
    breaches, statement requests, reminders), in slices. A step handles
    one due item in a transaction of its own; the watch runs steps until
    nothing is due, a round limit, or a time budget is spent, and leaves
    the rest to its next tick. A backlog (a breach storm after a holiday or
    a long outage) is then worked through between requests instead of
    holding them back for seconds: the loop serves its sockets between
    two ticks. */
#ifndef KP_WATCH_H
#define KP_WATCH_H

#include "kp_db.h"

#include <stdbool.h>

//  The time one tick may spend before it yields to the loop.
#define KP_WATCH_BUDGET_MS 50

//  Runs step (a kp_db_transaction function) in transactions of its own
//  until it sets *idle (reset before each), max_rounds have run or
//  KP_WATCH_BUDGET_MS have passed. Returns how many rounds did work, or
//  -1 when one failed: logged as a warning naming what.
int kp_watch_run (kp_db_t *db, const char *what, kp_db_txn_fn *step, void *arg, bool *idle, int max_rounds);

#endif
