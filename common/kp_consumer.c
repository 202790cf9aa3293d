/*  kp_consumer — every event is read from kp.events directly, on the
    consumer's own connection, in seq order from the stored cursor (until
    issue 23 through the stream's replay socket: a CURVE round trip, the
    stream's own query and a copy per page, which bounded catch-up). The
    wake-up is PostgreSQL's own: the connection LISTENs on kp_events,
    which kp.append_events notifies at every COMMIT with events (until
    issue 23 the stream relay copied every matching event to every
    consumer over CURVE only to wake it: a tenth of the system's CPU per
    notice). That keeps one code path for catch-up and live, makes
    filtered reading gap-proof (a seq jump may just be other topics), and
    leaves nothing to reconcile after a restart; a consumer needs no
    stream at all, and its timer catches up should a wake-up be missed.
    All of it runs in a zactor with a connection of its own: the
    service's loop only reads the actor's reports (cursor, head, parked)
    for health and metrics, so a long catch-up never holds up a request. */
#include "kp_consumer.h"
#include "kp_alloc.h"
#include "kp_codec.h"
#include "kp_db_watch.h"
#include "kp_clock.h"
#include "kp_log.h"
#include "kp_metrics.h"
#include "kp_row.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

//  Events handled in one transaction when none of them fails: one commit
//  (one WAL flush) for the lot instead of one each. Until migration 0031
//  a batch held the audit head and the event counter from its first
//  handler to its COMMIT, stalling every service writing beside it, so it
//  batched only far behind; now its audit rows and events are written at
//  its end (kp_batch) and it batches at any lag over
//  KUMPPANI_CONSUMER_BATCH_LAG (default 0). Measured in make bench: see
//  the README's Benchmarks.
#define KP_CONSUMER_BATCH 500
//  While its database does not answer a page, the consumer backs off
//  (doubling up to this) instead of asking on every tick.
#define KP_CONSUMER_BACKOFF_MAX_MS 30000
#define KP_CONSUMER_MAX_PREFIXES 8
//  How late the stored cursor may be over events that were not this
//  consumer's (other topics): stored on the first poll or wake-up this
//  long after the last move (KUMPPANI_POLL_MS later at most). Storing it
//  at every wake-up was a transaction with a WAL flush per COMMIT
//  anywhere, per consumer: half a transaction per notice in all. Being
//  behind there costs nothing but a re-read of events it skips anyway
//  (handling is guarded by the stored cursor under its row lock), so it
//  is stored at most this often, and at once on POLL and when the
//  consumer stops.
#define KP_CONSUMER_STORE_MS 1000

//  Every statement here that returns rows returns one value (s_scalar).
static const kp_col_t s_seq_row [] = { { "last_seq", "int8" }, { NULL } };
static const kp_col_t s_count_row [] = { { "count", "int8" }, { NULL } };
#define KP_CONSUMER_PAGE_ROW(C) \
    C (PAGE_SEQ, "seq", "int8") \
    C (PAGE_PAYLOAD, "payload", "bytea") \
    C (PAGE_HEAD, "head", "int8")
enum { KP_CONSUMER_PAGE_ROW (KP_ROW_INDEX) };
static const kp_col_t s_page_row [] = { KP_CONSUMER_PAGE_ROW (KP_ROW_COLUMN) { NULL } };

