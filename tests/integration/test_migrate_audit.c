/*  Migrations and the audit log in a database of their own, made and
    dropped per test: migrations apply once and refuse a changed file; the
    audit chain verifies and pinpoints tampering; the database itself
    keeps services to the append functions and their own topics. */
#include "harness.h"
#include "kp_audit.h"
#include "kp_db.h"
#include "kp_migrate.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TestSuite (migrate_audit, .init = kpt_setup_empty_database, .fini = kpt_teardown_empty_database, .timeout = 120);

//  The files kp_migrate would apply (same pattern).
static int
s_migration_files (const char *dir)
{
    DIR *handle = opendir (dir);
    cr_assert_not_null (handle, "cannot read %s", dir);
    regex_t pattern;
    regcomp (&pattern, "^[0-9]{4}_[a-z0-9_]+\\.sql$", REG_EXTENDED | REG_NOSUB);
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir (handle)))
        count += regexec (&pattern, entry->d_name, 0, NULL, 0) == 0;
    regfree (&pattern);
    closedir (handle);
    return count;
}

//  A connection to the test database; user NULL means the superuser.
static PGconn *
s_connect (const char *user)
{
    char conninfo [1200];
    if (user)
        snprintf (conninfo, sizeof conninfo, "%s dbname=%s user=%s",
                  getenv ("KUMPPANI_TEST_CONNINFO"), kpt_database_name (), user);
    else
        snprintf (conninfo, sizeof conninfo, "%s", kpt_database_conninfo ());
    PGconn *conn = PQconnectdb (conninfo);
    cr_assert_eq (PQstatus (conn), CONNECTION_OK, "%s", PQerrorMessage (conn));
    return conn;
}

static long long
s_scalar (PGconn *conn, const char *sql)
{
    PGresult *result = PQexec (conn, sql);
    cr_assert_eq (PQresultStatus (result), PGRES_TUPLES_OK, "%s: %s", sql, PQresultErrorMessage (result));
    long long value = strtoll (PQgetvalue (result, 0, 0), NULL, 10);
    PQclear (result);
    return value;
}

//  The SQLSTATE a statement fails with, "" if it succeeds.
static const char *
s_sqlstate (PGconn *conn, const char *sql)
{
    static char state [8];
    PGresult *result = PQexec (conn, sql);
    ExecStatusType status = PQresultStatus (result);
    const char *field = PQresultErrorField (result, PG_DIAG_SQLSTATE);
    snprintf (state, sizeof state, "%s",
              status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK ? "" : field ? field : "?????");
    if (*state)
        cr_log_info ("%s -> %s %s", sql, state, PQresultErrorMessage (result));
    PQclear (result);
    return state;
}

static void
s_migrate (void)
{
    int applied = -1;
    cr_assert_eq (kp_migrate_run (kpt_database_conninfo (), kpt_migrations_dir (), &applied), 0,
                  "migrations fail on a fresh database (see the log above)");
    cr_assert_eq (applied, s_migration_files (kpt_migrations_dir ()));
}

