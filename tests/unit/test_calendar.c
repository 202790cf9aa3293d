/*  kp_calendar: date arithmetic, strict parsing, and the Finnish holidays
    checked against the published calendars for 2024-2030, plus working-day
    counting across Christmas, Easter and Midsummer. */
#include "kp_calendar.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

TestSuite (calendar);

static kp_date_t
s_date (const char *text)
{
    kp_date_t date = 0;
    cr_assert_eq (kp_date_parse (text, &date), 0, "test date %s does not parse", text);
    return date;
}

static void
s_assert_date (kp_date_t actual, const char *expected, const char *what)
{
    char buf [11];
    kp_date_format (actual, buf);
    cr_assert_str_eq (buf, expected, "%s: got %s, expected %s", what, buf, expected);
}

//  Moving holidays as printed in Finnish almanacs for each year.
typedef struct {
    int  year;
    char easter [11];
    char good_friday [11];
    char easter_monday [11];
    char ascension [11];
    char whit_sunday [11];
    char midsummer_eve [11];
    char midsummer_day [11];
    char all_saints [11];
    int  working_days;      //  Mon-Fri minus the holidays and eves that fall on them
} year_case_t;

ParameterizedTestParameters (calendar, moving_holidays)
{
    static year_case_t cases [] = {
        { 2024, "2024-03-31", "2024-03-29", "2024-04-01", "2024-05-09", "2024-05-19",
                "2024-06-21", "2024-06-22", "2024-11-02", 252 },
        { 2025, "2025-04-20", "2025-04-18", "2025-04-21", "2025-05-29", "2025-06-08",
                "2025-06-20", "2025-06-21", "2025-11-01", 251 },
        { 2026, "2026-04-05", "2026-04-03", "2026-04-06", "2026-05-14", "2026-05-24",
                "2026-06-19", "2026-06-20", "2026-10-31", 252 },
        { 2027, "2027-03-28", "2027-03-26", "2027-03-29", "2027-05-06", "2027-05-16",
                "2027-06-25", "2027-06-26", "2027-11-06", 253 },
        { 2028, "2028-04-16", "2028-04-14", "2028-04-17", "2028-05-25", "2028-06-04",
                "2028-06-23", "2028-06-24", "2028-11-04", 251 },
        { 2029, "2029-04-01", "2029-03-30", "2029-04-02", "2029-05-10", "2029-05-20",
                "2029-06-22", "2029-06-23", "2029-11-03", 251 },
        { 2030, "2030-04-21", "2030-04-19", "2030-04-22", "2030-05-30", "2030-06-09",
                "2030-06-21", "2030-06-22", "2030-11-02", 251 },
    };
    return cr_make_param_array (year_case_t, cases, sizeof cases / sizeof cases [0]);
}

static void
s_assert_holiday (const char *text, const char *expected_name)
{
    const char *name = NULL;
    cr_assert (kp_calendar_is_holiday (s_date (text), &name), "%s is not a holiday", text);
    cr_assert_str_eq (name, expected_name, "%s is %s, expected %s", text, name, expected_name);
}

