/*  referral_read — GetReferral and ListReferrals, and the view of one
    referral as the caller may see it: the henkilötunnus only for the
    receiving municipality, the receiver's worker and notes only for the
    receiver. Every referral shown is an audited disclosure to the caller. */
#include "referral_access.h"
#include "referral_chain.h"
#include "referral_context.h"
#include "referral_handlers.h"
#include "referral_read.h"
#include "referral_record.h"
#include "referral_sql.h"
#include "referral_statement.h"
#include "kp_calendar.h"
#include "kp_db.h"
#include "kp_enum.h"
#include "kp_hetu.h"
#include "kp_ids.h"
#include "kp_log.h"
#include "kp_organiser.h"
#include "kp_reply_vocab.h"
#include "kp_row.h"
#include "kp_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REFERRAL_PAGE_DEFAULT 50
#define REFERRAL_PAGE_MAX     100

static char *
s_text (kp_call_t *call, PGresult *result, int row, int column)
{
    return kp_call_strdup (call, kp_row_text (result, row, column));
}

//  The case intake opened or joined for a referral, "" if none (yet).
static char *
s_case_id (kp_call_t *call, const char *referral_id)
{
    const char *values [] = { referral_id };
    PGresult *result = kp_db_exec (call->db, "referral_case_of", 1, values);
    char *case_id = result && PQntuples (result) ? kp_call_strdup (call, kp_row_text (result, 0, KP_ROW_ONLY)) : "";
    if (!result)
        kp_warn ("case of referral %s: %s", referral_id, kp_db_message (call->db));
    PQclear (result);
    return case_id;
}