const kp_stmt_t kp_consumer_statements [] = {
    { "kp_consumer_init",
      "INSERT INTO kp.consumer_cursors (consumer) VALUES ($1::text) ON CONFLICT (consumer) DO NOTHING" },
    //  NOWAIT: whoever holds the cursor (another instance of this
    //  consumer, a rollup rebuild) may have it for a while; the consumer
    //  steps back and tries on its next poll (s_not_the_event) instead of
    //  sitting in a lock wait that a $TERM would have to wait for.
    { "kp_consumer_lock",
      "SELECT last_seq FROM kp.consumer_cursors WHERE consumer = $1::text FOR UPDATE NOWAIT", s_seq_row },
    { "kp_consumer_cursor", "SELECT last_seq FROM kp.consumer_cursors WHERE consumer = $1::text",
      s_seq_row },
    { "kp_consumer_move",
      "UPDATE kp.consumer_cursors SET last_seq = $2::int8, updated_at = now()"
      " WHERE consumer = $1::text AND last_seq < $2::int8" },
    { "kp_consumer_park",
      "INSERT INTO kp.parked_events (consumer, seq, topic, error) VALUES ($1::text, $2::int8, $3::text, $4::text)"
      " ON CONFLICT DO NOTHING" },
    { "kp_consumer_parked", "SELECT count(*) FROM kp.parked_events WHERE consumer = $1::text",
      s_count_row },
    //  A page of the events after $1 whose topic starts with one of $2
    //  (none: all), up to $3 of them and up to the head, which every row
    //  carries (one row with a NULL seq when there is no event).
    { "kp_consumer_page",
      "SELECT e.seq, e.payload, h.last_seq AS head FROM kp.event_counter h"
      " LEFT JOIN LATERAL (SELECT seq, payload FROM kp.events"
      "   WHERE seq > $1::int8 AND seq <= h.last_seq"
      "   AND (cardinality ($2::text[]) = 0"
      "        OR EXISTS (SELECT 1 FROM unnest ($2::text[]) prefix WHERE starts_with (topic, prefix)))"
      "   ORDER BY seq LIMIT $3::int4) e ON true"
      " WHERE h.id = 1 ORDER BY e.seq", s_page_row },
    { NULL }
};

//  The actor's side: everything the consumer does happens on its thread,
//  with its own database connection and sockets. Handed over when the
//  actor starts, back when it has ended; never touched by both at once.
typedef struct {
    char *name;
    kp_db_t *db;                    //  a clone of the service's, connected on first use
    zloop_t *loop;
    zsock_t *pipe;                  //  to the service's loop
    int fd;                         //  the connection's socket as the loop watches it, or -1
    kp_consumer_fn *handler;
    kp_consumer_batch_fn *batch;    //  NULL: the handler alone
    void *arg;
    char *prefixes [KP_CONSUMER_MAX_PREFIXES];
    size_t prefix_count;
    uint64_t cursor;                //  read up to here (the stored one may be behind)
    uint64_t stored;                //  what the cursor row holds, as far as we know
    int64_t stored_at;              //  zclock_mono when we last moved it
    uint64_t head;                  //  the stream's head as of the last page
    uint64_t failing_seq;           //  the event that failed last, and how often
    int failures;
    int64_t parked;
    int poll_ms;
    int backoff_ms;                 //  0 while the database answers
    long batch_lag;                 //  batches only when further behind
    int64_t next_try;               //  zclock_mono before which we do not ask
    int64_t caught_up_at;           //  zclock_mono at the end of the last catch-up
    int gather_timer;               //  the pending catch-up's timer, or -1
} s_worker_t;

//  The service loop's side: the actor and what it last reported.
struct _kp_consumer_t {
    char *name;
    zloop_t *loop;
    zactor_t *actor;
    s_worker_t *worker;             //  the actor's until zactor_destroy returns
    uint64_t cursor;                //  as last reported
    int64_t parked;
    kp_metrics_t *metrics;          //  optional
};

//  The cursor row holds seq now (a move of ours committed).
static void
s_stored (s_worker_t *self, uint64_t seq)
{
    if (self->stored < seq) {
        self->stored = seq;
        self->stored_at = zclock_mono ();
    }
}

static int64_t
s_scalar (kp_db_t *db, const char *statement, int nparams, const char *const *values)
{
    int64_t value = -1;
    return kp_db_int64 (db, statement, nparams, values, &value) < 0 ? -1 : value;
}

