/*  referral_fsm's statement request row (issue 20 part B): Kela may ask
    for a statement on its own four notice kinds while the matter is open
    or a statement could still follow, never on a partner referral or a
    §35 notice, never once the referral was declined, transferred or
    closed; asking changes no state and stops no clock. Checked for every
    kind and every state, allowed and forbidden alike. The module is
    compiled in, as in test_referral_fsm. */
#include "../../services/referral/referral_fsm.c"

#include <criterion/criterion.h>

TestSuite (referral_statement_fsm);

#define ST(name) KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_##name
#define KD(name) KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_##name

static bool
s_kela_kind (int kind)
{
    return kind == KD(SOCIAL_WORK_NEED) || kind == KD(PERSONAL_DISCUSSION)
        || kind == KD(APPLICATION_TRANSFER) || kind == KD(BASIC_AMOUNT_REDUCTION);
}

//  The states a statement may be asked in, written out by hand.
static bool
s_askable (int state)
{
    switch (state) {
        case ST(RECEIVED): case ST(ACKNOWLEDGED): case ST(ASSIGNED): case ST(CLIENT_CONTACTED):
        case ST(ASSESSMENT_BOOKED): case ST(ASSESSMENT_STARTED): case ST(ASSESSMENT_COMPLETED):
        case ST(ACCEPTED): case ST(UNREACHABLE): case ST(NO_NEED):
            return true;
        default:
            return false;
    }
}

Test (referral_statement_fsm, every_kind_and_state_allowed_or_forbidden)
{
    for (int kind = 0; kind <= 6; kind++)
        for (int state = 0; state <= 13; state++) {
            const referral_transition_t *row = referral_fsm_find (REFERRAL_OP_REQUEST_STATEMENT,
                                                                  (Kumppani__V1__ReferralKind) kind,
                                                                  (Kumppani__V1__ReferralState) state);
            bool expected = s_kela_kind (kind) && s_askable (state);
            cr_assert_eq (row != NULL, expected, "kind %d in %s: %s", kind,
                          referral_state_name ((Kumppani__V1__ReferralState) state),
                          expected ? "refused" : "allowed");
            if (!row)
                continue;
            cr_assert_eq (referral_fsm_target (row, (Kumppani__V1__ReferralState) state), state,
                          "asking moved the referral");
            cr_assert_str_eq (row->topic, "referral.statement_requested");
            cr_assert (!referral_fsm_stops_clock (row, "assessment_start"));
            cr_assert (!referral_fsm_stops_clock (row, "decision"));
            cr_assert (!referral_fsm_stops_clock (row, "personal_discussion"));
        }
}

Test (referral_statement_fsm, kinds_and_out_of_range)
{
    cr_assert (referral_fsm_kind_allows (REFERRAL_OP_REQUEST_STATEMENT, KD(SOCIAL_WORK_NEED)));
    cr_assert (referral_fsm_kind_allows (REFERRAL_OP_REQUEST_STATEMENT, KD(APPLICATION_TRANSFER)));
    cr_assert (!referral_fsm_kind_allows (REFERRAL_OP_REQUEST_STATEMENT, KD(PARTNER)));
    cr_assert (!referral_fsm_kind_allows (REFERRAL_OP_REQUEST_STATEMENT, KD(SECTION_35_NOTICE)));
    cr_assert_null (referral_fsm_find (REFERRAL_OP_REQUEST_STATEMENT, KD(SOCIAL_WORK_NEED),
                                       (Kumppani__V1__ReferralState) 40));
    cr_assert_null (referral_fsm_find (REFERRAL_OP_REQUEST_STATEMENT, (Kumppani__V1__ReferralKind) 40,
                                       ST(RECEIVED)));
}

//  Where a request can be made, a statement can follow: every askable
//  state but RECEIVED (the receiver acknowledges first) allows the answer.
Test (referral_statement_fsm, an_askable_state_can_be_answered)
{
    for (int state = 0; state <= 13; state++)
        if (s_askable (state) && state != ST(RECEIVED))
            cr_assert_not_null (referral_fsm_find (REFERRAL_OP_GIVE_STATEMENT, KD(SOCIAL_WORK_NEED),
                                                   (Kumppani__V1__ReferralState) state),
                                "asked in %s, but no statement can be given there",
                                referral_state_name ((Kumppani__V1__ReferralState) state));
}
