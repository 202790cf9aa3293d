/*  referral_submit — a new referral: Kela's four notices, §35 notices
    and partner referrals. Validates everything a receiver relies on
    (one addressed to social services goes to the organiser of the
    municipality it names: kp_organiser), keeps the henkilötunnus only encrypted with a keyed lookup hash, starts
    the statutory clock, and emits referral.received (no identity in it). */
#include "referral_access.h"
#include "referral_context.h"
#include "referral_deadline.h"
#include "referral_fsm.h"
#include "referral_handlers.h"
#include "referral_limits.h"
#include "referral_read.h"
#include "referral_record.h"
#include "kp_audit.h"
#include "kp_calendar.h"
#include "kp_check.h"
#include "kp_db.h"
#include "kp_disclosure.h"
#include "kp_enum.h"
#include "kp_hetu.h"
#include "kp_ids.h"
#include "kp_organiser.h"
#include "kp_outbox.h"
#include "kp_row.h"
#include "kp_server.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KELA_DECISION_ID_MAX 64
//  Organisation ids and pseudonymous refs.
#define REFERRAL_TOKEN_MAX 64

static bool
s_is_kela_kind (Kumppani__V1__ReferralKind kind)
{
    return kind >= KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_SOCIAL_WORK_NEED
        && kind <= KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_BASIC_AMOUNT_REDUCTION;
}

