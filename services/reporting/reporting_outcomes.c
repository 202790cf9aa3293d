/*  reporting_outcomes — change in an outcome instrument (AVAIN,
    Kykyviisari) from the start to the end measurement, per item and per
    kind of measure (service, guidance, group, …; "case" for the case's
    own measurements), then per item over all of them: how many pairs, how
    many improved (in the item's good direction), the mean change. A pair
    is one case's (and measure's) first start and last end filled in with
    the same instrument; the end falls in the period. */
#include "reporting_reports.h"
#include "reporting_scope.h"
#include "reporting_sql.h"
#include "reporting_table.h"
#include "kp_row.h"
#include "kp_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { COL_INSTRUMENT, COL_ITEM, COL_MEASURE, COL_N, COL_IMPROVED, COL_MEAN_CHANGE, COL_SHARE_IMPROVED };
static const char *const s_columns [] = {
    "instrument", "item", "measure", "n", "improved", "mean_change", "share_improved", NULL
};

//  Measure kinds of one item (intake's five and "case") and the item's row.
#define OUTCOME_KINDS_MAX 8

typedef struct {
    int64_t pairs, improved, change;
} s_change_t;

//  The lines of one item: n, improved and the unpublished rest, each
//  kind's cell and the item's total last.
typedef struct {
    int n [OUTCOME_KINDS_MAX], improved [OUTCOME_KINDS_MAX], rest [OUTCOME_KINDS_MAX];
    size_t count;
} s_item_lines_t;

static int
s_emit (reporting_table_t *table, const char *instrument, const char *item, const char *measure,
        const s_change_t *change, s_item_lines_t *lines)
{
    char mean [32], share [32];
    snprintf (mean, sizeof mean, "%.2f", change->pairs ? (double) change->change / (double) change->pairs : 0.0);
    snprintf (share, sizeof share, "%.2f", change->pairs ? (double) change->improved / (double) change->pairs : 0.0);
    if (lines->count == OUTCOME_KINDS_MAX
    ||  reporting_table_row (table)
    ||  reporting_table_text (table, COL_INSTRUMENT, instrument)
    ||  reporting_table_text (table, COL_ITEM, item)
    ||  reporting_table_text (table, COL_MEASURE, measure))
        return -1;
    int n = reporting_table_count (table, COL_N, change->pairs);
    int up = reporting_table_count (table, COL_IMPROVED, change->improved);
    //  n and improved give "not improved" away: it is a count too.
    int rest = reporting_table_unpublished (table, change->pairs - change->improved);
    int line [] = { up, rest, n };
    if (n < 0 || up < 0 || rest < 0
    ||  reporting_table_line (table, line, 3)
    ||  reporting_table_statistic (table, COL_MEAN_CHANGE, mean, COL_N, -1)
    //  The share is improved / n: shown beside either, it gives the other.
    ||  reporting_table_statistic (table, COL_SHARE_IMPROVED, share, COL_IMPROVED, COL_N)
    ||  reporting_table_row_people (table, change->pairs))
        return -1;
    lines->n [lines->count] = n;
    lines->improved [lines->count] = up;
    lines->rest [lines->count++] = rest;
    return 0;
}

int
reporting_outcomes_report (kp_call_t *call, const reporting_scope_t *scope)
{
    PGresult *result = reporting_scope_query (call, scope, "report_outcomes");
    if (!result)
        return -1;
    int rc = -1, rows = PQntuples (result);
    reporting_table_t *table = reporting_table_new (scope, s_columns);
    s_item_lines_t lines = { .count = 0 };
    s_change_t item = { 0 };
    if (!table)
        goto cleanup;
    for (int row = 0; row < rows; row++) {
        const char *instrument = kp_row_text (result, row, OUTCOME_INSTRUMENT), *code = kp_row_text (result, row, OUTCOME_ITEM_CODE);
        s_change_t change = {
            kp_row_int (result, row, OUTCOME_PAIRS), kp_row_int (result, row, OUTCOME_IMPROVED),
            kp_row_int (result, row, OUTCOME_CHANGE)
        };
        item.pairs += change.pairs;
        item.improved += change.improved;
        item.change += change.change;
        if (s_emit (table, instrument, code, kp_row_text (result, row, OUTCOME_MEASURE_KIND), &change, &lines))
            goto cleanup;
        bool item_ends = row + 1 == rows;
        const int keys [] = { OUTCOME_INSTRUMENT, OUTCOME_ITEM_CODE };
        for (int key = 0; key < 2 && !item_ends; key++)
            item_ends = strcmp (kp_row_text (result, row, keys [key]), kp_row_text (result, row + 1, keys [key])) != 0;
        if (!item_ends)
            continue;
        //  The item over all measures; its kinds add up to it.
        if (s_emit (table, instrument, code, "all", &item, &lines)
        ||  reporting_table_line (table, lines.n, lines.count)
        ||  reporting_table_line (table, lines.improved, lines.count)
        ||  reporting_table_line (table, lines.rest, lines.count))
            goto cleanup;
        memset (&item, 0, sizeof item);
        lines.count = 0;
    }
    rc = reporting_table_reply (table, call);

cleanup:
    reporting_table_destroy (&table);
    PQclear (result);
    return rc;
}