ParameterizedTest (year_case_t *param, calendar, moving_holidays)
{
    s_assert_date (kp_calendar_easter (param->year), param->easter, "Easter");
    s_assert_holiday (param->easter, "Easter Sunday");
    s_assert_holiday (param->good_friday, "Good Friday");
    s_assert_holiday (param->easter_monday, "Easter Monday");
    s_assert_holiday (param->ascension, "Ascension Day");
    s_assert_holiday (param->whit_sunday, "Whit Sunday");
    s_assert_holiday (param->midsummer_eve, "Midsummer Eve");
    s_assert_holiday (param->midsummer_day, "Midsummer Day");
    s_assert_holiday (param->all_saints, "All Saints' Day");

    cr_assert_not (kp_calendar_is_working_day (s_date (param->good_friday)));
    cr_assert_not (kp_calendar_is_working_day (s_date (param->easter_monday)));
    cr_assert_not (kp_calendar_is_working_day (s_date (param->ascension)));
    cr_assert_not (kp_calendar_is_working_day (s_date (param->midsummer_eve)));
    //  The Thursday before Midsummer Eve and before Good Friday are working days.
    cr_assert (kp_calendar_is_working_day (s_date (param->midsummer_eve) - 1));
    cr_assert (kp_calendar_is_working_day (s_date (param->good_friday) - 1));

    //  Each of the fifteen rules matches exactly one day in these years
    //  (none of them has Ascension on May Day), so a scan finds fifteen.
    kp_date_t first = kp_date_from_ymd (param->year, 1, 1);
    kp_date_t last = kp_date_from_ymd (param->year, 12, 31);
    int holidays = 0;
    for (kp_date_t date = first; date <= last; date++)
        holidays += kp_calendar_is_holiday (date, NULL);
    cr_assert_eq (holidays, 15, "%d holidays in %d", holidays, param->year);

    int working = kp_calendar_working_days_between (first - 1, last);
    cr_assert_eq (working, param->working_days, "%d working days in %d, expected %d",
                  working, param->year, param->working_days);
}

Test (calendar, fixed_holidays_and_eves)
{
    s_assert_holiday ("2025-01-01", "New Year's Day");
    s_assert_holiday ("2025-01-06", "Epiphany");
    s_assert_holiday ("2025-05-01", "May Day");
    s_assert_holiday ("2025-12-06", "Independence Day");
    s_assert_holiday ("2025-12-24", "Christmas Eve");
    s_assert_holiday ("2025-12-25", "Christmas Day");
    s_assert_holiday ("2025-12-26", "St Stephen's Day");
    //  New Year's Eve and Walpurgis Eve are ordinary working days.
    cr_assert_not (kp_calendar_is_holiday (s_date ("2025-12-31"), NULL));
    cr_assert (kp_calendar_is_working_day (s_date ("2025-12-31")));
    cr_assert (kp_calendar_is_working_day (s_date ("2025-04-30")));
    cr_assert (kp_calendar_is_working_day (s_date ("2025-12-23")));
    const char *name = "unchanged";
    cr_assert_not (kp_calendar_is_holiday (s_date ("2025-03-12"), &name));
    cr_assert_str_eq (name, "unchanged");
    //  Weekends are not working days, but not holidays either.
    cr_assert_not (kp_calendar_is_working_day (s_date ("2025-03-15")));
    cr_assert_not (kp_calendar_is_holiday (s_date ("2025-03-15"), NULL));
}

typedef struct {
    char from [11];
    int  n;
    char expected [11];
} add_case_t;

ParameterizedTestParameters (calendar, add_working_days)
{
    static add_case_t cases [] = {
        //  Fri before Christmas: 23, 27, 30, 31 Dec, 2, 3 Jan, (6 Jan Epiphany), 7 Jan
        { "2024-12-20", 7, "2025-01-07" },
        { "2024-12-20", 1, "2024-12-23" },
        { "2024-12-23", 1, "2024-12-27" },      //  Christmas Eve to St Stephen's
        { "2024-12-31", 1, "2025-01-02" },      //  New Year's Day
        //  Easter 2025: Thu 17, (Good Friday, weekend, Easter Monday), Tue 22, Wed 23
        { "2025-04-16", 3, "2025-04-23" },
        { "2025-04-17", 1, "2025-04-22" },
        //  Midsummer 2025: Thu 19, (Eve, Day, Sunday), Mon 23
        { "2025-06-18", 2, "2025-06-23" },
        { "2024-06-20", 1, "2024-06-24" },
        { "2024-05-08", 1, "2024-05-10" },      //  Ascension Day 2024
        { "2025-04-30", 1, "2025-05-02" },      //  May Day 2025
        { "2024-12-05", 1, "2024-12-09" },      //  Independence Day on a Friday
        { "2025-03-10", 7, "2025-03-19" },      //  an ordinary fortnight
        { "2025-03-14", 1, "2025-03-17" },      //  Friday to Monday
        //  n = 0: the day itself if it is a working day, else the next one
        { "2025-03-12", 0, "2025-03-12" },
        { "2025-03-15", 0, "2025-03-17" },
        { "2024-12-24", 0, "2024-12-27" },
        { "2025-12-31", 0, "2025-12-31" },
    };
    return cr_make_param_array (add_case_t, cases, sizeof cases / sizeof cases [0]);
}