Test (migrate_audit, migrations_apply_once_and_refuse_a_changed_file)
{
    const char *dir = kpt_migrations_dir ();
    int files = s_migration_files (dir);
    cr_assert_gt (files, 0);
    s_migrate ();
    int applied = -1;
    cr_assert_eq (kp_migrate_run (kpt_database_conninfo (), dir, &applied), 0);
    cr_assert_eq (applied, 0, "a second run applied %d files again", applied);
    PGconn *conn = s_connect (NULL);
    cr_assert_eq (s_scalar (conn, "SELECT count(*) FROM public.schema_migrations"), files);

    //  A copy where the first, long-applied file is edited and a new file
    //  follows it: the run must stop at the edit and not apply the new one.
    char copy [] = "/tmp/kpt-migrations-XXXXXX";
    cr_assert_not_null (mkdtemp (copy));
    char command [4096];
    snprintf (command, sizeof command, "cp '%s'/*.sql '%s'/", dir, copy);
    cr_assert_eq (system (command), 0);
    char path [512];
    snprintf (path, sizeof path, "%s/0001_roles_and_schemas.sql", copy);
    FILE *file = fopen (path, "a");
    cr_assert_not_null (file);
    fputs ("\n-- an edit after the fact\n", file);
    fclose (file);
    snprintf (path, sizeof path, "%s/9999_after_the_edit.sql", copy);
    file = fopen (path, "w");
    cr_assert_not_null (file);
    fputs ("CREATE TABLE public.after_the_edit (id int);\n", file);
    fclose (file);

    applied = -1;
    int rc = kp_migrate_run (kpt_database_conninfo (), copy, &applied);
    snprintf (command, sizeof command, "rm -rf '%s'", copy);
    cr_assert_eq (system (command), 0);
    cr_assert_eq (rc, -1, "a changed applied migration was accepted");
    cr_assert_eq (applied, 0);
    cr_assert_eq (s_scalar (conn, "SELECT count(*) FROM public.schema_migrations"), files);
    cr_assert_eq (s_scalar (conn, "SELECT count(*) FROM pg_tables WHERE tablename = 'after_the_edit'"), 0);
    PQfinish (conn);
}

Test (migrate_audit, audit_chain_verifies_and_names_the_tampered_row)
{
    s_migrate ();
    kp_db_t *db = kp_db_new (kpt_database_conninfo (), 2000);
    cr_assert_not_null (db);
    cr_assert_eq (kp_db_register (db, kp_audit_statements), 0);
    enum { ENTRIES = 5 };
    for (int index = 0; index < ENTRIES; index++) {
        char detail [32];
        snprintf (detail, sizeof detail, "referral r-%d", index);
        kp_audit_entry_t entry = {
            .org_id = "muni-743", .person_id = "worker-1", .role = "ROLE_SOCIAL_WORKER",
            .action = "referral.read", .client_ref = index % 2 ? "client-1" : NULL,
            .basis = index == 2 ? "consent-9" : NULL, .recipient_org = NULL, .detail = detail
        };
        cr_assert_eq (kp_audit_append (db, &entry), 0, "%s", kp_db_message (db));
    }
    int64_t bad_seq = -1, rows = -1;
    cr_assert_eq (kp_audit_verify (db, &bad_seq, &rows), 0);
    cr_assert_eq (rows, ENTRIES);
    cr_assert_eq (bad_seq, 0);

    //  A superuser can switch the guard off; the chain still tells.
    PGconn *conn = s_connect (NULL);
    cr_assert_str_eq (s_sqlstate (conn, "ALTER TABLE kp.audit_log DISABLE TRIGGER audit_log_append_only"), "");
    cr_assert_str_eq (s_sqlstate (conn, "UPDATE kp.audit_log SET detail = 'nothing to see' WHERE seq = 3"), "");
    cr_assert_str_eq (s_sqlstate (conn, "ALTER TABLE kp.audit_log ENABLE TRIGGER audit_log_append_only"), "");
    PQfinish (conn);
    cr_assert_eq (kp_audit_verify (db, &bad_seq, &rows), 1, "an edited row went unnoticed");
    cr_assert_eq (bad_seq, 3);
    cr_assert_eq (rows, 2, "the rows before the edit are intact");
    kp_db_destroy (&db);
}

Test (migrate_audit, audit_log_refuses_update_delete_and_truncate)
{
    s_migrate ();
    PGconn *conn = s_connect (NULL);
    PQclear (PQexec (conn, "SELECT kp.audit_append ('muni-743', 'worker-1', 'ROLE_SOCIAL_WORKER',"
                           " 'referral.read', NULL, NULL, NULL, 'r-1')"));
    cr_assert_eq (s_scalar (conn, "SELECT count(*) FROM kp.audit_log"), 1);
    //  Even the superuser, while the trigger is on.
    cr_assert_str_eq (s_sqlstate (conn, "UPDATE kp.audit_log SET detail = 'x'"), "42501");
    cr_assert_str_eq (s_sqlstate (conn, "DELETE FROM kp.audit_log"), "42501");
    cr_assert_str_eq (s_sqlstate (conn, "TRUNCATE kp.audit_log"), "42501");
    cr_assert_eq (s_scalar (conn, "SELECT count(*) FROM kp.audit_log"), 1);
    PQfinish (conn);
}