//  Parks seq in its own transaction and moves the cursor past it.
static int
s_park (s_worker_t *self, uint64_t seq, const char *topic, const char *error)
{
    char seq_text [24];
    snprintf (seq_text, sizeof seq_text, "%" PRIu64, seq);
    const char *park [] = { self->name, seq_text, topic, error };
    const char *move [] = { self->name, seq_text };
    PGresult *parked = NULL, *moved = NULL;
    int rc = -1;
    const char *lock [] = { self->name };
    //  The cursor first, NOWAIT: a rebuild holding it must not stall the consumer.
    if (kp_db_begin (self->db) == 0
    &&  s_scalar (self->db, "kp_consumer_lock", 1, lock) >= 0
    &&  (parked = kp_db_exec (self->db, "kp_consumer_park", 4, park))
    &&  (moved = kp_db_exec (self->db, "kp_consumer_move", 2, move))
    &&  kp_db_commit (self->db) == 0)
        rc = 0;
    else
        kp_db_rollback (self->db);
    PQclear (parked);
    PQclear (moved);
    if (rc == 0) {
        self->parked++;
        self->cursor = seq;
        s_stored (self, seq);
        kp_error ("consumer %s parked event %" PRIu64 " (%s): %s", self->name, seq, topic, error);
    }
    return rc;
}

//  True when the last failure was not the event's: the database is away,
//  or someone else holds the cursor (55P03 from NOWAIT). Such a failure
//  is not counted towards parking; the next poll tries again.
static bool
s_not_the_event (s_worker_t *self)
{
    return !kp_db_connected (self->db) || strcmp (kp_db_sqlstate (self->db), "55P03") == 0;
}

//  The handler, on the event's own clock when it is history: what it
//  writes (a case an imported referral opens) is dated when the event
//  happened and marked imported in turn. (A test clock reaches SQL too.)
static int
s_run_handler (s_worker_t *self, const Kumppani__V1__Event *event, char *error, size_t size)
{
    int64_t clock = event->imported ? event->occurred_at : kp_clock_is_test () ? kp_clock_now_us () : 0;
    if (clock && kp_db_set_clock (self->db, clock, event->imported))
        return -1;
    int outcome = self->handler (self->db, event, self->arg, error, size);
    if (clock)
        kp_db_set_clock (self->db, 0, false);
    return outcome;
}

//  Handles one event in one transaction. 0 when the cursor moved past it.
static int
s_handle (s_worker_t *self, const Kumppani__V1__Event *event)
{
    char seq_text [24], error [256] = "";
    snprintf (seq_text, sizeof seq_text, "%" PRIu64, event->seq);
    const char *lock [] = { self->name };
    const char *move [] = { self->name, seq_text };
    int outcome = -1;
    if (kp_db_begin (self->db) == 0) {
        //  The row lock makes a second instance of this consumer wait here
        //  and then see the event as done: no double handling.
        int64_t stored = s_scalar (self->db, "kp_consumer_lock", 1, lock);
        if (stored >= 0 && (uint64_t) stored >= event->seq)
            outcome = 0;                    //  already handled
        else
        if (stored >= 0) {
            outcome = s_run_handler (self, event, error, sizeof error);
            if (outcome == 0) {
                PGresult *moved = kp_db_exec (self->db, "kp_consumer_move", 2, move);
                outcome = moved ? 0 : -1;
                PQclear (moved);
            }
        }
    }
    if (outcome == 0 && kp_db_commit (self->db) == 0) {
        self->cursor = event->seq;
        s_stored (self, event->seq);
        self->failures = 0;
        return 0;
    }
    kp_db_rollback (self->db);
    if (outcome != -2 && s_not_the_event (self)) {
        kp_debug ("consumer %s: event %" PRIu64 " waits: %s", self->name, event->seq,
                  kp_db_message (self->db));
        return -1;
    }
    if (outcome != -2) {
        //  The handler's own reason when it gave one, else the database's.
        if (!*error)
            snprintf (error, sizeof error, "%s", kp_db_message (self->db));
        self->failures = self->failing_seq == event->seq ? self->failures + 1 : 1;
        self->failing_seq = event->seq;
        if (self->failures < KP_CONSUMER_TRIES) {
            kp_warn ("consumer %s: event %" PRIu64 " failed (%d of %d): %s", self->name,
                     event->seq, self->failures, KP_CONSUMER_TRIES, error);
            return -1;
        }
    }
    return s_park (self, event->seq, event->topic, error);
}