ParameterizedTest (add_case_t *param, calendar, add_working_days)
{
    kp_date_t from = s_date (param->from);
    kp_date_t result = kp_calendar_add_working_days (from, param->n);
    s_assert_date (result, param->expected, param->from);
    cr_assert (kp_calendar_is_working_day (result));
    //  The two functions agree: n working days lie in (from, result].
    if (param->n > 0)
        cr_assert_eq (kp_calendar_working_days_between (from, result), param->n);
}

Test (calendar, working_days_between)
{
    cr_assert_eq (kp_calendar_working_days_between (s_date ("2024-12-20"), s_date ("2025-01-07")), 7);
    cr_assert_eq (kp_calendar_working_days_between (s_date ("2025-01-07"), s_date ("2024-12-20")), -7);
    cr_assert_eq (kp_calendar_working_days_between (s_date ("2025-03-12"), s_date ("2025-03-12")), 0);
    cr_assert_eq (kp_calendar_working_days_between (s_date ("2025-03-14"), s_date ("2025-03-17")), 1);
    cr_assert_eq (kp_calendar_working_days_between (s_date ("2025-03-15"), s_date ("2025-03-16")), 0);
    //  Easter week 2025: Thu 17 and Tue 22 only.
    cr_assert_eq (kp_calendar_working_days_between (s_date ("2025-04-16"), s_date ("2025-04-22")), 2);
    //  Midsummer week 2024: Mon 17 to Thu 20.
    cr_assert_eq (kp_calendar_working_days_between (s_date ("2024-06-16"), s_date ("2024-06-23")), 4);
    //  Christmas week 2025: Mon 22, Tue 23 (24-26 off), then Mon 29, Tue 30, Wed 31.
    cr_assert_eq (kp_calendar_working_days_between (s_date ("2025-12-21"), s_date ("2025-12-31")), 5);
}

Test (calendar, dates_convert_both_ways)
{
    cr_assert_eq (kp_date_from_ymd (1970, 1, 1), 0);
    cr_assert_eq (kp_date_from_ymd (1969, 12, 31), -1);
    cr_assert_eq (kp_date_from_ymd (2000, 3, 1), 11017);
    cr_assert_eq (kp_date_from_ymd (2024, 2, 29), 19782);
    for (kp_date_t date = kp_date_from_ymd (1800, 1, 1); date < kp_date_from_ymd (2200, 1, 1); date++) {
        int year, month, day;
        kp_date_to_ymd (date, &year, &month, &day);
        cr_assert (kp_date_valid (year, month, day));
        cr_assert_eq (kp_date_from_ymd (year, month, day), date);
        char buf [11];
        kp_date_format (date, buf);
        kp_date_t parsed;
        cr_assert_eq (kp_date_parse (buf, &parsed), 0, "%s does not parse back", buf);
        cr_assert_eq (parsed, date);
    }
}

