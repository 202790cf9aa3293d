/*  intake_esf — ESF+ results recorded through intake: the situation of a
    participant when they left (RecordExitResult) and six months after
    (RecordLongerTermResult), each on the closed case whose closing was
    the exit. The validity rules are intake_esf_rules; the statements
    intake_esf_sql. */
#ifndef INTAKE_ESF_H
#define INTAKE_ESF_H

#include "kp_db.h"
#include "kp_server.h"

extern const kp_stmt_t intake_esf_statements [];

//  esf_result_get: one stored result.
#define INTAKE_ESF_RESULT_ROW(C) \
    C (ESF_STATUS, "status", "text") \
    C (ESF_OBSERVED_ON, "observed_on", "text") \
    C (ESF_IN_EDUCATION, "in_education_or_training", "bool") \
    C (ESF_QUALIFICATION, "gained_qualification", "bool") \
    C (ESF_EMPLOYMENT, "employment", "text") \
    C (ESF_JOB_SEARCHING, "job_searching", "bool") \
    C (ESF_IMPROVED, "improved_situation", "bool")
enum { INTAKE_ESF_RESULT_ROW (KP_ROW_INDEX) };

int intake_esf_record_exit (kp_call_t *call);
int intake_esf_record_longer_term (kp_call_t *call);

#endif
