/*  reporting_sql — the reporting service's prepared statements
    (reporting_sql.c, reporting_rollup_sql.c, reporting_workload_sql.c) and
    the rows they return, by name: each row's columns are the enum its
    readers index with (kp_row), and kp_db checks them against the
    statement. */
#ifndef REPORTING_SQL_H
#define REPORTING_SQL_H

#include "kp_db.h"

extern const kp_stmt_t reporting_statements [];

//  The rows of the statements that return them (reporting_sql.c; kp_db
//  holds each spec against its statement when it prepares it).
#define REPORTING_SLA_ROW(C) \
    C (SLA_MUNICIPALITY, "municipality", "text") \
    C (SLA_MONTH, "month", "text") \
    C (SLA_KIND, "kind", "text") \
    C (SLA_RECEIVED_ON, "received_on", "text") \
    C (SLA_ACKNOWLEDGED_ON, "acknowledged_on", "text") \
    C (SLA_ASSESSMENT_STARTED_ON, "assessment_started_on", "text") \
    C (SLA_DEADLINE_STATE, "deadline_state", "referral.deadline_state") \
    C (SLA_HELD, "held", "bool") \
    C (SLA_HELD_DAYS, "held_working_days", "int4")
enum { REPORTING_SLA_ROW (KP_ROW_INDEX) };
#define REPORTING_PARTICIPANTS_ROW(C) \
    C (PARTICIPANT_KIND, "kind", "text") \
    C (PARTICIPANT_GENDER, "gender", "text") \
    C (PARTICIPANT_AGE, "age", "int4") \
    C (PARTICIPANT_LABOUR_MARKET_STATUS, "labour_market_status", "text") \
    C (PARTICIPANT_EDUCATION_LEVEL, "education_level", "text") \
    C (PARTICIPANT_MUNICIPALITY, "municipality", "text")
enum { REPORTING_PARTICIPANTS_ROW (KP_ROW_INDEX) };
#define REPORTING_OUTCOMES_ROW(C) \
    C (OUTCOME_INSTRUMENT, "instrument", "text") \
    C (OUTCOME_ITEM_CODE, "item_code", "text") \
    C (OUTCOME_MEASURE_KIND, "measure_kind", "text") \
    C (OUTCOME_PAIRS, "pairs", "int8") \
    C (OUTCOME_IMPROVED, "improved", "int8") \
    C (OUTCOME_CHANGE, "change", "int8")
enum { REPORTING_OUTCOMES_ROW (KP_ROW_INDEX) };
#define REPORTING_SOCIAL_ROW(C) \
    C (SOCIAL_THEME, "theme", "text") \
    C (SOCIAL_AREA, "area", "text") \
    C (SOCIAL_OBSERVATIONS, "observations", "int8") \
    C (SOCIAL_CLIENTS_CONCERNED, "clients_concerned", "int8")
enum { REPORTING_SOCIAL_ROW (KP_ROW_INDEX) };
#define REPORTING_GROUPS_ROW(C) \
    C (GROUPS_MUNICIPALITY, "municipality", "text") \
    C (GROUPS_KIND, "activity_kind", "text") \
    C (GROUPS_MONTH, "month", "text") \
    C (GROUPS_ACTIVITY_ID, "activity_id", "text") \
    C (GROUPS_SESSIONS, "sessions", "int8") \
    C (GROUPS_PRESENT, "present", "int8") \
    C (GROUPS_HEADCOUNT, "headcount", "int8") \
    C (GROUPS_COMPENSATION_CENTS, "compensation_cents", "numeric")
enum { REPORTING_GROUPS_ROW (KP_ROW_INDEX) };
#define REPORTING_VISITS_ROW(C) \
    C (VISITS_MUNICIPALITY, "municipality", "text") \
    C (VISITS_MONTH, "month", "text") \
    C (VISITS_SESSIONS, "sessions", "int8") \
    C (VISITS_VISITORS, "visitors", "int8") \
    C (VISITS_FOLLOW_UPS, "follow_ups", "int8")
enum { REPORTING_VISITS_ROW (KP_ROW_INDEX) };
#define REPORTING_CONTACTS_ROW(C) \
    C (CONTACTS_MUNICIPALITY, "municipality", "text") \
    C (CONTACTS_CHANNEL, "channel", "text") \
    C (CONTACTS_CONTACTS, "contacts", "int8") \
    C (CONTACTS_FOLLOW_UPS, "follow_ups", "int8")
