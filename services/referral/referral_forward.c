/*  referral_forward — the receiver passes a referral on (ForwardReferral)
    to another registered, active organisation. A child referral goes out,
    linked to its parent and to the first referral of the chain, after the
    same recipient checks SubmitReferral makes and the disclosure check
    (the client's consent to the new recipient, or the legal basis); the
    parent shows FORWARDED, its clocks stop, and the child starts its own.
    The chain's first sender follows the child to its end (referral_chain).
    TRANSFERRED stays what it was: the matter went elsewhere outside this
    exchange, and nothing follows it. */
#include "referral_access.h"
#include "referral_cancel.h"
#include "referral_deadline.h"
#include "referral_fsm.h"
#include "referral_handlers.h"
#include "referral_limits.h"
#include "referral_read.h"
#include "referral_record.h"
#include "kp_calendar.h"
#include "kp_check.h"
#include "kp_db.h"
#include "kp_disclosure.h"
#include "kp_enum.h"
#include "kp_ids.h"
#include "kp_organiser.h"
#include "kp_server.h"

#include <stdio.h>
#include <string.h>

#define FORWARD_TOKEN_MAX 64

static bool
s_statutory (Kumppani__V1__ReferralKind kind)
{
    return kind != KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_PARTNER;
}

//  The body, in the order a forwarder would fix it; 0 when all pass.
static int
s_validate (kp_call_t *call, const Kumppani__V1__ForwardReferral *body, const referral_t *parent,
            const char *municipality)
{
    if (!kp_check_token (body->recipient_org, FORWARD_TOKEN_MAX))
        return kp_check_invalid (call, "referral.bad_recipient", "forward_referral.recipient_org",
                                 "the receiving organisation's id");
    if (strcmp (body->recipient_org, call->identity->org_id) == 0)
        return kp_check_invalid (call, "referral.self_referral", "forward_referral.recipient_org",
                                 "a referral goes to another organisation");
    if (!kp_org_type_in (body->recipient_type, REFERRAL_RECEIVERS))
        return kp_check_invalid (call, "referral.bad_recipient_type", "forward_referral.recipient_type",
                                 "the receiving organisation's type (municipality, ngo, …)");
    //  Kela's notices and §35 notices carry a statutory duty: only another
    //  organiser of social services can take it on.
    if (s_statutory (parent->kind) && !kp_org_type_in (body->recipient_type, KP_ORGANISER_TYPES))
        return kp_check_invalid (call, "referral.recipient_not_municipality", "forward_referral.recipient_type",
                                 "Kela's notices and §35 notices go on only to an organiser of social services");
    if (*body->municipality && !kp_check_municipality (body->municipality))
        return kp_check_invalid (call, "referral.unknown_municipality", "forward_referral.municipality",
                                 "a three-digit municipality code");
    if (*body->consent_ref && !kp_check_token (body->consent_ref, FORWARD_TOKEN_MAX))
        return kp_check_invalid (call, "referral.bad_consent_ref", "forward_referral.consent_ref",
                                 "1-64 of A-Z a-z 0-9 . _ -");
    if (referral_check_reason (call, "forward_referral", body->reason_code, body->note))
        return -1;
    //  The registry, as SubmitReferral reads it.
    char type [32] = "";
    kp_org_state_t state = kp_organiser_lookup (body->recipient_org, type, sizeof type);
    if (state == KP_ORG_UNKNOWN)
        return kp_check_invalid (call, "referral.unknown_recipient", "forward_referral.recipient_org",
                                 "no registered organisation has this id");
    if (strcmp (type, body->recipient_type) != 0)
        return kp_check_invalid (call, "referral.recipient_type_mismatch", "forward_referral.recipient_type",
                                 "the recipient is registered as another type of organisation");
    if (state == KP_ORG_INACTIVE)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "referral.recipient_inactive",
                             "forward_referral.recipient_org", "the recipient organisation is not active");
    if (kp_org_type_in (body->recipient_type, KP_ORGANISER_TYPES)
    &&  !kp_organiser_org_organises (body->recipient_org, municipality))
        return kp_check_invalid (call, "referral.recipient_not_organiser", "forward_referral.recipient_org",
                                 "the recipient does not organise social services in this municipality");
    return 0;
}

//  The one disclosure check. A forwarder that keeps the client in intake
//  (it organises the municipality) needs the client's consent to the new
//  recipient, or the basis; any other forwarder names the consent it
//  holds itself, and only a ban the client made stops it (as submitting).
static int
s_check_disclosure (kp_call_t *call, const Kumppani__V1__ForwardReferral *body, const referral_t *parent,
                    const char *child_id, kp_disclosure_verdict_t *verdict)
{
    bool keeper = kp_organiser_of (call->identity, parent->municipality);
    const char *basis = KP_DISCLOSURE_CLIENT_REQUEST;
    if (parent->legal_basis == KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CONSENT)
        basis = keeper ? KP_DISCLOSURE_CONSENT : KP_DISCLOSURE_RECIPIENT_CONSENT;
    else
    if (parent->legal_basis == KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_SECTION_35)
        basis = KP_DISCLOSURE_SECTION_35;
    kp_disclosure_t disclosure = {
        .client_id = kp_id_valid (parent->client_ref) ? parent->client_ref : "",
        .municipality = parent->municipality, .referral_id = parent->id,
        .recipient_org = body->recipient_org, .scope = "referral", .basis = basis,
        .consent_ref = body->consent_ref, .object_id = child_id
    };
    return kp_disclosure_allow (call, &disclosure, verdict);
}

