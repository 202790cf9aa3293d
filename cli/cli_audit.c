/*  kumppani audit verify|head — the audit log's hash chain. verify
    recomputes every row's hash in C from the raw columns, trusting no
    function of the database; that catches any change but one: someone
    with database access who rewrites rows and recomputes every later hash
    and the head. Against that, `head` prints the chain's head as an anchor
    ("SEQ:HASH") to keep outside the database (a ticket, another system, a
    signed mail), and `verify --anchor SEQ:HASH` checks the chain still
    passes through it. */
#include "cli.h"
#include "kp_audit.h"
#include "kp_row.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
s_usage (FILE *out)
{
    fprintf (out,
        "usage: kumppani audit verify [--anchor SEQ:HASH]…\n"
        "       kumppani audit head\n"
        "verify recomputes every row's hash itself (KUMPPANI_DB_ADMIN_CONNINFO); exit 1 if the\n"
        "chain is broken, naming the first row that fails, or if it no longer passes\n"
        "through an anchor. head prints the current head as SEQ:HASH: keep it outside\n"
        "the database, so a rewrite with recomputed hashes is found later.\n");
    return out == stdout ? 0 : 2;
}

//  A row of the log or its head: the seq and the hash in hex.
#define S_HASH_ROW(C) \
    C (HASH_SEQ, "seq", "int8") \
    C (HASH_HEX, "hash", "text")
enum { S_HASH_ROW (KP_ROW_INDEX) };
static const kp_col_t s_hash_row [] = { S_HASH_ROW (KP_ROW_COLUMN) { NULL } };

static const kp_stmt_t s_statements [] = {
    { "cli_audit_row", "SELECT seq, encode (hash, 'hex') AS hash FROM kp.audit_log WHERE seq = $1::int8",
      s_hash_row },
    { "cli_audit_head",
      "SELECT last_seq AS seq, encode (last_hash, 'hex') AS hash FROM kp.audit_head WHERE id = 1",
      s_hash_row },
    { NULL }
};

//  The hex hash of row seq (or of the head when seq is NULL) into hex;
//  0, 1 if there is no such row, -1 on a database error.
static int
s_hash_of (kp_db_t *db, const char *seq, char *hex, size_t size, char *head_seq, size_t seq_size)
{
    if (kp_db_register (db, s_statements)) {
        fprintf (stderr, "kumppani audit: %s\n", kp_db_message (db));
        return -1;
    }
    PGresult *result = seq ? kp_db_exec (db, "cli_audit_row", 1, &seq) : kp_db_exec (db, "cli_audit_head", 0, NULL);
    if (!result) {
        fprintf (stderr, "kumppani audit: %s\n", kp_db_message (db));
        return -1;
    }
    int rc = PQntuples (result) == 1 ? 0 : 1;
    if (rc == 0) {
        snprintf (head_seq, seq_size, "%s", kp_row_text (result, 0, HASH_SEQ));
        snprintf (hex, size, "%s", kp_row_text (result, 0, HASH_HEX));
    }
    PQclear (result);
    return rc;
}

//  Every --anchor SEQ:HASH in argv; 0 if the chain passes through all.
static int
s_check_anchors (kp_db_t *db, int argc, char **argv)
{
    for (int index = 1; index < argc - 1; index++) {
        if (strcmp (argv [index], "--anchor") != 0)
            continue;
        const char *anchor = argv [++index];
        char seq [32], hash [130], stored [130], found [32];
        if (sscanf (anchor, "%31[0-9]:%129[0-9a-f]", seq, hash) != 2 || strlen (hash) != 64) {
            fprintf (stderr, "kumppani audit: an anchor is SEQ:HASH as `kumppani audit head` prints it, not '%s'\n",
                     anchor);
            return 2;
        }
        int rc = s_hash_of (db, seq, stored, sizeof stored, found, sizeof found);
        if (rc == -1)
            return 1;
        if (rc == 1 || strcmp (stored, hash) != 0) {
            printf ("audit log BROKEN at anchor seq %s: %s since the anchor was taken\n", seq,
                    rc == 1 ? "the row is gone" : "the chain was rewritten");
            return 1;
        }
    }
    return 0;
}

int
cli_audit (int argc, char **argv, const kp_config_t *config)
{
    (void) config;
    bool verify = argc >= 2 && strcmp (argv [1], "verify") == 0;
    bool head = argc >= 2 && strcmp (argv [1], "head") == 0;
    if ((!verify && !head) || cli_flag (argc, argv, "--help"))
        return s_usage (verify || head || (argc >= 2 && strcmp (argv [1], "--help") == 0) ? stdout : stderr);
    const char *conninfo = getenv ("KUMPPANI_DB_ADMIN_CONNINFO");
    if (!conninfo) {
        fprintf (stderr, "kumppani audit: set KUMPPANI_DB_ADMIN_CONNINFO\n");
        return 2;
    }
    kp_db_t *db = kp_db_new (conninfo, 2000);
    if (!db)
        return 1;
    int rc;
    if (head) {
        char hash [130], seq [32];
        rc = s_hash_of (db, NULL, hash, sizeof hash, seq, sizeof seq);
        if (rc == 0)
            printf ("%s:%s\n", seq, hash);
        else
        if (rc == 1)
            fprintf (stderr, "kumppani audit: the audit log has no head yet\n");
        kp_db_destroy (&db);
        return rc == 0 ? 0 : 1;
    }
    int64_t bad_seq = 0, rows = 0;
    rc = kp_audit_verify (db, &bad_seq, &rows);
    if (rc == 0 && (rc = s_check_anchors (db, argc, argv)) == 0)
        printf ("audit log intact: %" PRId64 " rows\n", rows);
    else
    if (rc == 1 && bad_seq)
        printf ("audit log BROKEN at seq %" PRId64 " (%" PRId64 " rows before it are intact)\n", bad_seq, rows);
    else
    if (rc == -1)
        fprintf (stderr, "kumppani audit: %s\n", kp_db_message (db));
    kp_db_destroy (&db);
    return rc == 0 ? 0 : rc == 2 ? 2 : 1;
}
