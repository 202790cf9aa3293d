/*  reporting_workload_sql — the workload report's statement
    (reporting_workload.c): one row per organisation (or per worker of it)
    and month, every figure a count. $1-$5 the scope as in reporting_sql.c,
    $6 true for the rows per worker. */
#include "reporting_scope.h"
#include "reporting_sql.h"
#include "kp_db.h"

//  The cases a report may count (as reporting_sql's REPORTING_CASE_SCOPE).
#define REPORTING_CASE_SCOPE_CASES \
    REPORTING_IN_AREA ("c.municipality") \
    " AND ($4::text = '' OR c.case_id IN" \
    "   (SELECT pc.case_id FROM reporting.project_cases pc WHERE pc.project_id = $4::text))"
#define HELSINKI(column) "((" column ") AT TIME ZONE 'Europe/Helsinki')::date"
#define CONTACTS(kind) \
    " coalesce (sum ((SELECT count (*) FROM intake.contacts ct WHERE ct.case_id = w.case_id" \
    "   AND ct.kind = '" kind "' AND ct.contact_on BETWEEN w.month_start AND w.month_end)), 0)" \
    " AS contacts_" kind ","

static const kp_col_t s_workload_row [] = { REPORTING_WORKLOAD_ROW (KP_ROW_COLUMN) { NULL } };

//  $1-$5 the scope (reporting_scope_params), $6 by worker.
const kp_stmt_t reporting_workload_statements [] = {
    { "report_workload",
      "WITH months AS ("
      "  SELECT m::date AS month_start, (m + interval '1 month' - interval '1 day')::date AS month_end"
      "    FROM generate_series (date_trunc ('month', $1::date), date_trunc ('month', $2::date),"
      "                          interval '1 month') m),"
      " k AS ("
      "  SELECT c.case_id, c.municipality, coalesce (cl.opened_on, " HELSINKI ("c.opened_at") ") AS opened_on,"
      "         " HELSINKI ("c.closed_at") " AS closed_on, cl.deadline, " HELSINKI ("a.started_at") " AS started_on"
      "    FROM intake.cases c LEFT JOIN intake.case_clocks cl ON cl.case_id = c.case_id"
      "    LEFT JOIN intake.assessments a ON a.case_id = c.case_id"
      "   WHERE $5::text = '' AND" REPORTING_CASE_SCOPE_CASES "),"
      " w AS ("
      "  SELECT k.*, mo.month_start, mo.month_end,"
      "         CASE WHEN NOT $6::bool THEN '' ELSE coalesce ("
      "           (SELECT cw.worker FROM intake.case_workers cw WHERE cw.case_id = k.case_id"
      "             AND " HELSINKI ("cw.assigned_at") " <= mo.month_end ORDER BY cw.position DESC LIMIT 1),"
      "           (SELECT cw.worker FROM intake.case_workers cw WHERE cw.case_id = k.case_id"
      "             ORDER BY cw.position LIMIT 1), '') END AS worker"
      "    FROM k CROSS JOIN months mo"
      "   WHERE k.opened_on <= mo.month_end AND (k.closed_on IS NULL OR k.closed_on >= mo.month_start))"
      " SELECT municipality, worker, to_char (month_start, 'YYYY-MM') AS month,"
      "  count (*) FILTER (WHERE closed_on IS NULL OR closed_on > month_end) AS open_cases,"
      "  count (*) FILTER (WHERE opened_on >= month_start) AS opened,"
      "  count (*) FILTER (WHERE closed_on BETWEEN month_start AND month_end) AS closed,"
      CONTACTS ("meeting") CONTACTS ("phone") CONTACTS ("home_visit") CONTACTS ("network_meeting")
      CONTACTS ("digital")
      "  count (*) FILTER (WHERE started_on BETWEEN month_start AND month_end AND started_on <= deadline)"
      "   AS assessments_in_time,"
      "  count (*) FILTER (WHERE started_on BETWEEN month_start AND month_end AND started_on > deadline)"
      "   AS assessments_late,"
      "  count (*) FILTER (WHERE (closed_on IS NULL OR closed_on > month_end) AND EXISTS ("
      "    SELECT 1 FROM intake.plans p WHERE p.case_id = w.case_id AND p.next_review_date < month_end"
      "      AND " HELSINKI ("p.made_at") " <= month_end"
      "      AND NOT EXISTS (SELECT 1 FROM intake.plans q WHERE q.case_id = p.case_id"
      "                      AND q.version > p.version AND " HELSINKI ("q.made_at") " <= month_end)))"
      "   AS reviews_overdue"
      " FROM w GROUP BY municipality, worker, month_start ORDER BY municipality, month_start, worker",
      s_workload_row },
    { NULL }
};

