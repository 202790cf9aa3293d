/*  reporting_sql — every statement the reporting service prepares. */
#include "reporting_server.h"

const kp_stmt_t reporting_statements [] = {
    { "observation_insert",
      "INSERT INTO reporting.observations (observation_id, org_id, person_id, theme, area,"
      " period_start, period_end, description, clients_concerned)"
      " VALUES ($1::text, $2::text, $3::text, $4::text, $5::text, $6::date, $7::date,"
      " $8::text, $9::int4)" },
    { NULL }
};