Test (migrate_audit, services_write_only_through_the_functions_and_their_own_topics)
{
    s_migrate ();
    PGconn *conn = s_connect ("reporting");
    //  Direct writes: no privilege at all.
    cr_assert_str_eq (s_sqlstate (conn,
        "INSERT INTO kp.audit_log VALUES (1, now (), 'reporting', 'o', 'p', 'r', 'a', '', '', '', '',"
        " '\\x00'::bytea, '\\x00'::bytea)"), "42501");
    cr_assert_str_eq (s_sqlstate (conn,
        "INSERT INTO kp.events (seq, topic, aggregate_id, occurred_at, producer, payload)"
        " VALUES (1000000, 'reporting.forged', 'a', now (), 'reporting', '\\x'::bytea)"), "42501");
    cr_assert_str_eq (s_sqlstate (conn, "UPDATE kp.event_counter SET last_seq = 0"), "42501");
    //  Through the functions: allowed, within the role's own topic prefix.
    cr_assert_str_eq (s_sqlstate (conn, "SELECT kp.audit_append ('muni-743', 'worker-1', 'ROLE_COORDINATOR',"
                                        " 'reporting.submit_observation', NULL, NULL, NULL, 'o-1')"), "");
    cr_assert_str_eq (s_sqlstate (conn, "SELECT kp.append_event ('reporting.x', 'a-1', now (), '743',"
                                        " NULL, NULL, '\\x'::bytea)"), "");
    cr_assert_str_eq (s_sqlstate (conn, "SELECT kp.append_event ('referral.x', 'a-2', now (), '743',"
                                        " NULL, NULL, '\\x'::bytea)"), "42501");
    PQfinish (conn);
    conn = s_connect (NULL);
    cr_assert_eq (s_scalar (conn, "SELECT count(*) FROM kp.events"), 1);
    cr_assert_eq (s_scalar (conn, "SELECT count(*) FROM kp.audit_log WHERE service = 'reporting'"), 1);
    PQfinish (conn);
}

