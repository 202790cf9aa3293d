/*  referral_fsm: the transition table read as rules — each kind's whole
    lifecycle is legal, the illegal moves are refused, terminal states
    stay terminal, no (op, kind, state) is ambiguous, and the clocks stop
    only on the steps that meet them. The module is compiled in here:
    unit tests link only libkp. */
#include "../../services/referral/referral_fsm.c"

#include <criterion/criterion.h>

TestSuite (referral_fsm);

#define ST(name) KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_##name
#define KD(name) KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_##name

//  Runs ops from RECEIVED and checks the state after each.
static void
s_walk (Kumppani__V1__ReferralKind kind, const referral_op_t *ops, const Kumppani__V1__ReferralState *states,
        size_t count)
{
    Kumppani__V1__ReferralState state = ST(UNSPECIFIED);
    const referral_transition_t *row = referral_fsm_find (REFERRAL_OP_SUBMIT, kind, state);
    cr_assert_not_null (row);
    state = referral_fsm_target (row, state);
    cr_assert_eq (state, ST(RECEIVED));
    for (size_t index = 0; index < count; index++) {
        row = referral_fsm_find (ops [index], kind, state);
        cr_assert_not_null (row, "kind %d: op %d refused in %s", kind, ops [index], referral_state_name (state));
        state = referral_fsm_target (row, state);
        cr_assert_eq (state, states [index], "kind %d step %zu: %s", kind, index, referral_state_name (state));
    }
}

Test (referral_fsm, notice_of_need_lifecycle)
{
    referral_op_t ops [] = { REFERRAL_OP_ACKNOWLEDGE, REFERRAL_OP_ASSIGN, REFERRAL_OP_CONTACT,
                             REFERRAL_OP_BOOK_ASSESSMENT, REFERRAL_OP_START_ASSESSMENT,
                             REFERRAL_OP_GIVE_STATEMENT, REFERRAL_OP_COMPLETE_ASSESSMENT,
                             REFERRAL_OP_ACCEPT, REFERRAL_OP_RECORD_OUTCOME };
    Kumppani__V1__ReferralState states [] = { ST(ACKNOWLEDGED), ST(ASSIGNED), ST(CLIENT_CONTACTED),
                                              ST(ASSESSMENT_BOOKED), ST(ASSESSMENT_STARTED),
                                              ST(ASSESSMENT_STARTED), ST(ASSESSMENT_COMPLETED),
                                              ST(ACCEPTED), ST(CLOSED) };
    s_walk (KD(SOCIAL_WORK_NEED), ops, states, 9);
    s_walk (KD(BASIC_AMOUNT_REDUCTION), ops, states, 9);
    s_walk (KD(PERSONAL_DISCUSSION), ops, states, 9);
}

Test (referral_fsm, application_transfer_lifecycle)
{
    referral_op_t ops [] = { REFERRAL_OP_ACKNOWLEDGE, REFERRAL_OP_RECORD_DECISION, REFERRAL_OP_RECORD_OUTCOME };
    Kumppani__V1__ReferralState states [] = { ST(ACKNOWLEDGED), ST(ACCEPTED), ST(CLOSED) };
    s_walk (KD(APPLICATION_TRANSFER), ops, states, 3);
}

Test (referral_fsm, partner_and_section_35_lifecycles)
{
    referral_op_t declined [] = { REFERRAL_OP_ACKNOWLEDGE, REFERRAL_OP_DECLINE };
    Kumppani__V1__ReferralState declined_states [] = { ST(ACKNOWLEDGED), ST(DECLINED) };
    s_walk (KD(PARTNER), declined, declined_states, 2);
    referral_op_t unreachable [] = { REFERRAL_OP_ACKNOWLEDGE, REFERRAL_OP_UNREACHABLE, REFERRAL_OP_CONTACT,
                                     REFERRAL_OP_NO_NEED, REFERRAL_OP_RECORD_OUTCOME };
    Kumppani__V1__ReferralState unreachable_states [] = { ST(ACKNOWLEDGED), ST(UNREACHABLE),
                                                          ST(CLIENT_CONTACTED), ST(NO_NEED), ST(CLOSED) };
    s_walk (KD(SECTION_35_NOTICE), unreachable, unreachable_states, 5);
    referral_op_t transferred [] = { REFERRAL_OP_TRANSFER, REFERRAL_OP_RECORD_OUTCOME };
    Kumppani__V1__ReferralState transferred_states [] = { ST(TRANSFERRED), ST(CLOSED) };
    s_walk (KD(PARTNER), transferred, transferred_states, 2);
}

