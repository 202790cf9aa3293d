/*  reporting_reports — the report builders the report handler runs
    (reporting_report.c), one file each: each fills its table for a scope. */
#ifndef REPORTING_REPORTS_H
#define REPORTING_REPORTS_H

#include "reporting_scope.h"
#include "kp_db.h"
#include "kp_server.h"

#include <stdbool.h>

//  The reports: each fills table for scope. 0, or -1 with the call failed.
typedef int (reporting_report_fn) (kp_call_t *call, const reporting_scope_t *scope);
int reporting_sla_report (kp_call_t *call, const reporting_scope_t *scope);
//  The partner part of the referral SLA (reporting_partner_sla.c).
int reporting_partner_sla_report (kp_call_t *call, const reporting_scope_t *scope);
extern const kp_stmt_t reporting_partner_sla_statements [];
int reporting_participants_report (kp_call_t *call, const reporting_scope_t *scope);
int reporting_outcomes_report (kp_call_t *call, const reporting_scope_t *scope);
int reporting_social_report (kp_call_t *call, const reporting_scope_t *scope);
int reporting_groups_report (kp_call_t *call, const reporting_scope_t *scope);
//  Rehabilitative work activity placements (reporting_placements.c, with its statements).
int reporting_placements_report (kp_call_t *call, const reporting_scope_t *scope);
extern const kp_stmt_t reporting_placements_statements [];
//  Anonymous group feedback, aggregated (reporting_feedback.c, with its statements).
int reporting_feedback_report (kp_call_t *call, const reporting_scope_t *scope);
extern const kp_stmt_t reporting_feedback_statements [];
int reporting_talousneuvola_report (kp_call_t *call, const reporting_scope_t *scope);
int reporting_targets_report (kp_call_t *call, const reporting_scope_t *scope);
int reporting_workload_report (kp_call_t *call, const reporting_scope_t *scope);
//  A metric reporting_targets knows how to compute ("" = none).
bool reporting_targets_metric_known (const char *metric);

#endif