//  The checks in the order a sender would fix them; 0 when all pass.
static int
s_validate (kp_call_t *call, const Kumppani__V1__SubmitReferral *body)
{
    if (body->kind <= KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_UNSPECIFIED
    ||  body->kind > KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_SECTION_35_NOTICE)
        return kp_check_invalid (call, "referral.bad_kind", "submit_referral.kind", "a referral kind");
    if (!referral_access_may_submit (call->identity->org_type, body->kind))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, "referral.forbidden",
                             "submit_referral.kind", "your organisation may not send this kind of referral");
    if (!kp_check_token (body->recipient_org, REFERRAL_TOKEN_MAX))
        return kp_check_invalid (call, "referral.bad_recipient", "submit_referral.recipient_org",
                                 "the receiving organisation's id");
    if (strcmp (body->recipient_org, call->identity->org_id) == 0)
        return kp_check_invalid (call, "referral.self_referral", "submit_referral.recipient_org",
                                 "a referral goes to another organisation");
    if (!kp_org_type_in (body->recipient_type, REFERRAL_RECEIVERS))
        return kp_check_invalid (call, "referral.bad_recipient_type", "submit_referral.recipient_type",
                                 "the receiving organisation's type (municipality, ngo, …)");
    if ((s_is_kela_kind (body->kind)
         || body->kind == KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_SECTION_35_NOTICE)
    &&  !kp_org_type_in (body->recipient_type, KP_ORGANISER_TYPES))
        return kp_check_invalid (call, "referral.recipient_not_municipality", "submit_referral.recipient_type",
                                 "Kela's notices and §35 notices go to the organiser of social services"
                                 " (a county or a municipality)");

    //  The municipality must be a real one (the list is kp.municipalities).
    if (!kp_check_municipality (body->municipality))
        return kp_check_invalid (call, "referral.unknown_municipality", "submit_referral.municipality",
                                 "a three-digit municipality code");
    //  Whether it is a known one, the insert itself checks (referral_submit).

    //  The client: a valid henkilötunnus, or a pseudonymous ref, or both.
    if (!*body->hetu && !*body->client_ref)
        return kp_check_invalid (call, "referral.client_required", "submit_referral.hetu",
                                 "name the client by henkilötunnus or by a pseudonymous client_ref");
    if (*body->hetu) {
        kp_hetu_error_t error = kp_hetu_validate (body->hetu, NULL, NULL, NULL);
        if (error != KP_HETU_OK)        //  the message never repeats the code itself
            return kp_check_invalid (call, kp_hetu_error_code (error), "submit_referral.hetu",
                                     "not a valid henkilötunnus");
    }
    if (*body->client_ref && !kp_check_token (body->client_ref, REFERRAL_TOKEN_MAX))
        return kp_check_invalid (call, "referral.bad_client_ref", "submit_referral.client_ref",
                                 "1-64 of A-Z a-z 0-9 . _ -");

    if (body->reason_category <= KUMPPANI__V1__REASON_CATEGORY__REASON_CATEGORY_UNSPECIFIED
    ||  body->reason_category > KUMPPANI__V1__REASON_CATEGORY__REASON_CATEGORY_OTHER)
        return kp_check_invalid (call, "referral.bad_reason_category", "submit_referral.reason_category",
                                 "a reason category");
    if (body->legal_basis <= KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_UNSPECIFIED
    ||  body->legal_basis > KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CLIENT_REQUEST)
        return kp_check_invalid (call, "referral.bad_legal_basis", "submit_referral.legal_basis",
                                 "consent, §35 without consent, or the client's own request");
    if (body->legal_basis == KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CONSENT
    &&  !kp_check_token (body->consent_ref, REFERRAL_TOKEN_MAX))
        return kp_check_invalid (call, "referral.consent_required", "submit_referral.consent_ref",
                                 "a referral on consent names the consent record");
    if (*body->consent_ref && !kp_check_token (body->consent_ref, REFERRAL_TOKEN_MAX))
        return kp_check_invalid (call, "referral.bad_consent_ref", "submit_referral.consent_ref",
                                 "1-64 of A-Z a-z 0-9 . _ -");

    if (strlen (body->free_text) > REFERRAL_FREE_TEXT_MAX)
        return kp_check_invalid (call, "referral.free_text_too_long", "submit_referral.free_text",
                                 "at most 2000 bytes of free text");
    if (strlen (body->sender_contact) > REFERRAL_CONTACT_MAX)
        return kp_check_invalid (call, "referral.contact_too_long", "submit_referral.sender_contact",
                                 "at most 200 bytes of contact details");

    if (body->kind == KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_APPLICATION_TRANSFER) {
        //  Kela transfers an application only when the client asked for it.
        if (!body->client_requested_transfer)
            return kp_check_invalid (call, "referral.transfer_not_requested",
                                     "submit_referral.client_requested_transfer",
                                     "an application is transferred only at the client's request");
        if (!*body->kela_decision_id || strlen (body->kela_decision_id) > KELA_DECISION_ID_MAX
        ||  !kp_check_token (body->kela_decision_id, REFERRAL_TOKEN_MAX))
            return kp_check_invalid (call, "referral.kela_decision_required",
                                     "submit_referral.kela_decision_id",
                                     "the basic assistance decision the application belongs to");
        kp_date_t start, end;
        if (kp_date_parse (body->benefit_period_start, &start))
            return kp_check_invalid (call, "referral.bad_benefit_period",
                                     "submit_referral.benefit_period_start",
                                     "a date as YYYY-MM-DD");
        if (kp_date_parse (body->benefit_period_end, &end) || end < start)
            return kp_check_invalid (call, "referral.bad_benefit_period", "submit_referral.benefit_period_end",
                                     "a date as YYYY-MM-DD, not before the start");
        if (body->assistance_type <= KUMPPANI__V1__ASSISTANCE_TYPE__ASSISTANCE_TYPE_UNSPECIFIED
        ||  body->assistance_type > KUMPPANI__V1__ASSISTANCE_TYPE__ASSISTANCE_TYPE_PREVENTIVE)
            return kp_check_invalid (call, "referral.bad_assistance_type", "submit_referral.assistance_type",
                                     "supplementary or preventive assistance");
    }
    if (body->kind == KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_BASIC_AMOUNT_REDUCTION
    &&  body->reduction_percent != 20 && body->reduction_percent != 40)
        return kp_check_invalid (call, "referral.bad_reduction_percent", "submit_referral.reduction_percent",
                                 "the basic amount is reduced by 20 or 40 per cent");
    return 0;
}

