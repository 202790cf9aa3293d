/*  referral_cancel — the sender withdraws its referral (CancelReferral),
    with a reason, until the receiver has accepted it; after that the
    refusal names the state it is in. The receiver sees referral.cancelled
    and every clock stops. Also the first step every request about one
    referral takes here: find it, or answer as an unknown id does. */
#include "referral_access.h"
#include "referral_cancel.h"
#include "referral_fsm.h"
#include "referral_handlers.h"
#include "referral_hold.h"
#include "referral_limits.h"
#include "referral_read.h"
#include "referral_record.h"
#include "kp_check.h"
#include "kp_ids.h"
#include "kp_server.h"

#include <stdio.h>
#include <string.h>

int
referral_find_for (kp_call_t *call, const char *body, const char *id, referral_t *referral)
{
    char field [64];
    snprintf (field, sizeof field, "%s.referral_id", body);
    if (!kp_id_valid (id))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "referral.bad_id",
                             kp_call_strdup (call, field), "a referral id (26 characters)");
    int found = referral_record_load (call->db, id, true, referral);
    if (found < 0)
        return kp_call_db_fail (call);
    //  Not found and not yours look the same: existence is not disclosed.
    if (!found || !referral_access_may_see (call->identity, referral))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_NOT_FOUND, "referral.not_found",
                             kp_call_strdup (call, field), "no such referral");
    return 0;
}

int
referral_check_reason (kp_call_t *call, const char *body, const char *reason_code, const char *note)
{
    char field [64];
    if (!kp_check_code (reason_code, REFERRAL_CODE_MAX)) {
        snprintf (field, sizeof field, "%s.reason_code", body);
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "referral.bad_reason_code",
                             kp_call_strdup (call, field), "1-64 of a-z 0-9 _");
    }
    if (strlen (note) > REFERRAL_NOTE_MAX) {
        snprintf (field, sizeof field, "%s.note", body);
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "referral.note_too_long",
                             kp_call_strdup (call, field), "at most 2000 bytes of note");
    }
    return 0;
}

int
referral_cancel (kp_call_t *call)
{
    const Kumppani__V1__CancelReferral *body = call->request->cancel_referral;
    referral_t referral;
    if (referral_find_for (call, "cancel_referral", body->referral_id, &referral))
        return -1;
    if (strcmp (call->identity->org_id, referral.sender_org) != 0)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, "referral.forbidden",
                             NULL, "only the sender may cancel its referral");
    if (referral_check_reason (call, "cancel_referral", body->reason_code, body->note))
        return -1;
    const referral_transition_t *transition = referral_fsm_find_held (REFERRAL_OP_CANCEL, referral.kind,
                                                                      referral.state, referral.held_from);
    if (!transition) {
        //  The code names the state, so a client can tell "accepted" from
        //  "already ended" without parsing the message; a held referral's
        //  is the state it was held from (accepted, then held).
        // error codes: referral.already_accepted referral.already_declined referral.already_no_need
        // error codes: referral.already_transferred referral.already_closed referral.already_cancelled
        // error codes: referral.already_forwarded
        bool held = referral.state == KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_ON_HOLD;
        Kumppani__V1__ReferralState named = held ? referral.held_from : referral.state;
        char code [64], message [160];
        snprintf (code, sizeof code, "referral.already_%s", referral_state_name (named));
        snprintf (message, sizeof message, "the referral is %s%s: it can no longer be cancelled",
                  held ? "on hold, held from " : "", referral_state_name (named));
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, kp_call_strdup (call, code),
                             NULL, kp_call_strdup (call, message));
    }
    Kumppani__V1__ReferralState previous = referral.state;
    //  A held referral's hold ends first: its held days do not count
    //  against the deadline the stopped clock is judged by.
    if (previous == KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_ON_HOLD && referral_hold_end (call->db, &referral))
        return kp_call_db_fail (call);
    referral_actor_t actor = {
        call->identity->org_id, call->request->actor->person_id, kp_role_name (call->request->actor->role)
    };
    if (referral_record_transition (call->db, &referral, transition, &actor, call->operation,
                                    body->reason_code, body->note))
        return kp_call_db_fail (call);
    if (kp_call_audit (call, referral.client_ref, referral_basis_name (referral.legal_basis),
                       referral.recipient_org, referral.id))
        return kp_call_db_fail (call);
    if (referral_read_view (call, &referral, false))
        return -1;
    if (referral_record_emit (call->db, &referral, transition->topic, previous, body->reason_code))
        return kp_call_db_fail (call);
    return 0;
}
