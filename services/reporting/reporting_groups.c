/*  reporting_groups — group activities from the groups rollups: by area
    and kind, each month and then the whole period: groups with a session
    held, sessions held, meetings per group, groups meeting at least N
    times (period rows), attendances and anonymous headcounts (the meeting
    place visitor curve), compensation paid. Rehabilitative work activity
    days come as the kind work_activity_placement. Attendances and
    headcounts (visitors) count people; each block's months add up to its
    period row, and the period rows to the grand total. */
#include "reporting_reports.h"
#include "reporting_scope.h"
#include "reporting_sql.h"
#include "reporting_table.h"
#include "kp_alloc.h"
#include "kp_row.h"
#include "kp_server.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    COL_MUNICIPALITY, COL_KIND, COL_MONTH, COL_GROUPS, COL_SESSIONS, COL_MEETINGS_PER_GROUP,
    COL_MIN_TIMES, COL_ATTENDANCES, COL_VISITORS, COL_COMPENSATION
};
static const char *const s_columns [] = {
    "municipality", "activity_kind", "month", "groups", "sessions_held", "meetings_per_group",
    "groups_meeting_min_times", "attendances", "headcount", "compensation_eur", NULL
};

#define GROUPS_ROWS_MAX 4096

//  Figures of one row; activities are those with a session held in it.
typedef struct {
    int64_t groups, sessions, min_times, attendances, visitors, cents;
} s_figures_t;

//  Cells of count columns, gathered for the lines.
typedef struct {
    int attendances [GROUPS_ROWS_MAX], visitors [GROUPS_ROWS_MAX];
    size_t count;
} s_line_t;

static int
s_emit (reporting_table_t *table, const char *municipality, const char *kind, const char *month,
        const s_figures_t *figures, bool period, s_line_t *line)
{
    char text [48];
    if (line->count == GROUPS_ROWS_MAX)
        return -1;
    if (reporting_table_row (table)
    ||  reporting_table_text (table, COL_MUNICIPALITY, municipality)
    ||  reporting_table_text (table, COL_KIND, kind)
    ||  reporting_table_text (table, COL_MONTH, month)
    ||  reporting_table_figure (table, COL_GROUPS, figures->groups)
    ||  reporting_table_figure (table, COL_SESSIONS, figures->sessions))
        return -1;
    if (period) {
        *text = 0;
        if (figures->groups)
            snprintf (text, sizeof text, "%.2f", (double) figures->sessions / (double) figures->groups);
        if (reporting_table_text (table, COL_MEETINGS_PER_GROUP, text)
        ||  reporting_table_figure (table, COL_MIN_TIMES, figures->min_times))
            return -1;
    }
    int attendances = reporting_table_count (table, COL_ATTENDANCES, figures->attendances);
    int visitors = reporting_table_count (table, COL_VISITORS, figures->visitors);
    if (attendances < 0 || visitors < 0)
        return -1;
    //  No session held (the row publishes 0 sessions): nobody attended and
    //  nobody was counted, by definition, so both are structural zeros, not
    //  small counts. Placement days are not sessions: only their (always
    //  empty) headcount is.
    bool placement = strcmp (kind, "work_activity_placement") == 0;
    if (figures->sessions == 0 && figures->attendances == 0 && !placement
    &&  reporting_table_structural_zero (table, COL_ATTENDANCES))
        return -1;
    if (figures->sessions == 0 && figures->visitors == 0
    &&  reporting_table_structural_zero (table, COL_VISITORS))
        return -1;
    line->attendances [line->count] = attendances;
    line->visitors [line->count++] = visitors;
    //  Compensation is paid per attendance: it goes with the attendances.
    snprintf (text, sizeof text, "%" PRId64 ".%02" PRId64, figures->cents / 100, figures->cents % 100);
    if (reporting_table_statistic (table, COL_COMPENSATION, text, COL_ATTENDANCES, -1))
        return -1;
    return reporting_table_row_people (table, figures->attendances + figures->visitors);
}

//  Closes a block of months with its period row; adds both lines.
static int
s_lines (reporting_table_t *table, s_line_t *block, s_line_t *totals)
{
    if (reporting_table_line (table, block->attendances, block->count)
    ||  reporting_table_line (table, block->visitors, block->count)
    ||  totals->count == GROUPS_ROWS_MAX)
        return -1;
    totals->attendances [totals->count] = block->attendances [block->count - 1];
    totals->visitors [totals->count++] = block->visitors [block->count - 1];
    block->count = 0;
    return 0;
}

