/*  kp_consumer — how a service consumes the stream: read kp.events from
    its stored cursor, woken by PostgreSQL's notification of every COMMIT
    with events (LISTEN kp_events), or by its timer. Each event is handled in a transaction
    together with the cursor move; up to 500 share one (when further
    behind than KUMPPANI_CONSUMER_BATCH_LAG, default 0; a page of 1000
    with a batch function), and after a failure the events before the
    failing one commit as a batch, the failing one goes alone (retried,
    parked) and batching resumes after it. So a crash replays at most the events in hand, and
    handlers must be idempotent and touch nothing but the database (a
    batch that fails is rolled back and run again). An event that fails
    KP_CONSUMER_TRIES times, or that the handler calls poison, is parked
    with its error and counted in health; the consumer moves on. */
#ifndef KP_CONSUMER_H
#define KP_CONSUMER_H

#include "kp_config.h"
#include "kp_db.h"
#include "kp_metrics.h"
#include "kumppani/v1/envelope.pb-c.h"

#include <czmq.h>
#include <stdint.h>

#define KP_CONSUMER_TRIES 3
//  The most events read from kp.events at once (the stream's REPLAY_PAGE_MAX).
#define KP_CONSUMER_PAGE 1000
//  While commits keep coming, a consumer reads kp.events at most once
//  this often: a notification within this long of the last catch-up
//  waits for the rest of it, so a page holds every commit of the while,
//  not one or two (at 1,900 notices/s each consumer read a page per two
//  notices, mostly to find nothing of its own, and handled its events in
//  small batches). The first commit after a quiet while is read at once.
//  Measured (bench_submit 8 20, CPU per notice, all processes): 0 ms
//  700 µs, 5 ms 559, 10 ms 510, 25 ms 471; the lag it adds is at most
//  this per consumer, far inside the stream's and the deadlines' needs.
#define KP_CONSUMER_GATHER_MS 20

typedef struct _kp_consumer_t kp_consumer_t;

//  Runs inside the consumer's transaction, on the consumer's thread (db
//  is its own connection): arg is shared with the service's thread, so a
//  handler reads from it only what is safe there. Returns 0 when handled,
//  -1 on a failure worth retrying (database), -2 for poison: error says why.
typedef int (kp_consumer_fn) (kp_db_t *db, const Kumppani__V1__Event *event, void *arg,
                              char *error, size_t error_size);

//  Optional, for set-based folds (one statement per batch and table
//  instead of one per event): runs first, in a batch's transaction, over
//  its events [0, count) in seq order, and sets done [i] for each event
//  it has handled entirely; the handler then runs for the others, in seq
//  order, in the same transaction. Returns 0, or -1 when a statement
//  failed (the batch rolls back and goes one event at a time through the
//  handler alone, which retries and parks precisely). It never decides
//  that an event is poison: it leaves such an event to the handler, and
//  it must claim only events whose effects do not depend on those it
//  leaves. Not called for imported events (they run on their own clock).
typedef int (kp_consumer_batch_fn) (kp_db_t *db, Kumppani__V1__Event *const *events, size_t count,
                                    bool *done, void *arg);

//  name: the cursor's name (unique per consumer); prefixes: NULL-terminated
//  topic prefixes.
//  The cursor row is made on db, now; then the consumer runs as an actor
//  with a clone of db (registered statements included) that LISTENs,
//  and adds only a reader of its reports to loop (may be NULL:
//  then the reports are read by kp_consumer_poll).
kp_consumer_t *kp_consumer_new (zloop_t *loop, kp_db_t *db, const kp_config_t *config,
                                const char *name, const char *const *prefixes,
                                kp_consumer_fn *handler, void *arg);
//  The same with a batch function: it then handles up to a whole page
//  (KP_CONSUMER_PAGE events) per transaction.
kp_consumer_t *kp_consumer_new_batched (zloop_t *loop, kp_db_t *db, const kp_config_t *config,
                                        const char *name, const char *const *prefixes,
                                        kp_consumer_fn *handler,
                                        kp_consumer_batch_fn *batch, void *arg);
void kp_consumer_destroy (kp_consumer_t **self_p);
//  Has the actor catch up now and waits until it has (it also catches
//  up when a COMMIT with events is notified, and on its timer). For
//  tests and tools.
void kp_consumer_poll (kp_consumer_t *self);
//  The cursor and parked events as the actor last reported them.
uint64_t kp_consumer_cursor (kp_consumer_t *self);
//  Reports lag (head - cursor) and parked events to a service's metrics.
void kp_consumer_set_metrics (kp_consumer_t *self, kp_metrics_t *metrics);
int64_t kp_consumer_parked (kp_consumer_t *self);

extern const kp_stmt_t kp_consumer_statements [];

#endif
