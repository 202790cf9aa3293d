/*  kp_idem — stored replies for retried requests (see kp_idem.h). A
    sealed reply is the kp_hetu_seal box of the packed Reply; the replay
    opens it and so is byte for byte the first reply. */
#include "kp_idem.h"
#include "kp_alloc.h"
#include "kp_array.h"
#include "kp_codec.h"
#include "kp_log.h"
#include "kp_row.h"

#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

//  A sweep batch: small enough to take milliseconds (an index range and
//  as many primary-key deletes), so it never holds up requests for long.
#define KP_IDEM_SWEEP_BATCH      500
#define KP_IDEM_SWEEP_TICK_MS    1000
#define KP_IDEM_SWEEP_IDLE_TICKS 60

//  A stored reply (s_found reads it).
#define LOOKUP_ROW(C) \
    C (LOOKUP_REQUEST_HASH, "request_hash", "bytea") \
    C (LOOKUP_REPLY, "reply", "bytea") \
    C (LOOKUP_SEALED, "sealed", "bool")
enum { LOOKUP_ROW (KP_ROW_INDEX) };
static const kp_col_t s_lookup_row [] = { LOOKUP_ROW (KP_ROW_COLUMN) { NULL } };
//  The same for a batch, with the entry each row answers (1-based).
enum { LOOKUP_ENTRY = LOOKUP_SEALED + 1 };
static const kp_col_t s_lookup_set_row [] = { LOOKUP_ROW (KP_ROW_COLUMN) { "n", "int8" }, { NULL } };

const kp_stmt_t kp_idem_statements [] = {
    { "kp_idem_lookup",
      "SELECT request_hash, reply, sealed FROM kp.idempotency"
      " WHERE org_id = $1::text AND key = $2::text AND service = session_user::text", s_lookup_row },
    { "kp_idem_store",
      "INSERT INTO kp.idempotency (org_id, key, operation, request_hash, reply, sealed)"
      " VALUES ($1::text, $2::text, $3::text, $4::bytea, $5::bytea, $6::bool)" },
    //  A group commit's lookups and stores, one statement each however
    //  many calls it holds (issue 23: two statements a call were a fifth
    //  of the referral service's). OFFSET 0 keeps the lookup one index
    //  probe a key whatever the planner guesses of the array's length.
    { "kp_idem_lookup_set",
      "SELECT f.request_hash, f.reply, f.sealed, u.n"
      " FROM unnest ($1::text[], $2::text[]) WITH ORDINALITY AS u (org_id, key, n)"
      " CROSS JOIN LATERAL (SELECT i.request_hash, i.reply, i.sealed FROM kp.idempotency i"
      "   WHERE i.org_id = u.org_id AND i.key = u.key AND i.service = session_user::text OFFSET 0) f",
      s_lookup_set_row },
    { "kp_idem_store_set",
      "INSERT INTO kp.idempotency (org_id, key, operation, request_hash, reply, sealed)"
      " SELECT * FROM unnest ($1::text[], $2::text[], $3::text[], $4::bytea[], $5::bytea[], $6::bool[])" },
    //  session_user::text keeps name's collation "C", which cannot use
    //  the (service, created_at) index; COLLATE "default" can (a range
    //  scan of 500 rows, 11 ms, instead of every expired row of every
    //  service). No FOR UPDATE SKIP LOCKED: it needs the UPDATE privilege,
    //  which no service has here; two instances sweeping at once wait on
    //  each other's rows for the milliseconds a batch takes.
    { "kp_idem_sweep",
      "DELETE FROM kp.idempotency WHERE (service, org_id, key) IN ("
      " SELECT service, org_id, key FROM kp.idempotency"
      " WHERE service = (session_user::text COLLATE \"default\")"
      " AND created_at < now () - make_interval (days => $1::int)"
      " ORDER BY created_at LIMIT $2::int)" },
    { NULL }
};