//  The batch function over events [0, count) not yet handled, on the
//  test clock when there is one (then the same for every event, as the
//  handler would get it); done [i] marks those it handled. Imported
//  events each need their own clock: then it is not called at all.
static int
s_run_batch (s_worker_t *self, Kumppani__V1__Event *const *events, size_t count, uint64_t stored,
             bool *done)
{
    size_t first = 0;
    while (first < count && events [first]->seq <= stored)
        done [first++] = true;              //  already handled
    if (!self->batch || first == count)
        return 0;
    for (size_t index = first; index < count; index++)
        if (events [index]->imported)
            return 0;
    int64_t clock = kp_clock_is_test () ? kp_clock_now_us () : 0;
    if (clock && kp_db_set_clock (self->db, clock, false))
        return -1;
    int outcome = self->batch (self->db, events + first, count - first, done + first, self->arg);
    if (clock)
        kp_db_set_clock (self->db, 0, false);
    return outcome;
}

//  Handles events [0, count) in one transaction with one cursor move, no
//  savepoints: the batch function first, then the handler for the events
//  it left. 0 when committed; -1 when anything failed, with nothing kept,
//  and *failed_at the index of the event whose handler failed (count
//  when it was not one event's: the lock, the batch function, COMMIT).
//  Handlers only touch the database, so running one again after a
//  rollback is safe.
static int
s_handle_batch (s_worker_t *self, Kumppani__V1__Event *const *events, size_t count, size_t *failed_at)
{
    uint64_t last = events [count - 1]->seq;
    char seq_text [24], error [256] = "";
    snprintf (seq_text, sizeof seq_text, "%" PRIu64, last);
    const char *lock [] = { self->name };
    const char *move [] = { self->name, seq_text };
    *failed_at = count;
    if (kp_db_begin (self->db))
        return -1;
    int64_t stored = s_scalar (self->db, "kp_consumer_lock", 1, lock);
    bool *done = kp_calloc (count, sizeof (bool));
    int outcome = stored >= 0 ? s_run_batch (self, events, count, (uint64_t) stored, done) : -1;
    for (size_t index = 0; index < count && outcome == 0; index++)
        if (!done [index] && (uint64_t) stored < events [index]->seq) {
            outcome = s_run_handler (self, events [index], error, sizeof error);
            if (outcome)
                *failed_at = index;
        }
    free (done);
    if (outcome == 0 && (uint64_t) stored < last) {
        PGresult *moved = kp_db_exec (self->db, "kp_consumer_move", 2, move);
        outcome = moved ? 0 : -1;
        PQclear (moved);
    }
    if (outcome == 0 && kp_db_commit (self->db) == 0) {
        if (self->cursor < last)
            self->cursor = last;
        s_stored (self, last);
        self->failures = 0;
        return 0;
    }
    *failed_at = outcome == 0 ? count : *failed_at;
    kp_db_rollback (self->db);
    return -1;
}

//  Events [0, count) one at a time (s_handle). 0, or -1 when one is still failing.
static int
s_handle_each (s_worker_t *self, Kumppani__V1__Event *const *events, size_t count)
{
    for (size_t index = 0; index < count; index++)
        if (events [index]->seq > self->cursor && s_handle (self, events [index]) != 0)
            return -1;
    return 0;
}

//  Handles a page's decoded events in order: in batches while catching up
//  and they go through. When an event's handler fails in a batch, the
//  events before it go again as a batch, it goes alone (s_handle: retried,
//  parked) and batching resumes after it, so a poison event costs one
//  transaction more, not a page of single ones; any other failure has the
//  batch go one by one. 0, or -1 when an event is still failing (the
//  consumer stops there and tries again later).
static int
s_handle_page (s_worker_t *self, Kumppani__V1__Event *const *events, size_t count, uint64_t head)
{
    size_t batch = head <= self->cursor + (uint64_t) self->batch_lag ? 1
                 : self->batch ? KP_CONSUMER_PAGE : KP_CONSUMER_BATCH;
    size_t start = 0;
    while (start < count) {
        size_t size = count - start < batch ? count - start : batch, failed_at = size;
        if (size > 1 && s_handle_batch (self, events + start, size, &failed_at) == 0) {
            start += size;
            continue;
        }
        if (size == 1 || failed_at == size) {
            if (s_handle_each (self, events + start, size))
                return -1;
            start += size;
            continue;
        }
        size_t again;
        if (failed_at > 1 && s_handle_batch (self, events + start, failed_at, &again) != 0
        &&  s_handle_each (self, events + start, failed_at))
            return -1;
        if (s_handle_each (self, events + start, failed_at + 1))
            return -1;
        start += failed_at + 1;
    }
    return 0;
}

