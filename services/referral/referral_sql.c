/*  referral_sql — every statement the referral service prepares. */
#include "referral_sql.h"
#include "kp_db.h"

//  What the rules need (REFERRAL_RULE_ROW, in its order).
#define REFERRAL_RULE_COLUMNS \
    "referral_id, kind, state, sender_org, sender_type, recipient_org, recipient_type," \
    " municipality, legal_basis, coalesce (client_ref, '') AS client_ref," \
    " coalesce (deadline::text, '') AS deadline, coalesce (deadline_kind, '') AS deadline_kind, urgent," \
    " clock_stopped_at IS NULL AND deadline IS NOT NULL AS clock_running," \
    " (consent_withdrawn_at IS NOT NULL OR disclosure_banned_at IS NOT NULL) AS consent_withdrawn," \
    " coalesce (parent_referral_id, '') AS parent_referral_id, coalesce (root_referral_id, '') AS root_referral_id," \
    " coalesce (root_sender_org, '') AS root_sender_org, held_from," \
    " coalesce (held_since::text, '') AS held_since, held_working_days"

//  What a view reads: the rules, then REFERRAL_VIEW_MORE; $1 is today
//  (Europe/Helsinki) for the deadline state.
#define REFERRAL_VIEW_COLUMNS REFERRAL_RULE_COLUMNS "," \
    " reason_category, coalesce (consent_ref, '') AS consent_ref, notifier_may_be_named, free_text," \
    " sender_contact, hetu_box, coalesce (kela_decision_id, '') AS kela_decision_id," \
    " coalesce (benefit_period_start::text, '') AS benefit_period_start," \
    " coalesce (benefit_period_end::text, '') AS benefit_period_end," \
    " client_requested_transfer, assistance_type, coalesce (reduction_percent, 0) AS reduction_percent," \
    " received_on::text AS received_on," \
    " referral.deadline_state (deadline, warning_on, clock_stopped_at, deadline_met, $1::date)" \
    "   AS deadline_state," \
    " coalesce (assigned_worker, '') AS assigned_worker," \
    " coalesce ((extract (epoch FROM assessment_started_at) * 1000000)::int8, 0) AS assessment_started_at," \
    " coalesce (outcome_code, '') AS outcome_code, coalesce (statement, '') AS statement, decision," \
    " coalesce (decision_id, '') AS decision_id," \
    " (extract (epoch FROM created_at) * 1000000)::int8 AS created_at"

