/*  referral_sql — the referral service's prepared statements
    (referral_sql.c) and the rows they return, by name: each row's columns
    are the enum its readers index with (kp_row), and kp_db checks them
    against the statement. */
#ifndef REFERRAL_SQL_H
#define REFERRAL_SQL_H

#include "kp_db.h"

extern const kp_stmt_t referral_statements [];

//  The rows the statements return (referral_sql.c selects them; kp_db
//  holds each spec against its statement when it prepares it). A
//  referral's rule columns come first in every row that has them, so
//  referral_record_from_row reads the rules from a view row as well.
#define REFERRAL_RULE_ROW(C) \
    C (REF_ID, "referral_id", "text") \
    C (REF_KIND, "kind", "referral.referral_kind") \
    C (REF_STATE, "state", "referral.referral_state") \
    C (REF_SENDER_ORG, "sender_org", "text") \
    C (REF_SENDER_TYPE, "sender_type", "text") \
    C (REF_RECIPIENT_ORG, "recipient_org", "text") \
    C (REF_RECIPIENT_TYPE, "recipient_type", "text") \
    C (REF_MUNICIPALITY, "municipality", "text") \
    C (REF_LEGAL_BASIS, "legal_basis", "referral.legal_basis") \
    C (REF_CLIENT_REF, "client_ref", "text") \
    C (REF_DEADLINE, "deadline", "text") \
    C (REF_DEADLINE_KIND, "deadline_kind", "text") \
    C (REF_URGENT, "urgent", "bool") \
    C (REF_CLOCK_RUNNING, "clock_running", "bool") \
    C (REF_CONSENT_WITHDRAWN, "consent_withdrawn", "bool") \
    REFERRAL_CHAIN_HOLD_ROW(C)
//  The chain and the hold (migration 0023), part of the rules' row.
#define REFERRAL_CHAIN_HOLD_ROW(C) \
    C (REF_PARENT_ID, "parent_referral_id", "text") \
    C (REF_ROOT_ID, "root_referral_id", "text") \
    C (REF_ROOT_SENDER_ORG, "root_sender_org", "text") \
    C (REF_HELD_FROM, "held_from", "referral.referral_state") \
    C (REF_HELD_SINCE, "held_since", "text") \
    C (REF_HELD_DAYS, "held_working_days", "int4")
//  What a view adds to the rules.
#define REFERRAL_VIEW_MORE(C) \
    C (REF_REASON_CATEGORY, "reason_category", "referral.reason_category") \
    C (REF_CONSENT_REF, "consent_ref", "text") \
    C (REF_NOTIFIER_MAY_BE_NAMED, "notifier_may_be_named", "bool") \
    C (REF_FREE_TEXT, "free_text", "text") \
    C (REF_SENDER_CONTACT, "sender_contact", "text") \
    C (REF_HETU_BOX, "hetu_box", "bytea") \
    C (REF_KELA_DECISION_ID, "kela_decision_id", "text") \
    C (REF_BENEFIT_PERIOD_START, "benefit_period_start", "text") \
    C (REF_BENEFIT_PERIOD_END, "benefit_period_end", "text") \
    C (REF_CLIENT_REQUESTED_TRANSFER, "client_requested_transfer", "bool") \
    C (REF_ASSISTANCE_TYPE, "assistance_type", "referral.assistance_type") \
    C (REF_REDUCTION_PERCENT, "reduction_percent", "int4") \
    C (REF_RECEIVED_ON, "received_on", "text") \
    C (REF_DEADLINE_STATE, "deadline_state", "referral.deadline_state") \
    C (REF_ASSIGNED_WORKER, "assigned_worker", "text") \
    C (REF_ASSESSMENT_STARTED_AT, "assessment_started_at", "int8") \
    C (REF_OUTCOME_CODE, "outcome_code", "text") \
    C (REF_STATEMENT, "statement", "text") \
    C (REF_DECISION, "decision", "referral.application_decision") \
    C (REF_DECISION_ID, "decision_id", "text") \
    C (REF_CREATED_AT, "created_at", "int8")
enum { REFERRAL_RULE_ROW (KP_ROW_INDEX) REFERRAL_VIEW_MORE (KP_ROW_INDEX) REF_VIEW_END };
//  One entry of a referral's history, oldest first.
#define REFERRAL_HISTORY_ROW(C) \
    C (HISTORY_OPERATION, "operation", "text") \
    C (HISTORY_FROM_STATE, "from_state", "referral.referral_state") \
    C (HISTORY_TO_STATE, "to_state", "referral.referral_state") \
    C (HISTORY_ACTOR_ORG, "actor_org", "text") \
    C (HISTORY_ACTOR_PERSON, "actor_person", "text") \
    C (HISTORY_ACTOR_ROLE, "actor_role", "text") \
    C (HISTORY_REASON_CODE, "reason_code", "text") \
    C (HISTORY_NOTE, "note", "text") \
    C (HISTORY_AT, "at", "int8")
enum { REFERRAL_HISTORY_ROW (KP_ROW_INDEX) };
//  One referral forwarded on from another (referral_chain).
#define REFERRAL_CHAIN_ROW(C) \
    C (CHAIN_ID, "referral_id", "text") \
    C (CHAIN_PARENT_ID, "parent_referral_id", "text") \
    C (CHAIN_SENDER_ORG, "sender_org", "text") \
    C (CHAIN_RECIPIENT_ORG, "recipient_org", "text") \
    C (CHAIN_RECIPIENT_TYPE, "recipient_type", "text") \
    C (CHAIN_STATE, "state", "referral.referral_state") \
    C (CHAIN_OUTCOME_CODE, "outcome_code", "text") \
    C (CHAIN_WITHHELD, "withheld", "bool") \
    C (CHAIN_CREATED_AT, "created_at", "int8") \
    C (CHAIN_UPDATED_AT, "updated_at", "int8")
enum { REFERRAL_CHAIN_ROW (KP_ROW_INDEX) };
//  A referral whose deadline notice is due.
#define REFERRAL_DUE_ROW(C) C (DUE_REFERRAL_ID, "referral_id", "text")
enum { REFERRAL_DUE_ROW (KP_ROW_INDEX) };

#endif