void
kp_idem_request_hash (const kp_hetu_keys_t *keys, const char *operation, const ProtobufCMessage *body,
                      uint8_t *hash)
{
    //  One buffer, operation and its NUL then the packed body, for either hash.
    size_t size = 0, name_size = strlen (operation) + 1;
    uint8_t *packed = body ? kp_codec_pack (body, &size) : NULL;
    uint8_t *data = kp_malloc (name_size + size);
    memcpy (data, operation, name_size);
    if (packed)
        memcpy (data + name_size, packed, size);
    else
        size = 0;
    if (keys)
        kp_hetu_keyed_hash (keys, data, name_size + size, hash);
    else
        crypto_hash_sha256 (hash, data, name_size + size);
    sodium_memzero (data, name_size + size);
    free (data);
    free (packed);
}

//  One row of a lookup's result into *reply / *same_request: 1 found
//  (with *reply NULL if a sealed reply does not open), -1 unreadable.
static int
s_found_row (PGresult *result, int row, const kp_hetu_keys_t *keys, const uint8_t *hash,
             uint8_t **reply, size_t *reply_size, bool *same_request)
{
    *reply = NULL;
    *reply_size = 0;
    int found = -1;
    size_t hash_size = 0, size = 0;
    unsigned char *stored_hash = PQunescapeBytea (
        (const unsigned char *) kp_row_text (result, row, LOOKUP_REQUEST_HASH), &hash_size);
    unsigned char *stored = PQunescapeBytea (
        (const unsigned char *) kp_row_text (result, row, LOOKUP_REPLY), &size);
    bool sealed = kp_row_bool (result, row, LOOKUP_SEALED);
    if (stored_hash && stored) {
        *same_request = hash_size == KP_IDEM_HASH_BYTES
                     && memcmp (stored_hash, hash, KP_IDEM_HASH_BYTES) == 0;
        found = 1;
        if (sealed)
            *reply = keys ? kp_hetu_unseal (keys, stored, size, reply_size) : NULL;
        else {
            *reply = kp_malloc (size ? size : 1);
            if (*reply) {
                memcpy (*reply, stored, size);
                *reply_size = size;
            }
        }
        if (!*reply && sealed)
            kp_error ("a stored reply does not open with this service's keys");
        else
        if (!*reply)
            found = -1;
    }
    PQfreemem (stored_hash);
    PQfreemem (stored);
    return found;
}

//  As s_found_row for a single key's lookup: 0 when it has no row.
static int
s_found (PGresult *result, const kp_hetu_keys_t *keys, const uint8_t *hash, uint8_t **reply,
         size_t *reply_size, bool *same_request)
{
    *reply = NULL;
    *reply_size = 0;
    if (PQntuples (result) != 1)
        return 0;
    return s_found_row (result, 0, keys, hash, reply, reply_size, same_request);
}

//  The bytes to store for reply: sealed (malloc'd, *sealed set) when the
//  service has keys, else the reply itself. NULL only if sealing failed.
static const uint8_t *
s_to_store (const kp_hetu_keys_t *keys, const uint8_t *reply, size_t size, size_t *stored_size,
            uint8_t **sealed)
{
    *sealed = NULL;
    *stored_size = size;
    if (!keys)
        return reply;
    *sealed = kp_hetu_seal (keys, reply, size, stored_size);
    return *sealed;
}

int
kp_idem_lookup (kp_db_t *db, const kp_hetu_keys_t *keys, const char *org_id, const char *key,
                const uint8_t *hash, uint8_t **reply, size_t *reply_size, bool *same_request)
{
    *reply = NULL;
    const char *values [] = { org_id, key };
    PGresult *result = kp_db_exec (db, "kp_idem_lookup", 2, values);
    if (!result)
        return -1;
    int found = s_found (result, keys, hash, reply, reply_size, same_request);
    PQclear (result);
    return found;
}

