/*  intake_caseload_sql — the statements of the caseload (lists, hand-overs,
    contacts, clocks, measures with time). Parameters only; enum codes are
    cast in SQL so PostgreSQL refuses unknown ones. Days are intake's
    today, passed in (KUMPPANI_TEST_TODAY moves it in tests). */
#include "intake_caseload.h"
#include "kp_db.h"

#define HELSINKI_DAY(column) "(" column " AT TIME ZONE 'Europe/Helsinki')::date"

//  A case's clock and contact columns, for c (cases), cl (case_clocks)
//  and a (assessments); $T is today, $M the months of the contact rule.
#define CASE_OPENED_ON "coalesce (cl.opened_on, " HELSINKI_DAY ("c.opened_at") ")"
#define CASE_CLOCK_STATE(T) \
    "intake.clock_state (cl.deadline, cl.warning_on, a.started_at, c.state = 'closed', " T "::date)"
#define CASE_CONTACT_DUE(M) \
    "intake.contact_due_on (cl.last_contact_on, " CASE_OPENED_ON ", c.state = 'closed', " M "::int4)"

//  The watches look only at rows their index holds (migration 0042).
//  The contact watch: a clock's base day while not settled for it, and a
//  bound on it an index can use. Month ends clamp (Aug 31 + 6 months is
//  Feb 28), so a base day up to three days after today less the months
//  can be due; the exact check follows the bound.
#define CONTACT_BASE "coalesce (cl.last_contact_on, cl.opened_on)"
#define CONTACT_UNSETTLED_BY(T, M) \
    "cl.contact_due_base <= (" T "::date - make_interval (months => " M "::int4))::date + 3"
//  Each row the index gives is looked up by key: OFFSET 0 keeps these
//  from being planned as joins or hashed, which read every case.
#define CONTACT_REMINDED(M) \
    "EXISTS (SELECT 1 FROM intake.contact_reminders r WHERE r.case_id = cl.case_id" \
    " AND r.due_on = (" CONTACT_BASE " + make_interval (months => " M "::int4))::date OFFSET 0)"
#define CASE_CLOSED "EXISTS (SELECT 1 FROM intake.cases c WHERE c.case_id = cl.case_id AND c.state = 'closed' OFFSET 0)"
//  The clock watch: the day a clock's next notice may be due while one
//  may come, and what that becomes once the watch has looked ('infinity':
//  none can come).
#define CLOCK_NEXT_SETTLED \
    "CASE WHEN " CASE_CLOSED \
    " OR EXISTS (SELECT 1 FROM intake.assessments a WHERE a.case_id = cl.case_id OFFSET 0)" \
    " OR EXISTS (SELECT 1 FROM intake.clock_notices n WHERE n.case_id = cl.case_id AND n.notice = 'breach' OFFSET 0)" \
    " THEN 'infinity'::date" \
    " WHEN EXISTS (SELECT 1 FROM intake.clock_notices n WHERE n.case_id = cl.case_id AND n.notice = 'warning' OFFSET 0)" \
    " THEN cl.deadline + 1 ELSE cl.notices_next_on END"

