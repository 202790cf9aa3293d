/*  Migration 0012's backfill, in a database of its own: migrated up to
    0011, given cases as they were before snapshots existed (one open, one
    closed), then migrated to the end. Each existing case gets a start
    snapshot from the client's attributes of that moment, marked
    backfilled; no exit snapshot is invented for the closed one. */
#include "harness.h"
#include "kp_migrate.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char s_dbname [64];                  //  kpt_backfill_<pid>
static char s_conninfo [1024];              //  superuser, in that database

static void
s_admin_exec (const char *sql)
{
    PGresult *result = PQexec (kpt_admin (), sql);
    cr_assert_eq (PQresultStatus (result), PGRES_COMMAND_OK, "%s: %s", sql, PQresultErrorMessage (result));
    PQclear (result);
}

static void
s_create_database (void)
{
    //  Criterion runs each test in its own process: the pid keeps names apart.
    snprintf (s_dbname, sizeof s_dbname, "kpt_backfill_%d", (int) getpid ());
    char sql [128];
    snprintf (sql, sizeof sql, "CREATE DATABASE %s", s_dbname);
    s_admin_exec (sql);
    snprintf (s_conninfo, sizeof s_conninfo, "%s dbname=%s", getenv ("KUMPPANI_TEST_ADMIN_CONNINFO"), s_dbname);
}

static void
s_drop_database (void)
{
    char sql [128];
    snprintf (sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", s_dbname);
    PGresult *result = PQexec (kpt_admin (), sql);
    PQclear (result);
    kpt_teardown ();
}

TestSuite (snapshot_backfill, .init = s_create_database, .fini = s_drop_database, .timeout = 60);

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
    int rc = kp_migrate_run (s_conninfo, copy, &applied);
    snprintf (command, sizeof command, "rm -rf '%s'", copy);
    cr_assert_eq (system (command), 0);
    cr_assert_eq (rc, 0, "the migrations failed (see the log above)");
    return applied;
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
    PGconn *conn = PQconnectdb (s_conninfo);
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

    //  Below 13: later migrations (0014, …) are not this test's subject.
    cr_assert_eq (s_migrate_below (13), 1, "0012 and nothing else was left to apply");
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
