/*  referral_deadline: the clock each kind starts, counted in Finnish
    working days across Christmas and New Year, Easter and Midsummer. The
    module is compiled in here: unit tests link only libkp. */
#include "../../services/referral/referral_deadline.c"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

TestSuite (referral_deadline);

typedef struct {
    int kind;
    bool urgent;
    bool to_municipality;
    char received [11];
    char clock [24];            //  "" when no clock runs
    char deadline [11];
    char warning_on [11];
} deadline_case_t;

ParameterizedTestParameters (referral_deadline, across_holidays)
{
    static deadline_case_t cases [] = {
        //  Christmas Eve, Christmas, Boxing Day 2025 and Epiphany 2026 are skipped.
        { 1, false, true,  "2025-12-22", "assessment_start",    "2026-01-07", "2026-01-05" },
        //  received on a Saturday: counting starts on Monday
        { 4, false, true,  "2025-12-27", "assessment_start",    "2026-01-08", "2026-01-07" },
        //  New Year's Day (Thursday) and Epiphany (Tuesday)
        { 3, false, true,  "2025-12-31", "decision",            "2026-01-13", "2026-01-12" },
        //  Good Friday and Easter Monday 2026
        { 1, false, true,  "2026-04-01", "assessment_start",    "2026-04-14", "2026-04-13" },
        //  urgent: the next working day, over Easter
        { 3, true,  true,  "2026-04-02", "decision",            "2026-04-07", "2026-04-02" },
        //  Midsummer Eve (Friday) 2026
        { 2, false, true,  "2026-06-18", "personal_discussion", "2026-06-30", "2026-06-29" },
        //  §35 notice, an ordinary week
        { 6, false, true,  "2026-03-02", "assessment_start",    "2026-03-11", "2026-03-10" },
        //  a partner referral to an NGO runs no statutory clock
        { 5, false, false, "2026-03-02", "",                    "",           "" },
    };
    return cr_make_param_array (deadline_case_t, cases, sizeof cases / sizeof cases [0]);
}

ParameterizedTest (deadline_case_t *param, referral_deadline, across_holidays)
{
    kp_date_t received;
    cr_assert_eq (kp_date_parse (param->received, &received), 0);
    referral_deadline_t clock = referral_deadline_for ((Kumppani__V1__ReferralKind) param->kind,
                                                       param->urgent, param->to_municipality, received);
    if (!*param->clock) {
        cr_assert_null (clock.kind);
        return;
    }
    cr_assert_not_null (clock.kind);
    cr_assert_str_eq (clock.kind, param->clock);
    char deadline [11], warning [11];
    kp_date_format (clock.deadline, deadline);
    kp_date_format (clock.warning_on, warning);
    cr_assert_str_eq (deadline, param->deadline, "received %s: deadline %s, expected %s",
                      param->received, deadline, param->deadline);
    cr_assert_str_eq (warning, param->warning_on, "received %s: warning on %s, expected %s",
                      param->received, warning, param->warning_on);
    cr_assert (kp_calendar_is_working_day (clock.deadline));
    cr_assert (kp_calendar_is_working_day (clock.warning_on));
}

Test (referral_deadline, previous_working_day_skips_weekends_and_holidays)
{
    kp_date_t monday, expected;
    kp_date_parse ("2026-04-07", &monday);      //  Tuesday after Easter Monday
    kp_date_parse ("2026-04-02", &expected);    //  Maundy Thursday
    cr_assert_eq (referral_deadline_previous_working_day (monday), expected);
}

//  A held referral: the working days on hold, over Christmas, and the
//  deadline moved by them.
static kp_date_t
s_day (const char *text)
{
    kp_date_t date;
    cr_assert_eq (kp_date_parse (text, &date), 0);
    return date;
}

Test (referral_deadline, held_working_days_skip_holidays)
{
    //  Held Mon 21 Dec, resumed Mon 28 Dec 2026: 21-23 count, 24-27 are
    //  Christmas Eve, Christmas, Boxing Day and a Sunday.
    cr_assert_eq (referral_deadline_held_days (s_day ("2026-12-21"), s_day ("2026-12-28")), 3);
    //  the day of the hold counts, the day of the resume does not
    cr_assert_eq (referral_deadline_held_days (s_day ("2026-12-21"), s_day ("2026-12-22")), 1);
    cr_assert_eq (referral_deadline_held_days (s_day ("2026-12-21"), s_day ("2026-12-21")), 0);
    //  held over a weekend only
    cr_assert_eq (referral_deadline_held_days (s_day ("2026-12-19"), s_day ("2026-12-21")), 0);
    //  a resume before the hold (a clock set back) counts nothing
    cr_assert_eq (referral_deadline_held_days (s_day ("2026-12-28"), s_day ("2026-12-21")), 0);
}

Test (referral_deadline, deadline_moves_by_the_held_working_days)
{
    char text [11];
    //  Due Wed 23 Dec, 3 days held: Mon 28, Tue 29, Wed 30 → Wed 30 Dec.
    kp_date_format (referral_deadline_moved (s_day ("2026-12-23"), 3), text);
    cr_assert_str_eq (text, "2026-12-30");
    //  Due Wed 30 Dec, 2 days held: Thu 31, (1 Jan holiday, weekend) Mon 4 Jan.
    kp_date_format (referral_deadline_moved (s_day ("2026-12-30"), 2), text);
    cr_assert_str_eq (text, "2027-01-04");
    cr_assert_eq (referral_deadline_moved (s_day ("2026-12-30"), 0), s_day ("2026-12-30"));
}