static const kp_col_t s_rule_row [] = { REFERRAL_RULE_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_view_row [] = {
    REFERRAL_RULE_ROW (KP_ROW_COLUMN) REFERRAL_VIEW_MORE (KP_ROW_COLUMN) { NULL }
};
static const kp_col_t s_history_row [] = { REFERRAL_HISTORY_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_due_row [] = { REFERRAL_DUE_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_chain_row [] = { REFERRAL_CHAIN_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_one_row [] = { { "one", "int4" }, { NULL } };
static const kp_col_t s_municipality_row [] = { { "municipality", "text" }, { NULL } };
static const kp_col_t s_case_id_row [] = { { "case_id", "text" }, { NULL } };

//  A running clock with a notice due and not yet sent; $1 today. The
//  index holds only the clocks a notice may be due for (migration 0043);
//  each is probed by key (OFFSET 0: not hashed over every notice).
#define REFERRAL_NOTICE_SENT(notice) \
    "EXISTS (SELECT 1 FROM referral.deadline_notices n WHERE n.referral_id = r.referral_id" \
    " AND n.deadline_kind = r.deadline_kind AND n.notice = '" notice "' OFFSET 0)"
#define REFERRAL_DUE(notice, condition) \
    "SELECT referral_id FROM referral.referrals r WHERE r.notices_due_on <= $1::date" \
    " AND clock_stopped_at IS NULL AND deadline IS NOT NULL AND held_since IS NULL AND " condition \
    " AND NOT " REFERRAL_NOTICE_SENT (notice) \
    " ORDER BY deadline, referral_id LIMIT 1 FOR UPDATE SKIP LOCKED"
//  What the watch may say of a clock whose notices were sent elsewhere
//  (an import): after the warning, nothing before the day after the
//  deadline; after the breach, nothing, once the deadline has passed.
#define REFERRAL_QUIET_NEXT \
    "CASE WHEN " REFERRAL_NOTICE_SENT ("breach") " THEN NULL ELSE r.deadline + 1 END"

const kp_stmt_t referral_statements [] = {
    //  A submission in one round trip: the row (only if the municipality
    //  is a known one: no row back means it is not), its first history
    //  entry, and the view and rule columns read back; its audit row and
    //  event wait for the batch's COMMIT (kp_batch). $1 is today.
    { "referral_submit",
      "WITH inserted AS ("
      " INSERT INTO referral.referrals (referral_id, kind, state, sender_org, sender_type, sender_person,"
      " recipient_org, recipient_type, municipality, reason_category, legal_basis, consent_ref,"
      " notifier_may_be_named, urgent, free_text, sender_contact, hetu_hash, hetu_box, client_ref,"
      " kela_decision_id, benefit_period_start, benefit_period_end, assistance_type, reduction_percent,"
      " client_requested_transfer, received_on, deadline, deadline_kind, warning_on)"
      " SELECT $2::text, $3::referral.referral_kind, $4::referral.referral_state, $5::text, $6::text,"
      " $7::text, $8::text, $9::text, $10::text, $11::referral.reason_category,"
      " $12::referral.legal_basis, $13::text, $14::bool, $15::bool, $16::text, $17::text,"
      " $18::bytea, $19::bytea, $20::text, $21::text, $22::date, $23::date,"
      " $24::referral.assistance_type, $25::int2,"
      " $26::bool, $1::date, $27::date, $28::text, $29::date"
      " WHERE EXISTS (SELECT 1 FROM kp.municipalities WHERE code = $10::text)"
      " RETURNING *),"
      " history AS (INSERT INTO referral.referral_history (referral_id, operation, from_state, to_state,"
      " actor_org, actor_person, actor_role)"
      " SELECT referral_id, $30::text, NULL, state, sender_org, sender_person, $31::text FROM inserted)"
      " SELECT " REFERRAL_VIEW_COLUMNS
      " FROM inserted", s_view_row },
    //  The same for a batch's staged submissions in one statement
    //  (referral_submit_flush): $1 today, then one array per value of
    //  referral_submit's $1-$31 ($2 its today, $3 its id, …). A row whose
    //  municipality is unknown is not inserted; fewer rows come back.
    { "referral_submit_set",
      "WITH staged AS ("
      " SELECT * FROM unnest ($2::date[], $3::text[], $4::referral.referral_kind[],"
      " $5::referral.referral_state[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],"
      " $11::text[], $12::referral.reason_category[], $13::referral.legal_basis[], $14::text[],"
      " $15::bool[], $16::bool[], $17::text[], $18::text[], $19::bytea[], $20::bytea[], $21::text[],"
      " $22::text[], $23::date[], $24::date[], $25::referral.assistance_type[], $26::int2[],"
      " $27::bool[], $28::date[], $29::text[], $30::date[], $31::text[], $32::text[])"
      " AS s (received_on, referral_id, kind, state, sender_org, sender_type, sender_person,"
      " recipient_org, recipient_type, municipality, reason_category, legal_basis, consent_ref,"
      " notifier_may_be_named, urgent, free_text, sender_contact, hetu_hash, hetu_box, client_ref,"
      " kela_decision_id, benefit_period_start, benefit_period_end, assistance_type, reduction_percent,"
      " client_requested_transfer, deadline, deadline_kind, warning_on, operation, actor_role)),"
      " inserted AS ("
      " INSERT INTO referral.referrals (referral_id, kind, state, sender_org, sender_type, sender_person,"
      " recipient_org, recipient_type, municipality, reason_category, legal_basis, consent_ref,"
      " notifier_may_be_named, urgent, free_text, sender_contact, hetu_hash, hetu_box, client_ref,"
      " kela_decision_id, benefit_period_start, benefit_period_end, assistance_type, reduction_percent,"
      " client_requested_transfer, received_on, deadline, deadline_kind, warning_on)"
      " SELECT referral_id, kind, state, sender_org, sender_type, sender_person,"
      " recipient_org, recipient_type, municipality, reason_category, legal_basis, consent_ref,"
      " notifier_may_be_named, urgent, free_text, sender_contact, hetu_hash, hetu_box, client_ref,"
      " kela_decision_id, benefit_period_start, benefit_period_end, assistance_type, reduction_percent,"
      " client_requested_transfer, received_on, deadline, deadline_kind, warning_on FROM staged"
      " WHERE EXISTS (SELECT 1 FROM kp.municipalities m WHERE m.code = staged.municipality)"
      " RETURNING *),"
      " history AS (INSERT INTO referral.referral_history (referral_id, operation, from_state, to_state,"
      " actor_org, actor_person, actor_role)"
      " SELECT i.referral_id, s.operation, NULL, i.state, i.sender_org, i.sender_person, s.actor_role"
      " FROM inserted i JOIN staged s ON s.referral_id = i.referral_id)"
      " SELECT " REFERRAL_VIEW_COLUMNS
      " FROM inserted", s_view_row },
    //  Only on a refusal: whether the code names a municipality at all.
    { "referral_municipality_known", "SELECT 1 AS one FROM kp.municipalities WHERE code = $1::text",
      s_one_row },
    { "referral_client_municipality",
      "SELECT municipality FROM intake.clients WHERE client_id = $1::text", s_municipality_row },
    { "referral_load",
      "SELECT " REFERRAL_RULE_COLUMNS " FROM referral.referrals WHERE referral_id = $1::text",
      s_rule_row },
    { "referral_load_locked",
      "SELECT " REFERRAL_RULE_COLUMNS " FROM referral.referrals WHERE referral_id = $1::text FOR UPDATE",
      s_rule_row },
    { "referral_move",
      "UPDATE referral.referrals SET state = $2::referral.referral_state,"
      " clock_stopped_at = CASE WHEN $3::bool THEN kp.clock () ELSE clock_stopped_at END,"
      " deadline_met = CASE WHEN $3::bool THEN deadline >= $4::date ELSE deadline_met END,"
      " assessment_started_at = CASE WHEN $2::referral.referral_state = 'assessment_started'"
      "   AND assessment_started_at IS NULL"
      "   THEN kp.clock () ELSE assessment_started_at END,"
      " updated_at = kp.clock () WHERE referral_id = $1::text" },
    { "referral_history_insert",
      "INSERT INTO referral.referral_history (referral_id, operation, from_state, to_state,"
      " actor_org, actor_person, actor_role, reason_code, note)"
      " VALUES ($1::text, $2::text, $3::referral.referral_state, $4::referral.referral_state, $5::text,"
      " $6::text, $7::text, $8::text, $9::text)" },
    { "referral_set_worker",
      "UPDATE referral.referrals SET assigned_worker = $2::text WHERE referral_id = $1::text" },
    { "referral_set_outcome",
      "UPDATE referral.referrals SET outcome_code = $2::text WHERE referral_id = $1::text" },
    //  It answers Kela's open statement request, if any (migration 0024).
    { "referral_set_statement",
      "WITH answered AS (UPDATE referral.statement_requests SET answered_at = kp.clock (), statement = $2::text"
      "   WHERE referral_id = $1::text AND answered_at IS NULL)"
      " UPDATE referral.referrals SET statement = $2::text WHERE referral_id = $1::text" },
    { "referral_set_decision",
      "UPDATE referral.referrals SET decision = $2::referral.application_decision, decision_id = $3::text WHERE referral_id = $1::text" },
    { "referral_consent_withdrawn",
      "UPDATE referral.referrals SET consent_withdrawn_at = kp.clock (), updated_at = kp.clock ()"
      " WHERE referral_id = $1::text AND legal_basis = 'consent' AND consent_withdrawn_at IS NULL" },
    //  Every referral the check let go out on this consent (0020).
    { "referral_consent_withdrawn_resting",
      "UPDATE referral.referrals SET consent_withdrawn_at = kp.clock (), updated_at = kp.clock ()"
      " WHERE disclosure_consent_id = $1::text AND consent_withdrawn_at IS NULL" },
    //  A ban: one referral the banned organisation sent (not a §35 notice:
    //  the consumer looks first), and every referral to it the check let go.
    { "referral_banned",
      "UPDATE referral.referrals SET disclosure_banned_at = kp.clock (), updated_at = kp.clock ()"
      " WHERE referral_id = $1::text AND disclosure_banned_at IS NULL" },
    { "referral_banned_resting",
      "UPDATE referral.referrals SET disclosure_banned_at = kp.clock (), updated_at = kp.clock ()"
      " WHERE disclosure_client_id = $1::text AND ($2::text = '' OR recipient_org = $2::text)"
      " AND ($3::text = '' OR $3::text = 'referral')"
      " AND disclosure_basis <> 'social_welfare_act_35' AND disclosure_banned_at IS NULL" },
    //  What a checked disclosure rests on (migration 0020).
    { "referral_set_disclosure",
      "UPDATE referral.referrals SET disclosure_client_id = $2::text,"
      " disclosure_consent_id = NULLIF ($3::text, ''), disclosure_basis = $4::text"
      " WHERE referral_id = $1::text" },
    { "referral_view",
      "SELECT " REFERRAL_VIEW_COLUMNS " FROM referral.referrals WHERE referral_id = $2::text",
      s_view_row },
    { "referral_history",
      "SELECT operation, from_state, to_state, actor_org, actor_person, actor_role, reason_code, note,"
      " (extract (epoch FROM at) * 1000000)::int8 AS at FROM referral.referral_history"
      " WHERE referral_id = $1::text ORDER BY entry_id", s_history_row },
    //  $2 the caller's organisation: it sees what it sent and what it received.
    { "referral_list",
      "SELECT " REFERRAL_VIEW_COLUMNS " FROM referral.referrals"
      " WHERE (sender_org = $2::text OR recipient_org = $2::text)"
      " AND ($3::referral.referral_state IS NULL OR state = $3::referral.referral_state)"
      " AND ($4::text = '' OR municipality = $4::text)"
      " AND ($5::referral.deadline_state IS NULL OR referral.deadline_state (deadline, warning_on,"
      "      clock_stopped_at, deadline_met, $1::date) = $5::referral.deadline_state)"
      " AND referral_id > $6::text ORDER BY referral_id LIMIT $7::int4", s_view_row },
    { "referral_due_breach",
      REFERRAL_DUE ("breach", "deadline < $1::date"), s_due_row },
    { "referral_due_warning",
      REFERRAL_DUE ("warning", "warning_on <= $1::date AND deadline >= $1::date"), s_due_row },
    //  An imported referral's notices that fell before today ($2): its
    //  history has their state (deadline_state), the watch sends nothing.
    { "referral_notices_past",
      "INSERT INTO referral.deadline_notices (referral_id, deadline_kind, notice, deadline)"
      " SELECT referral_id, deadline_kind, past.notice, deadline FROM referral.referrals,"
      " LATERAL (VALUES ('warning', warning_on < $2::date), ('breach', deadline < $2::date)) AS past (notice, due)"
      " WHERE referral_id = $1::text AND deadline IS NOT NULL AND past.due ON CONFLICT DO NOTHING" },
    //  The clock is locked (referral_due_*): after its warning the next
    //  notice is the breach the day after the deadline; after the breach,
    //  none for this deadline.
    { "referral_notice_insert",
      "WITH sent AS (INSERT INTO referral.deadline_notices (referral_id, deadline_kind, notice, deadline)"
      "              SELECT referral_id, deadline_kind, $2::text, deadline FROM referral.referrals"
      "              WHERE referral_id = $1::text ON CONFLICT DO NOTHING RETURNING 1 AS one),"
      " quiet AS (UPDATE referral.referrals SET notices_quiet_kind = deadline_kind,"
      "           notices_quiet_deadline = deadline,"
      "           notices_quiet_next = CASE WHEN $2::text = 'breach' THEN NULL ELSE deadline + 1 END"
      "           WHERE referral_id = $1::text)"
      " SELECT one FROM sent", s_one_row },
    //  Once a tick: the clocks the index has as due whose notices were sent
    //  elsewhere leave it ($1 today).
    { "referral_notices_settle",
      "UPDATE referral.referrals r SET notices_quiet_kind = r.deadline_kind, notices_quiet_deadline = r.deadline,"
      " notices_quiet_next = " REFERRAL_QUIET_NEXT
      " WHERE r.notices_due_on <= $1::date"
      " AND ((" REFERRAL_NOTICE_SENT ("breach") " AND (" REFERRAL_NOTICE_SENT ("warning")
      "       OR r.deadline < $1::date))"
      "      OR (NOT " REFERRAL_NOTICE_SENT ("breach") " AND " REFERRAL_NOTICE_SENT ("warning") "))"
      " AND (r.notices_quiet_kind, r.notices_quiet_deadline, r.notices_quiet_next)"
      "     IS DISTINCT FROM (r.deadline_kind, r.deadline, " REFERRAL_QUIET_NEXT ")" },
    //  On hold (migration 0023): $2 the state held from, $3 the first held day.
    { "referral_hold_start",
      "UPDATE referral.referrals SET held_from = $2::referral.referral_state, held_since = $3::date"
      " WHERE referral_id = $1::text" },
    //  The hold ends: $2 its working days; $3, $4 the moved deadline and
    //  warning day, or NULL when no clock runs.
    { "referral_hold_end",
      "UPDATE referral.referrals SET held_from = NULL, held_since = NULL,"
      " held_working_days = held_working_days + $2::int4,"
      " deadline = coalesce ($3::date, deadline), warning_on = coalesce ($4::date, warning_on)"
      " WHERE referral_id = $1::text" },
    //  A forward's child: the parent's client and content, the forwarder as
    //  sender ($3-$5), its recipient ($6-$8), today $9, the clock $10-$12,
    //  $13 the consent, $14 the forwarder's note as the child's free text.
    { "referral_forward_child",
      "INSERT INTO referral.referrals (referral_id, kind, state, sender_org, sender_type, sender_person,"
      " recipient_org, recipient_type, municipality, reason_category, legal_basis, consent_ref,"
      " notifier_may_be_named, urgent, free_text, sender_contact, hetu_hash, hetu_box, client_ref,"
      " kela_decision_id, benefit_period_start, benefit_period_end, assistance_type, reduction_percent,"
      " client_requested_transfer, received_on, deadline, deadline_kind, warning_on,"
      " parent_referral_id, root_referral_id, root_sender_org, created_at, updated_at)"
      " SELECT $2::text, kind, 'received', $3::text, $4::text, $5::text, $6::text, $7::text, $8::text,"
      " reason_category, legal_basis, coalesce (NULLIF ($13::text, ''), consent_ref), notifier_may_be_named,"
      " urgent, $14::text, '', hetu_hash, hetu_box, client_ref, kela_decision_id, benefit_period_start,"
      " benefit_period_end, assistance_type, reduction_percent, client_requested_transfer, $9::date,"
      " $10::date, $11::text, $12::date, referral_id, coalesce (root_referral_id, referral_id),"
      " coalesce (root_sender_org, sender_org), kp.clock (), kp.clock ()"
      " FROM referral.referrals WHERE referral_id = $1::text" },
    //  Every referral forwarded on from $1, at any depth, oldest first.
    { "referral_chain",
      "WITH RECURSIVE chain AS ("
      " SELECT * FROM referral.referrals WHERE parent_referral_id = $1::text"
      " UNION ALL SELECT r.* FROM referral.referrals r JOIN chain c ON r.parent_referral_id = c.referral_id)"
      " SELECT referral_id, parent_referral_id, sender_org, recipient_org, recipient_type, state,"
      " coalesce (outcome_code, '') AS outcome_code,"
      " (legal_basis <> 'section_35' AND (consent_withdrawn_at IS NOT NULL OR disclosure_banned_at IS NOT NULL))"
      "   AS withheld,"
      " (extract (epoch FROM created_at) * 1000000)::int8 AS created_at,"
      " (extract (epoch FROM updated_at) * 1000000)::int8 AS updated_at"
      " FROM chain ORDER BY created_at, referral_id", s_chain_row },
    //  Intake's case for a referral (migration 0021 grants the columns).
    { "referral_case_of",
      "SELECT case_id FROM intake.case_referrals WHERE referral_id = $1::text", s_case_id_row },
    { NULL }
};
