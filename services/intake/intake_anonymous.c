/*  intake_anonymous — talousneuvola walk-in and phone contacts, recorded
    without identity: "visits are not written into the client register".
    Only when the visitor consents to a case is the contact converted, and
    only then does it point at a case (never at a client directly). */
#include "intake_access.h"
#include "intake_case_row.h"
#include "intake_events.h"
#include "intake_handlers.h"
#include "kp_check.h"
#include "kp_db.h"
#include "kp_enum.h"
#include "kp_ids.h"
#include "kp_server.h"

#include <stdio.h>
#include <string.h>

#define TOPICS_MAX 20

int
intake_anonymous_record (kp_call_t *call)
{
    const Kumppani__V1__RecordAnonymousContact *body = call->request->record_anonymous_contact;
    char channel [KP_ENUM_CODE_MAX], field [80];
    if (!*body->session_ref || strlen (body->session_ref) > 64)
        return kp_check_invalid (call, "intake.session_ref", "record_anonymous_contact.session_ref",
                                 "the session, 1-64 bytes");
    if (!kp_enum_code (&kumppani__v1__contact_channel__descriptor, (int) body->channel, channel, sizeof channel))
        return kp_check_invalid (call, "intake.contact_channel", "record_anonymous_contact.channel",
                                 "walk-in or phone");
    if (body->n_topics > TOPICS_MAX)
        return kp_check_invalid (call, "intake.topics", "record_anonymous_contact.topics", "at most 20 topics");
    size_t size = 1;
    for (size_t index = 0; index < body->n_topics; index++) {
        if (!kp_check_slug (body->topics [index], 40)) {
            snprintf (field, sizeof field, "record_anonymous_contact.topics[%zu]", index);
            return kp_check_invalid (call, "intake.topic", field, "a topic code such as debts");
        }
        size += strlen (body->topics [index]) + 1;
    }
    if (!kp_check_municipality (call->identity->municipality))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, "intake.no_area",
                             NULL, "your organisation is bound to no municipality");
    //  Identity only with consent; without consent a client id is refused
    //  rather than silently dropped, so nobody believes it was linked.
    if (!body->consent_to_convert && *body->client_id)
        return kp_check_invalid (call, "intake.no_consent", "record_anonymous_contact.client_id",
                                 "an anonymous contact names a client only when converted with consent");
    char case_id [KP_ID_LEN + 1] = "";
    if (body->consent_to_convert) {
        if (!kp_id_valid (body->client_id))
            return kp_check_invalid (call, "intake.client_id", "record_anonymous_contact.client_id",
                                     "the registered client the case is opened for");
        char municipality [16];
        const char *basis, *recipient;
        if (intake_client_municipality (call, body->client_id, municipality, sizeof municipality)
        ||  intake_access_check (call, body->client_id, municipality, INTAKE_WRITE, NULL, INTAKE_CLIENT,
                                 &basis, &recipient))
            return -1;
        if (!*body->responsible_worker || strlen (body->responsible_worker) > 200)
            return kp_check_invalid (call, "intake.responsible_worker",
                                     "record_anonymous_contact.responsible_worker",
                                     "the case needs a named responsible worker");
        kp_id_new (case_id);
        //  The visitor's consent is kept like any other consent, so it can
        //  be listed and withdrawn.
        char consent_id [KP_ID_LEN + 1];
        kp_id_new (consent_id);
        const char *consent [] = { consent_id, body->client_id, call->identity->org_id,
                                   "talousneuvola_case", NULL, call->identity->org_id };
        PGresult *recorded = kp_db_exec (call->db, "consent_insert", 6, consent);
        if (!recorded)
            return kp_call_db_fail (call);
        PQclear (recorded);
        if (intake_case_insert (call->db, case_id, body->client_id, municipality, "talousneuvola",
                                body->responsible_worker, call->identity->org_id)
        ||  kp_call_audit (call, body->client_id, "consent", recipient, "converted anonymous contact"))
            return kp_call_db_fail (call);
    }
    char *topics = kp_call_alloc (call, size);
    for (size_t index = 0; index < body->n_topics; index++) {
        if (index)
            strcat (topics, "\n");
        strcat (topics, body->topics [index]);
    }
    char contact_id [KP_ID_LEN + 1];
    kp_id_new (contact_id);
    const char *values [] = { contact_id, body->session_ref, channel, topics,
                              body->follow_up_agreed ? "true" : "false", call->identity->municipality,
                              call->identity->org_id, case_id };
    PGresult *result = kp_db_exec (call->db, "anonymous_insert", 8, values);
    if (!result)
        return kp_call_db_fail (call);
    PQclear (result);
    if (!*case_id && kp_call_audit (call, NULL, NULL, NULL, "anonymous contact"))
        return kp_call_db_fail (call);
    if (*case_id && intake_case_emit (call->db, case_id, "intake.case_opened", NULL))
        return kp_call_db_fail (call);
    Kumppani__V1__AnonymousContactReply *reply = kp_call_alloc (call, sizeof *reply);
    kumppani__v1__anonymous_contact_reply__init (reply);
    reply->contact_id = kp_call_strdup (call, contact_id);
    reply->converted_case_id = kp_call_strdup (call, case_id);
    call->reply->body_case = KUMPPANI__V1__REPLY__BODY_ANONYMOUS_CONTACT;
    call->reply->anonymous_contact = reply;
    return 0;
}
