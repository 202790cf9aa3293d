/*  Intake's caseload watches at a size where plans matter (migration
    0042): 20,000 cases over three years, most of them closed, assessed or
    reminded already, as a county's tables are. Each tick's searches are
    planned through the watches' indexes, with no sequential scan of the
    cases, clocks, reminders, assessments or notices, and they find what
    the statements of before (every case's due day computed, every past
    deadline looked at) found, in the same order. The statements are
    intake's own, compiled in as the unit tests do; run as the intake
    role, on a database of this suite's own. */
#include "harness.h"
#include "../../services/intake/intake_caseload_sql.c"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

TestSuite (caseload_ticks, .init = kpt_setup_own_database, .fini = kpt_teardown_own_database, .timeout = 120);

#define TODAY "2026-12-02"

//  Cases opened over 1000 days before TODAY: 40% closed, 90% assessed,
//  a third with a contact since, the clocks' notices of over a month ago
//  and the contact reminders of the past sent, but one in fifty of the cases due for a
//  contact not yet reminded.
static const char s_cases [] =
    "INSERT INTO intake.clients (client_id, municipality, created_by_org)"
    "  SELECT 'ticks-cl-' || g, '743', 'muni-743' FROM generate_series (1, 20000) g;"
    "INSERT INTO intake.cases (case_id, client_id, municipality, channel, responsible_worker, state,"
    "                          opened_at, closed_at, closure_reason, opened_by_org)"
    "  SELECT 'ticks-' || lpad (g::text, 6, '0'), 'ticks-cl-' || g, '743', 'own_contact', '',"
    "         CASE WHEN g % 10 < 4 THEN 'closed' ELSE 'opened' END::intake.case_state,"
    "         timestamptz '" TODAY " 12:00+02' - (g % 1000) * interval '1 day',"
    "         CASE WHEN g % 10 < 4 THEN timestamptz '" TODAY " 12:00+02' - (g % 1000) * interval '12 hours' END,"
    "         CASE WHEN g % 10 < 4 THEN (enum_range (NULL::intake.closure_reason)) [1] END, 'muni-743'"
    "    FROM generate_series (1, 20000) g;"
    "INSERT INTO intake.case_clocks (case_id, opened_on, pending_on, working_days, deadline, warning_on,"
    "                                last_contact_on)"
    "  SELECT 'ticks-' || lpad (g::text, 6, '0'), d, d, 7, d + 9, d + 8,"
    "         CASE WHEN g % 3 = 0 THEN least (d + g % 50, date '" TODAY "') END"
    "    FROM generate_series (1, 20000) g CROSS JOIN LATERAL (SELECT date '" TODAY "' - g % 1000 AS d) o;"
    "INSERT INTO intake.assessments (case_id, started_at)"
    "  SELECT case_id, opened_at + interval '2 days' FROM intake.cases"
    "   WHERE case_id LIKE 'ticks-%' AND substr (case_id, 7)::int % 20 NOT IN (5, 8);"
    "INSERT INTO intake.clock_notices (case_id, notice, deadline)"
    "  SELECT cl.case_id, n.notice, cl.deadline FROM intake.case_clocks cl"
    "   CROSS JOIN (VALUES ('warning'), ('breach')) AS n (notice)"
    "   WHERE cl.case_id LIKE 'ticks-%' AND cl.deadline < date '" TODAY "' - 30"
    "     AND NOT EXISTS (SELECT 1 FROM intake.assessments a WHERE a.case_id = cl.case_id);"
    "INSERT INTO intake.contact_reminders (case_id, due_on)"
    "  SELECT cl.case_id, intake.contact_due_on (cl.last_contact_on, cl.opened_on, false, 6)"
    "    FROM intake.case_clocks cl JOIN intake.cases c ON c.case_id = cl.case_id"
    "   WHERE c.case_id LIKE 'ticks-%' AND c.state <> 'closed' AND substr (c.case_id, 7)::int % 50 <> 0"
    "     AND intake.contact_due_on (cl.last_contact_on, cl.opened_on, false, 6) < date '" TODAY "' - 5;";

