/*  intake_caseload — the worker's caseload (issue 18): lists and finds of
    cases, hand-overs between responsible workers, contacts with the
    client, the service-need assessment clock every case carries, and the
    time of measures. The existing case, client and measure code reaches
    these through the few hooks below; the handlers are in the route
    table. */
#ifndef INTAKE_CASELOAD_H
#define INTAKE_CASELOAD_H

#include "intake_context.h"
#include "kp_calendar.h"
#include "kp_config.h"
#include "kp_db.h"
#include "kp_server.h"

//  intake_clock: the process's configuration (day counts, the test clock),
//  set once by intake_new before anything runs. Statements reached from
//  the consumer and from handlers alike see only a database handle, so
//  the clock keeps this one pointer.
void intake_clock_configure (const kp_config_t *config);
//  KUMPPANI_CONTACT_DUE_MONTHS (the default before configure: the
//  fuzzers call handlers without a context).
int intake_contact_due_months (void);
//  Intake's today: KUMPPANI_TEST_TODAY when set, else Europe/Helsinki's.
kp_date_t intake_today (void);
//  A clock's values by the rule intake_clock_set applies: pending from
//  pending (or from received, a referral's receipt, when that runs out
//  first), the working days, deadline, warning day and priority group.
typedef struct {
    kp_date_t pending, deadline, warning;
    int days;
    bool urgent;
    char priority [32];
} intake_clock_values_t;
void intake_clock_compute (const char *birth_date, int birth_year, kp_date_t pending, bool urgent,
                           bool highest_care_allowance, const kp_date_t *received, bool referral_urgent,
                           intake_clock_values_t *out);
//  Starts or updates a case's assessment clock in the caller's
//  transaction: urgent and highest_care_allowance only ever add to what
//  it had; a referral (may be NULL) brings its urgency and an earlier
//  pending day. opened_on NULL means today. A clock whose assessment has
//  started stays as it is. 0 or -1.
int intake_clock_set (kp_db_t *db, const char *case_id, bool urgent, bool highest_care_allowance,
                      const char *referral_id, const char *opened_on);
//  Warnings and breaches due today, each once; clocks for cases that
//  have none yet. Returns how many notices were emitted, or -1.
int intake_clock_tick (intake_t *self);

//  intake_contact: intake.contact_due for cases not met for the
//  configured months, once per due day. Returns how many, or -1.
int intake_contact_tick (intake_t *self);

//  intake_caseload: appends topic for case_id with payload's extra fields
//  (the rest is filled from the case as stored). 0 or -1.
int intake_caseload_emit (kp_db_t *db, const char *case_id, const char *topic,
                          Kumppani__V1__IntakeEvent *payload);
//  Adds the worker history, contact and clock fields and the measures'
//  time to a case reply. 0, or -1 with the call failed.
int intake_caseload_case_reply (kp_call_t *call, Kumppani__V1__CaseReply *reply);
//  Sets the client reply's case ids to the cases the caller may see.
//  0, or -1 with the call failed.
int intake_caseload_client_cases (kp_call_t *call, const char *client_id,
                                  Kumppani__V1__ClientReply *reply);
//  Parses an optional date field ("" → *given false). 0, or -1 with the
//  call failed INVALID on field.
int intake_caseload_date (kp_call_t *call, const char *text, const char *field, kp_date_t *date,
                          bool *given);

//  intake_measure_time: a new measure's start and planned end, checked
//  before AddMeasure writes anything and stored after. 0, or -1 with the
//  call failed.
int intake_measure_time_check (kp_call_t *call, const Kumppani__V1__Measure *measure);
int intake_measure_time_store (kp_call_t *call, const char *measure_id,
                               const Kumppani__V1__Measure *measure);

//  The rows the caseload's statements return (intake_caseload_sql.c;
//  kp_db holds each spec against its statement when it prepares it).
//  One-column rows (an id, a day, a worker) are read at KP_ROW_ONLY.
#define CASELOAD_EVENT_ROW(C) \
    C (EVENT_CASE_CLIENT_ID, "client_id", "text") \
    C (EVENT_CASE_MUNICIPALITY, "municipality", "text") \
    C (EVENT_CASE_CHANNEL, "channel", "text") \
    C (EVENT_CASE_STATE, "state", "text") \
    C (EVENT_CASE_CLOSURE_REASON, "closure_reason", "text") \
    C (EVENT_CASE_REVIEW_DATE, "next_review_date", "text")
enum { CASELOAD_EVENT_ROW (KP_ROW_INDEX) };
#define CASELOAD_WORKER_ROW(C) \
    C (WORKER_NAME, "worker", "text") \
    C (WORKER_REASON, "reason", "text") \
    C (WORKER_ASSIGNED_AT, "assigned_at", "text") \
    C (WORKER_ASSIGNED_BY_ORG, "assigned_by_org", "text") \
    C (WORKER_ASSIGNED_AT_US, "assigned_at_us", "int8")
