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
#include "referral_sql.h"
#include "kp_array.h"
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

//  The statement's parameters: today, then the row's 30 values and the
//  history entry's (referral_sql.c: referral_submit, referral_submit_set).
#define SUBMIT_PARAMS 31
#define SUBMIT_HETU_HASH 17
#define SUBMIT_HETU_BOX 18

//  One submission made ready to write: what the handler's statement and
//  the flush's take, and what the audit row and the event say. In the
//  call's arena, so what points into it lives until the reply is sent.
typedef struct {
    char id [KP_ID_LEN + 1];
    char kind_code [KP_ENUM_CODE_MAX], reason_code [KP_ENUM_CODE_MAX], basis_code [KP_ENUM_CODE_MAX];
    char assistance_code [KP_ENUM_CODE_MAX], state_code [KP_ENUM_CODE_MAX], percent [8];
    char received [11], deadline [11], warning [11];
    uint8_t hash [KP_HETU_HASH_BYTES];
    uint8_t *box;                   //  the sealed henkilötunnus (arena), NULL for none
    bool checked;                   //  the disclosure check ran (the sender organises the client)
    bool clock_running;
    kp_disclosure_verdict_t verdict;
    referral_t referral;            //  as the insert will make it
    kp_audit_entry_t audit;
    referral_event_t event;
    const char *values [SUBMIT_PARAMS];
    int lengths [SUBMIT_PARAMS];
    int formats [SUBMIT_PARAMS];
} s_submission_t;

