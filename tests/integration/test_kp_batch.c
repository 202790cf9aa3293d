/*  kp_batch against the test cluster (no service runs): inside a
    transaction the audit rows and events wait in C and are written at
    COMMIT, so the audit head and the event counter are not locked while
    a transaction's work runs (before migration 0031 they were from the
    first append on, and every other writer queued behind); the chain and
    the seqs stay whole when another writer commits in between; a
    savepoint's rewind drops what came after it; a call naming another
    service's action fails alone; and the database refuses a hash it does
    not compute itself. */
#include "harness.h"
#include "kp_audit.h"
#include "kp_batch.h"
#include "kp_ids.h"
#include "kp_outbox.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_TOPIC "groups.kpt_batch"

static kp_db_t *s_first, *s_second;
static char s_tag [KP_ID_LEN + 1];  //  each test its own aggregate and detail

static kp_db_t *
s_connect (void)
{
    char conninfo [1024];
    const char *base = getenv ("KUMPPANI_TEST_CONNINFO");
    cr_assert (base && *base, "run through scripts/test.sh integration");
    snprintf (conninfo, sizeof conninfo, "%s user=groups", base);
    kp_db_t *db = kp_db_new (conninfo, 2000);
    cr_assert_not_null (db);
    cr_assert_eq (kp_db_register (db, kp_audit_statements), 0);
    cr_assert_eq (kp_db_register (db, kp_outbox_statements), 0);
    return db;
}

static void
s_init (void)
{
    s_first = s_connect ();
    s_second = s_connect ();
    kp_id_new (s_tag);
}

static void
s_fini (void)
{
    kp_db_destroy (&s_first);
    kp_db_destroy (&s_second);
    kpt_admin_close ();
}

TestSuite (kp_batch, .init = s_init, .fini = s_fini, .timeout = 30);

static long long
s_scalar (const char *sql)
{
    PGresult *result = PQexec (kpt_admin (), sql);
    cr_assert_eq (PQresultStatus (result), PGRES_TUPLES_OK, "%s: %s", sql, PQresultErrorMessage (result));
    long long value = atoll (PQgetvalue (result, 0, 0));
    PQclear (result);
    return value;
}

//  Rows of this test (by its tag) in the audit log and the outbox.
static long long
s_audit_rows (void)
{
    char sql [256];
    snprintf (sql, sizeof sql, "SELECT count(*) FROM kp.audit_log WHERE detail LIKE '%s%%'", s_tag);
    return s_scalar (sql);
}

static long long
s_events (void)
{
    char sql [256];
    snprintf (sql, sizeof sql, "SELECT count(*) FROM kp.events WHERE aggregate_id LIKE '%s%%'", s_tag);
    return s_scalar (sql);
}

static void
s_audit (kp_db_t *db, const char *action, const char *suffix, int expected)
{
    char detail [64];
    snprintf (detail, sizeof detail, "%s%s", s_tag, suffix);
    kp_audit_entry_t entry = {
        .org_id = "kpt-org", .person_id = "kpt-person", .role = "ROLE_OPERATOR", .action = action,
        .client_ref = "kpt-client", .detail = detail
    };
    cr_assert_eq (kp_audit_append (db, &entry), expected, "%s", kp_db_message (db));
}

static void
s_event (kp_db_t *db, const char *suffix)
{
    char aggregate [64];
    snprintf (aggregate, sizeof aggregate, "%s%s", s_tag, suffix);
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.topic = S_TOPIC;
    event.aggregate_id = aggregate;
    kp_event_scope_t scope = { .municipality = "091" };
    cr_assert_geq (kp_outbox_append (db, &event, &scope), 0, "%s", kp_db_message (db));
}

