/*  Migration 0016 on a database that has rows from before it: referral's
    proto numbers (smallint) become their enum labels value by value, a
    submission's history entry "from state 0" becomes NULL, 0 for "no
    assistance type / decision" becomes NULL, reporting's notice kinds
    follow (0, none, as NULL), and the view and deadline_state read the new types. In a
    database of its own, migrated to 0015 first from a copy of the files. */
#include "harness.h"
#include "kp_migrate.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char s_old_dir [64] = "/tmp/kpt_enums_XXXXXX";     //  0001 … 0015 only

//  An empty database of the test's own, and the migrations before 0016.
static void
s_setup (void)
{
    kpt_setup_empty_database ();
    kpt_migrations_before ("0016", s_old_dir);
}

static void
s_teardown (void)
{
    char command [300];
    snprintf (command, sizeof command, "rm -rf '%s'", s_old_dir);
    if (system (command) != 0)
        cr_log_error ("could not remove %s", s_old_dir);
    kpt_teardown_empty_database ();
}

TestSuite (migrate_enums, .init = s_setup, .fini = s_teardown, .timeout = 120);

static PGconn *
s_connect (void)
{
    PGconn *conn = PQconnectdb (kpt_database_conninfo ());
    cr_assert_eq (PQstatus (conn), CONNECTION_OK, "%s", PQerrorMessage (conn));
    return conn;
}

static void
s_sql (PGconn *conn, const char *sql)
{
    PGresult *result = PQexec (conn, sql);
    cr_assert (PQresultStatus (result) == PGRES_COMMAND_OK || PQresultStatus (result) == PGRES_TUPLES_OK,
               "%s: %s", sql, PQresultErrorMessage (result));
    PQclear (result);
}

//  The one text value sql returns.
static void
s_assert_value (PGconn *conn, const char *sql, const char *expected)
{
    PGresult *result = PQexec (conn, sql);
    cr_assert_eq (PQresultStatus (result), PGRES_TUPLES_OK, "%s: %s", sql, PQresultErrorMessage (result));
    cr_assert_eq (PQntuples (result), 1, "%s", sql);
    const char *value = PQgetisnull (result, 0, 0) ? "NULL" : PQgetvalue (result, 0, 0);
    cr_assert_str_eq (value, expected, "%s", sql);
    PQclear (result);
}

Test (migrate_enums, rows_from_before_keep_their_meaning)
{
    int applied = -1;
    cr_assert_eq (kp_migrate_run (kpt_database_conninfo (), s_old_dir, &applied), 0);
    cr_assert_eq (applied, 15);
    PGconn *conn = s_connect ();
    //  A §35 notice whose assessment started (the clock stopped in time),
    //  and an application transfer with its decision, as 0015 stored them.
    s_sql (conn,
        "INSERT INTO referral.referrals (referral_id, kind, state, sender_org, sender_type, sender_person,"
        " recipient_org, recipient_type, municipality, reason_category, legal_basis, notifier_may_be_named,"
        " urgent, client_ref, received_on, deadline, deadline_kind, warning_on, clock_stopped_at, deadline_met,"
        " assistance_type, decision)"
        " VALUES ('R1', 6, 6, 'te-1', 'te_office', 'p', 'muni-743', 'municipality', '743', 7, 2, true, false,"
        "   'c1', '2024-03-01', '2024-03-08', 'assessment_start', '2024-03-07', '2024-03-05', true, 0, 0),"
        "  ('R2', 3, 13, 'kela', 'kela', 'p', 'muni-743', 'municipality', '743', 2, 3, true, false,"
        "   'c2', '2024-03-01', NULL, NULL, NULL, NULL, NULL, 1, 2)");
    s_sql (conn,
        "INSERT INTO referral.referral_history (referral_id, operation, from_state, to_state, actor_org,"
        " actor_person, actor_role) VALUES ('R1', 'referral.submit_referral', 0, 1, 'te-1', 'p', 'r'),"
        " ('R1', 'intake.assessment_started', 1, 6, 'intake', '', 'r'),"
        " ('R2', 'referral.close', 12, 13, 'muni-743', 'p', 'r')");
    s_sql (conn,
        "INSERT INTO reporting.referral_notices (referral_id, municipality, kind, sender_org, received_on)"
        " VALUES ('R1', '743', 6, 'te-1', '2024-03-01'), ('R3', '743', 4, 'kela', '2024-03-02'),"
        " ('R4', '743', 0, 'kela', '2024-03-03')");

    cr_assert_eq (kp_migrate_run (kpt_database_conninfo (), kpt_migrations_dir (), &applied), 0);
    cr_assert_geq (applied, 1);
    s_assert_value (conn, "SELECT format ('%s %s %s %s', kind, state, reason_category, legal_basis)"
                          " FROM referral.referrals WHERE referral_id = 'R1'",
                    "section_35_notice assessment_started other section_35");
    s_assert_value (conn, "SELECT format ('%s %s', assistance_type IS NULL, decision IS NULL)"
                          " FROM referral.referrals WHERE referral_id = 'R1'", "t t");
    s_assert_value (conn, "SELECT format ('%s %s %s %s %s', kind, state, legal_basis, assistance_type, decision)"
                          " FROM referral.referrals WHERE referral_id = 'R2'",
                    "application_transfer closed client_request supplementary partly_granted");
    s_assert_value (conn, "SELECT string_agg (format ('%s>%s', coalesce (from_state::text, '-'), to_state), ' '"
                          " ORDER BY entry_id) FROM referral.referral_history",
                    "->received received>assessment_started transferred>closed");
    //  An event that named no kind was counted as "unspecified": NULL now.
    s_assert_value (conn, "SELECT string_agg (coalesce (kind::text, '-'), ' ' ORDER BY referral_id)"
                          " FROM reporting.referral_notices", "section_35_notice basic_amount_reduction -");
    s_assert_value (conn, "SELECT kind::text FROM referral.intake_referral_clients WHERE referral_id = 'R1'",
                    "section_35_notice");
    s_assert_value (conn, "SELECT referral.deadline_state (deadline, warning_on, clock_stopped_at, deadline_met,"
                          " '2024-03-20') FROM referral.referrals WHERE referral_id = 'R1'", "met");
    s_assert_value (conn, "SELECT referral.deadline_state (deadline, warning_on, clock_stopped_at, deadline_met,"
                          " '2024-03-20') FROM referral.referrals WHERE referral_id = 'R2'", "none");
    PQfinish (conn);
}
