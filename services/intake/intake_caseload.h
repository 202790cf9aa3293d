/*  intake_caseload — the worker's caseload (issue 18): lists and finds of
    cases, hand-overs between responsible workers, contacts with the
    client, the service-need assessment clock every case carries, and the
    time of measures. The existing case, client and measure code reaches
    these through the few hooks below; the handlers are in the route
    table. */
#ifndef INTAKE_CASELOAD_H
#define INTAKE_CASELOAD_H

#include "intake_server.h"
#include "kp_calendar.h"

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

extern const kp_stmt_t intake_caseload_statements [];

//  Handlers.
int intake_caseload_list (kp_call_t *call);
int intake_caseload_find (kp_call_t *call);
int intake_caseload_reassign (kp_call_t *call);
int intake_contact_record (kp_call_t *call);
int intake_measure_end (kp_call_t *call);

#endif
