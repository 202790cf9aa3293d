/*  reporting_participants — ESF participants: each person counted once
    (per project when one is given), by gender and by age band, labour
    market status, education level and municipality, with the plan beside
    the actual figure; and TASOS's target groups, under 25 and under 34.
    Twice: at start (the snapshot intake took when the person's first case
    in scope opened) and at exit (the one taken when their last case
    closed), so a change during the project shows as one. */
#include "reporting_reports.h"
#include "reporting_scope.h"
#include "reporting_sql.h"
#include "reporting_table.h"
#include "kp_alloc.h"
#include "kp_row.h"
#include "kp_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

//  Columns: the gender breakdown is in every row (gender-sensitive
//  reporting); rows are the other breakdowns, each a block adding up to
//  its snapshot's first row, "all". The start rows come first, then the
//  same rows for exit, then the plan.
enum { COL_SNAPSHOT, COL_DIMENSION, COL_CATEGORY, COL_WOMAN, COL_MAN, COL_NON_BINARY, COL_NOT_TOLD,
       COL_TOTAL };
#define GENDERS 4
static const char *const s_columns [] = {
    "snapshot", "dimension", "category", "woman", "man", "non_binary", "not_told", "total", NULL
};
static const char *const s_snapshots [] = { "start", "exit", NULL };
#define SNAPSHOTS 2
static const char *const s_genders [] = { "woman", "man", "non_binary", "not_told", NULL };

static const char *const s_age_bands [] = { "under_18", "18_29", "30_54", "55_plus", "unknown", NULL };
static const char *const s_labour [] = {
    "unemployed", "long_term_unemployed", "inactive", "inactive_not_in_education", "employed",
    "student", "unknown", NULL
};
static const char *const s_education [] = { "isced_0_2", "isced_3_4", "isced_5_8", "unknown", NULL };

#define MUNICIPALITIES_MAX 64

//  The target groups overlap the age bands: under 25 = under 18 + 18-24,
//  under 34 = under 25 + 25-33. Ages are counted in these atoms so each
//  difference a reader could take between published rows is a count too
//  (unpublished, but protected: s_target_lines).
static const char *const s_target_groups [] = { "under_25", "under_34", NULL };
enum { ATOM_UNDER_18, ATOM_18_24, ATOM_25_29, ATOM_30_33, ATOM_34_54, ATOM_55_PLUS, ATOMS };

static int
s_age_atom (int age)
{
    return age < 0 ? -1 : age < 18 ? ATOM_UNDER_18 : age < 25 ? ATOM_18_24 : age < 30 ? ATOM_25_29
         : age < 34 ? ATOM_30_33 : age < 55 ? ATOM_34_54 : ATOM_55_PLUS;
}

static const char *
s_age_band (int age)
{
    return age < 0 ? "unknown" : age < 18 ? "under_18" : age < 30 ? "18_29" : age < 55 ? "30_54" : "55_plus";
}

static int
s_index (const char *const *names, const char *name)
{
    for (int index = 0; names [index]; index++)
        if (strcmp (names [index], name) == 0)
            return index;
    return -1;
}

//  One snapshot's counts, per category and gender.
typedef struct {
    int64_t all [1][GENDERS];
    int64_t ages [5][GENDERS];
    int64_t labour [7][GENDERS];
    int64_t education [4][GENDERS];
    int64_t places [MUNICIPALITIES_MAX][GENDERS];
    int64_t atoms [ATOMS][GENDERS];
    int64_t targets [2][GENDERS];
} s_counts_t;

//  One block: its categories, and per category and gender a count.
typedef struct {
    const char *snapshot;
    const char *dimension;
    const char *const *categories;
    int64_t (*counts) [GENDERS];
} s_block_t;

