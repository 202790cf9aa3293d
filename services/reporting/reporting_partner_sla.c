/*  reporting_partner_sla — the partner part of the referral SLA: every
    referral received in the period (to a municipality or to a partner),
    by kind and receiver type: how many the receiver answered (accepted or
    declined), how many working days the first answer took (median, p90,
    nearest rank, counted by kp_calendar from the day received to the day
    answered, Europe/Helsinki), how many were accepted and declined, and
    the share of the received with an outcome recorded (the loop closed).
    Working days rather than hours: the receivers are offices that work
    on working days, and it is the unit of the statutory clocks beside it.
    Read from the rollup reporting.referral_responses (migration 0024). */
#include "reporting_reports.h"
#include "reporting_scope.h"
#include "reporting_table.h"
#include "kp_alloc.h"
#include "kp_calendar.h"
#include "kp_db.h"
#include "kp_row.h"
#include "kp_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PARTNER_SLA_ROW(C) \
    C (PS_KIND, "kind", "text") \
    C (PS_RECIPIENT_TYPE, "recipient_type", "text") \
    C (PS_RECEIVED_ON, "received_on", "text") \
    C (PS_ANSWER, "answer", "text") \
    C (PS_ANSWERED_ON, "answered_on", "text") \
    C (PS_WITH_OUTCOME, "with_outcome", "bool")
enum { PARTNER_SLA_ROW (KP_ROW_INDEX) };
static const kp_col_t s_row [] = { PARTNER_SLA_ROW (KP_ROW_COLUMN) { NULL } };

const kp_stmt_t reporting_partner_sla_statements [] = {
    //  One row per referral received in the period, grouped by kind and
    //  receiver type; the scope as referral_sla's ($3 area, $4 project,
    //  $5 Kela's own).
    { "report_partner_sla",
      "SELECT coalesce (n.kind::text, 'unspecified') AS kind, n.recipient_type,"
      " n.received_on::text AS received_on, coalesce (n.answer, '') AS answer,"
      " coalesce (n.answered_on::text, '') AS answered_on, n.outcome_on IS NOT NULL AS with_outcome"
      " FROM reporting.referral_responses n"
      " WHERE n.copy = 'live' AND n.received_on BETWEEN $1::date AND $2::date"
      " AND" REPORTING_IN_AREA ("n.municipality")
      " AND ($5::text = '' OR n.sender_org = $5::text)"
      " AND ($4::text = '' OR n.referral_id IN (SELECT cr.referral_id FROM intake.case_referrals cr"
      "   JOIN reporting.project_cases pc ON pc.case_id = cr.case_id WHERE pc.project_id = $4::text))"
      " ORDER BY 1, 2", s_row },
    { NULL }
};

enum {
    COL_KIND, COL_RECEIVER_TYPE, COL_RECEIVED, COL_ANSWERED, COL_ANSWER_MEDIAN, COL_ANSWER_P90,
    COL_ACCEPTED, COL_DECLINED, COL_WITH_OUTCOME, COL_SHARE_WITH_OUTCOME, COL_COUNT
};
static const char *const s_columns [] = {
    "kind", "receiver_type", "received", "answered", "answer_median_days", "answer_p90_days",
    "accepted", "declined", "with_outcome", "share_with_outcome", NULL
};

typedef struct {
    int64_t received, accepted, declined, with_outcome;
    int *days;                      //  working days to the first answer, per answered referral
    size_t answered;
} s_group_t;

static int
s_int_compare (const void *a, const void *b)
{
    int x = *(const int *) a, y = *(const int *) b;
    return (x > y) - (x < y);
}

//  Nearest rank, as referral_sla counts it: the smallest value with at
//  least percent % of the values at or below it.
static void
s_percentile (int *days, size_t count, int percent, char *text, size_t size)
{
    qsort (days, count, sizeof (int), s_int_compare);
    size_t rank = (count * (size_t) percent + 99) / 100;
    snprintf (text, size, "%d", days [rank ? rank - 1 : 0]);
}

static int
s_add (s_group_t *group, kp_date_t received, const char *answer, const char *answered_on, bool outcome)
{
    group->received++;
    group->with_outcome += outcome;
    kp_date_t date;
    if (!*answer || kp_date_parse (answered_on, &date))
        return 0;
    group->accepted += strcmp (answer, "accepted") == 0;
    group->declined += strcmp (answer, "declined") == 0;
    int *grown = kp_realloc (group->days, (group->answered + 1) * sizeof (int));
    if (!grown)
        return -1;
    grown [group->answered++] = kp_calendar_working_days_between (received, date);
    group->days = grown;
    return 0;
}

static void
s_clear (s_group_t *group)
{
    free (group->days);
    memset (group, 0, sizeof *group);
}

