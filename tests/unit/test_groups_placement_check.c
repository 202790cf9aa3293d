/*  groups_placement_check: the activation plan's goal codes, the
    agreement's weekdays, the evaluations' scales, the tasks text. */
#include "../../services/groups/groups_placement_check.c"
#include "../../services/groups/groups_rules.c"

#include <criterion/criterion.h>

TestSuite (groups_placement_check);

Test (groups_placement_check, goals_are_known_distinct_codes)
{
    char *good [] = { "daily_rhythm", "work_ability", "health" };
    cr_assert_null (groups_check_plan_goals (good, 3));
    char *all [] = { "daily_rhythm", "work_ability", "social_contacts", "work_experience", "education_path",
                     "health", "life_management" };
    cr_assert_null (groups_check_plan_goals (all, 7));
    cr_assert_str_eq (groups_check_plan_goals (good, 0), "goals");
    char *unknown [] = { "daily_rhythm", "happiness" };
    cr_assert_str_eq (groups_check_plan_goals (unknown, 2), "goals");
    char *twice [] = { "health", "work_ability", "health" };
    cr_assert_str_eq (groups_check_plan_goals (twice, 3), "goals");
    //  Two codes in one string are no code.
    char *joined [] = { "daily_rhythm work_ability" };
    cr_assert_str_eq (groups_check_plan_goals (joined, 1), "goals");
    char *empty [] = { "" };
    cr_assert_str_eq (groups_check_plan_goals (empty, 1), "goals");
    char *eight [] = { "daily_rhythm", "work_ability", "social_contacts", "work_experience", "education_path",
                       "health", "life_management", "health" };
    cr_assert_str_eq (groups_check_plan_goals (eight, 8), "goals");
}

Test (groups_placement_check, weekdays_match_the_plan)
{
    uint32_t mon_wed_fri [] = { 1, 3, 5 };
    cr_assert_null (groups_check_weekdays (mon_wed_fri, 3, 3));
    cr_assert_str_eq (groups_check_weekdays (mon_wed_fri, 3, 2), "weekdays");     //  the plan says two
    cr_assert_str_eq (groups_check_weekdays (mon_wed_fri, 0, 0), "weekdays");
    uint32_t repeated [] = { 1, 1 };
    cr_assert_str_eq (groups_check_weekdays (repeated, 2, 2), "weekdays");
    uint32_t outside [] = { 0, 8 };
    cr_assert_str_eq (groups_check_weekdays (outside, 1, 1), "weekdays");
    cr_assert_str_eq (groups_check_weekdays (outside + 1, 1, 1), "weekdays");
    uint32_t sunday [] = { 7 };
    cr_assert_null (groups_check_weekdays (sunday, 1, 1));
    uint32_t five [] = { 1, 2, 3, 4, 5 };
    cr_assert_str_eq (groups_check_weekdays (five, 5, 5), "weekdays");          //  the law's four at most
}

Test (groups_placement_check, scales_are_one_to_five)
{
    cr_assert_not (groups_check_scale (0));
    for (uint32_t value = 1; value <= 5; value++)
        cr_assert (groups_check_scale (value));
    cr_assert_not (groups_check_scale (6));
}

Test (groups_placement_check, tasks_are_bounded_printable_text)
{
    cr_assert (groups_check_text ("kitchen; recycling centre", 200));
    cr_assert (groups_check_text ("keittiö ja pyöräkorjaamo", 200));
    cr_assert_not (groups_check_text ("", 200));
    cr_assert_not (groups_check_text (NULL, 200));
    cr_assert_not (groups_check_text ("line\nbreak", 200));
    cr_assert_not (groups_check_text ("\xc3\x28", 200));                         //  not UTF-8
    char long_text [202];
    memset (long_text, 'a', 201);
    long_text [201] = 0;
    cr_assert_not (groups_check_text (long_text, 200));
    long_text [200] = 0;
    cr_assert (groups_check_text (long_text, 200));
}

Test (groups_placement_check, words_of_the_ending)
{
    cr_assert (groups_rules_word_in ("moved_to_work", GROUPS_END_REASONS));
    cr_assert (groups_rules_word_in ("no_shows", GROUPS_END_REASONS));
    cr_assert_not (groups_rules_word_in ("moved", GROUPS_END_REASONS));
    cr_assert (groups_rules_word_in ("none", GROUPS_NEXT_STEPS));
    cr_assert_not (groups_rules_word_in ("work education", GROUPS_NEXT_STEPS));
}
