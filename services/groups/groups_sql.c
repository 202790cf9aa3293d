/*  groups_sql — every statement the groups service prepares. Instants are
    made from a civil date and time in Europe/Helsinki by PostgreSQL, so a
    17:00 session is 17:00 local on both sides of a DST change. */
#include "groups_sql.h"
#include "kp_db.h"

#define GROUPS_INSTANT(date, time) "((" date ")::date + (" time ")::time) AT TIME ZONE 'Europe/Helsinki'"

//  GROUPS_ACTIVITY_ROW; $2 the caller's organisation.
#define GROUPS_ACTIVITY_COLUMNS \
    "a.activity_id, a.kind, a.organiser_org, a.municipality, a.venue, a.capacity, a.closed," \
    " a.compensation_cents, a.enrolled_count, a.organiser_org = $2::text OR EXISTS (SELECT 1 FROM groups.activity_orgs o" \
    " WHERE o.activity_id = a.activity_id AND o.org_id = $2::text) AS caller_manages"

//  GROUPS_SESSION_ROW.
#define GROUPS_SESSION_COLUMNS \
    "session_id, activity_id, series_id, session_date::text AS session_date," \
    " to_char (start_time, 'HH24:MI') AS start_time, to_char (end_time, 'HH24:MI') AS end_time," \
    " (extract (epoch FROM starts_at) * 1000000)::int8 AS starts_at," \
    " (extract (epoch FROM ends_at) * 1000000)::int8 AS ends_at, venue, cancelled," \
    " coalesce ((SELECT string_agg (f.facilitator_id, ' ' ORDER BY f.facilitator_id)" \
    " FROM groups.session_facilitators f WHERE f.session_id = s.session_id), '') AS facilitators"

//  GROUPS_ACTIVITY_ROW, then GROUPS_SESSION_LOAD_MORE.
#define GROUPS_SESSION_LOAD_COLUMNS \
    GROUPS_ACTIVITY_COLUMNS ", s.session_id, s.series_id, s.session_date::text AS session_date, s.cancelled," \
    " s.session_date <= $3::date AS held"