int
referral_forward (kp_call_t *call)
{
    const Kumppani__V1__ForwardReferral *body = call->request->forward_referral;
    referral_t parent;
    if (referral_find_for (call, "forward_referral", body->referral_id, &parent))
        return -1;
    if (!referral_access_is_recipient (call->identity, &parent))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, "referral.forbidden",
                             NULL, "only the receiving organisation may forward a referral");
    const char *municipality = *body->municipality ? body->municipality : parent.municipality;
    if (s_validate (call, body, &parent, municipality))
        return -1;
    if (!referral_access_disclosure_allowed (&parent))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, "referral.consent_withdrawn",
                             NULL, "the client withdrew the consent this referral rests on");
    const referral_transition_t *transition = referral_fsm_find (REFERRAL_OP_FORWARD, parent.kind, parent.state);
    if (!transition) {
        char message [128];
        snprintf (message, sizeof message, "not possible while the referral is %s",
                  referral_state_name (parent.state));
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "referral.illegal_transition",
                             NULL, kp_call_strdup (call, message));
    }
    if (parent.legal_basis == KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CONSENT
    &&  !kp_organiser_of (call->identity, parent.municipality) && !*body->consent_ref)
        return kp_check_invalid (call, "referral.consent_required", "forward_referral.consent_ref",
                                 "a forward on consent names the client's consent to the new recipient");
    char child_id [KP_ID_LEN + 1];
    kp_id_new (child_id);
    kp_disclosure_verdict_t verdict = { .client_id = "" };
    if (s_check_disclosure (call, body, &parent, child_id, &verdict))
        return -1;

    //  The child: the parent's client and content, the forwarder's note,
    //  its own clock when it goes to social services.
    kp_date_t today = kp_db_today (call->db);
    referral_deadline_t clock = referral_deadline_for (parent.kind, parent.urgent,
                                                       kp_org_type_in (body->recipient_type, KP_ORGANISER_TYPES),
                                                       today);
    char received [11], deadline [11], warning [11];
    kp_date_format (today, received);
    if (clock.kind) {
        kp_date_format (clock.deadline, deadline);
        kp_date_format (clock.warning_on, warning);
    }
    const char *values [] = {
        parent.id, child_id, call->identity->org_id, call->identity->org_type, call->request->actor->person_id,
        body->recipient_org, body->recipient_type, municipality, received,
        clock.kind ? deadline : NULL, clock.kind, clock.kind ? warning : NULL, body->consent_ref, body->note
    };
    PGresult *result = kp_db_exec (call->db, "referral_forward_child", 14, values);
    if (!result)
        return kp_call_db_fail (call);
    PQclear (result);
    //  An imported child's notices that fell before the import's own day
    //  are past, as an imported submission's (referral_notices_past).
    if (clock.kind && kp_db_imported (call->db)) {
        char real_today [11];
        kp_date_format (kp_date_today (), real_today);
        const char *past [] = { child_id, real_today };
        if (kp_db_run (call->db, "referral_notices_past", 2, past))
            return kp_call_db_fail (call);
    }
    referral_t child;
    if (referral_record_load (call->db, child_id, true, &child) != 1)
        return kp_call_db_fail (call);
    referral_actor_t actor = {
        call->identity->org_id, call->request->actor->person_id, kp_role_name (call->request->actor->role)
    };
    char received_code [KP_ENUM_CODE_MAX];
    const char *history [] = {
        child.id, call->operation, NULL,
        kp_enum_code (&kumppani__v1__referral_state__descriptor, (int) child.state, received_code,
                      sizeof received_code),
        actor.org, actor.person, actor.role, body->reason_code, ""
    };
    result = kp_db_exec (call->db, "referral_history_insert", 9, history);
    if (!result)
        return kp_call_db_fail (call);
    PQclear (result);
    //  What the disclosure rests on, for a withdrawal or ban to reach it.
    if (*verdict.client_id) {
        const char *basis = KP_DISCLOSURE_CLIENT_REQUEST;
        if (parent.legal_basis == KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CONSENT)
            basis = KP_DISCLOSURE_CONSENT;
        else
        if (parent.legal_basis == KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_SECTION_35)
            basis = KP_DISCLOSURE_SECTION_35;
        const char *rests [] = { child.id, verdict.client_id, verdict.consent_id, basis };
        result = kp_db_exec (call->db, "referral_set_disclosure", 4, rests);
        if (!result)
            return kp_call_db_fail (call);
        PQclear (result);
    }

    Kumppani__V1__ReferralState previous = parent.state;
    if (referral_record_transition (call->db, &parent, transition, &actor, call->operation,
                                    body->reason_code, body->note))
        return kp_call_db_fail (call);
    //  Forwarding discloses the client to the new recipient.
    if (kp_call_audit (call, child.client_ref, referral_basis_name (child.legal_basis),
                       child.recipient_org, child.id))
        return kp_call_db_fail (call);
    if (referral_read_view (call, &parent, false))
        return -1;
    if (referral_record_emit (call->db, &child, "referral.received",
                              KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_UNSPECIFIED, "")
    ||  referral_record_emit (call->db, &parent, transition->topic, previous, body->reason_code))
        return kp_call_db_fail (call);
    return 0;
}
