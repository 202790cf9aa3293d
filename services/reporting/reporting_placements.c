/*  reporting_placements — rehabilitative work activity placements by
    area over the period: started (the agreement's start falls in it),
    ended by each reason (completed or interrupted: illness, moved to
    work or education, the client's decision, no-shows, other), the days
    attended and the compensation paid for them. Placements are people:
    each count goes through disclosure control, each column with its
    total is a line, and days and compensation are hidden with the row's
    started count. Outside projects, like the placement days of the
    groups report. */
#include "reporting_reports.h"
#include "reporting_scope.h"
#include "reporting_table.h"
#include "kp_alloc.h"
#include "kp_db.h"
#include "kp_row.h"
#include "kp_server.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPORTING_PLACEMENTS_ROW(C) \
    C (PLACEMENTS_MUNICIPALITY, "municipality", "text") \
    C (PLACEMENTS_STARTED, "started", "int8") \
    C (PLACEMENTS_COMPLETED, "completed", "int8") \
    C (PLACEMENTS_ILLNESS, "illness", "int8") \
    C (PLACEMENTS_MOVED_TO_WORK, "moved_to_work", "int8") \
    C (PLACEMENTS_MOVED_TO_EDUCATION, "moved_to_education", "int8") \
    C (PLACEMENTS_CLIENT_DECISION, "client_decision", "int8") \
    C (PLACEMENTS_NO_SHOWS, "no_shows", "int8") \
    C (PLACEMENTS_OTHER, "other", "int8") \
    C (PLACEMENTS_DAYS, "days", "int8") \
    C (PLACEMENTS_CENTS, "compensation_cents", "int8")
enum { REPORTING_PLACEMENTS_ROW (KP_ROW_INDEX) };
static const kp_col_t s_placements_row [] = { REPORTING_PLACEMENTS_ROW (KP_ROW_COLUMN) { NULL } };

#define S_FLOW(name) " coalesce (sum (x.placements) FILTER (WHERE x.flow = '" name "'), 0)::int8 AS " name ","
#define S_IN_PERIOD(table) \
    " WHERE " table ".copy = 'live' AND " table ".month BETWEEN to_char ($1::date, 'YYYY-MM')" \
    " AND to_char ($2::date, 'YYYY-MM') AND $4::text = '' AND $5::text = '' AND" REPORTING_IN_AREA (table ".municipality")

const kp_stmt_t reporting_placements_statements [] = {
    { "report_placements",
      "SELECT x.municipality," S_FLOW ("started") S_FLOW ("completed") S_FLOW ("illness") S_FLOW ("moved_to_work")
      S_FLOW ("moved_to_education") S_FLOW ("client_decision") S_FLOW ("no_shows") S_FLOW ("other")
      " coalesce (sum (x.days), 0)::int8 AS days, coalesce (sum (x.cents), 0)::int8 AS compensation_cents"
      " FROM (SELECT f.municipality, f.flow, f.placements, 0 AS days, 0 AS cents FROM reporting.placement_flow f"
      S_IN_PERIOD ("f")
      " UNION ALL SELECT d.municipality, '', 0, d.days, d.compensation_cents FROM reporting.placement_days d"
      S_IN_PERIOD ("d") ") x"
      " GROUP BY x.municipality ORDER BY x.municipality", s_placements_row },
    { NULL }
};

//  The report's columns; the count columns are in the row's order.
static const char *const s_columns [] = {
    "municipality", "placements_started", "ended_completed", "ended_illness", "ended_moved_to_work",
    "ended_moved_to_education", "ended_client_decision", "ended_no_shows", "ended_other", "days_attended",
    "compensation_eur", NULL
};
#define COUNTS 8                    //  started and the seven reasons
enum { COL_MUNICIPALITY, COL_FIRST_COUNT, COL_DAYS = COL_FIRST_COUNT + COUNTS, COL_COMPENSATION };

static int
s_row (reporting_table_t *table, const char *municipality, const int64_t *counts, int64_t days, int64_t cents,
       int *cells)
{
    if (reporting_table_row (table) || reporting_table_text (table, COL_MUNICIPALITY, municipality))
        return -1;
    for (int index = 0; index < COUNTS; index++)
        if ((cells [index] = reporting_table_count (table, COL_FIRST_COUNT + index, counts [index])) < 0)
            return -1;
    char text [48];
    snprintf (text, sizeof text, "%" PRId64, days);
    if (reporting_table_statistic (table, COL_DAYS, text, COL_FIRST_COUNT, -1))
        return -1;
    snprintf (text, sizeof text, "%" PRId64 ".%02" PRId64, cents / 100, cents % 100);
    return reporting_table_statistic (table, COL_COMPENSATION, text, COL_FIRST_COUNT, -1);
}

int
reporting_placements_report (kp_call_t *call, const reporting_scope_t *scope)
{
    PGresult *result = reporting_scope_query (call, scope, "report_placements");
    if (!result)
        return -1;
    int rc = -1, rows = PQntuples (result);
    reporting_table_t *table = reporting_table_new (scope, s_columns);
    //  cells [column][row], the total last: each column is a line.
    int *cells = kp_calloc ((size_t) (rows + 1) * COUNTS, sizeof (int));
    int *line = kp_calloc ((size_t) rows + 1, sizeof (int));
    int64_t totals [COUNTS] = { 0 }, days = 0, cents = 0;
    if (!table || !cells || !line)
        goto cleanup;
    for (int row = 0; row < rows; row++) {
        int64_t counts [COUNTS];
        for (int index = 0; index < COUNTS; index++) {
            counts [index] = kp_row_int (result, row, PLACEMENTS_STARTED + index);
            totals [index] += counts [index];
        }
        int64_t row_days = kp_row_int (result, row, PLACEMENTS_DAYS);
        int64_t row_cents = kp_row_int (result, row, PLACEMENTS_CENTS);
        days += row_days;
        cents += row_cents;
        if (s_row (table, kp_row_text (result, row, PLACEMENTS_MUNICIPALITY), counts, row_days, row_cents,
                   cells + (size_t) row * COUNTS))
            goto cleanup;
    }
    if (s_row (table, "all", totals, days, cents, cells + (size_t) rows * COUNTS))
        goto cleanup;
    for (int index = 0; index < COUNTS; index++) {
        for (int row = 0; row <= rows; row++)
            line [row] = cells [(size_t) row * COUNTS + (size_t) index];
        if (reporting_table_line (table, line, (size_t) rows + 1))
            goto cleanup;
    }
    rc = reporting_table_reply (table, call);

cleanup:
    reporting_table_destroy (&table);
    free (cells);
    free (line);
    PQclear (result);
    return rc;
}
