/*  intake_consent — consent to exchange information and cooperate (lupa
    tietojen vaihtoon ja yhteistyöhön): per counterparty organisation and
    scope, given and withdrawn; and disclosure bans, which outrank any
    consent. Every disclosure is decided from these by one check,
    kp.disclosure_check (common/kp_disclosure); a withdrawal or a ban
    reaches what already went out through intake.consent_withdrawn and
    intake.disclosure_banned, never cut short. */
#include "intake_access.h"
#include "intake_handlers.h"
#include "intake_sql.h"
#include "kp_calendar.h"
#include "kp_check.h"
#include "kp_db.h"
#include "kp_ids.h"
#include "kp_outbox.h"
#include "kp_reply_vocab.h"
#include "kp_row.h"
#include "kp_server.h"

#include <string.h>

#define ORG_MAX   64
#define SCOPE_MAX 40
//  consent_withdraw's row (intake_sql.c).
enum { WITHDRAWN_AT, WITHDRAWN_AT_US };

static Kumppani__V1__Consent *
s_consent (kp_call_t *call, const char *consent_id, const char *client_id, const char *org,
           const char *scope, const char *given_at, const char *withdrawn_at, int64_t withdrawn_at_us)
{
    Kumppani__V1__Consent *consent = kp_call_alloc (call, sizeof *consent);
    kumppani__v1__consent__init (consent);
    consent->consent_id = kp_call_strdup (call, consent_id);
    consent->client_id = kp_call_strdup (call, client_id);
    consent->counterparty_org = kp_call_strdup (call, org);
    consent->scope = kp_call_strdup (call, scope);
    consent->given_at = kp_call_strdup (call, given_at);
KP_LEGACY_FIELDS_BEGIN
    consent->withdrawn_at = kp_call_strdup (call, withdrawn_at);
KP_LEGACY_FIELDS_END
    consent->withdrawn_at_us = withdrawn_at_us;
    return consent;
}

static int
s_reply (kp_call_t *call, Kumppani__V1__Consent *consent, const char *ban_id)
{
    Kumppani__V1__ConsentReply *reply = kp_call_alloc (call, sizeof *reply);
    kumppani__v1__consent_reply__init (reply);
    reply->consent = consent;
    reply->ban_id = kp_call_strdup (call, ban_id ? ban_id : "");
    call->reply->body_case = KUMPPANI__V1__REPLY__BODY_CONSENT;
    call->reply->consent = reply;
    return 0;
}

int
intake_consent_record (kp_call_t *call)
{
    const Kumppani__V1__RecordConsent *body = call->request->record_consent;
    kp_date_t given;
    if (!kp_id_valid (body->client_id))
        return kp_check_invalid (call, "intake.client_id", "record_consent.client_id", "a client id");
    //  Audited with the counterparty once the body is known good: the
    //  access check comes first so a stranger learns nothing of the client.
    char municipality [16];
    const char *basis, *recipient;
    if (intake_client_municipality (call, body->client_id, municipality, sizeof municipality)
    ||  intake_access_check (call, body->client_id, municipality, INTAKE_WRITE, NULL, INTAKE_CLIENT,
                             &basis, &recipient))
        return -1;
    if (!kp_check_slug (body->counterparty_org, ORG_MAX))
        return kp_check_invalid (call, "intake.counterparty_org", "record_consent.counterparty_org",
                                 "the organisation id the consent is given to");
    if (!kp_check_slug (body->scope, SCOPE_MAX))
        return kp_check_invalid (call, "intake.scope", "record_consent.scope",
                                 "what may be disclosed, e.g. client or case");
    if (*body->given_at && (kp_date_parse (body->given_at, &given) || given > kp_db_today (call->db)))
        return kp_check_invalid (call, "intake.given_at", "record_consent.given_at",
                                 "the day consent was given, not in the future");
    if (kp_call_audit (call, body->client_id, basis, recipient, body->counterparty_org))
        return kp_call_db_fail (call);
    char consent_id [KP_ID_LEN + 1];
    kp_id_new (consent_id);
    const char *values [] = { consent_id, body->client_id, body->counterparty_org, body->scope,
                              *body->given_at ? body->given_at : NULL, call->identity->org_id };
    PGresult *result = kp_db_exec (call->db, "consent_insert", 6, values);
    if (!result)
        return kp_call_db_fail (call);
    Kumppani__V1__Consent *consent = s_consent (call, consent_id, body->client_id, body->counterparty_org,
                                                body->scope, kp_row_text (result, 0, KP_ROW_ONLY), "", 0);
    PQclear (result);
    return s_reply (call, consent, NULL);
}

//  Referral ids per event: events stay far below any frame limit however
//  many referrals a withdrawal or ban reaches; all of them go out, in as
//  many events as it takes, in the call's transaction.
#define IDS_PER_EVENT 500