static const kp_col_t s_event_row [] = { CASELOAD_EVENT_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_worker_row [] = { CASELOAD_WORKER_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_clock_row [] = { CASELOAD_CLOCK_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_times_row [] = { CASELOAD_TIMES_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_list_row [] = { CASELOAD_LIST_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_due_row [] = { CASELOAD_DUE_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_clock_lock_row [] = { CASELOAD_CLOCK_LOCK_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_clock_inputs_row [] = { CASELOAD_CLOCK_INPUTS_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_clock_referral_row [] = { CASELOAD_CLOCK_REFERRAL_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_measure_lock_row [] = { CASELOAD_MEASURE_LOCK_ROW (KP_ROW_COLUMN) { NULL } };
//  One-column rows.
static const kp_col_t s_case_id_row [] = { { "case_id", "text" }, { NULL } };
static const kp_col_t s_worker_of_row [] = { { "responsible_worker", "text" }, { NULL } };
static const kp_col_t s_opened_on_row [] = { { "opened_on", "text" }, { NULL } };
static const kp_col_t s_one_row [] = { { "one", "int4" }, { NULL } };

const kp_stmt_t intake_caseload_statements [] = {
    //  Events and replies
    { "caseload_event_case",
      "SELECT client_id, municipality, channel::text AS channel, state::text AS state,"
      " coalesce(closure_reason::text, '') AS closure_reason,"
      " coalesce(next_review_date::text, '') AS next_review_date FROM intake.cases WHERE case_id = $1::text",
      s_event_row },
    { "caseload_workers",
      "SELECT worker, coalesce(reason::text, '') AS reason,"
      " to_char(assigned_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS assigned_at, assigned_by_org,"
      " (extract (epoch FROM assigned_at) * 1000000)::int8 AS assigned_at_us"
      " FROM intake.case_workers WHERE case_id = $1::text ORDER BY position", s_worker_row },
    { "caseload_clock",
      "SELECT cl.pending_on::text AS pending_on, cl.urgent, cl.priority, cl.working_days,"
      " cl.deadline::text AS deadline, cl.warning_on::text AS warning_on,"
      " coalesce(cl.last_contact_on::text, '') AS last_contact_on,"
      " coalesce(" CASE_CONTACT_DUE ("$3") "::text, '') AS contact_due_on, " CASE_CLOCK_STATE ("$2")
      " AS clock_state"
      " FROM intake.cases c JOIN intake.case_clocks cl ON cl.case_id = c.case_id"
      " LEFT JOIN intake.assessments a ON a.case_id = c.case_id WHERE c.case_id = $1::text", s_clock_row },
    { "caseload_measure_times",
      "SELECT measure_id, coalesce(start_date::text, '') AS start_date,"
      " coalesce(planned_end::text, '') AS planned_end, coalesce(ended_on::text, '') AS ended_on,"
      " status::text AS status, coalesce(outcome::text, '') AS outcome"
      " FROM intake.measures WHERE case_id = $1::text", s_times_row },
    { "caseload_client_cases",
      "SELECT case_id FROM intake.cases WHERE client_id = $1::text ORDER BY opened_at, case_id LIMIT 100",
      s_case_id_row },

    //  ListCases: every filter is '' / NULL for "any"; keyset paging by case id.
    { "caseload_list",
      "WITH k AS ("
      "  SELECT c.case_id, c.client_id, c.municipality, c.state::text AS state, c.channel::text AS channel,"
      "         c.responsible_worker, " CASE_OPENED_ON " AS opened_on,"
      "         " HELSINKI_DAY ("c.closed_at") " AS closed_on, cl.last_contact_on,"
      "         CASE WHEN c.state IN ('plan_made', 'reviewed') THEN c.next_review_date END AS review_on,"
      "         " CASE_CONTACT_DUE ("$3") " AS contact_due_on, cl.deadline,"
      "         " CASE_CLOCK_STATE ("$2") " AS clock_state"
      "    FROM intake.cases c LEFT JOIN intake.case_clocks cl ON cl.case_id = c.case_id"
      "    LEFT JOIN intake.assessments a ON a.case_id = c.case_id"
      "   WHERE c.municipality = ANY ($1::text[]) AND c.case_id > $17::text),"
      " d AS ("
      "  SELECT k.*, least (CASE WHEN clock_state IN ('running', 'due_soon', 'overdue') THEN deadline END,"
      "                     review_on, contact_due_on) AS next_on,"
      "         CASE WHEN clock_state IN ('running', 'due_soon', 'overdue') THEN deadline END AS assessment_due"
      "    FROM k)"
      " SELECT case_id, client_id, municipality, state, channel, responsible_worker, opened_on::text AS opened_on,"
      "        coalesce(closed_on::text, '') AS closed_on, coalesce(last_contact_on::text, '') AS last_contact_on,"
      "        coalesce(review_on::text, '') AS review_on, coalesce(contact_due_on::text, '') AS contact_due_on,"
      "        coalesce(deadline::text, '') AS deadline, clock_state,"
      "        CASE WHEN next_on IS NULL THEN '' WHEN next_on = assessment_due THEN 'assessment_start'"
      "             WHEN next_on = review_on THEN 'review' ELSE 'contact' END AS next_due_kind,"
      "        coalesce(next_on::text, '') AS next_on"
      "   FROM d"
      "  WHERE ($4::text = '' OR responsible_worker = $4::text)"
      "    AND ($5::text = '' OR state = $5::text)"
      "    AND ($6::text = '' OR channel = $6::text)"
      "    AND ($7::text = '' OR client_id = $7::text)"
      "    AND ($8::date IS NULL OR opened_on >= $8::date) AND ($9::date IS NULL OR opened_on <= $9::date)"
      "    AND ($10::date IS NULL OR closed_on >= $10::date) AND ($11::date IS NULL OR closed_on <= $11::date)"
      "    AND ($12::date IS NULL OR review_on <= $12::date)"
      "    AND ($13::date IS NULL OR contact_due_on <= $13::date)"
      "    AND ($14::text = '' OR clock_state = $14::text)"
      "    AND (NOT $15::bool OR EXISTS ("
      "         SELECT 1 FROM intake.measures ms"
      "          WHERE ms.case_id = d.case_id AND ms.status IN ('ended', 'interrupted')"
      "            AND EXISTS (SELECT 1 FROM intake.measurements s"
      "                         WHERE s.measure_id = ms.measure_id AND s.timepoint = 'start'"
      "                           AND NOT EXISTS (SELECT 1 FROM intake.measurements e"
      "                                            WHERE e.measure_id = ms.measure_id"
      "                                              AND e.timepoint = 'end' AND e.code = s.code))))"
      "    AND ($16::date IS NULL OR next_on <= $16::date)"
      "  ORDER BY case_id LIMIT $18::int4", s_list_row },
    //  A worker filter names someone who has been responsible for a case here.
    { "caseload_worker_known",
      "SELECT 1 AS one FROM intake.case_workers w JOIN intake.cases c ON c.case_id = w.case_id"
      " WHERE w.worker = $1::text AND c.municipality = ANY ($2::text[]) LIMIT 1", s_one_row },
    { "caseload_find",
      "SELECT case_id FROM intake.case_referrals WHERE referral_id = $1::text", s_case_id_row },

    //  Hand-over
    { "caseload_worker_of", "SELECT responsible_worker FROM intake.cases WHERE case_id = $1::text",
      s_worker_of_row },
    { "caseload_reassign",
      "UPDATE intake.cases SET responsible_worker = $2::text WHERE case_id = $1::text" },
    { "caseload_worker_insert",
      "INSERT INTO intake.case_workers (case_id, position, worker, reason, assigned_by_org, assigned_by)"
      " SELECT $1::text, coalesce(max(position), 0) + 1, $2::text, $3::intake.reassign_reason, $4::text, $5::text"
      " FROM intake.case_workers WHERE case_id = $1::text" },

    //  Contacts
    { "contact_case_opened",
      "SELECT " CASE_OPENED_ON "::text AS opened_on FROM intake.cases c"
      " LEFT JOIN intake.case_clocks cl ON cl.case_id = c.case_id WHERE c.case_id = $1::text", s_opened_on_row },
    { "contact_insert",
      "WITH added AS (INSERT INTO intake.contacts (contact_id, case_id, kind, contact_on, participants,"
      "               recorded_by_org, recorded_by)"
      "               VALUES ($1::text, $2::text, $3::intake.contact_kind, $4::date,"
      "                       coalesce (string_to_array(NULLIF($5::text, ''), E'\\n'), '{}')::text[],"
      "                       $6::text, $7::text)"
      "               RETURNING contact_on)"
      " UPDATE intake.case_clocks SET last_contact_on = greatest (last_contact_on, (SELECT contact_on FROM added))"
      " WHERE case_id = $2::text" },
    //  Settles what the watch has nothing to do for: closed cases, and those
    //  reminded for their due day (before, or under these months again).
    { "contact_due_settle",
      "UPDATE intake.case_clocks cl SET contact_settled_base = " CONTACT_BASE ","
      " contact_settled_months = CASE WHEN " CASE_CLOSED " THEN NULL ELSE $2::int4 END"
      " WHERE " CONTACT_UNSETTLED_BY ("$1", "$2") " AND (" CASE_CLOSED " OR " CONTACT_REMINDED ("$2") ")" },
    //  Reminders under other months are not the due day's: look again.
    { "contact_due_months",
      "UPDATE intake.case_clocks SET contact_settled_base = NULL, contact_settled_months = NULL"
      " WHERE contact_settled_months < $1::int4 OR contact_settled_months > $1::int4" },
    { "contact_due_candidates",
      "SELECT cl.case_id, c.due_on::text AS due_on FROM intake.case_clocks cl"
      " CROSS JOIN LATERAL (SELECT c.state, " CASE_CONTACT_DUE ("$2") " AS due_on FROM intake.cases c"
      "                     WHERE c.case_id = cl.case_id OFFSET 0) c"
      " WHERE " CONTACT_UNSETTLED_BY ("$1", "$2") " AND c.state <> 'closed' AND c.due_on <= $1::date"
      " AND NOT EXISTS (SELECT 1 FROM intake.contact_reminders r WHERE r.case_id = cl.case_id"
      "                 AND r.due_on = c.due_on OFFSET 0)"
      " ORDER BY 2, cl.case_id LIMIT 100", s_due_row },
    //  Still due on that day (no contact since, not closed), and not held
    //  by another instance.
    { "contact_due_lock",
      "SELECT 1 AS one FROM intake.cases c JOIN intake.case_clocks cl ON cl.case_id = c.case_id"
      " WHERE c.case_id = $1::text AND c.state <> 'closed'"
      " AND " CASE_CONTACT_DUE ("$3") " = $2::date FOR UPDATE OF cl SKIP LOCKED", s_one_row },
    //  The row is locked (contact_due_lock) and due on $2 under $3 months:
    //  settled for its base day, reminded now or before.
    { "contact_remind",
      "WITH reminded AS (INSERT INTO intake.contact_reminders (case_id, due_on) VALUES ($1::text, $2::date)"
      "                  ON CONFLICT DO NOTHING RETURNING case_id),"
      " settled AS (UPDATE intake.case_clocks SET contact_settled_base = coalesce (last_contact_on, opened_on),"
      "             contact_settled_months = $3::int4 WHERE case_id = $1::text)"
      " SELECT case_id FROM reminded", s_case_id_row },

    //  The assessment clock
    { "clock_lock",
      "SELECT opened_on::text AS opened_on, pending_on::text AS pending_on, urgent, priority"
      " FROM intake.case_clocks WHERE case_id = $1::text FOR UPDATE", s_clock_lock_row },
    { "clock_inputs",
      "SELECT coalesce(cl.birth_date::text, '') AS birth_date, coalesce(cl.birth_year, 0) AS birth_year,"
      " EXISTS (SELECT 1 FROM intake.assessments a WHERE a.case_id = c.case_id) AS assessed"
      " FROM intake.cases c JOIN intake.clients cl ON cl.client_id = c.client_id WHERE c.case_id = $1::text",
      s_clock_inputs_row },
    { "clock_referral",
      "SELECT urgent, received_on::text AS received_on FROM referral.referrals WHERE referral_id = $1::text",
      s_clock_referral_row },
    { "clock_upsert",
      "INSERT INTO intake.case_clocks (case_id, opened_on, pending_on, urgent, priority, working_days,"
      " deadline, warning_on) VALUES ($1::text, $2::date, $3::date, $4::bool, $5::text, $6::int4,"
      " $7::date, $8::date)"
      " ON CONFLICT (case_id) DO UPDATE SET pending_on = EXCLUDED.pending_on, urgent = EXCLUDED.urgent,"
      " priority = EXCLUDED.priority, working_days = EXCLUDED.working_days, deadline = EXCLUDED.deadline,"
      " warning_on = EXCLUDED.warning_on, notices_next_on = NULL" },
    { "clock_missing",
      "SELECT c.case_id, " HELSINKI_DAY ("c.opened_at") "::text AS due_on FROM intake.cases c"
      " WHERE NOT EXISTS (SELECT 1 FROM intake.case_clocks cl WHERE cl.case_id = c.case_id)"
      " ORDER BY c.case_id LIMIT 100", s_due_row },
    { "clock_due_breach",
      "SELECT cl.case_id, cl.deadline::text AS due_on FROM intake.case_clocks cl JOIN intake.cases c ON c.case_id = cl.case_id"
      " WHERE cl.notices_due_on <= $1::date"
      " AND cl.deadline < $1::date AND c.state <> 'closed'"
      " AND NOT EXISTS (SELECT 1 FROM intake.assessments a WHERE a.case_id = cl.case_id)"
      " AND NOT EXISTS (SELECT 1 FROM intake.clock_notices n WHERE n.case_id = cl.case_id AND n.notice = 'breach')"
      " ORDER BY cl.deadline, cl.case_id LIMIT 1 FOR UPDATE OF cl SKIP LOCKED", s_due_row },
    { "clock_due_warning",
      "SELECT cl.case_id, cl.deadline::text AS due_on FROM intake.case_clocks cl JOIN intake.cases c ON c.case_id = cl.case_id"
      " WHERE cl.notices_due_on <= $1::date"
      " AND cl.warning_on <= $1::date AND cl.deadline >= $1::date AND c.state <> 'closed'"
      " AND NOT EXISTS (SELECT 1 FROM intake.assessments a WHERE a.case_id = cl.case_id)"
      " AND NOT EXISTS (SELECT 1 FROM intake.clock_notices n WHERE n.case_id = cl.case_id AND n.notice = 'warning')"
      " ORDER BY cl.warning_on, cl.case_id LIMIT 1 FOR UPDATE OF cl SKIP LOCKED", s_due_row },
    //  An imported clock's notices that fell before today: marked sent,
    //  so history gets its state and no late events ($2 deadline, $3 the
    //  warning day, $4 today).
    { "clock_notices_past",
      "INSERT INTO intake.clock_notices (case_id, notice, deadline)"
      " SELECT $1::text, past.notice, $2::date"
      " FROM (VALUES ('warning', $3::date < $4::date), ('breach', $2::date < $4::date)) AS past (notice, due)"
      " WHERE past.due ON CONFLICT DO NOTHING" },
    //  The clock is locked (clock_due_*): after its warning, the next notice
    //  is the breach the day after the deadline; after the breach, none.
    { "clock_notice_insert",
      "WITH sent AS (INSERT INTO intake.clock_notices (case_id, notice, deadline)"
      "              VALUES ($1::text, $2::text, $3::date) ON CONFLICT DO NOTHING RETURNING case_id),"
      " watched AS (UPDATE intake.case_clocks SET notices_next_on ="
      "             CASE WHEN $2::text = 'breach' THEN 'infinity'::date ELSE $3::date + 1 END"
      "             WHERE case_id = $1::text)"
      " SELECT case_id FROM sent", s_case_id_row },
    //  Settles, once a tick, the clocks the index has as due that have no
    //  notice due: stopped, or warned and waiting for the deadline to pass.
    { "clock_due_settle",
      "UPDATE intake.case_clocks cl SET notices_next_on = " CLOCK_NEXT_SETTLED
      " WHERE cl.notices_due_on <= $1::date AND " CLOCK_NEXT_SETTLED " IS DISTINCT FROM cl.notices_next_on" },

    //  Measures with time
    { "measure_time_set",
      "UPDATE intake.measures SET start_date = $2::date, planned_end = $3::date,"
      " status = CASE WHEN $2::date > $4::date THEN 'planned' ELSE 'active' END::intake.measure_status"
      " WHERE measure_id = $1::text" },
    { "measure_lock",
      "SELECT status::text AS status, coalesce(start_date::text, '') AS start_date FROM intake.measures"
      " WHERE measure_id = $1::text AND case_id = $2::text FOR UPDATE", s_measure_lock_row },
    { "measure_end",
      "UPDATE intake.measures SET ended_on = $2::date, status = $3::intake.measure_status,"
      " outcome = $4::intake.measure_outcome WHERE measure_id = $1::text" },
    { NULL }
};