//  Stores the cursor when the row is behind it, and now is the time
//  (force, or KP_CONSUMER_STORE_MS since the last move).
static void
s_store (s_worker_t *self, bool force)
{
    if (self->stored >= self->cursor
    ||  (!force && zclock_mono () - self->stored_at < KP_CONSUMER_STORE_MS)
    ||  !kp_db_connected (self->db))
        return;
    uint64_t seq = self->cursor;
    char seq_text [24];
    snprintf (seq_text, sizeof seq_text, "%" PRIu64, seq);
    const char *move [] = { self->name, seq_text };
    const char *lock [] = { self->name };
    //  In a transaction of its own that takes the cursor NOWAIT: a bare
    //  UPDATE would wait for whoever holds the row (a rollup rebuild holds
    //  it to its end). Not moved now, moved next poll.
    PGresult *moved = NULL;
    if (kp_db_begin (self->db) == 0
    &&  s_scalar (self->db, "kp_consumer_lock", 1, lock) >= 0
    &&  (moved = kp_db_exec (self->db, "kp_consumer_move", 2, move))
    &&  kp_db_commit (self->db) == 0)
        s_stored (self, seq);
    else
        kp_db_rollback (self->db);
    PQclear (moved);
}

//  Past a page whose matching events were handled (the rest of the page
//  were other topics or other organisations' events): read on from seq,
//  the row follows within KP_CONSUMER_STORE_MS.
static void
s_advance (s_worker_t *self, uint64_t seq)
{
    if (seq > self->cursor)
        self->cursor = seq;
    s_store (self, false);
}

//  Tells the service's loop where the consumer is. A STATUS never waits
//  for a loop that has not read the earlier ones (it is dropped: the next
//  one says the same, newer); POLLED is awaited by kp_consumer_poll,
//  which reads everything before it, so it is always taken.
static void
s_report (s_worker_t *self, const char *kind)
{
    bool status = streq (kind, "STATUS");
    if (status)
        zsock_set_sndtimeo (self->pipe, 0);
    zsock_send (self->pipe, "s888", kind, self->cursor, self->head, (uint64_t) self->parked);
    if (status)
        zsock_set_sndtimeo (self->pipe, -1);
}

//  One page read from kp.events: the events after the cursor (decoded
//  up to the first that cannot be), the head, where the next page starts.
typedef struct {
    Kumppani__V1__Event *events [KP_CONSUMER_PAGE];
    size_t count;
    uint64_t undecodable;           //  the seq of an event that cannot be decoded, or 0
    uint64_t head;
    uint64_t last_seq;              //  the last event read while there are more, else the head
    bool more;
} s_page_t;

//  The consumer's prefixes as a text[] literal, made once.
static void
s_prefix_array (s_worker_t *self, char *out, size_t size)
{
    size_t used = (size_t) snprintf (out, size, "{");
    for (size_t index = 0; index < self->prefix_count && used < size; index++)
        used += (size_t) snprintf (out + used, size - used, "%s\"%s\"", index ? "," : "",
                                   self->prefixes [index]);
    if (used < size)
        snprintf (out + used, size - used, "}");
}

