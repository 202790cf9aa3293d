/*  referral_chain — the loop closed through a chain of forwards. A
    referral forwarded on (ForwardReferral) shows, in its reply, every
    referral forwarded from it at any depth, with state and outcome; and
    every event of a child goes once more, as referral.chain_updated with
    the child's payload (its parent and root named), to the chain's first
    sender, whose own stream scope would not show another sender's
    referral. Neither carries client data; an outcome the client's
    withdrawn consent or ban covers is withheld. */
#include "referral_chain.h"
#include "referral_record.h"
#include "referral_sql.h"
#include "kp_db.h"
#include "kp_outbox.h"
#include "kp_row.h"
#include "kp_server.h"

#include <string.h>

int
referral_chain_read (kp_call_t *call, const referral_t *referral, Kumppani__V1__ReferralReply *reply)
{
    const char *values [] = { referral->id };
    PGresult *result = kp_db_exec (call->db, "referral_chain", 1, values);
    if (!result)
        return kp_call_db_fail (call);
    int rows = PQntuples (result);
    reply->chain = kp_call_alloc (call, sizeof (Kumppani__V1__ReferralChainLink *) * (size_t) (rows + 1));
    reply->n_chain = (size_t) rows;
    for (int row = 0; row < rows; row++) {
        Kumppani__V1__ReferralChainLink *link = kp_call_alloc (call, sizeof *link);
        kumppani__v1__referral_chain_link__init (link);
        link->referral_id = kp_call_strdup (call, kp_row_text (result, row, CHAIN_ID));
        link->parent_referral_id = kp_call_strdup (call, kp_row_text (result, row, CHAIN_PARENT_ID));
        link->sender_org = kp_call_strdup (call, kp_row_text (result, row, CHAIN_SENDER_ORG));
        link->recipient_org = kp_call_strdup (call, kp_row_text (result, row, CHAIN_RECIPIENT_ORG));
        link->recipient_type = kp_call_strdup (call, kp_row_text (result, row, CHAIN_RECIPIENT_TYPE));
        link->state = kp_row_enum (result, row, CHAIN_STATE, &kumppani__v1__referral_state__descriptor);
        link->outcome_code = kp_row_bool (result, row, CHAIN_WITHHELD)
                           ? "" : kp_call_strdup (call, kp_row_text (result, row, CHAIN_OUTCOME_CODE));
        link->created_at = kp_row_int (result, row, CHAIN_CREATED_AT);
        link->updated_at = kp_row_int (result, row, CHAIN_UPDATED_AT);
        reply->chain [row] = link;
    }
    PQclear (result);
    return 0;
}

int
referral_chain_emit (kp_db_t *db, const referral_t *referral, const char *topic,
                     Kumppani__V1__ReferralState previous, const char *reason_code)
{
    //  The first sender that is a party to the child sees its events already.
    if (!*referral->root_sender_org || strcmp (referral->root_sender_org, referral->sender_org) == 0
    ||  strcmp (referral->root_sender_org, referral->recipient_org) == 0)
        return 0;
    referral_event_t emitted;
    referral_record_event (referral, topic, previous, reason_code, &emitted);
    emitted.event.topic = "referral.chain_updated";
    emitted.scope = (kp_event_scope_t) { .sender_org = referral->root_sender_org };
    return kp_outbox_append (db, &emitted.event, &emitted.scope) < 0 ? -1 : 0;
}
