/*  intake_referrals — the closed loop from the referral service: a
    referral.received addressed to a municipality opens the client's case
    (or joins the open one) with channel Kela notice / authority notice and
    the referral's id. The referral's client comes from the referral
    service's view (via intake.referral_source); the henkilötunnus box and
    hash are copied as they are, both services holding the same keys.
    Idempotent: case_referrals.referral_id is unique, so a redelivered
    event finds its case and does nothing. A client the notice creates
    gets the birth date its henkilötunnus holds before the case opens, so
    the start snapshot knows the age at entry. 
    The recipient must organise the referral's municipality (the referral
    service refuses other notices; this holds for older ones too), and
    only a client of the recipient's own is linked: the same person known
    to another organiser gets a new record here, and the case never shows
    that the other record exists. */
#include "intake_case_row.h"
#include "intake_caseload.h"
#include "intake_consumer.h"
#include "intake_context.h"
#include "intake_events.h"
#include "intake_referrals_batch.h"
#include "intake_sql.h"
#include "kp_admitted.h"
#include "kp_audit.h"
#include "kp_calendar.h"
#include "kp_check.h"
#include "kp_db.h"
#include "kp_hetu.h"
#include "kp_ids.h"
#include "kp_organiser.h"
#include "kp_row.h"
#include "kp_server.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

bool
intake_referrals_birth_date (const kp_hetu_keys_t *keys, const char *box_text, char *date, int *year)
{
    char hetu [KP_HETU_LEN + 1] = "";
    int opened = -1, y, m, d;
    size_t box_size = 0;
    unsigned char *box = PQunescapeBytea ((const unsigned char *) box_text, &box_size);
    opened = box ? kp_hetu_decrypt (keys, box, box_size, hetu) : -1;
    PQfreemem (box);
    bool valid = opened == 0 && kp_hetu_validate (hetu, &y, &m, &d) == KP_HETU_OK;
    sodium_memzero (hetu, sizeof hetu);
    if (valid) {
        kp_date_format (kp_date_from_ymd (y, m, d), date);
        *year = y;
    }
    return valid;
}

//  The birth date of the henkilötunnus in a new client's identity box,
//  onto the record (only where none is known). 0, or -1 on a database
//  error; a box that does not open is no birth date, not an error.
static int
s_birth_date (kp_db_t *db, const kp_hetu_keys_t *keys, const char *client_id)
{
    const char *values [3] = { client_id };
    PGresult *result = kp_db_exec (db, "client_hetu_box", 1, values);
    if (!result)
        return -1;
    char date [11], year [8];
    int y = 0;
    bool valid = PQntuples (result) == 1
              && intake_referrals_birth_date (keys, kp_row_text (result, 0, KP_ROW_ONLY), date, &y);
    PQclear (result);
    if (!valid)
        return 0;
    snprintf (year, sizeof year, "%d", y);
    values [1] = date;
    values [2] = year;
    result = kp_db_exec (db, "client_birth_set", 3, values);
    if (!result)
        return -1;
    PQclear (result);
    return 0;
}

