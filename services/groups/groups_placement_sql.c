/*  groups_placement_sql — the statements of a placement's path: its load
    (where the placement is: plan, agreement, evaluations, ending, the
    latest day) and, per step, the insert that writes it once and the
    comparison that tells a repeat of the same record from a different one. */
#include "groups_placement.h"
#include "kp_db.h"

static const kp_col_t s_path_row [] = { GROUPS_PATH_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_one_row [] = { { "one", "int4" }, { NULL } };
static const kp_col_t s_count_row [] = { { "count", "int8" }, { NULL } };

const kp_stmt_t groups_path_statements [] = {
    //  Every step of a placement's path (and its days) takes this lock
    //  first, so a day and the ending, or two steps, never pass their
    //  checks side by side (read committed). An advisory lock: the groups
    //  role may not UPDATE placements, which a row lock would need.
    { "groups_path_lock",
      "SELECT 1 AS one FROM pg_advisory_xact_lock (" GROUPS_PATH_LOCK_CLASS ", hashtext ($1::text))", s_one_row },
    { "groups_path_load",
      "SELECT a.placement_id IS NOT NULL AS has_plan, coalesce (a.days_per_week, 0) AS plan_days,"
      " coalesce (a.valid_until::text, '') AS plan_valid_until,"
      " g.placement_id IS NOT NULL AS has_agreement, coalesce (g.start_date::text, '') AS agreement_start,"
      " coalesce (g.end_date::text, '') AS agreement_end,"
      " EXISTS (SELECT 1 FROM groups.placement_evaluations v WHERE v.placement_id = p.placement_id"
      "   AND v.kind = 'interim') AS has_interim,"
      " EXISTS (SELECT 1 FROM groups.placement_evaluations v WHERE v.placement_id = p.placement_id"
      "   AND v.kind = 'final') AS has_final,"
      " coalesce (e.ended_on::text, '') AS ended_on, coalesce (e.reason, '') AS end_reason,"
      " coalesce ((SELECT max (d.day) FROM groups.placement_days d WHERE d.placement_id = p.placement_id)::text,"
      "   '') AS last_day"
      " FROM groups.placements p LEFT JOIN LATERAL (SELECT * FROM groups.activation_plans l"
      "   WHERE l.placement_id = p.placement_id ORDER BY l.version DESC LIMIT 1) a ON true"
      " LEFT JOIN groups.placement_agreements g ON g.placement_id = p.placement_id"
      " LEFT JOIN groups.placement_endings e ON e.placement_id = p.placement_id"
      " WHERE p.placement_id = $1::text", s_path_row },
    //  $1 placement, $2 TE office, $3 goals, $4 days, $5 hours, $6 valid until, $7 recorded by:
    //  the next version (1 for the first); two at once meet the key.
    { "groups_plan_insert",
      "INSERT INTO groups.activation_plans (placement_id, version, te_office_org, goals, days_per_week,"
      " hours_per_day, valid_until, recorded_by) SELECT $1::text, coalesce (max (version), 0) + 1, $2::text,"
      " $3::text, $4::int4, $5::int4, $6::date, $7::text FROM groups.activation_plans WHERE placement_id = $1::text"
      " ON CONFLICT DO NOTHING RETURNING 1 AS one", s_one_row },
    //  Is the latest version this one?
    { "groups_plan_same",
      "SELECT count(*) FROM (SELECT * FROM groups.activation_plans WHERE placement_id = $1::text"
      " ORDER BY version DESC LIMIT 1) a WHERE a.te_office_org = $2::text"
      " AND a.goals = $3::text AND a.days_per_week = $4::int4 AND a.hours_per_day = $5::int4"
      " AND a.valid_until = $6::date", s_count_row },
    //  $1 placement, $2 tasks, $3 weekdays, $4 hours, $5 start, $6 end, $7 recorded by.
    { "groups_agreement_insert",
      "INSERT INTO groups.placement_agreements (placement_id, tasks, weekdays, hours_per_day, start_date,"
      " end_date, recorded_by) VALUES ($1::text, $2::text, $3::text, $4::int4, $5::date, $6::date, $7::text)"
      " ON CONFLICT DO NOTHING RETURNING 1 AS one", s_one_row },
    { "groups_agreement_same",
      "SELECT count(*) FROM groups.placement_agreements WHERE placement_id = $1::text AND tasks = $2::text"
      " AND weekdays = $3::text AND hours_per_day = $4::int4 AND start_date = $5::date"
      " AND end_date = $6::date", s_count_row },
    //  $1 placement, $2 kind, $3 decision, $4-$9 the six scales, $10 recorded by, $11 today (Helsinki).
    { "groups_evaluation_insert",
      "INSERT INTO groups.placement_evaluations (placement_id, kind, decision, self_goals, self_daily_rhythm,"
      " self_work_ability, organiser_goals, organiser_daily_rhythm, organiser_work_ability, evaluated_on,"
      " recorded_by) VALUES ($1::text, $2::text, $3::text, $4::int2, $5::int2, $6::int2, $7::int2, $8::int2,"
      " $9::int2, $11::date, $10::text) ON CONFLICT DO NOTHING RETURNING 1 AS one", s_one_row },
    { "groups_evaluation_same",
      "SELECT count(*) FROM groups.placement_evaluations WHERE placement_id = $1::text AND kind = $2::text"
      " AND decision = $3::text AND self_goals = $4::int2 AND self_daily_rhythm = $5::int2"
      " AND self_work_ability = $6::int2 AND organiser_goals = $7::int2 AND organiser_daily_rhythm = $8::int2"
      " AND organiser_work_ability = $9::int2", s_count_row },
    //  $1 placement, $2 ended on, $3 reason, $4 next step, $5 referral, $6 follow-up date ('' = none), $7 by.
    { "groups_ending_insert",
      "INSERT INTO groups.placement_endings (placement_id, ended_on, reason, next_step, referral_id,"
      " follow_up_date, recorded_by) VALUES ($1::text, $2::date, $3::text, $4::text, $5::text,"
      " nullif ($6::text, '')::date, $7::text) ON CONFLICT DO NOTHING RETURNING 1 AS one", s_one_row },
    { "groups_ending_same",
      "SELECT count(*) FROM groups.placement_endings WHERE placement_id = $1::text AND ended_on = $2::date"
      " AND reason = $3::text AND next_step = $4::text AND referral_id = $5::text"
      " AND follow_up_date IS NOT DISTINCT FROM nullif ($6::text, '')::date", s_count_row },
    { NULL }
};
