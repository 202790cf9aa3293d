/*  intake_measure_time — measures with time: a start date and planned end
    when added, the day it ended, how (ended or interrupted) and with what
    outcome. A measure that ends without the end measurement of the
    instrument it was measured with at its start is what ListCases'
    measurement_missing finds (the seeds measure AVAIN at the start and the
    end of every measure). */
#include "intake_access.h"
#include "intake_case_row.h"
#include "intake_caseload.h"
#include "kp_calendar.h"
#include "kp_check.h"
#include "kp_db.h"
#include "kp_enum.h"
#include "kp_ids.h"
#include "kp_row.h"
#include "kp_server.h"

#include <stdio.h>
#include <string.h>

//  The dates of a measure to add: its start (default today) and planned end.
static int
s_dates (kp_call_t *call, const Kumppani__V1__Measure *measure, kp_date_t *start, bool *planned_given,
         kp_date_t *planned)
{
    bool start_given;
    if (intake_caseload_date (call, measure->start_date, "add_measure.measure.start_date", start, &start_given)
    ||  intake_caseload_date (call, measure->planned_end, "add_measure.measure.planned_end", planned,
                              planned_given))
        return -1;
    if (!start_given)
        *start = intake_today ();
    if (*planned_given && *planned < *start)
        return kp_check_invalid (call, "intake.planned_end", "add_measure.measure.planned_end",
                               "the planned end cannot come before the start");
    return 0;
}

int
intake_measure_time_check (kp_call_t *call, const Kumppani__V1__Measure *measure)
{
    kp_date_t start, planned;
    bool planned_given;
    return measure ? s_dates (call, measure, &start, &planned_given, &planned) : 0;
}

int
intake_measure_time_store (kp_call_t *call, const char *measure_id, const Kumppani__V1__Measure *measure)
{
    kp_date_t start, planned;
    bool planned_given;
    if (s_dates (call, measure, &start, &planned_given, &planned))
        return -1;
    char start_text [11], planned_text [11], today [11];
    kp_date_format (start, start_text);
    kp_date_format (planned, planned_text);
    kp_date_format (intake_today (), today);
    const char *values [] = { measure_id, start_text, planned_given ? planned_text : NULL, today };
    PGresult *result = kp_db_exec (call->db, "measure_time_set", 4, values);
    if (!result)
        return kp_call_db_fail (call);
    PQclear (result);
    return 0;
}

int
intake_measure_end (kp_call_t *call)
{
    const Kumppani__V1__EndMeasure *body = call->request->end_measure;
    intake_case_row_t row;
    if (intake_case_lock (call, body->case_id, "end_measure.case_id", INTAKE_WRITE, "measure end", &row))
        return -1;
    const char *lookup [] = { body->measure_id, row.case_id };
    PGresult *measure = kp_id_valid (body->measure_id) ? kp_db_exec (call->db, "measure_lock", 2, lookup) : NULL;
    if (kp_id_valid (body->measure_id) && !measure)
        return kp_call_db_fail (call);
    bool found = measure && PQntuples (measure) > 0;
    char status [KP_ENUM_CODE_MAX] = "", started [11] = "";
    if (found) {
        snprintf (status, sizeof status, "%s", kp_row_text (measure, 0, MEASURE_LOCK_STATUS));
        snprintf (started, sizeof started, "%s", kp_row_text (measure, 0, MEASURE_LOCK_START_DATE));
    }
    PQclear (measure);
    if (!found)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_NOT_FOUND, "intake.unknown_measure",
                             "end_measure.measure_id", "no such measure in this case");
    if (body->status != KUMPPANI__V1__MEASURE_STATUS__MEASURE_STATUS_ENDED
    &&  body->status != KUMPPANI__V1__MEASURE_STATUS__MEASURE_STATUS_INTERRUPTED)
        return kp_check_invalid (call, "intake.measure_status", "end_measure.status", "ENDED or INTERRUPTED");
    char new_status [KP_ENUM_CODE_MAX], outcome [KP_ENUM_CODE_MAX];
    kp_enum_code (&kumppani__v1__measure_status__descriptor, (int) body->status, new_status, sizeof new_status);
    if (body->outcome
    &&  !kp_enum_code (&kumppani__v1__measure_outcome__descriptor, (int) body->outcome, outcome, sizeof outcome))
        return kp_check_invalid (call, "intake.measure_outcome", "end_measure.outcome", "a MeasureOutcome");
    kp_date_t ended, start;
    bool given;
    if (intake_caseload_date (call, body->ended_at, "end_measure.ended_at", &ended, &given))
        return -1;
    if (!given)
        ended = intake_today ();
    if (ended > intake_today ())
        return kp_check_invalid (call, "intake.ended_at", "end_measure.ended_at", "not in the future");
    if (*started && kp_date_parse (started, &start) == 0 && ended < start)
        return kp_check_invalid (call, "intake.ended_at", "end_measure.ended_at", "not before the measure started");
    if (strcmp (status, "ended") == 0 || strcmp (status, "interrupted") == 0)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "intake.measure_ended", NULL,
                             "the measure has ended already");
    char ended_text [11];
    kp_date_format (ended, ended_text);
    const char *values [] = { body->measure_id, ended_text, new_status, body->outcome ? outcome : NULL };
    PGresult *result = kp_db_exec (call->db, "measure_end", 4, values);
    if (!result)
        return kp_call_db_fail (call);
    PQclear (result);
    Kumppani__V1__IntakeEvent payload = KUMPPANI__V1__INTAKE_EVENT__INIT;
    if (intake_caseload_emit (call->db, row.case_id, "intake.measure_ended", &payload))
        return kp_call_db_fail (call);
    return intake_case_reply (call, row.case_id, body->measure_id);
}