//  Reads the page after the cursor straight from kp.events, in one
//  statement (its snapshot sees every event up to the head it reads:
//  seqs are given in commit order, under the counter's lock). 0, or -1
//  when the database did not answer.
static int
s_read_page (s_worker_t *self, s_page_t *page)
{
    char cursor [24], limit [16], prefixes [KP_CONSUMER_MAX_PREFIXES * 70 + 4];
    snprintf (cursor, sizeof cursor, "%" PRIu64, self->cursor);
    snprintf (limit, sizeof limit, "%d", KP_CONSUMER_PAGE);
    s_prefix_array (self, prefixes, sizeof prefixes);
    const char *values [] = { cursor, prefixes, limit };
    PGresult *rows = kp_db_exec (self->db, "kp_consumer_page", 3, values);
    if (!rows)
        return -1;
    memset (page, 0, sizeof *page);
    int nrows = PQntuples (rows);
    size_t read = 0;
    uint64_t last = self->cursor;
    for (int row = 0; row < nrows; row++) {
        page->head = (uint64_t) kp_row_int (rows, row, PAGE_HEAD);
        if (kp_row_null (rows, row, PAGE_SEQ))
            continue;                       //  no event after the cursor
        read++;
        uint64_t seq = (uint64_t) kp_row_int (rows, row, PAGE_SEQ);
        last = seq;
        if (page->undecodable)
            continue;
        size_t payload_size = 0, event_size = 0;
        unsigned char *payload = PQunescapeBytea ((const unsigned char *) kp_row_text (rows, row, PAGE_PAYLOAD),
                                                  &payload_size);
        uint8_t *packed = payload ? kp_codec_event_with_seq (seq, payload, payload_size, &event_size) : NULL;
        PQfreemem (payload);
        Kumppani__V1__Event *event = NULL;
        if (!packed || kp_codec_event_decode (packed, event_size, &event, NULL))
            page->undecodable = seq;
        else
            page->events [page->count++] = event;
        free (packed);
    }
    PQclear (rows);
    page->more = read == KP_CONSUMER_PAGE && last < page->head;
    page->last_seq = page->more ? last : page->head;
    return 0;
}

//  Catches up: page after page from the cursor until kp.events has no
//  more, or the service's loop has something to say (a $TERM waits for a
//  page at most, not for a whole backlog).
static void
s_poll (s_worker_t *self)
{
    if (self->backoff_ms && zclock_mono () < self->next_try)
        return;
    //  Without our database there is nothing to do (kp_db_ensure answers
    //  at once while the database is known to be away).
    if (kp_db_ensure (self->db))
        return;
    bool more = true;
    while (more) {
        s_page_t page;
        if (s_read_page (self, &page)) {
            self->backoff_ms = self->backoff_ms ? self->backoff_ms * 2 : 250;
            if (self->backoff_ms > KP_CONSUMER_BACKOFF_MAX_MS)
                self->backoff_ms = KP_CONSUMER_BACKOFF_MAX_MS;
            self->next_try = zclock_mono () + self->backoff_ms;
            return;                         //  the timer tries again after the pause
        }
        self->backoff_ms = 0;
        //  Decoded up to the first event that cannot be: those before it
        //  are handled, then it is parked, and the rest is read afresh
        //  from the new cursor on the next poll.
        bool stopped = s_handle_page (self, page.events, page.count, page.head) != 0;
        for (size_t index = 0; index < page.count; index++)
            kp_codec_event_free (&page.events [index]);
        if (!stopped && page.undecodable) {
            s_park (self, page.undecodable, "unknown", "event cannot be decoded");
            stopped = true;
        }
        if (!stopped)
            s_advance (self, page.last_seq);
        more = !stopped && page.more && !(zsock_events (self->pipe) & ZMQ_POLLIN);
        self->head = page.head;
        s_report (self, "STATUS");
    }
}

static int s_on_notify (zloop_t *loop, zmq_pollitem_t *item, void *arg);

//  The loop watches the connection's socket, which changes when kp_db
//  reconnects (and LISTENs again: kp_db_set_on_connect).
static void
s_watch (s_worker_t *self)
{
    kp_db_watch (self->db, self->loop, &self->fd, s_on_notify, self);
}

//  True when a COMMIT with events was notified since the last call: read
//  from the socket now, or read by libpq meanwhile during the consumer's
//  own statements (those never make the socket readable again, so they
//  are looked for after every catch-up).
static bool
s_notified (s_worker_t *self)
{
    if (!kp_db_connected (self->db))
        return false;
    PGconn *conn = kp_db_conn (self->db);
    PQconsumeInput (conn);          //  a broken connection shows in the next statement
    bool notified = false;
    PGnotify *notify;
    while ((notify = PQnotifies (conn))) {
        PQfreemem (notify);
        notified = true;
    }
    return notified;
}

static void s_gather (s_worker_t *self);

//  Catches up; commits notified meanwhile are gathered for the next one
//  (KP_CONSUMER_GATHER_MS).
static void
s_catch_up (s_worker_t *self)
{
    s_poll (self);
    self->caught_up_at = zclock_mono ();
    if (s_notified (self))
        s_gather (self);
    s_watch (self);
}