//  The lines that tie the target groups to the age bands, per column:
//  under_18 + 18-24 = under_25; 18-24 + 25-29 = 18_29; under_25 + 25-33 =
//  under_34; 25-29 + 30-33 = 25-33; 30-33 + 34-54 = 30_54. ages_row is the
//  first age band row, target_row the under_25 row.
static int
s_target_lines (reporting_table_t *table, int64_t (*atoms) [GENDERS], int ages_row, int target_row)
{
    for (int column = COL_WOMAN; column <= COL_TOTAL; column++) {
        int64_t count [ATOMS] = { 0 };
        for (int atom = 0; atom < ATOMS; atom++)
            for (int gender = 0; gender < GENDERS; gender++)
                if (column == COL_TOTAL || column - COL_WOMAN == gender)
                    count [atom] += atoms [atom][gender];
        int a18_24 = reporting_table_unpublished (table, count [ATOM_18_24]);
        int a25_29 = reporting_table_unpublished (table, count [ATOM_25_29]);
        int a30_33 = reporting_table_unpublished (table, count [ATOM_30_33]);
        int a25_33 = reporting_table_unpublished (table, count [ATOM_25_29] + count [ATOM_30_33]);
        int a34_54 = reporting_table_unpublished (table, count [ATOM_34_54]);
        int under_18 = reporting_table_cell_of (table, ages_row, column);
        int band_18_29 = reporting_table_cell_of (table, ages_row + 1, column);
        int band_30_54 = reporting_table_cell_of (table, ages_row + 2, column);
        int under_25 = reporting_table_cell_of (table, target_row, column);
        int under_34 = reporting_table_cell_of (table, target_row + 1, column);
        const int lines [5][3] = {
            { under_18, a18_24, under_25 }, { a18_24, a25_29, band_18_29 }, { under_25, a25_33, under_34 },
            { a25_29, a30_33, a25_33 }, { a30_33, a34_54, band_30_54 }
        };
        if (a18_24 < 0 || a25_29 < 0 || a30_33 < 0 || a25_33 < 0 || a34_54 < 0)
            return -1;
        for (int line = 0; line < 5; line++)
            if (reporting_table_line (table, lines [line], 3))
                return -1;
    }
    return 0;
}

//  Adds one block's rows, each a line with its total; returns how many.
static int
s_block (reporting_table_t *table, const s_block_t *block)
{
    int rows = 0;
    for (int category = 0; block->categories [category]; category++, rows++) {
        int64_t total = 0;
        int cells [GENDERS + 1];
        if (reporting_table_row (table)
        ||  reporting_table_text (table, COL_SNAPSHOT, block->snapshot)
        ||  reporting_table_text (table, COL_DIMENSION, block->dimension)
        ||  reporting_table_text (table, COL_CATEGORY, block->categories [category]))
            return -1;
        for (int gender = 0; gender < GENDERS; gender++) {
            total += block->counts [category][gender];
            if ((cells [gender] = reporting_table_count (table, COL_WOMAN + gender,
                                                         block->counts [category][gender])) < 0)
                return -1;
        }
        if ((cells [GENDERS] = reporting_table_count (table, COL_TOTAL, total)) < 0
        ||  reporting_table_line (table, cells, GENDERS + 1)
        ||  reporting_table_row_people (table, total))
            return -1;
    }
    return rows;
}

//  Counts one person's snapshot row; -1 on a value this report does not
//  know (fail loudly rather than drop a person).
static int
s_count (s_counts_t *counts, PGresult *result, int row, int place)
{
    int gender = s_index (s_genders, kp_row_text (result, row, PARTICIPANT_GENDER));
    int age = (int) kp_row_int (result, row, PARTICIPANT_AGE);
    int band = s_index (s_age_bands, s_age_band (age));
    int status = s_index (s_labour, kp_row_text (result, row, PARTICIPANT_LABOUR_MARKET_STATUS));
    int level = s_index (s_education, kp_row_text (result, row, PARTICIPANT_EDUCATION_LEVEL));
    if (gender < 0 || band < 0 || status < 0 || level < 0 || place < 0)
        return -1;
    int atom = s_age_atom (age);
    counts->all [0][gender]++;
    counts->ages [band][gender]++;
    if (atom >= 0) {
        counts->atoms [atom][gender]++;
        counts->targets [0][gender] += atom <= ATOM_18_24;
        counts->targets [1][gender] += atom <= ATOM_30_33;
    }
    counts->labour [status][gender]++;
    counts->education [level][gender]++;
    counts->places [place][gender]++;
    return 0;
}

