/*  Tampering with the audit log behind the services' back, and
    `kumppani audit verify` catching it: an altered row, a deleted row, a
    deleted tail, two rows swapped, a forged row slipped in, a row edited
    and the database's canonical function replaced to cover it, a 0x1f
    moved from one field to the next, a column retyped to smuggle a NUL
    byte. Each test has
    a database of its own (the shared one's chain must stay intact for the
    other suites) holding a chain of five rows made by kp.audit_append. The
    superuser switches the append-only trigger off to tamper, as an
    attacker with database access could; only the hash chain is left to
    tell. */
#include "harness.h"
#include "kp_migrate.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHAIN_ROWS 5

static void
s_exec (PGconn *conn, const char *sql)
{
    PGresult *result = PQexec (conn, sql);
    cr_assert (PQresultStatus (result) == PGRES_COMMAND_OK || PQresultStatus (result) == PGRES_TUPLES_OK,
               "%s: %s", sql, PQresultErrorMessage (result));
    PQclear (result);
}

//  A migrated database of this test's own with an intact chain.
static void
s_setup (void)
{
    kpt_setup ();
    kpt_setup_empty_database ();
    int applied = 0;
    cr_assert_eq (kp_migrate_run (kpt_database_conninfo (), kpt_migrations_dir (), &applied), 0);
    PGconn *conn = PQconnectdb (kpt_database_conninfo ());
    char sql [256];
    for (int row = 1; row <= CHAIN_ROWS; row++) {
        snprintf (sql, sizeof sql, "SELECT kp.audit_append ('muni-743', 'worker-1', 'ROLE_SOCIAL_WORKER',"
                                   " 'intake.get_client', 'client-%d', NULL, NULL, 'read %d')", row, row);
        s_exec (conn, sql);
    }
    PQfinish (conn);
}

TestSuite (audit_tamper, .init = s_setup, .fini = kpt_teardown_empty_database, .timeout = 60);

//  Runs the statements with the append-only trigger off, as one change.
static void
s_tamper (const char *const *statements)
{
    PGconn *conn = PQconnectdb (kpt_database_conninfo ());
    s_exec (conn, "BEGIN");
    s_exec (conn, "ALTER TABLE kp.audit_log DISABLE TRIGGER audit_log_append_only");
    for (; *statements; statements++)
        s_exec (conn, *statements);
    s_exec (conn, "ALTER TABLE kp.audit_log ENABLE TRIGGER audit_log_append_only");
    s_exec (conn, "COMMIT");
    PQfinish (conn);
}