//  The searches as they were before migration 0042.
static const char s_contact_before [] =
    "SELECT c.case_id, " CASE_CONTACT_DUE ("$2") "::text AS due_on FROM intake.cases c"
    " JOIN intake.case_clocks cl ON cl.case_id = c.case_id"
    " WHERE c.state <> 'closed' AND " CASE_CONTACT_DUE ("$2") " <= $1::date"
    " AND NOT EXISTS (SELECT 1 FROM intake.contact_reminders r WHERE r.case_id = c.case_id"
    "                 AND r.due_on = " CASE_CONTACT_DUE ("$2") ")"
    " ORDER BY 2, c.case_id LIMIT 100";
static const char s_breach_before [] =
    "SELECT cl.case_id, cl.deadline::text AS due_on FROM intake.case_clocks cl"
    " JOIN intake.cases c ON c.case_id = cl.case_id"
    " WHERE cl.deadline < $1::date AND c.state <> 'closed'"
    " AND NOT EXISTS (SELECT 1 FROM intake.assessments a WHERE a.case_id = cl.case_id)"
    " AND NOT EXISTS (SELECT 1 FROM intake.clock_notices n WHERE n.case_id = cl.case_id AND n.notice = 'breach')"
    " ORDER BY cl.deadline, cl.case_id";
static const char s_warning_before [] =
    "SELECT cl.case_id, cl.deadline::text AS due_on FROM intake.case_clocks cl"
    " JOIN intake.cases c ON c.case_id = cl.case_id"
    " WHERE cl.warning_on <= $1::date AND cl.deadline >= $1::date AND c.state <> 'closed'"
    " AND NOT EXISTS (SELECT 1 FROM intake.assessments a WHERE a.case_id = cl.case_id)"
    " AND NOT EXISTS (SELECT 1 FROM intake.clock_notices n WHERE n.case_id = cl.case_id AND n.notice = 'warning')"
    " ORDER BY cl.warning_on, cl.case_id";

static const char *
s_sql (const char *name)
{
    for (const kp_stmt_t *stmt = intake_caseload_statements; stmt->name; stmt++)
        if (strcmp (stmt->name, name) == 0)
            return stmt->sql;
    cr_assert_fail ("no statement %s", name);
    return NULL;
}

static void
s_prepare (PGconn *conn, const char *name, const char *sql)
{
    PGresult *result = PQprepare (conn, name, sql, 0, NULL);
    cr_assert_eq (PQresultStatus (result), PGRES_COMMAND_OK, "%s: %s", name, PQerrorMessage (conn));
    PQclear (result);
}

static PGresult *
s_run (PGconn *conn, const char *name, int count, const char *const *values)
{
    PGresult *result = PQexecPrepared (conn, name, count, values, NULL, NULL, 0);
    ExecStatusType status = PQresultStatus (result);
    cr_assert (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK, "%s: %s", name, PQerrorMessage (conn));
    return result;
}

//  The plan of a prepared statement with its parameters, one text.
static char *
s_plan (PGconn *conn, const char *name, const char *arguments)
{
    char sql [200];
    snprintf (sql, sizeof sql, "EXPLAIN EXECUTE %s (%s)", name, arguments);
    PGresult *result = PQexec (conn, sql);
    cr_assert_eq (PQresultStatus (result), PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage (conn));
    size_t size = 1;
    for (int row = 0; row < PQntuples (result); row++)
        size += strlen (PQgetvalue (result, row, 0)) + 1;
    char *plan = zmalloc (size);
    for (int row = 0; row < PQntuples (result); row++) {
        strcat (plan, PQgetvalue (result, row, 0));
        strcat (plan, "\n");
    }
    PQclear (result);
    return plan;
}

static void
s_assert_indexed (PGconn *conn, const char *name, const char *arguments, const char *index)
{
    char *plan = s_plan (conn, name, arguments);
    cr_assert_not_null (strstr (plan, index), "%s is not planned through %s:\n%s", name, index, plan);
    const char *const tables [] = { "case_clocks", "cases", "contact_reminders", "assessments", "clock_notices" };
    for (size_t table = 0; table < sizeof tables / sizeof tables [0]; table++) {
        char scan [64];
        snprintf (scan, sizeof scan, "Seq Scan on %s ", tables [table]);
        cr_assert_null (strstr (plan, scan), "%s reads all of %s:\n%s", name, tables [table], plan);
    }
    free (plan);
}

