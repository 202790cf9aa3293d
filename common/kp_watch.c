/*  kp_watch — see kp_watch.h. */
#include "kp_watch.h"
#include "kp_log.h"

#include <czmq.h>

int
kp_watch_run (kp_db_t *db, const char *what, kp_db_txn_fn *step, void *arg, bool *idle, int max_rounds)
{
    int64_t until = zclock_mono () + KP_WATCH_BUDGET_MS;
    int done = 0;
    for (int round = 0; round < max_rounds; round++) {
        *idle = false;
        if (kp_db_transaction (db, step, arg, 3)) {
            kp_warn ("%s: %s", what, kp_db_message (db));
            return -1;
        }
        if (*idle)
            break;
        done++;
        if (zclock_mono () >= until)
            break;              //  the rest on the next tick
    }
    return done;
}
