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

//  Where a group commit takes writes that arrived while its handlers ran:
//  puts up to max more calls in calls [] and says how many (0: none).
typedef size_t (kp_txn_more_fn) (void *arg, kp_call_t **calls, size_t max);
//  The same, but once the handlers of the calls in hand have run, the
//  batch asks more () for writes that came meanwhile (up to max calls in
//  all) and runs them in the same transaction, before one COMMIT: under
//  load the clients answered by the last commit join this one instead of
//  waiting for a commit of their own. *count grows by what was added.
void kp_txn_run_batch (kp_call_t **calls, size_t *count, size_t max, kp_txn_more_fn *more, void *arg);

//  How a handler fails: it says why itself (kp_call_fail: INVALID,
//  CONFLICT, …; kp_call_db_fail after a failed statement). One that returns
//  -1 with the reply still OK is taken at its word only as far as the
//  connection shows: if a statement of its own failed, that is a database
//  error with its SQLSTATE (db.error); else it failed without saying why,
//  INTERNAL internal.unreported, logged at ERROR and counted apart.

//  The failure tests' seam. A test build of a service links a definition
//  (tests/fault/kp_txn_fault.c, into build/tests/bin/ only); a service
//  binary has none, so the weak reference is NULL and no fault code is in
//  it. It returns KP_TXN_NO_FAULT to let the handler run, else what the
//  handler would have returned.
#define KP_TXN_NO_FAULT 1
int kp_txn_fault (kp_call_t *call) __attribute__ ((weak));

#endif