Test (calendar, weekday_of_known_dates)
{
    cr_assert_eq (kp_date_weekday (s_date ("1970-01-01")), 3);     //  Thursday
    cr_assert_eq (kp_date_weekday (s_date ("1917-12-06")), 3);     //  Thursday
    cr_assert_eq (kp_date_weekday (s_date ("1900-01-01")), 0);     //  Monday
    cr_assert_eq (kp_date_weekday (s_date ("2000-01-01")), 5);     //  Saturday
    cr_assert_eq (kp_date_weekday (s_date ("2023-01-01")), 6);     //  Sunday
    cr_assert_eq (kp_date_weekday (s_date ("2024-02-29")), 3);     //  Thursday
    cr_assert_eq (kp_date_weekday (s_date ("2025-12-24")), 2);     //  Wednesday
    cr_assert_eq (kp_date_weekday (s_date ("2030-06-21")), 4);     //  Friday
}

Test (calendar, valid_dates)
{
    cr_assert (kp_date_valid (2024, 2, 29));
    cr_assert (kp_date_valid (2000, 2, 29));
    cr_assert_not (kp_date_valid (1900, 2, 29));
    cr_assert_not (kp_date_valid (2023, 2, 29));
    cr_assert_not (kp_date_valid (2024, 4, 31));
    cr_assert_not (kp_date_valid (2024, 13, 1));
    cr_assert_not (kp_date_valid (2024, 0, 1));
    cr_assert_not (kp_date_valid (2024, 1, 0));
    cr_assert_not (kp_date_valid (0, 1, 1));
    cr_assert_not (kp_date_valid (10000, 1, 1));
}

typedef struct {
    char text [24];
    bool ok;
} parse_case_t;

ParameterizedTestParameters (calendar, parse)
{
    static parse_case_t cases [] = {
        { "2024-02-29", true },
        { "2000-02-29", true },
        { "1970-01-01", true },
        { "9999-12-31", true },
        { "2024-02-30", false },
        { "2023-02-29", false },
        { "1900-02-29", false },
        { "2024-2-01", false },
        { "2024-02-1", false },
        { "", false },
        { "garbage", false },
        { "garbage!!!", false },
        { "2024-13-01", false },
        { "2024-00-10", false },
        { "2024-01-00", false },
        { "0000-01-01", false },
        { "2024/01/01", false },
        { "20240101", false },
        { "2024-01-01 ", false },
        { " 2024-01-01", false },
        { "2024-01-01T00:00", false },
        { "+024-01-01", false },
        { "2024-0a-01", false },
        { "2024--1-01", false },
    };
    return cr_make_param_array (parse_case_t, cases, sizeof cases / sizeof cases [0]);
}

ParameterizedTest (parse_case_t *param, calendar, parse)
{
    kp_date_t date = 12345;
    int rc = kp_date_parse (param->text, &date);
    if (param->ok) {
        cr_assert_eq (rc, 0, "\"%s\" was rejected", param->text);
        char buf [11];
        kp_date_format (date, buf);
        cr_assert_str_eq (buf, param->text);
    }
    else {
        cr_assert_eq (rc, -1, "\"%s\" was accepted", param->text);
        cr_assert_eq (date, 12345, "\"%s\" changed the output on failure", param->text);
    }
}

Test (calendar, parse_null)
{
    kp_date_t date;
    cr_assert_eq (kp_date_parse (NULL, &date), -1);
}

//  kp_date_today does its own EU summer-time arithmetic; the system zone
//  database is the reference. The test process may set TZ; the library may not.
Test (calendar, today_is_helsinki_today)
{
    if (access ("/usr/share/zoneinfo/Europe/Helsinki", R_OK) != 0)
        cr_skip_test ("no zoneinfo for Europe/Helsinki");
    setenv ("TZ", "Europe/Helsinki", 1);
    tzset ();
    //  Retry once in case midnight passes between the two readings.
    for (int attempt = 0; attempt < 2; attempt++) {
        time_t now = time (NULL);
        struct tm local;
        localtime_r (&now, &local);
        kp_date_t expected = kp_date_from_ymd (local.tm_year + 1900, local.tm_mon + 1, local.tm_mday);
        if (kp_date_today () == expected)
            return;
    }
    cr_assert_fail ("kp_date_today disagrees with the zone database");
}
