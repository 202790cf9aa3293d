/*  reporting_esf_sql — the statements of the ESF+ reports. They take the
    report scope (reporting_scope_params: $1 period start, $2 period end,
    $3 area, $4 project, $5 sender) and return no identifier of a person.
    Who is a participant, and when they left, is the participants
    report's rule (reporting_sql.c, report_participants), written out
    again here over the same cases so each figure can be checked against
    it; the tests hold the two to the same people. */
#include "reporting_esf.h"
#include "reporting_scope.h"
#include "kp_db.h"

#define HELSINKI_DATE(column) "((" column ") AT TIME ZONE 'Europe/Helsinki')::date"

//  The cases a report may count: in the area, and linked to the project
//  when one is given (reporting_sql.c's REPORTING_CASE_SCOPE).
#define ESF_CASE_SCOPE(alias) \
    REPORTING_IN_AREA (alias ".municipality") \
    " AND ($4::text = '' OR " alias ".case_id IN" \
    "   (SELECT pc.case_id FROM reporting.project_cases pc WHERE pc.project_id = $4::text))"

//  k: cases in scope opened by the period's end (closed_at only if by
//  then); first_case: each person's first of them, if opened in the
//  period (their start); exit_case: the last to close of a person's cases
//  when all are closed by the period's end and the last in the period
//  (their exit), with its Helsinki day.
#define ESF_CASES \
    "WITH k AS (SELECT k.case_id, k.client_id, k.opened_at," \
    "   CASE WHEN " HELSINKI_DATE ("k.closed_at") " <= $2::date THEN k.closed_at END AS closed_at" \
    "   FROM intake.cases k" \
    "   WHERE " HELSINKI_DATE ("k.opened_at") " <= $2::date" \
    "   AND $5::text = '' AND" ESF_CASE_SCOPE ("k") ")," \
    " first_case AS (SELECT DISTINCT ON (client_id) client_id, case_id FROM k" \
    "   WHERE " HELSINKI_DATE ("opened_at") " >= $1::date" \
    "   ORDER BY client_id, opened_at, case_id)," \
    " last_case AS (SELECT DISTINCT ON (client_id) case_id, closed_at FROM k" \
    "   ORDER BY client_id, closed_at DESC NULLS FIRST, case_id DESC)," \
    " exit_case AS (SELECT case_id, " HELSINKI_DATE ("closed_at") " AS closed_on FROM last_case" \
    "   WHERE " HELSINKI_DATE ("closed_at") " >= $1::date)"

#define ESF_ANSWER(column) "coalesce (" column "::text, 'unknown')"
//  ISO 639 codes as recorded; Finland's official languages apart.
#define ESF_LANGUAGE(column) \
    "(CASE WHEN " column " IS NULL OR " column " = '' THEN 'unknown'" \
    " WHEN lower (" column ") IN ('fi', 'sv', 'se') THEN lower (" column ") ELSE 'other' END)"

//  A pseudonymous participant's answer while their consent to its use
//  holds; NULL ("not known") once it was withdrawn.
#define ESF_CONSENTED(column) "CASE WHEN consent_withdrawn_on IS NULL THEN " column " END AS " column

