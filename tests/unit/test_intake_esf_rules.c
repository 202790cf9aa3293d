/*  intake_esf_rules: what makes an ESF+ result valid, on known cases —
    each field's refusal with its code and field, the windows of "upon
    leaving" and "six months after" at their edges, month ends, and the
    longer-term result refused before six months have passed. The module
    is pure C, compiled in (unit tests link only libkp). */
#include "../../services/intake/intake_esf_rules.c"

#include <criterion/criterion.h>
#include <string.h>

TestSuite (intake_esf_rules);

#define STATUS(name) KUMPPANI__V1__ESF_RESULT_STATUS__ESF_RESULT_STATUS_ ## name
#define EMPLOYMENT(name) KUMPPANI__V1__ESF_EMPLOYMENT__ESF_EMPLOYMENT_ ## name

static kp_date_t
s_day (const char *text)
{
    kp_date_t day;
    cr_assert_eq (kp_date_parse (text, &day), 0, "%s", text);
    return day;
}

static Kumppani__V1__EsfResult
s_known (void)
{
    Kumppani__V1__EsfResult result = KUMPPANI__V1__ESF_RESULT__INIT;
    result.status = STATUS (KNOWN);
    result.employment = EMPLOYMENT (NONE);
    return result;
}

//  Refused with code and field (NULL: none) and conflict as given.
static void
s_refused (const Kumppani__V1__EsfResult *result, intake_esf_timepoint_t timepoint, const char *closed,
           const char *today, const char *code, const char *field, bool conflict)
{
    kp_date_t observed = -1;
    intake_esf_refusal_t refusal = { 0 };
    cr_assert_eq (intake_esf_rules_check (result, timepoint, s_day (closed), s_day (today), &observed, &refusal), -1,
                  "accepted, expected %s", code);
    cr_assert_str_eq (refusal.code, code);
    if (field)
        cr_assert_str_eq (refusal.field, field);
    else
        cr_assert_null (refusal.field);
    cr_assert_eq (refusal.conflict, conflict, "%s", code);
    cr_assert_eq (observed, -1, "a refusal set the day");
}

static void
s_accepted (const Kumppani__V1__EsfResult *result, intake_esf_timepoint_t timepoint, const char *closed,
            const char *today, const char *observed_day)
{
    kp_date_t observed;
    intake_esf_refusal_t refusal = { 0 };
    cr_assert_eq (intake_esf_rules_check (result, timepoint, s_day (closed), s_day (today), &observed, &refusal), 0,
                  "refused: %s (%s)", refusal.code, refusal.field ? refusal.field : "");
    cr_assert_eq (observed, s_day (observed_day));
}

Test (intake_esf_rules, each_field_refused_with_its_code)
{
    s_refused (NULL, INTAKE_ESF_EXIT, "2026-03-02", "2026-03-02", "intake.esf_result", "result", false);
    Kumppani__V1__EsfResult result = s_known ();
    result.status = STATUS (UNSPECIFIED);
    s_refused (&result, INTAKE_ESF_EXIT, "2026-03-02", "2026-03-02", "intake.esf_status", "result.status", false);
    result.status = 17;             //  a value from a newer client
    s_refused (&result, INTAKE_ESF_EXIT, "2026-03-02", "2026-03-02", "intake.esf_status", "result.status", false);
    result = s_known ();
    result.employment = EMPLOYMENT (UNSPECIFIED);
    s_refused (&result, INTAKE_ESF_EXIT, "2026-03-02", "2026-03-02", "intake.esf_employment", "result.employment",
               false);
    result.employment = 9;
    s_refused (&result, INTAKE_ESF_EXIT, "2026-03-02", "2026-03-02", "intake.esf_employment", "result.employment",
               false);
    result = s_known ();
    result.improved_situation = true;
    s_refused (&result, INTAKE_ESF_EXIT, "2026-03-02", "2026-03-02", "intake.esf_exit_field",
               "result.improved_situation", false);
    result = s_known ();
    result.observed_on = "2026-02-30";
    s_refused (&result, INTAKE_ESF_EXIT, "2026-03-02", "2026-03-02", "intake.esf_observed_on", "result.observed_on",
               false);
}

