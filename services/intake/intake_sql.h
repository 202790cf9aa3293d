/*  intake_sql — intake's prepared statements (intake_sql.c) and the
    rows they return, by name: each row's columns are the enum its readers
    index with (kp_row), and kp_db checks them against the statement. */
#ifndef INTAKE_SQL_H
#define INTAKE_SQL_H

#include "kp_db.h"

extern const kp_stmt_t intake_statements [];

//  The rows the statements return (intake_sql.c; kp_db holds each spec
//  against its statement when it prepares it). A case's lock columns
//  lead its full row, so a case reads the same from either.
#define INTAKE_CASE_LOCK_ROW(C) \
    C (CASE_CLIENT_ID, "client_id", "text") \
    C (CASE_MUNICIPALITY, "municipality", "text") \
    C (CASE_STATE, "state", "text")
#define INTAKE_CASE_MORE(C) \
    C (CASE_CHANNEL, "channel", "text") \
    C (CASE_RESPONSIBLE_WORKER, "responsible_worker", "text") \
    C (CASE_OPENED_AT, "opened_at", "text") \
    C (CASE_CLOSED_AT, "closed_at", "text") \
    C (CASE_CLOSURE_REASON, "closure_reason", "text") \
    C (CASE_NEXT_REVIEW_DATE, "next_review_date", "text") \
    C (CASE_OPENED_AT_US, "opened_at_us", "int8") \
    C (CASE_CLOSED_AT_US, "closed_at_us", "int8")
//  case_view: the full row, then the linked referral ids (space-separated).
#define INTAKE_CASE_VIEW_MORE(C) \
    C (CASE_REFERRAL_IDS, "referral_ids", "text")
enum { INTAKE_CASE_LOCK_ROW (KP_ROW_INDEX) INTAKE_CASE_MORE (KP_ROW_INDEX) INTAKE_CASE_VIEW_MORE (KP_ROW_INDEX) };
//  disclosure_log: one entry of the client's disclosure log.
#define INTAKE_DISCLOSURE_LOG_ROW(C) \
    C (LOG_SEQ, "seq", "int8") \
    C (LOG_AT, "at", "text") \
    C (LOG_SERVICE, "service", "text") \
    C (LOG_ACTOR_ORG, "actor_org", "text") \
    C (LOG_PERSON, "actor_person", "text") \
    C (LOG_RECIPIENT_ORG, "recipient_org", "text") \
    C (LOG_KIND, "kind", "text") \
    C (LOG_BASIS, "basis", "text") \
    C (LOG_CONSENT_ID, "consent_id", "text") \
    C (LOG_OBJECT_ID, "object_id", "text") \
    C (LOG_AT_US, "at_us", "int8")
enum { INTAKE_DISCLOSURE_LOG_ROW (KP_ROW_INDEX) };
#define INTAKE_CLIENT_ROW(C) \
    C (CLIENT_MUNICIPALITY, "municipality", "text") \
    C (CLIENT_BIRTH_DATE, "birth_date", "text") \
    C (CLIENT_BIRTH_YEAR, "birth_year", "int4") \
    C (CLIENT_GENDER, "gender", "text") \
    C (CLIENT_LANGUAGE, "language", "text") \
    C (CLIENT_LABOUR_MARKET_STATUS, "labour_market_status", "text") \
    C (CLIENT_EDUCATION_LEVEL, "education_level", "text") \
    C (CLIENT_LIVING_ALONE, "living_alone", "text") \
    C (CLIENT_FOREIGN_BACKGROUND, "foreign_background", "text") \
    C (CLIENT_DISABILITY, "disability", "text") \
    C (CLIENT_HOMELESSNESS, "homelessness", "text") \
    C (CLIENT_OTHER_DISADVANTAGE, "other_disadvantage", "text") \
    C (CLIENT_HAS_HETU, "has_hetu", "bool")
enum { INTAKE_CLIENT_ROW (KP_ROW_INDEX) };
#define INTAKE_CLIENT_MATCH_ROW(C) \
    C (MATCH_CLIENT_ID, "client_id", "text") \
    C (MATCH_MUNICIPALITY, "municipality", "text")
enum { INTAKE_CLIENT_MATCH_ROW (KP_ROW_INDEX) };
#define INTAKE_CONSENT_ROW(C) \
    C (CONSENT_ID, "consent_id", "text") \
    C (CONSENT_CLIENT_ID, "client_id", "text") \
    C (CONSENT_COUNTERPARTY_ORG, "counterparty_org", "text") \
    C (CONSENT_SCOPE, "scope", "text") \
    C (CONSENT_GIVEN_AT, "given_at", "text") \
    C (CONSENT_WITHDRAWN_AT, "withdrawn_at", "text") \
    C (CONSENT_WITHDRAWN_AT_US, "withdrawn_at_us", "int8")