static const kp_col_t s_participant_row [] = { REPORTING_ESF_PARTICIPANT_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_result_row [] = { REPORTING_ESF_RESULT_ROW (KP_ROW_COLUMN) { NULL } };

const kp_stmt_t reporting_esf_statements [] = {
    { "esf_project_setting_insert",
      "INSERT INTO reporting.esf_project_settings (project_id, count_group_participants)"
      " VALUES ($1::text, $2::bool)" },

    //  One row per person and snapshot kind. Case participants: the
    //  snapshots (and their ESF+ companions) of first_case and exit_case,
    //  route 'case'. With the project's count_group_participants set,
    //  grp holds everyone present at a held session (not cancelled) of
    //  the project's activities in the area up to the period's end, with
    //  their first such day and whether every such session was a
    //  talousneuvola: a person with a case in scope is a case
    //  participant (whose start is skipped when their first attendance
    //  came before the period: they entered then); the others enter on
    //  their first attendance, route 'groups' or 'talousneuvola', with
    //  the client record's attributes (no case, so no snapshot), and have
    //  no exit. A pseudonymous participant (groups, migration 0033) is
    //  in grp as the client it was linked to, if it was (each person
    //  once: its attendance is the client's), else as itself with its
    //  record's attributes, "not known" once its consent was withdrawn.
    { "report_esf_participants",
      ESF_CASES ","
      " grp AS (SELECT coalesce (pp.linked_client_id, t.client_id) AS client_id,"
      "   bool_and (a.kind = 'talousneuvola') AS talousneuvola_only, min (gs.session_date) AS first_on"
      "   FROM groups.attendance t JOIN groups.sessions gs ON gs.session_id = t.session_id"
      "   JOIN groups.activities a ON a.activity_id = gs.activity_id"
      "   LEFT JOIN groups.pseudonymous_participants pp ON pp.participant_id = t.client_id"
      "   WHERE t.attendance = 'present' AND NOT gs.cancelled AND gs.session_date <= $2::date"
      "   AND $5::text = '' AND" REPORTING_IN_AREA ("a.municipality")
      "   AND EXISTS (SELECT 1 FROM reporting.esf_project_settings ps"
      "     WHERE ps.project_id = $4::text AND ps.count_group_participants)"
      "   AND a.activity_id IN (SELECT pa.activity_id FROM reporting.project_activities pa"
      "     WHERE pa.project_id = $4::text)"
      "   GROUP BY 1),"
      " pa AS (SELECT participant_id, " ESF_CONSENTED ("gender") ", " ESF_CONSENTED ("language") ","
      "   " ESF_CONSENTED ("foreign_background") ", " ESF_CONSENTED ("disability") ","
      "   " ESF_CONSENTED ("homelessness") ", " ESF_CONSENTED ("living_alone")
      "   FROM groups.pseudonymous_participants WHERE participant_id IN (SELECT client_id FROM grp))"
      " SELECT s.kind::text AS kind, 'case' AS route, coalesce (s.gender::text, 'not_told') AS gender,"
      " " ESF_LANGUAGE ("e.language") " AS language,"
      " " ESF_ANSWER ("e.foreign_background") " AS foreign_background,"
      " " ESF_ANSWER ("e.disability") " AS disability, " ESF_ANSWER ("e.homelessness") " AS homelessness,"
      " " ESF_ANSWER ("e.living_alone") " AS living_alone"
      " FROM intake.participant_snapshots s"
      " LEFT JOIN intake.esf_snapshots e ON e.case_id = s.case_id AND e.kind = s.kind"
      " WHERE (s.kind = 'start' AND s.case_id IN (SELECT fc.case_id FROM first_case fc"
      "   WHERE fc.client_id NOT IN (SELECT g.client_id FROM grp g WHERE g.first_on < $1::date)))"
      " OR (s.kind = 'exit' AND s.case_id IN (SELECT case_id FROM exit_case))"
      " UNION ALL"
      " SELECT 'start', CASE WHEN g.talousneuvola_only THEN 'talousneuvola' ELSE 'groups' END,"
      " coalesce (cl.gender::text, pa.gender::text, 'not_told'),"
      " " ESF_LANGUAGE ("coalesce (cl.language, pa.language)") ","
      " " ESF_ANSWER ("coalesce (cl.foreign_background, pa.foreign_background)") ","
      " " ESF_ANSWER ("coalesce (cl.disability, pa.disability)") ","
      " " ESF_ANSWER ("coalesce (cl.homelessness, pa.homelessness)") ","
      " " ESF_ANSWER ("coalesce (cl.living_alone, pa.living_alone)")
      " FROM grp g LEFT JOIN intake.clients cl ON cl.client_id = g.client_id"
      " LEFT JOIN pa ON pa.participant_id = g.client_id AND cl.client_id IS NULL"
      " WHERE (cl.client_id IS NOT NULL OR pa.participant_id IS NOT NULL)"
      " AND g.first_on >= $1::date AND g.client_id NOT IN (SELECT client_id FROM k)"
      " ORDER BY 1", s_participant_row },

    //  One row per person who left in the period (exit_case): the gender
    //  at exit, whether six months have passed since (on the per-call
    //  clock), and the results recorded on the exit case at each timepoint.
    { "report_esf_results",
      ESF_CASES
      " SELECT coalesce (s.gender::text, 'not_told') AS gender,"
      " (x.closed_on + interval '6 months')::date <= " HELSINKI_DATE ("kp.clock ()") " AS longer_due,"
      " coalesce (r.status::text, '') AS exit_status, coalesce (r.in_education_or_training, false) AS exit_education,"
      " coalesce (r.gained_qualification, false) AS exit_qualification,"
      " coalesce (r.employment::text, '') AS exit_employment, coalesce (r.job_searching, false) AS exit_job_searching,"
      " coalesce (r.improved_situation, false) AS exit_improved,"
      " coalesce (l.status::text, '') AS longer_status, coalesce (l.in_education_or_training, false) AS longer_education,"
      " coalesce (l.gained_qualification, false) AS longer_qualification,"
      " coalesce (l.employment::text, '') AS longer_employment, coalesce (l.job_searching, false) AS longer_job_searching,"
      " coalesce (l.improved_situation, false) AS longer_improved"
      " FROM exit_case x"
      " LEFT JOIN intake.participant_snapshots s ON s.case_id = x.case_id AND s.kind = 'exit'"
      " LEFT JOIN intake.esf_results r ON r.case_id = x.case_id AND r.timepoint = 'exit'"
      " LEFT JOIN intake.esf_results l ON l.case_id = x.case_id AND l.timepoint = 'six_months'",
      s_result_row },
    { NULL }
};
