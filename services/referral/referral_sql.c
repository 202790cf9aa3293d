/*  referral_sql — every statement the referral service prepares. */
#include "referral_server.h"

//  What a view reads; $1 is today (Europe/Helsinki) for the deadline state.
//  Column order is referral_read.c's s_view_from_row.
#define REFERRAL_VIEW_COLUMNS \
    "referral_id, kind, state, sender_org, sender_type, recipient_org, recipient_type," \
    " municipality, reason_category, legal_basis, coalesce (consent_ref, '')," \
    " (consent_withdrawn_at IS NOT NULL OR disclosure_banned_at IS NOT NULL), notifier_may_be_named, urgent, free_text, sender_contact," \
    " coalesce (client_ref, ''), hetu_box, coalesce (kela_decision_id, '')," \
    " coalesce (benefit_period_start::text, ''), coalesce (benefit_period_end::text, '')," \
    " client_requested_transfer, coalesce (assistance_type, 0), coalesce (reduction_percent, 0)," \
    " received_on::text, coalesce (deadline::text, ''), coalesce (deadline_kind, '')," \
    " referral.deadline_state (deadline, warning_on, clock_stopped_at, deadline_met, $1::date)," \
    " coalesce (assigned_worker, '')," \
    " coalesce ((extract (epoch FROM assessment_started_at) * 1000000)::int8, 0)," \
    " coalesce (outcome_code, ''), coalesce (statement, ''), coalesce (decision, 0)," \
    " coalesce (decision_id, ''), (extract (epoch FROM created_at) * 1000000)::int8"

//  What the rules need; column order is referral_record.c's s_from_row.
#define REFERRAL_RULE_COLUMNS \
    "referral_id, kind, state, sender_org, sender_type, recipient_org, recipient_type," \
    " municipality, legal_basis, coalesce (client_ref, ''), coalesce (deadline::text, '')," \
    " coalesce (deadline_kind, ''), urgent, clock_stopped_at IS NULL AND deadline IS NOT NULL," \
    " (consent_withdrawn_at IS NOT NULL OR disclosure_banned_at IS NOT NULL)"

//  A running clock with a notice due and not yet sent; $1 today.
#define REFERRAL_DUE(notice, condition) \
    "SELECT referral_id FROM referral.referrals r" \
    " WHERE clock_stopped_at IS NULL AND deadline IS NOT NULL AND " condition \
    " AND NOT EXISTS (SELECT 1 FROM referral.deadline_notices n WHERE n.referral_id = r.referral_id" \
    " AND n.deadline_kind = r.deadline_kind AND n.notice = '" notice "')" \
    " ORDER BY deadline, referral_id LIMIT 1 FOR UPDATE SKIP LOCKED"