//  topic for the client, naming every referral rows lists (column 0),
//  IDS_PER_EVENT at a time; at least one event even when none. told is
//  the organisation the stream shows the events to besides the
//  municipality's own (NULL: nobody else). 0 or -1.
static int
s_emit_referrals (kp_call_t *call, const char *topic, const char *aggregate_id, const char *client_id,
                  const char *counterparty, const char *scope, const char *told, PGresult *rows)
{
    char municipality [16] = "";
    if (intake_client_municipality (call, client_id, municipality, sizeof municipality))
        return -1;
    int total = PQntuples (rows);
    char **referral_ids = kp_call_alloc (call, sizeof (char *) * (size_t) (total + 1));
    for (int row = 0; row < total; row++)
        referral_ids [row] = (char *) kp_row_text (rows, row, KP_ROW_ONLY);
    int done = 0;
    do {
        int count = total - done < IDS_PER_EVENT ? total - done : IDS_PER_EVENT;
        Kumppani__V1__IntakeEvent payload = KUMPPANI__V1__INTAKE_EVENT__INIT;
        payload.client_id = (char *) client_id;
        payload.municipality = municipality;
        payload.referral_ids = referral_ids + done;
        payload.n_referral_ids = (size_t) count;
        payload.counterparty_org = (char *) counterparty;
        payload.scope = (char *) scope;
        Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
        event.topic = (char *) topic;
        event.aggregate_id = (char *) aggregate_id;
        event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_INTAKE;
        event.intake = &payload;
        kp_event_scope_t event_scope = { .municipality = municipality, .recipient_org = told };
        if (kp_outbox_append (call->db, &event, &event_scope) < 0)
            return -1;
        done += count;
    } while (done < total);
    return 0;
}

//  intake.consent_withdrawn, naming the referrals the counterparty sent
//  about this client: the referral service stops their further disclosure,
//  and that of every referral resting on this consent (the aggregate id).
static int
s_emit_withdrawn (kp_call_t *call, const Kumppani__V1__Consent *consent)
{
    const char *values [] = { consent->client_id, consent->counterparty_org };
    PGresult *rows = kp_db_exec (call->db, "consent_referrals", 2, values);
    if (!rows)
        return -1;
    int rc = s_emit_referrals (call, "intake.consent_withdrawn", consent->consent_id, consent->client_id,
                               consent->counterparty_org, "", consent->counterparty_org, rows);
    PQclear (rows);
    return rc;
}

int
intake_consent_withdraw (kp_call_t *call)
{
    const Kumppani__V1__WithdrawConsent *body = call->request->withdraw_consent;
    if (!kp_id_valid (body->consent_id))
        return kp_check_invalid (call, "intake.consent_id", "withdraw_consent.consent_id", "a consent id");
    const char *values [] = { body->consent_id };
    PGresult *row = kp_db_exec (call->db, "consent_lock", 1, values);
    if (!row)
        return kp_call_db_fail (call);
    if (PQntuples (row) == 0) {
        PQclear (row);
        return intake_not_found (call, INTAKE_CONSENT);
    }
    Kumppani__V1__Consent *consent = s_consent (call, body->consent_id, kp_row_text (row, 0, CONSENT_CLIENT_ID),
                                                kp_row_text (row, 0, CONSENT_COUNTERPARTY_ORG),
                                                kp_row_text (row, 0, CONSENT_SCOPE),
                                                kp_row_text (row, 0, CONSENT_GIVEN_AT),
                                                kp_row_text (row, 0, CONSENT_WITHDRAWN_AT),
                                                kp_row_int (row, 0, CONSENT_WITHDRAWN_AT_US));
    PQclear (row);
    if (intake_access_audit (call, consent->client_id, INTAKE_WRITE, NULL, INTAKE_CONSENT,
                             consent->counterparty_org))
        return -1;
    if (consent->withdrawn_at_us)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "intake.consent_withdrawn",
                             NULL, "the consent was already withdrawn");
    PGresult *result = kp_db_exec (call->db, "consent_withdraw", 1, values);
    if (!result)
        return kp_call_db_fail (call);
KP_LEGACY_FIELDS_BEGIN
    consent->withdrawn_at = kp_call_strdup (call, PQntuples (result) ? kp_row_text (result, 0, WITHDRAWN_AT) : "");
KP_LEGACY_FIELDS_END
    consent->withdrawn_at_us = PQntuples (result) ? kp_row_int (result, 0, WITHDRAWN_AT_US) : 0;
    PQclear (result);
    if (s_emit_withdrawn (call, consent))
        return kp_call_db_fail (call);
    return s_reply (call, consent, NULL);
}

