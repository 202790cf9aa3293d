/*  Migration 0032 on a database that already holds enrolments: migrated up
    to 0031 in a database of its own, enrolments written as the old text,
    then the rest applied. Every row keeps its status, now of the enum
    type groups.enrolment_status, which refuses a word outside it as the
    CHECK did. */
#include "harness.h"
#include "kp_migrate.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TestSuite (migrate_vocab, .init = kpt_setup_empty_database, .fini = kpt_teardown_empty_database, .timeout = 120);

static PGresult *
s_exec (PGconn *conn, const char *sql, ExecStatusType want)
{
    PGresult *result = PQexec (conn, sql);
    cr_assert_eq (PQresultStatus (result), want, "%s: %s", sql, PQresultErrorMessage (result));
    return result;
}

Test (migrate_vocab, enrolment_statuses_survive_as_the_enum)
{
    char copy [] = "/tmp/kpt_vocab_XXXXXX";
    kpt_migrations_before ("0032", copy);
    int applied = -1;
    cr_assert_eq (kp_migrate_run (kpt_database_conninfo (), copy, &applied), 0);
    cr_assert_gt (applied, 0);
    char command [128];
    snprintf (command, sizeof command, "rm -rf '%s'", copy);
    cr_assert_eq (system (command), 0);

    PGconn *conn = PQconnectdb (kpt_database_conninfo ());
    cr_assert_eq (PQstatus (conn), CONNECTION_OK, "%s", PQerrorMessage (conn));
    PQclear (s_exec (conn,
        "INSERT INTO groups.activities (activity_id, kind, title, organiser_org, municipality, capacity,"
        " audience, closed, compensation_cents, min_meetings)"
        " VALUES ('act-vocab', 'peer_support', 'Vertaisryhmä', 'ngo-743', '743', 2, 'open', true, 0, 0)",
        PGRES_COMMAND_OK));
    PQclear (s_exec (conn,
        "INSERT INTO groups.enrolments (activity_id, client_id, status, waitlist_seq) VALUES"
        " ('act-vocab', 'c-1', 'enrolled', NULL), ('act-vocab', 'c-2', 'waitlisted', 1),"
        " ('act-vocab', 'c-3', 'withdrawn', NULL)", PGRES_COMMAND_OK));
    PGresult *result = s_exec (conn, "SELECT pg_typeof (status)::text FROM groups.enrolments LIMIT 1",
                               PGRES_TUPLES_OK);
    cr_assert_str_eq (PQgetvalue (result, 0, 0), "text", "0032 ran early: nothing old to migrate");
    PQclear (result);
    PQfinish (conn);

    cr_assert_eq (kp_migrate_run (kpt_database_conninfo (), kpt_migrations_dir (), &applied), 0);
    cr_assert_geq (applied, 1, "0032 (and any later migration) applies on top");

    conn = PQconnectdb (kpt_database_conninfo ());
    cr_assert_eq (PQstatus (conn), CONNECTION_OK, "%s", PQerrorMessage (conn));
    result = s_exec (conn, "SELECT client_id, status::text, pg_typeof (status)::text FROM groups.enrolments"
                           " ORDER BY client_id", PGRES_TUPLES_OK);
    cr_assert_eq (PQntuples (result), 3);
    const char *want [] = { "enrolled", "waitlisted", "withdrawn" };
    for (int row = 0; row < 3; row++) {
        cr_assert_str_eq (PQgetvalue (result, row, 1), want [row], "%s", PQgetvalue (result, row, 0));
        cr_assert_str_eq (PQgetvalue (result, row, 2), "groups.enrolment_status");
    }
    PQclear (result);
    //  A word outside the vocabulary is refused, as the CHECK refused it.
    result = PQexec (conn, "UPDATE groups.enrolments SET status = 'pending' WHERE client_id = 'c-1'");
    cr_assert_eq (PQresultStatus (result), PGRES_FATAL_ERROR);
    cr_assert_str_eq (PQresultErrorField (result, PG_DIAG_SQLSTATE), "22P02", "invalid enum input");
    PQclear (result);
    PQfinish (conn);
}
