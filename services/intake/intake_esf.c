/*  intake_esf — RecordExitResult and RecordLongerTermResult: a
    participant's ESF+ result on the closed case whose closing was their
    exit. Authorised and audited as every intake write (intake_case_lock:
    the social workers and instructors of the client's organiser; anyone
    else hears of no such case). A result is written once per case and
    timepoint: the same again is a success that changes nothing, a
    different one is CONFLICT, never applied silently. The event names
    the case only: a person's situation does not travel on the stream. */
#include "intake_access.h"
#include "intake_case_row.h"
#include "intake_caseload.h"
#include "intake_esf.h"
#include "intake_esf_rules.h"
#include "kp_calendar.h"
#include "kp_check.h"
#include "kp_db.h"
#include "kp_enum.h"
#include "kp_row.h"
#include "kp_server.h"

#include <stdio.h>
#include <string.h>

static int
s_stored (kp_call_t *call, const char *case_id, const char *timepoint, PGresult **stored)
{
    const char *values [] = { case_id, timepoint };
    *stored = kp_db_exec (call->db, "esf_result_get", 2, values);
    return *stored ? 0 : kp_call_db_fail (call);
}

//  Is the stored result the one asked for, field by field (the day too)?
static bool
s_same (const PGresult *stored, const Kumppani__V1__EsfResult *result, const char *status,
        const char *employment, const char *observed)
{
    return strcmp (kp_row_text (stored, 0, ESF_STATUS), status) == 0
        && strcmp (kp_row_text (stored, 0, ESF_EMPLOYMENT), employment) == 0
        && strcmp (kp_row_text (stored, 0, ESF_OBSERVED_ON), observed) == 0
        && kp_row_bool (stored, 0, ESF_IN_EDUCATION) == result->in_education_or_training
        && kp_row_bool (stored, 0, ESF_QUALIFICATION) == result->gained_qualification
        && kp_row_bool (stored, 0, ESF_JOB_SEARCHING) == result->job_searching
        && kp_row_bool (stored, 0, ESF_IMPROVED) == result->improved_situation;
}

static int
s_reply (kp_call_t *call, const char *case_id, const char *timepoint, const PGresult *stored, bool unchanged)
{
    Kumppani__V1__EsfResult *result = kp_call_alloc (call, sizeof *result);
    Kumppani__V1__EsfResultReply *reply = kp_call_alloc (call, sizeof *reply);
    kumppani__v1__esf_result__init (result);
    kumppani__v1__esf_result_reply__init (reply);
    result->status = kp_enum_value (&kumppani__v1__esf_result_status__descriptor,
                                    kp_row_text (stored, 0, ESF_STATUS));
    result->observed_on = kp_call_strdup (call, kp_row_text (stored, 0, ESF_OBSERVED_ON));
    result->in_education_or_training = kp_row_bool (stored, 0, ESF_IN_EDUCATION);
    result->gained_qualification = kp_row_bool (stored, 0, ESF_QUALIFICATION);
    result->employment = *kp_row_text (stored, 0, ESF_EMPLOYMENT)
                       ? kp_enum_value (&kumppani__v1__esf_employment__descriptor, kp_row_text (stored, 0, ESF_EMPLOYMENT))
                       : KUMPPANI__V1__ESF_EMPLOYMENT__ESF_EMPLOYMENT_UNSPECIFIED;
    result->job_searching = kp_row_bool (stored, 0, ESF_JOB_SEARCHING);
    result->improved_situation = kp_row_bool (stored, 0, ESF_IMPROVED);
    reply->case_id = kp_call_strdup (call, case_id);
    reply->timepoint = kp_call_strdup (call, timepoint);
    reply->result = result;
    reply->unchanged = unchanged;
    call->reply->body_case = KUMPPANI__V1__REPLY__BODY_ESF_RESULT;
    call->reply->esf_result = reply;
    return 0;
}