//  Whether another session can lock the row now, without waiting.
static bool
s_row_free (const char *table)
{
    PGconn *admin = kpt_admin ();
    PQclear (PQexec (admin, "BEGIN"));
    char sql [128];
    snprintf (sql, sizeof sql, "SELECT 1 FROM %s WHERE id = 1 FOR UPDATE NOWAIT", table);
    PGresult *result = PQexec (admin, sql);
    bool free_now = PQresultStatus (result) == PGRES_TUPLES_OK;
    PQclear (result);
    PQclear (PQexec (admin, "ROLLBACK"));
    return free_now;
}

static void
s_verify_chain (void)
{
    kp_db_t *admin = kp_db_new (getenv ("KUMPPANI_TEST_ADMIN_CONNINFO"), 2000);
    cr_assert_not_null (admin);
    int64_t bad_seq, rows;
    cr_assert_eq (kp_audit_verify (admin, &bad_seq, &rows), 0, "chain broken at %lld", (long long) bad_seq);
    kp_db_destroy (&admin);
    //  Gap-free from the first seq on.
    cr_assert_eq (s_scalar ("SELECT max(seq) - min(seq) + 1 - count(*) FROM kp.events"), 0);
    cr_assert_eq (s_scalar ("SELECT (SELECT last_seq FROM kp.event_counter) - max(seq) FROM kp.events"), 0);
}

Test (kp_batch, the_shared_rows_are_free_while_a_transaction_works)
{
    cr_assert_eq (kp_db_begin (s_first), 0);
    s_audit (s_first, "groups.kpt_batch", ":first", 0);
    s_event (s_first, ":first");
    //  Before 0031 both rows stayed locked from here to the COMMIT.
    cr_assert (s_row_free ("kp.audit_head"), "the audit head is locked by a transaction still working");
    cr_assert (s_row_free ("kp.event_counter"), "the event counter is locked by a transaction still working");
    cr_assert_eq (s_audit_rows (), 0, "written before COMMIT");

    //  Another writer commits in between: its rows come first.
    cr_assert_eq (kp_db_begin (s_second), 0);
    s_audit (s_second, "groups.kpt_batch", ":second", 0);
    s_event (s_second, ":second");
    cr_assert_eq (kp_db_commit (s_second), 0, "%s", kp_db_message (s_second));
    cr_assert_eq (kp_db_commit (s_first), 0, "%s", kp_db_message (s_first));

    cr_assert_eq (s_audit_rows (), 2);
    cr_assert_eq (s_events (), 2);
    char sql [512];
    snprintf (sql, sizeof sql,
              "SELECT (SELECT seq FROM kp.audit_log WHERE detail = '%s:first')"
              " - (SELECT seq FROM kp.audit_log WHERE detail = '%s:second')", s_tag, s_tag);
    cr_assert_gt (s_scalar (sql), 0, "the later COMMIT's row is not later in the chain");
    snprintf (sql, sizeof sql,
              "SELECT (SELECT seq FROM kp.events WHERE aggregate_id = '%s:first')"
              " - (SELECT seq FROM kp.events WHERE aggregate_id = '%s:second')", s_tag, s_tag);
    cr_assert_gt (s_scalar (sql), 0, "seqs are not in commit order");
    s_verify_chain ();
}

Test (kp_batch, many_rows_are_written_at_commit_and_rollback_writes_none)
{
    cr_assert_eq (kp_db_begin (s_first), 0);
    for (int index = 0; index < 40; index++) {
        char suffix [16];
        snprintf (suffix, sizeof suffix, ":%d", index);
        s_audit (s_first, "groups.kpt_batch", suffix, 0);
        s_event (s_first, suffix);
    }
    kp_db_rollback (s_first);
    cr_assert_eq (kp_db_begin (s_first), 0);
    cr_assert_eq (kp_db_commit (s_first), 0);
    cr_assert_eq (s_audit_rows (), 0, "a rolled-back transaction's rows were written");
    cr_assert_eq (s_events (), 0);

    cr_assert_eq (kp_db_begin (s_first), 0);
    for (int index = 0; index < 40; index++) {
        //  Quotes, backslashes and commas travel inside array literals.
        char suffix [32];
        snprintf (suffix, sizeof suffix, ":%d \"q\" \\b, {c}", index);
        s_audit (s_first, "groups.kpt_batch", suffix, 0);
        s_event (s_first, suffix);
    }
    cr_assert_eq (kp_db_commit (s_first), 0, "%s", kp_db_message (s_first));
    cr_assert_eq (s_audit_rows (), 40);
    cr_assert_eq (s_events (), 40);
    char sql [256];
    snprintf (sql, sizeof sql, "SELECT count(*) FROM kp.audit_log WHERE detail = '%s:7 \"q\" \\b, {c}'", s_tag);
    cr_assert_eq (s_scalar (sql), 1, "a value did not arrive as sent");
    s_verify_chain ();
}

