/*  groups_rules: seats and the waitlist, the absence chain's order, the
    bounds of a rehabilitative work activity placement, word lists. */
#include "../../services/groups/groups_rules.c"

#include <criterion/criterion.h>

TestSuite (groups_rules);

static kp_date_t
s_date (const char *text)
{
    kp_date_t date;
    cr_assert_eq (kp_date_parse (text, &date), 0);
    return date;
}

Test (groups_rules, words_are_whole_words)
{
    cr_assert (groups_rules_word_in ("men", GROUPS_AUDIENCES));
    cr_assert (groups_rules_word_in ("women", GROUPS_AUDIENCES));
    cr_assert (groups_rules_word_in ("other", GROUPS_KINDS));
    cr_assert_not (groups_rules_word_in ("wom", GROUPS_AUDIENCES));
    cr_assert_not (groups_rules_word_in ("", GROUPS_AUDIENCES));
    cr_assert_not (groups_rules_word_in ("men women", GROUPS_AUDIENCES));
    cr_assert_not (groups_rules_word_in ("women men", GROUPS_AUDIENCES), "two words are not one");
    cr_assert_not (groups_rules_word_in ("peer", GROUPS_KINDS));
}

Test (groups_rules, seat_until_full_then_waitlist)
{
    cr_assert_eq (groups_rules_seat (3, 0), GROUPS_SEAT);
    cr_assert_eq (groups_rules_seat (3, 2), GROUPS_SEAT);
    cr_assert_eq (groups_rules_seat (3, 3), GROUPS_WAITLIST);
    cr_assert_eq (groups_rules_seat (3, 4), GROUPS_WAITLIST);
    cr_assert_eq (groups_rules_seat (0, 500), GROUPS_SEAT, "capacity 0 has no limit");
}

Test (groups_rules, absence_chain_in_order)
{
    cr_assert_eq (groups_rules_absence_step ("client"), 0);
    cr_assert_eq (groups_rules_absence_step ("te_office"), 3);
    cr_assert_eq (groups_rules_absence_step ("Client"), -1);
    cr_assert_eq (groups_rules_absence_next (0, 0), 1);
    cr_assert_eq (groups_rules_absence_next (1, 1), 1);
    cr_assert_eq (groups_rules_absence_next (0, 1), -1, "organiser before the client told");
    cr_assert_eq (groups_rules_absence_next (1, 3), -1, "TE office before the instructor");
    cr_assert_eq (groups_rules_absence_next (2, 0), 0, "a step again is already recorded");
}

Test (groups_rules, placement_bounds)
{
    groups_placement_t placement = {
        .days_per_week = 3, .hours_per_day = 6, .start = s_date ("2026-01-15"), .end = s_date ("2026-04-15")
    };
    cr_assert_null (groups_rules_placement_check (&placement));
    cr_assert_eq (groups_rules_interim (&placement), s_date ("2026-03-01"));
    placement.end = s_date ("2026-04-14");
    cr_assert_str_eq (groups_rules_placement_check (&placement), "end_date", "less than 3 months");
    placement.end = s_date ("2028-01-15");
    cr_assert_null (groups_rules_placement_check (&placement));
    placement.end = s_date ("2028-01-16");
    cr_assert_str_eq (groups_rules_placement_check (&placement), "end_date", "more than 24 months");
    placement.end = s_date ("2026-06-15");
    placement.days_per_week = 5;
    cr_assert_str_eq (groups_rules_placement_check (&placement), "days_per_week");
    placement.days_per_week = 0;
    cr_assert_str_eq (groups_rules_placement_check (&placement), "days_per_week");
    placement.days_per_week = 1;
    placement.hours_per_day = 3;
    cr_assert_str_eq (groups_rules_placement_check (&placement), "hours_per_day");
    placement.hours_per_day = 9;
    cr_assert_str_eq (groups_rules_placement_check (&placement), "hours_per_day");
    placement.hours_per_day = 4;
    placement.has_interim = true;
    placement.interim = placement.end;
    cr_assert_str_eq (groups_rules_placement_check (&placement), "interim_evaluation_date");
    placement.interim = s_date ("2026-03-10");
    cr_assert_null (groups_rules_placement_check (&placement));
    cr_assert_eq (groups_rules_interim (&placement), s_date ("2026-03-10"));
}

Test (groups_rules, months_clamp_to_month_end)
{
    cr_assert_eq (groups_rules_add_months (s_date ("2026-01-31"), 1), s_date ("2026-02-28"));
    cr_assert_eq (groups_rules_add_months (s_date ("2027-11-30"), 3), s_date ("2028-02-29"));
    cr_assert_eq (groups_rules_add_months (s_date ("2026-10-15"), 24), s_date ("2028-10-15"));
}
