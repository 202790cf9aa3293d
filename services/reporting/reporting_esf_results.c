/*  reporting_esf_results — esf_results: the ESF+ common result indicators
    for the people who left in the period (the participants report's exit
    rule), by gender. At exit and six months after: how many have a
    result recorded, and of those known, how many were in education or
    training, gained a qualification, were in employment (self-employment
    included, and of it self-employed), were job searching, and (six
    months after) had an improved labour-market situation. A person may
    count in several indicators; the status rows add up to those who left,
    and in_employment is employed plus self_employed. */
#include "reporting_esf.h"
#include "reporting_scope.h"
#include "reporting_table.h"
#include "kp_row.h"
#include "kp_server.h"

#include <string.h>

enum { COL_TIMEPOINT, COL_INDICATOR, COL_GENDER, COL_TOTAL = COL_GENDER + REPORTING_ESF_GENDERS };
static const char *const s_columns [] = {
    "timepoint", "indicator", "woman", "man", "non_binary", "not_told", "total", NULL
};

//  The rows of one timepoint, in table order.
enum { ROW_KNOWN, ROW_NOT_REACHED, ROW_DECLINED, ROW_NOT_DUE, ROW_NOT_RECORDED, ROW_EDUCATION,
       ROW_QUALIFICATION, ROW_EMPLOYMENT, ROW_SELF_EMPLOYED, ROW_JOB_SEARCHING, ROW_IMPROVED,
       ROW_EMPLOYED_ONLY, ROWS };
static const char *const s_rows [] = {
    "result_known", "not_reached", "declined", "not_due", "not_recorded", "in_education_or_training",
    "gained_qualification", "in_employment", "of_which_self_employed", "job_searching", "improved_situation"
};
#define PUBLISHED_ROWS ROW_EMPLOYED_ONLY

typedef struct {
    int64_t left [REPORTING_ESF_GENDERS];
    int64_t counts [2][ROWS][REPORTING_ESF_GENDERS];
} s_counts_t;

//  Counts one person at one timepoint from its columns (first: its status).
static int
s_count (s_counts_t *counts, const PGresult *result, int row, int timepoint, int first, int gender)
{
    int64_t (*at) [REPORTING_ESF_GENDERS] = counts->counts [timepoint];
    const char *status = kp_row_text (result, row, first + ESF_R_STATUS);
    bool due = timepoint == 0 || kp_row_bool (result, row, ESF_R_LONGER_DUE);
    if (!*status) {
        at [due ? ROW_NOT_RECORDED : ROW_NOT_DUE][gender]++;
        return 0;
    }
    if (strcmp (status, "not_reached") == 0 || strcmp (status, "declined") == 0) {
        at [*status == 'n' ? ROW_NOT_REACHED : ROW_DECLINED][gender]++;
        return 0;
    }
    if (strcmp (status, "known") != 0)
        return -1;
    const char *employment = kp_row_text (result, row, first + ESF_R_EMPLOYMENT);
    bool self = strcmp (employment, "self_employed") == 0, employed = strcmp (employment, "employed") == 0;
    if (!self && !employed && strcmp (employment, "none") != 0)
        return -1;
    at [ROW_KNOWN][gender]++;
    at [ROW_EDUCATION][gender] += kp_row_bool (result, row, first + ESF_R_EDUCATION);
    at [ROW_QUALIFICATION][gender] += kp_row_bool (result, row, first + ESF_R_QUALIFICATION);
    at [ROW_EMPLOYMENT][gender] += self || employed;
    at [ROW_SELF_EMPLOYED][gender] += self;
    at [ROW_EMPLOYED_ONLY][gender] += employed;
    at [ROW_JOB_SEARCHING][gender] += kp_row_bool (result, row, first + ESF_R_JOB_SEARCHING);
    at [ROW_IMPROVED][gender] += kp_row_bool (result, row, first + ESF_R_IMPROVED);
    return 0;
}