static void
s_add (s_figures_t *into, const s_figures_t *row)
{
    into->sessions += row->sessions;
    into->attendances += row->attendances;
    into->visitors += row->visitors;
    into->cents += row->cents;
}

//  Activities of a block and their sessions held in the period.
typedef struct {
    const char **ids;
    int64_t *held;
    size_t count;
} s_activities_t;

static int
s_activity_held (s_activities_t *activities, const char *id, int64_t held)
{
    for (size_t index = 0; index < activities->count; index++)
        if (strcmp (activities->ids [index], id) == 0) {
            activities->held [index] += held;
            return 0;
        }
    if (activities->count == GROUPS_ROWS_MAX)
        return -1;
    activities->ids [activities->count] = id;       //  borrowed from the result
    activities->held [activities->count++] = held;
    return 0;
}

static void
s_period (const s_activities_t *activities, int min_meetings, s_figures_t *period)
{
    period->groups = period->min_times = 0;
    for (size_t index = 0; index < activities->count; index++) {
        period->groups += activities->held [index] > 0;
        period->min_times += activities->held [index] >= min_meetings;
    }
}

int
reporting_groups_report (kp_call_t *call, const reporting_scope_t *scope)
{
    PGresult *result = reporting_scope_query (call, scope, "report_groups");
    if (!result)
        return -1;
    int rc = -1, rows = PQntuples (result);
    reporting_table_t *table = reporting_table_new (scope, s_columns);
    s_line_t *block = kp_calloc (1, sizeof (s_line_t)), *totals = kp_calloc (1, sizeof (s_line_t));
    s_activities_t activities = {
        kp_calloc (GROUPS_ROWS_MAX, sizeof (char *)), kp_calloc (GROUPS_ROWS_MAX, sizeof (int64_t)), 0
    };
    s_figures_t month = { 0 }, period = { 0 }, all = { 0 };
    int64_t month_groups = 0;
    if (!table || !block || !totals || !activities.ids || !activities.held)
        goto cleanup;
    for (int row = 0; row < rows; row++) {
        const char *municipality = kp_row_text (result, row, GROUPS_MUNICIPALITY), *kind = kp_row_text (result, row, GROUPS_KIND);
        const char *month_text = kp_row_text (result, row, GROUPS_MONTH);
        s_figures_t figures = {
            0, kp_row_int (result, row, GROUPS_SESSIONS), 0,
            kp_row_int (result, row, GROUPS_PRESENT), kp_row_int (result, row, GROUPS_HEADCOUNT),
            kp_row_int (result, row, GROUPS_COMPENSATION_CENTS)
        };
        s_add (&month, &figures);
        month_groups += figures.sessions > 0;
        if (*kp_row_text (result, row, GROUPS_ACTIVITY_ID)
        &&  s_activity_held (&activities, kp_row_text (result, row, GROUPS_ACTIVITY_ID), figures.sessions))
            goto cleanup;
        bool last = row + 1 == rows;
        bool block_ends = last;
        //  A block is one area and kind.
        const int keys [] = { GROUPS_MUNICIPALITY, GROUPS_KIND };
        for (int key = 0; key < 2 && !block_ends; key++)
            block_ends = strcmp (kp_row_text (result, row, keys [key]), kp_row_text (result, row + 1, keys [key])) != 0;
        if (!block_ends && strcmp (month_text, kp_row_text (result, row + 1, GROUPS_MONTH)) == 0)
            continue;
        month.groups = month_groups;
        if (s_emit (table, municipality, kind, month_text, &month, false, block))
            goto cleanup;
        s_add (&period, &month);
        memset (&month, 0, sizeof month);
        month_groups = 0;
        if (!block_ends)
            continue;
        s_period (&activities, scope->min_meetings, &period);
        if (s_emit (table, municipality, kind, "all", &period, true, block)
        ||  s_lines (table, block, totals))
            goto cleanup;
        s_add (&all, &period);
        all.groups += period.groups;
        all.min_times += period.min_times;
        memset (&period, 0, sizeof period);
        activities.count = 0;
    }
    if (s_emit (table, "all", "all", "all", &all, true, totals)
    ||  reporting_table_line (table, totals->attendances, totals->count)
    ||  reporting_table_line (table, totals->visitors, totals->count))
        goto cleanup;
    rc = reporting_table_reply (table, call);

cleanup:
    reporting_table_destroy (&table);
    free (block);
    free (totals);
    free (activities.ids);
    free (activities.held);
    PQclear (result);
    return rc;
}
