/*  kp_check: the shared checks accept exactly what the services' own
    copies accepted (codes, slugs, tokens, municipality codes). */
#include "kp_check.h"

#include <criterion/criterion.h>
#include <string.h>

TestSuite (check);

Test (check, a_code_is_lower_case_digits_and_underscores_within_its_bound)
{
    cr_assert (kp_check_code ("no_show_2", 64));
    cr_assert (kp_check_code ("a", 1));
    cr_assert_not (kp_check_code ("", 64));
    cr_assert_not (kp_check_code (NULL, 64));
    cr_assert_not (kp_check_code ("ab", 1), "longer than its bound");
    cr_assert_not (kp_check_code ("No_show", 64));
    cr_assert_not (kp_check_code ("no-show", 64));
    cr_assert_not (kp_check_code ("no show", 64));
    cr_assert_not (kp_check_code ("k\xc3\xa4ynti", 64), "not ASCII");
}

Test (check, a_slug_may_also_hold_dashes)
{
    cr_assert (kp_check_slug ("muni-743", 40));
    cr_assert (kp_check_slug ("phq_9", 40));
    cr_assert_not (kp_check_slug ("Muni-743", 40));
    cr_assert_not (kp_check_slug ("muni.743", 40));
}

Test (check, a_token_is_an_organisation_id_or_a_ref)
{
    cr_assert (kp_check_token ("Ngo-743.Helsinki_2", 64));
    cr_assert_not (kp_check_token ("ngo 743", 64));
    cr_assert_not (kp_check_token ("ngo/743", 64));
    char long_one [66];
    memset (long_one, 'a', 65);
    long_one [65] = 0;
    cr_assert_not (kp_check_token (long_one, 64));
    long_one [64] = 0;
    cr_assert (kp_check_token (long_one, 64));
}

Test (check, a_municipality_code_is_three_digits)
{
    cr_assert (kp_check_municipality ("091"));
    cr_assert (kp_check_municipality ("743"));
    cr_assert_not (kp_check_municipality ("91"));
    cr_assert_not (kp_check_municipality ("0910"));
    cr_assert_not (kp_check_municipality ("09a"));
    cr_assert_not (kp_check_municipality (""));
    cr_assert_not (kp_check_municipality (NULL));
}

Test (check, a_word_takes_the_classes_and_punctuation_it_is_given)
{
    cr_assert (kp_check_word ("work_life", 64, KP_CHECK_LOWER, "_"));
    cr_assert_not (kp_check_word ("work_life2", 64, KP_CHECK_LOWER, "_"), "digits not given");
    cr_assert (kp_check_word ("ABC123", 6, KP_CHECK_UPPER | KP_CHECK_DIGIT, NULL));
    cr_assert_not (kp_check_word ("ABC-123", 7, KP_CHECK_UPPER | KP_CHECK_DIGIT, NULL));
}
