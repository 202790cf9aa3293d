/*  intake_esf_sql — the statements of the ESF+ results (migration 0026).
    Enum codes are cast in SQL so PostgreSQL refuses unknown ones. */
#include "intake_esf.h"
#include "kp_db.h"

static const kp_col_t s_result_row [] = { INTAKE_ESF_RESULT_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_closed_on_row [] = { { "closed_on", "text" }, { NULL } };
static const kp_col_t s_one_row [] = { { "one", "int4" }, { NULL } };

const kp_stmt_t intake_esf_statements [] = {
    //  The Helsinki day the case closed ('' while open).
    { "esf_case_closed_on",
      "SELECT coalesce (((closed_at AT TIME ZONE 'Europe/Helsinki')::date)::text, '') AS closed_on"
      " FROM intake.cases WHERE case_id = $1::text", s_closed_on_row },
    { "esf_result_get",
      "SELECT status::text AS status, observed_on::text AS observed_on, in_education_or_training,"
      " gained_qualification, coalesce (employment::text, '') AS employment, job_searching, improved_situation"
      " FROM intake.esf_results WHERE case_id = $1::text AND timepoint = $2::text", s_result_row },
    //  Nothing on a second insert of the same case and timepoint (a
    //  concurrent one): the caller reads what is there and compares.
    { "esf_result_insert",
      "INSERT INTO intake.esf_results (case_id, timepoint, status, observed_on, in_education_or_training,"
      " gained_qualification, employment, job_searching, improved_situation, recorded_by_org, recorded_by)"
      " VALUES ($1::text, $2::text, $3::intake.esf_result_status, $4::date, $5::bool, $6::bool,"
      " $7::intake.esf_employment, $8::bool, $9::bool, $10::text, $11::text)"
      " ON CONFLICT DO NOTHING RETURNING 1 AS one", s_one_row },
    { NULL }
};