Test (referral_fsm, illegal_moves_are_refused)
{
    cr_assert_null (referral_fsm_find (REFERRAL_OP_ACKNOWLEDGE, KD(PARTNER), ST(ACKNOWLEDGED)));
    cr_assert_null (referral_fsm_find (REFERRAL_OP_DECLINE, KD(PARTNER), ST(ACCEPTED)));
    cr_assert_null (referral_fsm_find (REFERRAL_OP_RECORD_OUTCOME, KD(PARTNER), ST(RECEIVED)));
    cr_assert_null (referral_fsm_find (REFERRAL_OP_COMPLETE_ASSESSMENT, KD(PARTNER), ST(ASSIGNED)));
    cr_assert_null (referral_fsm_find (REFERRAL_OP_SUBMIT, KD(PARTNER), ST(RECEIVED)));
    cr_assert_null (referral_fsm_find (REFERRAL_OP_RECORD_DECISION, KD(APPLICATION_TRANSFER), ST(ACCEPTED)),
                    "a decision is recorded once");
    //  The kind decides too: Kela asks for statements; only transfers get decisions.
    cr_assert_null (referral_fsm_find (REFERRAL_OP_GIVE_STATEMENT, KD(PARTNER), ST(ASSIGNED)));
    cr_assert (!referral_fsm_kind_allows (REFERRAL_OP_GIVE_STATEMENT, KD(SECTION_35_NOTICE)));
    cr_assert (!referral_fsm_kind_allows (REFERRAL_OP_RECORD_DECISION, KD(SOCIAL_WORK_NEED)));
    cr_assert (referral_fsm_kind_allows (REFERRAL_OP_RECORD_DECISION, KD(APPLICATION_TRANSFER)));
    //  Out-of-range input is refused, not indexed.
    cr_assert_null (referral_fsm_find (REFERRAL_OP_ACCEPT, KD(PARTNER), (Kumppani__V1__ReferralState) 99));
    cr_assert_null (referral_fsm_find (REFERRAL_OP_ACCEPT, (Kumppani__V1__ReferralKind) 77, ST(RECEIVED)));
}

Test (referral_fsm, terminal_states_stay_terminal)
{
    Kumppani__V1__ReferralState terminal [] = { ST(CLOSED), ST(DECLINED), ST(CANCELLED), ST(FORWARDED) };
    for (size_t t = 0; t < 4; t++)
        for (int op = 0; op < REFERRAL_OP_COUNT; op++)
            for (int kind = 1; kind <= 6; kind++)
                cr_assert_null (referral_fsm_find ((referral_op_t) op, (Kumppani__V1__ReferralKind) kind, terminal [t]),
                                "op %d leaves %s", op, referral_state_name (terminal [t]));
}

Test (referral_fsm, every_op_has_a_row_and_no_state_is_ambiguous)
{
    for (int op = 0; op < REFERRAL_OP_COUNT; op++) {
        bool any = false;
        for (int kind = 1; kind <= 6; kind++)
            for (int state = 0; state <= ST(FORWARDED); state++) {
                int rows = 0;
                for (size_t index = 0; index < sizeof s_table / sizeof s_table [0]; index++)
                    if (s_table [index].op == (referral_op_t) op
                    &&  (s_table [index].kinds == 0 || (s_table [index].kinds & (1u << kind)))
                    &&  (s_table [index].from & (1u << state)))
                        rows++;
                cr_assert_leq (rows, 1, "op %d, kind %d, state %d matches %d rows", op, kind, state, rows);
                any = any || rows == 1;
            }
        cr_assert (any, "op %d can never happen", op);
    }
    for (size_t index = 0; index < sizeof s_table / sizeof s_table [0]; index++)
        cr_assert (strncmp (s_table [index].topic, "referral.", 9) == 0);
}