const kp_stmt_t referral_statements [] = {
    //  A submission in one round trip: the row (only if the municipality
    //  is a known one: no row back means it is not), its first history
    //  entry, the audit row and the event (last, as kp_outbox asks: its
    //  counter lock is held to commit), and the view and rule columns read
    //  back. $1 is today.
    { "referral_submit",
      "WITH inserted AS ("
      " INSERT INTO referral.referrals (referral_id, kind, state, sender_org, sender_type, sender_person,"
      " recipient_org, recipient_type, municipality, reason_category, legal_basis, consent_ref,"
      " notifier_may_be_named, urgent, free_text, sender_contact, hetu_hash, hetu_box, client_ref,"
      " kela_decision_id, benefit_period_start, benefit_period_end, assistance_type, reduction_percent,"
      " client_requested_transfer, received_on, deadline, deadline_kind, warning_on)"
      " SELECT $2::text, $3::int2, $4::int2, $5::text, $6::text, $7::text, $8::text, $9::text,"
      " $10::text, $11::int2, $12::int2, $13::text, $14::bool, $15::bool, $16::text, $17::text,"
      " $18::bytea, $19::bytea, $20::text, $21::text, $22::date, $23::date, $24::int2, $25::int2,"
      " $26::bool, $1::date, $27::date, $28::text, $29::date"
      " WHERE EXISTS (SELECT 1 FROM kp.municipalities WHERE code = $10::text)"
      " RETURNING *),"
      " history AS (INSERT INTO referral.referral_history (referral_id, operation, from_state, to_state,"
      " actor_org, actor_person, actor_role)"
      " SELECT referral_id, $30::text, 0, state, sender_org, sender_person, $31::text FROM inserted)"
      " SELECT " REFERRAL_VIEW_COLUMNS ", " REFERRAL_RULE_COLUMNS ","
      " kp.audit_append ($32::text, $33::text, $34::text, $35::text, $36::text, $37::text,"
      "   $38::text, $39::text),"
      " kp.append_event ($40::text, $41::text, to_timestamp ($42::int8 / 1e6), $43::text, $44::text,"
      "   $45::text, $46::bytea)"
      " FROM inserted" },
    //  Only on a refusal: whether the code names a municipality at all.
    { "referral_municipality_known", "SELECT 1 FROM kp.municipalities WHERE code = $1::text" },
    { "referral_load",
      "SELECT " REFERRAL_RULE_COLUMNS " FROM referral.referrals WHERE referral_id = $1::text" },
    { "referral_load_locked",
      "SELECT " REFERRAL_RULE_COLUMNS " FROM referral.referrals WHERE referral_id = $1::text FOR UPDATE" },
    { "referral_move",
      "UPDATE referral.referrals SET state = $2::int2,"
      " clock_stopped_at = CASE WHEN $3::bool THEN now () ELSE clock_stopped_at END,"
      " deadline_met = CASE WHEN $3::bool THEN deadline >= $4::date ELSE deadline_met END,"
      " assessment_started_at = CASE WHEN $2::int2 = 6 AND assessment_started_at IS NULL"
      "   THEN now () ELSE assessment_started_at END,"
      " updated_at = now () WHERE referral_id = $1::text" },
    { "referral_history_insert",
      "INSERT INTO referral.referral_history (referral_id, operation, from_state, to_state,"
      " actor_org, actor_person, actor_role, reason_code, note)"
      " VALUES ($1::text, $2::text, $3::int2, $4::int2, $5::text, $6::text, $7::text, $8::text, $9::text)" },
    { "referral_set_worker",
      "UPDATE referral.referrals SET assigned_worker = $2::text WHERE referral_id = $1::text" },
    { "referral_set_outcome",
      "UPDATE referral.referrals SET outcome_code = $2::text WHERE referral_id = $1::text" },
    { "referral_set_statement",
      "UPDATE referral.referrals SET statement = $2::text WHERE referral_id = $1::text" },
    { "referral_set_decision",
      "UPDATE referral.referrals SET decision = $2::int2, decision_id = $3::text WHERE referral_id = $1::text" },
    { "referral_consent_withdrawn",
      "UPDATE referral.referrals SET consent_withdrawn_at = now (), updated_at = now ()"
      " WHERE referral_id = $1::text AND legal_basis = 1 AND consent_withdrawn_at IS NULL" },
    //  Every referral the check let go out on this consent (0020).
    { "referral_consent_withdrawn_resting",
      "UPDATE referral.referrals SET consent_withdrawn_at = now (), updated_at = now ()"
      " WHERE disclosure_consent_id = $1::text AND consent_withdrawn_at IS NULL" },
    //  A ban: one referral the banned organisation sent (not a §35 notice:
    //  the consumer looks first), and every referral to it the check let go.
    { "referral_banned",
      "UPDATE referral.referrals SET disclosure_banned_at = now (), updated_at = now ()"
      " WHERE referral_id = $1::text AND disclosure_banned_at IS NULL" },
    { "referral_banned_resting",
      "UPDATE referral.referrals SET disclosure_banned_at = now (), updated_at = now ()"
      " WHERE disclosure_client_id = $1::text AND ($2::text = '' OR recipient_org = $2::text)"
      " AND ($3::text = '' OR $3::text = 'referral')"
      " AND disclosure_basis <> 'social_welfare_act_35' AND disclosure_banned_at IS NULL" },
    //  What a checked disclosure rests on (migration 0020).
    { "referral_set_disclosure",
      "UPDATE referral.referrals SET disclosure_client_id = $2::text,"
      " disclosure_consent_id = NULLIF ($3::text, ''), disclosure_basis = $4::text"
      " WHERE referral_id = $1::text" },
    { "referral_view",
      "SELECT " REFERRAL_VIEW_COLUMNS " FROM referral.referrals WHERE referral_id = $2::text" },
    { "referral_history",
      "SELECT operation, from_state, to_state, actor_org, actor_person, actor_role, reason_code, note,"
      " (extract (epoch FROM at) * 1000000)::int8 FROM referral.referral_history"
      " WHERE referral_id = $1::text ORDER BY entry_id" },
    //  $2 the caller's organisation: it sees what it sent and what it received.
    { "referral_list",
      "SELECT " REFERRAL_VIEW_COLUMNS " FROM referral.referrals"
      " WHERE (sender_org = $2::text OR recipient_org = $2::text)"
      " AND ($3::int2 = 0 OR state = $3::int2)"
      " AND ($4::text = '' OR municipality = $4::text)"
      " AND ($5::int2 = 0 OR referral.deadline_state (deadline, warning_on, clock_stopped_at,"
      "      deadline_met, $1::date) = $5::int2)"
      " AND referral_id > $6::text ORDER BY referral_id LIMIT $7::int4" },
    { "referral_due_breach",
      REFERRAL_DUE ("breach", "deadline < $1::date") },
    { "referral_due_warning",
      REFERRAL_DUE ("warning", "warning_on <= $1::date AND deadline >= $1::date") },
    { "referral_notice_insert",
      "INSERT INTO referral.deadline_notices (referral_id, deadline_kind, notice, deadline)"
      " SELECT referral_id, deadline_kind, $2::text, deadline FROM referral.referrals"
      " WHERE referral_id = $1::text ON CONFLICT DO NOTHING RETURNING 1" },
    { NULL }
};