static int
s_on_gathered (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    s_worker_t *self = arg;
    self->gather_timer = -1;
    s_notified (self);
    s_catch_up (self);
    return 0;
}

//  Catches up when KP_CONSUMER_GATHER_MS have passed since the last
//  catch-up (once, however many commits are notified until then).
static void
s_gather (s_worker_t *self)
{
    if (self->gather_timer >= 0)
        return;
    int64_t wait = self->caught_up_at + KP_CONSUMER_GATHER_MS - zclock_mono ();
    self->gather_timer = zloop_timer (self->loop, (size_t) (wait > 1 ? wait : 1), 1, s_on_gathered, self);
}

static int
s_on_notify (zloop_t *loop, zmq_pollitem_t *item, void *arg)
{
    (void) loop;
    (void) item;
    s_worker_t *self = arg;
    //  A connection that closed makes the socket readable too (checked
    //  after s_notified, which may find it closed): the catch-up
    //  reconnects (and LISTENs) at once, or leaves it to the timer while
    //  the database is away.
    bool notified = s_notified (self);
    if (!kp_db_connected (self->db))
        s_catch_up (self);
    else
    if (notified) {
        if (zclock_mono () - self->caught_up_at < KP_CONSUMER_GATHER_MS)
            s_gather (self);
        else
            s_catch_up (self);
    }
    s_watch (self);
    return 0;
}

static int
s_on_timer (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    s_worker_t *self = arg;
    s_notified (self);
    s_catch_up (self);
    return 0;
}

//  A command from the service's loop: $TERM ends the actor; POLL catches
//  up now and answers POLLED with where it got to.
static int
s_on_pipe (zloop_t *loop, zsock_t *pipe, void *arg)
{
    (void) loop;
    s_worker_t *self = arg;
    char *command = zstr_recv (pipe);
    if (!command || streq (command, "$TERM")) {
        free (command);
        return -1;
    }
    if (streq (command, "POLL")) {
        s_catch_up (self);
        s_store (self, true);
        s_report (self, "POLLED");
    }
    free (command);
    return 0;
}

static void
s_worker_destroy (s_worker_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    s_worker_t *self = *self_p;
    zloop_destroy (&self->loop);
    kp_db_destroy (&self->db);
    for (size_t index = 0; index < self->prefix_count; index++)
        free (self->prefixes [index]);
    free (self->name);
    free (self);
    *self_p = NULL;
}

//  The consumer's thread: its own loop over its connection's socket, a
//  timer and the pipe. It stops only on $TERM (nonstop: a signal is the service
//  loop's to see, and it then destroys the actor).
static void
s_actor (zsock_t *pipe, void *args)
{
    s_worker_t *self = args;
    self->pipe = pipe;
    self->loop = zloop_new ();
    if (self->loop) {
        zloop_set_nonstop (self->loop, true);
        zloop_reader (self->loop, pipe, s_on_pipe, self);
        zloop_timer (self->loop, (size_t) self->poll_ms, 0, s_on_timer, self);
    }
    zsock_signal (pipe, 0);
    if (self->loop) {
        s_catch_up (self);          //  connects, LISTENs and watches the socket
        zloop_start (self->loop);
        s_store (self, true);
    }
    else {
        char *command;
        while ((command = zstr_recv (pipe)) && !streq (command, "$TERM"))
            free (command);
        free (command);
    }
    //  Its connection ends on the thread that used it.
    zloop_destroy (&self->loop);
    kp_db_destroy (&self->db);
}

//  One report from the actor: kept for health and metrics. -1 when the
//  pipe gave nothing (the actor is gone); *polled set for a POLLED.
static int
s_read_status (kp_consumer_t *self, bool *polled)
{
    char *kind = NULL;
    uint64_t cursor = 0, head = 0, parked = 0;
    if (zsock_recv (self->actor, "s888", &kind, &cursor, &head, &parked) || !kind) {
        free (kind);
        return -1;
    }
    *polled = streq (kind, "POLLED");
    free (kind);
    self->cursor = cursor;
    self->parked = (int64_t) parked;
    kp_metrics_consumer (self->metrics, self->name, (int64_t) head - (int64_t) cursor, self->parked);
    return 0;
}

