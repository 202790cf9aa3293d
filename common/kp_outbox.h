/*  kp_outbox — appends an event in the caller's transaction. The seq is
    assigned in commit order under the event counter's lock (migration
    0002). Inside a transaction begun with kp_db_begin the event is kept
    in C and written by kp_db_commit with the transaction's others
    (kp_batch, migration 0031), so the lock is held only from there to
    COMMIT and a handler may append at any point; outside one it is
    written at once through kp.append_event. */
#ifndef KP_OUTBOX_H
#define KP_OUTBOX_H

#include "kp_db.h"
#include "kumppani/v1/envelope.pb-c.h"

#include <stdint.h>

//  Who may see the event on the stream; NULL fields are not scoped.
typedef struct {
    const char *municipality;
    const char *sender_org;
    const char *recipient_org;
} kp_event_scope_t;

extern const kp_stmt_t kp_outbox_statements [];

//  event carries topic, aggregate_id and payload; occurred_at is set to
//  now by the connection's clock when 0 (kp_db_set_clock), and imported
//  from that clock. Returns the assigned seq when written at once, 0 when
//  kept for COMMIT, or -1 on a database error (or out of memory).
int64_t kp_outbox_append (kp_db_t *db, Kumppani__V1__Event *event, const kp_event_scope_t *scope);
//  Appends count events (scopes [i] for events [i]) in one round trip, in
//  order. 0, or -1 on a database error (or out of memory), with none kept
//  once the transaction is rolled back.
int kp_outbox_append_many (kp_db_t *db, Kumppani__V1__Event *const *events,
                           const kp_event_scope_t *scopes, size_t count);
//  The bytes kp_outbox_append stores for event (occurred_at set to now
//  when 0, seq cleared), for a service that appends in a statement of its
//  own through kp.append_event; malloc'd, NULL on failure.
uint8_t *kp_outbox_pack (Kumppani__V1__Event *event, size_t *size);
//  Microseconds since the epoch, UTC, by the process clock (kp_clock).
int64_t kp_now_us (void);

#endif