//  Adds one snapshot's blocks, from row *next on, and the lines that tie
//  them together; moves *next past them.
static int
s_snapshot (reporting_table_t *table, const char *snapshot, s_counts_t *counts,
            const char *const *municipalities, int *next)
{
    const char *const *all_names = (const char *const []) { "all", NULL };
    s_block_t blocks [] = {
        { snapshot, "all", all_names, counts->all },
        { snapshot, "age_band", s_age_bands, counts->ages },
        { snapshot, "labour_market_status", s_labour, counts->labour },
        { snapshot, "education_level", s_education, counts->education },
        { snapshot, "municipality", municipalities, counts->places },
        { snapshot, "target_group", s_target_groups, counts->targets }
    };
    //  The snapshot's "all" row first; each block's rows follow in order.
    int block_first [6], block_rows [6];
    for (int index = 0; index < 6; index++) {
        block_first [index] = *next;
        if ((block_rows [index] = s_block (table, &blocks [index])) < 0)
            return -1;
        *next += block_rows [index];
    }
    if (s_target_lines (table, counts->atoms, block_first [1], block_first [5]))
        return -1;
    //  Each block but the target groups adds up to the "all" row.
    for (int index = 1; index < 5; index++)
        for (int column = COL_WOMAN; column <= COL_TOTAL; column++) {
            int cells [MUNICIPALITIES_MAX + 1], count = 0;
            for (int row = 0; row < block_rows [index]; row++)
                cells [count++] = reporting_table_cell_of (table, block_first [index] + row, column);
            cells [count++] = reporting_table_cell_of (table, block_first [0], column);
            if (reporting_table_line (table, cells, (size_t) count))
                return -1;
        }
    return 0;
}

int
reporting_participants_report (kp_call_t *call, const reporting_scope_t *scope)
{
    PGresult *result = reporting_scope_query (call, scope, "report_participants");
    if (!result)
        return -1;
    int rc = -1;
    reporting_table_t *table = reporting_table_new (scope, s_columns);
    //  Municipalities: those of the project, else the scope's, else those
    //  seen; one list for both snapshots, so their blocks have the same rows.
    const char *municipalities [MUNICIPALITIES_MAX + 1] = { NULL };
    char project_codes [256];
    int n_municipalities = 0;
    if (scope->project && !*scope->municipality) {
        snprintf (project_codes, sizeof project_codes, "%s", scope->project->municipalities);
        for (char *save = NULL, *code = strtok_r (project_codes, " ", &save);
             code && n_municipalities < MUNICIPALITIES_MAX; code = strtok_r (NULL, " ", &save))
            municipalities [n_municipalities++] = code;
    }
    else
    if (*scope->municipality >= '0' && *scope->municipality <= '9')    //  an organiser's: those seen
        municipalities [n_municipalities++] = scope->municipality;
    s_counts_t *counts = kp_calloc (SNAPSHOTS, sizeof (s_counts_t));
    if (!table || !counts)
        goto cleanup;
    for (int row = 0; row < PQntuples (result); row++) {
        int snapshot = s_index (s_snapshots, kp_row_text (result, row, PARTICIPANT_KIND));
        const char *municipality = kp_row_text (result, row, PARTICIPANT_MUNICIPALITY);
        int place = -1;
        for (int index = 0; index < n_municipalities && place < 0; index++)
            if (strcmp (municipalities [index], municipality) == 0)
                place = index;
        if (place < 0 && n_municipalities < MUNICIPALITIES_MAX) {
            place = n_municipalities;
            municipalities [n_municipalities++] = municipality;
        }
        if (snapshot < 0 || s_count (&counts [snapshot], result, row, place))
            goto cleanup;       //  a value this report does not know: fail loudly
    }
    int next_row = 0;
    for (int snapshot = 0; snapshot < SNAPSHOTS; snapshot++)
        if (s_snapshot (table, s_snapshots [snapshot], &counts [snapshot], municipalities, &next_row))
            goto cleanup;
    if (scope->project) {
        //  The plan is not a count of people: it is published as it is.
        if (reporting_table_row (table)
        ||  reporting_table_text (table, COL_DIMENSION, "plan")
        ||  reporting_table_text (table, COL_CATEGORY, "planned_participants")
        ||  reporting_table_figure (table, COL_TOTAL, scope->project->planned_participants))
            goto cleanup;
    }
    rc = reporting_table_reply (table, call);

cleanup:
    reporting_table_destroy (&table);
    free (counts);
    PQclear (result);
    return rc;
}
