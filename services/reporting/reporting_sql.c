/*  reporting_sql — every statement the reporting service prepares. The
    report statements share their first parameters (reporting_scope_params):
    $1 period start, $2 period end, $3 municipality, $4 project, $5 sender;
    '' means no restriction. They return no identifier of a person. */
#include "reporting_scope.h"
#include "reporting_sql.h"
#include "kp_db.h"

//  The cases a report may count: in the municipality, and linked to the
//  project when one is given.
#define REPORTING_CASE_SCOPE(alias) \
    REPORTING_IN_AREA (alias ".municipality") \
    " AND ($4::text = '' OR " alias ".case_id IN" \
    "   (SELECT pc.case_id FROM reporting.project_cases pc WHERE pc.project_id = $4::text))"

//  The activities a report may count (groups rollups): in the
//  municipality, and linked to the project when one is given.
#define REPORTING_ACTIVITY_SCOPE(alias) \
    REPORTING_IN_AREA (alias ".municipality") \
    " AND ($4::text = '' OR " alias ".activity_id IN" \
    "   (SELECT pa.activity_id FROM reporting.project_activities pa WHERE pa.project_id = $4::text))"

//  A session held: somebody came (someone present, or a headcount above
//  0). All absent or excused, or a headcount of 0, is a session nobody
//  attended: not a meeting held (README, counting rules).
#define REPORTING_HELD(alias) "(" alias ".present > 0 OR " alias ".headcount > 0)"

//  Live sessions in the period of activities in scope, joined to their
//  activity (and to what join adds).
#define REPORTING_SESSIONS_IN_SCOPE_JOIN(join) \
    " FROM reporting.group_sessions s JOIN reporting.group_activities a" \
    "   ON a.copy = s.copy AND a.activity_id = s.activity_id" join \
    " WHERE s.copy = 'live' AND s.session_date BETWEEN $1::date AND $2::date AND $5::text = ''" \
    " AND" REPORTING_ACTIVITY_SCOPE ("a")
#define REPORTING_SESSIONS_IN_SCOPE REPORTING_SESSIONS_IN_SCOPE_JOIN ("")

#define REPORTING_HELSINKI_DATE(column) "((" column ") AT TIME ZONE 'Europe/Helsinki')::date"

