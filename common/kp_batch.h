/*  kp_batch — a transaction's audit rows and events, kept in C while its
    handlers run and written by kp_db_commit just before COMMIT: one
    statement for all audit rows (hashes computed here, kp_audit_canon)
    and one for all events (seqs assigned in the database). So the audit
    head and the event counter, which every writer in the system shares,
    are locked only from the end of the batch to its COMMIT, not from a
    handler's first append (migration 0031). kp_audit_append and
    kp_outbox_append put rows here inside a transaction (kp_db_begin);
    outside one they write at once, as before. */
#ifndef KP_BATCH_H
#define KP_BATCH_H

#include "kp_audit.h"
#include "kp_outbox.h"

#include <stddef.h>
#include <stdint.h>

typedef struct _kp_batch_t kp_batch_t;

//  Where a batch stood, for a savepoint: rows kept after it are dropped
//  by a ROLLBACK TO it (kp_batch_rewind).
typedef struct {
    size_t audits;
    size_t events;
} kp_batch_mark_t;

extern const kp_stmt_t kp_batch_statements [];

//  Keeps a copy of entry (or of the event's packed bytes) in db's open
//  transaction; 0, or -1 with an error recorded on db. What the database
//  would refuse at COMMIT is refused here, at the call that made it, so
//  one handler's mistake never fails the batch it shares: an action or
//  topic not of the connection's own service (42501, as the functions
//  say), text that is not UTF-8 (22021).
int kp_batch_audit (kp_db_t *db, const kp_audit_entry_t *entry);
int kp_batch_event (kp_db_t *db, const Kumppani__V1__Event *event, const kp_event_scope_t *scope,
                    const uint8_t *payload, size_t size);
kp_batch_mark_t kp_batch_mark (kp_batch_t *self);
void kp_batch_rewind (kp_batch_t *self, kp_batch_mark_t mark);
//  True if nothing is kept.
bool kp_batch_empty (kp_batch_t *self);

//  For kp_db: the batch's life follows the transaction's.
kp_batch_t *kp_batch_new (void);
void kp_batch_destroy (kp_batch_t **self_p);
void kp_batch_clear (kp_batch_t *self);
//  Writes everything kept and COMMITs, and clears it: the audit head is
//  locked and read (one round trip, when there are audit rows), then the
//  audit rows, the events and the COMMIT go in one pipeline. 0, or -1 on
//  a database error (recorded on db; the caller rolls back).
int kp_batch_commit (kp_batch_t *self, kp_db_t *db);
//  The same with steps of the caller's first (results discarded): in the
//  head's round trip, before its lock, or, without audit rows, in the
//  COMMIT's (kp_db_commit_with).
int kp_batch_commit_with (kp_batch_t *self, kp_db_t *db, const kp_db_step_t *first, int count);

#endif