enum { CASELOAD_WORKER_ROW (KP_ROW_INDEX) };
#define CASELOAD_CLOCK_ROW(C) \
    C (REPLY_CLOCK_PENDING_ON, "pending_on", "text") \
    C (REPLY_CLOCK_URGENT, "urgent", "bool") \
    C (REPLY_CLOCK_PRIORITY, "priority", "text") \
    C (REPLY_CLOCK_WORKING_DAYS, "working_days", "int4") \
    C (REPLY_CLOCK_DEADLINE, "deadline", "text") \
    C (REPLY_CLOCK_WARNING_ON, "warning_on", "text") \
    C (REPLY_CLOCK_LAST_CONTACT_ON, "last_contact_on", "text") \
    C (REPLY_CLOCK_CONTACT_DUE_ON, "contact_due_on", "text") \
    C (REPLY_CLOCK_STATE, "clock_state", "text")
enum { CASELOAD_CLOCK_ROW (KP_ROW_INDEX) };
#define CASELOAD_TIMES_ROW(C) \
    C (TIMES_MEASURE_ID, "measure_id", "text") \
    C (TIMES_START_DATE, "start_date", "text") \
    C (TIMES_PLANNED_END, "planned_end", "text") \
    C (TIMES_ENDED_ON, "ended_on", "text") \
    C (TIMES_STATUS, "status", "text") \
    C (TIMES_OUTCOME, "outcome", "text")
enum { CASELOAD_TIMES_ROW (KP_ROW_INDEX) };
#define CASELOAD_LIST_ROW(C) \
    C (LIST_CASE_ID, "case_id", "text") \
    C (LIST_CLIENT_ID, "client_id", "text") \
    C (LIST_MUNICIPALITY, "municipality", "text") \
    C (LIST_STATE, "state", "text") \
    C (LIST_CHANNEL, "channel", "text") \
    C (LIST_RESPONSIBLE_WORKER, "responsible_worker", "text") \
    C (LIST_OPENED_ON, "opened_on", "text") \
    C (LIST_CLOSED_ON, "closed_on", "text") \
    C (LIST_LAST_CONTACT_ON, "last_contact_on", "text") \
    C (LIST_REVIEW_ON, "review_on", "text") \
    C (LIST_CONTACT_DUE_ON, "contact_due_on", "text") \
    C (LIST_DEADLINE, "deadline", "text") \
    C (LIST_CLOCK_STATE, "clock_state", "text") \
    C (LIST_NEXT_DUE_KIND, "next_due_kind", "text") \
    C (LIST_NEXT_ON, "next_on", "text")
enum { CASELOAD_LIST_ROW (KP_ROW_INDEX) };
//  A case and the day it falls due (contact_due_candidates, clock_missing,
//  clock_due_breach / clock_due_warning).
#define CASELOAD_DUE_ROW(C) \
    C (DUE_CASE_ID, "case_id", "text") \
    C (DUE_ON, "due_on", "text")
enum { CASELOAD_DUE_ROW (KP_ROW_INDEX) };
#define CASELOAD_CLOCK_LOCK_ROW(C) \
    C (CLOCK_LOCK_OPENED_ON, "opened_on", "text") \
    C (CLOCK_LOCK_PENDING_ON, "pending_on", "text") \
    C (CLOCK_LOCK_URGENT, "urgent", "bool") \
    C (CLOCK_LOCK_PRIORITY, "priority", "text")
enum { CASELOAD_CLOCK_LOCK_ROW (KP_ROW_INDEX) };
#define CASELOAD_CLOCK_INPUTS_ROW(C) \
    C (INPUTS_BIRTH_DATE, "birth_date", "text") \
    C (INPUTS_BIRTH_YEAR, "birth_year", "int4") \
    C (INPUTS_ASSESSED, "assessed", "bool")
enum { CASELOAD_CLOCK_INPUTS_ROW (KP_ROW_INDEX) };
#define CASELOAD_CLOCK_REFERRAL_ROW(C) \
    C (CLOCK_REFERRAL_URGENT, "urgent", "bool") \
    C (CLOCK_REFERRAL_RECEIVED_ON, "received_on", "text")
enum { CASELOAD_CLOCK_REFERRAL_ROW (KP_ROW_INDEX) };
#define CASELOAD_MEASURE_LOCK_ROW(C) \
    C (MEASURE_LOCK_STATUS, "status", "text") \
    C (MEASURE_LOCK_START_DATE, "start_date", "text")
enum { CASELOAD_MEASURE_LOCK_ROW (KP_ROW_INDEX) };

extern const kp_stmt_t intake_caseload_statements [];

//  Handlers.
int intake_caseload_list (kp_call_t *call);
int intake_caseload_find (kp_call_t *call);
int intake_caseload_reassign (kp_call_t *call);
int intake_contact_record (kp_call_t *call);
int intake_measure_end (kp_call_t *call);

#endif
