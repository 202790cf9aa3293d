/*  reporting_sla — the referral SLA report: notices to a municipality's
    social services by municipality, month and kind; how many were
    acknowledged and how many working days that took (median, p90), the
    same for the start of the service-need assessment, and the statutory
    clock: met, breached (missed, or running past the deadline today);
    and how many were put on hold, with the working days they were held
    (median, p90: the days the deadline moved by). */
#include "reporting_reports.h"
#include "reporting_scope.h"
#include "reporting_sql.h"
#include "reporting_table.h"
#include "kp_alloc.h"
#include "kp_calendar.h"
#include "kp_db.h"
#include "kp_row.h"
#include "kp_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    COL_MUNICIPALITY, COL_MONTH, COL_KIND, COL_RECEIVED, COL_ACKNOWLEDGED, COL_ACK_MEDIAN,
    COL_ACK_P90, COL_ASSESSED, COL_ASSESS_MEDIAN, COL_ASSESS_P90, COL_WITHIN, COL_BREACHES,
    COL_SHARE_WITHIN, COL_HELD, COL_HELD_MEDIAN, COL_HELD_P90, COL_COUNT
};
static const char *const s_columns [] = {
    "municipality", "month", "kind", "received", "acknowledged", "ack_median_days", "ack_p90_days",
    "assessment_started", "assessment_median_days", "assessment_p90_days", "within_deadline",
    "breaches", "share_within_deadline", "held", "held_median_days", "held_p90_days", NULL
};

//  One group's figures; days are working days per notice.
typedef struct {
    int64_t received, within, breaches;
    int *ack_days, *assess_days, *held_days;
    size_t n_ack, n_assess, n_held;
} s_group_t;

static int
s_int_compare (const void *a, const void *b)
{
    int x = *(const int *) a, y = *(const int *) b;
    return (x > y) - (x < y);
}

//  Nearest rank: the smallest value with at least percent % of the values
//  at or below it (the median of 1,2,3,4 is 2). Whole days, as counted.
static void
s_percentile (int *days, size_t count, int percent, char *text, size_t size)
{
    qsort (days, count, sizeof (int), s_int_compare);
    size_t rank = (count * (size_t) percent + 99) / 100;
    snprintf (text, size, "%d", count ? days [rank ? rank - 1 : 0] : 0);
}

static int
s_emit (reporting_table_t *table, const char *municipality, const char *month, const char *kind,
        s_group_t *group)
{
    char text [32];
    if (reporting_table_row (table)
    ||  reporting_table_text (table, COL_MUNICIPALITY, municipality)
    ||  reporting_table_text (table, COL_MONTH, month)
    ||  reporting_table_text (table, COL_KIND, kind)
    ||  reporting_table_count (table, COL_RECEIVED, group->received) < 0
    ||  reporting_table_count (table, COL_ACKNOWLEDGED, (int64_t) group->n_ack) < 0
    ||  reporting_table_count (table, COL_ASSESSED, (int64_t) group->n_assess) < 0
    ||  reporting_table_count (table, COL_WITHIN, group->within) < 0
    ||  reporting_table_count (table, COL_BREACHES, group->breaches) < 0
    ||  reporting_table_count (table, COL_HELD, (int64_t) group->n_held) < 0)
        return -1;
    const struct { int column, base, percent; int *days; size_t count; } stats [] = {
        { COL_ACK_MEDIAN, COL_ACKNOWLEDGED, 50, group->ack_days, group->n_ack },
        { COL_ACK_P90, COL_ACKNOWLEDGED, 90, group->ack_days, group->n_ack },
        { COL_ASSESS_MEDIAN, COL_ASSESSED, 50, group->assess_days, group->n_assess },
        { COL_ASSESS_P90, COL_ASSESSED, 90, group->assess_days, group->n_assess },
        { COL_HELD_MEDIAN, COL_HELD, 50, group->held_days, group->n_held },
        { COL_HELD_P90, COL_HELD, 90, group->held_days, group->n_held }
    };
    for (size_t index = 0; index < sizeof stats / sizeof stats [0]; index++) {
        *text = 0;
        if (stats [index].count)
            s_percentile (stats [index].days, stats [index].count, stats [index].percent, text, sizeof text);
        if (reporting_table_statistic (table, stats [index].column, text, stats [index].base, -1))
            return -1;
    }
    //  Of the clocks already decided (met, missed or overdue). Hidden with
    //  either count: with one shown, the share would give the other back.
    int64_t decided = group->within + group->breaches;
    *text = 0;
    if (decided)
        snprintf (text, sizeof text, "%.2f", (double) group->within / (double) decided);
    if (reporting_table_statistic (table, COL_SHARE_WITHIN, text, COL_WITHIN, COL_BREACHES))
        return -1;
    return reporting_table_row_people (table, group->received);
}

