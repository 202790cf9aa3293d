/*  kp_txn — transactions for calls (see kp_txn.h). A domain refusal
    (INVALID, CONFLICT, …) rolls back to the call's savepoint and is stored
    with the key, so a retry sees the same answer; UNAVAILABLE and INTERNAL
    are not stored, so a retry may succeed. When the batch itself fails in
    a way worth retrying (deadlock, serialization, lost connection, a twin
    request committed by another instance) the whole batch runs again.

    A batch first takes the fast path: no savepoints, every idempotency
    lookup in one pipelined round trip and every stored reply in another.
    It commits only if every call succeeded or replayed a stored reply.
    Otherwise it is rolled back and the batch runs again the careful way,
    each call behind its own savepoint, so one refusal never costs the
    others their answer. Handlers validate before they write, so the
    careful way is the exception. (Measured in bench/: per submission the
    savepoint pair and the two idempotency statements were 4 of 11 round
    trips.) A route with a stage and a flush (kp_server.h) has its calls
    staged in the fast path and written by one statement for all of them
    after the last top-up, before the stored replies (issue 23). Writes
    that arrive while the fast path's handlers run join it
    (kp_txn_run_batch): under load the answered clients' next requests
    would otherwise each wait a whole commit, fsync included, of their own. A service with the henkilötunnus keys has its replies sealed
    and its request hashes keyed (kp_idem). */
#include "kp_txn.h"
#include "kp_alloc.h"
#include "kp_batch.h"
#include "kp_clock.h"
#include "kp_codec.h"
#include "kp_idem.h"

#include <stdlib.h>

#define KP_TXN_TRIES 3
//  How often one batch asks for writes that arrived while it ran: each
//  time costs one round trip (their idempotency lookups) and delays the
//  COMMIT of those already in it.
#define KP_TXN_TOP_UPS 2

static bool
s_is_domain_outcome (Kumppani__V1__Status status)
{
    return status == KUMPPANI__V1__STATUS__STATUS_OK
        || status == KUMPPANI__V1__STATUS__STATUS_INVALID
        || status == KUMPPANI__V1__STATUS__STATUS_NOT_FOUND
        || status == KUMPPANI__V1__STATUS__STATUS_CONFLICT
        || status == KUMPPANI__V1__STATUS__STATUS_FORBIDDEN;
}

static bool
s_worth_retrying (kp_db_t *db)
{
    kp_db_class_t class = kp_db_class (db);
    return class == KP_DB_RETRY || class == KP_DB_DUPLICATE;
}

//  Runs fn (the handler, or the route's stage) on the call's clock (an
//  import's original time, or a test clock: C and SQL read the same now
//  while it runs); fn's result, or -1. A call that returned -1 and left
//  the reply OK (see kp_txn.h): the error is cleared first, so a SQLSTATE
//  seen afterwards is the call's. A test build's fault (kp_txn.h) is
//  applied once per call: with fault false it is not asked again.
static int
s_run (kp_call_t *call, kp_handler_fn *fn, bool fault)
{
    int64_t clock = call->clock_us ? call->clock_us : kp_clock_is_test () ? kp_clock_now_us () : 0;
    if (clock && kp_db_set_clock (call->db, clock, call->clock_us != 0)) {
        kp_call_db_fail (call);
        return -1;
    }
    kp_db_clear_error (call->db);
    int rc = fault && kp_txn_fault ? kp_txn_fault (call) : KP_TXN_NO_FAULT;
    if (rc == KP_TXN_NO_FAULT)
        rc = fn (call);
    if (rc < 0 && call->reply->status == KUMPPANI__V1__STATUS__STATUS_OK) {
        if (kp_db_class (call->db) != KP_DB_OK)
            kp_call_db_fail (call);
        else {
            kp_metrics_unreported (kp_server_metrics (call->server));
            kp_log (KP_LOG_ERROR, &call->log, "%s failed without saying why", call->operation);
            kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INTERNAL, "internal.unreported", NULL,
                          "the request could not be completed");
        }
    }
    if (clock)
        kp_db_set_clock (call->db, 0, false);
    return rc;
}