static const kp_col_t s_activity_row [] = { GROUPS_ACTIVITY_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_session_load_row [] = {
    GROUPS_ACTIVITY_ROW (KP_ROW_COLUMN) GROUPS_SESSION_LOAD_MORE (KP_ROW_COLUMN) { NULL }
};
static const kp_col_t s_activity_view_row [] = { GROUPS_ACTIVITY_VIEW_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_org_row [] = { GROUPS_ORG_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_participant_row [] = { GROUPS_PARTICIPANT_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_session_row [] = { GROUPS_SESSION_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_series_row [] = { GROUPS_SERIES_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_conflict_row [] = { GROUPS_CONFLICT_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_other_session_row [] = { GROUPS_OTHER_SESSION_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_enrol_conflict_row [] = { GROUPS_ENROL_CONFLICT_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_participation_row [] = { GROUPS_PARTICIPATION_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_attendance_row [] = { GROUPS_ATTENDANCE_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_headcount_row [] = { GROUPS_HEADCOUNT_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_placement_row [] = { GROUPS_PLACEMENT_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_reminder_row [] = { GROUPS_REMINDER_ROW (KP_ROW_COLUMN) { NULL } };
//  One-column rows.
static const kp_col_t s_count_row [] = { { "count", "int8" }, { NULL } };
static const kp_col_t s_one_row [] = { { "one", "int4" }, { NULL } };
static const kp_col_t s_municipality_row [] = { { "municipality", "text" }, { NULL } };
static const kp_col_t s_status_row [] = { { "status", "text" }, { NULL } };
static const kp_col_t s_client_row [] = { { "client_id", "text" }, { NULL } };
static const kp_col_t s_enrolled_row [] = { { "enrolled_count", "int4" }, { NULL } };
static const kp_col_t s_entry_row [] = { { "entry_id", "int8" }, { NULL } };
static const kp_col_t s_amount_row [] = { { "amount_cents", "numeric" }, { NULL } };
static const kp_col_t s_staff_row [] = { { "staff_count", "int4" }, { NULL } };
static const kp_col_t s_minutes_row [] = { { "minutes", "int4" }, { NULL } };
static const kp_col_t s_step_row [] = { { "step", "text" }, { NULL } };

//  Overlap of two sessions o and the window w (half-open: back to back is fine).
#define GROUPS_OVERLAPS " NOT o.cancelled AND o.starts_at < w.e AND o.ends_at > w.s"

//  A placement's evaluation step (interim, final) that no reminder is due
//  for any more: reminded, evaluated (the final evaluation settles both),
//  or the placement ended. None of these is undone.
#define GROUPS_STEP_SETTLED(step) \
    "(p." step "_settled" \
    " OR EXISTS (SELECT 1 FROM groups.evaluation_reminders r" \
    "             WHERE r.placement_id = p.placement_id AND r.step = '" step "' OFFSET 0)" \
    " OR EXISTS (SELECT 1 FROM groups.placement_evaluations v WHERE v.placement_id = p.placement_id" \
    "             AND (v.kind = '" step "' OR v.kind = 'final') OFFSET 0)" \
    " OR EXISTS (SELECT 1 FROM groups.placement_endings e WHERE e.placement_id = p.placement_id OFFSET 0))"

const kp_stmt_t groups_statements [] = {
    { "groups_municipality_exists",
      "SELECT count(*) FROM kp.municipalities WHERE code = $1::text", s_count_row },
    { "groups_client_municipality",
      "SELECT municipality FROM intake.clients WHERE client_id = $1::text", s_municipality_row },

    //  Activities.
    { "groups_activity_insert",
      "INSERT INTO groups.activities (activity_id, kind, title, organiser_org, municipality, area, venue,"
      " capacity, audience, closed, compensation_cents, min_meetings) VALUES ($1::text, $2::text, $3::text,"
      " $4::text, $5::text, $6::text, $7::text, $8::int4, $9::text, $10::bool, $11::int8, $12::int4)" },
    { "groups_activity_update",
      "UPDATE groups.activities SET title = $3::text, municipality = $4::text, area = $5::text,"
      " venue = $6::text, capacity = $7::int4, audience = $8::text, closed = $9::bool,"
      " compensation_cents = $10::int8, min_meetings = $11::int4, updated_at = kp.clock ()"
      " WHERE activity_id = $1::text AND kind = $2::text" },
    { "groups_activity_orgs_clear",
      "DELETE FROM groups.activity_orgs WHERE activity_id = $1::text" },
    { "groups_activity_org_insert",
      "INSERT INTO groups.activity_orgs (activity_id, org_id, role) VALUES ($1::text, $2::text, $3::text)"
      " ON CONFLICT DO NOTHING" },
    { "groups_activity_load",
      "SELECT " GROUPS_ACTIVITY_COLUMNS " FROM groups.activities a WHERE activity_id = $1::text", s_activity_row },
    { "groups_activity_load_locked",
      "SELECT " GROUPS_ACTIVITY_COLUMNS " FROM groups.activities a WHERE activity_id = $1::text FOR UPDATE",
      s_activity_row },
    { "groups_activity_view",
      "SELECT activity_id, organiser_org, kind, title, municipality, area, venue, capacity, audience,"
      " closed, compensation_cents, min_meetings, enrolled_count, (SELECT count(*) FROM groups.enrolments e"
      " WHERE e.activity_id = a.activity_id AND e.status = 'waitlisted') AS waitlisted"
      " FROM groups.activities a WHERE activity_id = $1::text", s_activity_view_row },
    { "groups_activity_orgs",
      "SELECT org_id, role FROM groups.activity_orgs WHERE activity_id = $1::text ORDER BY role, org_id", s_org_row },
    { "groups_participants",
      "SELECT client_id, display_name, status::text AS status, CASE WHEN status = 'waitlisted'"
      " THEN row_number () OVER (PARTITION BY status ORDER BY waitlist_seq) ELSE 0 END AS waitlist_position"
      " FROM groups.enrolments WHERE activity_id = $1::text ORDER BY status, waitlist_seq, client_id",
      s_participant_row },

    //  Sessions; times are "HH:MM" text, dates "YYYY-MM-DD".
    { "groups_session_insert",
      "INSERT INTO groups.sessions (session_id, activity_id, series_id, session_date, start_time, end_time,"
      " starts_at, ends_at, venue) VALUES ($1::text, $2::text, $3::text, $4::date, $5::time, $6::time, "
      GROUPS_INSTANT ("$4", "$5") ", " GROUPS_INSTANT ("$4", "$6") ", $7::text)" },
    { "groups_session_load",
      "SELECT " GROUPS_SESSION_LOAD_COLUMNS " FROM groups.sessions s JOIN groups.activities a USING (activity_id)"
      " WHERE s.session_id = $1::text", s_session_load_row },
    { "groups_session_load_locked",
      "SELECT " GROUPS_SESSION_LOAD_COLUMNS " FROM groups.sessions s JOIN groups.activities a USING (activity_id)"
      " WHERE s.session_id = $1::text FOR UPDATE OF s", s_session_load_row },
    { "groups_session_get",
      "SELECT " GROUPS_SESSION_COLUMNS " FROM groups.sessions s WHERE session_id = $1::text", s_session_row },
    { "groups_sessions_list",
      "SELECT " GROUPS_SESSION_COLUMNS " FROM groups.sessions s WHERE activity_id = $1::text"
      " AND ($2::date IS NULL OR session_date >= $2::date) AND ($3::date IS NULL OR session_date <= $3::date)"
      " AND ($4::bool OR NOT cancelled) ORDER BY starts_at, session_id LIMIT 1000", s_session_row },
    //  The series from a date on, to move or cancel together.
    { "groups_series_rest",
      "SELECT session_id, session_date::text AS session_date, to_char (start_time, 'HH24:MI') AS start_time,"
      " to_char (end_time, 'HH24:MI') AS end_time, venue FROM groups.sessions"
      " WHERE series_id = $1::text AND session_date >= $2::date AND NOT cancelled"
      " ORDER BY session_date, session_id FOR UPDATE", s_series_row },
    { "groups_session_move",
      "UPDATE groups.sessions SET session_date = $2::date, start_time = $3::time, end_time = $4::time,"
      " starts_at = " GROUPS_INSTANT ("$2", "$3") ", ends_at = " GROUPS_INSTANT ("$2", "$4")
      " WHERE session_id = $1::text" },
    //  The sessions $1 (a text array) as they are now, in date order.
    { "groups_sessions_get",
      "SELECT " GROUPS_SESSION_COLUMNS " FROM groups.sessions s WHERE session_id = ANY ($1::text[])"
      " ORDER BY session_date, session_id", s_session_row },
    { "groups_sessions_cancel",
      "UPDATE groups.sessions SET cancelled = true WHERE session_id = ANY ($1::text[])" },
    //  How many of the sessions $1 took place (attendance or a headcount).
    { "groups_sessions_recorded",
      "SELECT count(*) FROM groups.sessions s WHERE s.session_id = ANY ($1::text[]) AND (EXISTS (SELECT 1"
      " FROM groups.attendance t WHERE t.session_id = s.session_id) OR EXISTS (SELECT 1"
      " FROM groups.headcounts h WHERE h.session_id = s.session_id))", s_count_row },
    { "groups_session_cancel",
      "UPDATE groups.sessions SET cancelled = true WHERE session_id = $1::text" },
    //  What a session on $1 from $2 to $3 at venue $4 of activity $5 would
    //  clash with; $6 is the session itself when it moves ('' when new).
    { "groups_conflicts",
      "WITH w AS (SELECT " GROUPS_INSTANT ("$1", "$2") " AS s, " GROUPS_INSTANT ("$1", "$3") " AS e)"
      " SELECT 'venue' AS conflict, o.session_id, '' AS party FROM w, groups.sessions o"
      "  WHERE $4::text <> '' AND o.venue = $4::text AND o.session_id <> $6::text AND" GROUPS_OVERLAPS
      " UNION ALL"
      " SELECT 'facilitator', o.session_id, g.facilitator_id FROM w, groups.session_facilitators f"
      "  JOIN groups.session_facilitators g ON g.facilitator_id = f.facilitator_id"
      "   AND g.facilitator_org = f.facilitator_org AND g.session_id <> f.session_id"
      "  JOIN groups.sessions o ON o.session_id = g.session_id"
      "  WHERE f.session_id = $6::text AND" GROUPS_OVERLAPS
      " UNION ALL"
      " SELECT 'client', o.session_id, mine.client_id FROM w, groups.enrolments mine"
      "  JOIN groups.enrolments theirs ON theirs.client_id = mine.client_id"
      "   AND theirs.activity_id <> mine.activity_id AND theirs.status = 'enrolled'"
      "  JOIN groups.sessions o ON o.activity_id = theirs.activity_id"
      "  WHERE mine.activity_id = $5::text AND mine.status = 'enrolled' AND" GROUPS_OVERLAPS
      " ORDER BY 1, 2, 3 LIMIT 100", s_conflict_row },
    //  Sessions the facilitator $2 of $3 already has at the time of session $1.
    { "groups_facilitator_conflicts",
      "SELECT o.session_id, o.session_date::text AS session_date FROM groups.sessions me, groups.session_facilitators g"
      " JOIN groups.sessions o ON o.session_id = g.session_id"
      " WHERE me.session_id = $1::text AND g.facilitator_id = $2::text AND g.facilitator_org = $3::text"
      " AND o.session_id <> me.session_id AND NOT o.cancelled"
      " AND o.starts_at < me.ends_at AND o.ends_at > me.starts_at ORDER BY o.starts_at LIMIT 100",
      s_other_session_row },
    { "groups_session_recorded",
      "SELECT count(*) FROM groups.sessions s WHERE s.session_id = $1::text AND (EXISTS (SELECT 1"
      " FROM groups.attendance t WHERE t.session_id = s.session_id) OR EXISTS (SELECT 1"
      " FROM groups.headcounts h WHERE h.session_id = s.session_id))", s_count_row },
    { "groups_activity_has_org",
      "SELECT count(*) FROM groups.activities a WHERE activity_id = $1::text AND (organiser_org = $2::text"
      " OR EXISTS (SELECT 1 FROM groups.activity_orgs o WHERE o.activity_id = a.activity_id"
      " AND o.org_id = $2::text))", s_count_row },
    { "groups_facilitator_insert",
      "INSERT INTO groups.session_facilitators (session_id, facilitator_id, facilitator_org)"
      " VALUES ($1::text, $2::text, $3::text) ON CONFLICT DO NOTHING RETURNING 1 AS one", s_one_row },

    //  Enrolment.
    { "groups_enrolment_get",
      "SELECT status::text AS status FROM groups.enrolments WHERE activity_id = $1::text AND client_id = $2::text",
      s_status_row },
    //  Sessions of activity $1 that clash with sessions of client $2's other groups.
    { "groups_enrol_conflicts",
      "SELECT mine.session_date::text AS session_date, o.session_id AS other_session_id FROM groups.sessions mine"
      " JOIN groups.enrolments theirs ON theirs.client_id = $2::text AND theirs.status = 'enrolled'"
      "  AND theirs.activity_id <> $1::text"
      " JOIN groups.sessions o ON o.activity_id = theirs.activity_id"
      " WHERE mine.activity_id = $1::text AND NOT mine.cancelled AND NOT o.cancelled"
      " AND o.starts_at < mine.ends_at AND o.ends_at > mine.starts_at ORDER BY mine.starts_at LIMIT 100",
      s_enrol_conflict_row },
    { "groups_enrolment_put",
      "INSERT INTO groups.enrolments (activity_id, client_id, display_name, status, waitlist_seq)"
      " VALUES ($1::text, $2::text, $3::text, $4::text::groups.enrolment_status,"
      "  CASE WHEN $4::text = 'waitlisted' THEN nextval ('groups.waitlist_seq') END)"
      " ON CONFLICT (activity_id, client_id) DO UPDATE SET status = EXCLUDED.status,"
      " display_name = EXCLUDED.display_name, waitlist_seq = EXCLUDED.waitlist_seq, updated_at = kp.clock ()" },
    { "groups_enrolment_set_status",
      "UPDATE groups.enrolments SET status = $3::text::groups.enrolment_status, waitlist_seq = NULL, updated_at = kp.clock ()"
      " WHERE activity_id = $1::text AND client_id = $2::text" },
    { "groups_seats_add",
      "UPDATE groups.activities SET enrolled_count = enrolled_count + $2::int4 WHERE activity_id = $1::text"
      " RETURNING enrolled_count", s_enrolled_row },
    { "groups_waitlist_position",
      "SELECT count(*) FROM groups.enrolments me JOIN groups.enrolments w ON w.activity_id = me.activity_id"
      " AND w.status = 'waitlisted' AND w.waitlist_seq <= me.waitlist_seq"
      " WHERE me.activity_id = $1::text AND me.client_id = $2::text", s_count_row },
    { "groups_waitlist_first",
      "SELECT client_id FROM groups.enrolments WHERE activity_id = $1::text AND status = 'waitlisted'"
      " ORDER BY waitlist_seq LIMIT 1", s_client_row },
    { "groups_participation",
      "SELECT e.activity_id, a.kind, e.status::text AS status,"
      " (SELECT count(*) FROM groups.attendance t JOIN groups.sessions s USING (session_id)"
      "   WHERE s.activity_id = e.activity_id AND t.client_id = e.client_id AND t.attendance = 'present')"
      "   AS present,"
      " (SELECT count(*) FROM groups.attendance t JOIN groups.sessions s USING (session_id)"
      "   WHERE s.activity_id = e.activity_id AND t.client_id = e.client_id) AS recorded"
      " FROM groups.enrolments e JOIN groups.activities a USING (activity_id)"
      " WHERE e.client_id = $1::text ORDER BY e.activity_id", s_participation_row },

    //  Attendance, headcounts, staffing and the ledger.
    { "groups_attendance_get",
      "SELECT attendance, minutes FROM groups.attendance WHERE session_id = $1::text AND client_id = $2::text",
      s_attendance_row },
    { "groups_attendance_insert",
      "INSERT INTO groups.attendance (session_id, client_id, attendance, minutes, recorded_by)"
      " VALUES ($1::text, $2::text, $3::text, $4::int4, $5::text)" },
    { "groups_ledger_insert",
      "INSERT INTO groups.compensation_ledger (source, source_key, client_id, amount_cents)"
      " VALUES ($1::text, $2::text, $3::text, $4::int8) ON CONFLICT (source, source_key) DO NOTHING"
      " RETURNING entry_id", s_entry_row },
    { "groups_ledger_amount",
      "SELECT coalesce (sum (amount_cents), 0) AS amount_cents FROM groups.compensation_ledger"
      " WHERE source = $1::text AND source_key = $2::text", s_amount_row },
    { "groups_headcount_get",
      "SELECT headcount, follow_ups, tallies FROM groups.headcounts WHERE session_id = $1::text",
      s_headcount_row },
    { "groups_headcount_insert",
      "INSERT INTO groups.headcounts (session_id, headcount, follow_ups, tallies, recorded_by)"
      " VALUES ($1::text, $2::int4, $3::int4, $4::text, $5::text)" },
    { "groups_staffing_get",
      "SELECT staff_count FROM groups.staffing WHERE session_id = $1::text AND org_type = $2::text",
      s_staff_row },
    { "groups_staffing_insert",
      "INSERT INTO groups.staffing (session_id, org_type, staff_count) VALUES ($1::text, $2::text, $3::int4)" },

    //  Placements (rehabilitative work activity).
    { "groups_placement_insert",
      "INSERT INTO groups.placements (placement_id, client_id, municipality, placing_org, organiser_org,"
      " days_per_week, hours_per_day, start_date, end_date, compensation_cents, interim_evaluation,"
      " final_evaluation) VALUES ($1::text, $2::text, $3::text, $4::text, $5::text, $6::int4, $7::int4,"
      " $8::date, $9::date, $10::int8, $11::date, $12::date)" },
    { "groups_placement_load",
      "SELECT placement_id, client_id, municipality, placing_org, organiser_org, start_date::text AS start_date,"
      " end_date::text AS end_date, compensation_cents, interim_evaluation::text AS interim_evaluation,"
      " final_evaluation::text AS final_evaluation,"
      " (SELECT count(*) FROM groups.placement_days d WHERE d.placement_id = p.placement_id) AS days_recorded,"
      " (SELECT coalesce (sum (minutes), 0) FROM groups.placement_days d WHERE d.placement_id = p.placement_id)"
      "   AS minutes_recorded,"
      " (SELECT coalesce (sum (amount_cents), 0) FROM groups.compensation_ledger l"
      "   WHERE l.source = 'placement_day' AND l.source_key LIKE p.placement_id || ':%') AS compensation_paid"
      " FROM groups.placements p WHERE placement_id = $1::text", s_placement_row },
    { "groups_placement_day_get",
      "SELECT minutes FROM groups.placement_days WHERE placement_id = $1::text AND day = $2::date",
      s_minutes_row },
    { "groups_placement_day_insert",
      "INSERT INTO groups.placement_days (placement_id, day, minutes) VALUES ($1::text, $2::date, $3::int4)" },
    { "groups_absence_steps",
      "SELECT step FROM groups.absence_steps WHERE placement_id = $1::text AND absence_date = $2::date"
      " ORDER BY step_no", s_step_row },
    { "groups_absence_insert",
      "INSERT INTO groups.absence_steps (placement_id, absence_date, step_no, step, recorded_by)"
      " VALUES ($1::text, $2::date, $3::int2, $4::text, $5::text)" },
    //  The next evaluation within two weeks (or overdue) not yet reminded of
    //  and not yet done (a final one does for the interim too; an ended
    //  placement is evaluated no more).
    //  The placements with a step still to remind whose day has come, by
    //  their index (migration 0043); each probed by key (OFFSET 0: not
    //  planned as joins over every reminder, evaluation and ending).
    { "groups_reminder_due",
      "SELECT p.placement_id, k.step, k.due::text AS due, p.client_id, p.municipality, p.organiser_org"
      " FROM groups.placements p CROSS JOIN LATERAL (VALUES ('interim', p.interim_evaluation),"
      " ('final', p.final_evaluation)) AS k (step, due)"
      " WHERE p.reminder_due_on <= $1::date"
      " AND k.due - 14 <= $1::date AND NOT EXISTS (SELECT 1 FROM groups.evaluation_reminders r"
      "  WHERE r.placement_id = p.placement_id AND r.step = k.step OFFSET 0)"
      " AND NOT EXISTS (SELECT 1 FROM groups.placement_evaluations v WHERE v.placement_id = p.placement_id"
      "  AND (v.kind = k.step OR v.kind = 'final') OFFSET 0)"
      " AND NOT EXISTS (SELECT 1 FROM groups.placement_endings e WHERE e.placement_id = p.placement_id OFFSET 0)"
      " ORDER BY k.due, p.placement_id LIMIT 1", s_reminder_row },
    //  The step is settled with its reminder, sent now or by another
    //  instance a moment ago.
    { "groups_reminder_insert",
      "WITH sent AS (INSERT INTO groups.evaluation_reminders (placement_id, step, due)"
      "              VALUES ($1::text, $2::text, $3::date) ON CONFLICT DO NOTHING RETURNING 1 AS one),"
      " settled AS (UPDATE groups.placements SET interim_settled = interim_settled OR $2::text = 'interim',"
      "             final_settled = final_settled OR $2::text = 'final' WHERE placement_id = $1::text)"
      " SELECT one FROM sent", s_one_row },
    //  Once a tick: the placements the index has as due with no step to
    //  remind (evaluated or ended) leave it.
    { "groups_reminder_settle",
      "UPDATE groups.placements p SET interim_settled = " GROUPS_STEP_SETTLED ("interim") ","
      " final_settled = " GROUPS_STEP_SETTLED ("final")
      " WHERE p.reminder_due_on <= $1::date"
      " AND (" GROUPS_STEP_SETTLED ("interim") " <> p.interim_settled"
      "      OR " GROUPS_STEP_SETTLED ("final") " <> p.final_settled)" },
    { NULL }
};