//  Not reached or declined: nothing found out, so no situation beside it.
Test (intake_esf_rules, no_situation_without_a_known_result)
{
    static const char *fields [] = {
        "result.employment", "result.in_education_or_training", "result.gained_qualification",
        "result.job_searching", "result.improved_situation"
    };
    for (int status = STATUS (NOT_REACHED); status <= STATUS (DECLINED); status++)
        for (int field = 0; field < 5; field++) {
            Kumppani__V1__EsfResult result = KUMPPANI__V1__ESF_RESULT__INIT;
            result.status = status;
            result.employment = field == 0 ? EMPLOYMENT (EMPLOYED) : EMPLOYMENT (UNSPECIFIED);
            result.in_education_or_training = field == 1;
            result.gained_qualification = field == 2;
            result.job_searching = field == 3;
            result.improved_situation = field == 4;
            s_refused (&result, INTAKE_ESF_SIX_MONTHS, "2025-09-01", "2026-03-02", "intake.esf_not_known",
                       fields [field], false);
        }
    Kumppani__V1__EsfResult result = KUMPPANI__V1__ESF_RESULT__INIT;
    result.status = STATUS (DECLINED);
    s_accepted (&result, INTAKE_ESF_EXIT, "2026-03-02", "2026-03-02", "2026-03-02");
}

//  Upon leaving: the closing day up to four weeks after, never the future.
Test (intake_esf_rules, exit_window_at_its_edges)
{
    Kumppani__V1__EsfResult result = s_known ();
    s_accepted (&result, INTAKE_ESF_EXIT, "2026-03-02", "2026-03-02", "2026-03-02");     //  default today
    s_accepted (&result, INTAKE_ESF_EXIT, "2026-03-02", "2026-03-30", "2026-03-30");     //  day 28
    s_refused (&result, INTAKE_ESF_EXIT, "2026-03-02", "2026-03-31", "intake.esf_observed_on",
               "result.observed_on", false);                                             //  day 29, today
    result.observed_on = "2026-03-02";
    s_accepted (&result, INTAKE_ESF_EXIT, "2026-03-02", "2026-06-01", "2026-03-02");     //  recorded late, dated
    result.observed_on = "2026-03-01";
    s_refused (&result, INTAKE_ESF_EXIT, "2026-03-02", "2026-03-10", "intake.esf_observed_on",
               "result.observed_on", false);                                             //  before leaving
    result.observed_on = "2026-03-05";
    s_refused (&result, INTAKE_ESF_EXIT, "2026-03-02", "2026-03-04", "intake.esf_observed_on",
               "result.observed_on", false);                                             //  the future
}

//  Six months after: not before (CONFLICT: wait), then up to nine months.
Test (intake_esf_rules, longer_term_window_and_order)
{
    Kumppani__V1__EsfResult result = s_known ();
    result.improved_situation = true;
    s_refused (&result, INTAKE_ESF_SIX_MONTHS, "2025-09-15", "2026-03-14", "intake.esf_too_early", NULL, true);
    s_accepted (&result, INTAKE_ESF_SIX_MONTHS, "2025-09-15", "2026-03-15", "2026-03-15");
    s_accepted (&result, INTAKE_ESF_SIX_MONTHS, "2025-09-15", "2026-06-15", "2026-06-15");
    s_refused (&result, INTAKE_ESF_SIX_MONTHS, "2025-09-15", "2026-06-16", "intake.esf_observed_on",
               "result.observed_on", false);
    result.observed_on = "2026-03-14";
    s_refused (&result, INTAKE_ESF_SIX_MONTHS, "2025-09-15", "2026-04-01", "intake.esf_observed_on",
               "result.observed_on", false);
    //  Month ends: 31 August + 6 months is 28 February (29 in a leap year).
    cr_assert_eq (intake_esf_add_months (s_day ("2025-08-31"), 6), s_day ("2026-02-28"));
    cr_assert_eq (intake_esf_add_months (s_day ("2023-08-31"), 6), s_day ("2024-02-29"));
    cr_assert_eq (intake_esf_add_months (s_day ("2025-12-15"), 6), s_day ("2026-06-15"));
    result.observed_on = "";
    s_refused (&result, INTAKE_ESF_SIX_MONTHS, "2025-08-31", "2026-02-27", "intake.esf_too_early", NULL, true);
    s_accepted (&result, INTAKE_ESF_SIX_MONTHS, "2025-08-31", "2026-02-28", "2026-02-28");
    cr_assert_str_eq (intake_esf_timepoint_name (INTAKE_ESF_EXIT), "exit");
    cr_assert_str_eq (intake_esf_timepoint_name (INTAKE_ESF_SIX_MONTHS), "six_months");
}
