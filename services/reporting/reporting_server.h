/*  reporting_server — the reporting service's parts: the dispatch table,
    the scope a report runs in, the table builder, and the handlers and
    report builders each concern file provides. */
#ifndef REPORTING_SERVER_H
#define REPORTING_SERVER_H

#include "kp_calendar.h"
#include "kp_check.h"
#include "kp_ids.h"
#include "kp_row.h"
#include "kp_service.h"

extern const kp_service_def_t reporting_service;
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
//  reporting_heading: a report's project and areas, with their names.
extern const kp_stmt_t reporting_heading_statements [];

//  reporting_context: the process's own parts (the rollup consumer).
typedef struct _reporting_t reporting_t;
reporting_t *reporting_new (kp_server_t *server, const kp_config_t *config);
void reporting_destroy (reporting_t **self_p);

//  reporting_rollup: the rollups the reports read, kept from the stream.
//  Each rollup row is of one copy: the live one, or the one a rebuild
//  makes in its transaction (reporting_rebuild).
#define REPORTING_ROLLUP_CONSUMER  "reporting.rollups"
#define REPORTING_ROLLUP_LIVE      "live"
#define REPORTING_ROLLUP_REBUILT   "rebuilt"
//  Folds one event into copy: 0 done (or nothing to count), -1 database
//  error, -2 poison with error set (nothing written).
int reporting_rollup_fold (kp_db_t *db, const char *copy, const Kumppani__V1__Event *event,
                           char *error, size_t error_size);
//  The consumer's handler: folds into the live copy.
int reporting_rollup_on_event (kp_db_t *db, const Kumppani__V1__Event *event, void *arg,
                               char *error, size_t error_size);
//  One of the activity kinds of the groups contract.
bool reporting_rollup_is_activity_kind (const char *kind);

//  Organisation types that coordinate projects (a person with the
//  COORDINATOR role acting for one). TASOS was run by a university.
#define REPORTING_COORDINATING  "municipality county ngo parish debt_counselling university"

//  A project as the access rules need it.
typedef struct {
    char id [KP_ID_LEN + 1];
    char owner_org [64];
    char municipalities [256];      //  space-separated codes
    int64_t planned_participants;
} reporting_project_t;

//  1 found, 0 not found, -1 database error.
int reporting_project_load (kp_db_t *db, const char *id, reporting_project_t *project);
bool reporting_project_has_municipality (const reporting_project_t *project, const char *code);

//  What one report may see, resolved from who asks (reporting_access).
//  Empty strings mean "no restriction".
typedef struct {
    const char *report;
    char period_start [11];
    char period_end [11];
    char project_id [KP_ID_LEN + 1];
    char municipality [16];
    char sender_org [64];           //  Kela: its own notices only
    int threshold;
    int min_meetings;               //  groups: N of "groups meeting at least N times"
    const reporting_project_t *project;     //  NULL without one
} reporting_scope_t;

//  reporting_access: the rules, one function each. Each returns 0, or -1
//  with the call failed (FORBIDDEN / NOT_FOUND / INVALID).
int reporting_access_scope (kp_call_t *call, const reporting_project_t *project,
                            reporting_scope_t *scope);
int reporting_access_may_define (kp_call_t *call);
//  May the caller link activities to the project (its coordinator or one of
//  its municipalities)? Cases are checked one by one in reporting_project.
int reporting_access_may_link (kp_call_t *call, const reporting_project_t *project);
bool reporting_access_is_coordinator (kp_call_t *call, const reporting_project_t *project);

//  reporting_table: a report under construction (see reporting_table.c).
typedef struct _reporting_table_t reporting_table_t;

reporting_table_t *reporting_table_new (const reporting_scope_t *scope, const char *const *columns);
void reporting_table_destroy (reporting_table_t **self_p);
//  Starts a row; the cells below fill it. Each returns 0 or -1 (memory).
int reporting_table_row (reporting_table_t *self);
int reporting_table_text (reporting_table_t *self, int column, const char *text);
//  A figure that counts no people (a plan, a number of observations).
int reporting_table_figure (reporting_table_t *self, int column, int64_t value);
//  A count of people: goes through disclosure control. Returns its cell
//  id for reporting_table_line, or -1.
int reporting_table_count (reporting_table_t *self, int column, int64_t people);
//  The count just set in column of the current row is 0 by construction
//  (no session held, a closed group): shown as a structural zero, never
//  suppressed nor a complement. 0; -1 when it counts anybody.
int reporting_table_structural_zero (reporting_table_t *self, int column);
//  A count of people that is not published but from which a published
//  one could be derived (n - improved); -1 on failure.
int reporting_table_unpublished (reporting_table_t *self, int64_t people);
//  A statistic over the people of the row's count in base (and base2, or
//  -1): hidden whenever one of them is.
int reporting_table_statistic (reporting_table_t *self, int column, const char *text,
                               int base, int base2);
