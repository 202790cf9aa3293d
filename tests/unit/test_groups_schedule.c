/*  groups_schedule: recurrences expanded in Finnish civil dates, skipping
    Easter, Midsummer, Christmas and the New Year unless told not to, and
    time windows. The module is compiled in here: unit tests link only libkp. */
#include "../../services/groups/groups_schedule.c"

#include <criterion/criterion.h>
#include <string.h>

TestSuite (groups_schedule);

static kp_date_t
s_date (const char *text)
{
    kp_date_t date;
    cr_assert_eq (kp_date_parse (text, &date), 0, "bad date %s in the test", text);
    return date;
}

//  Expands and compares with the expected dates and skipped holidays,
//  given as space-separated lists.
static void
s_expect (const groups_recurrence_t *rule, const char *dates, const char *skipped)
{
    kp_date_t got [GROUPS_SCHEDULE_MAX], got_skipped [GROUPS_SCHEDULE_MAX];
    int skipped_count;
    int count = groups_schedule_expand (rule, got, GROUPS_SCHEDULE_MAX, got_skipped, GROUPS_SCHEDULE_MAX,
                                        &skipped_count);
    char text [2048] = "", skipped_text [2048] = "";
    for (int index = 0; index < count; index++) {
        char date [11];
        kp_date_format (got [index], date);
        strcat (text, index ? " " : "");
        strcat (text, date);
    }
    for (int index = 0; index < skipped_count; index++) {
        char date [11];
        kp_date_format (got_skipped [index], date);
        strcat (skipped_text, index ? " " : "");
        strcat (skipped_text, date);
    }
    cr_assert_str_eq (text, dates);
    cr_assert_str_eq (skipped_text, skipped);
}

Test (groups_schedule, weekly_skips_easter_monday)
{
    //  Mondays from the week DST starts (29 March 2026); Easter Monday is 6 April.
    groups_recurrence_t rule = { .first = s_date ("2026-03-30"), .every_weeks = 1, .count = 3 };
    s_expect (&rule, "2026-03-30 2026-04-13 2026-04-20", "2026-04-06");
}

Test (groups_schedule, good_friday_and_midsummer_eve_skipped_until_a_date)
{
    groups_recurrence_t rule = {
        .first = s_date ("2026-03-27"), .every_weeks = 1, .has_until = true, .until = s_date ("2026-04-10")
    };
    s_expect (&rule, "2026-03-27 2026-04-10", "2026-04-03");
    groups_recurrence_t midsummer = {
        .first = s_date ("2026-06-12"), .every_weeks = 1, .has_until = true, .until = s_date ("2026-06-26")
    };
    s_expect (&midsummer, "2026-06-12 2026-06-26", "2026-06-19");
}

Test (groups_schedule, christmas_and_new_year_skipped_count_still_met)
{
    groups_recurrence_t thursdays = { .first = s_date ("2026-12-17"), .every_weeks = 1, .count = 3 };
    s_expect (&thursdays, "2026-12-17 2026-12-31 2027-01-07", "2026-12-24");
    groups_recurrence_t fridays = { .first = s_date ("2026-12-18"), .every_weeks = 1, .count = 2 };
    s_expect (&fridays, "2026-12-18 2027-01-08", "2026-12-25 2027-01-01");
}

Test (groups_schedule, holidays_kept_when_asked)
{
    groups_recurrence_t rule = {
        .first = s_date ("2026-03-30"), .every_weeks = 1, .count = 3, .include_holidays = true
    };
    s_expect (&rule, "2026-03-30 2026-04-06 2026-04-13", "");
}

Test (groups_schedule, every_two_weeks_on_two_weekdays)
{
    //  Tuesday (bit 1) and Thursday (bit 3), weeks counted from the first date's Monday.
    groups_recurrence_t rule = {
        .first = s_date ("2026-03-05"), .every_weeks = 2, .weekdays = (1u << 1) | (1u << 3), .count = 4
    };
    s_expect (&rule, "2026-03-05 2026-03-17 2026-03-19 2026-03-31", "");
}

Test (groups_schedule, one_off)
{
    groups_recurrence_t rule = { .first = s_date ("2026-05-12") };
    s_expect (&rule, "2026-05-12", "");
    //  A one-off on Christmas Day is no session unless holidays are allowed.
    groups_recurrence_t christmas = { .first = s_date ("2026-12-25") };
    s_expect (&christmas, "", "2026-12-25");
    christmas.include_holidays = true;
    s_expect (&christmas, "2026-12-25", "");
}

Test (groups_schedule, refuses_endless_and_oversized)
{
    kp_date_t dates [GROUPS_SCHEDULE_MAX], skipped [4];
    int skipped_count;
    groups_recurrence_t endless = { .first = s_date ("2026-01-05"), .every_weeks = 1 };
    cr_assert_eq (groups_schedule_expand (&endless, dates, GROUPS_SCHEDULE_MAX, skipped, 4, &skipped_count), -1);
    //  Every day for two years is more than 200 sessions.
    groups_recurrence_t daily = {
        .first = s_date ("2026-01-05"), .every_weeks = 1, .weekdays = 0x7f,
        .has_until = true, .until = s_date ("2027-12-31")
    };
    cr_assert_eq (groups_schedule_expand (&daily, dates, GROUPS_SCHEDULE_MAX, skipped, 4, &skipped_count), -1);
    groups_recurrence_t far = {
        .first = s_date ("2026-01-05"), .every_weeks = 4, .has_until = true, .until = s_date ("2029-01-05")
    };
    cr_assert_eq (groups_schedule_expand (&far, dates, GROUPS_SCHEDULE_MAX, skipped, 4, &skipped_count), -1);
}

Test (groups_schedule, time_windows)
{
    int start, end;
    cr_assert_eq (groups_window_parse ("17:00", "19:30", &start, &end), 0);
    cr_assert_eq (start, 17 * 60);
    cr_assert_eq (end, 19 * 60 + 30);
    cr_assert_eq (groups_window_parse ("19:00", "17:00", &start, &end), -1);
    cr_assert_eq (groups_window_parse ("17:00", "17:00", &start, &end), -1);
    cr_assert_eq (groups_window_parse ("24:00", "25:00", &start, &end), -1);
    cr_assert_eq (groups_window_parse ("7:00", "09:00", &start, &end), -1);
    cr_assert_eq (groups_window_parse ("07:60", "09:00", &start, &end), -1);
    cr_assert_eq (groups_window_parse ("", "09:00", &start, &end), -1);
}