//  The service roles' audit forgery attempts: another service's action,
//  an action with no service or a malformed one, and the parts of a row
//  that are not the caller's to choose (service, seq and hashes, the role
//  it logs in as). Each fails; each role's own append still works and is
//  recorded in its own name.
Test (migrate_audit, services_audit_only_their_own_operations)
{
    s_migrate ();
    static const char *roles [] = { "intake", "referral", "groups", "reporting", "stream", NULL };
    for (int index = 0; roles [index]; index++) {
        const char *role = roles [index], *other = roles [(index + 1) % 5];
        PGconn *conn = s_connect (role);
        char sql [512];
        snprintf (sql, sizeof sql, "SELECT kp.audit_append ('muni-743', 'worker-1', 'ROLE_SOCIAL_WORKER',"
                                   " '%s.get_thing', 'client-1', NULL, NULL, 'legitimate')", role);
        cr_assert_str_eq (s_sqlstate (conn, sql), "", "%s could not audit its own operation", role);
        const char *forged [] = { "%s.get_client", "%s", "", "get_client", "%sx.get", "%s.Get", "%s.a.b",
                                  "%s.get\x1f", NULL };
        for (int attempt = 0; forged [attempt]; attempt++) {
            char action [64];
            //  Every pattern names the other service, or none, or this one malformed.
            snprintf (action, sizeof action, forged [attempt], attempt == 0 ? other : role);
            snprintf (sql, sizeof sql, "SELECT kp.audit_append ('muni-743', 'worker-1', 'ROLE_SOCIAL_WORKER',"
                                       " '%s', 'client-1', NULL, NULL, 'forged')", action);
            cr_assert_str_eq (s_sqlstate (conn, sql), "42501", "%s audited '%s'", role, action);
        }
        cr_assert_str_eq (s_sqlstate (conn, "SELECT kp.audit_append ('muni-743', 'worker-1', 'ROLE_SOCIAL_WORKER',"
                                            " NULL, 'client-1', NULL, NULL, 'forged')"), "42501");
        //  The service column is session_user: no parameter names it, no
        //  write reaches the table or the head, and the login role stays.
        cr_assert_str_eq (s_sqlstate (conn, "SELECT kp.audit_append ('intake', 'muni-743', 'worker-1',"
                                            " 'ROLE_SOCIAL_WORKER', 'intake.get_client', 'client-1', NULL, NULL, 'x')"),
                          "42883");
        snprintf (sql, sizeof sql, "INSERT INTO kp.audit_log (seq, at, service, actor_org, actor_person,"
                                   " actor_role, action, client_ref, basis, recipient_org, detail, prev_hash, hash)"
                                   " VALUES (99, now (), '%s', 'o', 'p', 'r', '%s.x', '', '', '', '',"
                                   " '\\x00'::bytea, '\\x00'::bytea)", other, other);
        cr_assert_str_eq (s_sqlstate (conn, sql), "42501");
        cr_assert_str_eq (s_sqlstate (conn, "UPDATE kp.audit_head SET last_seq = 99"), "42501");
        snprintf (sql, sizeof sql, "SET ROLE %s", other);
        cr_assert_str_eq (s_sqlstate (conn, sql), "42501");
        snprintf (sql, sizeof sql, "SET SESSION AUTHORIZATION %s", other);
        cr_assert_str_eq (s_sqlstate (conn, sql), "42501");
        PQfinish (conn);
    }
    PGconn *conn = s_connect (NULL);
    cr_assert_eq (s_scalar (conn, "SELECT count(*) FROM kp.audit_log"), 5, "a forged row was written");
    cr_assert_eq (s_scalar (conn, "SELECT count(*) FROM kp.audit_log WHERE split_part (action, '.', 1) = service"
                                  " AND detail = 'legitimate' AND format = 2"), 5);
    PQfinish (conn);
    kp_db_t *db = kp_db_new (kpt_database_conninfo (), 2000);
    int64_t bad_seq = -1, rows = -1;
    cr_assert_eq (kp_audit_verify (db, &bad_seq, &rows), 0);
    cr_assert_eq (rows, 5);
    kp_db_destroy (&db);
}

static void
s_append (PGconn *conn, const char *person, const char *role, const char *detail)
{
    const char *values [] = { person, role, detail };
    PGresult *result = PQexecParams (conn, "SELECT kp.audit_append ('muni-743', $1, $2, 'intake.get_client',"
                                           " 'client-1', NULL, NULL, $3)", 3, NULL, values, NULL, NULL, 0);
    cr_assert_eq (PQresultStatus (result), PGRES_TUPLES_OK, "%s", PQresultErrorMessage (result));
    PQclear (result);
}