static int
s_emit (reporting_table_t *table, const char *kind, const char *receiver_type, s_group_t *group)
{
    if (reporting_table_row (table)
    ||  reporting_table_text (table, COL_KIND, kind)
    ||  reporting_table_text (table, COL_RECEIVER_TYPE, receiver_type)
    ||  reporting_table_count (table, COL_RECEIVED, group->received) < 0
    ||  reporting_table_count (table, COL_ANSWERED, (int64_t) group->answered) < 0
    ||  reporting_table_count (table, COL_ACCEPTED, group->accepted) < 0
    ||  reporting_table_count (table, COL_DECLINED, group->declined) < 0
    ||  reporting_table_count (table, COL_WITH_OUTCOME, group->with_outcome) < 0)
        return -1;
    char text [32];
    const struct { int column, percent; } stats [] = { { COL_ANSWER_MEDIAN, 50 }, { COL_ANSWER_P90, 90 } };
    for (size_t index = 0; index < 2; index++) {
        *text = 0;
        if (group->answered)
            s_percentile (group->days, group->answered, stats [index].percent, text, sizeof text);
        if (reporting_table_statistic (table, stats [index].column, text, COL_ANSWERED, -1))
            return -1;
    }
    //  Hidden with either count: with one shown the share gives the other.
    *text = 0;
    if (group->received)
        snprintf (text, sizeof text, "%.2f", (double) group->with_outcome / (double) group->received);
    if (reporting_table_statistic (table, COL_SHARE_WITH_OUTCOME, text, COL_WITH_OUTCOME, COL_RECEIVED))
        return -1;
    return reporting_table_row_people (table, group->received);
}

#define PARTNER_SLA_GROUPS_MAX 2047

int
reporting_partner_sla_report (kp_call_t *call, const reporting_scope_t *scope)
{
    const char *values [REPORTING_SCOPE_PARAMS];
    reporting_scope_params (scope, values);
    PGresult *result = kp_db_exec (call->db, "report_partner_sla", REPORTING_SCOPE_PARAMS, values);
    if (!result)
        return kp_call_db_fail (call);
    reporting_table_t *table = reporting_table_new (scope, s_columns);
    s_group_t group = { 0 }, all = { 0 };
    static const int counts [] = { COL_RECEIVED, COL_ANSWERED, COL_ACCEPTED, COL_DECLINED, COL_WITH_OUTCOME };
    enum { N_COUNTS = sizeof counts / sizeof counts [0] };
    int (*cells) [PARTNER_SLA_GROUPS_MAX + 1] = kp_calloc (N_COUNTS, sizeof *cells);
    int rc = -1, rows = PQntuples (result), n_groups = 0;
    if (!table || !cells)
        goto cleanup;
    for (int row = 0; row < rows; row++) {
        kp_date_t received;
        if (kp_date_parse (kp_row_text (result, row, PS_RECEIVED_ON), &received))
            goto cleanup;
        const char *answer = kp_row_text (result, row, PS_ANSWER);
        const char *answered_on = kp_row_text (result, row, PS_ANSWERED_ON);
        bool outcome = kp_row_bool (result, row, PS_WITH_OUTCOME);
        if (s_add (&group, received, answer, answered_on, outcome)
        ||  s_add (&all, received, answer, answered_on, outcome))
            goto cleanup;
        bool last = row + 1 == rows;
        const int keys [] = { PS_KIND, PS_RECIPIENT_TYPE };
        for (int key = 0; key < 2 && !last; key++)
            last = strcmp (kp_row_text (result, row, keys [key]), kp_row_text (result, row + 1, keys [key])) != 0;
        if (!last)
            continue;
        if (n_groups == PARTNER_SLA_GROUPS_MAX) {
            rc = kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "reporting.too_large",
                               "run_report.period_end", "too many rows: ask for a shorter period");
            goto cleanup;
        }
        if (s_emit (table, kp_row_text (result, row, PS_KIND), kp_row_text (result, row, PS_RECIPIENT_TYPE),
                    &group))
            goto cleanup;
        s_clear (&group);
        n_groups++;
    }
    if (s_emit (table, "all", "all", &all))
        goto cleanup;
    //  The totals row is published, so each count column is a line.
    for (size_t index = 0; index < N_COUNTS; index++) {
        for (int row = 0; row <= n_groups; row++)
            cells [index][row] = reporting_table_cell_of (table, row, counts [index]);
        if (reporting_table_line (table, cells [index], (size_t) n_groups + 1))
            goto cleanup;
    }
    rc = reporting_table_reply (table, call);

cleanup:
    s_clear (&group);
    s_clear (&all);
    free (cells);
    reporting_table_destroy (&table);
    PQclear (result);
    return rc;
}