static int
s_add_day (int **days, size_t *count, int value)
{
    int *grown = kp_realloc (*days, (*count + 1) * sizeof (int));
    if (!grown)
        return -1;
    grown [(*count)++] = value;
    *days = grown;
    return 0;
}

//  Adds a notice to a group: received date, acknowledgement and assessment
//  start dates ("" when not yet), deadline state, held working days (-1:
//  never held).
static int
s_add (s_group_t *group, kp_date_t received, const char *acked, const char *assessed, int state, int held)
{
    kp_date_t date;
    group->received++;
    if (held >= 0 && s_add_day (&group->held_days, &group->n_held, held))
        return -1;
    if (*acked && !kp_date_parse (acked, &date)
    &&  s_add_day (&group->ack_days, &group->n_ack, kp_calendar_working_days_between (received, date)))
        return -1;
    if (*assessed && !kp_date_parse (assessed, &date)
    &&  s_add_day (&group->assess_days, &group->n_assess, kp_calendar_working_days_between (received, date)))
        return -1;
    group->within += state == KUMPPANI__V1__DEADLINE_STATE__DEADLINE_STATE_MET;
    group->breaches += state == KUMPPANI__V1__DEADLINE_STATE__DEADLINE_STATE_MISSED
                    || state == KUMPPANI__V1__DEADLINE_STATE__DEADLINE_STATE_OVERDUE;
    return 0;
}

static void
s_clear (s_group_t *group)
{
    free (group->ack_days);
    free (group->assess_days);
    free (group->held_days);
    memset (group, 0, sizeof *group);
}

int
reporting_sla_report (kp_call_t *call, const reporting_scope_t *scope)
{
    char today [11];
    kp_date_format (kp_date_today (), today);
    const char *values [REPORTING_SCOPE_PARAMS + 1];
    reporting_scope_params (scope, values);
    values [REPORTING_SCOPE_PARAMS] = today;
    PGresult *result = kp_db_exec (call->db, "report_referral_sla", REPORTING_SCOPE_PARAMS + 1, values);
    if (!result)
        return kp_call_db_fail (call);
    reporting_table_t *table = reporting_table_new (scope, s_columns);
    s_group_t group = { 0 }, all = { 0 };
    int rc = -1, rows = PQntuples (result);
    int total_cells [6][2048];                  //  each count column's cells, totals last
    int n_cells = 0;
    if (!table)
        goto cleanup;
    for (int row = 0; row < rows; row++) {
        kp_date_t received;
        if (kp_date_parse (kp_row_text (result, row, SLA_RECEIVED_ON), &received))
            goto cleanup;
        int state = kp_row_enum (result, row, SLA_DEADLINE_STATE, &kumppani__v1__deadline_state__descriptor);
        const char *acked = kp_row_text (result, row, SLA_ACKNOWLEDGED_ON);
        const char *assessed = kp_row_text (result, row, SLA_ASSESSMENT_STARTED_ON);
        int held = kp_row_bool (result, row, SLA_HELD) ? (int) kp_row_int (result, row, SLA_HELD_DAYS) : -1;
        if (s_add (&group, received, acked, assessed, state, held)
        ||  s_add (&all, received, acked, assessed, state, held))
            goto cleanup;
        //  Rows come grouped by municipality, month and kind.
        bool last = row + 1 == rows;
        const int keys [] = { SLA_MUNICIPALITY, SLA_MONTH, SLA_KIND };
        for (int key = 0; key < 3 && !last; key++)
            last = strcmp (kp_row_text (result, row, keys [key]), kp_row_text (result, row + 1, keys [key])) != 0;
        if (!last)
            continue;
        if (n_cells == 2047) {
            rc = kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "reporting.too_large",
                               "run_report.period_end", "too many rows: ask for a shorter period");
            goto cleanup;
        }
        //  The kind's database label is its published name ("unspecified" for none).
        if (s_emit (table, kp_row_text (result, row, SLA_MUNICIPALITY), kp_row_text (result, row, SLA_MONTH),
                    kp_row_text (result, row, SLA_KIND), &group))
            goto cleanup;
        s_clear (&group);
        n_cells++;
    }
    if (s_emit (table, "all", "all", "all", &all))
        goto cleanup;
    //  The totals row is published, so each count column is a line.
    const int counts [] = { COL_RECEIVED, COL_ACKNOWLEDGED, COL_ASSESSED, COL_WITHIN, COL_BREACHES, COL_HELD };
    for (size_t index = 0; index < sizeof counts / sizeof counts [0]; index++) {
        for (int row = 0; row <= n_cells; row++)
            total_cells [index][row] = reporting_table_cell_of (table, row, counts [index]);
        if (reporting_table_line (table, total_cells [index], (size_t) n_cells + 1))
            goto cleanup;
    }
    rc = reporting_table_reply (table, call);

cleanup:
    s_clear (&group);
    s_clear (&all);
    reporting_table_destroy (&table);
    PQclear (result);
    return rc;
}
