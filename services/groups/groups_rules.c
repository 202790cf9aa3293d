/*  groups_rules — see the header. */
#include "groups_rules.h"
#include "kp_calendar.h"

#include <string.h>

bool
groups_rules_word_in (const char *word, const char *list)
{
    size_t len = strlen (word);
    if (len == 0 || strchr (word, ' '))
        return false;
    for (const char *at = list; (at = strstr (at, word)); at += len)
        if ((at == list || at [-1] == ' ') && (at [len] == ' ' || at [len] == 0))
            return true;
    return false;
}

groups_seat_t
groups_rules_seat (int capacity, int enrolled)
{
    return capacity == 0 || enrolled < capacity ? GROUPS_SEAT : GROUPS_WAITLIST;
}

int
groups_rules_absence_step (const char *step)
{
    static const char *const steps [] = { "client", "organiser", "social_instructor", "te_office" };
    for (int index = 0; index < 4; index++)
        if (strcmp (step, steps [index]) == 0)
            return index;
    return -1;
}

int
groups_rules_absence_next (int recorded, int step)
{
    if (step < recorded)
        return 0;
    return step == recorded ? 1 : -1;
}

kp_date_t
groups_rules_add_months (kp_date_t date, int months)
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

//  Rehabilitative work activity: 1-4 days a week, 4-8 hours a day, for
//  3 to 24 months (Act 189/2001 as practised; DOMAIN.md).
const char *
groups_rules_placement_check (const groups_placement_t *placement)
{
    if (placement->days_per_week < 1 || placement->days_per_week > 4)
        return "days_per_week";
    if (placement->hours_per_day < 4 || placement->hours_per_day > 8)
        return "hours_per_day";
    if (placement->end < groups_rules_add_months (placement->start, 3)
    ||  placement->end > groups_rules_add_months (placement->start, 24))
        return "end_date";
    if (placement->has_interim
    && (placement->interim <= placement->start || placement->interim >= placement->end))
        return "interim_evaluation_date";
    return NULL;
}

kp_date_t
groups_rules_interim (const groups_placement_t *placement)
{
    return placement->has_interim ? placement->interim
                                  : placement->start + (placement->end - placement->start) / 2;
}
