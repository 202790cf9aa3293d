/*  intake_case_fsm — the adult social work client process (SOS) as one
    transition table: opened → assessment_started → assessment_completed →
    plan_made → (reviewed)* → closed; closure from any open state with a
    reason. Pure: no database, no protobuf, so it is unit-tested alone. */
#ifndef INTAKE_CASE_FSM_H
#define INTAKE_CASE_FSM_H

#include <stdbool.h>

typedef struct {
    const char *step;               //  "start_assessment", …
    const char *from;               //  state before
    const char *to;                 //  state after
    const char *topic;              //  the event the step emits
} intake_case_transition_t;

//  The transition for step from state, or NULL if the step is illegal there
//  (or either name is unknown).
const intake_case_transition_t *intake_case_fsm_find (const char *state, const char *step);
//  True for a known state name.
bool intake_case_fsm_is_state (const char *state);
//  True while the case is open (every state but closed).
bool intake_case_fsm_is_open (const char *state);
//  True for one of the closure reason codes (goals_reached, …).
bool intake_case_fsm_is_closure_reason (const char *reason);

#endif
