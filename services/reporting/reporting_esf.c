/*  reporting_esf — esf_participants: the ESF+ participants, each person
    once, by the disadvantage dimensions intake collects (foreign
    background, disability, homelessness, living alone: yes, no, prefers
    not to say, unknown) and by language (fi, sv, se, other, unknown), and
    by the route they took part through (a case; or, when the project
    counts them, only groups or only the talousneuvola). At start and at
    exit, as the participants report; each block adds up to its
    snapshot's "all" row, and gender is in every row. Also the project
    setting that turns the group-only count on. */
#include "reporting_esf.h"
#include "reporting_scope.h"
#include "reporting_table.h"
#include "kp_alloc.h"
#include "kp_db.h"
#include "kp_row.h"
#include "kp_server.h"

#include <stdlib.h>
#include <string.h>

const char *const reporting_esf_genders [] = { "woman", "man", "non_binary", "not_told", NULL };

int
reporting_esf_gender (const char *gender)
{
    for (int index = 0; reporting_esf_genders [index]; index++)
        if (strcmp (reporting_esf_genders [index], gender) == 0)
            return index;
    return -1;
}

int
reporting_esf_project_define (kp_call_t *call, const char *project_id, const Kumppani__V1__DefineProject *body)
{
    const char *values [] = { project_id, body->count_group_participants ? "true" : "false" };
    return kp_db_run (call->db, "esf_project_setting_insert", 2, values) ? kp_call_db_fail (call) : 0;
}

enum { COL_SNAPSHOT, COL_DIMENSION, COL_CATEGORY, COL_GENDER, COL_TOTAL = COL_GENDER + REPORTING_ESF_GENDERS };
static const char *const s_columns [] = {
    "snapshot", "dimension", "category", "woman", "man", "non_binary", "not_told", "total", NULL
};
static const char *const s_snapshots [] = { "start", "exit", NULL };
#define SNAPSHOTS 2

static const char *const s_all [] = { "all", NULL };
static const char *const s_routes [] = { "case", "groups", "talousneuvola", NULL };
static const char *const s_answers [] = { "yes", "no", "prefers_not_to_say", "unknown", NULL };
static const char *const s_languages [] = { "fi", "sv", "se", "other", "unknown", NULL };

//  The dimensions in table order, each with its categories and the
//  column of the statement's row it is read from (-1: every person).
static const struct {
    const char *name;
    const char *const *categories;
    int column;
} s_dimensions [] = {
    { "all",                s_all,       -1 },
    { "entry_route",        s_routes,    ESF_P_ROUTE },
    { "foreign_background", s_answers,   ESF_P_FOREIGN_BACKGROUND },
    { "disability",         s_answers,   ESF_P_DISABILITY },
    { "homelessness",       s_answers,   ESF_P_HOMELESSNESS },
    { "living_alone",       s_answers,   ESF_P_LIVING_ALONE },
    { "language",           s_languages, ESF_P_LANGUAGE }
};
#define DIMENSIONS (sizeof s_dimensions / sizeof s_dimensions [0])
#define CATEGORIES_MAX 5

typedef struct {
    int64_t counts [DIMENSIONS][CATEGORIES_MAX][REPORTING_ESF_GENDERS];
} s_counts_t;

static int
s_index (const char *const *names, const char *name)
{
    for (int index = 0; names [index]; index++)
        if (strcmp (names [index], name) == 0)
            return index;
    return -1;
}

//  Counts one person's row; -1 on a value this report does not know
//  (fail loudly rather than drop a person).
static int
s_count (s_counts_t *counts, const PGresult *result, int row)
{
    int gender = reporting_esf_gender (kp_row_text (result, row, ESF_P_GENDER));
    if (gender < 0)
        return -1;
    int categories [DIMENSIONS];
    for (size_t dimension = 0; dimension < DIMENSIONS; dimension++) {
        int column = s_dimensions [dimension].column;
        categories [dimension] = column < 0 ? 0
                               : s_index (s_dimensions [dimension].categories, kp_row_text (result, row, column));
        if (categories [dimension] < 0)
            return -1;
    }
    for (size_t dimension = 0; dimension < DIMENSIONS; dimension++)
        counts->counts [dimension][categories [dimension]][gender]++;
    return 0;
}

//  One snapshot's rows from *next on: each category a row whose genders
//  add up to its total, each dimension's rows adding up to "all".
static int
s_snapshot (reporting_table_t *table, const char *snapshot, const s_counts_t *counts, int *next)
{
    int all_row = *next;
    for (size_t dimension = 0; dimension < DIMENSIONS; dimension++) {
        int first = *next, rows = 0;
        for (int category = 0; s_dimensions [dimension].categories [category]; category++, rows++, (*next)++) {
            int cells [REPORTING_ESF_GENDERS + 1];
            int64_t total = 0;
            if (reporting_table_row (table)
            ||  reporting_table_text (table, COL_SNAPSHOT, snapshot)
            ||  reporting_table_text (table, COL_DIMENSION, s_dimensions [dimension].name)
            ||  reporting_table_text (table, COL_CATEGORY, s_dimensions [dimension].categories [category]))
                return -1;
            for (int gender = 0; gender < REPORTING_ESF_GENDERS; gender++) {
                int64_t people = counts->counts [dimension][category][gender];
                total += people;
                if ((cells [gender] = reporting_table_count (table, COL_GENDER + gender, people)) < 0)
                    return -1;
            }
            if ((cells [REPORTING_ESF_GENDERS] = reporting_table_count (table, COL_TOTAL, total)) < 0
            ||  reporting_table_line (table, cells, REPORTING_ESF_GENDERS + 1)
            ||  reporting_table_row_people (table, total))
                return -1;
        }
        if (dimension == 0)
            continue;
        for (int column = COL_GENDER; column <= COL_TOTAL; column++) {
            int cells [CATEGORIES_MAX + 1], count = 0;
            for (int row = 0; row < rows; row++)
                cells [count++] = reporting_table_cell_of (table, first + row, column);
            cells [count++] = reporting_table_cell_of (table, all_row, column);
            if (reporting_table_line (table, cells, (size_t) count))
                return -1;
        }
    }
    return 0;
}

int
reporting_esf_participants_report (kp_call_t *call, const reporting_scope_t *scope)
{
    PGresult *result = reporting_scope_query (call, scope, "report_esf_participants");
    if (!result)
        return -1;
    int rc = -1;
    reporting_table_t *table = reporting_table_new (scope, s_columns);
    s_counts_t *counts = kp_calloc (SNAPSHOTS, sizeof (s_counts_t));
    if (!table || !counts)
        goto cleanup;
    for (int row = 0; row < PQntuples (result); row++) {
        int snapshot = s_index (s_snapshots, kp_row_text (result, row, ESF_P_KIND));
        if (snapshot < 0 || s_count (&counts [snapshot], result, row)) {
            kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INTERNAL, "reporting.bad_record", NULL,
                          "a participant's record holds a value this report does not know");
            goto cleanup;
        }
    }
    int next = 0;
    for (int snapshot = 0; snapshot < SNAPSHOTS; snapshot++)
        if (s_snapshot (table, s_snapshots [snapshot], &counts [snapshot], &next))
            goto cleanup;
    rc = reporting_table_reply (table, call);

cleanup:
    reporting_table_destroy (&table);
    free (counts);
    PQclear (result);
    return rc;
}
