/*  kumppani area apply FILE.csv — takes a newer municipality
    classification into kp.municipalities: names, the organiser of each
    municipality, and mergers. The file has the columns of the one 0017 was
    generated from (municipality,name_fi,name_sv,county_id, more ignored)
    and may add merged_into: a municipality a merger ended names the code
    it went into, and is then organised by that code's organiser. Records
    keep the code they were written with; nothing else is rewritten. The
    file must list every municipality the database knows as current, so a
    code missing by mistake is refused rather than left with an organiser
    that no longer holds. All or nothing, in one audited transaction
    (operator.area_apply); --dry-run shows the changes and writes none. */
#include "cli.h"
#include "kp_row.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AREA_COLUMNS 5              //  municipality, name_fi, name_sv, county_id, merged_into

static int
s_usage (FILE *out)
{
    fprintf (out,
        "usage: kumppani area apply FILE.csv [--on DATE] [--dry-run]\n"
        "FILE.csv: municipality,name_fi,name_sv,county_id[,merged_into] with a header line,\n"
        "every current municipality once. A row with merged_into ends its code on DATE\n"
        "(default today); its records keep the code and move to the successor's organiser.\n"
        "Audited; send the services SIGHUP afterwards to apply the new areas.\n");
    return out == stdout ? 0 : 2;
}

//  Splits line at commas into fields (at most max); returns the count.
static int
s_split (char *line, char **fields, int max)
{
    int count = 0;
    line [strcspn (line, "\r\n")] = 0;
    for (char *field = line; field && count < max; count++) {
        fields [count] = field;
        field = strchr (field, ',');
        if (field)
            *field++ = 0;
    }
    return count;
}

static bool
s_is_code (const char *text)
{
    return strlen (text) == 3 && strspn (text, "0123456789") == 3;
}

