/*  kp_audit — append through the database function, verify here with an
    independent SHA-256 (libsodium) over the same canonical text. */
#include "kp_audit.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

const kp_stmt_t kp_audit_statements [] = {
    { "kp_audit_append",
      "SELECT kp.audit_append ($1::text, $2::text, $3::text, $4::text,"
      " $5::text, $6::text, $7::text, $8::text)" },
    { NULL }
};

int
kp_audit_append (kp_db_t *db, const kp_audit_entry_t *entry)
{
    const char *values [] = {
        entry->org_id, entry->person_id ? entry->person_id : "",
        entry->role ? entry->role : "", entry->action, entry->client_ref,
        entry->basis, entry->recipient_org, entry->detail
    };
    PGresult *result = kp_db_exec (db, "kp_audit_append", 8, values);
    if (!result)
        return -1;
    PQclear (result);
    return 0;
}

static bool
s_bytea (const PGresult *result, int row, int column, uint8_t *out)
{
    size_t size = 0;
    unsigned char *bytes = PQunescapeBytea ((const unsigned char *) PQgetvalue (result, row, column), &size);
    bool ok = bytes && size == crypto_hash_sha256_BYTES;
    if (ok)
        memcpy (out, bytes, size);
    PQfreemem (bytes);
    return ok;
}

int
kp_audit_verify (kp_db_t *db, int64_t *bad_seq, int64_t *rows)
{
    *bad_seq = 0;
    *rows = 0;
    if (kp_db_command (db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"))
        return -1;
    PGconn *conn = kp_db_conn (db);
    //  Rows come in seq order with the canonical text the writer hashed.
    PGresult *result = PQexec (conn,
        "SELECT seq, kp.audit_canonical (seq, at, service, actor_org, actor_person, actor_role,"
        " action, client_ref, basis, recipient_org, detail), prev_hash, hash"
        " FROM kp.audit_log ORDER BY seq");
    PGresult *head = PQexec (conn, "SELECT last_seq, last_hash FROM kp.audit_head WHERE id = 1");
    int rc = -1;
    if (PQresultStatus (result) != PGRES_TUPLES_OK || PQresultStatus (head) != PGRES_TUPLES_OK
    ||  PQntuples (head) != 1)
        goto cleanup;

    uint8_t expected_prev [crypto_hash_sha256_BYTES] = { 0 };
    int64_t expected_seq = 1;
    rc = 0;
    for (int row = 0; row < PQntuples (result) && rc == 0; row++) {
        int64_t seq = strtoll (PQgetvalue (result, row, 0), NULL, 10);
        const char *canonical = PQgetvalue (result, row, 1);
        uint8_t prev [crypto_hash_sha256_BYTES], hash [crypto_hash_sha256_BYTES];
        uint8_t computed [crypto_hash_sha256_BYTES];
        crypto_hash_sha256_state state;
        crypto_hash_sha256_init (&state);
        crypto_hash_sha256_update (&state, expected_prev, sizeof expected_prev);
        crypto_hash_sha256_update (&state, (const uint8_t *) canonical, strlen (canonical));
        crypto_hash_sha256_final (&state, computed);
        if (seq != expected_seq
        ||  !s_bytea (result, row, 2, prev) || !s_bytea (result, row, 3, hash)
        ||  memcmp (prev, expected_prev, sizeof prev) != 0
        ||  memcmp (hash, computed, sizeof hash) != 0) {
            *bad_seq = expected_seq;
            rc = 1;
            break;
        }
        memcpy (expected_prev, hash, sizeof hash);
        expected_seq++;
        (*rows)++;
    }
    //  A deleted tail leaves the head pointing past the last row.
    if (rc == 0) {
        uint8_t head_hash [crypto_hash_sha256_BYTES];
        if (strtoll (PQgetvalue (head, 0, 0), NULL, 10) != expected_seq - 1
        ||  !s_bytea (head, 0, 1, head_hash)
        ||  memcmp (head_hash, expected_prev, sizeof head_hash) != 0) {
            *bad_seq = expected_seq;
            rc = 1;
        }
    }
cleanup:
    PQclear (result);
    PQclear (head);
    kp_db_command (db, "COMMIT");
    return rc;
}