static int
s_record (kp_call_t *call, const char *body_name, const char *case_id,
          const Kumppani__V1__EsfResult *result, intake_esf_timepoint_t timepoint)
{
    const char *name = intake_esf_timepoint_name (timepoint);
    char field [96], detail [48];
    snprintf (field, sizeof field, "%s.case_id", body_name);
    snprintf (detail, sizeof detail, "esf result %s", name);
    intake_case_row_t row;
    if (intake_case_lock (call, case_id, kp_call_strdup (call, field), INTAKE_WRITE, detail, &row))
        return -1;
    //  A result describes a person who has left: the case must be closed.
    if (strcmp (row.state, "closed") != 0)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "intake.case_not_closed", NULL,
                             "a result is recorded on the case whose closing was the exit: close it first");
    const char *id [] = { row.case_id };
    PGresult *closed = kp_db_exec (call->db, "esf_case_closed_on", 1, id);
    if (!closed)
        return kp_call_db_fail (call);
    kp_date_t closed_on = 0;
    int unreadable = PQntuples (closed) != 1 || kp_date_parse (kp_row_text (closed, 0, KP_ROW_ONLY), &closed_on);
    PQclear (closed);
    if (unreadable)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INTERNAL, "intake.bad_record", NULL,
                             "the case's closing day cannot be read");
    kp_date_t observed;
    intake_esf_refusal_t refusal;
    //  error codes: intake.esf_result intake.esf_status intake.esf_employment intake.esf_not_known
    //  error codes: intake.esf_exit_field intake.esf_observed_on intake.esf_too_early
    if (intake_esf_rules_check (result, timepoint, closed_on, intake_today (), &observed, &refusal)) {
        if (refusal.conflict)
            return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, refusal.code, NULL, refusal.message);
        snprintf (field, sizeof field, "%s.%s", body_name, refusal.field);
        return kp_check_invalid (call, refusal.code, kp_call_strdup (call, field), refusal.message);
    }
    PGresult *stored;
    if (timepoint == INTAKE_ESF_SIX_MONTHS) {
        //  In order: the exit result first (NOT_REACHED when nothing was
        //  found out then), so every longer-term result has its exit.
        if (s_stored (call, row.case_id, "exit", &stored))
            return -1;
        bool has_exit = PQntuples (stored) == 1;
        PQclear (stored);
        if (!has_exit)
            return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "intake.esf_exit_missing", NULL,
                                 "record the exit result first (NOT_REACHED if nothing was found out)");
    }
    char status [KP_ENUM_CODE_MAX], employment [KP_ENUM_CODE_MAX] = "", day [11];
    kp_enum_code (&kumppani__v1__esf_result_status__descriptor, (int) result->status, status, sizeof status);
    if (result->employment)
        kp_enum_code (&kumppani__v1__esf_employment__descriptor, (int) result->employment, employment,
                      sizeof employment);
    kp_date_format (observed, day);
    const char *values [] = {
        row.case_id, name, status, day, result->in_education_or_training ? "true" : "false",
        result->gained_qualification ? "true" : "false", *employment ? employment : NULL,
        result->job_searching ? "true" : "false", result->improved_situation ? "true" : "false",
        call->identity->org_id, call->request->actor ? call->request->actor->person_id : ""
    };
    PGresult *inserted = kp_db_exec (call->db, "esf_result_insert", 11, values);
    if (!inserted)
        return kp_call_db_fail (call);
    bool first = PQntuples (inserted) == 1;
    PQclear (inserted);
    if (s_stored (call, row.case_id, name, &stored))
        return -1;
    int rc = -1;
    if (PQntuples (stored) != 1)
        rc = kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INTERNAL, "intake.bad_record", NULL,
                           "the result cannot be read back");
    else
    if (!first && !s_same (stored, result, status, employment, day))
        rc = kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "intake.esf_result_recorded", NULL,
                           "another result is recorded for this case and timepoint; results are not corrected");
    else {
        Kumppani__V1__IntakeEvent payload = KUMPPANI__V1__INTAKE_EVENT__INIT;
        if (first && intake_caseload_emit (call->db, row.case_id,
                                           timepoint == INTAKE_ESF_EXIT ? "intake.exit_result_recorded"
                                                                        : "intake.longer_term_result_recorded",
                                           &payload))
            rc = kp_call_db_fail (call);
        else
            rc = s_reply (call, row.case_id, name, stored, !first);
    }
    PQclear (stored);
    return rc;
}

int
intake_esf_record_exit (kp_call_t *call)
{
    const Kumppani__V1__RecordExitResult *body = call->request->record_exit_result;
    return s_record (call, "record_exit_result", body->case_id, body->result, INTAKE_ESF_EXIT);
}

int
intake_esf_record_longer_term (kp_call_t *call)
{
    const Kumppani__V1__RecordLongerTermResult *body = call->request->record_longer_term_result;
    return s_record (call, "record_longer_term_result", body->case_id, body->result, INTAKE_ESF_SIX_MONTHS);
}
