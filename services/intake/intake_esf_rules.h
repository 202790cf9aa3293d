/*  intake_esf_rules — what makes an ESF+ result valid (RecordExitResult,
    RecordLongerTermResult), as pure C on the body, the day the case
    closed and today, so the rules can be read and unit-tested whole. */
#ifndef INTAKE_ESF_RULES_H
#define INTAKE_ESF_RULES_H

#include "kp_calendar.h"
#include "kumppani/v1/envelope.pb-c.h"

#include <stdbool.h>

typedef enum { INTAKE_ESF_EXIT, INTAKE_ESF_SIX_MONTHS } intake_esf_timepoint_t;

//  "Upon leaving" is up to four weeks after it (the ESF+ guidance); the
//  longer-term result is the situation six months after leaving, found
//  out within the three months after that.
#define INTAKE_ESF_EXIT_DAYS        28
#define INTAKE_ESF_LONGER_MONTHS    6
#define INTAKE_ESF_LONGER_WINDOW    3

//  Why a result is refused: code, field (relative to the body, e.g.
//  "result.status"), message, and whether it is CONFLICT (the time is not
//  right yet) rather than INVALID.
typedef struct {
    const char *code;
    const char *field;
    const char *message;
    bool conflict;
} intake_esf_refusal_t;

//  "exit" or "six_months".
const char *intake_esf_timepoint_name (intake_esf_timepoint_t timepoint);
//  date plus months, the day clamped to the month's end (31.8. + 6 → 28.2.).
kp_date_t intake_esf_add_months (kp_date_t date, int months);
//  Checks result for timepoint on a case closed on closed_on. 0 with
//  *observed the day the result describes (default today), or -1 with
//  refusal filled.
int intake_esf_rules_check (const Kumppani__V1__EsfResult *result, intake_esf_timepoint_t timepoint,
                            kp_date_t closed_on, kp_date_t today, kp_date_t *observed,
                            intake_esf_refusal_t *refusal);

#endif