int
intake_consent_list (kp_call_t *call)
{
    const Kumppani__V1__ListConsents *body = call->request->list_consents;
    if (!kp_id_valid (body->client_id))
        return kp_check_invalid (call, "intake.client_id", "list_consents.client_id", "a client id");
    if (intake_access_audit (call, body->client_id, INTAKE_READ, NULL, INTAKE_CLIENT, "consents"))
        return -1;
    const char *values [] = { body->client_id };
    PGresult *consents = kp_db_exec (call->db, "consent_list", 1, values);
    PGresult *bans = consents ? kp_db_exec (call->db, "ban_list", 1, values) : NULL;
    if (!consents || !bans) {
        PQclear (consents);
        return kp_call_db_fail (call);
    }
    Kumppani__V1__ConsentListReply *reply = kp_call_alloc (call, sizeof *reply);
    kumppani__v1__consent_list_reply__init (reply);
    int count = PQntuples (consents);
    reply->consents = kp_call_alloc (call, (size_t) (count + 1) * sizeof (void *));
    for (int index = 0; index < count; index++)
        reply->consents [reply->n_consents++] = s_consent (
            call, kp_row_text (consents, index, CONSENT_ID), body->client_id,
            kp_row_text (consents, index, CONSENT_COUNTERPARTY_ORG), kp_row_text (consents, index, CONSENT_SCOPE),
            kp_row_text (consents, index, CONSENT_GIVEN_AT), kp_row_text (consents, index, CONSENT_WITHDRAWN_AT),
            kp_row_int (consents, index, CONSENT_WITHDRAWN_AT_US));
    count = PQntuples (bans);
    reply->bans = kp_call_alloc (call, (size_t) (count + 1) * sizeof (void *));
    for (int index = 0; index < count; index++) {
        Kumppani__V1__DisclosureBan *ban = kp_call_alloc (call, sizeof *ban);
        kumppani__v1__disclosure_ban__init (ban);
        ban->ban_id = kp_call_strdup (call, kp_row_text (bans, index, BAN_ID));
        ban->counterparty_org = kp_call_strdup (call, kp_row_text (bans, index, BAN_COUNTERPARTY_ORG));
        ban->scope = kp_call_strdup (call, kp_row_text (bans, index, BAN_SCOPE));
KP_LEGACY_FIELDS_BEGIN
        ban->recorded_at = kp_call_strdup (call, kp_row_text (bans, index, BAN_RECORDED_AT));
KP_LEGACY_FIELDS_END
        ban->recorded_at_us = kp_row_int (bans, index, BAN_RECORDED_AT_US);
        reply->bans [reply->n_bans++] = ban;
    }
    PQclear (consents);
    PQclear (bans);
    call->reply->body_case = KUMPPANI__V1__REPLY__BODY_CONSENT_LIST;
    call->reply->consent_list = reply;
    return 0;
}

int
intake_consent_ban (kp_call_t *call)
{
    const Kumppani__V1__RecordDisclosureBan *body = call->request->record_disclosure_ban;
    if (!kp_id_valid (body->client_id))
        return kp_check_invalid (call, "intake.client_id", "record_disclosure_ban.client_id", "a client id");
    if (intake_access_audit (call, body->client_id, INTAKE_WRITE, NULL, INTAKE_CLIENT, "disclosure ban"))
        return -1;
    if (*body->counterparty_org && !kp_check_slug (body->counterparty_org, ORG_MAX))
        return kp_check_invalid (call, "intake.counterparty_org", "record_disclosure_ban.counterparty_org",
                                 "an organisation id, or empty for everyone");
    if (*body->scope && !kp_check_slug (body->scope, SCOPE_MAX))
        return kp_check_invalid (call, "intake.scope", "record_disclosure_ban.scope",
                                 "a scope, or empty for every scope");
    char ban_id [KP_ID_LEN + 1];
    kp_id_new (ban_id);
    const char *values [] = { ban_id, body->client_id, body->counterparty_org, body->scope,
                              call->identity->org_id };
    PGresult *result = kp_db_exec (call->db, "ban_insert", 5, values);
    if (!result)
        return kp_call_db_fail (call);
    PQclear (result);
    //  The ban reaches what already went out: intake.disclosure_banned
    //  names the banned organisation's referrals of this client, and the
    //  referral service stops every referral to it resting on a check.
    //  The banned organisation is not told of the ban by the stream.
    const char *whose [] = { body->client_id, body->counterparty_org };
    PGresult *rows = kp_db_exec (call->db, "ban_referrals", 2, whose);
    if (!rows)
        return kp_call_db_fail (call);
    int emitted = s_emit_referrals (call, "intake.disclosure_banned", ban_id, body->client_id,
                                    body->counterparty_org, body->scope, NULL, rows);
    PQclear (rows);
    if (emitted)
        return kp_call_db_fail (call);
    return s_reply (call, NULL, ban_id);
}
