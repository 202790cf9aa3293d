/*  kp_disclosure — asks kp.disclosure_check, turns a refusal into the
    call's FORBIDDEN reply, and records an allowed disclosure as an audit
    row of its own kind (action SERVICE.disclosure, client_ref intake's
    client id, basis, recipient, detail "kind=… object=… consent=…"), which
    kp.disclosure_log reads back for the client's right of access. */
#include "kp_disclosure.h"
#include "kp_row.h"
#include "kp_audit.h"
#include "kp_hetu.h"

#include <stdio.h>
#include <string.h>

//  kp.disclosure_check's row.
#define S_VERDICT_ROW(C) \
    C (VERDICT_CLIENT_ID, "client_id", "text") \
    C (VERDICT_CONSENT_ID, "consent_id", "text") \
    C (VERDICT_REFUSAL, "refusal", "text")
enum { S_VERDICT_ROW (KP_ROW_INDEX) };
static const kp_col_t s_verdict_row [] = { S_VERDICT_ROW (KP_ROW_COLUMN) { NULL } };

const kp_stmt_t kp_disclosure_statements [] = {
    { "kp_disclosure_check",
      "SELECT client_id, consent_id, refusal FROM kp.disclosure_check ($1::text, $2::bytea,"
      " $3::text, $4::text, $5::text, $6::text, $7::text, $8::text)", s_verdict_row },
    { NULL }
};

//  The refusals and what each tells the caller (FORBIDDEN). Codes from
//  the database are matched here, never passed on as they came.
//  error codes: consent.not_found consent.withdrawn consent.out_of_scope
//  error codes: disclosure.banned disclosure.no_basis
static const struct {
    const char *code;
    const char *message;
} s_refusals [] = {
    { "consent.not_found",    "no consent of this client to this recipient is on record" },
    { "consent.withdrawn",    "the client withdrew the consent this disclosure would rest on" },
    { "consent.out_of_scope", "the client's consent to this recipient does not cover this data" },
    { "disclosure.banned",    "the client has banned this disclosure" },
    { "disclosure.no_basis",  "a disclosure needs consent, the client's request or a statutory basis" },
    { NULL, NULL }
};

static const char *
s_text (const char *text)
{
    return text ? text : "";
}

int
kp_disclosure_check (kp_db_t *db, const kp_disclosure_t *disclosure, kp_disclosure_verdict_t *verdict)
{
    memset (verdict, 0, sizeof *verdict);
    const char *values [] = {
        s_text (disclosure->client_id), (const char *) disclosure->hetu_hash,
        disclosure->municipality && *disclosure->municipality ? disclosure->municipality : NULL,
        s_text (disclosure->referral_id), s_text (disclosure->recipient_org), s_text (disclosure->scope),
        s_text (disclosure->basis), s_text (disclosure->consent_ref)
    };
    int lengths [8] = { 0, disclosure->hetu_hash ? KP_HETU_HASH_BYTES : 0 };
    int formats [8] = { 0, 1 };
    PGresult *result = kp_db_exec_params (db, "kp_disclosure_check", 8, values, lengths, formats);
    if (!result)
        return -1;
    if (PQntuples (result) != 1) {
        PQclear (result);
        return -1;
    }
    snprintf (verdict->client_id, sizeof verdict->client_id, "%s", kp_row_text (result, 0, VERDICT_CLIENT_ID));
    snprintf (verdict->consent_id, sizeof verdict->consent_id, "%s", kp_row_text (result, 0, VERDICT_CONSENT_ID));
    const char *refusal = kp_row_text (result, 0, VERDICT_REFUSAL);
    if (*refusal) {
        //  An unknown code refuses too: the check said no.
        verdict->refusal = "disclosure.no_basis";
        for (int index = 0; s_refusals [index].code; index++)
            if (strcmp (refusal, s_refusals [index].code) == 0)
                verdict->refusal = s_refusals [index].code;
    }
    PQclear (result);
    return 0;
}

int
kp_disclosure_allow (kp_call_t *call, const kp_disclosure_t *disclosure, kp_disclosure_verdict_t *verdict)
{
    kp_disclosure_verdict_t own;
    if (!verdict)
        verdict = &own;
    if (kp_disclosure_check (call->db, disclosure, verdict))
        return kp_call_db_fail (call);
    if (verdict->refusal) {
        const char *message = "";
        for (int index = 0; s_refusals [index].code; index++)
            if (strcmp (verdict->refusal, s_refusals [index].code) == 0)
                message = s_refusals [index].message;
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, verdict->refusal, NULL, message);
    }
    return kp_disclosure_record (call, disclosure, verdict);
}

int
kp_disclosure_record (kp_call_t *call, const kp_disclosure_t *disclosure,
                      const kp_disclosure_verdict_t *verdict)
{
    if (!*verdict->client_id)
        return 0;               //  not intake's client: nothing of intake's goes out
    //  SERVICE.disclosure in the calling service's own name (0013).
    char action [48], detail [200];
    size_t service = strcspn (call->operation, ".");
    snprintf (action, sizeof action, "%.*s.disclosure", (int) service, call->operation);
    snprintf (detail, sizeof detail, "kind=%s object=%s consent=%s", s_text (disclosure->scope),
              s_text (disclosure->object_id), verdict->consent_id);
    kp_audit_entry_t entry;
    kp_call_audit_entry (call, verdict->client_id, disclosure->basis, disclosure->recipient_org, detail, &entry);
    entry.action = action;
    if (kp_audit_append (call->db, &entry))
        return kp_call_db_fail (call);
    return 0;
}
