/*  kumppani org add|list|deactivate — the organisation registry
    (kp.organisations), run by the operator against the database
    (KUMPPANI_DB_ADMIN_CONNINFO). A certificate is admitted only for an
    organisation registered here, active, with the type and area its
    metadata names; a referral's recipient must be one too. Every change
    is audited (operator.org_add, operator.org_deactivate) in the same
    transaction. The services read the registry at start and on SIGHUP. */
#include "cli.h"
#include "kp_audit.h"
#include "kp_row.h"

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

//  The type a spec names, as the server knows it; InvalidOid if unknown.
static Oid
s_type_oid (kp_db_t *db, const char *type)
{
    const char *values [] = { type };
    PGresult *result = PQexecParams (kp_db_conn (db), "SELECT to_regtype ($1::text)::oid", 1, NULL,
                                     values, NULL, NULL, 0);
    Oid oid = PQresultStatus (result) == PGRES_TUPLES_OK && PQntuples (result) == 1
           && !PQgetisnull (result, 0, 0) ? (Oid) strtoul (PQgetvalue (result, 0, 0), NULL, 10)
                                          : InvalidOid;
    PQclear (result);
    return oid;
}

PGresult *
cli_rows (kp_db_t *db, const char *sql, int nparams, const char *const *values, const kp_col_t *columns)
{
    PGresult *result = cli_sql (db, sql, nparams, values);
    if (!result)
        return NULL;
    int count = 0;
    while (columns [count].name)
        count++;
    int fields = PQnfields (result);
    for (int index = 0; index < count && index < fields; index++) {
        const kp_col_t *column = &columns [index];
        if (strcmp (PQfname (result, index), column->name) != 0) {
            fprintf (stderr, "kumppani: row spec does not match: column %d is \"%s\", the spec says \"%s\"\n",
                     index, PQfname (result, index), column->name);
            PQclear (result);
            return NULL;
        }
        if (PQftype (result, index) != s_type_oid (db, column->type)) {
            fprintf (stderr, "kumppani: row spec does not match: column \"%s\" has type oid %u, the spec says %s\n",
                     column->name, (unsigned) PQftype (result, index), column->type);
            PQclear (result);
            return NULL;
        }
    }
    if (fields != count) {
        fprintf (stderr, "kumppani: row spec does not match: it returns %d columns, the spec has %d\n",
                 fields, count);
        PQclear (result);
        return NULL;
    }
    return result;
}

//  The rows of the registry's statements.
#define ORG_EXISTING_ROW(C) \
    C (EXISTING_ORG_TYPE, "org_type", "text") \
    C (EXISTING_AREA, "area", "text") \
    C (EXISTING_DEACTIVATED, "deactivated", "bool")
enum { ORG_EXISTING_ROW (KP_ROW_INDEX) };
static const kp_col_t s_existing_row [] = { ORG_EXISTING_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_active_to_row [] = { { "active_to", "timestamptz" }, { NULL } };
#define ORG_LIST_ROW(C) \
    C (ORG_LIST_ORG_ID, "org_id", "text") \
    C (ORG_LIST_ORG_TYPE, "org_type", "text") \
    C (ORG_LIST_AREA, "area", "text") \
    C (ORG_LIST_AREA_NAME, "area_name", "text") \
    C (ORG_LIST_NAME, "name", "text") \
    C (ORG_LIST_ACTIVE_FROM, "active_from", "text") \
    C (ORG_LIST_ACTIVE_TO, "active_to", "text") \
    C (ORG_LIST_ACTIVE, "active", "bool")
enum { ORG_LIST_ROW (KP_ROW_INDEX) };
static const kp_col_t s_list_row [] = { ORG_LIST_ROW (KP_ROW_COLUMN) { NULL } };

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
    PGresult *existing = cli_rows (db,
        "SELECT org_type, coalesce (area, '') AS area, active_to IS NOT NULL AS deactivated"
        " FROM kp.organisations WHERE org_id = $1", 1, values, s_existing_row);
    if (!existing)
        return 1;
    if (PQntuples (existing) == 1) {
        bool same = strcmp (kp_row_text (existing, 0, EXISTING_ORG_TYPE), type) == 0
                 && strcmp (kp_row_text (existing, 0, EXISTING_AREA), area ? area : "") == 0
                 && !kp_row_bool (existing, 0, EXISTING_DEACTIVATED);
        if (!same)
            fprintf (stderr, "kumppani org add: %s is already registered (%s %s%s); ids are not reused\n",
                     org_id, kp_row_text (existing, 0, EXISTING_ORG_TYPE), kp_row_text (existing, 0, EXISTING_AREA),
                     kp_row_bool (existing, 0, EXISTING_DEACTIVATED) ? ", deactivated" : "");
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
    PGresult *result = cli_rows (db,
        "UPDATE kp.organisations SET active_to = least (coalesce (active_to, 'infinity'),"
        "   greatest (active_from, coalesce ($2::timestamptz, now ())))"
        " WHERE org_id = $1 RETURNING active_to", 2, values, s_active_to_row);
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
    snprintf (until, sizeof until, "%s", kp_row_text (result, 0, KP_ROW_ONLY));
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
    PGresult *result = cli_rows (db,
        "SELECT o.org_id, o.org_type, coalesce (o.area, '') AS area,"
        "       coalesce (m.name, g.name_fi, '') AS area_name, o.name,"
        "       to_char (o.active_from AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS active_from,"
        "       coalesce (to_char (o.active_to AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '')"
        "         AS active_to,"
        "       now () >= o.active_from AND (o.active_to IS NULL OR now () < o.active_to) AS active"
        " FROM kp.organisations o"
        " LEFT JOIN kp.municipalities m ON m.code = o.area"
        " LEFT JOIN kp.organisers g ON g.organiser = o.area"
        " ORDER BY o.org_id", 0, NULL, s_list_row);
    if (!result)
        return 1;
    printf ("%-24s %-18s %-5s %-8s %-20s %-20s %s\n", "ORG_ID", "TYPE", "AREA", "STATE", "FROM", "TO", "NAME");
    for (int row = 0; row < PQntuples (result); row++) {
        bool active = kp_row_bool (result, row, ORG_LIST_ACTIVE);
        if (!active && !all)
            continue;
        const char *area_name = kp_row_text (result, row, ORG_LIST_AREA_NAME);
        printf ("%-24s %-18s %-5s %-8s %-20s %-20s %s%s%s%s\n", kp_row_text (result, row, ORG_LIST_ORG_ID),
                kp_row_text (result, row, ORG_LIST_ORG_TYPE), kp_row_text (result, row, ORG_LIST_AREA),
                active ? "active" : "inactive", kp_row_text (result, row, ORG_LIST_ACTIVE_FROM),
                kp_row_text (result, row, ORG_LIST_ACTIVE_TO), kp_row_text (result, row, ORG_LIST_NAME),
                *area_name ? " (" : "", area_name, *area_name ? ")" : "");
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
