/*  kp_audit — append through the database function; verify here, from
    each row's raw column values, with the canonical form and SHA-256 of
    kp_audit_canon. The database is asked for bytes only, never for a
    canonical form or a hash it computed: whoever can edit rows can also
    replace a database function. */
#include "kp_audit.h"
#include "kp_audit_canon.h"
#include "kp_batch.h"
#include "kp_log.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const kp_col_t s_seq_row [] = { { "seq", "int8" }, { NULL } };

const kp_stmt_t kp_audit_statements [] = {
    { "kp_audit_append",
      "SELECT kp.audit_append ($1::text, $2::text, $3::text, $4::text,"
      " $5::text, $6::text, $7::text, $8::text) AS seq", s_seq_row },
    { NULL }
};

int
kp_audit_append (kp_db_t *db, const kp_audit_entry_t *entry)
{
    //  Inside a transaction the row waits for COMMIT (kp_batch), so the
    //  audit head is locked only from there.
    if (kp_db_in_transaction (db))
        return kp_batch_audit (db, entry);
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

//  Every value is fetched in binary: numbers and timestamps as fixed-width
//  integers and text as its bytes, none of it shaped by DateStyle,
//  TimeZone or extra_float_digits. Only client_encoding matters, and the
//  transaction pins it to UTF8, the encoding both formats hash.
static const char *s_rows_sql =
    "SELECT seq, at, format, service, actor_org, actor_person, actor_role, action,"
    " client_ref, basis, recipient_org, detail, prev_hash, hash FROM kp.audit_log ORDER BY seq";
static const char *s_head_sql = "SELECT last_seq, last_hash FROM kp.audit_head WHERE id = 1";

//  PostgreSQL counts timestamps in microseconds from 2000-01-01 UTC.
#define PG_EPOCH_US     INT64_C(946684800000000)

typedef enum {
    COLUMN_SEQ, COLUMN_AT, COLUMN_FORMAT, COLUMN_SERVICE, COLUMN_ORG, COLUMN_PERSON,
    COLUMN_ROLE, COLUMN_ACTION, COLUMN_CLIENT, COLUMN_BASIS, COLUMN_RECIPIENT,
    COLUMN_DETAIL, COLUMN_PREV_HASH, COLUMN_HASH, COLUMNS
} s_column_t;

static const char *s_column_names [COLUMNS] = {
    "seq", "at", "format", "service", "actor_org", "actor_person", "actor_role", "action",
    "client_ref", "basis", "recipient_org", "detail", "prev_hash", "hash"
};
//  Their type OIDs (pg_type.h): int8 20, timestamptz 1184, int2 21, text
//  25, bytea 17. A column retyped behind our back (bytea could carry a
//  NUL that would end a C string early) is refused, not read.
static const Oid s_column_types [COLUMNS] = { 20, 1184, 21, 25, 25, 25, 25, 25, 25, 25, 25, 25, 17, 17 };

static bool
s_int (const PGresult *result, int row, int column, int width, int64_t *value)
{
    if (column < 0 || PQgetisnull (result, row, column) || PQgetlength (result, row, column) != width)
        return false;
    const uint8_t *bytes = (const uint8_t *) PQgetvalue (result, row, column);
    uint64_t unsigned_value = 0;
    for (int byte = 0; byte < width; byte++)
        unsigned_value = unsigned_value << 8 | bytes [byte];
    //  Sign-extend a narrower two's-complement value.
    if (width < 8 && (unsigned_value >> (8 * width - 1)) & 1)
        unsigned_value |= ~UINT64_C(0) << (8 * width);
    *value = (int64_t) unsigned_value;
    return true;
}

static bool
s_hash (const PGresult *result, int row, int column, uint8_t *out)
{
    if (column < 0 || PQgetisnull (result, row, column)
    ||  PQgetlength (result, row, column) != KP_AUDIT_HASH_SIZE)
        return false;
    memcpy (out, PQgetvalue (result, row, column), KP_AUDIT_HASH_SIZE);
    return true;
}

static const char *
s_text (const PGresult *result, int row, int column)
{
    if (column < 0 || PQgetisnull (result, row, column))
        return NULL;
    const char *text = PQgetvalue (result, row, column);
    return strlen (text) == (size_t) PQgetlength (result, row, column) ? text : NULL;
}

//  Row `row` of the audit log as kp_audit_canon takes it, its stored
//  hashes too; false if a value is missing or not of its column's type
//  (then no hash can be computed, and the row counts as broken).
static bool
s_row (const PGresult *result, int row, const int *column, kp_audit_row_t *out,
       uint8_t *prev, uint8_t *hash)
{
    int64_t format, pg_at;
    if (!s_int (result, row, column [COLUMN_SEQ], 8, &out->seq)
    ||  !s_int (result, row, column [COLUMN_AT], 8, &pg_at)
    ||  !s_int (result, row, column [COLUMN_FORMAT], 2, &format)
    ||  !s_hash (result, row, column [COLUMN_PREV_HASH], prev)
    ||  !s_hash (result, row, column [COLUMN_HASH], hash)
    ||  __builtin_add_overflow (pg_at, PG_EPOCH_US, &out->at_us))
        return false;               //  ±infinity overflows too: never written
    out->format = (int) format;
    const char **text [] = {
        &out->service, &out->actor_org, &out->actor_person, &out->actor_role, &out->action,
        &out->client_ref, &out->basis, &out->recipient_org, &out->detail
    };
    for (int field = 0; field < COLUMN_DETAIL - COLUMN_SERVICE + 1; field++)
        if (!(*text [field] = s_text (result, row, column [COLUMN_SERVICE + field])))
            return false;
    return true;
}

static PGresult *
s_query (PGconn *conn, const char *sql)
{
    PGresult *result = PQexecParams (conn, sql, 0, NULL, NULL, NULL, NULL, 1);
    if (PQresultStatus (result) != PGRES_TUPLES_OK) {
        kp_error ("audit verify: %s", PQresultErrorMessage (result));
        PQclear (result);
        return NULL;
    }
    return result;
}

int
kp_audit_verify (kp_db_t *db, int64_t *bad_seq, int64_t *rows)
{
    *bad_seq = 0;
    *rows = 0;
    if (kp_db_command (db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"))
        return -1;
    PGconn *conn = kp_db_conn (db);
    PGresult *result = NULL, *head = NULL;
    int rc = -1;
    const char *datetimes = PQparameterStatus (conn, "integer_datetimes");
    if (!datetimes || strcmp (datetimes, "on") != 0) {
        kp_error ("audit verify: the server does not send timestamps as integers");
        goto cleanup;
    }
    if (kp_db_command (db, "SET LOCAL client_encoding = 'UTF8'")
    ||  !(result = s_query (conn, s_rows_sql)) || !(head = s_query (conn, s_head_sql)))
        goto cleanup;
    if (PQntuples (head) != 1) {
        kp_error ("audit verify: kp.audit_head has %d rows, not one", PQntuples (head));
        goto cleanup;
    }
    int column [COLUMNS];
    for (int index = 0; index < COLUMNS; index++) {
        column [index] = PQfnumber (result, s_column_names [index]);
        if (column [index] < 0 || PQftype (result, column [index]) != s_column_types [index]) {
            kp_error ("audit verify: kp.audit_log.%s is not of the type the writer made", s_column_names [index]);
            goto cleanup;
        }
    }

    uint8_t expected_prev [KP_AUDIT_HASH_SIZE] = { 0 };
    int64_t expected_seq = 1;
    rc = 0;
    for (int row = 0; row < PQntuples (result); row++) {
        kp_audit_row_t audit;
        uint8_t prev [KP_AUDIT_HASH_SIZE], hash [KP_AUDIT_HASH_SIZE], computed [KP_AUDIT_HASH_SIZE];
        if (!s_row (result, row, column, &audit, prev, hash)
        ||  audit.seq != expected_seq
        ||  memcmp (prev, expected_prev, sizeof prev) != 0
        ||  kp_audit_hash (expected_prev, &audit, computed)
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
        int64_t head_seq;
        uint8_t head_hash [KP_AUDIT_HASH_SIZE];
        if (!s_int (head, 0, PQfnumber (head, "last_seq"), 8, &head_seq)
        ||  !s_hash (head, 0, PQfnumber (head, "last_hash"), head_hash)
        ||  head_seq != expected_seq - 1
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
