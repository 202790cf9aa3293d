/*  reporting_server — operation → handler, and who may call it. This
    table is the reporting service's authorisation matrix. */
#include "reporting_server.h"

//  Organisations whose workers observe local phenomena first hand.
#define REPORTING_OBSERVERS "municipality ngo debt_counselling parish te_office housing"

static const kp_route_t s_routes [] = {
    { KUMPPANI__V1__REQUEST__BODY_SUBMIT_OBSERVATION, "reporting.submit_observation",
      KP_ROUTE_MUTATING, REPORTING_OBSERVERS, reporting_observation_submit },
    { 0 }
};

static const kp_stmt_t *const s_statements [] = { reporting_statements, NULL };

const kp_service_def_t reporting_service = {
    .service = KP_SERVICE_REPORTING,
    .routes = s_routes,
    .statements = s_statements
};