//  Count cells that add up (a column with its total, a row with its total):
//  the parts, then the total last. These lines are the table's additive
//  relations: the disclosure audit proves suppression against them, and
//  the reply publishes them (ReportTable.relations).
int reporting_table_line (reporting_table_t *self, const int *cells, size_t count);
//  The current row is hidden whole when people is under the threshold.
int reporting_table_row_people (reporting_table_t *self, int64_t people);
//  The cell id of a count in the current row's column, -1 if none.
int reporting_table_cell_of (reporting_table_t *self, int row, int column);
//  reporting_heading: the project and the areas a report is about, into
//  its table's heading (names from the registry). 0 or -1.
int reporting_heading_fill (kp_call_t *call, const reporting_scope_t *scope,
                            Kumppani__V1__ReportTable *table);
//  Applies disclosure control and sets the call's reply; a table whose
//  suppression does not pass the audit is refused (INTERNAL
//  reporting.disclosure_unproven), never sent. 0 or -1.
int reporting_table_reply (reporting_table_t *self, kp_call_t *call);

//  The reports: each fills table for scope. 0, or -1 with the call failed.
typedef int (reporting_report_fn) (kp_call_t *call, const reporting_scope_t *scope);
int reporting_sla_report (kp_call_t *call, const reporting_scope_t *scope);
//  The partner part of the referral SLA (reporting_partner_sla.c).
int reporting_partner_sla_report (kp_call_t *call, const reporting_scope_t *scope);
extern const kp_stmt_t reporting_partner_sla_statements [];
int reporting_participants_report (kp_call_t *call, const reporting_scope_t *scope);
int reporting_outcomes_report (kp_call_t *call, const reporting_scope_t *scope);
int reporting_social_report (kp_call_t *call, const reporting_scope_t *scope);
int reporting_groups_report (kp_call_t *call, const reporting_scope_t *scope);
//  Rehabilitative work activity placements (reporting_placements.c, with its statements).
int reporting_placements_report (kp_call_t *call, const reporting_scope_t *scope);
extern const kp_stmt_t reporting_placements_statements [];
//  Anonymous group feedback, aggregated (reporting_feedback.c, with its statements).
int reporting_feedback_report (kp_call_t *call, const reporting_scope_t *scope);
extern const kp_stmt_t reporting_feedback_statements [];
int reporting_talousneuvola_report (kp_call_t *call, const reporting_scope_t *scope);
int reporting_targets_report (kp_call_t *call, const reporting_scope_t *scope);
int reporting_workload_report (kp_call_t *call, const reporting_scope_t *scope);
//  A metric reporting_targets knows how to compute ("" = none).
bool reporting_targets_metric_known (const char *metric);
//  "Groups meeting at least N times": N when not asked (TASOS: 8).
#define REPORTING_MIN_MEETINGS_DEFAULT 8
//  Scope parameters for the report statements, in this order:
//  $1 period start, $2 period end, $3 municipality, $4 project, $5 sender.
#define REPORTING_SCOPE_PARAMS 5
void reporting_scope_params (const reporting_scope_t *scope, const char *values [REPORTING_SCOPE_PARAMS]);
//  Runs a report statement that takes just the scope parameters; NULL with
//  the call failed (db.error) when the database did.
PGresult *reporting_scope_query (kp_call_t *call, const reporting_scope_t *scope, const char *statement);

//  Handlers.
int reporting_observation_submit (kp_call_t *call);
int reporting_project_define (kp_call_t *call);
int reporting_project_link (kp_call_t *call);
int reporting_report_run (kp_call_t *call);
int reporting_rebuild_run (kp_call_t *call);

//  In the area asked for: '' everywhere, a municipality code, or an
//  organiser ("EP"), which is every municipality it organises. One rule,
//  so a county's figures are its municipalities' figures added up.
#define REPORTING_IN_AREA(column) \
    " ($3::text = '' OR " column " = $3::text OR " column " IN" \
    "   (SELECT am.code FROM kp.municipalities am WHERE am.organiser = $3::text))"

#endif
