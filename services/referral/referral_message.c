/*  referral_message — the thread between a referral's sender and its
    receiver: either posts a bounded text, both read it in order. A
    message is client data like a note: its text is stored in the
    referral schema and goes back only to the two parties; the event
    (referral.message_posted), the audit row and the log say that a
    message exists (its id, author organisation, length), never what it
    says. After the consent the referral rests on is withdrawn (or the
    client's ban), nothing more is posted and each party reads only its
    own texts: the other party's are withheld, as the receiver no longer
    sees the sender's free text. */
#include "referral_access.h"
#include "referral_exchange.h"
#include "referral_handlers.h"
#include "referral_record.h"
#include "kp_db.h"
#include "kp_disclosure.h"
#include "kp_ids.h"
#include "kp_outbox.h"
#include "kp_reply_vocab.h"
#include "kp_row.h"
#include "kp_server.h"

#include <stdio.h>
#include <string.h>

#define MESSAGE_PAGE_DEFAULT 50
#define MESSAGE_PAGE_MAX     100

//  The referral, for a party only: 0 with it loaded (its row locked when
//  lock: a post then waits for a withdrawal being recorded, and sees it),
//  or -1 with the call failed (an outsider gets what an unknown id gets).
static int
s_party_referral (kp_call_t *call, const char *id, const char *field, bool lock, referral_t *referral)
{
    if (!kp_id_valid (id))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "referral.bad_id",
                             field, "a referral id (26 characters)");
    int found = referral_record_load (call->db, id, lock, referral);
    if (found < 0)
        return kp_call_db_fail (call);
    if (!found || !referral_access_may_see (call->identity, referral))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_NOT_FOUND, "referral.not_found",
                             field, "no such referral");
    return 0;
}

//  The receiver's message tells the sender about the client: the same
//  check as the receiver's every other step (referral_lifecycle).
static int
s_check_disclosure (kp_call_t *call, const referral_t *referral)
{
    const char *basis = KP_DISCLOSURE_CLIENT_REQUEST;
    if (referral->legal_basis == KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CONSENT)
        basis = KP_DISCLOSURE_RECIPIENT_CONSENT;
    else
    if (referral->legal_basis == KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_SECTION_35)
        basis = KP_DISCLOSURE_SECTION_35;
    kp_disclosure_t disclosure = {
        .referral_id = referral->id, .recipient_org = referral->sender_org, .scope = "referral",
        .basis = basis, .consent_ref = "", .object_id = referral->id
    };
    return kp_disclosure_allow (call, &disclosure, NULL);
}

int
referral_post_message (kp_call_t *call)
{
    const Kumppani__V1__PostReferralMessage *body = call->request->post_referral_message;
    referral_t referral;
    if (s_party_referral (call, body->referral_id, "post_referral_message.referral_id", true, &referral))
        return -1;
    size_t length = strlen (body->text);
    //  UTF-8 is the codec's (request.invalid_utf8 before any handler).
    if (length == 0)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "referral.message_required",
                             "post_referral_message.text", "1-2000 bytes of text");
    if (length > REFERRAL_MESSAGE_MAX)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "referral.message_too_long",
                             "post_referral_message.text", "at most 2000 bytes of text");
    if (!referral_access_disclosure_allowed (&referral))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, "referral.consent_withdrawn",
                             NULL, "the client withdrew the consent this referral rests on");
    bool from_recipient = referral_access_is_recipient (call->identity, &referral);
    if (from_recipient && s_check_disclosure (call, &referral))
        return -1;
    char message_id [KP_ID_LEN + 1];
    kp_id_new (message_id);
    const char *role = kp_role_name (call->request->actor->role);
    const char *values [] = {
        message_id, referral.id, call->identity->org_id, call->identity->org_type,
        call->request->actor->person_id, role, body->text
    };
    PGresult *result = kp_db_exec (call->db, "referral_message_insert", 7, values);
    if (!result)
        return kp_call_db_fail (call);
    PQclear (result);
    //  A disclosure to the other party; the detail is the message's id.
    const char *other = from_recipient ? referral.sender_org : referral.recipient_org;
    if (kp_call_audit (call, referral.client_ref, referral_basis_name (referral.legal_basis), other, message_id))
        return kp_call_db_fail (call);
    int64_t posted_at = kp_db_now_us (call->db);

    Kumppani__V1__ReferralMessage *message = kp_call_alloc (call, sizeof *message);
    kumppani__v1__referral_message__init (message);
    message->message_id = kp_call_strdup (call, message_id);
    message->referral_id = kp_call_strdup (call, referral.id);
    message->author_org = kp_call_strdup (call, call->identity->org_id);
KP_LEGACY_FIELDS_BEGIN
    message->author_role = kp_call_strdup (call, role);
