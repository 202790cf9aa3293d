/*  groups_placement_check — the rules a placement's path follows, pure so
    that the unit tests read them whole: the activation plan's goal codes,
    the agreement's weekdays, the evaluations' 1-5 scales, the words of
    the ending and the follow-up plan, and the one bounded text (tasks). */
#include "groups_placement.h"
#include "groups_rules.h"
#include "kp_codec.h"

#include <string.h>

const char *
groups_check_plan_goals (char *const *goals, size_t count)
{
    if (count < 1 || count > 7)
        return "goals";
    for (size_t index = 0; index < count; index++) {
        if (!groups_rules_word_in (goals [index], GROUPS_PLAN_GOALS))
            return "goals";
        for (size_t other = 0; other < index; other++)
            if (strcmp (goals [index], goals [other]) == 0)
                return "goals";
    }
    return NULL;
}

const char *
groups_check_weekdays (const uint32_t *weekdays, size_t count, int days_per_week)
{
    if (count < 1 || count > 4 || (int) count != days_per_week)
        return "weekdays";
    for (size_t index = 0; index < count; index++) {
        if (weekdays [index] < 1 || weekdays [index] > 7)
            return "weekdays";
        for (size_t other = 0; other < index; other++)
            if (weekdays [index] == weekdays [other])
                return "weekdays";
    }
    return NULL;
}

bool
groups_check_scale (uint32_t value)
{
    return value >= 1 && value <= 5;
}

bool
groups_check_text (const char *text, size_t max)
{
    size_t len = text ? strlen (text) : 0;
    if (len == 0 || len > max || !kp_codec_utf8_valid (text, len))
        return false;
    for (size_t index = 0; index < len; index++)
        if ((unsigned char) text [index] < 0x20 || text [index] == 0x7f)
            return false;
    return true;
}