Test (referral_fsm, clocks_stop_only_when_met)
{
    const referral_transition_t *start = referral_fsm_find (REFERRAL_OP_START_ASSESSMENT, KD(SOCIAL_WORK_NEED), ST(ASSIGNED));
    cr_assert (referral_fsm_stops_clock (start, "assessment_start"));
    cr_assert (referral_fsm_stops_clock (start, "personal_discussion"));
    cr_assert (!referral_fsm_stops_clock (start, "decision"), "an assessment is not the decision");
    cr_assert (!referral_fsm_stops_clock (start, ""));
    const referral_transition_t *decision = referral_fsm_find (REFERRAL_OP_RECORD_DECISION, KD(APPLICATION_TRANSFER), ST(RECEIVED));
    cr_assert (referral_fsm_stops_clock (decision, "decision"));
    const referral_transition_t *ack = referral_fsm_find (REFERRAL_OP_ACKNOWLEDGE, KD(PARTNER), ST(RECEIVED));
    cr_assert (!referral_fsm_stops_clock (ack, "assessment_start"), "acknowledging does not meet a deadline");
    const referral_transition_t *decline = referral_fsm_find (REFERRAL_OP_DECLINE, KD(PARTNER), ST(RECEIVED));
    cr_assert (referral_fsm_stops_clock (decline, "decision"));
}

Test (referral_fsm, status_updates_map_to_ops)
{
    cr_assert_eq (referral_fsm_status_op (ST(CLIENT_CONTACTED)), REFERRAL_OP_CONTACT);
    cr_assert_eq (referral_fsm_status_op (ST(TRANSFERRED)), REFERRAL_OP_TRANSFER);
    cr_assert_eq (referral_fsm_status_op (ST(ACCEPTED)), -1, "accepting has its own operation");
    cr_assert_eq (referral_fsm_status_op (ST(CLOSED)), -1);
    cr_assert_str_eq (referral_state_name (ST(ASSESSMENT_BOOKED)), "assessment_booked");
    cr_assert_str_eq (referral_state_name ((Kumppani__V1__ReferralState) 42), "unknown");
}

// ---------------------------------------------------------------------
// Cancel, hold, resume, forward (issue 20): for each, the exact set of
// states it is legal in, for every kind; every other state is refused.

//  op is legal in exactly the states of allowed (a bit per state), for every kind.
static void
s_exactly (referral_op_t op, unsigned allowed, const char *name)
{
    for (int kind = 1; kind <= 6; kind++)
        for (int state = 0; state <= ST(FORWARDED); state++) {
            bool legal = referral_fsm_find (op, (Kumppani__V1__ReferralKind) kind,
                                            (Kumppani__V1__ReferralState) state) != NULL;
            cr_assert_eq (legal, (allowed & (1u << state)) != 0, "%s, kind %d, in %s: %s", name, kind,
                          referral_state_name ((Kumppani__V1__ReferralState) state),
                          legal ? "allowed, should be refused" : "refused, should be allowed");
        }
}

#define B(name) (1u << ST(name))
#define BEFORE_ACCEPT (B(RECEIVED) | B(ACKNOWLEDGED) | B(ASSIGNED) | B(CLIENT_CONTACTED) \
                     | B(ASSESSMENT_BOOKED) | B(ASSESSMENT_STARTED) | B(ASSESSMENT_COMPLETED) | B(UNREACHABLE))

Test (referral_fsm, cancel_until_the_receiver_has_accepted)
{
    s_exactly (REFERRAL_OP_CANCEL, BEFORE_ACCEPT | B(ON_HOLD), "cancel");
    const referral_transition_t *row = referral_fsm_find (REFERRAL_OP_CANCEL, KD(SOCIAL_WORK_NEED), ST(ASSIGNED));
    cr_assert_eq (referral_fsm_target (row, ST(ASSIGNED)), ST(CANCELLED));
    cr_assert_str_eq (row->topic, "referral.cancelled");
    //  every clock stops
    cr_assert (referral_fsm_stops_clock (row, "assessment_start"));
    cr_assert (referral_fsm_stops_clock (row, "personal_discussion"));
    cr_assert (referral_fsm_stops_clock (row, "decision"));
    //  and nothing follows a cancellation
    for (int op = 0; op < REFERRAL_OP_COUNT; op++)
        cr_assert_null (referral_fsm_find ((referral_op_t) op, KD(PARTNER), ST(CANCELLED)), "op %d", op);
}

