/*  reporting_fold — the rollup consumer's set-based path: a batch's
    referral.* events folded with one statement per rollup statement and
    round instead of one per event. Round r holds the r-th event of each
    referral in the batch, and rounds run in order, so every referral's
    events apply in seq order while no statement touches a row twice. */
#ifndef REPORTING_FOLD_H
#define REPORTING_FOLD_H

#include "kp_db.h"
#include "kumppani/v1/envelope.pb-c.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct _reporting_fold_t reporting_fold_t;

//  The set-based twins of the referral rollup statements (reporting_fold.c).
extern const kp_stmt_t reporting_fold_statements [];

//  A collector for copy ('live' or 'rebuilt').
reporting_fold_t *reporting_fold_new (const char *copy);
void reporting_fold_destroy (reporting_fold_t **self_p);
//  Starts the next event of key: the rows added until the next begin go
//  into the round after the key's last.
void reporting_fold_begin (reporting_fold_t *self, const char *key);
//  Adds one row of statement (one of reporting_rollup_statements'
//  referral ones; values [0] is the copy): 0, or -1 for a statement
//  without a set-based twin.
int reporting_fold_add (reporting_fold_t *self, const char *statement, int nparams,
                        const char *const *values);
//  Runs everything collected, round after round, in one pipeline. 0 or -1.
int reporting_fold_flush (reporting_fold_t *self, kp_db_t *db);

//  reporting_rollup.c: collects a referral.* event's rows into fold the
//  way reporting_rollup_fold would write them: 0 when collected (or
//  nothing to count), -2 when the event is poison (nothing collected),
//  -1 when a row has no set-based statement.
int reporting_rollup_collect (reporting_fold_t *fold, const Kumppani__V1__Event *event);

//  The consumer's batch function (kp_consumer_batch_fn): claims the
//  referral.* events that are not poison and every event no rollup
//  counts; leaves groups.* and poison to the handler.
int reporting_fold_on_batch (kp_db_t *db, Kumppani__V1__Event *const *events, size_t count,
                             bool *done, void *arg);

#endif