static void
s_handle (kp_call_t *call)
{
    s_run (call, call->route->handler, true);
}

//  In the fast path, a call whose route writes set-based is staged
//  rather than handled: true when it was (its reply waits for the
//  flush). Imported calls and test clocks keep the handler, which sets
//  the connection's clock for its own statement; a flush has one for all.
static bool
s_stage (kp_call_t *call)
{
    call->staged = NULL;
    if (!call->route->stage || !call->route->flush || call->clock_us || kp_clock_is_test ()
    ||  kp_db_imported (call->db)) {
        s_handle (call);
        return false;
    }
    int rc = s_run (call, call->route->stage, true);
    if (rc == KP_NOT_STAGED && call->reply->status == KUMPPANI__V1__STATUS__STATUS_OK) {
        call->staged = NULL;
        s_run (call, call->route->handler, false);
        return false;
    }
    if (rc != KP_STAGED)
        call->staged = NULL;
    return rc == KP_STAGED && call->staged;
}

//  Every staged call of the batch written, one flush per route, in the
//  order the calls came. 0 when each has its reply body; -1 otherwise.
static int
s_flush (kp_call_t **calls, size_t count, const bool *staged, kp_call_t **group)
{
    bool *done = kp_calloc (count ? count : 1, sizeof (bool));
    int rc = 0;
    for (size_t first = 0; first < count && rc == 0; first++) {
        if (!staged [first] || done [first])
            continue;
        const kp_route_t *route = calls [first]->route;
        size_t members = 0;
        for (size_t index = first; index < count; index++)
            if (staged [index] && !done [index] && calls [index]->route == route) {
                group [members++] = calls [index];
                done [index] = true;
            }
        kp_db_clear_error (calls [first]->db);
        rc = route->flush (group, members);
        for (size_t index = 0; index < members && rc == 0; index++)
            if (group [index]->reply->status != KUMPPANI__V1__STATUS__STATUS_OK)
                rc = -1;
    }
    free (done);
    return rc;
}

void
kp_txn_run_read (kp_call_t *call)
{
    for (int attempt = 1; attempt <= KP_TXN_TRIES; attempt++) {
        kp_call_reset_reply (call);
        if (kp_db_begin (call->db) == 0) {
            s_handle (call);
            if (call->reply->status == KUMPPANI__V1__STATUS__STATUS_OK) {
                if (kp_db_commit (call->db) == 0)
                    return;
            }
            else {
                kp_db_rollback (call->db);
                if (kp_db_class (call->db) != KP_DB_RETRY)
                    return;
            }
        }
        if (kp_db_class (call->db) != KP_DB_RETRY)
            break;
    }
    kp_call_reset_reply (call);
    kp_call_db_fail (call);
}

//  A stored reply, re-packed with this request's correlation id; *status
//  gets the status it was stored with (for logs and metrics).
static uint8_t *
s_repack_stored (const char *correlation_id, const uint8_t *stored, size_t size, size_t *out_size,
                 Kumppani__V1__Status *status)
{
    Kumppani__V1__Reply *reply;
    if (kp_codec_reply_decode (stored, size, &reply, NULL))
        return NULL;
    *status = reply->status;
    char *original = reply->correlation_id;
    reply->correlation_id = (char *) correlation_id;
    uint8_t *packed = kp_codec_pack (&reply->base, out_size);
    reply->correlation_id = original;
    kp_codec_reply_free (&reply);
    return packed;
}

//  One call's answer from its stored reply: the same request gets the
//  stored reply again, a different one under the same key a conflict.
static void
s_replay (kp_call_t *call, bool same_request, const uint8_t *stored, size_t stored_size)
{
    if (same_request && stored)
        call->packed = s_repack_stored (call->request->correlation_id, stored, stored_size,
                                        &call->packed_size, &call->reply->status);
    if (!same_request)
        kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "idempotency.key_reused",
                      "idempotency_key", "this key was used for a different request");
    else
    if (!call->packed)
        kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INTERNAL, "idempotency.corrupt",
                      NULL, "the stored reply cannot be read");
}

