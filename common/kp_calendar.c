/*  kp_calendar — Finnish working days for statutory deadlines.
    Dates are days since 1970-01-01; every holiday rule lives in the one
    table s_holidays below, so a reviewer can check it against the law. */
#include "kp_calendar.h"
#include "kp_clock.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

//  How a holiday's date is found in a given year.
typedef enum {
    S_FIXED,            //  the same month and day every year
    S_EASTER,           //  offset in days from Easter Sunday
    S_WEEKDAY_FROM      //  the given weekday in the seven days starting at month/day
} s_rule_t;

typedef struct {
    s_rule_t rule;
    int month;          //  S_FIXED, S_WEEKDAY_FROM
    int day;            //  S_FIXED, S_WEEKDAY_FROM (first day of the window)
    int offset;         //  S_EASTER
    int weekday;        //  S_WEEKDAY_FROM, 0 = Monday … 6 = Sunday
    const char *name;
} s_holiday_t;

enum { S_FRIDAY = 4, S_SATURDAY = 5, S_SUNDAY = 6 };

//  Finnish public holidays plus the two eves that public offices keep
//  closed. The Sunday holidays change no working-day count; they are listed
//  so that kp_calendar_is_holiday can name them.
static const s_holiday_t s_holidays [] = {
    //  rule            month day  offset weekday       name
    {   S_FIXED,        1,    1,   0,     0,            "New Year's Day" },
    {   S_FIXED,        1,    6,   0,     0,            "Epiphany" },
    {   S_EASTER,       0,    0,   -2,    0,            "Good Friday" },
    {   S_EASTER,       0,    0,   0,     0,            "Easter Sunday" },
    {   S_EASTER,       0,    0,   1,     0,            "Easter Monday" },
    {   S_FIXED,        5,    1,   0,     0,            "May Day" },
    {   S_EASTER,       0,    0,   39,    0,            "Ascension Day" },
    {   S_EASTER,       0,    0,   49,    0,            "Whit Sunday" },
    {   S_WEEKDAY_FROM, 6,    19,  0,     S_FRIDAY,     "Midsummer Eve" },      //  de facto
    {   S_WEEKDAY_FROM, 6,    20,  0,     S_SATURDAY,   "Midsummer Day" },
    {   S_WEEKDAY_FROM, 10,   31,  0,     S_SATURDAY,   "All Saints' Day" },
    {   S_FIXED,        12,   6,   0,     0,            "Independence Day" },
    {   S_FIXED,        12,   24,  0,     0,            "Christmas Eve" },      //  de facto
    {   S_FIXED,        12,   25,  0,     0,            "Christmas Day" },
    {   S_FIXED,        12,   26,  0,     0,            "St Stephen's Day" },
};
#define S_HOLIDAY_COUNT (sizeof s_holidays / sizeof s_holidays [0])

