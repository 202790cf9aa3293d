/*  reporting_feedback — the groups' anonymous feedback forms, aggregated
    only: per area and kind of activity over the period, how many forms
    and the mean of each 1-5 item (all in all, social meaning, variety,
    usefulness), with an `all` row. The forms are people: their count
    goes through disclosure control (the column with its total a line),
    and the means are hidden with it, so no mean of one or two forms is
    ever shown. Outside projects, like the placements. */
#include "reporting_reports.h"
#include "reporting_scope.h"
#include "reporting_table.h"
#include "kp_alloc.h"
#include "kp_db.h"
#include "kp_row.h"
#include "kp_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPORTING_FEEDBACK_ROW(C) \
    C (FEEDBACK_MUNICIPALITY, "municipality", "text") \
    C (FEEDBACK_KIND, "activity_kind", "text") \
    C (FEEDBACK_RESPONSES, "responses", "int8") \
    C (FEEDBACK_OVERALL, "overall", "int8") \
    C (FEEDBACK_SOCIAL, "social", "int8") \
    C (FEEDBACK_VARIETY, "variety", "int8") \
    C (FEEDBACK_USEFULNESS, "usefulness", "int8")
enum { REPORTING_FEEDBACK_ROW (KP_ROW_INDEX) };
static const kp_col_t s_feedback_row [] = { REPORTING_FEEDBACK_ROW (KP_ROW_COLUMN) { NULL } };

#define S_SUM(item) " coalesce (sum (f.score_sum) FILTER (WHERE f.item = '" item "'), 0)::int8 AS " item

const kp_stmt_t reporting_feedback_statements [] = {
    //  Score sums per item; every form has the four, so one item's responses count the forms.
    { "report_feedback",
      "SELECT f.municipality, f.activity_kind,"
      " coalesce (sum (f.responses) FILTER (WHERE f.item = 'overall'), 0)::int8 AS responses,"
      S_SUM ("overall") "," S_SUM ("social") "," S_SUM ("variety") "," S_SUM ("usefulness")
      " FROM reporting.group_feedback f"
      " WHERE f.copy = 'live' AND f.month BETWEEN to_char ($1::date, 'YYYY-MM') AND to_char ($2::date, 'YYYY-MM')"
      " AND $4::text = '' AND $5::text = '' AND" REPORTING_IN_AREA ("f.municipality")
      " GROUP BY 1, 2 ORDER BY 1, 2", s_feedback_row },
    { NULL }
};

static const char *const s_columns [] = {
    "municipality", "activity_kind", "responses", "mean_overall", "mean_social", "mean_variety",
    "mean_usefulness", NULL
};
enum { COL_MUNICIPALITY, COL_KIND, COL_RESPONSES, COL_FIRST_MEAN };
#define ITEMS 4

static int
s_row (reporting_table_t *table, const char *municipality, const char *kind, int64_t responses,
       const int64_t *sums, int *cell)
{
    if (reporting_table_row (table)
    ||  reporting_table_text (table, COL_MUNICIPALITY, municipality)
    ||  reporting_table_text (table, COL_KIND, kind)
    ||  (*cell = reporting_table_count (table, COL_RESPONSES, responses)) < 0)
        return -1;
    for (int index = 0; index < ITEMS; index++) {
        char text [32] = "";
        if (responses > 0)
            snprintf (text, sizeof text, "%.2f", (double) sums [index] / (double) responses);
        if (reporting_table_statistic (table, COL_FIRST_MEAN + index, text, COL_RESPONSES, -1))
            return -1;
    }
    return 0;
}

int
reporting_feedback_report (kp_call_t *call, const reporting_scope_t *scope)
{
    PGresult *result = reporting_scope_query (call, scope, "report_feedback");
    if (!result)
        return -1;
    int rc = -1, rows = PQntuples (result);
    reporting_table_t *table = reporting_table_new (scope, s_columns);
    int *line = kp_calloc ((size_t) rows + 1, sizeof (int));
    int64_t responses = 0, sums [ITEMS] = { 0 };
    if (!table || !line)
        goto cleanup;
    for (int row = 0; row < rows; row++) {
        int64_t row_sums [ITEMS], row_responses = kp_row_int (result, row, FEEDBACK_RESPONSES);
        for (int index = 0; index < ITEMS; index++) {
            row_sums [index] = kp_row_int (result, row, FEEDBACK_OVERALL + index);
            sums [index] += row_sums [index];
        }
        responses += row_responses;
        if (s_row (table, kp_row_text (result, row, FEEDBACK_MUNICIPALITY), kp_row_text (result, row, FEEDBACK_KIND),
                   row_responses, row_sums, &line [row]))
            goto cleanup;
    }
    if (s_row (table, "all", "all", responses, sums, &line [rows])
    ||  reporting_table_line (table, line, (size_t) rows + 1))
        goto cleanup;
    rc = reporting_table_reply (table, call);

cleanup:
    reporting_table_destroy (&table);
    free (line);
    PQclear (result);
    return rc;
}