enum { REPORTING_CONTACTS_ROW (KP_ROW_INDEX) };
#define REPORTING_TOPICS_ROW(C) \
    C (TOPICS_TOPIC, "topic", "text") \
    C (TOPICS_VISITORS, "visitors", "int8")
enum { REPORTING_TOPICS_ROW (KP_ROW_INDEX) };
#define REPORTING_STAFFING_ROW(C) \
    C (STAFFING_ORG_TYPE, "staff_org_type", "text") \
    C (STAFFING_SESSIONS, "sessions", "int8") \
    C (STAFFING_STAFF, "staff", "int8")
enum { REPORTING_STAFFING_ROW (KP_ROW_INDEX) };
//  Every target metric's statement returns one figure.
#define REPORTING_ACTUAL_ROW(C) C (ACTUAL, "actual", "int8")
enum { REPORTING_ACTUAL_ROW (KP_ROW_INDEX) };
#define REPORTING_TARGETS_ROW(C) \
    C (TARGET_CODE, "code", "text") \
    C (TARGET_DESCRIPTION, "description", "text") \
    C (TARGET_MIN_VALUE, "min_value", "int8") \
    C (TARGET_MAX_VALUE, "max_value", "text") \
    C (TARGET_METRIC, "metric", "text") \
    C (TARGET_PARAMETER, "parameter", "int8") \
    C (TARGET_ACTIVITY_KINDS, "activity_kinds", "text")
enum { REPORTING_TARGETS_ROW (KP_ROW_INDEX) };
#define REPORTING_PROJECT_ROW(C) \
    C (PROJECT_ROW_OWNER_ORG, "owner_org", "text") \
    C (PROJECT_ROW_PLANNED_PARTICIPANTS, "planned_participants", "int4") \
    C (PROJECT_ROW_MUNICIPALITIES, "municipalities", "text")
enum { REPORTING_PROJECT_ROW (KP_ROW_INDEX) };
#define REPORTING_CASE_ROW(C) C (CASE_MUNICIPALITY, "municipality", "text")
enum { REPORTING_CASE_ROW (KP_ROW_INDEX) };
//  The rebuild's (reporting_rollup_sql.c).
#define REPORTING_EVENT_ROW(C) \
    C (EVENT_SEQ, "seq", "int8") \
    C (EVENT_PAYLOAD, "payload", "bytea")
enum { REPORTING_EVENT_ROW (KP_ROW_INDEX) };
#define REPORTING_COMPARE_ROW(C) \
    C (COMPARE_LIVE, "live", "int8") \
    C (COMPARE_REBUILT, "rebuilt", "int8") \
    C (COMPARE_DIFFERING, "differing", "int8")
enum { REPORTING_COMPARE_ROW (KP_ROW_INDEX) };
#define REPORTING_CURSOR_ROW(C) C (CURSOR_LAST_SEQ, "last_seq", "int8")
enum { REPORTING_CURSOR_ROW (KP_ROW_INDEX) };
//  The workload report's (reporting_workload_sql.c): the counts in the
//  report's own column order from WORKLOAD_OPEN_CASES on.
#define REPORTING_WORKLOAD_ROW(C) \
    C (WORKLOAD_MUNICIPALITY, "municipality", "text") \
    C (WORKLOAD_WORKER, "worker", "text") \
    C (WORKLOAD_MONTH, "month", "text") \
    C (WORKLOAD_OPEN_CASES, "open_cases", "int8") \
    C (WORKLOAD_OPENED, "opened", "int8") \
    C (WORKLOAD_CLOSED, "closed", "int8") \
    C (WORKLOAD_CONTACTS_MEETING, "contacts_meeting", "numeric") \
    C (WORKLOAD_CONTACTS_PHONE, "contacts_phone", "numeric") \
    C (WORKLOAD_CONTACTS_HOME_VISIT, "contacts_home_visit", "numeric") \
    C (WORKLOAD_CONTACTS_NETWORK_MEETING, "contacts_network_meeting", "numeric") \
    C (WORKLOAD_CONTACTS_DIGITAL, "contacts_digital", "numeric") \
    C (WORKLOAD_ASSESSMENTS_IN_TIME, "assessments_in_time", "int8") \
    C (WORKLOAD_ASSESSMENTS_LATE, "assessments_late", "int8") \
    C (WORKLOAD_REVIEWS_OVERDUE, "reviews_overdue", "int8")
enum { REPORTING_WORKLOAD_ROW (KP_ROW_INDEX) };
extern const kp_stmt_t reporting_rollup_statements [];
extern const kp_stmt_t reporting_workload_statements [];

#endif