//  The recipient must be a registered organisation (kp.organisations, as
//  this process last read it) of the type the sender names, and active:
//  a referral to an id nobody holds, or to an organisation that has
//  closed, would wait for an answer that never comes. 0 when it is.
static int
s_check_recipient (kp_call_t *call, const Kumppani__V1__SubmitReferral *body)
{
    char type [32] = "";
    kp_org_state_t state = kp_organiser_lookup (body->recipient_org, type, sizeof type);
    if (state == KP_ORG_UNKNOWN)
        return kp_check_invalid (call, "referral.unknown_recipient", "submit_referral.recipient_org",
                                 "no registered organisation has this id");
    if (strcmp (type, body->recipient_type) != 0)
        return kp_check_invalid (call, "referral.recipient_type_mismatch", "submit_referral.recipient_type",
                                 "the recipient is registered as another type of organisation");
    if (state == KP_ORG_INACTIVE)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "referral.recipient_inactive",
                             "submit_referral.recipient_org", "the recipient organisation is not active");
    return 0;
}

//  The disclosure check's name for the referral's legal basis.
static const char *
s_disclosure_basis (Kumppani__V1__LegalBasis basis)
{
    switch (basis) {
        case KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CONSENT:        return KP_DISCLOSURE_CONSENT;
        case KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_SECTION_35:     return KP_DISCLOSURE_SECTION_35;
        case KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CLIENT_REQUEST: return KP_DISCLOSURE_CLIENT_REQUEST;
        default:                                                    return "";
    }
}

//  A referral to social services goes to the organiser of the client's
//  municipality, as the registry knows it (a county organises every
//  municipality of its area); anything else would open a case, and
//  publish, in a municipality the recipient does not serve. 0 when it does.
static int
s_check_organiser (kp_call_t *call, const Kumppani__V1__SubmitReferral *body)
{
    if (!kp_org_type_in (body->recipient_type, KP_ORGANISER_TYPES)
    ||  kp_organiser_org_organises (body->recipient_org, body->municipality))
        return 0;
    //  An unknown code is the sender's first mistake: say that one.
    const char *values [] = { body->municipality };
    PGresult *result = kp_db_exec (call->db, "referral_municipality_known", 1, values);
    if (!result)
        return kp_call_db_fail (call);
    bool known = PQntuples (result) > 0;
    PQclear (result);
    if (!known)
        return kp_check_invalid (call, "referral.unknown_municipality", "submit_referral.municipality",
                                 "no municipality has this code");
    return kp_check_invalid (call, "referral.recipient_not_organiser", "submit_referral.recipient_org",
                             "the recipient does not organise social services in this municipality");
}

//  A municipality (an organiser) naming a client by intake's id must name
//  its own client. Another municipality's client is "no such client",
//  exactly as an id nobody has: the sender learns nothing of others'
//  clients. Other senders' refs are their own pseudonyms, never looked up.
static int
s_check_client (kp_call_t *call, const Kumppani__V1__SubmitReferral *body)
{
    if (!kp_org_type_in (call->identity->org_type, KP_ORGANISER_TYPES) || !kp_id_valid (body->client_ref))
        return 0;
    const char *values [] = { body->client_ref };
    PGresult *result = kp_db_exec (call->db, "referral_client_municipality", 1, values);
    if (!result)
        return kp_call_db_fail (call);
    bool own = PQntuples (result) > 0 && kp_organiser_of (call->identity, kp_row_text (result, 0, KP_ROW_ONLY));
    PQclear (result);
    if (own)
        return 0;
    return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_NOT_FOUND, "referral.unknown_client",
                         "submit_referral.client_ref", "no such client of yours");
}

//  History: the deadline watch must not send today what fell due long ago
//  (referral_clock); the notices before today are marked as past.
static int
s_past_notices (kp_call_t *call, const char *id)
{
    char today [11];
    kp_date_format (kp_date_today (), today);
    const char *values [] = { id, today };
    PGresult *result = kp_db_exec (call->db, "referral_notices_past", 2, values);
    if (!result)
        return kp_call_db_fail (call);
    PQclear (result);
    return 0;
}