//  The lookups, one statement, after a BEGIN in the same round trip when
//  begin. A key twice in the batch gets its row twice.
static int
s_lookup_batch (kp_db_t *db, const kp_hetu_keys_t *keys, kp_idem_entry_t *entries, size_t count,
                bool begin)
{
    for (size_t index = 0; index < count; index++)
        entries [index] = (kp_idem_entry_t) {
            .org_id = entries [index].org_id, .key = entries [index].key, .hash = entries [index].hash
        };
    if (count == 0)
        return begin ? kp_db_begin (db) : 0;
    kp_array_t orgs = { 0 }, ids = { 0 };
    for (size_t index = 0; index < count; index++) {
        kp_array_text (&orgs, entries [index].org_id);
        kp_array_text (&ids, entries [index].key);
    }
    const char *values [] = { kp_array_end (&orgs), kp_array_end (&ids) };
    kp_db_step_t step = { .name = "kp_idem_lookup_set", .nparams = 2, .values = values };
    PGresult *result = NULL;
    int rc = begin ? kp_db_begin_with (db, &step, 1, &result) : kp_db_pipeline (db, &step, 1, &result);
    kp_array_free (&orgs);
    kp_array_free (&ids);
    if (rc)
        return -1;
    for (int row = 0; row < PQntuples (result); row++) {
        int64_t n = kp_row_int (result, row, LOOKUP_ENTRY);
        if (n < 1 || n > (int64_t) count || entries [n - 1].found) {
            rc = -1;                //  not a row this statement can return
            continue;
        }
        kp_idem_entry_t *entry = &entries [n - 1];
        //  Into locals, the reply pointer stored last: gcc 12's analyzer
        //  takes a store to another field of entries [n - 1] (a symbolic
        //  index) as overwriting it and would report the copy as leaked.
        uint8_t *reply = NULL;
        size_t reply_size = 0;
        bool same_request = false;
        int found = s_found_row (result, row, keys, entry->hash, &reply, &reply_size, &same_request);
        entry->found = found == 1;
        entry->same_request = same_request;
        entry->reply_size = reply_size;
        entry->reply = reply;
        if (found == -1)
            rc = -1;
    }
    PQclear (result);
    return rc;
}

int
kp_idem_lookup_batch (kp_db_t *db, const kp_hetu_keys_t *keys, kp_idem_entry_t *entries, size_t count)
{
    return s_lookup_batch (db, keys, entries, count, false);
}

int
kp_idem_begin_lookup_batch (kp_db_t *db, const kp_hetu_keys_t *keys, kp_idem_entry_t *entries,
                            size_t count)
{
    return s_lookup_batch (db, keys, entries, count, true);
}

//  The stores, one statement, then the COMMIT in the same round trip
//  when commit.
static int
s_store_batch (kp_db_t *db, const kp_hetu_keys_t *keys, const kp_idem_entry_t *entries,
               const char *const *operations, const uint8_t *const *replies,
               const size_t *sizes, size_t count, bool commit)
{
    if (count == 0)
        return commit ? kp_db_commit (db) : 0;
    enum { ORG, KEY, OPERATION, HASH, REPLY, SEALED, STORE_ARRAYS };
    kp_array_t arrays [STORE_ARRAYS] = { { 0 } };
    int rc = 0;
    for (size_t index = 0; index < count && rc == 0; index++) {
        uint8_t *sealed;
        size_t stored_size;
        const uint8_t *stored = s_to_store (keys, replies [index], sizes [index], &stored_size, &sealed);
        if (!stored) {
            rc = -1;
            break;
        }
        kp_array_text (&arrays [ORG], entries [index].org_id);
        kp_array_text (&arrays [KEY], entries [index].key);
        kp_array_text (&arrays [OPERATION], operations [index]);
        kp_array_bytes (&arrays [HASH], entries [index].hash, KP_IDEM_HASH_BYTES);
        kp_array_bytes (&arrays [REPLY], stored, stored_size);
        kp_array_text (&arrays [SEALED], keys ? "true" : "false");
        free (sealed);
    }
    const char *values [STORE_ARRAYS];
    for (int array = 0; array < STORE_ARRAYS; array++)
        values [array] = kp_array_end (&arrays [array]);
    kp_db_step_t step = { .name = "kp_idem_store_set", .nparams = STORE_ARRAYS, .values = values };
    if (rc == 0 && commit)
        rc = kp_db_commit_with (db, &step, 1);
    else
    if (rc == 0) {
        PGresult *result = NULL;
        rc = kp_db_pipeline (db, &step, 1, &result);
        PQclear (result);
    }
    for (int array = 0; array < STORE_ARRAYS; array++)
        kp_array_free (&arrays [array]);
    return rc;
}