//  Validates the call and prepares its row, audit row and event: 0, -1
//  refused (the reply says why), or, when staging, KP_NOT_STAGED before
//  anything is done for a call that needs statements of its own (an
//  organiser's: its client's check and its disclosure check).
static int
s_prepare (kp_call_t *call, bool staging, s_submission_t **sub_p)
{
    const Kumppani__V1__SubmitReferral *body = call->request->submit_referral;
    referral_context_t *context = call->service;
    if (staging && (kp_org_type_in (call->identity->org_type, KP_ORGANISER_TYPES)
                    || kp_organiser_of (call->identity, body->municipality)))
        return KP_NOT_STAGED;
    if (s_validate (call, body) || s_check_recipient (call, body) || s_check_organiser (call, body)
    ||  s_check_client (call, body))
        return -1;

    s_submission_t *sub = kp_call_alloc (call, sizeof *sub);
    bool transfer = body->kind == KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_APPLICATION_TRANSFER;
    bool reduction = body->kind == KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_BASIC_AMOUNT_REDUCTION;
    kp_date_t today = kp_db_today (call->db);
    referral_deadline_t clock = referral_deadline_for (body->kind, body->urgent,
                                                       kp_org_type_in (body->recipient_type, KP_ORGANISER_TYPES),
                                                       today);
    sub->clock_running = clock.kind != NULL;
    kp_id_new (sub->id);
    //  s_validate has made sure each is a value its enum has.
    const char *kind = kp_enum_code (&kumppani__v1__referral_kind__descriptor, (int) body->kind,
                                     sub->kind_code, sizeof sub->kind_code);
    const char *reason = kp_enum_code (&kumppani__v1__reason_category__descriptor,
                                       (int) body->reason_category, sub->reason_code, sizeof sub->reason_code);
    const char *basis = kp_enum_code (&kumppani__v1__legal_basis__descriptor, (int) body->legal_basis,
                                      sub->basis_code, sizeof sub->basis_code);
    const char *assistance = kp_enum_code (&kumppani__v1__assistance_type__descriptor,
                                           (int) body->assistance_type, sub->assistance_code,
                                           sizeof sub->assistance_code);
    snprintf (sub->percent, sizeof sub->percent, "%u", body->reduction_percent);
    kp_date_format (today, sub->received);
    if (clock.kind) {
        kp_date_format (clock.deadline, sub->deadline);
        kp_date_format (clock.warning_on, sub->warning);
    }

    size_t box_size = 0;
    if (*body->hetu) {
        kp_hetu_lookup_hash (context->keys, body->hetu, sub->hash);
        uint8_t *box = kp_hetu_encrypt (context->keys, body->hetu, &box_size);
        if (!box)
            return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INTERNAL, "referral.encryption",
                                 NULL, "the identity could not be protected");
        sub->box = kp_call_alloc (call, box_size);
        memcpy (sub->box, box, box_size);
        free (box);
    }
    //  A sender that keeps the client in intake (it organises the client's
    //  municipality) discloses intake's client: the one check decides, and
    //  records the disclosure. Anyone else (Kela's own notices, a partner
    //  referring to social services) names its own consent, not looked up.
    sub->verdict = (kp_disclosure_verdict_t) { .client_id = "" };
    sub->checked = kp_organiser_of (call->identity, body->municipality);
    if (sub->checked) {
        kp_disclosure_t disclosure = {
            .client_id = body->client_ref, .hetu_hash = sub->box ? sub->hash : NULL,
            .municipality = body->municipality, .recipient_org = body->recipient_org,
            .scope = "referral", .basis = s_disclosure_basis (body->legal_basis),
            .consent_ref = body->consent_ref, .object_id = sub->id
        };
        if (kp_disclosure_allow (call, &disclosure, &sub->verdict))
            return -1;
    }
    //  The referral as the insert will make it, for the audit and the event.
    referral_t *referral = &sub->referral;
    *referral = (referral_t) {
        .kind = body->kind, .state = KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_RECEIVED,
        .legal_basis = body->legal_basis, .urgent = body->urgent, .clock_running = clock.kind != NULL
    };
    snprintf (referral->id, sizeof referral->id, "%s", sub->id);
    snprintf (referral->sender_org, sizeof referral->sender_org, "%s", call->identity->org_id);
    snprintf (referral->sender_type, sizeof referral->sender_type, "%s", call->identity->org_type);
    snprintf (referral->recipient_org, sizeof referral->recipient_org, "%s", body->recipient_org);
    snprintf (referral->recipient_type, sizeof referral->recipient_type, "%s", body->recipient_type);
    snprintf (referral->municipality, sizeof referral->municipality, "%s", body->municipality);
    snprintf (referral->deadline, sizeof referral->deadline, "%s", clock.kind ? sub->deadline : "");
    snprintf (referral->deadline_kind, sizeof referral->deadline_kind, "%s", clock.kind ? clock.kind : "");
    referral_record_set_client_ref (referral, body->client_ref);
    //  Sending the referral discloses the client to the recipient.
    kp_call_audit_entry (call, referral->client_ref, referral_basis_name (body->legal_basis),
                         body->recipient_org, sub->id, &sub->audit);
    const referral_transition_t *received_step = referral_fsm_find (
        REFERRAL_OP_SUBMIT, body->kind, KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_UNSPECIFIED);
    referral_record_event (referral, received_step->topic,
                           KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_UNSPECIFIED, NULL, &sub->event);
    sub->event.event.occurred_at = kp_db_now_us (call->db);
    const char *state = kp_enum_code (&kumppani__v1__referral_state__descriptor,
                                      KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_RECEIVED,
                                      sub->state_code, sizeof sub->state_code);
    //  The row and its first history entry (the receipt; the clock is
    //  already running).
    const char *values [SUBMIT_PARAMS] = {
        sub->received, sub->id, kind, state, call->identity->org_id, call->identity->org_type,
        call->request->actor->person_id, body->recipient_org, body->recipient_type,
        body->municipality, reason, basis, *body->consent_ref ? body->consent_ref : NULL,
        body->notifier_may_be_named ? "true" : "false", body->urgent ? "true" : "false",
        body->free_text, body->sender_contact,
        sub->box ? (const char *) sub->hash : NULL, (const char *) sub->box,
        *body->client_ref ? body->client_ref : NULL,
        transfer ? body->kela_decision_id : NULL,
        transfer ? body->benefit_period_start : NULL, transfer ? body->benefit_period_end : NULL,
        transfer ? assistance : NULL, reduction ? sub->percent : NULL,
        transfer ? "true" : "false",
        clock.kind ? sub->deadline : NULL, clock.kind, clock.kind ? sub->warning : NULL,
        call->operation, kp_role_name (call->request->actor->role)
    };
    memcpy (sub->values, values, sizeof values);
    sub->lengths [SUBMIT_HETU_HASH] = KP_HETU_HASH_BYTES;
    sub->lengths [SUBMIT_HETU_BOX] = (int) box_size;
    sub->formats [SUBMIT_HETU_HASH] = sub->formats [SUBMIT_HETU_BOX] = 1;
    *sub_p = sub;
    return 0;
}

