/*  kp_txn — how kp_server runs calls against the database. Reads run one
    transaction each. Writes that arrived together run as one group commit:
    one transaction, each call behind its own savepoint with its
    idempotency lookup, handler and stored reply, one COMMIT, and only then
    are any of them answered. One fsync serves the whole batch. */
#ifndef KP_TXN_H
#define KP_TXN_H

#include "kp_server.h"

//  Runs call->route's handler in a transaction of its own.
void kp_txn_run_read (kp_call_t *call);
//  Runs the mutating calls as one group commit. Each call ends with either
//  call->packed (reply bytes: fresh or the stored reply of a retried key)
//  or a failed call->reply. All calls share call[0]->db.
void kp_txn_run_writes (kp_call_t **calls, size_t count);

#endif
