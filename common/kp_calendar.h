/*  kp_calendar — Finnish working days.
    Deadlines in social welfare law are counted in working days: Monday to
    Friday, minus public holidays (fixed ones, the Easter-based ones, and the
    Saturday rules for Midsummer and All Saints'), plus the de facto
    non-working eves (Midsummer Eve, Christmas Eve). One module, one table. */
#ifndef KP_CALENDAR_H
#define KP_CALENDAR_H

#include <stdbool.h>
#include <stdint.h>

//  A civil date as days since 1970-01-01 (proleptic Gregorian). Plain
//  integers compare, subtract and hash without a time zone in sight.
typedef int32_t kp_date_t;

//  Days since epoch for a civil date; no validation (see kp_date_valid).
kp_date_t kp_date_from_ymd (int year, int month, int day);
void      kp_date_to_ymd (kp_date_t date, int *year, int *month, int *day);
bool      kp_date_valid (int year, int month, int day);
//  0 = Monday … 6 = Sunday
int       kp_date_weekday (kp_date_t date);
//  Parse "YYYY-MM-DD" strictly; returns 0 and sets *date, or -1.
int       kp_date_parse (const char *text, kp_date_t *date);
//  Format as "YYYY-MM-DD" into buf (at least 11 bytes).
void      kp_date_format (kp_date_t date, char *buf);
//  Today in Europe/Helsinki (by the process clock, kp_clock).
kp_date_t kp_date_today (void);
//  The Europe/Helsinki date of a moment (microseconds since the epoch).
kp_date_t kp_date_of_us (int64_t micros);

//  Easter Sunday of a year (Gregorian computus).
kp_date_t kp_calendar_easter (int year);
//  True if the date is a Finnish public holiday or de facto non-working eve;
//  if name is given, it is set to a static English name ("Good Friday").
bool      kp_calendar_is_holiday (kp_date_t date, const char **name);
//  True on Monday to Friday that is not a holiday.
bool      kp_calendar_is_working_day (kp_date_t date);
//  The n-th working day after date (n >= 0; n = 0 gives date itself if it is
//  a working day, else the next working day). "By the 7th working day after
//  the matter became pending" is kp_calendar_add_working_days (pending, 7).
kp_date_t kp_calendar_add_working_days (kp_date_t date, int n);
//  Working days in (from, to]: how many working days have passed since from.
//  Negative when to < from.
int       kp_calendar_working_days_between (kp_date_t from, kp_date_t to);

#endif
