/*  kp_consumer — how a service consumes the stream: replay from its stored
    cursor, then follow live. Each event is handled in a transaction
    together with the cursor move; while catching up (further behind than
    KUMPPANI_CONSUMER_BATCH_LAG) up to 50 share one, one at a time again
    after a failure. So a crash replays at most the events in hand, and
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

typedef struct _kp_consumer_t kp_consumer_t;

//  Runs inside the consumer's transaction. Returns 0 when handled, -1 on a
//  failure worth retrying (database), -2 for poison: error explains why.
typedef int (kp_consumer_fn) (kp_db_t *db, const Kumppani__V1__Event *event, void *arg,
                              char *error, size_t error_size);

//  name: the cursor's name (unique per consumer); prefixes: NULL-terminated
//  topic prefixes; client_cert: the certificate it reads the stream with.
//  The consumer adds its SUB socket and a timer to loop.
kp_consumer_t *kp_consumer_new (zloop_t *loop, kp_db_t *db, const kp_config_t *config,
                                const char *name, const char *const *prefixes,
                                const char *client_cert, kp_consumer_fn *handler, void *arg);
void kp_consumer_destroy (kp_consumer_t **self_p);
//  Catches up now (also runs on live events and on the timer).
void kp_consumer_poll (kp_consumer_t *self);
uint64_t kp_consumer_cursor (kp_consumer_t *self);
//  Reports lag (head - cursor) and parked events to a service's metrics.
void kp_consumer_set_metrics (kp_consumer_t *self, kp_metrics_t *metrics);
int64_t kp_consumer_parked (kp_consumer_t *self);

extern const kp_stmt_t kp_consumer_statements [];

#endif