Test (kp_batch, a_rewound_savepoint_drops_what_came_after_it)
{
    cr_assert_eq (kp_db_begin (s_first), 0);
    s_audit (s_first, "groups.kpt_batch", ":kept", 0);
    s_event (s_first, ":kept");
    cr_assert_eq (kp_db_command (s_first, "SAVEPOINT call"), 0);
    kp_batch_mark_t mark = kp_batch_mark (kp_db_batch (s_first));
    s_audit (s_first, "groups.kpt_batch", ":dropped", 0);
    s_event (s_first, ":dropped");
    cr_assert_eq (kp_db_command (s_first, "ROLLBACK TO SAVEPOINT call"), 0);
    kp_batch_rewind (kp_db_batch (s_first), mark);
    cr_assert_eq (kp_db_commit (s_first), 0, "%s", kp_db_message (s_first));
    cr_assert_eq (s_audit_rows (), 1);
    cr_assert_eq (s_events (), 1);
    s_verify_chain ();
}

Test (kp_batch, another_services_action_fails_its_call_not_the_transaction)
{
    cr_assert_eq (kp_db_begin (s_first), 0);
    s_audit (s_first, "intake.kpt_batch", ":foreign", -1);
    cr_assert_str_eq (kp_db_sqlstate (s_first), "42501");
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.topic = "intake.kpt_batch";
    event.aggregate_id = s_tag;
    cr_assert_lt (kp_outbox_append (s_first, &event, NULL), 0);
    cr_assert_str_eq (kp_db_sqlstate (s_first), "42501");
    s_audit (s_first, "groups.kpt_batch", ":own", 0);
    cr_assert_eq (kp_db_commit (s_first), 0, "%s", kp_db_message (s_first));
    cr_assert_eq (s_audit_rows (), 1);
    s_verify_chain ();
}

Test (kp_batch, the_database_refuses_a_hash_it_does_not_compute)
{
    PGconn *conn = kpt_connect_as ("groups");
    PQclear (PQexec (conn, "BEGIN"));
    PGresult *head = PQexec (conn, "SELECT last_seq + 1, encode (last_hash, 'hex') FROM kp.audit_head_lock ()");
    cr_assert_eq (PQresultStatus (head), PGRES_TUPLES_OK, "%s", PQerrorMessage (conn));
    char sql [1024];
    snprintf (sql, sizeof sql,
              "SELECT kp.audit_append_batch (%s, decode ('%s', 'hex'), '{o}', '{p}', '{r}',"
              " '{groups.kpt_batch}', '{c}', '{b}', '{x}', '{%s:forged}', ARRAY [sha256 ('forged')])",
              PQgetvalue (head, 0, 0), PQgetvalue (head, 0, 1), s_tag);
    PQclear (head);
    PGresult *result = PQexec (conn, sql);
    cr_assert_eq (PQresultStatus (result), PGRES_FATAL_ERROR, "a forged hash was stored");
    cr_assert_str_eq (PQresultErrorField (result, PG_DIAG_SQLSTATE), "22000");
    PQclear (result);
    PQclear (PQexec (conn, "ROLLBACK"));
    PQfinish (conn);
    cr_assert_eq (s_audit_rows (), 0);
}
