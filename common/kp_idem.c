/*  kp_idem — stored replies for retried requests (see kp_idem.h). */
#include "kp_idem.h"
#include "kp_codec.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

const kp_stmt_t kp_idem_statements [] = {
    { "kp_idem_lookup",
      "SELECT request_hash, reply FROM kp.idempotency"
      " WHERE org_id = $1::text AND key = $2::text AND service = session_user::text" },
    { "kp_idem_store",
      "INSERT INTO kp.idempotency (org_id, key, operation, request_hash, reply)"
      " VALUES ($1::text, $2::text, $3::text, $4::bytea, $5::bytea)" },
    { NULL }
};

void
kp_idem_request_hash (const char *operation, const ProtobufCMessage *body, uint8_t *hash)
{
    crypto_hash_sha256_state state;
    crypto_hash_sha256_init (&state);
    crypto_hash_sha256_update (&state, (const uint8_t *) operation, strlen (operation) + 1);
    if (body) {
        size_t size;
        uint8_t *packed = kp_codec_pack (body, &size);
        if (packed)
            crypto_hash_sha256_update (&state, packed, size);
        free (packed);
    }
    crypto_hash_sha256_final (&state, hash);
}

//  Row 0 of a lookup's result into *reply / *same_request: 1 found, 0 no
//  row, -1 unreadable.
static int
s_found (PGresult *result, const uint8_t *hash, uint8_t **reply, size_t *reply_size, bool *same_request)
{
    *reply = NULL;
    if (PQntuples (result) != 1)
        return 0;
    int found = -1;
    size_t hash_size = 0, size = 0;
    unsigned char *stored_hash = PQunescapeBytea (
        (const unsigned char *) PQgetvalue (result, 0, 0), &hash_size);
    unsigned char *stored = PQunescapeBytea (
        (const unsigned char *) PQgetvalue (result, 0, 1), &size);
    if (stored_hash && stored) {
        *same_request = hash_size == KP_IDEM_HASH_BYTES
                     && memcmp (stored_hash, hash, KP_IDEM_HASH_BYTES) == 0;
        *reply = malloc (size ? size : 1);
        if (*reply) {
            memcpy (*reply, stored, size);
            *reply_size = size;
            found = 1;
        }
    }
    PQfreemem (stored_hash);
    PQfreemem (stored);
    return found;
}

int
kp_idem_lookup (kp_db_t *db, const char *org_id, const char *key, const uint8_t *hash,
                uint8_t **reply, size_t *reply_size, bool *same_request)
{
    *reply = NULL;
    const char *values [] = { org_id, key };
    PGresult *result = kp_db_exec (db, "kp_idem_lookup", 2, values);
    if (!result)
        return -1;
    int found = s_found (result, hash, reply, reply_size, same_request);
    PQclear (result);
    return found;
}

int
kp_idem_lookup_batch (kp_db_t *db, kp_idem_entry_t *entries, size_t count)
{
    const char **values = calloc (count * 2 + 1, sizeof (char *));
    PGresult **results = calloc (count + 1, sizeof (PGresult *));
    int rc = -1;
    if (!values || !results)
        goto cleanup;
    for (size_t index = 0; index < count; index++) {
        values [index * 2] = entries [index].org_id;
        values [index * 2 + 1] = entries [index].key;
    }
    if (kp_db_exec_pipelined (db, "kp_idem_lookup", (int) count, 2, values, NULL, NULL, results))
        goto cleanup;
    rc = 0;
    for (size_t index = 0; index < count; index++) {
        kp_idem_entry_t *entry = &entries [index];
        //  Into locals, the reply pointer stored last: gcc 12's analyzer
        //  takes a store to another field of entries [index] (a symbolic
        //  index) as overwriting it and would report the copy as leaked.
        uint8_t *reply = NULL;
        size_t reply_size = 0;
        bool same_request = false;
        int found = s_found (results [index], entry->hash, &reply, &reply_size, &same_request);
        entry->found = found == 1;
        entry->same_request = same_request;
        entry->reply_size = reply_size;
        entry->reply = reply;
        if (found == -1)
            rc = -1;
        PQclear (results [index]);
    }
cleanup:
    free (values);
    free (results);
    return rc;
}

int
kp_idem_store_batch (kp_db_t *db, const kp_idem_entry_t *entries, const char *const *operations,
                     const uint8_t *const *replies, const size_t *sizes, size_t count)
{
    const char **values = calloc (count * 5 + 1, sizeof (char *));
    int *lengths = calloc (count * 5 + 1, sizeof (int));
    PGresult **results = calloc (count + 1, sizeof (PGresult *));
    const int formats [] = { 0, 0, 0, 1, 1 };
    int rc = -1;
    if (!values || !lengths || !results)
        goto cleanup;
    for (size_t index = 0; index < count; index++) {
        const char **row = values + index * 5;
        row [0] = entries [index].org_id;
        row [1] = entries [index].key;
        row [2] = operations [index];
        row [3] = (const char *) entries [index].hash;
        row [4] = (const char *) replies [index];
        lengths [index * 5 + 3] = KP_IDEM_HASH_BYTES;
        lengths [index * 5 + 4] = (int) sizes [index];
    }
    rc = kp_db_exec_pipelined (db, "kp_idem_store", (int) count, 5, values, lengths, formats, results);
    for (size_t index = 0; rc == 0 && index < count; index++)
        PQclear (results [index]);
cleanup:
    free (values);
    free (lengths);
    free (results);
    return rc;
}

int
kp_idem_store (kp_db_t *db, const char *org_id, const char *key, const char *operation,
               const uint8_t *hash, const uint8_t *reply, size_t reply_size)
{
    const char *values [] = { org_id, key, operation, (const char *) hash, (const char *) reply };
    const int lengths [] = { 0, 0, 0, KP_IDEM_HASH_BYTES, (int) reply_size };
    const int formats [] = { 0, 0, 0, 1, 1 };
    PGresult *result = kp_db_exec_params (db, "kp_idem_store", 5, values, lengths, formats);
    if (!result)
        return -1;
    PQclear (result);
    return 0;
}