//  The audit row and the event, kept for COMMIT.
static int
s_append (kp_call_t *call, s_submission_t *sub)
{
    if (kp_audit_append (call->db, &sub->audit)
    ||  kp_outbox_append (call->db, &sub->event.event, &sub->event.scope) < 0)
        return kp_call_db_fail (call);
    return 0;
}

//  The reply from the written row.
static void
s_reply (kp_call_t *call, s_submission_t *sub, PGresult *result, int row)
{
    referral_record_from_row_at (result, row, &sub->referral);
    referral_read_view_of_row_at (call, &sub->referral, result, row);
}

int
referral_submit (kp_call_t *call)
{
    const Kumppani__V1__SubmitReferral *body = call->request->submit_referral;
    s_submission_t *sub = NULL;
    if (s_prepare (call, false, &sub))
        return -1;
    //  One round trip: the row, its history entry and the view.
    PGresult *result = kp_db_exec_params (call->db, "referral_submit", SUBMIT_PARAMS, sub->values,
                                          sub->lengths, sub->formats);
    if (!result)
        return kp_call_db_fail (call);
    if (PQntuples (result) != 1) {
        PQclear (result);
        return kp_check_invalid (call, "referral.unknown_municipality", "submit_referral.municipality",
                                 "no municipality has this code");
    }
    if (s_append (call, sub)) {
        PQclear (result);
        return -1;
    }
    s_reply (call, sub, result, 0);
    PQclear (result);
    //  What the disclosure rests on, for a withdrawal or ban to reach it.
    if (sub->checked && *sub->verdict.client_id) {
        const char *rests [] = { sub->id, sub->verdict.client_id, sub->verdict.consent_id,
                                 s_disclosure_basis (body->legal_basis) };
        PGresult *set = kp_db_exec (call->db, "referral_set_disclosure", 4, rests);
        if (!set)
            return kp_call_db_fail (call);
        PQclear (set);
    }
    return kp_db_imported (call->db) && sub->clock_running ? s_past_notices (call, sub->id) : 0;
}

int
referral_submit_stage (kp_call_t *call)
{
    s_submission_t *sub = NULL;
    int rc = s_prepare (call, true, &sub);
    if (rc)
        return rc;
    if (s_append (call, sub))
        return -1;
    call->staged = sub;
    return KP_STAGED;
}

int
referral_submit_flush (kp_call_t **calls, size_t count)
{
    kp_db_t *db = calls [0]->db;
    kp_array_t arrays [SUBMIT_PARAMS] = { { 0 } };
    for (size_t index = 0; index < count; index++) {
        s_submission_t *sub = calls [index]->staged;
        for (int param = 0; param < SUBMIT_PARAMS; param++)
            if (sub->formats [param])
                kp_array_bytes (&arrays [param], (const uint8_t *) sub->values [param],
                                (size_t) sub->lengths [param]);
            else
                kp_array_text (&arrays [param], sub->values [param]);
    }
    //  $1 today for the view, then one array per column.
    const char *values [SUBMIT_PARAMS + 1] = { ((s_submission_t *) calls [0]->staged)->received };
    for (int param = 0; param < SUBMIT_PARAMS; param++)
        values [param + 1] = kp_array_end (&arrays [param]);
    PGresult *result = kp_db_exec (db, "referral_submit_set", SUBMIT_PARAMS + 1, values);
    for (int param = 0; param < SUBMIT_PARAMS; param++)
        kp_array_free (&arrays [param]);
    if (!result)
        return -1;
    //  A row missing (an unknown municipality): the careful way says which.
    int rc = PQntuples (result) == (int) count ? 0 : -1;
    for (int row = 0; row < PQntuples (result) && rc == 0; row++) {
        const char *id = kp_row_text (result, row, REF_ID);
        size_t index = 0;
        while (index < count && strcmp (((s_submission_t *) calls [index]->staged)->id, id) != 0)
            index++;
        if (index == count)
            rc = -1;
        else
            s_reply (calls [index], calls [index]->staged, result, row);
    }
    PQclear (result);
    return rc;
}
