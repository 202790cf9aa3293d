/*  harness_consumer — the fixture of the suites that run a kp_consumer in
    the test's own process (test_consumer, test_consumer_batch): events
    for it to handle, the consumer as a service would run it, and the
    effects its handler leaves, one row per handled event in an effects
    table (consumer, seq, txid, …) written in the handler's transaction. */
#ifndef KPT_HARNESS_CONSUMER_H
#define KPT_HARNESS_CONSUMER_H

#include "kp_config.h"
#include "kp_consumer.h"
#include "kp_db.h"

//  A consumer running against the harness's stream, as reporting.
typedef struct {
    kp_db_t *db;
    kp_config_t *config;
    kp_consumer_t *consumer;
} kpt_consumer_run_t;

//  Runs sql (with one parameter, or none) as the administrator; the test
//  fails if it does not succeed.
void kpt_consumer_admin (const char *sql, const char *param);
//  The stream's head: the last seq given.
long long kpt_consumer_head (void);
//  Creates the effects table (columns: its column list, starting with
//  consumer text, seq int8, txid int8) if it is not there, writable by
//  reporting.
void kpt_consumer_effects_table (const char *table, const char *columns);
//  Consumer name's cursor at the head, then count events on topic
//  (aggregates "e0", "e1", …) in one transaction, so they are contiguous.
void kpt_consumer_events (const char *name, const char *topic, int count);
//  Starts consumer name on topic with its own connection (statements
//  registered), batching at lags from batch_lag on ("0": always), with
//  handler and, if not NULL, batch, both given arg.
void kpt_consumer_start (kpt_consumer_run_t *run, const kp_stmt_t *statements, const char *name,
                         const char *topic, const char *batch_lag, kp_consumer_fn *handler,
                         kp_consumer_batch_fn *batch, void *arg);
void kpt_consumer_stop (kpt_consumer_run_t *run);
//  The effects consumer name has left in table.
long long kpt_consumer_effects (const char *table, const char *name);
//  Polls (each poll is a whole catch-up, answered when done) until the
//  effects reach want; bounded, and the test fails if they do not.
void kpt_consumer_poll_until (kpt_consumer_run_t *run, const char *table, const char *name, long long want);
//  No event handled twice, none left out: count effects, count seqs.
void kpt_consumer_assert_once_each (const char *table, const char *name, long long count);

#endif