//  Floor division: civil-date arithmetic must round towards minus infinity
//  so that dates before 1970 work too.
static int64_t
s_floor_div (int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static bool
s_leap_year (int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int
s_days_in_month (int year, int month)
{
    static const int days [12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return month == 2 && s_leap_year (year) ? 29 : days [month - 1];
}

//  Howard Hinnant's days_from_civil: eras of 400 years, March-based years
//  so that the leap day falls at the end.
kp_date_t
kp_date_from_ymd (int year, int month, int day)
{
    int64_t y = (int64_t) year - (month <= 2);
    int64_t era = s_floor_div (y, 400);
    int64_t year_of_era = y - era * 400;
    int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return (kp_date_t) (era * 146097 + day_of_era - 719468);
}

void
kp_date_to_ymd (kp_date_t date, int *year, int *month, int *day)
{
    int64_t z = (int64_t) date + 719468;
    int64_t era = s_floor_div (z, 146097);
    int64_t day_of_era = z - era * 146097;
    int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524
                           - day_of_era / 146096) / 365;
    int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    int64_t mp = (5 * day_of_year + 2) / 153;
    int64_t d = day_of_year - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    if (year)
        *year = (int) (year_of_era + era * 400 + (m <= 2));
    if (month)
        *month = (int) m;
    if (day)
        *day = (int) d;
}

//  Years are limited to what "YYYY-MM-DD" can carry.
bool
kp_date_valid (int year, int month, int day)
{
    return year >= 1 && year <= 9999
        && month >= 1 && month <= 12
        && day >= 1 && day <= s_days_in_month (year, month);
}

int
kp_date_weekday (kp_date_t date)
{
    //  1970-01-01 was a Thursday
    return (int) (((int64_t) date % 7 + 7 + 3) % 7);
}

//  Fixed-width decimal field; -1 if any character is not a digit.
static int
s_digits (const char *text, int width)
{
    int value = 0;
    for (int index = 0; index < width; index++) {
        if (text [index] < '0' || text [index] > '9')
            return -1;
        value = value * 10 + (text [index] - '0');
    }
    return value;
}

int
kp_date_parse (const char *text, kp_date_t *date)
{
    //  Exactly ten characters: no sign, no padding, no time part.
    if (!text || strnlen (text, 11) != 10 || text [4] != '-' || text [7] != '-')
        return -1;
    int year = s_digits (text, 4);
    int month = s_digits (text + 5, 2);
    int day = s_digits (text + 8, 2);
    if (year < 0 || month < 0 || day < 0 || !kp_date_valid (year, month, day))
        return -1;
    if (date)
        *date = kp_date_from_ymd (year, month, day);
    return 0;
}

void
kp_date_format (kp_date_t date, char *buf)
{
    int year, month, day;
    kp_date_to_ymd (date, &year, &month, &day);
    //  Years outside 0..9999 cannot occur for parsed dates; clamp rather
    //  than overrun the caller's 11 bytes.
    if (year < 0)
        year = 0;
    if (year > 9999)
        year = 9999;
    snprintf (buf, 11, "%04d-%02d-%02d", year, month, day);
}

//  The last Sunday of a month, as used by the EU summer-time rule.
static kp_date_t
s_last_sunday (int year, int month)
{
    kp_date_t last = kp_date_from_ymd (year, month, s_days_in_month (year, month));
    return last - (kp_date_weekday (last) - S_SUNDAY + 7) % 7;
}

//  Europe/Helsinki without touching TZ (a library must not change process
//  state): UTC+2, and UTC+3 from 01:00 UTC on the last Sunday of March to
//  01:00 UTC on the last Sunday of October (EU Directive 2000/84/EC).
static kp_date_t
s_helsinki_date (int64_t now)
{
    int year;
    kp_date_to_ymd ((kp_date_t) s_floor_div (now, 86400), &year, NULL, NULL);
    int64_t summer_from = (int64_t) s_last_sunday (year, 3) * 86400 + 3600;
    int64_t summer_until = (int64_t) s_last_sunday (year, 10) * 86400 + 3600;
    int64_t offset = now >= summer_from && now < summer_until ? 3 * 3600 : 2 * 3600;
    return (kp_date_t) s_floor_div (now + offset, 86400);
}

kp_date_t
kp_date_today (void)
{
    return kp_date_of_us (kp_clock_now_us ());
}

kp_date_t
kp_date_of_us (int64_t micros)
{
    return s_helsinki_date (s_floor_div (micros, 1000000));
}

//  Gregorian computus (the anonymous algorithm, Meeus/Jones/Butcher).
kp_date_t
kp_calendar_easter (int year)
{
    int a = year % 19;
    int b = year / 100;
    int c = year % 100;
    int d = b / 4;
    int e = b % 4;
    int f = (b + 8) / 25;
    int g = (b - f + 1) / 3;
    int h = (19 * a + b - d - g + 15) % 30;
    int i = c / 4;
    int k = c % 4;
    int l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    int month = (h + l - 7 * m + 114) / 31;
    int day = (h + l - 7 * m + 114) % 31 + 1;
    return kp_date_from_ymd (year, month, day);
}

//  The date a rule gives in a year; easter is passed in so it is
//  computed once per lookup, not once per rule.
static kp_date_t
s_holiday_date (const s_holiday_t *holiday, int year, kp_date_t easter)
{
    switch (holiday->rule) {
        case S_FIXED:
            return kp_date_from_ymd (year, holiday->month, holiday->day);
        case S_EASTER:
            return easter + holiday->offset;
        case S_WEEKDAY_FROM: {
            kp_date_t first = kp_date_from_ymd (year, holiday->month, holiday->day);
            return first + (holiday->weekday - kp_date_weekday (first) + 7) % 7;
        }
    }
    return -1;      //  not reached: the switch covers every rule
}

bool
kp_calendar_is_holiday (kp_date_t date, const char **name)
{
    int year;
    kp_date_to_ymd (date, &year, NULL, NULL);
    kp_date_t easter = kp_calendar_easter (year);
    for (size_t index = 0; index < S_HOLIDAY_COUNT; index++)
        if (s_holiday_date (&s_holidays [index], year, easter) == date) {
            if (name)
                *name = s_holidays [index].name;
            return true;
        }
    return false;
}

bool
kp_calendar_is_working_day (kp_date_t date)
{
    return kp_date_weekday (date) < S_SATURDAY && !kp_calendar_is_holiday (date, NULL);
}

//  n < 0 is outside the contract and is treated as 0.
kp_date_t
kp_calendar_add_working_days (kp_date_t date, int n)
{
    if (n <= 0) {
        while (!kp_calendar_is_working_day (date))
            date++;
        return date;
    }
    while (n > 0) {
        date++;
        if (kp_calendar_is_working_day (date))
            n--;
    }
    return date;
}

int
kp_calendar_working_days_between (kp_date_t from, kp_date_t to)
{
    if (to < from)
        return -kp_calendar_working_days_between (to, from);
    int count = 0;
    for (kp_date_t date = from + 1; date <= to; date++)
        if (kp_calendar_is_working_day (date))
            count++;
    return count;
}
