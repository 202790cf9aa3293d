/*  referral_read — GetReferral and ListReferrals, and the view of one
    referral as the caller may see it: the henkilötunnus only for the
    receiving municipality, the receiver's worker and notes only for the
    receiver. Every referral shown is an audited disclosure to the caller. */
#include "referral_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REFERRAL_PAGE_DEFAULT 50
#define REFERRAL_PAGE_MAX     100

static char *
s_text (kp_call_t *call, PGresult *result, int row, int column)
{
    return kp_call_strdup (call, PQgetvalue (result, row, column));
}

static int
s_int (PGresult *result, int row, int column)
{
    return atoi (PQgetvalue (result, row, column));
}

static bool
s_bool (PGresult *result, int row, int column)
{
    return *PQgetvalue (result, row, column) == 't';
}

//  One row of REFERRAL_VIEW_COLUMNS (referral_sql.c) into a view. private:
//  the caller is the receiver and may see its own working details.
static Kumppani__V1__ReferralView *
s_view_from_row (kp_call_t *call, PGresult *result, int row, bool private, bool disclose)
{
    Kumppani__V1__ReferralView *view = kp_call_alloc (call, sizeof *view);
    kumppani__v1__referral_view__init (view);
    view->referral_id = s_text (call, result, row, 0);
    view->kind = (Kumppani__V1__ReferralKind) s_int (result, row, 1);
    view->state = (Kumppani__V1__ReferralState) s_int (result, row, 2);
    view->sender_org = s_text (call, result, row, 3);
    view->sender_type = s_text (call, result, row, 4);
    view->recipient_org = s_text (call, result, row, 5);
    view->recipient_type = s_text (call, result, row, 6);
    view->municipality = s_text (call, result, row, 7);
    view->reason_category = (Kumppani__V1__ReasonCategory) s_int (result, row, 8);
    view->legal_basis = (Kumppani__V1__LegalBasis) s_int (result, row, 9);
    view->consent_ref = s_text (call, result, row, 10);
    view->consent_withdrawn = s_bool (result, row, 11);
    view->notifier_may_be_named = s_bool (result, row, 12);
    view->urgent = s_bool (result, row, 13);
    //  After consent is withdrawn the client's story stays with the sender.
    view->free_text = disclose || !private ? s_text (call, result, row, 14) : "";
    view->sender_contact = s_text (call, result, row, 15);
    view->client_ref = s_text (call, result, row, 16);
    //  column 17 is hetu_box: referral_read_view decides about it
    view->kela_decision_id = s_text (call, result, row, 18);
    view->benefit_period_start = s_text (call, result, row, 19);
    view->benefit_period_end = s_text (call, result, row, 20);
    view->client_requested_transfer = s_bool (result, row, 21);
    view->assistance_type = (Kumppani__V1__AssistanceType) s_int (result, row, 22);
    view->reduction_percent = (uint32_t) s_int (result, row, 23);
    view->received_on = s_text (call, result, row, 24);
    view->deadline = s_text (call, result, row, 25);
    view->deadline_kind = s_text (call, result, row, 26);
    view->deadline_state = (Kumppani__V1__DeadlineState) s_int (result, row, 27);
    view->assigned_worker = private ? s_text (call, result, row, 28) : "";
    view->assessment_started_at = strtoll (PQgetvalue (result, row, 29), NULL, 10);
    view->outcome_code = s_text (call, result, row, 30);
    view->statement = s_text (call, result, row, 31);
    view->decision = (Kumppani__V1__ApplicationDecision) s_int (result, row, 32);
    view->decision_id = s_text (call, result, row, 33);
    view->created_at = strtoll (PQgetvalue (result, row, 34), NULL, 10);
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
    for (int row = 0; row < rows; row++) {
        Kumppani__V1__ReferralHistoryEntry *entry = kp_call_alloc (call, sizeof *entry);
        kumppani__v1__referral_history_entry__init (entry);
        entry->operation = s_text (call, result, row, 0);
        entry->from_state = (Kumppani__V1__ReferralState) s_int (result, row, 1);
        entry->to_state = (Kumppani__V1__ReferralState) s_int (result, row, 2);
        entry->actor_org = s_text (call, result, row, 3);
        entry->actor_person = private ? s_text (call, result, row, 4) : "";
        entry->actor_role = s_text (call, result, row, 5);
        entry->reason_code = s_text (call, result, row, 6);
        entry->note = private ? s_text (call, result, row, 7) : "";
        entry->at = strtoll (PQgetvalue (result, row, 8), NULL, 10);
        reply->history [row] = entry;
    }
    PQclear (result);
    return 0;
}

int
referral_read_view_of_row (kp_call_t *call, const referral_t *referral, PGresult *result)
{
    referral_context_t *context = call->service;
    bool private = referral_access_is_recipient (call->identity, referral);
    Kumppani__V1__ReferralReply *reply = kp_call_alloc (call, sizeof *reply);
    kumppani__v1__referral_reply__init (reply);
    reply->referral = s_view_from_row (call, result, 0, private,
                                       referral_access_disclosure_allowed (referral));
    if (referral_access_sees_hetu (call->identity, referral) && !PQgetisnull (result, 0, 17)) {
        size_t box_size = 0;
        unsigned char *box = PQunescapeBytea ((const unsigned char *) PQgetvalue (result, 0, 17), &box_size);
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
    if ((unsigned) body->state > KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_CLOSED
    ||  (unsigned) body->deadline_state > KUMPPANI__V1__DEADLINE_STATE__DEADLINE_STATE_NONE)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "referral.bad_filter",
                             "list_referrals", "unknown state or deadline state");
    unsigned page = body->page_size ? body->page_size : REFERRAL_PAGE_DEFAULT;
    char today [11], state [8], deadline_state [8], limit [8];
    kp_date_format (kp_date_today (), today);
    snprintf (state, sizeof state, "%d", (int) body->state);
    snprintf (deadline_state, sizeof deadline_state, "%d", (int) body->deadline_state);
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
        bool private = strcmp (PQgetvalue (result, row, 5), call->identity->org_id) == 0;
        bool withdrawn = s_bool (result, row, 11)
                      && s_int (result, row, 9) != KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_SECTION_35;
        reply->referrals [row] = s_view_from_row (call, result, row, private, !withdrawn);
        const char *client_ref = PQgetvalue (result, row, 16);
        if (kp_call_audit (call, *client_ref ? client_ref : PQgetvalue (result, row, 0),
                           referral_basis_name ((Kumppani__V1__LegalBasis) s_int (result, row, 9)),
                           call->identity->org_id, PQgetvalue (result, row, 0))) {
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
