/*  groups_schedule — the pure side of scheduling: a recurrence rule
    (one-off, or every n weeks on given weekdays until a date or a count)
    expanded into civil dates, skipping Finnish public holidays unless told
    not to, and "HH:MM" time windows. Dates are Europe/Helsinki civil dates;
    the database turns date + time into an instant, so DST is its concern. */
#ifndef GROUPS_SCHEDULE_H
#define GROUPS_SCHEDULE_H

#include "kp_calendar.h"

#include <stdbool.h>

//  More sessions than this in one request is a mistake, not a schedule.
#define GROUPS_SCHEDULE_MAX     200
//  A recurrence may not run further than this past its first date.
#define GROUPS_SCHEDULE_MAX_DAYS (2 * 366)

typedef struct {
    kp_date_t first;
    int every_weeks;                //  0 = one-off on first
    unsigned weekdays;              //  bit 0 = Monday … bit 6 = Sunday; 0 = first's weekday
    bool has_until;
    kp_date_t until;                //  inclusive
    int count;                      //  0 = no count
    bool include_holidays;
} groups_recurrence_t;

//  The dates of the rule, at most max; holidays left out go to skipped
//  (at most max_skipped, *skipped_count gets how many). Returns the number
//  of dates, or -1 when the rule has no end or would give more than max.
int groups_schedule_expand (const groups_recurrence_t *rule, kp_date_t *dates, int max,
                            kp_date_t *skipped, int max_skipped, int *skipped_count);

//  "HH:MM" (00:00-23:59) to minutes after midnight; 0, or -1 if malformed.
int groups_time_parse (const char *text, int *minutes);
//  A time window: both parse and start < end. 0 or -1.
int groups_window_parse (const char *start, const char *end, int *start_min, int *end_min);

#endif
