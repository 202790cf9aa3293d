/*  groups_schedule — recurrence expansion and time windows (see the header). */
#include "groups_schedule.h"
#include "kp_calendar.h"

#include <ctype.h>
#include <string.h>

//  Weeks are counted from the Monday of the first date's week, so "every
//  2 weeks on Tuesday and Thursday" keeps both days in the same week.
static kp_date_t
s_monday (kp_date_t date)
{
    return date - kp_date_weekday (date);
}

int
groups_schedule_expand (const groups_recurrence_t *rule, kp_date_t *dates, int max,
                        kp_date_t *skipped, int max_skipped, int *skipped_count)
{
    *skipped_count = 0;
    int every = rule->every_weeks;
    unsigned weekdays = rule->weekdays ? rule->weekdays : 1u << kp_date_weekday (rule->first);
    int wanted = every == 0 ? 1 : rule->count;
    kp_date_t last = every == 0 ? rule->first
                   : rule->has_until ? rule->until
                   : rule->first + GROUPS_SCHEDULE_MAX_DAYS;
    if (every > 0 && !rule->has_until && rule->count == 0)
        return -1;                  //  no end
    if (last > rule->first + GROUPS_SCHEDULE_MAX_DAYS)
        return -1;
    int found = 0;
    for (kp_date_t date = rule->first; date <= last && (wanted == 0 || found < wanted); date++) {
        if (every > 0 && ((s_monday (date) - s_monday (rule->first)) / 7) % every != 0)
            continue;
        if (every > 0 && !(weekdays & (1u << kp_date_weekday (date))))
            continue;
        if (!rule->include_holidays && kp_calendar_is_holiday (date, NULL)) {
            if (*skipped_count < max_skipped)
                skipped [*skipped_count] = date;
            (*skipped_count)++;
            continue;
        }
        if (found == max)
            return -1;
        dates [found++] = date;
    }
    return found;
}

int
groups_time_parse (const char *text, int *minutes)
{
    if (strlen (text) != 5 || text [2] != ':')
        return -1;
    for (int index = 0; index < 5; index++)
        if (index != 2 && !isdigit ((unsigned char) text [index]))
            return -1;
    int hours = (text [0] - '0') * 10 + (text [1] - '0');
    int mins = (text [3] - '0') * 10 + (text [4] - '0');
    if (hours > 23 || mins > 59)
        return -1;
    *minutes = hours * 60 + mins;
    return 0;
}

int
groups_window_parse (const char *start, const char *end, int *start_min, int *end_min)
{
    if (groups_time_parse (start, start_min) || groups_time_parse (end, end_min))
        return -1;
    return *start_min < *end_min ? 0 : -1;
}