int
kp_idem_store_batch (kp_db_t *db, const kp_hetu_keys_t *keys, const kp_idem_entry_t *entries,
                     const char *const *operations, const uint8_t *const *replies,
                     const size_t *sizes, size_t count)
{
    return s_store_batch (db, keys, entries, operations, replies, sizes, count, false);
}

int
kp_idem_store_commit (kp_db_t *db, const kp_hetu_keys_t *keys, const kp_idem_entry_t *entries,
                      const char *const *operations, const uint8_t *const *replies,
                      const size_t *sizes, size_t count)
{
    return s_store_batch (db, keys, entries, operations, replies, sizes, count, true);
}

int
kp_idem_store (kp_db_t *db, const kp_hetu_keys_t *keys, const char *org_id, const char *key,
               const char *operation, const uint8_t *hash, const uint8_t *reply, size_t reply_size)
{
    uint8_t *sealed;
    size_t stored_size;
    const uint8_t *stored = s_to_store (keys, reply, reply_size, &stored_size, &sealed);
    if (!stored)
        return -1;
    const char *values [] = {
        org_id, key, operation, (const char *) hash, (const char *) stored, keys ? "true" : "false"
    };
    const int lengths [] = { 0, 0, 0, KP_IDEM_HASH_BYTES, (int) stored_size, 0 };
    const int formats [] = { 0, 0, 0, 1, 1, 0 };
    PGresult *result = kp_db_exec_params (db, "kp_idem_store", 6, values, lengths, formats);
    free (sealed);
    if (!result)
        return -1;
    PQclear (result);
    return 0;
}

int
kp_idem_sweep (kp_db_t *db, int retention_days, int limit)
{
    char days [16], batch [16];
    snprintf (days, sizeof days, "%d", retention_days);
    snprintf (batch, sizeof batch, "%d", limit);
    const char *values [] = { days, batch };
    PGresult *result = kp_db_exec (db, "kp_idem_sweep", 2, values);
    if (!result)
        return -1;
    int deleted = atoi (PQcmdTuples (result));
    PQclear (result);
    return deleted;
}

//  --------------------------------------------------------------------------
//  The sweeper: one timer, a tick a second, a batch when one is due.

struct _kp_idem_sweeper_t {
    zloop_t *loop;
    kp_db_t *db;
    int retention_days;
    int timer_id;
    int ticks_to_wait;              //  until the next batch
};

static int
s_on_sweep_tick (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    kp_idem_sweeper_t *self = arg;
    if (self->ticks_to_wait-- > 0)
        return 0;
    int deleted = kp_idem_sweep (self->db, self->retention_days, KP_IDEM_SWEEP_BATCH);
    if (deleted < 0)
        kp_warn ("idempotency sweep failed: %s", kp_db_message (self->db));
    else
    if (deleted > 0)
        kp_debug ("idempotency sweep removed %d expired keys", deleted);
    self->ticks_to_wait = deleted == KP_IDEM_SWEEP_BATCH ? 0 : KP_IDEM_SWEEP_IDLE_TICKS - 1;
    return 0;
}

kp_idem_sweeper_t *
kp_idem_sweeper_new (zloop_t *loop, kp_db_t *db, int retention_days)
{
    kp_idem_sweeper_t *self = kp_calloc (1, sizeof (kp_idem_sweeper_t));
    if (!self)
        return NULL;
    self->loop = loop;
    self->db = db;
    self->retention_days = retention_days;
    self->timer_id = zloop_timer (loop, KP_IDEM_SWEEP_TICK_MS, 0, s_on_sweep_tick, self);
    if (self->timer_id == -1)
        kp_idem_sweeper_destroy (&self);
    return self;
}

void
kp_idem_sweeper_destroy (kp_idem_sweeper_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        kp_idem_sweeper_t *self = *self_p;
        if (self->timer_id != -1 && self->loop)
            zloop_timer_end (self->loop, self->timer_id);
        free (self);
        *self_p = NULL;
    }
}