//  A row of counts by gender with its total (a line); the cells in cells.
static int
s_row (reporting_table_t *table, const char *timepoint, const char *indicator,
       const int64_t people [REPORTING_ESF_GENDERS], int cells [REPORTING_ESF_GENDERS + 1])
{
    int64_t total = 0;
    if (reporting_table_row (table)
    ||  reporting_table_text (table, COL_TIMEPOINT, timepoint)
    ||  reporting_table_text (table, COL_INDICATOR, indicator))
        return -1;
    for (int gender = 0; gender < REPORTING_ESF_GENDERS; gender++) {
        total += people [gender];
        if ((cells [gender] = reporting_table_count (table, COL_GENDER + gender, people [gender])) < 0)
            return -1;
    }
    if ((cells [REPORTING_ESF_GENDERS] = reporting_table_count (table, COL_TOTAL, total)) < 0)
        return -1;
    return reporting_table_line (table, cells, REPORTING_ESF_GENDERS + 1)
        || reporting_table_row_people (table, total) ? -1 : 0;
}

static int
s_timepoint (reporting_table_t *table, const s_counts_t *counts, int timepoint,
             const int left [REPORTING_ESF_GENDERS + 1])
{
    const char *name = timepoint == 0 ? "exit" : "six_months";
    int cells [ROWS][REPORTING_ESF_GENDERS + 1];
    for (int row = 0; row < PUBLISHED_ROWS; row++) {
        //  Not due and an improved situation are the longer-term's only.
        if (timepoint == 0 && (row == ROW_NOT_DUE || row == ROW_IMPROVED))
            continue;
        if (s_row (table, name, s_rows [row], counts->counts [timepoint][row], cells [row]))
            return -1;
    }
    for (int column = 0; column <= REPORTING_ESF_GENDERS; column++) {
        int64_t employed = 0;
        for (int gender = 0; gender < REPORTING_ESF_GENDERS; gender++)
            if (column == REPORTING_ESF_GENDERS || column == gender)
                employed += counts->counts [timepoint][ROW_EMPLOYED_ONLY][gender];
        int employed_only = reporting_table_unpublished (table, employed);
        if (employed_only < 0)
            return -1;
        //  The statuses add up to those who left; in employment is
        //  employed plus self-employed.
        int statuses [6], count = 0;
        statuses [count++] = cells [ROW_KNOWN][column];
        statuses [count++] = cells [ROW_NOT_REACHED][column];
        statuses [count++] = cells [ROW_DECLINED][column];
        if (timepoint == 1)
            statuses [count++] = cells [ROW_NOT_DUE][column];
        statuses [count++] = cells [ROW_NOT_RECORDED][column];
        statuses [count++] = left [column];
        const int employment [3] = { employed_only, cells [ROW_SELF_EMPLOYED][column], cells [ROW_EMPLOYMENT][column] };
        if (reporting_table_line (table, statuses, (size_t) count) || reporting_table_line (table, employment, 3))
            return -1;
    }
    return 0;
}

int
reporting_esf_results_report (kp_call_t *call, const reporting_scope_t *scope)
{
    PGresult *result = reporting_scope_query (call, scope, "report_esf_results");
    if (!result)
        return -1;
    int rc = -1;
    s_counts_t counts;
    memset (&counts, 0, sizeof counts);
    reporting_table_t *table = reporting_table_new (scope, s_columns);
    if (!table)
        goto cleanup;
    for (int row = 0; row < PQntuples (result); row++) {
        int gender = reporting_esf_gender (kp_row_text (result, row, ESF_R_GENDER));
        if (gender < 0
        ||  s_count (&counts, result, row, 0, ESF_R_EXIT_STATUS, gender)
        ||  s_count (&counts, result, row, 1, ESF_R_LONGER_STATUS, gender)) {
            kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INTERNAL, "reporting.bad_record", NULL,
                          "a result holds a value this report does not know");
            goto cleanup;
        }
        counts.left [gender]++;
    }
    //  Those who left, once for both timepoints.
    int left [REPORTING_ESF_GENDERS + 1];
    if (s_row (table, "exit", "left", counts.left, left)
    ||  s_timepoint (table, &counts, 0, left)
    ||  s_timepoint (table, &counts, 1, left))
        goto cleanup;
    rc = reporting_table_reply (table, call);

cleanup:
    reporting_table_destroy (&table);
    PQclear (result);
    return rc;
}