//  Rows written before migration 0013 (format 1) and after it (format 2)
//  make one chain, which the C verifier checks whole, under session
//  settings far from the server's, and in which a change to a row of
//  either format is found.
Test (migrate_audit, a_chain_of_format_1_and_format_2_rows_verifies)
{
    char copy [] = "/tmp/kpt-migrations-XXXXXX";
    kpt_migrations_before ("0013", copy);
    int applied = -1;
    int rc = kp_migrate_run (kpt_database_conninfo (), copy, &applied);
    char command [128];
    snprintf (command, sizeof command, "rm -rf '%s'", copy);
    cr_assert_eq (system (command), 0);
    cr_assert_eq (rc, 0);
    static char long_detail [20001];
    memset (long_detail, 'x', sizeof long_detail - 1);
    memcpy (long_detail + 100, "\x1fÄ🙂", 7);
    //  Awkward contents, through the writer as it was.
    PGconn *conn = s_connect (NULL);
    s_append (conn, "", "", "");
    s_append (conn, "alice\x1fROLE_OPERATOR", "ROLE_SOCIAL_WORKER", "Äänekoski 🙂");
    s_append (conn, "worker-1", "ROLE_SOCIAL_WORKER", long_detail);
    cr_assert_eq (kp_migrate_run (kpt_database_conninfo (), kpt_migrations_dir (), &applied), 0);
    cr_assert_gt (applied, 0);
    s_append (conn, "", "", "");
    s_append (conn, "alice\x1fROLE_OPERATOR", "ROLE_SOCIAL_WORKER", "Äänekoski 🙂");
    s_append (conn, "worker-1", "ROLE_SOCIAL_WORKER", long_detail);
    cr_assert_eq (s_scalar (conn, "SELECT count(*) FROM kp.audit_log WHERE format = 1 AND seq <= 3"), 3);
    cr_assert_eq (s_scalar (conn, "SELECT count(*) FROM kp.audit_log WHERE format = 2 AND seq > 3"), 3);

    char conninfo [1400];
    snprintf (conninfo, sizeof conninfo, "%s options='-c TimeZone=Asia/Kathmandu -c DateStyle=German,DMY"
                                         " -c IntervalStyle=sql_standard'", kpt_database_conninfo ());
    kp_db_t *db = kp_db_new (conninfo, 2000);
    cr_assert_not_null (db);
    int64_t bad_seq = -1, rows = -1;
    cr_assert_eq (kp_audit_verify (db, &bad_seq, &rows), 0, "broken at %lld", (long long) bad_seq);
    cr_assert_eq (rows, 6);

    //  Each change is found at its row, and undone before the next.
    cr_assert_str_eq (s_sqlstate (conn, "ALTER TABLE kp.audit_log DISABLE TRIGGER audit_log_append_only"), "");
    static const struct { const char *change, *undo; int seq; } changes [] = {
        { "UPDATE kp.audit_log SET detail = 'x' WHERE seq = 1", "UPDATE kp.audit_log SET detail = '' WHERE seq = 1", 1 },
        { "UPDATE kp.audit_log SET at = at + interval '1 microsecond' WHERE seq = 3",
          "UPDATE kp.audit_log SET at = at - interval '1 microsecond' WHERE seq = 3", 3 },
        { "UPDATE kp.audit_log SET detail = detail || '.' WHERE seq = 6",
          "UPDATE kp.audit_log SET detail = left (detail, -1) WHERE seq = 6", 6 },
        //  A format-2 row relabelled, to be hashed as format 1.
        { "UPDATE kp.audit_log SET format = 1 WHERE seq = 4", "UPDATE kp.audit_log SET format = 2 WHERE seq = 4", 4 },
        //  The moved separator in a format-2 row.
        { "UPDATE kp.audit_log SET actor_person = 'alice', actor_role = 'ROLE_OPERATOR' || chr (31) ||"
          " 'ROLE_SOCIAL_WORKER' WHERE seq = 5",
          "UPDATE kp.audit_log SET actor_person = 'alice' || chr (31) || 'ROLE_OPERATOR',"
          " actor_role = 'ROLE_SOCIAL_WORKER' WHERE seq = 5", 5 },
        { NULL }
    };
    for (int index = 0; changes [index].change; index++) {
        cr_assert_str_eq (s_sqlstate (conn, changes [index].change), "");
        cr_assert_eq (kp_audit_verify (db, &bad_seq, &rows), 1, "%s went unnoticed", changes [index].change);
        cr_assert_eq (bad_seq, changes [index].seq);
        cr_assert_str_eq (s_sqlstate (conn, changes [index].undo), "");
        cr_assert_eq (kp_audit_verify (db, &bad_seq, &rows), 0, "%s did not undo", changes [index].undo);
    }
    //  What format 1 never could tell: the same move in the old row 2.
    //  History is not rewritten, so this stays as weak as it was.
    cr_assert_str_eq (s_sqlstate (conn, "UPDATE kp.audit_log SET actor_person = 'alice', actor_role = 'ROLE_OPERATOR'"
                                        " || chr (31) || 'ROLE_SOCIAL_WORKER' WHERE seq = 2"), "");
    cr_assert_eq (kp_audit_verify (db, &bad_seq, &rows), 0);
    PQfinish (conn);
    kp_db_destroy (&db);
}
