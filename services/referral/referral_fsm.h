/*  referral_fsm — the referral lifecycle as one transition table: which
    operation may move a referral of which kind from which state to which,
    the event topic it emits, and which deadline clocks it stops. */
#ifndef REFERRAL_FSM_H
#define REFERRAL_FSM_H

#include "kumppani/v1/referral.pb-c.h"

#include <stdbool.h>

typedef enum {
    REFERRAL_OP_SUBMIT = 0,
    REFERRAL_OP_ACKNOWLEDGE,
    REFERRAL_OP_ASSIGN,
    REFERRAL_OP_CONTACT,                //  UpdateReferralStatus: CLIENT_CONTACTED
    REFERRAL_OP_BOOK_ASSESSMENT,
    REFERRAL_OP_START_ASSESSMENT,       //  also intake.assessment_started
    REFERRAL_OP_COMPLETE_ASSESSMENT,
    REFERRAL_OP_UNREACHABLE,
    REFERRAL_OP_NO_NEED,
    REFERRAL_OP_TRANSFER,
    REFERRAL_OP_ACCEPT,
    REFERRAL_OP_DECLINE,
    REFERRAL_OP_RECORD_OUTCOME,
    REFERRAL_OP_GIVE_STATEMENT,
    REFERRAL_OP_RECORD_DECISION,
    REFERRAL_OP_REQUEST_STATEMENT,      //  Kela asks for the statement (referral_statement)
    REFERRAL_OP_CANCEL,                 //  the sender withdraws it (referral_cancel)
    REFERRAL_OP_HOLD,                   //  referral_hold
    REFERRAL_OP_RESUME,                 //  back to the state it was held from
    REFERRAL_OP_FORWARD,                //  referral_forward: a child referral goes out
    REFERRAL_OP_COUNT
} referral_op_t;

//  Which running clock a transition stops.
#define REFERRAL_STOPS_ASSESSMENT   1   //  assessment_start and personal_discussion clocks
#define REFERRAL_STOPS_DECISION     2   //  the decision clock of a transferred application
#define REFERRAL_STOPS_ALL          3   //  the matter has ended one way or another
#define REFERRAL_PAUSES             4   //  running clocks pause (on hold)
#define REFERRAL_RESUMES            8   //  paused clocks run again, later by the held working days

typedef struct {
    referral_op_t op;
    unsigned kinds;                     //  bit per ReferralKind; 0 = every kind
    unsigned from;                      //  bit per ReferralState
    Kumppani__V1__ReferralState to;     //  UNSPECIFIED: the state does not change
    const char *topic;
    unsigned stops;                     //  REFERRAL_STOPS_*
} referral_transition_t;

//  The row allowing op on a referral of kind in state, or NULL: illegal.
const referral_transition_t *referral_fsm_find (referral_op_t op, Kumppani__V1__ReferralKind kind,
                                                Kumppani__V1__ReferralState state);
//  The same for a referral in state that, if on hold, was held from
//  held_from: a held referral is judged by the state it was held from
//  too (the sender may not cancel what the receiver accepted and then
//  held). NULL: illegal.
const referral_transition_t *referral_fsm_find_held (referral_op_t op, Kumppani__V1__ReferralKind kind,
                                                     Kumppani__V1__ReferralState state,
                                                     Kumppani__V1__ReferralState held_from);
//  True if op applies to referrals of kind in some state.
bool referral_fsm_kind_allows (referral_op_t op, Kumppani__V1__ReferralKind kind);
//  The state after the transition.
Kumppani__V1__ReferralState referral_fsm_target (const referral_transition_t *transition,
                                                 Kumppani__V1__ReferralState state);
//  True if the transition stops a running clock of deadline_kind.
bool referral_fsm_stops_clock (const referral_transition_t *transition, const char *deadline_kind);
//  "REFERRAL_STATE_ACKNOWLEDGED" → "acknowledged"; static, "unknown" if out of range.
const char *referral_state_name (Kumppani__V1__ReferralState state);
//  The operation for an UpdateReferralStatus target state, or -1 if that
//  status cannot be set by an update.
int referral_fsm_status_op (Kumppani__V1__ReferralState status);

#endif