static bool
s_is_organiser (const char *text)
{
    size_t len = strlen (text);
    return len >= 2 && len <= 3 && strspn (text, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == len;
}

//  Reads the file into the temporary table area_new; 0, or -1 having
//  said which line and field is wrong.
static int
s_load (kp_db_t *db, const char *path)
{
    FILE *file = fopen (path, "r");
    if (!file) {
        fprintf (stderr, "kumppani area: cannot read %s\n", path);
        return -1;
    }
    char line [1024];
    char *fields [32];
    int column [AREA_COLUMNS] = { -1, -1, -1, -1, -1 };
    static const char *names [AREA_COLUMNS] = { "municipality", "name_fi", "name_sv", "county_id", "merged_into" };
    int rc = 0, line_no = 1;
    if (!fgets (line, sizeof line, file)) {
        fprintf (stderr, "kumppani area: %s is empty\n", path);
        rc = -1;
    }
    int header = rc ? 0 : s_split (line, fields, 32);
    for (int index = 0; index < header; index++)
        for (int name = 0; name < AREA_COLUMNS; name++)
            if (strcmp (fields [index], names [name]) == 0)
                column [name] = index;
    for (int name = 0; rc == 0 && name < AREA_COLUMNS - 1; name++)
        if (column [name] < 0) {
            fprintf (stderr, "kumppani area: %s line 1: no column %s\n", path, names [name]);
            rc = -1;
        }
    while (rc == 0 && fgets (line, sizeof line, file)) {
        line_no++;
        if (!strchr (line, '\n') && !feof (file)) {
            fprintf (stderr, "kumppani area: %s line %d: longer than %zu bytes\n", path, line_no, sizeof line - 1);
            rc = -1;
            break;
        }
        if (strchr (line, '"')) {
            fprintf (stderr, "kumppani area: %s line %d: quoted fields are not supported\n", path, line_no);
            rc = -1;
            break;
        }
        int count = s_split (line, fields, 32);
        if (count == 1 && !*fields [0])
            continue;               //  a blank line
        const char *value [AREA_COLUMNS];
        for (int name = 0; name < AREA_COLUMNS; name++)
            value [name] = column [name] >= 0 && column [name] < count ? fields [column [name]] : "";
        const char *wrong = !s_is_code (value [0]) ? "municipality (three digits)"
                          : !*value [1] ? "name_fi" : !*value [2] ? "name_sv"
                          : !s_is_organiser (value [3]) ? "county_id (an organiser's code)"
                          : *value [4] && (!s_is_code (value [4]) || strcmp (value [4], value [0]) == 0)
                            ? "merged_into (another municipality's code)" : NULL;
        if (wrong) {
            fprintf (stderr, "kumppani area: %s line %d: bad %s\n", path, line_no, wrong);
            rc = -1;
            break;
        }
        const char *values [] = { value [0], value [1], value [2], value [3], *value [4] ? value [4] : NULL };
        PGresult *result = cli_sql (db, "INSERT INTO area_new VALUES ($1, $2, $3, $4, $5)", 5, values);
        if (!result) {
            fprintf (stderr, "kumppani area: %s line %d: not taken (a code listed twice?)\n", path, line_no);
            rc = -1;
        }
        PQclear (result);
    }
    fclose (file);
    return rc;
}

//  A check query's rows: one refusal each.
static const kp_col_t s_refusal_row [] = { { "refusal", "text" }, { NULL } };
//  What the file changes, one row per municipality (old_*: as stored).
#define AREA_CHANGE_ROW(C) \
    C (AREA_CODE, "code", "text") \
    C (AREA_OLD_NAME, "old_name", "text") \
    C (AREA_NAME, "name", "text") \
    C (AREA_OLD_ORGANISER, "old_organiser", "text") \
    C (AREA_ORGANISER, "organiser", "text") \
    C (AREA_OLD_MERGED_INTO, "old_merged_into", "text") \
    C (AREA_MERGED_INTO, "merged_into", "text") \
    C (AREA_IS_NEW, "is_new", "bool")
enum { AREA_CHANGE_ROW (KP_ROW_INDEX) };
static const kp_col_t s_change_row [] = { AREA_CHANGE_ROW (KP_ROW_COLUMN) { NULL } };

//  Prints every row of a check query (its one column: refusal) as a
//  refusal; true if there were any.
static bool
s_refused (kp_db_t *db, const char *sql, const char *what)
{
    PGresult *result = cli_rows (db, sql, 0, NULL, s_refusal_row);
    if (!result)
        return true;
    int rows = PQntuples (result);
    for (int row = 0; row < rows; row++)
        fprintf (stderr, "kumppani area: %s: %s\n", what, kp_row_text (result, row, KP_ROW_ONLY));
    PQclear (result);
    return rows > 0;
}

static int
s_apply (kp_db_t *db, const char *path, const char *on, bool dry_run)
{
    if (kp_db_begin (db))
        return 1;
    if (kp_db_command (db, "CREATE TEMPORARY TABLE area_new (code text PRIMARY KEY, name text NOT NULL,"
                           " name_sv text NOT NULL, organiser text NOT NULL, merged_into text) ON COMMIT DROP")
    ||  s_load (db, path)
    ||  s_refused (db, "SELECT DISTINCT n.organiser AS refusal FROM area_new n"
                       " WHERE NOT EXISTS (SELECT 1 FROM kp.organisers o WHERE o.organiser = n.organiser)"
                       " ORDER BY 1", "no such organiser (county_id)")
    ||  s_refused (db, "SELECT m.code || ' ' || m.name AS refusal FROM kp.municipalities m"
                       " WHERE m.ended_on IS NULL AND NOT EXISTS (SELECT 1 FROM area_new n WHERE n.code = m.code)"
                       " ORDER BY 1", "current municipality missing from the file (list it, with merged_into"
                       " if a merger ended it)")
    ||  s_refused (db, "SELECT n.code || ' -> ' || n.merged_into AS refusal FROM area_new n"
                       " WHERE n.merged_into IS NOT NULL AND NOT EXISTS (SELECT 1 FROM area_new s"
                       "   WHERE s.code = n.merged_into AND s.merged_into IS NULL) ORDER BY 1",
                   "merged into a code that is not a current municipality of the file")) {
        kp_db_rollback (db);
        return 1;
    }
    //  A merged code is organised by its successor's organiser.
    const char *values [] = { on };
    PGresult *changes = cli_rows (db,
        "WITH n AS (SELECT n.code, n.name, n.name_sv, n.merged_into,"
        "                  coalesce (s.organiser, n.organiser) AS organiser"
        "             FROM area_new n LEFT JOIN area_new s ON s.code = n.merged_into)"
        " SELECT n.code, coalesce (m.name, '') AS old_name, n.name, coalesce (m.organiser, '') AS old_organiser,"
        "        n.organiser, coalesce (m.merged_into, '') AS old_merged_into,"
        "        coalesce (n.merged_into, '') AS merged_into, m.code IS NULL AS is_new"
        "   FROM n LEFT JOIN kp.municipalities m ON m.code = n.code"
        "  WHERE m.code IS NULL OR m.name <> n.name OR m.name_sv <> n.name_sv OR m.organiser <> n.organiser"
        "     OR m.merged_into IS DISTINCT FROM n.merged_into"
        "  ORDER BY n.code", 0, NULL, s_change_row);
    if (!changes) {
        kp_db_rollback (db);
        return 1;
    }
    char detail [1024] = "";
    size_t used = 0;
    int rows = PQntuples (changes);
    for (int row = 0; row < rows; row++) {
        const char *code = kp_row_text (changes, row, AREA_CODE);
        const char *name = kp_row_text (changes, row, AREA_NAME);
        const char *organiser = kp_row_text (changes, row, AREA_ORGANISER);
        const char *old_organiser = kp_row_text (changes, row, AREA_OLD_ORGANISER);
        const char *merged_into = kp_row_text (changes, row, AREA_MERGED_INTO);
        if (kp_row_bool (changes, row, AREA_IS_NEW))
            printf ("%s %s: new, organised by %s\n", code, name, organiser);
        else
        if (*merged_into && !*kp_row_text (changes, row, AREA_OLD_MERGED_INTO))
            printf ("%s %s: merged into %s, organised by %s (was %s)\n", code,
                    kp_row_text (changes, row, AREA_OLD_NAME), merged_into, organiser, old_organiser);
        else
        if (strcmp (old_organiser, organiser) != 0)
            printf ("%s %s: organiser %s -> %s\n", code, name, old_organiser, organiser);
        else
            printf ("%s %s: names or merger changed\n", code, name);
        if (used + 5 < sizeof detail)
            used += (size_t) snprintf (detail + used, sizeof detail - used, "%s%s", used ? " " : "codes=", code);
    }
    PQclear (changes);
    PGresult *applied = rows ? cli_sql (db,
        "WITH n AS (SELECT n.code, n.name, n.name_sv, n.merged_into,"
        "                  coalesce (s.organiser, n.organiser) AS organiser"
        "             FROM area_new n LEFT JOIN area_new s ON s.code = n.merged_into"
        "            ORDER BY n.merged_into IS NOT NULL)"     //  successors first: merged_into is a key
        " INSERT INTO kp.municipalities AS m (code, name, name_sv, organiser, merged_into, ended_on)"
        " SELECT code, name, name_sv, organiser, merged_into,"
        "        CASE WHEN merged_into IS NOT NULL THEN coalesce ($1::date, current_date) END FROM n"
        " ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, name_sv = EXCLUDED.name_sv,"
        "   organiser = EXCLUDED.organiser, merged_into = EXCLUDED.merged_into,"
        "   ended_on = CASE WHEN EXCLUDED.merged_into IS NULL THEN NULL"
        "                   ELSE coalesce (m.ended_on, EXCLUDED.ended_on) END", 1, values) : NULL;
    if (rows && !applied) {
        kp_db_rollback (db);
        return 1;
    }
    PQclear (applied);
    if (dry_run || rows == 0) {
        kp_db_rollback (db);
        printf ("%d municipalities %s\n", rows, dry_run ? "would change (dry run: nothing written)" : "changed");
        return 0;
    }
    char audit [1100];
    snprintf (audit, sizeof audit, "changed=%d %s", rows, detail);
    if (cli_operator_audit (db, "operator.area_apply", audit) || kp_db_commit (db)) {
        kp_db_rollback (db);
        return 1;
    }
    printf ("%d municipalities changed; send the services SIGHUP to apply the new areas\n", rows);
    return 0;
}

int
cli_area (int argc, char **argv, const kp_config_t *config)
{
    (void) config;
    if (cli_flag (argc, argv, "--help"))
        return s_usage (stdout);
    if (argc < 3 || strcmp (argv [1], "apply") != 0 || argv [2][0] == '-')
        return s_usage (stderr);
    kp_db_t *db = cli_admin_db ("area");
    if (!db)
        return 1;
    int rc = s_apply (db, argv [2], cli_option (argc, argv, "--on"), cli_flag (argc, argv, "--dry-run"));
    kp_db_destroy (&db);
    return rc;
}