int
intake_referrals_handle (kp_db_t *db, const Kumppani__V1__Event *event, void *arg,
                         char *error, size_t error_size)
{
    intake_t *self = arg;
    const Kumppani__V1__ReferralEvent *referral = event->referral;
    if (strcmp (event->topic, "referral.received") != 0)
        return 0;
    if (event->payload_case != KUMPPANI__V1__EVENT__PAYLOAD_REFERRAL || !referral || !*referral->referral_id) {
        snprintf (error, error_size, "referral.received without a referral payload");
        return -2;
    }
    if (!kp_org_type_in (referral->recipient_type, KP_ORGANISER_TYPES))
        return 0;                       //  addressed to a partner, not to social services

    const char *id [] = { referral->referral_id };
    char case_id [KP_ID_LEN + 1] = "";
    if (kp_db_text (db, "referral_case", 1, id, case_id, sizeof case_id) < 0)
        return -1;
    if (*case_id)
        return 0;                       //  delivered before: its case exists

    PGresult *source = kp_db_exec (db, "referral_source", 1, id);
    if (!source)
        return -1;
    if (PQntuples (source) == 0) {
        PQclear (source);
        snprintf (error, error_size, "referral %s is not in referral.intake_referral_clients",
                  referral->referral_id);
        return -2;
    }
    char municipality [16], sender_type [32];
    snprintf (municipality, sizeof municipality, "%s", kp_row_text (source, 0, SOURCE_MUNICIPALITY));
    snprintf (sender_type, sizeof sender_type, "%s", kp_row_text (source, 0, SOURCE_SENDER_TYPE));
    PQclear (source);
    if (!kp_check_municipality (municipality)) {
        snprintf (error, error_size, "referral %s names no municipality", referral->referral_id);
        return -2;
    }
    //  Looked up now, not cached: a SIGHUP may have reloaded the set.
    //  Copied under the server's lock: this runs on the consumer's thread.
    kp_identity_t found;
    const kp_identity_t *recipient = kp_server_find_org (self->server, referral->recipient_org,
                                                         &found) == 0 ? &found : NULL;
    if (!kp_organiser_of (recipient, municipality)) {
        snprintf (error, error_size, "referral %s: %.64s does not organise municipality %s",
                  referral->referral_id, referral->recipient_org, municipality);
        return -2;
    }

    //  The recipient's own client by henkilötunnus (or by client ref);
    //  another organiser's is passed over as if it were not there.
    char client_id [KP_ID_LEN + 1] = "";
    PGresult *candidates = kp_db_exec (db, "referral_client", 1, id);
    if (!candidates)
        return -1;
    for (int row = 0; row < PQntuples (candidates) && !*client_id; row++)
        if (kp_organiser_of (recipient, kp_row_text (candidates, row, MATCH_MUNICIPALITY)))
            snprintf (client_id, sizeof client_id, "%s", kp_row_text (candidates, row, MATCH_CLIENT_ID));
    PQclear (candidates);
    if (!*client_id) {
        kp_id_new (client_id);
        const char *values [] = { referral->referral_id, client_id };
        char registered [16];
        if (kp_db_text (db, "referral_client_insert", 2, values, registered, sizeof registered) < 0
        ||  s_birth_date (db, self->keys, client_id)
        ||  intake_client_emit_registered (db, client_id, municipality))
            return -1;
    }
    const char *open [] = { client_id, municipality };
    bool opened = false;
    if (kp_db_text (db, "case_open_of_client", 2, open, case_id, sizeof case_id) < 0)
        return -1;
    if (!*case_id) {
        kp_id_new (case_id);
        const char *channel = strcmp (sender_type, "kela") == 0 ? "kela_notice" : "authority_notice";
        //  No omatyöntekijä yet: the municipality assigns one on acknowledgement.
        if (intake_case_insert (db, case_id, client_id, municipality, channel, "",
                                *referral->sender_org ? referral->sender_org : sender_type))
            return -1;
        opened = true;
    }
    const char *link [] = { case_id, referral->referral_id };
    char linked [KP_ID_LEN + 1];
    if (kp_db_text (db, "case_link_referral", 2, link, linked, sizeof linked) < 0
    //  Its day of receipt and urgency set the case's assessment clock.
    ||  intake_clock_set (db, case_id, false, false, referral->referral_id, NULL))
        return -1;
    kp_audit_entry_t entry = {
        .org_id = "intake", .person_id = "intake.referrals", .role = "ROLE_SERVICE",
        .action = "intake.referral_received", .client_ref = client_id, .basis = "referral",
        .recipient_org = NULL, .detail = referral->referral_id
    };
    if (kp_audit_append (db, &entry)
    ||  intake_case_emit (db, case_id, opened ? "intake.case_opened" : "intake.referral_linked", NULL))
        return -1;
    return 0;
}