//  One row that starts with the view's columns (REFERRAL_RULE_ROW, then
//  REFERRAL_VIEW_MORE) into a view. private: the caller is the receiver
//  and may see its own working details.
static Kumppani__V1__ReferralView *
s_view_from_row (kp_call_t *call, PGresult *result, int row, bool private, bool disclose)
{
    Kumppani__V1__ReferralView *view = kp_call_alloc (call, sizeof *view);
    kumppani__v1__referral_view__init (view);
    view->referral_id = s_text (call, result, row, REF_ID);
    view->kind = kp_row_enum (result, row, REF_KIND, &kumppani__v1__referral_kind__descriptor);
    view->state = kp_row_enum (result, row, REF_STATE, &kumppani__v1__referral_state__descriptor);
    view->sender_org = s_text (call, result, row, REF_SENDER_ORG);
    view->sender_type = s_text (call, result, row, REF_SENDER_TYPE);
    view->recipient_org = s_text (call, result, row, REF_RECIPIENT_ORG);
    view->recipient_type = s_text (call, result, row, REF_RECIPIENT_TYPE);
    view->municipality = s_text (call, result, row, REF_MUNICIPALITY);
    view->reason_category = kp_row_enum (result, row, REF_REASON_CATEGORY,
                                         &kumppani__v1__reason_category__descriptor);
    view->legal_basis = kp_row_enum (result, row, REF_LEGAL_BASIS, &kumppani__v1__legal_basis__descriptor);
    view->consent_ref = s_text (call, result, row, REF_CONSENT_REF);
    view->consent_withdrawn = kp_row_bool (result, row, REF_CONSENT_WITHDRAWN);
    view->notifier_may_be_named = kp_row_bool (result, row, REF_NOTIFIER_MAY_BE_NAMED);
    view->urgent = kp_row_bool (result, row, REF_URGENT);
    //  After consent is withdrawn the client's story stays with the sender.
    view->free_text = disclose || !private ? s_text (call, result, row, REF_FREE_TEXT) : "";
    view->sender_contact = s_text (call, result, row, REF_SENDER_CONTACT);
    view->client_ref = s_text (call, result, row, REF_CLIENT_REF);
    //  REF_HETU_BOX: referral_read_view decides about it
    view->kela_decision_id = s_text (call, result, row, REF_KELA_DECISION_ID);
    view->benefit_period_start = s_text (call, result, row, REF_BENEFIT_PERIOD_START);
    view->benefit_period_end = s_text (call, result, row, REF_BENEFIT_PERIOD_END);
    view->client_requested_transfer = kp_row_bool (result, row, REF_CLIENT_REQUESTED_TRANSFER);
    view->assistance_type = kp_row_enum (result, row, REF_ASSISTANCE_TYPE,
                                         &kumppani__v1__assistance_type__descriptor);
    view->reduction_percent = (uint32_t) kp_row_int (result, row, REF_REDUCTION_PERCENT);
    view->received_on = s_text (call, result, row, REF_RECEIVED_ON);
    view->deadline = s_text (call, result, row, REF_DEADLINE);
KP_LEGACY_FIELDS_BEGIN
    view->deadline_kind = s_text (call, result, row, REF_DEADLINE_KIND);
KP_LEGACY_FIELDS_END
    view->deadline_kind_enum = kp_row_enum (result, row, REF_DEADLINE_KIND, &kumppani__v1__deadline_kind__descriptor);
    view->deadline_state = kp_row_enum (result, row, REF_DEADLINE_STATE,
                                        &kumppani__v1__deadline_state__descriptor);
    view->assigned_worker = private ? s_text (call, result, row, REF_ASSIGNED_WORKER) : "";
    view->assessment_started_at = kp_row_int (result, row, REF_ASSESSMENT_STARTED_AT);
    view->outcome_code = s_text (call, result, row, REF_OUTCOME_CODE);
    view->statement = s_text (call, result, row, REF_STATEMENT);
    view->decision = kp_row_enum (result, row, REF_DECISION, &kumppani__v1__application_decision__descriptor);
    view->decision_id = s_text (call, result, row, REF_DECISION_ID);
    view->created_at = kp_row_int (result, row, REF_CREATED_AT);
    view->parent_referral_id = s_text (call, result, row, REF_PARENT_ID);
    view->root_referral_id = s_text (call, result, row, REF_ROOT_ID);
    view->held_from = kp_row_enum (result, row, REF_HELD_FROM, &kumppani__v1__referral_state__descriptor);
    view->held_since = s_text (call, result, row, REF_HELD_SINCE);
    view->held_working_days = (uint32_t) kp_row_int (result, row, REF_HELD_DAYS);
    //  Intake's case for it: the recipient municipality finds its work
    //  without a stream consumer; the sender is not told the case exists.
    if (private && kp_org_type_in (view->recipient_type, KP_ORGANISER_TYPES))
        view->case_id = s_case_id (call, view->referral_id);
    return view;
}

static int
s_history (kp_call_t *call, const char *id, bool private, Kumppani__V1__ReferralReply *reply)
{
    const char *values [] = { id };
    PGresult *result = kp_db_exec (call->db, "referral_history", 1, values);
    if (!result)
        return kp_call_db_fail (call);
    int rows = PQntuples (result);
    reply->history = kp_call_alloc (call, sizeof (Kumppani__V1__ReferralHistoryEntry *) * (size_t) (rows + 1));
    reply->n_history = (size_t) rows;
    const ProtobufCEnumDescriptor *states = &kumppani__v1__referral_state__descriptor;
    for (int row = 0; row < rows; row++) {
        Kumppani__V1__ReferralHistoryEntry *entry = kp_call_alloc (call, sizeof *entry);
        kumppani__v1__referral_history_entry__init (entry);
        entry->operation = s_text (call, result, row, HISTORY_OPERATION);
        //  NULL (a submission's first entry) reads as UNSPECIFIED
        entry->from_state = kp_row_enum (result, row, HISTORY_FROM_STATE, states);
        entry->to_state = kp_row_enum (result, row, HISTORY_TO_STATE, states);
        entry->actor_org = s_text (call, result, row, HISTORY_ACTOR_ORG);
        entry->actor_person = private ? s_text (call, result, row, HISTORY_ACTOR_PERSON) : "";
KP_LEGACY_FIELDS_BEGIN
        entry->actor_role = s_text (call, result, row, HISTORY_ACTOR_ROLE);
KP_LEGACY_FIELDS_END
        entry->actor_role_enum = kp_reply_vocab_role (kp_row_text (result, row, HISTORY_ACTOR_ROLE));
        entry->reason_code = s_text (call, result, row, HISTORY_REASON_CODE);
        entry->note = private ? s_text (call, result, row, HISTORY_NOTE) : "";
        entry->at = kp_row_int (result, row, HISTORY_AT);
        reply->history [row] = entry;
    }
    PQclear (result);
    return 0;
}

