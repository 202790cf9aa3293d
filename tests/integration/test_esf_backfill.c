/*  Migration 0026 in a database of its own: migrated up to 0025, given
    a client and a case with its start snapshot as they were before the
    ESF+ companions existed, then migrated to the end. The existing
    snapshot gets its companion from the client's attributes of that
    moment, marked backfilled; a snapshot written afterwards gets its
    companion from the trigger, not backfilled; reporting reads the
    answers but not the mark. */
#include "harness.h"
#include "kp_migrate.h"

#include <criterion/criterion.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TestSuite (esf_backfill, .init = kpt_setup_empty_database, .fini = kpt_teardown_empty_database, .timeout = 60);

//  Runs the migrations of the test's directory whose number is below
//  before (all when 0), from a copy; returns how many it applied.
static int
s_migrate_below (int before)
{
    const char *dir = getenv ("KUMPPANI_TEST_MIGRATIONS_DIR");
    cr_assert (dir && *dir, "KUMPPANI_TEST_MIGRATIONS_DIR is not set: run through `make test`");
    char copy [] = "/tmp/kpt-esf-backfill-XXXXXX", command [4096];
    cr_assert_not_null (mkdtemp (copy));
    snprintf (command, sizeof command, "cp '%s'/*.sql '%s'/", dir, copy);
    cr_assert_eq (system (command), 0);
    for (int number = before; before && number < before + 100; number++) {
        snprintf (command, sizeof command, "rm -f '%s'/%04d_*.sql", copy, number);
        cr_assert_eq (system (command), 0);
    }
    int applied = -1;
    int rc = kp_migrate_run (kpt_database_conninfo (), copy, &applied);
    snprintf (command, sizeof command, "rm -rf '%s'", copy);
    cr_assert_eq (system (command), 0);
    cr_assert_eq (rc, 0, "the migrations failed (see the log above)");
    return applied;
}

//  How many of the test directory's migrations are numbered from first
//  on: what remains to apply after s_migrate_below (first), later
//  migrations of other features included.
static int
s_count_from (int first)
{
    const char *dir = getenv ("KUMPPANI_TEST_MIGRATIONS_DIR");
    cr_assert (dir && *dir);
    char pattern [4096];
    snprintf (pattern, sizeof pattern, "%s/[0-9][0-9][0-9][0-9]_*.sql", dir);
    glob_t found;
    cr_assert_eq (glob (pattern, 0, NULL, &found), 0);
    int count = 0;
    for (size_t index = 0; index < found.gl_pathc; index++)
        count += atoi (strrchr (found.gl_pathv [index], '/') + 1) >= first;
    globfree (&found);
    return count;
}

static void
s_exec (PGconn *conn, const char *sql)
{
    PGresult *result = PQexec (conn, sql);
    cr_assert_eq (PQresultStatus (result), PGRES_COMMAND_OK, "%s: %s", sql, PQresultErrorMessage (result));
    PQclear (result);
}

static void
s_value_is (PGconn *conn, const char *sql, const char *expected)
{
    PGresult *result = PQexec (conn, sql);
    cr_assert_eq (PQresultStatus (result), PGRES_TUPLES_OK, "%s: %s", sql, PQresultErrorMessage (result));
    cr_assert_eq (PQntuples (result), 1, "%s: %d rows", sql, PQntuples (result));
    cr_assert_str_eq (PQgetvalue (result, 0, 0), expected, "%s", sql);
    PQclear (result);
}

Test (esf_backfill, existing_snapshots_get_their_answers)
{
    cr_assert_gt (s_migrate_below (26), 0);
    PGconn *conn = PQconnectdb (kpt_database_conninfo ());
    cr_assert_eq (PQstatus (conn), CONNECTION_OK, "%s", PQerrorMessage (conn));
    s_exec (conn, "INSERT INTO intake.clients (client_id, municipality, birth_date, gender, language,"
                  " foreign_background, disability, homelessness, living_alone, created_by_org) VALUES"
                  " ('c-old', '743', '1990-06-15', 'man', 'sv', 'yes', 'prefers_not_to_say', NULL, 'no', 'muni-743')");
    s_exec (conn, "INSERT INTO intake.cases (case_id, client_id, municipality, channel, responsible_worker,"
                  " opened_at, opened_by_org) VALUES"
                  " ('k-old', 'c-old', '743', 'own_contact', 'w1', '2024-03-10 12:00+02', 'muni-743')");
    s_value_is (conn, "SELECT intake.take_participant_snapshot ('k-old', 'start')", "1");

    cr_assert_eq (s_migrate_below (0), s_count_from (26), "0026 and the later ones were left to apply");
    s_value_is (conn, "SELECT concat_ws ('|', kind, language, foreign_background, disability,"
                      " coalesce (homelessness::text, '-'), living_alone, backfilled)"
                      " FROM intake.esf_snapshots WHERE case_id = 'k-old'",
                "start|sv|yes|prefers_not_to_say|-|no|t");
    //  A snapshot taken now (the case closes): its companion from the trigger.
    s_exec (conn, "UPDATE intake.clients SET homelessness = 'yes' WHERE client_id = 'c-old'");
    s_exec (conn, "UPDATE intake.cases SET state = 'closed', closed_at = '2024-09-01 12:00+03',"
                  " closure_reason = 'no_need' WHERE case_id = 'k-old'");
    s_value_is (conn, "SELECT intake.take_participant_snapshot ('k-old', 'exit')", "1");
    s_value_is (conn, "SELECT concat_ws ('|', kind, language, homelessness, backfilled)"
                      " FROM intake.esf_snapshots WHERE case_id = 'k-old' AND kind = 'exit'",
                "exit|sv|yes|f");
    s_value_is (conn, "SELECT count(*) FROM intake.esf_snapshots", "2");
    PQfinish (conn);
}
