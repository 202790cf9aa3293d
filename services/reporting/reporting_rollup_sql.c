/*  reporting_rollup_sql — the statements that keep the rollups (one per
    fact an event brings, each for either copy: $1 is 'live' or 'rebuilt')
    and those the rebuild compares and swaps them with. Dates of events are
    Europe/Helsinki days of occurred_at (microseconds). */
#include "reporting_sql.h"
#include "kp_db.h"

#define EVENT_DAY(param) "((to_timestamp (" param "::int8 / 1e6)) AT TIME ZONE 'Europe/Helsinki')::date"

//  Per rollup table: its rows as comparable values (every column but the
//  copy) keyed by its primary key; the rebuild's count of differing keys
//  is those found on one side only or with other values.
#define ROLLUP_TABLE(name, key) \
    { "rollup_compare_" name, \
      "WITH l AS (SELECT to_jsonb (t) - 'copy' AS r, (" key ") AS k FROM reporting." name " t" \
      "   WHERE copy = 'live')," \
      " b AS (SELECT to_jsonb (t) - 'copy' AS r, (" key ") AS k FROM reporting." name " t" \
      "   WHERE copy = 'rebuilt')," \
      " d AS ((SELECT r, k FROM l EXCEPT SELECT r, k FROM b) UNION ALL (SELECT r, k FROM b EXCEPT SELECT r, k FROM l))" \
      " SELECT (SELECT count (*) FROM l) AS live, (SELECT count (*) FROM b) AS rebuilt," \
      " (SELECT count (DISTINCT k) FROM d) AS differing", s_compare_row }, \
    { "rollup_clear_" name, "DELETE FROM reporting." name " WHERE copy = $1::text" }, \
    { "rollup_promote_" name, "UPDATE reporting." name " SET copy = 'live' WHERE copy = 'rebuilt'" }