int
referral_read_view_of_row_at (kp_call_t *call, const referral_t *referral, PGresult *result, int row)
{
    referral_context_t *context = call->service;
    //  The view row may be a later read than the rules' row: the consumer
    //  that records a withdrawal or a ban commits beside the request loop.
    //  What the view says decides what it discloses.
    referral_t current = *referral;
    current.consent_withdrawn = kp_row_bool (result, row, REF_CONSENT_WITHDRAWN);
    bool private = referral_access_is_recipient (call->identity, &current);
    Kumppani__V1__ReferralReply *reply = kp_call_alloc (call, sizeof *reply);
    kumppani__v1__referral_reply__init (reply);
    reply->referral = s_view_from_row (call, result, row, private,
                                       referral_access_disclosure_allowed (&current));
    if (referral_access_sees_hetu (call->identity, &current) && !kp_row_null (result, row, REF_HETU_BOX)) {
        size_t box_size = 0;
        unsigned char *box = PQunescapeBytea ((const unsigned char *) kp_row_text (result, row, REF_HETU_BOX),
                                              &box_size);
        char hetu [KP_HETU_LEN + 1];
        int rc = box ? kp_hetu_decrypt (context->keys, box, box_size, hetu) : -1;
        PQfreemem (box);
        if (rc == 0)
            reply->referral->hetu = kp_call_strdup (call, hetu);
        else
            kp_log (KP_LOG_ERROR, &call->log, "referral %s: identity box does not open", referral->id);
    }
    call->reply->body_case = KUMPPANI__V1__REPLY__BODY_REFERRAL;
    call->reply->referral = reply;
    return 0;
}

int
referral_read_view_of_row (kp_call_t *call, const referral_t *referral, PGresult *result)
{
    return referral_read_view_of_row_at (call, referral, result, 0);
}

int
referral_read_view (kp_call_t *call, const referral_t *referral, bool with_history)
{
    char today [11];
    kp_date_format (kp_date_today (), today);
    const char *values [] = { today, referral->id };
    PGresult *result = kp_db_exec (call->db, "referral_view", 2, values);
    if (!result)
        return kp_call_db_fail (call);
    if (PQntuples (result) != 1) {
        PQclear (result);
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_NOT_FOUND, "referral.not_found",
                             NULL, "no such referral");
    }
    referral_read_view_of_row (call, referral, result);
    PQclear (result);
    //  Kela's notes are the sender's words about the client: after a
    //  withdrawal they stay with it, as its free text does.
    referral_t current = *referral;
    current.consent_withdrawn = call->reply->referral->referral->consent_withdrawn;
    bool show_notes = !referral_access_is_recipient (call->identity, &current)
                   || referral_access_disclosure_allowed (&current);
    if (referral_statement_fill_view (call, call->reply->referral->referral, show_notes))
        return -1;
    //  Only a forwarded referral has referrals forwarded on from it.
    if (referral->state == KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_FORWARDED
    &&  referral_chain_read (call, referral, call->reply->referral))
        return -1;
    if (with_history && s_history (call, referral->id, referral_access_is_recipient (call->identity, referral),
                                   call->reply->referral))
        return -1;
    return 0;
}

