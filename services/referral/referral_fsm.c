/*  referral_fsm — the transition table. Reading it whole is the point:
    every legal move of a referral is one row here, nowhere else. */
#include "referral_fsm.h"
#include "kp_enum.h"

#include <stddef.h>
#include <string.h>

#define S(name)   (1u << KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_##name)
#define K(name)   (1u << KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_##name)
#define TO(name)  KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_##name

//  Kela's four notices; a statement (lausunto) is given only to Kela.
#define KELA_KINDS  (K(SOCIAL_WORK_NEED) | K(PERSONAL_DISCUSSION) \
                   | K(APPLICATION_TRANSFER) | K(BASIC_AMOUNT_REDUCTION))
//  The matter is with the receiver and not yet settled.
#define OPEN        (S(RECEIVED) | S(ACKNOWLEDGED) | S(ASSIGNED) | S(CLIENT_CONTACTED) \
                   | S(ASSESSMENT_BOOKED) | S(ASSESSMENT_STARTED) | S(ASSESSMENT_COMPLETED))
//  Work on the client has not begun yet.
#define EARLY       (S(RECEIVED) | S(ACKNOWLEDGED) | S(ASSIGNED))

static const referral_transition_t s_table [] = {
    //  op                               kinds       from                                      to                       topic                          stops
    { REFERRAL_OP_SUBMIT,                0,          S(UNSPECIFIED),                           TO(RECEIVED),            "referral.received",           0 },
    { REFERRAL_OP_ACKNOWLEDGE,           0,          S(RECEIVED),                              TO(ACKNOWLEDGED),        "referral.acknowledged",       0 },
    { REFERRAL_OP_ASSIGN,                0,          S(RECEIVED) | S(ACKNOWLEDGED),            TO(ASSIGNED),            "referral.assigned",           0 },
    //  a new responsible worker later on does not move the work backwards
    { REFERRAL_OP_ASSIGN,                0,          (OPEN & ~EARLY) | S(ASSIGNED) | S(ACCEPTED) | S(UNREACHABLE),
                                                                                               TO(UNSPECIFIED),         "referral.assigned",           0 },
    { REFERRAL_OP_CONTACT,               0,          S(ACKNOWLEDGED) | S(ASSIGNED) | S(UNREACHABLE),
                                                                                               TO(CLIENT_CONTACTED),    "referral.status_changed",     0 },
    { REFERRAL_OP_BOOK_ASSESSMENT,       0,          S(ACKNOWLEDGED) | S(ASSIGNED) | S(CLIENT_CONTACTED) | S(UNREACHABLE),
                                                                                               TO(ASSESSMENT_BOOKED),   "referral.status_changed",     0 },
    //  intake may start the assessment before the referral is acknowledged
    { REFERRAL_OP_START_ASSESSMENT,      0,          EARLY | S(CLIENT_CONTACTED) | S(ASSESSMENT_BOOKED) | S(UNREACHABLE),
                                                                                               TO(ASSESSMENT_STARTED),  "referral.status_changed",     REFERRAL_STOPS_ASSESSMENT },
    { REFERRAL_OP_COMPLETE_ASSESSMENT,   0,          S(ASSESSMENT_STARTED),                    TO(ASSESSMENT_COMPLETED),"referral.status_changed",     REFERRAL_STOPS_ASSESSMENT },
    { REFERRAL_OP_UNREACHABLE,           0,          (EARLY & ~S(RECEIVED)) | S(CLIENT_CONTACTED) | S(ASSESSMENT_BOOKED),
                                                                                               TO(UNREACHABLE),         "referral.status_changed",     0 },
    { REFERRAL_OP_NO_NEED,               0,          (OPEN & ~S(RECEIVED)) | S(UNREACHABLE),   TO(NO_NEED),             "referral.status_changed",     REFERRAL_STOPS_ALL },
    { REFERRAL_OP_TRANSFER,              0,          OPEN | S(UNREACHABLE),                    TO(TRANSFERRED),         "referral.status_changed",     REFERRAL_STOPS_ALL },
    { REFERRAL_OP_ACCEPT,                0,          OPEN,                                     TO(ACCEPTED),            "referral.accepted",           0 },
    { REFERRAL_OP_DECLINE,               0,          EARLY,                                    TO(DECLINED),            "referral.declined",           REFERRAL_STOPS_ALL },
    { REFERRAL_OP_RECORD_OUTCOME,        0,          S(ACCEPTED) | S(ASSESSMENT_COMPLETED) | S(NO_NEED) | S(UNREACHABLE) | S(TRANSFERRED),
                                                                                               TO(CLOSED),              "referral.outcome_recorded",   REFERRAL_STOPS_ALL },
    { REFERRAL_OP_GIVE_STATEMENT,        KELA_KINDS, (OPEN & ~S(RECEIVED)) | S(ACCEPTED) | S(UNREACHABLE) | S(NO_NEED),
                                                                                               TO(UNSPECIFIED),         "referral.statement_given",    0 },
    //  Kela may ask while the matter is open or a statement could still follow
    { REFERRAL_OP_REQUEST_STATEMENT,     KELA_KINDS, OPEN | S(ACCEPTED) | S(UNREACHABLE) | S(NO_NEED),
                                                                                               TO(UNSPECIFIED),         "referral.statement_requested", 0 },
    //  the decision on a transferred application is the municipality taking it on
    { REFERRAL_OP_RECORD_DECISION,       K(APPLICATION_TRANSFER), OPEN,                        TO(ACCEPTED),            "referral.decision_recorded",  REFERRAL_STOPS_DECISION },
    //  the sender may withdraw until the receiver has accepted (or ended it)
    { REFERRAL_OP_CANCEL,                0,          OPEN | S(UNREACHABLE) | S(ON_HOLD),       TO(CANCELLED),           "referral.cancelled",          REFERRAL_STOPS_ALL },
    { REFERRAL_OP_HOLD,                  0,          OPEN | S(UNREACHABLE) | S(ACCEPTED),      TO(ON_HOLD),             "referral.held",               REFERRAL_PAUSES },
    //  to the state it was held from (held_from; referral_hold)
    { REFERRAL_OP_RESUME,                0,          S(ON_HOLD),                               TO(UNSPECIFIED),         "referral.resumed",            REFERRAL_RESUMES },
    //  the child referral carries the matter and starts its own clock
    { REFERRAL_OP_FORWARD,               0,          OPEN | S(UNREACHABLE) | S(ACCEPTED),      TO(FORWARDED),           "referral.forwarded",          REFERRAL_STOPS_ALL },
};

