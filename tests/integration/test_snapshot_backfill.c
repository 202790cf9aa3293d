/*  Migration 0012's backfill, in a database of its own: migrated up to
    0011, given cases as they were before snapshots existed (one open, one
    closed), then migrated to the end. Each existing case gets a start
    snapshot from the client's attributes of that moment, marked
    backfilled; no exit snapshot is invented for the closed one. */
#include "harness.h"
#include "kp_migrate.h"

#include <criterion/criterion.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TestSuite (snapshot_backfill, .init = kpt_setup_empty_database, .fini = kpt_teardown_empty_database, .timeout = 60);

//  Runs the migrations of the test's directory whose number is below
//  before (all when 0), from a copy; returns how many it applied.
static int
s_migrate_below (int before)
{
    const char *dir = getenv ("KUMPPANI_TEST_MIGRATIONS_DIR");
    cr_assert (dir && *dir, "KUMPPANI_TEST_MIGRATIONS_DIR is not set: run through `make test`");
    char copy [] = "/tmp/kpt-backfill-XXXXXX", command [4096];
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

Test (snapshot_backfill, existing_cases_get_a_start_and_no_exit)
{
    cr_assert_gt (s_migrate_below (12), 0);
    PGconn *conn = PQconnectdb (kpt_database_conninfo ());
    cr_assert_eq (PQstatus (conn), CONNECTION_OK, "%s", PQerrorMessage (conn));
    s_exec (conn, "INSERT INTO intake.clients (client_id, municipality, birth_date, gender,"
                  " labour_market_status, education_level, created_by_org) VALUES"
                  " ('c-open', '743', '1990-06-15', 'man', 'long_term_unemployed', 'isced_0_2', 'muni-743'),"
                  " ('c-closed', '091', NULL, NULL, NULL, NULL, 'muni-091')");
    s_exec (conn, "UPDATE intake.clients SET birth_year = 1970 WHERE client_id = 'c-closed'");
    s_exec (conn, "INSERT INTO intake.cases (case_id, client_id, municipality, channel, responsible_worker,"
                  " opened_at, opened_by_org) VALUES"
                  " ('k-open', 'c-open', '743', 'own_contact', 'w1', '2024-03-10 12:00+02', 'muni-743'),"
                  " ('k-closed', 'c-closed', '091', 'own_contact', 'w1', '2023-01-10 12:00+02', 'muni-091')");
    s_exec (conn, "UPDATE intake.cases SET state = 'closed', closed_at = '2023-06-01 12:00+03',"
                  " closure_reason = 'no_need' WHERE case_id = 'k-closed'");

    cr_assert_eq (s_migrate_below (0), s_count_from (12), "0012 and the later ones were left to apply");
    //  Start snapshots from the attributes as they are, at the opening
    //  day's age; unknowns stay unknown.
    s_value_is (conn, "SELECT concat_ws ('|', kind, taken_at = '2024-03-10 12:00+02', age, gender,"
                      " labour_market_status, education_level, municipality, backfilled)"
                      " FROM intake.participant_snapshots WHERE case_id = 'k-open'",
                "start|t|33|man|long_term_unemployed|isced_0_2|743|t");
    s_value_is (conn, "SELECT concat_ws ('|', kind, age, coalesce (gender::text, '-'),"
                      " coalesce (labour_market_status::text, '-'), municipality, backfilled)"
                      " FROM intake.participant_snapshots WHERE case_id = 'k-closed'",
                "start|53|-|-|091|t");
    s_value_is (conn, "SELECT count(*) FROM intake.participant_snapshots WHERE kind = 'exit'", "0");
    PQfinish (conn);
}
