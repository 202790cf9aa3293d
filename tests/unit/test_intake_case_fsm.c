/*  intake_case_fsm: every legal step of the client process, the illegal
    ones refused, closure from every open state and never twice. The table
    is pure C, so the unit test compiles the module in directly (the
    Makefile links unit tests against libkp only). */
#include "../../services/intake/intake_case_fsm.c"

#include <criterion/criterion.h>

TestSuite (intake_case_fsm);

Test (intake_case_fsm, the_whole_journey_is_legal_in_order)
{
    const char *steps [] = { "start_assessment", "complete_assessment", "make_plan",
                             "review_plan", "review_plan", "close" };
    const char *states [] = { "assessment_started", "assessment_completed", "plan_made",
                              "reviewed", "reviewed", "closed" };
    const char *topics [] = { "intake.assessment_started", "intake.assessment_completed",
                              "intake.plan_made", "intake.plan_reviewed", "intake.plan_reviewed",
                              "intake.case_closed" };
    const char *state = "opened";
    for (int index = 0; index < 6; index++) {
        const intake_case_transition_t *next = intake_case_fsm_find (state, steps [index]);
        cr_assert_not_null (next, "%s refused in %s", steps [index], state);
        cr_assert_str_eq (next->to, states [index]);
        cr_assert_str_eq (next->topic, topics [index]);
        state = next->to;
    }
}

Test (intake_case_fsm, closure_from_every_open_state_and_never_after)
{
    const char *open [] = { "opened", "assessment_started", "assessment_completed", "plan_made", "reviewed" };
    for (int index = 0; index < 5; index++) {
        cr_assert (intake_case_fsm_is_open (open [index]));
        const intake_case_transition_t *next = intake_case_fsm_find (open [index], "close");
        cr_assert_not_null (next, "closure refused from %s", open [index]);
        cr_assert_str_eq (next->to, "closed");
    }
    cr_assert_not (intake_case_fsm_is_open ("closed"));
    const char *steps [] = { "start_assessment", "complete_assessment", "make_plan", "review_plan", "close" };
    for (int index = 0; index < 5; index++)
        cr_assert_null (intake_case_fsm_find ("closed", steps [index]), "%s allowed after closure", steps [index]);
}

Test (intake_case_fsm, skipping_or_repeating_steps_is_illegal)
{
    cr_assert_null (intake_case_fsm_find ("opened", "complete_assessment"));
    cr_assert_null (intake_case_fsm_find ("opened", "make_plan"));
    cr_assert_null (intake_case_fsm_find ("opened", "review_plan"));
    cr_assert_null (intake_case_fsm_find ("assessment_started", "start_assessment"));
    cr_assert_null (intake_case_fsm_find ("assessment_started", "make_plan"));
    cr_assert_null (intake_case_fsm_find ("assessment_completed", "review_plan"));
    cr_assert_null (intake_case_fsm_find ("plan_made", "make_plan"));
    cr_assert_null (intake_case_fsm_find ("reviewed", "start_assessment"));
    cr_assert_null (intake_case_fsm_find ("nonsense", "close"));
    cr_assert_null (intake_case_fsm_find ("opened", "nonsense"));
    cr_assert_null (intake_case_fsm_find (NULL, "close"));
}

Test (intake_case_fsm, closure_reasons_are_the_five_codes)
{
    const char *reasons [] = { "goals_reached", "no_need", "no_legal_basis", "client_declines",
                               "moved_to_other_service" };
    for (int index = 0; index < 5; index++)
        cr_assert (intake_case_fsm_is_closure_reason (reasons [index]));
    cr_assert_not (intake_case_fsm_is_closure_reason ("bored"));
    cr_assert_not (intake_case_fsm_is_closure_reason (""));
    cr_assert (intake_case_fsm_is_state ("reviewed"));
    cr_assert_not (intake_case_fsm_is_state ("archived"));
}