int
referral_submit (kp_call_t *call)
{
    const Kumppani__V1__SubmitReferral *body = call->request->submit_referral;
    referral_context_t *context = call->service;
    if (s_validate (call, body) || s_check_recipient (call, body) || s_check_organiser (call, body)
    ||  s_check_client (call, body))
        return -1;

    bool transfer = body->kind == KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_APPLICATION_TRANSFER;
    bool reduction = body->kind == KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_BASIC_AMOUNT_REDUCTION;
    kp_date_t today = kp_db_today (call->db);
    referral_deadline_t clock = referral_deadline_for (body->kind, body->urgent,
                                                       kp_org_type_in (body->recipient_type, KP_ORGANISER_TYPES),
                                                       today);
    char id [KP_ID_LEN + 1], kind_code [KP_ENUM_CODE_MAX], reason_code [KP_ENUM_CODE_MAX];
    char basis_code [KP_ENUM_CODE_MAX], assistance_code [KP_ENUM_CODE_MAX], percent [8];
    char received [11], deadline [11], warning [11];
    kp_id_new (id);
    //  s_validate has made sure each is a value its enum has.
    const char *kind = kp_enum_code (&kumppani__v1__referral_kind__descriptor, (int) body->kind,
                                     kind_code, sizeof kind_code);
    const char *reason = kp_enum_code (&kumppani__v1__reason_category__descriptor,
                                       (int) body->reason_category, reason_code, sizeof reason_code);
    const char *basis = kp_enum_code (&kumppani__v1__legal_basis__descriptor, (int) body->legal_basis,
                                      basis_code, sizeof basis_code);
    const char *assistance = kp_enum_code (&kumppani__v1__assistance_type__descriptor,
                                           (int) body->assistance_type, assistance_code,
                                           sizeof assistance_code);
    snprintf (percent, sizeof percent, "%u", body->reduction_percent);
    kp_date_format (today, received);
    if (clock.kind) {
        kp_date_format (clock.deadline, deadline);
        kp_date_format (clock.warning_on, warning);
    }

    uint8_t hash [KP_HETU_HASH_BYTES];
    uint8_t *box = NULL;
    size_t box_size = 0;
    if (*body->hetu) {
        kp_hetu_lookup_hash (context->keys, body->hetu, hash);
        box = kp_hetu_encrypt (context->keys, body->hetu, &box_size);
        if (!box)
            return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INTERNAL, "referral.encryption",
                                 NULL, "the identity could not be protected");
    }
    //  A sender that keeps the client in intake (it organises the client's
    //  municipality) discloses intake's client: the one check decides, and
    //  records the disclosure. Anyone else (Kela's own notices, a partner
    //  referring to social services) names its own consent, not looked up.
    kp_disclosure_verdict_t verdict = { .client_id = "" };
    bool checked = kp_organiser_of (call->identity, body->municipality);
    if (checked) {
        kp_disclosure_t disclosure = {
            .client_id = body->client_ref, .hetu_hash = box ? hash : NULL,
            .municipality = body->municipality, .recipient_org = body->recipient_org,
            .scope = "referral", .basis = s_disclosure_basis (body->legal_basis),
            .consent_ref = body->consent_ref, .object_id = id
        };
        if (kp_disclosure_allow (call, &disclosure, &verdict)) {
            free (box);
            return -1;
        }
    }
    //  The referral as the insert will make it, for the audit and the event.
    referral_t referral = {
        .kind = body->kind, .state = KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_RECEIVED,
        .legal_basis = body->legal_basis, .urgent = body->urgent, .clock_running = clock.kind != NULL
    };
    snprintf (referral.id, sizeof referral.id, "%s", id);
    snprintf (referral.sender_org, sizeof referral.sender_org, "%s", call->identity->org_id);
    snprintf (referral.sender_type, sizeof referral.sender_type, "%s", call->identity->org_type);
    snprintf (referral.recipient_org, sizeof referral.recipient_org, "%s", body->recipient_org);
    snprintf (referral.recipient_type, sizeof referral.recipient_type, "%s", body->recipient_type);
    snprintf (referral.municipality, sizeof referral.municipality, "%s", body->municipality);
    snprintf (referral.deadline, sizeof referral.deadline, "%s", clock.kind ? deadline : "");
    snprintf (referral.deadline_kind, sizeof referral.deadline_kind, "%s", clock.kind ? clock.kind : "");
    referral_record_set_client_ref (&referral, body->client_ref);
    //  Sending the referral discloses the client to the recipient.
    kp_audit_entry_t audit;
    kp_call_audit_entry (call, referral.client_ref, referral_basis_name (body->legal_basis),
                         body->recipient_org, id, &audit);
    const referral_transition_t *received_step = referral_fsm_find (
        REFERRAL_OP_SUBMIT, body->kind, KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_UNSPECIFIED);
    referral_event_t received_event;
    referral_record_event (&referral, received_step->topic,
                           KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_UNSPECIFIED, NULL, &received_event);
    received_event.event.occurred_at = kp_db_now_us (call->db);
    char state_code [KP_ENUM_CODE_MAX];
    const char *state = kp_enum_code (&kumppani__v1__referral_state__descriptor,
                                      KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_RECEIVED,
                                      state_code, sizeof state_code);
    //  One round trip: the row and its first history entry (the receipt;
    //  the clock is already running) and the view; the audit row and the
    //  event are kept for COMMIT.
    const char *values [] = {
        received, id, kind, state, call->identity->org_id, call->identity->org_type,
        call->request->actor->person_id, body->recipient_org, body->recipient_type,
        body->municipality, reason, basis, *body->consent_ref ? body->consent_ref : NULL,
        body->notifier_may_be_named ? "true" : "false", body->urgent ? "true" : "false",
        body->free_text, body->sender_contact,
        box ? (const char *) hash : NULL, (const char *) box,
        *body->client_ref ? body->client_ref : NULL,
        transfer ? body->kela_decision_id : NULL,
        transfer ? body->benefit_period_start : NULL, transfer ? body->benefit_period_end : NULL,
        transfer ? assistance : NULL, reduction ? percent : NULL,
        transfer ? "true" : "false",
        clock.kind ? deadline : NULL, clock.kind, clock.kind ? warning : NULL,
        call->operation, kp_role_name (call->request->actor->role)
    };
    enum { PARAMS = sizeof values / sizeof values [0] };
    int lengths [PARAMS] = { 0 }, formats [PARAMS] = { 0 };
    lengths [17] = KP_HETU_HASH_BYTES;
    lengths [18] = (int) box_size;
    formats [17] = formats [18] = 1;
    PGresult *result = kp_db_exec_params (call->db, "referral_submit", PARAMS, values, lengths, formats);
    free (box);
    if (!result)
        return kp_call_db_fail (call);
    if (PQntuples (result) != 1) {
        PQclear (result);
        return kp_check_invalid (call, "referral.unknown_municipality", "submit_referral.municipality",
                                 "no municipality has this code");
    }
    if (kp_audit_append (call->db, &audit)
    ||  kp_outbox_append (call->db, &received_event.event, &received_event.scope) < 0) {
        PQclear (result);
        return kp_call_db_fail (call);
    }
    referral_record_from_row (result, &referral);
    referral_read_view_of_row (call, &referral, result);
    PQclear (result);
    //  What the disclosure rests on, for a withdrawal or ban to reach it.
    if (checked && *verdict.client_id) {
        const char *rests [] = { id, verdict.client_id, verdict.consent_id,
                                 s_disclosure_basis (body->legal_basis) };
        PGresult *set = kp_db_exec (call->db, "referral_set_disclosure", 4, rests);
        if (!set)
            return kp_call_db_fail (call);
        PQclear (set);
    }
    return kp_db_imported (call->db) && clock.kind ? s_past_notices (call, id) : 0;
}