KP_LEGACY_FIELDS_END
    message->author_role_enum = kp_reply_vocab_role (role);
    message->author_person = kp_call_strdup (call, call->request->actor->person_id);
    message->text = kp_call_strdup (call, body->text);
    message->length = (uint32_t) length;
    message->posted_at = posted_at;
    Kumppani__V1__ReferralMessageReply *reply = kp_call_alloc (call, sizeof *reply);
    kumppani__v1__referral_message_reply__init (reply);
    reply->message = message;
    call->reply->body_case = KUMPPANI__V1__REPLY__BODY_REFERRAL_MESSAGE;
    call->reply->referral_message = reply;

    //  That a message exists: id, author, length. Never the text.
    referral_event_t emitted;
    referral_record_event (&referral, "referral.message_posted", referral.state, "", &emitted);
    emitted.payload.message_id = message_id;
    emitted.payload.message_author_org = (char *) call->identity->org_id;
    emitted.payload.message_length = (uint32_t) length;
    if (kp_outbox_append (call->db, &emitted.event, &emitted.scope) < 0)
        return kp_call_db_fail (call);
    return 0;
}

int
referral_list_messages (kp_call_t *call)
{
    const Kumppani__V1__ListReferralMessages *body = call->request->list_referral_messages;
    referral_t referral;
    if (s_party_referral (call, body->referral_id, "list_referral_messages.referral_id", false, &referral))
        return -1;
    if (body->page_size > MESSAGE_PAGE_MAX)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "referral.page_size",
                             "list_referral_messages.page_size", "at most 100 per page");
    char after [24] = "0";
    if (*body->cursor) {
        const char *values [] = { referral.id, body->cursor };
        PGresult *result = kp_id_valid (body->cursor)
                         ? kp_db_exec (call->db, "referral_message_seq", 2, values) : NULL;
        if (kp_id_valid (body->cursor) && !result)
            return kp_call_db_fail (call);
        bool known = result && PQntuples (result) == 1;
        if (known)
            snprintf (after, sizeof after, "%s", kp_row_text (result, 0, KP_ROW_ONLY));
        PQclear (result);
        if (!known)
            return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "referral.bad_cursor",
                                 "list_referral_messages.cursor", "a next_cursor from an earlier page");
    }
    unsigned page = body->page_size ? body->page_size : MESSAGE_PAGE_DEFAULT;
    char limit [8];
    snprintf (limit, sizeof limit, "%u", page + 1);     //  one more tells whether a page follows
    const char *values [] = { referral.id, after, limit };
    PGresult *result = kp_db_exec (call->db, "referral_message_list", 3, values);
    if (!result)
        return kp_call_db_fail (call);
    //  Reading the thread is a disclosure to the caller.
    if (kp_call_audit (call, referral.client_ref, referral_basis_name (referral.legal_basis),
                       call->identity->org_id, referral.id)) {
        PQclear (result);
        return kp_call_db_fail (call);
    }
    bool disclose = referral_access_disclosure_allowed (&referral);
    int rows = PQntuples (result);
    int shown = rows > (int) page ? (int) page : rows;
    Kumppani__V1__ReferralMessageListReply *reply = kp_call_alloc (call, sizeof *reply);
    kumppani__v1__referral_message_list_reply__init (reply);
    reply->messages = kp_call_alloc (call, sizeof (Kumppani__V1__ReferralMessage *) * (size_t) (shown + 1));
    reply->n_messages = (size_t) shown;
    for (int row = 0; row < shown; row++) {
        Kumppani__V1__ReferralMessage *message = kp_call_alloc (call, sizeof *message);
        kumppani__v1__referral_message__init (message);
        bool own = strcmp (kp_row_text (result, row, MSG_AUTHOR_ORG), call->identity->org_id) == 0;
        message->message_id = kp_call_strdup (call, kp_row_text (result, row, MSG_ID));
        message->referral_id = kp_call_strdup (call, referral.id);
        message->author_org = kp_call_strdup (call, kp_row_text (result, row, MSG_AUTHOR_ORG));
KP_LEGACY_FIELDS_BEGIN
        message->author_role = kp_call_strdup (call, kp_row_text (result, row, MSG_AUTHOR_ROLE));
KP_LEGACY_FIELDS_END
        message->author_role_enum = kp_reply_vocab_role (kp_row_text (result, row, MSG_AUTHOR_ROLE));
        message->author_person = own ? kp_call_strdup (call, kp_row_text (result, row, MSG_AUTHOR_PERSON)) : "";
        message->withheld = !own && !disclose;
        message->text = message->withheld ? "" : kp_call_strdup (call, kp_row_text (result, row, MSG_BODY));
        message->length = (uint32_t) kp_row_int (result, row, MSG_LENGTH);
        message->posted_at = kp_row_int (result, row, MSG_POSTED_AT);
        reply->messages [row] = message;
    }
    reply->next_cursor = rows > (int) page ? reply->messages [shown - 1]->message_id : "";
    PQclear (result);
    call->reply->body_case = KUMPPANI__V1__REPLY__BODY_REFERRAL_MESSAGE_LIST;
    call->reply->referral_message_list = reply;
    return 0;
}