const referral_transition_t *
referral_fsm_find (referral_op_t op, Kumppani__V1__ReferralKind kind, Kumppani__V1__ReferralState state)
{
    if ((unsigned) state >= 32 || (unsigned) kind >= 32)
        return NULL;
    for (size_t index = 0; index < sizeof s_table / sizeof s_table [0]; index++) {
        const referral_transition_t *row = &s_table [index];
        if (row->op == op
        &&  (row->kinds == 0 || (row->kinds & (1u << kind)))
        &&  (row->from & (1u << state)))
            return row;
    }
    return NULL;
}

const referral_transition_t *
referral_fsm_find_held (referral_op_t op, Kumppani__V1__ReferralKind kind, Kumppani__V1__ReferralState state,
                        Kumppani__V1__ReferralState held_from)
{
    const referral_transition_t *row = referral_fsm_find (op, kind, state);
    //  Resume is what a hold is for; any other step on a held referral
    //  must also be one the state before the hold allowed.
    if (row && state == KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_ON_HOLD && op != REFERRAL_OP_RESUME
    &&  held_from != KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_UNSPECIFIED
    &&  !referral_fsm_find (op, kind, held_from))
        return NULL;
    return row;
}

bool
referral_fsm_kind_allows (referral_op_t op, Kumppani__V1__ReferralKind kind)
{
    if ((unsigned) kind >= 32)
        return false;
    for (size_t index = 0; index < sizeof s_table / sizeof s_table [0]; index++)
        if (s_table [index].op == op
        &&  (s_table [index].kinds == 0 || (s_table [index].kinds & (1u << kind))))
            return true;
    return false;
}

Kumppani__V1__ReferralState
referral_fsm_target (const referral_transition_t *transition, Kumppani__V1__ReferralState state)
{
    return transition->to == KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_UNSPECIFIED
         ? state : transition->to;
}

bool
referral_fsm_stops_clock (const referral_transition_t *transition, const char *deadline_kind)
{
    if (!deadline_kind || !*deadline_kind)
        return false;
    if (strcmp (deadline_kind, "decision") == 0)
        return (transition->stops & REFERRAL_STOPS_DECISION) != 0;
    return (transition->stops & REFERRAL_STOPS_ASSESSMENT) != 0;
}

const char *
referral_state_name (Kumppani__V1__ReferralState state)
{
    //  The database's label (kp_enum), not a copy of it. A few buffers in
    //  turn: one message may name several states.
    static __thread char names [4][KP_ENUM_CODE_MAX];
    static __thread unsigned next;
    if (state == KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_UNSPECIFIED)
        return "unspecified";
    char *name = names [next++ % 4];
    return kp_enum_code (&kumppani__v1__referral_state__descriptor, (int) state, name, KP_ENUM_CODE_MAX)
         ? name : "unknown";
}

int
referral_fsm_status_op (Kumppani__V1__ReferralState status)
{
    switch (status) {
        case KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_CLIENT_CONTACTED:     return REFERRAL_OP_CONTACT;
        case KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_ASSESSMENT_BOOKED:    return REFERRAL_OP_BOOK_ASSESSMENT;
        case KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_ASSESSMENT_STARTED:   return REFERRAL_OP_START_ASSESSMENT;
        case KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_ASSESSMENT_COMPLETED: return REFERRAL_OP_COMPLETE_ASSESSMENT;
        case KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_UNREACHABLE:          return REFERRAL_OP_UNREACHABLE;
        case KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_NO_NEED:              return REFERRAL_OP_NO_NEED;
        case KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_TRANSFERRED:          return REFERRAL_OP_TRANSFER;
        default:                                                                return -1;
    }
}
