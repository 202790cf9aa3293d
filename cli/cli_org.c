/*  kumppani org add|list|deactivate — the organisation registry
    (kp.organisations), run by the operator against the database
    (KUMPPANI_DB_ADMIN_CONNINFO). A certificate is admitted only for an
    organisation registered here, active, with the type and area its
    metadata names; a referral's recipient must be one too. Every change
    is audited (operator.org_add, operator.org_deactivate) in the same
    transaction. The services read the registry at start and on SIGHUP. */
#include "cli.h"
#include "kp_audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
s_usage (FILE *out)
{
    fprintf (out,
        "usage: kumppani org add ORG_ID --type TYPE [--municipality CODE | --county ORGANISER]\n"
        "                        [--name TEXT] [--from TIME]\n"
        "       kumppani org list [--all]\n"
        "       kumppani org deactivate ORG_ID [--at TIME]\n"
        "add registers an organisation as its certificate names it (kumppani cert new): a county\n"
        "(type county) with its organiser (EP, HKI), an organisation bound to one municipality\n"
        "with the code, a national one (kela) with neither. deactivate ends it now or at TIME\n"
        "(ISO 8601): its certificates stop being admitted and it receives no referrals.\n"
        "Both are audited; send the services SIGHUP to apply a change at once.\n"
        "The operator's name in the audit row is $KUMPPANI_OPERATOR (else $USER).\n");
    return out == stdout ? 0 : 2;
}

//  Who the audit row names as the person: the operator at the keyboard.
static const char *
s_operator (void)
{
    const char *person = getenv ("KUMPPANI_OPERATOR");
    if (!person || !*person)
        person = getenv ("USER");
    return person && *person ? person : "operator";
}

int
cli_operator_audit (kp_db_t *db, const char *action, const char *detail)
{
    kp_audit_entry_t entry = {
        .org_id = "operator", .person_id = s_operator (), .role = "ROLE_OPERATOR",
        .action = action, .detail = detail
    };
    if (kp_db_register (db, kp_audit_statements) || kp_audit_append (db, &entry)) {
        fprintf (stderr, "kumppani: cannot audit %s: %s\n", action, kp_db_message (db));
        return -1;
    }
    return 0;
}

kp_db_t *
cli_admin_db (const char *command)
{
    const char *conninfo = getenv ("KUMPPANI_DB_ADMIN_CONNINFO");
    if (!conninfo) {
        fprintf (stderr, "kumppani %s: set KUMPPANI_DB_ADMIN_CONNINFO\n", command);
        return NULL;
    }
    return kp_db_new (conninfo, 2000);
}

//  Runs sql with params; prints the error and returns NULL on failure.
PGresult *
cli_sql (kp_db_t *db, const char *sql, int nparams, const char *const *values)
{
    PGresult *result = PQexecParams (kp_db_conn (db), sql, nparams, NULL, values, NULL, NULL, 0);
    ExecStatusType status = PQresultStatus (result);
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK)
        return result;
    fprintf (stderr, "kumppani: %s", PQresultErrorMessage (result));
    PQclear (result);
    return NULL;
}

static int
s_add (kp_db_t *db, int argc, char **argv)
{
    const char *org_id = argv [2];
    const char *type = cli_option (argc, argv, "--type");
    const char *municipality = cli_option (argc, argv, "--municipality");
    const char *county = cli_option (argc, argv, "--county");
    const char *name = cli_option (argc, argv, "--name");
    const char *from = cli_option (argc, argv, "--from");
    if (!type || (municipality && county)) {
        fprintf (stderr, "kumppani org add: --type TYPE, and at most one of --municipality, --county\n");
        return 2;
    }
    //  As kumppani cert new has it: the certificate must be able to match.
    if ((strcmp (type, "county") == 0) != (county != NULL)) {
        fprintf (stderr, "kumppani org add: type county takes --county ORGANISER; other types take none\n");
        return 2;
    }
    const char *area = county ? county : municipality;
    const char *values [] = { org_id, type, name ? name : "", area, from };
    //  The same registration again changes nothing (make up reruns it);
    //  another one under a registered id is refused: ids are not reused.
    PGresult *existing = cli_sql (db,
        "SELECT org_type, coalesce (area, ''), active_to IS NOT NULL FROM kp.organisations WHERE org_id = $1",
        1, values);
    if (!existing)
        return 1;
    if (PQntuples (existing) == 1) {
        bool same = strcmp (PQgetvalue (existing, 0, 0), type) == 0
                 && strcmp (PQgetvalue (existing, 0, 1), area ? area : "") == 0
                 && strcmp (PQgetvalue (existing, 0, 2), "f") == 0;
        if (!same)
            fprintf (stderr, "kumppani org add: %s is already registered (%s %s%s); ids are not reused\n",
                     org_id, PQgetvalue (existing, 0, 0), PQgetvalue (existing, 0, 1),
                     strcmp (PQgetvalue (existing, 0, 2), "t") == 0 ? ", deactivated" : "");
        else
            printf ("%s is registered already\n", org_id);
        PQclear (existing);
        return same ? 0 : 1;
    }
    PQclear (existing);
    char detail [256];
    snprintf (detail, sizeof detail, "org_id=%s type=%s area=%s", org_id, type, area ? area : "");
    if (kp_db_begin (db))
        return 1;
    PGresult *result = cli_sql (db,
        "INSERT INTO kp.organisations (org_id, org_type, name, area, active_from)"
        " VALUES ($1, $2, $3, $4, coalesce ($5::timestamptz, now ()))", 5, values);
    if (!result || cli_operator_audit (db, "operator.org_add", detail) || kp_db_commit (db)) {
        PQclear (result);
        kp_db_rollback (db);
        return 1;
    }
    PQclear (result);
    printf ("registered %s (%s%s%s)\n", org_id, type, area ? " " : "", area ? area : "");
    return 0;
}