static const kp_col_t s_sla_row [] = { REPORTING_SLA_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_participants_row [] = { REPORTING_PARTICIPANTS_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_outcomes_row [] = { REPORTING_OUTCOMES_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_social_row [] = { REPORTING_SOCIAL_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_groups_row [] = { REPORTING_GROUPS_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_visits_row [] = { REPORTING_VISITS_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_contacts_row [] = { REPORTING_CONTACTS_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_topics_row [] = { REPORTING_TOPICS_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_staffing_row [] = { REPORTING_STAFFING_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_actual_row [] = { REPORTING_ACTUAL_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_targets_row [] = { REPORTING_TARGETS_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_project_row [] = { REPORTING_PROJECT_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_case_row [] = { REPORTING_CASE_ROW (KP_ROW_COLUMN) { NULL } };
//  Statements whose rows are only counted.
static const kp_col_t s_one_row [] = { { "one", "int4" }, { NULL } };

const kp_stmt_t reporting_statements [] = {
    { "observation_insert",
      "INSERT INTO reporting.observations (observation_id, org_id, person_id, theme, area,"
      " period_start, period_end, description, clients_concerned)"
      " VALUES ($1::text, $2::text, $3::text, $4::text, $5::text, $6::date, $7::date,"
      " $8::text, $9::int4)" },
    { "municipality_exists",
      "SELECT 1 AS one FROM kp.municipalities WHERE code = $1::text", s_one_row },
    { "project_insert",
      "INSERT INTO reporting.projects (project_id, owner_org, name, period_start, period_end,"
      " planned_participants, created_by)"
      " VALUES ($1::text, $2::text, $3::text, $4::date, $5::date, $6::int4, $7::text)" },
    { "project_municipality_insert",
      "INSERT INTO reporting.project_municipalities (project_id, municipality)"
      " VALUES ($1::text, $2::text) ON CONFLICT DO NOTHING" },
    { "project_target_insert",
      "INSERT INTO reporting.project_targets (project_id, code, description, min_value, max_value,"
      " metric, parameter, activity_kinds)"
      " VALUES ($1::text, $2::text, $3::text, $4::int8, $5::int8, $6::text, $7::int8, $8::text)" },
    { "project_targets",
      "SELECT code, description, min_value, coalesce (max_value::text, '') AS max_value, metric, parameter,"
      " activity_kinds FROM reporting.project_targets WHERE project_id = $1::text ORDER BY code", s_targets_row },
    { "project_load",
      "SELECT p.owner_org, p.planned_participants,"
      " coalesce ((SELECT string_agg (m.municipality, ' ' ORDER BY m.municipality)"
      "   FROM reporting.project_municipalities m WHERE m.project_id = p.project_id), '') AS municipalities"
      " FROM reporting.projects p WHERE p.project_id = $1::text", s_project_row },
    { "case_municipality",
      "SELECT municipality FROM intake.cases WHERE case_id = $1::text", s_case_row },
    { "project_case_insert",
      "INSERT INTO reporting.project_cases (project_id, case_id, municipality, linked_by_org)"
      " VALUES ($1::text, $2::text, $3::text, $4::text) ON CONFLICT DO NOTHING RETURNING 1 AS one", s_one_row },
    { "project_activity_insert",
      "INSERT INTO reporting.project_activities (project_id, activity_id, linked_by_org)"
      " VALUES ($1::text, $2::text, $3::text) ON CONFLICT DO NOTHING RETURNING 1 AS one", s_one_row },

    //  One row per notice to a municipality received in the period, from
    //  the rollup (REPORTING_SLA_ROW): the day the receiver first answered
    //  it (left RECEIVED), the assessment start, and where its clock stands
    //  on $6 (today): met, missed, overdue (running past the deadline),
    //  ok (running) or none. Working days are counted in C (kp_calendar),
    //  which SQL does not know.
    { "report_referral_sla",
      "SELECT n.municipality, to_char (n.received_on, 'YYYY-MM') AS month,"
      " coalesce (n.kind::text, 'unspecified') AS kind,"
      " n.received_on::text AS received_on,"
      " coalesce (n.acknowledged_on::text, '') AS acknowledged_on,"
      " coalesce (n.assessment_started_on::text, '') AS assessment_started_on,"
      " (CASE WHEN n.deadline IS NULL THEN 'none'"
      "   WHEN n.clock_stopped_on IS NOT NULL THEN"
      "     CASE WHEN n.clock_stopped_on <= n.deadline THEN 'met' ELSE 'missed' END"
      "   WHEN n.breach_notified OR n.deadline < $6::date THEN 'overdue' ELSE 'ok' END)::referral.deadline_state"
      "   AS deadline_state, n.held, n.held_working_days"
      " FROM reporting.referral_notices n"
      " WHERE n.copy = 'live' AND n.received_on BETWEEN $1::date AND $2::date"
      " AND" REPORTING_IN_AREA ("n.municipality")
      " AND ($5::text = '' OR n.sender_org = $5::text)"
      " AND ($4::text = '' OR n.referral_id IN (SELECT cr.referral_id FROM intake.case_referrals cr"
      "   JOIN reporting.project_cases pc ON pc.case_id = cr.case_id WHERE pc.project_id = $4::text))"
      " ORDER BY 1, 2, n.kind NULLS FIRST", s_sla_row },

    //  ESF participants from intake's snapshots (migration 0012), one row
    //  per person and snapshot kind, start rows first: kind, gender, age
    //  then (-1 unknown), labour market status, education level,
    //  municipality of residence then. Start: the person's first case in
    //  scope ever (their entry into the operation) opened in the period; a
    //  returning client's later case is no second entry. Exit: the
    //  person's cases in scope opened by the period's end were all closed
    //  by then, the last of them in the period; its exit snapshot (none
    //  for a case closed before 0012).
    { "report_participants",
      "WITH k AS (SELECT k.case_id, k.client_id, k.opened_at,"
      "   CASE WHEN " REPORTING_HELSINKI_DATE ("k.closed_at") " <= $2::date THEN k.closed_at END AS closed_at"
      "   FROM intake.cases k"
      "   WHERE " REPORTING_HELSINKI_DATE ("k.opened_at") " <= $2::date"
      "   AND $5::text = '' AND" REPORTING_CASE_SCOPE ("k") "),"
      " first_case AS (SELECT case_id FROM (SELECT DISTINCT ON (client_id) case_id, opened_at FROM k"
      "   ORDER BY client_id, opened_at, case_id) f"
      "   WHERE " REPORTING_HELSINKI_DATE ("f.opened_at") " >= $1::date),"
      " last_case AS (SELECT DISTINCT ON (client_id) case_id, closed_at FROM k"
      "   ORDER BY client_id, closed_at DESC NULLS FIRST, case_id DESC)"
      " SELECT s.kind::text AS kind, coalesce (s.gender::text, 'not_told') AS gender,"
      " coalesce (s.age, -1) AS age, coalesce (s.labour_market_status::text, 'unknown') AS labour_market_status,"
      " coalesce (s.education_level::text, 'unknown') AS education_level, s.municipality"
      " FROM intake.participant_snapshots s"
      " WHERE (s.kind = 'start' AND s.case_id IN (SELECT case_id FROM first_case))"
      " OR (s.kind = 'exit' AND s.case_id IN (SELECT case_id FROM last_case"
      "   WHERE " REPORTING_HELSINKI_DATE ("closed_at") " >= $1::date))"
      " ORDER BY s.kind", s_participants_row },

    //  Per instrument item and kind of measure ("case" when the client was
    //  measured for the case, not a measure): pairs, improved, sum of
    //  change (end - start). A pair (unit, measure) is a case's measure,
    //  or a participant without a case in one group (groups, migration
    //  0035: kind "group"); theirs count while their consent holds, in the
    //  participant's residence, and in a project that counts group
    //  participants when its activity is linked to it. Each person once: a
    //  participant linked to a client gives way to the client's own pair of
    //  the same instrument version in the report (intake's record wins, as
    //  for the attributes); with none, the participant's pair is theirs.
    { "report_outcomes",
      "WITH m AS (SELECT m.measurement_id, m.case_id AS unit, coalesce (m.measure_id, '') AS measure,"
      "   coalesce (ms.kind::text, 'case') AS measure_kind, m.code, m.version, m.timepoint, m.recorded_at,"
      "   k.client_id AS person, true AS of_case"
      "   FROM intake.measurements m JOIN intake.cases k ON k.case_id = m.case_id"
      "   LEFT JOIN intake.measures ms ON ms.measure_id = m.measure_id"
      "   WHERE $5::text = '' AND" REPORTING_CASE_SCOPE ("k")
      "   UNION ALL"
      "   SELECT pm.measurement_id, pm.participant_id, pm.activity_id, 'group', pm.code, pm.version, pm.timepoint,"
      "   pm.recorded_at, coalesce (pp.linked_client_id, pp.participant_id), false"
      "   FROM groups.participant_measurements pm"
      "   JOIN groups.pseudonymous_participants pp ON pp.participant_id = pm.participant_id"
      "   WHERE pp.consent_withdrawn_on IS NULL AND $5::text = '' AND" REPORTING_IN_AREA ("pp.municipality")
      "   AND ($4::text = '' OR (pm.activity_id IN (SELECT pa.activity_id FROM reporting.project_activities pa"
      "     WHERE pa.project_id = $4::text) AND EXISTS (SELECT 1 FROM reporting.esf_project_settings ps"
      "     WHERE ps.project_id = $4::text AND ps.count_group_participants)))),"
      " s AS (SELECT DISTINCT ON (unit, measure, code, version) * FROM m"
      "   WHERE timepoint = 'start'"
      "   ORDER BY unit, measure, code, version, recorded_at, measurement_id),"
      " e AS (SELECT DISTINCT ON (unit, measure, code, version) * FROM m"
      "   WHERE timepoint = 'end'"
      "   AND " REPORTING_HELSINKI_DATE ("recorded_at") " BETWEEN $1::date AND $2::date"
      "   ORDER BY unit, measure, code, version, recorded_at DESC, measurement_id DESC),"
      " p AS (SELECT s.*, e.measurement_id AS end_id FROM s JOIN e USING (unit, measure, code, version)),"
      " counted AS (SELECT * FROM p WHERE p.of_case OR NOT EXISTS (SELECT 1 FROM p c"
      "   WHERE c.of_case AND c.person = p.person AND c.code = p.code AND c.version = p.version)),"
      " scores AS (SELECT measurement_id, item_code, score FROM intake.measurement_scores"
      "   UNION ALL SELECT measurement_id, item_code, score FROM groups.participant_measurement_scores)"
      " SELECT i.code AS instrument, i.item_code, c.measure_kind, count (*) AS pairs,"
      " count (*) FILTER (WHERE CASE WHEN i.higher_is_better THEN es.score > ss.score"
      "   ELSE es.score < ss.score END) AS improved,"
      " coalesce (sum (es.score - ss.score), 0) AS change"
      " FROM counted c"
      " JOIN scores ss ON ss.measurement_id = c.measurement_id"
      " JOIN scores es ON es.measurement_id = c.end_id AND es.item_code = ss.item_code"
      " JOIN intake.instrument_items i ON i.code = c.code AND i.version = c.version"
      "   AND i.item_code = ss.item_code"
      " GROUP BY i.code, i.item_code, i.position, c.measure_kind ORDER BY i.code, i.position, c.measure_kind",
      s_outcomes_row },

    //  Observations whose period meets the report's, by theme and area; a
    //  project's areas are its municipalities.
    { "report_social",
      "SELECT theme, area, count (*) AS observations, coalesce (sum (clients_concerned), 0) AS clients_concerned"
      " FROM reporting.observations"
      " WHERE period_start <= $2::date AND period_end >= $1::date AND $5::text = ''"
      " AND" REPORTING_IN_AREA ("area")
      " AND ($4::text = '' OR area IN (SELECT pm.municipality FROM reporting.project_municipalities pm"
      "   WHERE pm.project_id = $4::text))"
      " GROUP BY theme, area ORDER BY theme, area", s_social_row },

    //  groups: per area, kind, month and activity: sessions held, present,
    //  headcounts, compensation; then rehabilitative work activity days
    //  (not sessions) by area and month, outside projects.
    { "report_groups",
      "SELECT a.municipality, a.activity_kind, to_char (s.session_date, 'YYYY-MM') AS month, a.activity_id,"
      " count (*) FILTER (WHERE" REPORTING_HELD ("s") ") AS sessions, sum (s.present) AS present,"
      " sum (s.headcount) AS headcount, sum (s.compensation_cents) AS compensation_cents"
      REPORTING_SESSIONS_IN_SCOPE
      " GROUP BY 1, 2, 3, 4"
      " UNION ALL"
      " SELECT p.municipality, 'work_activity_placement', p.month, '', 0, sum (p.days), 0,"
      " sum (p.compensation_cents)"
      " FROM reporting.placement_days p"
      " WHERE p.copy = 'live' AND p.month BETWEEN to_char ($1::date, 'YYYY-MM') AND to_char ($2::date, 'YYYY-MM')"
      " AND $4::text = '' AND" REPORTING_IN_AREA ("p.municipality")
      " GROUP BY 1, 2, 3"
      " ORDER BY 1, 2, 3, 4", s_groups_row },

    //  talousneuvola: held sessions, visitors and follow-ups by area and
    //  month; visitors per topic; staffing by organisation type.
    { "report_talousneuvola_visits",
      "SELECT a.municipality, to_char (s.session_date, 'YYYY-MM') AS month, count (*) AS sessions,"
      " sum (s.headcount) AS visitors, sum (s.follow_ups) AS follow_ups"
      REPORTING_SESSIONS_IN_SCOPE
      " AND a.activity_kind = 'talousneuvola' AND" REPORTING_HELD ("s")
      " GROUP BY 1, 2 ORDER BY 1, 2", s_visits_row },
    { "report_talousneuvola_topics",
      "SELECT t.topic, sum (t.visitors) AS visitors"
      REPORTING_SESSIONS_IN_SCOPE_JOIN (" JOIN reporting.group_session_topics t"
                                        " ON t.copy = s.copy AND t.session_id = s.session_id")
      " AND a.activity_kind = 'talousneuvola' AND" REPORTING_HELD ("s")
      " GROUP BY 1 ORDER BY 1", s_topics_row },
    //  Anonymous contacts (intake, migration 0025) recorded in the period
    //  by area and channel: contacts and follow-ups agreed. A project's
    //  are those recorded in its areas (nothing links a contact to one).
    { "report_talousneuvola_contacts",
      "SELECT c.municipality, c.channel::text AS channel, count (*) AS contacts,"
      " count (*) FILTER (WHERE c.follow_up_agreed) AS follow_ups"
      " FROM intake.anonymous_contacts c"
      " WHERE " REPORTING_HELSINKI_DATE ("c.recorded_at") " BETWEEN $1::date AND $2::date AND $5::text = ''"
      " AND" REPORTING_IN_AREA ("c.municipality")
      " AND ($4::text = '' OR c.municipality IN (SELECT pm.municipality FROM reporting.project_municipalities pm"
      "   WHERE pm.project_id = $4::text))"
      " GROUP BY 1, 2 ORDER BY 1, 2", s_contacts_row },
    { "report_talousneuvola_staffing",
      "SELECT f.staff_org_type, count (*) AS sessions, sum (f.staff_count) AS staff"
      REPORTING_SESSIONS_IN_SCOPE_JOIN (" JOIN reporting.group_session_staffing f"
                                        " ON f.copy = s.copy AND f.session_id = s.session_id")
      " AND a.activity_kind = 'talousneuvola' AND" REPORTING_HELD ("s")
      " GROUP BY 1 ORDER BY 1", s_staffing_row },

    //  targets: one statement per metric, the scope then $6 the activity
    //  kinds (space-separated, '' any) and $7 N where the metric has them.
    { "target_activities_held",
      "SELECT count (DISTINCT a.activity_id) AS actual"
      REPORTING_SESSIONS_IN_SCOPE
      " AND" REPORTING_HELD ("s") " AND a.activity_kind = ANY (string_to_array ($6::text, ' '))",
      s_actual_row },
    //  The smallest, over the areas in scope, number of activities holding
    //  at least N sessions in the period (an area with none counts 0).
    { "target_groups_per_area",
      "WITH g AS (SELECT a.municipality, a.activity_id"
      REPORTING_SESSIONS_IN_SCOPE
      "   AND" REPORTING_HELD ("s")
      "   AND ($6::text = '' OR a.activity_kind = ANY (string_to_array ($6::text, ' ')))"
      "   GROUP BY 1, 2 HAVING count (*) >= $7::int8)"
      " SELECT coalesce (min (n), 0) AS actual FROM (SELECT pm.municipality, count (g.activity_id) AS n"
      "   FROM reporting.project_municipalities pm LEFT JOIN g ON g.municipality = pm.municipality"
      "   WHERE pm.project_id = $4::text AND" REPORTING_IN_AREA ("pm.municipality")
      "   GROUP BY 1) per_area", s_actual_row },
    //  People (counted once) whose resource-based service-need assessment
    //  was completed in the period with strengths recorded in at least one
    //  domain (migration 0025's view): a start measurement is not one.
    { "target_clients_in_assessment",
      "SELECT count (DISTINCT k.client_id) AS actual FROM intake.assessments_with_strengths a"
      " JOIN intake.cases k ON k.case_id = a.case_id"
      " WHERE a.domains_with_strengths > 0"
      " AND " REPORTING_HELSINKI_DATE ("a.completed_at") " BETWEEN $1::date AND $2::date"
      " AND $5::text = '' AND" REPORTING_CASE_SCOPE ("k"), s_actual_row },
    //  The participants report's start block: people whose first case in
    //  scope ever opened in the period (a returning client is no new one).
    { "target_participants",
      "SELECT count (*) AS actual FROM (SELECT DISTINCT ON (k.client_id) k.opened_at FROM intake.cases k"
      "   WHERE $5::text = '' AND" REPORTING_CASE_SCOPE ("k")
      "   ORDER BY k.client_id, k.opened_at, k.case_id) f"
      " WHERE " REPORTING_HELSINKI_DATE ("f.opened_at") " BETWEEN $1::date AND $2::date", s_actual_row },
    { NULL }
};