//  Both results, row by row.
static void
s_assert_same (PGresult *after, PGresult *before, const char *what)
{
    cr_assert_eq (PQntuples (after), PQntuples (before), "%s: %d rows, before %d", what, PQntuples (after),
                  PQntuples (before));
    for (int row = 0; row < PQntuples (after); row++)
        for (int column = 0; column < 2; column++)
            cr_assert_str_eq (PQgetvalue (after, row, column), PQgetvalue (before, row, column), "%s, row %d",
                              what, row);
}

Test (caseload_ticks, the_watches_search_by_index_and_find_what_a_full_search_finds)
{
    PGresult *result = PQexec (kpt_admin (), s_cases);
    cr_assert_eq (PQresultStatus (result), PGRES_COMMAND_OK, "%s", PQresultErrorMessage (result));
    PQclear (result);
    PGconn *intake = kpt_connect_as ("intake");
    const char *const names [] = { "contact_due_settle", "contact_due_candidates", "clock_due_settle",
                                   "clock_due_breach", "clock_due_warning" };
    for (size_t index = 0; index < sizeof names / sizeof names [0]; index++)
        s_prepare (intake, names [index], s_sql (names [index]));
    s_prepare (intake, "contact_before", s_contact_before);
    s_prepare (intake, "breach_before", s_breach_before);
    s_prepare (intake, "warning_before", s_warning_before);

    //  A tick's first steps: what needs no reminder and no notice leaves
    //  the indexes (the reminders and notices of the past).
    const char *const contact [] = { TODAY, "6" };
    PQclear (s_run (intake, "contact_due_settle", 2, contact));
    PQclear (s_run (intake, "clock_due_settle", 1, contact));
    result = PQexec (kpt_admin (), "ANALYZE intake.cases, intake.case_clocks, intake.contact_reminders,"
                                   " intake.assessments, intake.clock_notices");
    cr_assert_eq (PQresultStatus (result), PGRES_COMMAND_OK, "%s", PQresultErrorMessage (result));
    PQclear (result);
    cr_assert_gt (kpt_scalar ("SELECT count(*) FROM intake.case_clocks WHERE contact_due_base IS NULL", NULL),
                  10000, "the past reminders and closed cases were not settled");

    s_assert_indexed (intake, "contact_due_settle", "'" TODAY "', '6'", "case_clocks_contact_due");
    s_assert_indexed (intake, "contact_due_candidates", "'" TODAY "', '6'", "case_clocks_contact_due");
    s_assert_indexed (intake, "clock_due_settle", "'" TODAY "'", "case_clocks_notices_due");
    s_assert_indexed (intake, "clock_due_breach", "'" TODAY "'", "case_clocks_notices_due");
    s_assert_indexed (intake, "clock_due_warning", "'" TODAY "'", "case_clocks_notices_due");

    //  What each finds is what the full searches find.
    PGresult *after = s_run (intake, "contact_due_candidates", 2, contact);
    PGresult *before = s_run (intake, "contact_before", 2, contact);
    cr_assert_gt (PQntuples (before), 10, "%d cases due: the scenario is wrong", PQntuples (before));
    s_assert_same (after, before, "contact due");
    PQclear (after);
    PQclear (before);
    //  The clock searches lock their row: one transaction, rolled back.
    result = PQexec (intake, "BEGIN");
    PQclear (result);
    const char *const today [] = { TODAY };
    for (int kind = 0; kind < 2; kind++) {
        after = s_run (intake, kind ? "clock_due_warning" : "clock_due_breach", 1, today);
        before = s_run (intake, kind ? "warning_before" : "breach_before", 1, today);
        cr_assert_gt (PQntuples (before), 0, "no clock %s due: the scenario is wrong", kind ? "warning" : "breach");
        cr_assert_eq (PQntuples (after), 1);
        cr_assert_str_eq (PQgetvalue (after, 0, 0), PQgetvalue (before, 0, 0), "%s", kind ? "warning" : "breach");
        cr_assert_str_eq (PQgetvalue (after, 0, 1), PQgetvalue (before, 0, 1), "%s", kind ? "warning" : "breach");
        PQclear (after);
        PQclear (before);
    }
    result = PQexec (intake, "ROLLBACK");
    PQclear (result);
    PQfinish (intake);
}
