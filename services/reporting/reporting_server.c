/*  reporting_server — operation → handler, and who may call it. This
    table is the reporting service's authorisation matrix by organisation
    type; which data a caller sees is reporting_access's. */
#include "reporting_context.h"
#include "reporting_esf.h"
#include "reporting_handlers.h"
#include "reporting_heading.h"
#include "reporting_project.h"
#include "reporting_reports.h"
#include "reporting_server.h"
#include "reporting_sql.h"
#include "kp_config.h"
#include "kp_db.h"
#include "kp_server.h"
#include "kp_service.h"

//  Organisations whose workers observe local phenomena first hand.
#define REPORTING_OBSERVERS "municipality county ngo debt_counselling parish te_office housing"
//  Who may ask for a report at all: municipalities, Kela (its referral
//  SLA) and project coordinators. Integrators and the rest: never here.
#define REPORTING_READERS   "kela " REPORTING_COORDINATING

static const kp_route_t s_routes [] = {
    { KUMPPANI__V1__REQUEST__BODY_SUBMIT_OBSERVATION, "reporting.submit_observation",
      KP_ROUTE_MUTATING, REPORTING_OBSERVERS, reporting_observation_submit },
    { KUMPPANI__V1__REQUEST__BODY_DEFINE_PROJECT, "reporting.define_project",
      KP_ROUTE_MUTATING, REPORTING_COORDINATING, reporting_project_define },
    { KUMPPANI__V1__REQUEST__BODY_LINK_TO_PROJECT, "reporting.link_to_project",
      KP_ROUTE_MUTATING, REPORTING_COORDINATING, reporting_project_link },
    { KUMPPANI__V1__REQUEST__BODY_RUN_REPORT, "reporting.run_report",
      0, REPORTING_READERS, reporting_report_run },
    //  Seconds over a long event log: on a worker, so health and reports
    //  are answered meanwhile; one at a time (reporting_rebuild.c).
    { KUMPPANI__V1__REQUEST__BODY_REBUILD_ROLLUPS, "reporting.rebuild_rollups",
      KP_ROUTE_MUTATING | KP_ROUTE_BACKGROUND, "operator", reporting_rebuild_run,
      "reporting.rebuild_running" },
    { 0 }
};

static const kp_stmt_t *const s_statements [] = {
    reporting_statements, reporting_rollup_statements, reporting_workload_statements,
    reporting_heading_statements, reporting_partner_sla_statements, reporting_placements_statements,
    reporting_feedback_statements, reporting_esf_statements, NULL
};

KP_SERVICE_CONTEXT (reporting_t, reporting_new, reporting_destroy)

const kp_service_def_t reporting_service = {
    .service = KP_SERVICE_REPORTING,
    .routes = s_routes,
    .statements = s_statements,
    .context_new = s_context_new,
    .context_destroy = s_context_destroy
};