enum { INTAKE_CONSENT_ROW (KP_ROW_INDEX) };
#define INTAKE_BAN_ROW(C) \
    C (BAN_ID, "ban_id", "text") \
    C (BAN_COUNTERPARTY_ORG, "counterparty_org", "text") \
    C (BAN_SCOPE, "scope", "text") \
    C (BAN_RECORDED_AT, "recorded_at", "text") \
    C (BAN_RECORDED_AT_US, "recorded_at_us", "int8")
enum { INTAKE_BAN_ROW (KP_ROW_INDEX) };
#define INTAKE_DOMAIN_ROW(C) \
    C (DOMAIN_DOMAIN, "domain", "text") \
    C (DOMAIN_NEED, "need", "text") \
    C (DOMAIN_STRENGTHS, "strengths", "text")
enum { INTAKE_DOMAIN_ROW (KP_ROW_INDEX) };
#define INTAKE_PLAN_ROW(C) \
    C (PLAN_VERSION, "version", "int4") \
    C (PLAN_GOALS, "goals", "text") \
    C (PLAN_SITUATIONAL_FACTORS, "situational_factors", "text") \
    C (PLAN_SERVICES, "services", "text") \
    C (PLAN_METHODS, "methods", "text") \
    C (PLAN_PARTICIPANTS, "participants", "text") \
    C (PLAN_EVALUATION_METHOD, "evaluation_method", "text") \
    C (PLAN_NEXT_REVIEW_DATE, "next_review_date", "text") \
    C (PLAN_CLIENT_VIEW, "client_view", "text") \
    C (PLAN_WORKER_VIEW, "worker_view", "text")
enum { INTAKE_PLAN_ROW (KP_ROW_INDEX) };
#define INTAKE_ECOMAP_ROW(C) \
    C (ECOMAP_ENTRY_ID, "entry_id", "text") \
    C (ECOMAP_KIND, "kind", "intake.ecomap_kind") \
    C (ECOMAP_LABEL, "label", "text") \
    C (ECOMAP_DIRECTION, "direction", "intake.ecomap_direction") \
    C (ECOMAP_STRENGTH, "strength", "int2") \
    C (ECOMAP_ROLE, "role", "intake.ecomap_role")
enum { INTAKE_ECOMAP_ROW (KP_ROW_INDEX) };
#define INTAKE_MEASURE_ROW(C) \
    C (MEASURE_ID, "measure_id", "text") \
    C (MEASURE_KIND, "kind", "intake.measure_kind") \
    C (MEASURE_DESCRIPTION, "description", "text") \
    C (MEASURE_RESPONSIBLE_PERSON, "responsible_person", "text") \
    C (MEASURE_LINKED_REF, "linked_ref", "text")
enum { INTAKE_MEASURE_ROW (KP_ROW_INDEX) };
#define INTAKE_CHANGE_ROW(C) \
    C (CHANGE_ITEM_CODE, "item_code", "text") \
    C (CHANGE_START, "start_score", "int4") \
    C (CHANGE_END, "end_score", "int4") \
    C (CHANGE_HIGHER_IS_BETTER, "higher_is_better", "bool")
enum { INTAKE_CHANGE_ROW (KP_ROW_INDEX) };
#define INTAKE_SOURCE_ROW(C) \
    C (SOURCE_MUNICIPALITY, "municipality", "text") \
    C (SOURCE_CLIENT_REF, "client_ref", "text") \
    C (SOURCE_SENDER_TYPE, "sender_type", "text") \
    C (SOURCE_HAS_HETU, "has_hetu", "bool")
enum { INTAKE_SOURCE_ROW (KP_ROW_INDEX) };
#define INTAKE_REVIEW_ROW(C) \
    C (REVIEW_CASE_ID, "case_id", "text") \
    C (REVIEW_DATE, "next_review_date", "text")
enum { INTAKE_REVIEW_ROW (KP_ROW_INDEX) };
//  case_details: tagged rows (section), each part's columns as text from
//  c1 on, in the order of that part's own spec (INTAKE_DOMAIN_ROW,
//  INTAKE_PLAN_ROW, INTAKE_ECOMAP_ROW, INTAKE_MEASURE_ROW): a part's
//  column X is at DETAILS_C1 + X.
#define INTAKE_DETAILS_ROW(C) \
    C (DETAILS_SECTION, "section", "int4") \
    C (DETAILS_C1, "c1", "text") \
    C (DETAILS_C2, "c2", "text") \
    C (DETAILS_C3, "c3", "text") \
    C (DETAILS_C4, "c4", "text") \
    C (DETAILS_C5, "c5", "text") \
    C (DETAILS_C6, "c6", "text") \
    C (DETAILS_C7, "c7", "text") \
    C (DETAILS_C8, "c8", "text") \
    C (DETAILS_C9, "c9", "text") \
    C (DETAILS_C10, "c10", "text")
enum { INTAKE_DETAILS_ROW (KP_ROW_INDEX) };
//  One-column rows (a returned id, a date, a municipality) are read at KP_ROW_ONLY.

#endif