int
referral_get (kp_call_t *call)
{
    const Kumppani__V1__GetReferral *body = call->request->get_referral;
    if (!kp_id_valid (body->referral_id))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "referral.bad_id",
                             "get_referral.referral_id", "a referral id (26 characters)");
    referral_t referral;
    int found = referral_record_load (call->db, body->referral_id, false, &referral);
    if (found < 0)
        return kp_call_db_fail (call);
    if (!found || !referral_access_may_see (call->identity, &referral))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_NOT_FOUND, "referral.not_found",
                             "get_referral.referral_id", "no such referral");
    if (kp_call_audit (call, referral.client_ref, referral_basis_name (referral.legal_basis),
                       call->identity->org_id, referral.id))
        return kp_call_db_fail (call);
    return referral_read_view (call, &referral, true);
}

int
referral_list (kp_call_t *call)
{
    const Kumppani__V1__ListReferrals *body = call->request->list_referrals;
    if (body->page_size > REFERRAL_PAGE_MAX)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "referral.page_size",
                             "list_referrals.page_size", "at most 100 per page");
    if (*body->cursor && !kp_id_valid (body->cursor))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "referral.bad_cursor",
                             "list_referrals.cursor", "a next_cursor from an earlier page");
    if (strlen (body->municipality) > 3)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "referral.bad_municipality",
                             "list_referrals.municipality", "a three-digit municipality code");
    if ((unsigned) body->state > KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_FORWARDED
    ||  (unsigned) body->deadline_state > KUMPPANI__V1__DEADLINE_STATE__DEADLINE_STATE_NONE)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "referral.bad_filter",
                             "list_referrals", "unknown state or deadline state");
    unsigned page = body->page_size ? body->page_size : REFERRAL_PAGE_DEFAULT;
    char today [11], state_code [KP_ENUM_CODE_MAX], deadline_code [KP_ENUM_CODE_MAX], limit [8];
    kp_date_format (kp_date_today (), today);
    //  UNSPECIFIED (no filter) is NULL
    const char *state = kp_enum_code (&kumppani__v1__referral_state__descriptor, (int) body->state,
                                      state_code, sizeof state_code);
    const char *deadline_state = kp_enum_code (&kumppani__v1__deadline_state__descriptor,
                                               (int) body->deadline_state, deadline_code, sizeof deadline_code);
    snprintf (limit, sizeof limit, "%u", page + 1);     //  one more tells whether a page follows
    const char *values [] = {
        today, call->identity->org_id, state, body->municipality, deadline_state, body->cursor, limit
    };
    PGresult *result = kp_db_exec (call->db, "referral_list", 7, values);
    if (!result)
        return kp_call_db_fail (call);
    int rows = PQntuples (result);
    int shown = rows > (int) page ? (int) page : rows;
    Kumppani__V1__ReferralListReply *reply = kp_call_alloc (call, sizeof *reply);
    kumppani__v1__referral_list_reply__init (reply);
    reply->referrals = kp_call_alloc (call, sizeof (Kumppani__V1__ReferralView *) * (size_t) (shown + 1));
    reply->n_referrals = (size_t) shown;
    for (int row = 0; row < shown; row++) {
        bool private = strcmp (kp_row_text (result, row, REF_RECIPIENT_ORG), call->identity->org_id) == 0;
        Kumppani__V1__LegalBasis basis = kp_row_enum (result, row, REF_LEGAL_BASIS,
                                                      &kumppani__v1__legal_basis__descriptor);
        bool withdrawn = kp_row_bool (result, row, REF_CONSENT_WITHDRAWN)
                      && basis != KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_SECTION_35;
        reply->referrals [row] = s_view_from_row (call, result, row, private, !withdrawn);
        const char *client_ref = kp_row_text (result, row, REF_CLIENT_REF);
        const char *id = kp_row_text (result, row, REF_ID);
        if (kp_call_audit (call, *client_ref ? client_ref : id, referral_basis_name (basis),
                           call->identity->org_id, id)) {
            PQclear (result);
            return kp_call_db_fail (call);
        }
    }
    reply->next_cursor = rows > (int) page ? reply->referrals [shown - 1]->referral_id : "";
    PQclear (result);
    call->reply->body_case = KUMPPANI__V1__REPLY__BODY_REFERRAL_LIST;
    call->reply->referral_list = reply;
    return 0;
}