//  `kumppani audit ARGS` on this test's database: its exit status, and
//  its first line of output in line.
static int
s_audit (const char *args, char *line, size_t size)
{
    char command [2048];
    snprintf (command, sizeof command, "KUMPPANI_DB_ADMIN_CONNINFO='%s' '%s/kumppani' audit %s 2>&1",
              kpt_database_conninfo (), getenv ("KUMPPANI_TEST_BIN_DIR"), args);
    FILE *output = popen (command, "r");
    cr_assert_not_null (output);
    *line = 0;
    if (!fgets (line, (int) size, output))
        *line = 0;
    line [strcspn (line, "\n")] = 0;
    //  The rest is read too, or a second line would die of SIGPIPE.
    char rest [512];
    while (fgets (rest, sizeof rest, output))
        ;
    int status = pclose (output);
    return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static int
s_verify (char *line, size_t size)
{
    return s_audit ("verify", line, size);
}

static void
s_expect_broken_at (int seq)
{
    char line [256], expected [64];
    cr_assert_eq (s_verify (line, sizeof line), 1, "tampering went unnoticed: %s", line);
    snprintf (expected, sizeof expected, "audit log BROKEN at seq %d ", seq);
    cr_assert (strncmp (line, expected, strlen (expected)) == 0, "expected \"%s…\", got \"%s\"", expected, line);
}

Test (audit_tamper, intact_chain_verifies)
{
    char line [256];
    cr_assert_eq (s_verify (line, sizeof line), 0, "%s", line);
    cr_assert_str_eq (line, "audit log intact: 5 rows");
}

Test (audit_tamper, altered_row_is_found)
{
    s_tamper ((const char *[]) { "UPDATE kp.audit_log SET client_ref = 'client-9' WHERE seq = 4", NULL });
    s_expect_broken_at (4);
}

Test (audit_tamper, altered_timestamp_is_found)
{
    s_tamper ((const char *[]) { "UPDATE kp.audit_log SET at = at - interval '1 day' WHERE seq = 2", NULL });
    s_expect_broken_at (2);
}

Test (audit_tamper, deleted_row_is_found)
{
    s_tamper ((const char *[]) { "DELETE FROM kp.audit_log WHERE seq = 3", NULL });
    s_expect_broken_at (3);
}

Test (audit_tamper, deleted_tail_is_found)
{
    //  The head still names seq 5 and its hash: the chain ends short of it.
    s_tamper ((const char *[]) { "DELETE FROM kp.audit_log WHERE seq >= 4", NULL });
    s_expect_broken_at (4);
}

Test (audit_tamper, swapped_rows_are_found)
{
    //  Rows 2 and 3 trade places, hashes and all.
    s_tamper ((const char *[]) {
        "UPDATE kp.audit_log SET seq = -2 WHERE seq = 2",
        "UPDATE kp.audit_log SET seq = 2 WHERE seq = 3",
        "UPDATE kp.audit_log SET seq = 3 WHERE seq = -2",
        NULL });
    s_expect_broken_at (2);
}

Test (audit_tamper, renumbered_rows_are_found)
{
    //  Row 3 removed and the later rows moved down to close the gap.
    s_tamper ((const char *[]) {
        "DELETE FROM kp.audit_log WHERE seq = 3",
        "UPDATE kp.audit_log SET seq = seq - 1 WHERE seq > 3",
        "UPDATE kp.audit_head SET last_seq = 4",
        NULL });
    s_expect_broken_at (3);
}

Test (audit_tamper, forged_row_is_found)
{
    //  A row copied from seq 2 with a new detail, appended with the head moved.
    s_tamper ((const char *[]) {
        "INSERT INTO kp.audit_log SELECT 6, at, service, actor_org, actor_person, actor_role, action,"
        " client_ref, basis, recipient_org, 'a read that never happened', prev_hash, hash"
        " FROM kp.audit_log WHERE seq = 2",
        "UPDATE kp.audit_head SET last_seq = 6, last_hash = (SELECT hash FROM kp.audit_log WHERE seq = 6)",
        NULL });
    s_expect_broken_at (6);
}

//  What the chain alone cannot catch: a row rewritten and every later hash
//  and the head recomputed. An anchor kept outside the database can.
Test (audit_tamper, rewritten_and_rehashed_chain_is_found_by_an_anchor)
{
    char anchor [256], line [512], args [400];
    cr_assert_eq (s_audit ("head", anchor, sizeof anchor), 0, "%s", anchor);
    cr_assert (strncmp (anchor, "5:", 2) == 0 && strlen (anchor) == 2 + 64, "head: %s", anchor);
    snprintf (args, sizeof args, "verify --anchor %s", anchor);
    cr_assert_eq (s_audit (args, line, sizeof line), 0, "%s", line);

    s_tamper ((const char *[]) {
        "UPDATE kp.audit_log SET client_ref = 'client-9' WHERE seq = 3",
        "DO $$ DECLARE r record; prev bytea; BEGIN"
        "  SELECT hash INTO prev FROM kp.audit_log WHERE seq = 2;"
        "  FOR r IN SELECT * FROM kp.audit_log WHERE seq >= 3 ORDER BY seq LOOP"
        "    UPDATE kp.audit_log SET prev_hash = prev, hash = sha256 (prev || kp.audit_canonical_v2 ("
        "      r.seq, r.at, r.service, r.actor_org, r.actor_person, r.actor_role, r.action, r.client_ref,"
        "      r.basis, r.recipient_org, r.detail)) WHERE seq = r.seq RETURNING hash INTO prev;"
        "  END LOOP;"
        "  UPDATE kp.audit_head SET last_hash = prev WHERE id = 1;"
        "END $$",
        NULL });
    //  The recomputed chain holds together by itself …
    cr_assert_eq (s_verify (line, sizeof line), 0, "the rehash did not reproduce the writer's hash: %s", line);
    //  … but no longer passes through the anchor taken before.
    cr_assert_eq (s_audit (args, line, sizeof line), 1, "%s", line);
    cr_assert_str_eq (line, "audit log BROKEN at anchor seq 5: the chain was rewritten since the anchor was taken");
    cr_assert_eq (s_audit ("verify --anchor 5:nothex", line, sizeof line), 2, "%s", line);
}

//  Whoever can edit rows can also replace functions. Row 3 is edited and
//  kp.audit_canonical (and kp.audit_canonical_v2 where it exists) made to
//  return every row's text from before the edit, so a verifier that asked
//  the database for canonical forms would see an intact chain. The
//  verifier computes them itself; the anchor, taken before and untouched,
//  passes, and the chain still breaks at 3.
Test (audit_tamper, edited_row_behind_a_replaced_canonical_function_is_found)
{
    char anchor [256], line [512], args [400];
    cr_assert_eq (s_audit ("head", anchor, sizeof anchor), 0, "%s", anchor);
    snprintf (args, sizeof args, "verify --anchor %s", anchor);
    s_tamper ((const char *[]) {
        "CREATE TABLE public.honest_v1 AS SELECT seq, kp.audit_canonical (seq, at, service, actor_org,"
        " actor_person, actor_role, action, client_ref, basis, recipient_org, detail) AS canonical"
        " FROM kp.audit_log",
        "DO $$ BEGIN IF to_regproc ('kp.audit_canonical_v2') IS NOT NULL THEN"
        "  EXECUTE 'CREATE TABLE public.honest_v2 AS SELECT seq, kp.audit_canonical_v2 (seq, at, service,"
        "   actor_org, actor_person, actor_role, action, client_ref, basis, recipient_org, detail) AS canonical"
        "   FROM kp.audit_log';"
        "  EXECUTE 'CREATE OR REPLACE FUNCTION kp.audit_canonical_v2 (p_seq bigint, p_at timestamptz,"
        "   p_service text, p_org text, p_person text, p_role text, p_action text, p_client text,"
        "   p_basis text, p_recipient text, p_detail text) RETURNS bytea LANGUAGE sql STABLE AS"
        "   ''SELECT canonical FROM public.honest_v2 WHERE seq = p_seq''';"
        " END IF; END $$",
        "CREATE OR REPLACE FUNCTION kp.audit_canonical (p_seq bigint, p_at timestamptz, p_service text,"
        " p_org text, p_person text, p_role text, p_action text, p_client text, p_basis text,"
        " p_recipient text, p_detail text) RETURNS text LANGUAGE sql STABLE AS"
        " 'SELECT canonical FROM public.honest_v1 WHERE seq = p_seq'",
        "UPDATE kp.audit_log SET client_ref = 'client-9' WHERE seq = 3",
        NULL });
    s_expect_broken_at (3);
    cr_assert_eq (s_audit (args, line, sizeof line), 1, "%s", line);
    cr_assert (strncmp (line, "audit log BROKEN at seq 3 ", 26) == 0, "with --anchor: %s", line);
}

//  Format 1 joined fields with 0x1f, so ("alice␟ROLE_OPERATOR",
//  "ROLE_SOCIAL_WORKER") as person and role hashed the same as ("alice",
//  "ROLE_OPERATOR␟ROLE_SOCIAL_WORKER"): the edit below went unseen.
Test (audit_tamper, a_separator_moved_between_fields_is_found)
{
    PGconn *conn = PQconnectdb (kpt_database_conninfo ());
    s_exec (conn, "SELECT kp.audit_append ('muni-743', 'alice' || chr (31) || 'ROLE_OPERATOR',"
                  " 'ROLE_SOCIAL_WORKER', 'intake.get_client', 'client-6', NULL, NULL, 'read 6')");
    PQfinish (conn);
    char line [256];
    cr_assert_eq (s_verify (line, sizeof line), 0, "%s", line);
    s_tamper ((const char *[]) {
        "UPDATE kp.audit_log SET actor_person = 'alice',"
        " actor_role = 'ROLE_OPERATOR' || chr (31) || 'ROLE_SOCIAL_WORKER' WHERE seq = 6",
        NULL });
    s_expect_broken_at (6);
}

//  The verifier reads text columns as C strings; a column retyped to bytea
//  could hide a change after a NUL byte. It is refused, not read.
Test (audit_tamper, a_retyped_column_is_refused)
{
    s_tamper ((const char *[]) {
        "ALTER TABLE kp.audit_log ALTER COLUMN detail TYPE bytea USING convert_to (detail, 'UTF8')",
        "UPDATE kp.audit_log SET detail = detail || '\\x00'::bytea || convert_to ('a read that never happened', 'UTF8')"
        " WHERE seq = 3",
        NULL });
    char line [512];
    int status = s_verify (line, sizeof line);
    cr_assert_eq (status, 1, "exit %d: %s", status, line);
    cr_assert (strstr (line, "intact") == NULL, "%s", line);
}
