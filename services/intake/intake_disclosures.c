/*  intake_disclosures — GetDisclosureLog: every disclosure of a client's
    data to another organisation (when, to whom, what kind of data, on
    which basis, under which consent), read from the audit log's rows of
    kind SERVICE.disclosure that kp_disclosure appends, a page at a time.
    Only the client's own organisation may read it (intake_access: an
    outsider hears what an unknown client id gets), and the read is
    audited like any other. */
#include "intake_access.h"
#include "intake_handlers.h"
#include "intake_sql.h"
#include "kp_check.h"
#include "kp_db.h"
#include "kp_ids.h"
#include "kp_reply_vocab.h"
#include "kp_row.h"
#include "kp_server.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#define PAGE_DEFAULT 100
#define PAGE_MAX     1000

int
intake_disclosures_get (kp_call_t *call)
{
    const Kumppani__V1__GetDisclosureLog *body = call->request->get_disclosure_log;
    if (!kp_id_valid (body->client_id))
        return kp_check_invalid (call, "intake.client_id", "get_disclosure_log.client_id", "a client id");
    if (body->page_size > PAGE_MAX)
        return kp_check_invalid (call, "intake.page_size", "get_disclosure_log.page_size",
                               "at most 1000 entries a page");
    if (body->after_seq > INT64_MAX)
        return kp_check_invalid (call, "intake.after_seq", "get_disclosure_log.after_seq",
                               "a seq from a previous page");
    if (intake_access_audit (call, body->client_id, INTAKE_READ, NULL, INTAKE_CLIENT, "disclosure log"))
        return -1;
    uint32_t page = body->page_size ? body->page_size : PAGE_DEFAULT;
    char after [24], limit [16];
    snprintf (after, sizeof after, "%" PRIu64, body->after_seq);
    snprintf (limit, sizeof limit, "%u", page + 1);     //  one more tells whether a page follows
    const char *values [] = { body->client_id, after, limit };
    PGresult *result = kp_db_exec (call->db, "disclosure_log", 3, values);
    if (!result)
        return kp_call_db_fail (call);
    int rows = PQntuples (result);
    int shown = rows > (int) page ? (int) page : rows;
    Kumppani__V1__DisclosureLogReply *reply = kp_call_alloc (call, sizeof *reply);
    kumppani__v1__disclosure_log_reply__init (reply);
    reply->client_id = kp_call_strdup (call, body->client_id);
    reply->disclosures = kp_call_alloc (call, sizeof (void *) * (size_t) (shown + 1));
    for (int row = 0; row < shown; row++) {
        Kumppani__V1__Disclosure *entry = kp_call_alloc (call, sizeof *entry);
        kumppani__v1__disclosure__init (entry);
        entry->seq = strtoull (kp_row_text (result, row, LOG_SEQ), NULL, 10);
KP_LEGACY_FIELDS_BEGIN
        entry->at = kp_call_strdup (call, kp_row_text (result, row, LOG_AT));
KP_LEGACY_FIELDS_END
        entry->at_us = kp_row_int (result, row, LOG_AT_US);
        entry->service = kp_call_strdup (call, kp_row_text (result, row, LOG_SERVICE));
        entry->actor_org = kp_call_strdup (call, kp_row_text (result, row, LOG_ACTOR_ORG));
        entry->person_id = kp_call_strdup (call, kp_row_text (result, row, LOG_PERSON));
        entry->recipient_org = kp_call_strdup (call, kp_row_text (result, row, LOG_RECIPIENT_ORG));
        entry->kind = kp_call_strdup (call, kp_row_text (result, row, LOG_KIND));
KP_LEGACY_FIELDS_BEGIN
        entry->basis = kp_call_strdup (call, kp_row_text (result, row, LOG_BASIS));
KP_LEGACY_FIELDS_END
        entry->basis_enum = kp_row_enum (result, row, LOG_BASIS, &kumppani__v1__disclosure_basis__descriptor);
        entry->consent_id = kp_call_strdup (call, kp_row_text (result, row, LOG_CONSENT_ID));
        entry->object_id = kp_call_strdup (call, kp_row_text (result, row, LOG_OBJECT_ID));
        reply->disclosures [reply->n_disclosures++] = entry;
    }
    reply->next_after_seq = rows > (int) page ? reply->disclosures [shown - 1]->seq : 0;
    PQclear (result);
    call->reply->body_case = KUMPPANI__V1__REPLY__BODY_DISCLOSURE_LOG;
    call->reply->disclosure_log = reply;
    return 0;
}
