/*  reporting_report — RunReport: checks the request, resolves what the
    caller may see (reporting_access), runs the named report and audits
    the run. The table below is the one list of reports. */
#include "reporting_access.h"
#include "reporting_esf.h"
#include "reporting_handlers.h"
#include "reporting_project.h"
#include "reporting_reports.h"
#include "reporting_scope.h"
#include "reporting_suppress.h"
#include "kp_calendar.h"
#include "kp_check.h"
#include "kp_db.h"
#include "kp_ids.h"
#include "kp_server.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    reporting_report_fn *build;
} s_reports [] = {
    { "referral_sla",     reporting_sla_report },
    { "referral_partner_sla", reporting_partner_sla_report },
    { "participants",     reporting_participants_report },
    { "outcomes",         reporting_outcomes_report },
    { "social_reporting", reporting_social_report },
    { "groups",           reporting_groups_report },
    { "placements",       reporting_placements_report },
    { "feedback",         reporting_feedback_report },
    { "talousneuvola",    reporting_talousneuvola_report },
    { "targets",          reporting_targets_report },
    { "workload",         reporting_workload_report },
    { "esf_participants", reporting_esf_participants_report },
    { "esf_results",      reporting_esf_results_report },
    { NULL, NULL }
};

//  A year of months is what the reports are for; longer runs cost more
//  than they tell.
#define REPORT_MAX_DAYS (5 * 366)

void
reporting_scope_params (const reporting_scope_t *scope, const char *values [REPORTING_SCOPE_PARAMS])
{
    values [0] = scope->period_start;
    values [1] = scope->period_end;
    values [2] = scope->municipality;
    values [3] = scope->project_id;
    values [4] = scope->sender_org;
}

PGresult *
reporting_scope_query (kp_call_t *call, const reporting_scope_t *scope, const char *statement)
{
    const char *values [REPORTING_SCOPE_PARAMS];
    reporting_scope_params (scope, values);
    PGresult *result = kp_db_exec (call->db, statement, REPORTING_SCOPE_PARAMS, values);
    if (!result)
        kp_call_db_fail (call);
    return result;
}

int
reporting_report_run (kp_call_t *call)
{
    const Kumppani__V1__RunReport *body = call->request->run_report;
    reporting_scope_t scope = { 0 };
    reporting_report_fn *build = NULL;
    for (size_t index = 0; s_reports [index].name; index++)
        if (strcmp (body->report, s_reports [index].name) == 0) {
            scope.report = s_reports [index].name;
            build = s_reports [index].build;
        }
    if (!build)
        return kp_check_invalid (call, "reporting.unknown_report", "run_report.report",
                                 "one of referral_sla, referral_partner_sla, participants, outcomes, social_reporting,"
                                 " groups, placements, feedback, talousneuvola, targets, workload, esf_participants,"
                                 " esf_results");
    kp_date_t start, end;
    if (kp_date_parse (body->period_start, &start))
        return kp_check_invalid (call, "reporting.bad_period", "run_report.period_start",
                                 "a date as YYYY-MM-DD");
    if (kp_date_parse (body->period_end, &end) || end < start)
        return kp_check_invalid (call, "reporting.bad_period", "run_report.period_end",
                                 "a date as YYYY-MM-DD, not before the start");
    if (end - start > REPORT_MAX_DAYS)
        return kp_check_invalid (call, "reporting.bad_period", "run_report.period_end", "at most five years");
    if (*body->project_id && !kp_id_valid (body->project_id))
        return kp_check_invalid (call, "reporting.bad_id", "run_report.project_id", "a project id (26 characters)");
    size_t area_len = strlen (body->municipality);
    bool code = area_len == 3 && strspn (body->municipality, "0123456789") == 3;
    bool organiser = area_len >= 2 && area_len <= 3
                  && strspn (body->municipality, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == area_len;
    if (area_len && !code && !organiser)
        return kp_check_invalid (call, "reporting.bad_municipality", "run_report.municipality",
                                 "a three-digit municipality code or an organiser (EP, HKI)");
    if (body->threshold != 0 && body->threshold < REPORTING_SUPPRESS_THRESHOLD_MIN)
        return kp_check_invalid (call, "reporting.bad_threshold", "run_report.threshold",
                                 "0 for the default, else at least 3");
    if (body->threshold > 1000)
        return kp_check_invalid (call, "reporting.bad_threshold", "run_report.threshold", "at most 1000");
    if (body->min_meetings > 1000)
        return kp_check_invalid (call, "reporting.bad_min_meetings", "run_report.min_meetings", "at most 1000");

    reporting_project_t project;
    if (*body->project_id) {
        int found = reporting_project_load (call->db, body->project_id, &project);
        if (found < 0)
            return kp_call_db_fail (call);
        if (!found)
            return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_NOT_FOUND, "reporting.project_not_found",
                                 "run_report.project_id", "no such project");
        scope.project = &project;
        snprintf (scope.project_id, sizeof scope.project_id, "%s", project.id);
    }
    kp_date_format (start, scope.period_start);
    kp_date_format (end, scope.period_end);
    scope.threshold = (int) body->threshold;
    scope.min_meetings = body->min_meetings ? (int) body->min_meetings : REPORTING_MIN_MEETINGS_DEFAULT;
    if (reporting_access_scope (call, scope.project, &scope))
        return -1;
    //  The run is audited before it is answered: a report read is a read.
    if (kp_call_audit (call, NULL, NULL, NULL, scope.report))
        return kp_call_db_fail (call);
    //  A builder that fails says why (kp_call_fail, or kp_call_db_fail
    //  after a statement); one that does not is answered INTERNAL
    //  internal.unreported by kp_txn, never a guess.
    return build (call, &scope);
}