static int
s_deactivate (kp_db_t *db, int argc, char **argv)
{
    const char *org_id = argv [2];
    const char *at = cli_option (argc, argv, "--at");
    const char *values [] = { org_id, at };
    char detail [256];
    snprintf (detail, sizeof detail, "org_id=%s at=%s", org_id, at ? at : "now");
    if (kp_db_begin (db))
        return 1;
    //  An earlier end stays: deactivating again never extends one.
    PGresult *result = cli_sql (db,
        "UPDATE kp.organisations SET active_to = least (coalesce (active_to, 'infinity'),"
        "   greatest (active_from, coalesce ($2::timestamptz, now ())))"
        " WHERE org_id = $1 RETURNING active_to", 2, values);
    if (!result) {
        kp_db_rollback (db);
        return 1;
    }
    if (PQntuples (result) == 0) {
        fprintf (stderr, "kumppani org deactivate: %s is not registered\n", org_id);
        PQclear (result);
        kp_db_rollback (db);
        return 1;
    }
    char until [64];
    snprintf (until, sizeof until, "%s", PQgetvalue (result, 0, 0));
    PQclear (result);
    if (cli_operator_audit (db, "operator.org_deactivate", detail) || kp_db_commit (db)) {
        kp_db_rollback (db);
        return 1;
    }
    printf ("%s is deactivated from %s; send the services SIGHUP to cut off open connections now\n",
            org_id, until);
    return 0;
}

static int
s_list (kp_db_t *db, int argc, char **argv)
{
    bool all = cli_flag (argc, argv, "--all");
    PGresult *result = cli_sql (db,
        "SELECT o.org_id, o.org_type, coalesce (o.area, ''),"
        "       coalesce (m.name, g.name_fi, ''), o.name,"
        "       to_char (o.active_from AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
        "       coalesce (to_char (o.active_to AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), ''),"
        "       now () >= o.active_from AND (o.active_to IS NULL OR now () < o.active_to)"
        " FROM kp.organisations o"
        " LEFT JOIN kp.municipalities m ON m.code = o.area"
        " LEFT JOIN kp.organisers g ON g.organiser = o.area"
        " ORDER BY o.org_id", 0, NULL);
    if (!result)
        return 1;
    printf ("%-24s %-18s %-5s %-8s %-20s %-20s %s\n", "ORG_ID", "TYPE", "AREA", "STATE", "FROM", "TO", "NAME");
    for (int row = 0; row < PQntuples (result); row++) {
        bool active = strcmp (PQgetvalue (result, row, 7), "t") == 0;
        if (!active && !all)
            continue;
        printf ("%-24s %-18s %-5s %-8s %-20s %-20s %s%s%s%s\n", PQgetvalue (result, row, 0),
                PQgetvalue (result, row, 1), PQgetvalue (result, row, 2), active ? "active" : "inactive",
                PQgetvalue (result, row, 5), PQgetvalue (result, row, 6), PQgetvalue (result, row, 4),
                *PQgetvalue (result, row, 3) ? " (" : "", PQgetvalue (result, row, 3),
                *PQgetvalue (result, row, 3) ? ")" : "");
    }
    PQclear (result);
    return 0;
}

int
cli_org (int argc, char **argv, const kp_config_t *config)
{
    (void) config;
    const char *verb = argc >= 2 ? argv [1] : "";
    bool add = strcmp (verb, "add") == 0, list = strcmp (verb, "list") == 0;
    bool deactivate = strcmp (verb, "deactivate") == 0;
    if (cli_flag (argc, argv, "--help"))
        return s_usage (stdout);
    if (!(add || list || deactivate) || ((add || deactivate) && (argc < 3 || argv [2][0] == '-')))
        return s_usage (stderr);
    kp_db_t *db = cli_admin_db ("org");
    if (!db)
        return 1;
    int rc = add ? s_add (db, argc, argv) : deactivate ? s_deactivate (db, argc, argv) : s_list (db, argc, argv);
    kp_db_destroy (&db);
    return rc;
}