static int
s_on_status (zloop_t *loop, zsock_t *reader, void *arg)
{
    (void) loop;
    (void) reader;
    kp_consumer_t *self = arg;
    bool polled;
    s_read_status (self, &polled);
    return 0;
}

void
kp_consumer_poll (kp_consumer_t *self)
{
    if (zstr_send (self->actor, "POLL"))
        return;
    bool polled = false;
    while (!polled && s_read_status (self, &polled) == 0)
        ;
}

kp_consumer_t *
kp_consumer_new (zloop_t *loop, kp_db_t *db, const kp_config_t *config,
                 const char *name, const char *const *prefixes, kp_consumer_fn *handler, void *arg)
{
    return kp_consumer_new_batched (loop, db, config, name, prefixes, handler, NULL, arg);
}

kp_consumer_t *
kp_consumer_new_batched (zloop_t *loop, kp_db_t *db, const kp_config_t *config,
                         const char *name, const char *const *prefixes, kp_consumer_fn *handler,
                         kp_consumer_batch_fn *batch, void *arg)
{
    kp_consumer_t *self = kp_calloc (1, sizeof (kp_consumer_t));
    s_worker_t *worker = kp_calloc (1, sizeof (s_worker_t));
    self->worker = worker;
    self->loop = loop;
    self->name = kp_strdup (name);
    worker->name = kp_strdup (name);
    worker->handler = handler;
    worker->batch = batch;
    worker->arg = arg;
    worker->batch_lag = config->consumer_batch_lag;
    worker->poll_ms = config->poll_interval_ms;
    worker->fd = -1;
    worker->gather_timer = -1;
    for (const char *const *prefix = prefixes; prefix && *prefix
         && worker->prefix_count < KP_CONSUMER_MAX_PREFIXES; prefix++)
        worker->prefixes [worker->prefix_count++] = kp_strdup (*prefix);

    //  The cursor row and the starting point are read here, on the
    //  service's connection, so a consumer that cannot start fails the
    //  service at start.
    const char *init [] = { name };
    PGresult *created = NULL;
    if (kp_db_register (db, kp_consumer_statements)
    ||  !(created = kp_db_exec (db, "kp_consumer_init", 1, init)))
        goto failed;
    PQclear (created);
    int64_t cursor = s_scalar (db, "kp_consumer_cursor", 1, init);
    int64_t parked = s_scalar (db, "kp_consumer_parked", 1, init);
    if (cursor < 0 || parked < 0)
        goto failed;
    self->cursor = worker->cursor = worker->stored = (uint64_t) cursor;
    self->parked = worker->parked = parked;

    //  After kp_db_register: the clone prepares the service's statements
    //  and the consumer's.
    worker->db = kp_db_clone (db);
    if (!worker->db || kp_db_set_on_connect (worker->db, "LISTEN kp_events"))
        goto failed;
    self->actor = zactor_new (s_actor, worker);
    if (!self->actor)
        goto failed;
    if (loop)
        zloop_reader (loop, zactor_sock (self->actor), s_on_status, self);
    return self;

failed:
    kp_error ("consumer %s cannot start: %s", name, kp_db_message (db));
    kp_consumer_destroy (&self);
    return NULL;
}

void
kp_consumer_destroy (kp_consumer_t **self_p)
{
    assert (self_p);
    if (!*self_p)
        return;
    kp_consumer_t *self = *self_p;
    if (self->actor) {
        if (self->loop)
            zloop_reader_end (self->loop, zactor_sock (self->actor));
        //  Waits for the page in hand: its transaction commits or rolls
        //  back, never half-way.
        zactor_destroy (&self->actor);
    }
    s_worker_destroy (&self->worker);
    free (self->name);
    free (self);
    *self_p = NULL;
}

void
kp_consumer_set_metrics (kp_consumer_t *self, kp_metrics_t *metrics)
{
    self->metrics = metrics;
}

uint64_t
kp_consumer_cursor (kp_consumer_t *self)
{
    return self->cursor;
}

int64_t
kp_consumer_parked (kp_consumer_t *self)
{
    return self->parked;
}