static const kp_col_t s_compare_row [] = { REPORTING_COMPARE_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_event_row [] = { REPORTING_EVENT_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_cursor_row [] = { REPORTING_CURSOR_ROW (KP_ROW_COLUMN) { NULL } };

const kp_stmt_t reporting_rollup_statements [] = {
    //  referral.received to a municipality: $2 id, $3 municipality, $4 kind,
    //  $5 sender, $6 occurred_at, $7 deadline ('' none).
    { "rollup_notice_received",
      "INSERT INTO reporting.referral_notices (copy, referral_id, municipality, kind, sender_org,"
      " received_on, deadline)"
      " VALUES ($1::text, $2::text, $3::text, $4::referral.referral_kind, $5::text, " EVENT_DAY ("$6") ", nullif ($7::text, '')::date)"
      " ON CONFLICT DO NOTHING" },
    //  Any later referral event: $3 previous state, $4 state (NULL when
    //  unspecified), $5 occurred_at, $6 deadline of the clock still running
    //  ('' stopped), $7 a breach notice.
    { "rollup_notice_moved",
      "UPDATE reporting.referral_notices SET"
      " acknowledged_on = CASE WHEN acknowledged_on IS NULL AND $3::referral.referral_state = 'received'"
      "   AND $4::referral.referral_state <> 'received'"
      "   THEN " EVENT_DAY ("$5") " ELSE acknowledged_on END,"
      " assessment_started_on = CASE WHEN assessment_started_on IS NULL"
      "   AND $4::referral.referral_state = 'assessment_started'"
      "   AND $3::referral.referral_state IS DISTINCT FROM 'assessment_started'"
      "   THEN " EVENT_DAY ("$5") " ELSE assessment_started_on END,"
      " clock_stopped_on = CASE WHEN clock_stopped_on IS NULL AND deadline IS NOT NULL AND $6::text = ''"
      "   THEN " EVENT_DAY ("$5") " ELSE clock_stopped_on END,"
      " breach_notified = breach_notified OR $7::bool"
      " WHERE copy = $1::text AND referral_id = $2::text" },

    //  Every referral, partners too, for the partner SLA (migration 0024):
    //  referral.received: $2 id, $3 kind, $4 recipient type, $5
    //  municipality, $6 sender, $7 occurred_at.
    { "rollup_response_received",
      "INSERT INTO reporting.referral_responses (copy, referral_id, kind, recipient_type, municipality,"
      " sender_org, received_on)"
      " VALUES ($1::text, $2::text, $3::referral.referral_kind, $4::text, $5::text, $6::text, " EVENT_DAY ("$7") ")"
      " ON CONFLICT DO NOTHING" },
    //  Any later event: the first move into ACCEPTED or DECLINED ($3
    //  state, NULL when unspecified) is the answer; $4 occurred_at; $5 an
    //  outcome was recorded.
    { "rollup_response_moved",
      "UPDATE reporting.referral_responses SET"
      " answer = CASE WHEN answer IS NULL AND $3::referral.referral_state IN ('accepted', 'declined')"
      "   THEN $3::text ELSE answer END,"
      " answered_on = CASE WHEN answer IS NULL AND $3::referral.referral_state IN ('accepted', 'declined')"
      "   THEN " EVENT_DAY ("$4") " ELSE answered_on END,"
      " outcome_on = CASE WHEN outcome_on IS NULL AND $5::bool THEN " EVENT_DAY ("$4") " ELSE outcome_on END"
      " WHERE copy = $1::text AND referral_id = $2::text" },
    //  A hold (issue 20): $3 held now, $4 the held working days so far,
    //  $5 the deadline of the clock still running ('' stopped): a resume
    //  moves it by the held days.
    { "rollup_notice_held",
      "UPDATE reporting.referral_notices SET held = held OR $3::bool,"
      " held_working_days = greatest (held_working_days, $4::int4),"
      " deadline = CASE WHEN $5::text <> '' AND deadline IS NOT NULL THEN $5::date ELSE deadline END"
      " WHERE copy = $1::text AND referral_id = $2::text" },

    //  groups.activity_created / _changed: $2 activity, $3 kind, $4 municipality, $5 organiser.
    { "rollup_activity_set",
      "INSERT INTO reporting.group_activities (copy, activity_id, activity_kind, municipality, organiser_org)"
      " VALUES ($1::text, $2::text, $3::text, $4::text, $5::text)"
      " ON CONFLICT (copy, activity_id) DO UPDATE SET activity_kind = EXCLUDED.activity_kind,"
      " municipality = EXCLUDED.municipality, organiser_org = EXCLUDED.organiser_org" },
    //  Any other groups event naming an activity: known from it if not before.
    { "rollup_activity_seen",
      "INSERT INTO reporting.group_activities (copy, activity_id, activity_kind, municipality, organiser_org)"
      " VALUES ($1::text, $2::text, $3::text, $4::text, $5::text) ON CONFLICT DO NOTHING" },
    //  Sessions: $2 session, $3 activity, $4 date.
    { "rollup_session_dated",
      "INSERT INTO reporting.group_sessions (copy, session_id, activity_id, session_date)"
      " VALUES ($1::text, $2::text, $3::text, $4::date)"
      " ON CONFLICT (copy, session_id) DO UPDATE SET session_date = EXCLUDED.session_date" },
    { "rollup_session_cancelled",
      "INSERT INTO reporting.group_sessions (copy, session_id, activity_id, session_date, cancelled)"
      " VALUES ($1::text, $2::text, $3::text, $4::date, true)"
      " ON CONFLICT (copy, session_id) DO UPDATE SET cancelled = true" },
    //  $5 attendance, $6 minutes, $7 compensation (cents); once per (session, client).
    { "rollup_session_attendance",
      "INSERT INTO reporting.group_sessions AS s (copy, session_id, activity_id, session_date, present,"
      " absent, excused, attended_minutes, compensation_cents)"
      " VALUES ($1::text, $2::text, $3::text, $4::date, ($5::text = 'present')::int4,"
      " ($5::text = 'absent')::int4, ($5::text = 'excused')::int4, $6::int8, $7::int8)"
      " ON CONFLICT (copy, session_id) DO UPDATE SET present = s.present + EXCLUDED.present,"
      " absent = s.absent + EXCLUDED.absent, excused = s.excused + EXCLUDED.excused,"
      " attended_minutes = s.attended_minutes + EXCLUDED.attended_minutes,"
      " compensation_cents = s.compensation_cents + EXCLUDED.compensation_cents" },
    //  $5 headcount, $6 follow-ups; once per session.
    { "rollup_session_headcount",
      "INSERT INTO reporting.group_sessions (copy, session_id, activity_id, session_date,"
      " headcount_recorded, headcount, follow_ups)"
      " VALUES ($1::text, $2::text, $3::text, $4::date, true, $5::int4, $6::int4)"
      " ON CONFLICT (copy, session_id) DO UPDATE SET headcount_recorded = true,"
      " headcount = EXCLUDED.headcount, follow_ups = EXCLUDED.follow_ups" },
    { "rollup_session_topic",
      "INSERT INTO reporting.group_session_topics (copy, session_id, topic, visitors)"
      " VALUES ($1::text, $2::text, $3::text, $4::int4)"
      " ON CONFLICT (copy, session_id, topic) DO UPDATE SET visitors = EXCLUDED.visitors" },
    { "rollup_session_staffing",
      "INSERT INTO reporting.group_session_staffing (copy, session_id, staff_org_type, staff_count)"
      " VALUES ($1::text, $2::text, $3::text, $4::int4)"
      " ON CONFLICT (copy, session_id, staff_org_type) DO UPDATE SET staff_count = EXCLUDED.staff_count" },
    //  groups.placement_day_recorded: $2 municipality, $3 organiser, $4 date, $5 minutes, $6 cents.
    { "rollup_placement_day",
      "INSERT INTO reporting.placement_days AS p (copy, municipality, organiser_org, month, days,"
      " attended_minutes, compensation_cents)"
      " VALUES ($1::text, $2::text, $3::text, to_char ($4::date, 'YYYY-MM'), 1, $5::int8, $6::int8)"
      " ON CONFLICT (copy, municipality, organiser_org, month) DO UPDATE SET days = p.days + 1,"
      " attended_minutes = p.attended_minutes + EXCLUDED.attended_minutes,"
      " compensation_cents = p.compensation_cents + EXCLUDED.compensation_cents" },

    //  groups.agreement_recorded (flow started) and groups.placement_ended
    //  (flow = the reason): $2 municipality, $3 organiser, $4 date, $5 flow.
    { "rollup_placement_flow",
      "INSERT INTO reporting.placement_flow AS f (copy, municipality, organiser_org, month, flow, placements)"
      " VALUES ($1::text, $2::text, $3::text, to_char ($4::date, 'YYYY-MM'), $5::text, 1)"
      " ON CONFLICT (copy, municipality, organiser_org, month, flow) DO UPDATE SET placements = f.placements + 1" },

    //  groups.feedback_recorded, per item: $2 municipality, $3 kind, $4 date, $5 item, $6 score.
    { "rollup_group_feedback",
      "INSERT INTO reporting.group_feedback AS g (copy, municipality, activity_kind, month, item, responses,"
      " score_sum) VALUES ($1::text, $2::text, $3::text, to_char ($4::date, 'YYYY-MM'), $5::text, 1, $6::int8)"
      " ON CONFLICT (copy, municipality, activity_kind, month, item) DO UPDATE SET responses = g.responses + 1,"
      " score_sum = g.score_sum + EXCLUDED.score_sum" },

    //  The rebuild: the consumer's cursor, held so the consumer (here or
    //  in another instance) cannot move the live copy meanwhile.
    { "rollup_cursor_lock",
      "SELECT last_seq FROM kp.consumer_cursors WHERE consumer = $1::text FOR UPDATE", s_cursor_row },
    //  A page of the events the rollups are folded from.
    { "rollup_events_page",
      "SELECT seq, payload FROM kp.events WHERE seq > $1::int8 AND seq <= $2::int8"
      " AND (topic LIKE 'referral.%' OR topic LIKE 'groups.%') ORDER BY seq LIMIT $3::int4", s_event_row },
    ROLLUP_TABLE ("referral_notices", "t.referral_id"),
    ROLLUP_TABLE ("referral_responses", "t.referral_id"),
    ROLLUP_TABLE ("group_activities", "t.activity_id"),
    ROLLUP_TABLE ("group_sessions", "t.session_id"),
    ROLLUP_TABLE ("group_session_topics", "t.session_id || ' ' || t.topic"),
    ROLLUP_TABLE ("group_session_staffing", "t.session_id || ' ' || t.staff_org_type"),
    ROLLUP_TABLE ("placement_days", "t.municipality || ' ' || t.organiser_org || ' ' || t.month"),
    ROLLUP_TABLE ("placement_flow", "t.municipality || ' ' || t.organiser_org || ' ' || t.month || ' ' || t.flow"),
    ROLLUP_TABLE ("group_feedback", "t.municipality || ' ' || t.activity_kind || ' ' || t.month || ' ' || t.item"),
    { NULL }
};