//  One call inside the batch transaction. 0 when the call has its answer
//  (which may be a refusal), -1 when the whole batch must be abandoned.
static int
s_write_one (kp_call_t *call, const uint8_t *hash)
{
    kp_db_t *db = call->db;
    const kp_hetu_keys_t *keys = kp_server_hetu_keys (call->server);
    const char *org = call->identity->org_id;
    const char *key = call->request->idempotency_key;
    if (kp_db_command (db, "SAVEPOINT call"))
        return -1;
    //  What the call keeps for COMMIT goes with its savepoint.
    kp_batch_mark_t mark = kp_batch_mark (kp_db_batch (db));
    uint8_t *stored = NULL;
    size_t stored_size = 0;
    bool same_request = false;
    int found = kp_idem_lookup (db, keys, org, key, hash, &stored, &stored_size, &same_request);
    if (found == -1)
        return -1;
    if (found == 1) {
        s_replay (call, same_request, stored, stored_size);
        free (stored);
        return kp_db_command (db, "RELEASE SAVEPOINT call");
    }
    s_handle (call);
    if (!s_is_domain_outcome (call->reply->status)) {
        //  Unavailable or internal: nothing stored, the client may retry.
        if (kp_db_class (db) == KP_DB_RETRY)
            return -1;
        kp_batch_rewind (kp_db_batch (db), mark);
        return kp_db_command (db, "ROLLBACK TO SAVEPOINT call");
    }
    if (call->reply->status != KUMPPANI__V1__STATUS__STATUS_OK) {
        kp_batch_rewind (kp_db_batch (db), mark);
        if (kp_db_command (db, "ROLLBACK TO SAVEPOINT call"))
            return -1;
    }
    uint8_t *packed = kp_codec_pack (&call->reply->base, &call->packed_size);
    if (!packed || kp_idem_store (db, keys, org, key, call->operation, hash, packed, call->packed_size)) {
        free (packed);
        return -1;
    }
    call->packed = packed;
    return kp_db_command (db, "RELEASE SAVEPOINT call");
}

static void
s_forget_answers (kp_call_t **calls, size_t count)
{
    for (size_t index = 0; index < count; index++) {
        free (calls [index]->packed);
        calls [index]->packed = NULL;
        kp_call_reset_reply (calls [index]);
    }
}

//  The key and request hash of one call, for the batch's lookups.
static void
s_entry (kp_call_t *call, uint8_t *hash, kp_idem_entry_t *entry)
{
    kp_idem_request_hash (kp_server_hetu_keys (call->server), call->operation,
                          kp_codec_request_body (call->request), hash);
    *entry = (kp_idem_entry_t) {
        .org_id = call->identity->org_id, .key = call->request->idempotency_key, .hash = hash
    };
}

