/*  intake_case_fsm — the client process's transition table (see the
    header). A reviewer can read every legal step here and nowhere else;
    handlers only ask. */
#include "intake_case_fsm.h"

#include <stddef.h>
#include <string.h>

static const char *const s_states [] = {
    "opened", "assessment_started", "assessment_completed", "plan_made", "reviewed", "closed", NULL
};

static const intake_case_transition_t s_transitions [] = {
    //  step                  from                    to                      event
    { "start_assessment",    "opened",               "assessment_started",   "intake.assessment_started" },
    { "complete_assessment", "assessment_started",   "assessment_completed", "intake.assessment_completed" },
    { "make_plan",           "assessment_completed", "plan_made",            "intake.plan_made" },
    { "review_plan",         "plan_made",            "reviewed",             "intake.plan_reviewed" },
    { "review_plan",         "reviewed",             "reviewed",             "intake.plan_reviewed" },
    //  Closure after a final evaluation, from any open state (asiakkuus päättyy).
    { "close",               "opened",               "closed",               "intake.case_closed" },
    { "close",               "assessment_started",   "closed",               "intake.case_closed" },
    { "close",               "assessment_completed", "closed",               "intake.case_closed" },
    { "close",               "plan_made",            "closed",               "intake.case_closed" },
    { "close",               "reviewed",             "closed",               "intake.case_closed" },
    { NULL }
};

static const char *const s_closure_reasons [] = {
    "goals_reached", "no_need", "no_legal_basis", "client_declines", "moved_to_other_service", NULL
};

static bool
s_in (const char *const *list, const char *word)
{
    for (; word && *list; list++)
        if (strcmp (*list, word) == 0)
            return true;
    return false;
}

const intake_case_transition_t *
intake_case_fsm_find (const char *state, const char *step)
{
    if (!state || !step)
        return NULL;
    for (const intake_case_transition_t *row = s_transitions; row->step; row++)
        if (strcmp (row->step, step) == 0 && strcmp (row->from, state) == 0)
            return row;
    return NULL;
}

bool
intake_case_fsm_is_state (const char *state)
{
    return s_in (s_states, state);
}

bool
intake_case_fsm_is_open (const char *state)
{
    return intake_case_fsm_is_state (state) && strcmp (state, "closed") != 0;
}

bool
intake_case_fsm_is_closure_reason (const char *reason)
{
    return s_in (s_closure_reasons, reason);
}
