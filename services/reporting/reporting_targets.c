/*  reporting_targets — a project's targets, each with its actual figure
    over the report's period and whether it is met (min <= actual, and
    actual <= max when there is one). The table below is the one list of
    metrics: what each counts, and whether that is a count of people (then
    it goes through disclosure control, and "met" is hidden with it). A
    target without a metric is tracked by hand: listed, no figure. */
#include "reporting_reports.h"
#include "reporting_scope.h"
#include "reporting_sql.h"
#include "reporting_table.h"
#include "kp_db.h"
#include "kp_row.h"
#include "kp_server.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { COL_TARGET, COL_DESCRIPTION, COL_METRIC, COL_MIN, COL_MAX, COL_ACTUAL, COL_MET };
static const char *const s_columns [] = {
    "target", "description", "metric", "min", "max", "actual", "met", NULL
};

static const struct {
    const char *metric;
    const char *statement;
    const char *kinds;              //  fixed activity kinds, or NULL: the target's own
    int params;                     //  scope, then kinds ($6), then N ($7)
    bool people;
} s_metrics [] = {
    { "talousneuvola_processes",           "target_activities_held",       "talousneuvola", 6, false },
    { "peer_support_networks",             "target_activities_held",       "peer_support",  6, false },
    { "groups_meeting_min_times_per_area", "target_groups_per_area",       NULL,            7, false },
    { "clients_in_assessment",             "target_clients_in_assessment", NULL,            5, true },
    { "participants",                      "target_participants",          NULL,            5, true },
    { NULL }
};

bool
reporting_targets_metric_known (const char *metric)
{
    if (!*metric)
        return true;
    for (int index = 0; s_metrics [index].metric; index++)
        if (strcmp (s_metrics [index].metric, metric) == 0)
            return true;
    return false;
}

//  The actual figure of one target, or -1 on a database error.
static int64_t
s_actual (kp_call_t *call, const reporting_scope_t *scope, int metric, const char *kinds, int64_t parameter)
{
    char minimum [24];
    snprintf (minimum, sizeof minimum, "%" PRId64, parameter ? parameter : REPORTING_MIN_MEETINGS_DEFAULT);
    const char *values [REPORTING_SCOPE_PARAMS + 2];
    reporting_scope_params (scope, values);
    values [REPORTING_SCOPE_PARAMS] = s_metrics [metric].kinds ? s_metrics [metric].kinds : kinds;
    values [REPORTING_SCOPE_PARAMS + 1] = minimum;
    PGresult *result = kp_db_exec (call->db, s_metrics [metric].statement, s_metrics [metric].params, values);
    if (!result)
        return -1;
    int64_t actual = kp_row_int (result, 0, ACTUAL);
    PQclear (result);
    return actual;
}

//  One target's row; columns of the project_targets statement.
static int
s_target (kp_call_t *call, const reporting_scope_t *scope, reporting_table_t *table, PGresult *targets, int row)
{
    const char *metric = kp_row_text (targets, row, TARGET_METRIC);
    int64_t min = kp_row_int (targets, row, TARGET_MIN_VALUE);
    const char *max = kp_row_text (targets, row, TARGET_MAX_VALUE);
    if (reporting_table_row (table)
    ||  reporting_table_text (table, COL_TARGET, kp_row_text (targets, row, TARGET_CODE))
    ||  reporting_table_text (table, COL_DESCRIPTION, kp_row_text (targets, row, TARGET_DESCRIPTION))
    ||  reporting_table_text (table, COL_METRIC, metric)
    ||  reporting_table_figure (table, COL_MIN, min)
    ||  reporting_table_text (table, COL_MAX, max))
        return -1;
    int found = -1;
    for (int index = 0; s_metrics [index].metric && found < 0; index++)
        if (strcmp (s_metrics [index].metric, metric) == 0)
            found = index;
    if (found < 0)
        return 0;                   //  tracked by hand
    int64_t actual = s_actual (call, scope, found, kp_row_text (targets, row, TARGET_ACTIVITY_KINDS),
                               kp_row_int (targets, row, TARGET_PARAMETER));
    if (actual < 0)
        return -1;
    bool met = actual >= min && (!*max || actual <= strtoll (max, NULL, 10));
    if (s_metrics [found].people) {
        if (reporting_table_count (table, COL_ACTUAL, actual) < 0
        ||  reporting_table_statistic (table, COL_MET, met ? "met" : "not_met", COL_ACTUAL, -1))
            return -1;
        return 0;
    }
    return reporting_table_figure (table, COL_ACTUAL, actual)
        || reporting_table_text (table, COL_MET, met ? "met" : "not_met");
}

int
reporting_targets_report (kp_call_t *call, const reporting_scope_t *scope)
{
    if (!scope->project)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "reporting.project_required",
                             "run_report.project_id", "targets are a project's");
    const char *values [] = { scope->project_id };
    PGresult *targets = kp_db_exec (call->db, "project_targets", 1, values);
    if (!targets)
        return kp_call_db_fail (call);
    int rc = -1;
    reporting_table_t *table = reporting_table_new (scope, s_columns);
    if (!table)
        goto cleanup;
    for (int row = 0; row < PQntuples (targets); row++)
        if (s_target (call, scope, table, targets, row)) {
            kp_call_db_fail (call);
            goto cleanup;
        }
    rc = reporting_table_reply (table, call);

cleanup:
    reporting_table_destroy (&table);
    PQclear (targets);
    return rc;
}