//  The fast path (see the top of the file). True when the batch committed
//  and every call has its answer; false when nothing of it committed.
//  Writes more () hands over join it (*count grows); they go the careful
//  way with the others if it fails.
static bool
s_run_fast (kp_call_t **calls, size_t *count_p, size_t max, kp_idem_entry_t *entries,
            uint8_t (*hashes) [KP_IDEM_HASH_BYTES], kp_txn_more_fn *more, void *arg)
{
    size_t count = *count_p;
    kp_db_t *db = calls [0]->db;
    const kp_hetu_keys_t *keys = kp_server_hetu_keys (calls [0]->server);
    const char **operations = kp_calloc (max, sizeof (char *));
    const uint8_t **replies = kp_calloc (max, sizeof (uint8_t *));
    size_t *sizes = kp_calloc (max, sizeof (size_t));
    kp_idem_entry_t *fresh = kp_calloc (max, sizeof (kp_idem_entry_t));
    bool *staged = kp_calloc (max, sizeof (bool));
    kp_call_t **group = kp_calloc (max, sizeof (kp_call_t *));
    size_t fresh_count = 0, staged_count = 0;
    bool committed = false;
    if (kp_idem_begin_lookup_batch (db, keys, entries, count))
        goto cleanup;
    for (size_t index = 0, top_ups = 0; ; ) {
        for (; index < count; index++) {
            kp_call_t *call = calls [index];
            if (entries [index].found) {
                //  A refusal replayed from the store wrote nothing: still fast.
                s_replay (call, entries [index].same_request, entries [index].reply,
                          entries [index].reply_size);
                continue;
            }
            staged [index] = s_stage (call);
            if (call->reply->status != KUMPPANI__V1__STATUS__STATUS_OK)
                goto cleanup;           //  the careful way stores or skips it
            staged_count += staged [index];
        }
        size_t added = more && top_ups++ < KP_TXN_TOP_UPS && count < max
                     ? more (arg, calls + count, max - count) : 0;
        if (added == 0)
            break;
        for (size_t new = count; new < count + added; new++)
            s_entry (calls [new], hashes [new], &entries [new]);
        count += added;
        if (kp_idem_lookup_batch (db, keys, entries + index, added))
            goto cleanup;
    }
    //  A flush that writes fewer rows than staged (an unknown
    //  municipality) gives up: the careful way answers every call.
    if (staged_count && s_flush (calls, count, staged, group))
        goto cleanup;
    //  Every fresh answer is packed once the flush has filled the staged ones.
    for (size_t index = 0; index < count; index++) {
        if (entries [index].found)
            continue;
        kp_call_t *call = calls [index];
        call->packed = kp_codec_pack (&call->reply->base, &call->packed_size);
        if (!call->packed)
            goto cleanup;
        fresh [fresh_count] = entries [index];
        operations [fresh_count] = call->operation;
        replies [fresh_count] = call->packed;
        sizes [fresh_count++] = call->packed_size;
    }
    committed = kp_idem_store_commit (db, keys, fresh, operations, replies, sizes, fresh_count) == 0;
    if (committed)
        kp_metrics_set_written (kp_server_metrics (calls [0]->server), staged_count);
cleanup:
    *count_p = count;
    if (!committed)
        kp_db_rollback (db);
    for (size_t index = 0; index < count; index++) {
        free (entries [index].reply);
        entries [index].reply = NULL;
    }
    free (operations);
    free (replies);
    free (sizes);
    free (fresh);
    free (staged);
    free (group);
    for (size_t index = 0; index < count; index++)
        calls [index]->staged = NULL;   //  its memory is the call's arena
    return committed;
}

void
kp_txn_run_writes (kp_call_t **calls, size_t count)
{
    kp_txn_run_batch (calls, &count, count, NULL, NULL);
}

void
kp_txn_run_batch (kp_call_t **calls, size_t *count_p, size_t max, kp_txn_more_fn *more, void *arg)
{
    size_t count = *count_p;
    if (count == 0)
        return;
    if (max < count)
        max = count;
    kp_db_t *db = calls [0]->db;
    uint8_t (*hashes) [KP_IDEM_HASH_BYTES] = kp_calloc (max, KP_IDEM_HASH_BYTES);
    kp_idem_entry_t *entries = kp_calloc (max, sizeof (kp_idem_entry_t));
    for (size_t index = 0; index < count; index++)
        s_entry (calls [index], hashes [index], &entries [index]);
    bool answered = s_run_fast (calls, &count, max, entries, hashes, more, arg);
    *count_p = count;
    for (int attempt = 1; attempt <= KP_TXN_TRIES && !answered; attempt++) {
        s_forget_answers (calls, count);
        int rc = kp_db_begin (db);
        for (size_t index = 0; index < count && rc == 0; index++)
            rc = s_write_one (calls [index], hashes [index]);
        if (rc == 0 && kp_db_commit (db) == 0)
            answered = true;
        else {
            kp_db_rollback (db);
            if (!s_worth_retrying (db))
                break;
        }
    }
    if (!answered) {
        //  Nothing of this batch committed: every call may be retried.
        s_forget_answers (calls, count);
        for (size_t index = 0; index < count; index++)
            kp_call_db_fail (calls [index]);
    }
    free (hashes);
    free (entries);
}
