/*  intake_esf_rules — the validity of an ESF+ result, in one place: a
    status always; with KNOWN the employment situation always (so "false"
    means "no", never "not asked"); without KNOWN no situation at all; the
    improved labour-market situation only six months after; the day it
    describes within the window of its timepoint and never in the future;
    the longer-term result not before six months have passed. */
#include "intake_esf_rules.h"
#include "kp_calendar.h"

#include <stddef.h>

const char *
intake_esf_timepoint_name (intake_esf_timepoint_t timepoint)
{
    return timepoint == INTAKE_ESF_EXIT ? "exit" : "six_months";
}

kp_date_t
intake_esf_add_months (kp_date_t date, int months)
{
    int year, month, day;
    kp_date_to_ymd (date, &year, &month, &day);
    int index = year * 12 + (month - 1) + months;
    year = index / 12;
    month = index % 12 + 1;
    while (day > 28 && !kp_date_valid (year, month, day))
        day--;
    return kp_date_from_ymd (year, month, day);
}

static int
s_refuse (intake_esf_refusal_t *refusal, const char *code, const char *field, const char *message,
          bool conflict)
{
    *refusal = (intake_esf_refusal_t) { code, field, message, conflict };
    return -1;
}

int
intake_esf_rules_check (const Kumppani__V1__EsfResult *result, intake_esf_timepoint_t timepoint,
                        kp_date_t closed_on, kp_date_t today, kp_date_t *observed,
                        intake_esf_refusal_t *refusal)
{
    bool longer = timepoint == INTAKE_ESF_SIX_MONTHS;
    if (!result)
        return s_refuse (refusal, "intake.esf_result", "result", "the result is missing", false);
    if (result->status != KUMPPANI__V1__ESF_RESULT_STATUS__ESF_RESULT_STATUS_KNOWN
    &&  result->status != KUMPPANI__V1__ESF_RESULT_STATUS__ESF_RESULT_STATUS_NOT_REACHED
    &&  result->status != KUMPPANI__V1__ESF_RESULT_STATUS__ESF_RESULT_STATUS_DECLINED)
        return s_refuse (refusal, "intake.esf_status", "result.status", "KNOWN, NOT_REACHED or DECLINED", false);
    bool known = result->status == KUMPPANI__V1__ESF_RESULT_STATUS__ESF_RESULT_STATUS_KNOWN;
    if (known
    &&  result->employment != KUMPPANI__V1__ESF_EMPLOYMENT__ESF_EMPLOYMENT_NONE
    &&  result->employment != KUMPPANI__V1__ESF_EMPLOYMENT__ESF_EMPLOYMENT_EMPLOYED
    &&  result->employment != KUMPPANI__V1__ESF_EMPLOYMENT__ESF_EMPLOYMENT_SELF_EMPLOYED)
        return s_refuse (refusal, "intake.esf_employment", "result.employment",
                         "a known result says whether the person is employed: NONE, EMPLOYED or SELF_EMPLOYED",
                         false);
    if (!known) {
        //  Nothing was found out: a situation beside it would be a guess.
        const struct { bool set; const char *field; } situation [] = {
            { result->employment != KUMPPANI__V1__ESF_EMPLOYMENT__ESF_EMPLOYMENT_UNSPECIFIED, "result.employment" },
            { result->in_education_or_training, "result.in_education_or_training" },
            { result->gained_qualification, "result.gained_qualification" },
            { result->job_searching, "result.job_searching" },
            { result->improved_situation, "result.improved_situation" }
        };
        for (size_t index = 0; index < sizeof situation / sizeof situation [0]; index++)
            if (situation [index].set)
                return s_refuse (refusal, "intake.esf_not_known", situation [index].field,
                                 "only a KNOWN result carries the person's situation", false);
    }
    if (!longer && result->improved_situation)
        return s_refuse (refusal, "intake.esf_exit_field", "result.improved_situation",
                         "an improved labour-market situation is a longer-term result (six months after)",
                         false);
    kp_date_t due = longer ? intake_esf_add_months (closed_on, INTAKE_ESF_LONGER_MONTHS) : closed_on;
    if (longer && today < due)
        return s_refuse (refusal, "intake.esf_too_early", NULL,
                         "the longer-term result is the situation six months after leaving: not before then",
                         true);
    kp_date_t day = today;
    if (result->observed_on && *result->observed_on && kp_date_parse (result->observed_on, &day))
        return s_refuse (refusal, "intake.esf_observed_on", "result.observed_on", "a date as YYYY-MM-DD", false);
    if (day > today)
        return s_refuse (refusal, "intake.esf_observed_on", "result.observed_on", "not in the future", false);
    kp_date_t last = longer ? intake_esf_add_months (closed_on, INTAKE_ESF_LONGER_MONTHS + INTAKE_ESF_LONGER_WINDOW)
                            : closed_on + INTAKE_ESF_EXIT_DAYS;
    if (day < due || day > last)
        return s_refuse (refusal, "intake.esf_observed_on", "result.observed_on",
                         longer ? "six to nine months after the case closed (give the day the situation was found out)"
                                : "the day the case closed or within four weeks after (give the day if not today)",
                         false);
    *observed = day;
    return 0;
}