Test (referral_fsm, hold_pauses_and_resume_returns)
{
    s_exactly (REFERRAL_OP_HOLD, BEFORE_ACCEPT | B(ACCEPTED), "hold");
    s_exactly (REFERRAL_OP_RESUME, B(ON_HOLD), "resume");
    const referral_transition_t *hold = referral_fsm_find (REFERRAL_OP_HOLD, KD(PARTNER), ST(CLIENT_CONTACTED));
    cr_assert_eq (referral_fsm_target (hold, ST(CLIENT_CONTACTED)), ST(ON_HOLD));
    cr_assert_str_eq (hold->topic, "referral.held");
    cr_assert (hold->stops & REFERRAL_PAUSES);
    //  a pause is no stop: the clock is judged later, by the moved deadline
    cr_assert (!referral_fsm_stops_clock (hold, "assessment_start"));
    cr_assert (!referral_fsm_stops_clock (hold, "decision"));
    const referral_transition_t *resume = referral_fsm_find (REFERRAL_OP_RESUME, KD(PARTNER), ST(ON_HOLD));
    cr_assert_eq (resume->to, ST(UNSPECIFIED), "the target is the state held from (referral_hold)");
    cr_assert (resume->stops & REFERRAL_RESUMES);
    cr_assert (!referral_fsm_stops_clock (resume, "assessment_start"));
    //  on hold, only resume and cancel
    for (int op = 0; op < REFERRAL_OP_COUNT; op++)
        if (op != REFERRAL_OP_RESUME && op != REFERRAL_OP_CANCEL)
            cr_assert_null (referral_fsm_find ((referral_op_t) op, KD(SOCIAL_WORK_NEED), ST(ON_HOLD)), "op %d", op);
}

Test (referral_fsm, forward_leaves_the_parent_forwarded)
{
    s_exactly (REFERRAL_OP_FORWARD, BEFORE_ACCEPT | B(ACCEPTED), "forward");
    const referral_transition_t *row = referral_fsm_find (REFERRAL_OP_FORWARD, KD(PARTNER), ST(ACCEPTED));
    cr_assert_eq (referral_fsm_target (row, ST(ACCEPTED)), ST(FORWARDED));
    cr_assert_str_eq (row->topic, "referral.forwarded");
    cr_assert (referral_fsm_stops_clock (row, "assessment_start"), "the child starts its own clock");
    cr_assert (referral_fsm_stops_clock (row, "decision"));
    //  TRANSFERRED is still the dead end outside the exchange: no forward from it
    cr_assert_null (referral_fsm_find (REFERRAL_OP_FORWARD, KD(PARTNER), ST(TRANSFERRED)));
    cr_assert_null (referral_fsm_find (REFERRAL_OP_RECORD_OUTCOME, KD(PARTNER), ST(FORWARDED)),
                    "the outcome is the child's");
}

Test (referral_fsm, new_states_are_named_as_stored)
{
    cr_assert_str_eq (referral_state_name (ST(CANCELLED)), "cancelled");
    cr_assert_str_eq (referral_state_name (ST(ON_HOLD)), "on_hold");
    cr_assert_str_eq (referral_state_name (ST(FORWARDED)), "forwarded");
    cr_assert_eq (referral_fsm_status_op (ST(CANCELLED)), -1, "cancel has its own operation");
    cr_assert_eq (referral_fsm_status_op (ST(ON_HOLD)), -1);
    cr_assert_eq (referral_fsm_status_op (ST(FORWARDED)), -1);
}

Test (referral_fsm, a_held_referral_is_judged_by_the_state_it_was_held_from)
{
    //  Accepted, then held: the sender may not cancel it (issue 20: "until
    //  the receiver has accepted"); held before acceptance it may.
    cr_assert_null (referral_fsm_find_held (REFERRAL_OP_CANCEL, KD(SOCIAL_WORK_NEED), ST(ON_HOLD), ST(ACCEPTED)));
    cr_assert_not_null (referral_fsm_find_held (REFERRAL_OP_CANCEL, KD(SOCIAL_WORK_NEED), ST(ON_HOLD), ST(ASSIGNED)));
    cr_assert_not_null (referral_fsm_find_held (REFERRAL_OP_CANCEL, KD(PARTNER), ST(ON_HOLD), ST(UNREACHABLE)));
    //  resume returns to any state it was held from, accepted too
    cr_assert_not_null (referral_fsm_find_held (REFERRAL_OP_RESUME, KD(PARTNER), ST(ON_HOLD), ST(ACCEPTED)));
    //  off hold it is referral_fsm_find itself
    for (int op = 0; op < REFERRAL_OP_COUNT; op++)
        for (int state = 0; state < (int) kumppani__v1__referral_state__descriptor.n_values; state++) {
            Kumppani__V1__ReferralState value = kumppani__v1__referral_state__descriptor.values [state].value;
            if (value != ST(ON_HOLD))
                cr_assert_eq (referral_fsm_find_held ((referral_op_t) op, KD(PARTNER), value, ST(ACCEPTED)),
                              referral_fsm_find ((referral_op_t) op, KD(PARTNER), value), "op %d state %d", op, value);
        }
}
