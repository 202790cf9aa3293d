/*  The one disclosure check and the disclosure log through real services:
    a municipality's referral to a partner refused for each reason (and
    nothing written: no referral row, no event, no audit row), a
    withdrawal reaching all of 300 referrals, and a scripted client's
    disclosure log listing exactly its disclosures in order, through the
    wire and through `kumppani client disclosures`. */
#include "harness.h"
#include "kp_enum.h"
#include "kp_ids.h"

#include <inttypes.h>
#include <criterion/criterion.h>
#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TestSuite (disclosure, .init = kpt_setup, .fini = kpt_teardown, .timeout = 240);

#define STATUS(name) KUMPPANI__V1__STATUS__STATUS_##name
#define BODY(name) KUMPPANI__V1__REQUEST__BODY_##name
#define BASIS(name) KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_##name

static void
s_start (void)
{
    static const char *fast [] = { "KUMPPANI_POLL_MS=50", NULL };
    kpt_service_start ("stream", NULL);
    kpt_service_start ("intake", fast);
    kpt_service_start ("referral", fast);
}

static Kumppani__V1__Role
s_role (const char *org)
{
    if (strcmp (org, "kela") == 0)
        return KUMPPANI__V1__ROLE__ROLE_KELA_OFFICER;
    if (strncmp (org, "muni-", 5) == 0)
        return KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER;
    if (strncmp (org, "debt-", 5) == 0)
        return KUMPPANI__V1__ROLE__ROLE_DEBT_COUNSELLOR;
    return KUMPPANI__V1__ROLE__ROLE_NGO_WORKER;
}

//  One call; every body of the oneof shares one union pointer.
static Kumppani__V1__Reply *
s_call (const char *service, const char *org, int body_case, void *body, bool mutating)
{
    kp_client_t *client = kpt_client (service, org);
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, s_role (org), mutating);
    request.body_case = body_case;
    request.health = body;
    Kumppani__V1__Reply *reply = kpt_call (client, &request);
    kp_client_destroy (&client);
    cr_assert_not_null (reply, "no reply from %s", service);
    return reply;
}

static void
s_expect (Kumppani__V1__Reply *reply, Kumppani__V1__Status status, const char *code)
{
    cr_assert_eq (reply->status, status, "status %d (%s: %s), expected %d", reply->status,
                  reply->error ? reply->error->code : "", reply->error ? reply->error->message : "", status);
    if (code)
        cr_assert_str_eq (reply->error->code, code);
}

//  A client of muni-743 (registered without a henkilötunnus); the id in a
//  static ring.
static const char *
s_client (void)
{
    static char ids [4][KP_ID_LEN + 1];
    static int next;
    Kumppani__V1__ClientAttributes attributes = KUMPPANI__V1__CLIENT_ATTRIBUTES__INIT;
    attributes.language = "fi";
    Kumppani__V1__RegisterClient body = KUMPPANI__V1__REGISTER_CLIENT__INIT;
    body.attributes = &attributes;
    Kumppani__V1__Reply *reply = s_call ("intake", "muni-743", BODY (REGISTER_CLIENT), &body, true);
    s_expect (reply, STATUS (OK), NULL);
    char *id = ids [next++ % 4];
    snprintf (id, KP_ID_LEN + 1, "%s", reply->client->client_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    return id;
}

//  muni-743 records the client's consent to org for scope; its id.
static const char *
s_consent (const char *client_id, const char *org, const char *scope)
{
    static char ids [4][KP_ID_LEN + 1];
    static int next;
    Kumppani__V1__RecordConsent body = KUMPPANI__V1__RECORD_CONSENT__INIT;
    body.client_id = (char *) client_id;
    body.counterparty_org = (char *) org;
    body.scope = (char *) scope;
    Kumppani__V1__Reply *reply = s_call ("intake", "muni-743", BODY (RECORD_CONSENT), &body, true);
    s_expect (reply, STATUS (OK), NULL);
    char *id = ids [next++ % 4];
    snprintf (id, KP_ID_LEN + 1, "%s", reply->consent->consent->consent_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    return id;
}

static void
s_withdraw (const char *consent_id)
{
    Kumppani__V1__WithdrawConsent body = KUMPPANI__V1__WITHDRAW_CONSENT__INIT;
    body.consent_id = (char *) consent_id;
    Kumppani__V1__Reply *reply = s_call ("intake", "muni-743", BODY (WITHDRAW_CONSENT), &body, true);
    s_expect (reply, STATUS (OK), NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

static void
s_ban (const char *client_id, const char *org, const char *scope)
{
    Kumppani__V1__RecordDisclosureBan body = KUMPPANI__V1__RECORD_DISCLOSURE_BAN__INIT;
    body.client_id = (char *) client_id;
    body.counterparty_org = (char *) org;
    body.scope = (char *) scope;
    Kumppani__V1__Reply *reply = s_call ("intake", "muni-743", BODY (RECORD_DISCLOSURE_BAN), &body, true);
    s_expect (reply, STATUS (OK), NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

//  muni-743 refers its client to a partner; the reply (caller frees).
static Kumppani__V1__Reply *
s_refer (const char *client_id, const char *recipient, const char *type,
         Kumppani__V1__LegalBasis basis, const char *consent_ref)
{
    Kumppani__V1__SubmitReferral body = KUMPPANI__V1__SUBMIT_REFERRAL__INIT;
    body.kind = KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_PARTNER;
    body.recipient_org = (char *) recipient;
    body.recipient_type = (char *) type;
    body.municipality = "743";
    body.client_ref = (char *) client_id;
    body.reason_category = KUMPPANI__V1__REASON_CATEGORY__REASON_CATEGORY_INCOME;
    body.legal_basis = basis;
    body.consent_ref = (char *) consent_ref;
    body.free_text = "Debts and rent arrears; the client wants help with a budget.";
    return s_call ("referral", "muni-743", BODY (SUBMIT_REFERRAL), &body, true);
}

static const char *
s_refer_ok (const char *client_id, const char *recipient, const char *type,
            Kumppani__V1__LegalBasis basis, const char *consent_ref)
{
    static char ids [4][KP_ID_LEN + 1];
    static int next;
    Kumppani__V1__Reply *reply = s_refer (client_id, recipient, type, basis, consent_ref);
    s_expect (reply, STATUS (OK), NULL);
    char *id = ids [next++ % 4];
    snprintf (id, KP_ID_LEN + 1, "%s", reply->referral->referral->referral_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    return id;
}

//  Nothing of a refused disclosure exists: no referral row, no event that
//  names the client, no audit row of the referral service about it.
static void
s_nothing_written (const char *client_id)
{
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM referral.referrals WHERE client_ref = $1", client_id), 0);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.events WHERE topic LIKE 'referral.%'"
                              " AND position (convert_to ($1, 'UTF8') IN payload) > 0", client_id), 0);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.audit_log WHERE client_ref = $1"
                              " AND (service = 'referral' OR action LIKE '%.disclosure')", client_id), 0);
}

Test (disclosure, each_refusal_has_its_code_and_writes_nothing)
{
    s_start ();
    const char *fabricated = "01JFABR1CATEDC0NSENTREF000";
    struct {
        const char *what;
        const char *code;
    } cases [] = {
        { "fabricated consent_ref", "consent.not_found" },
        { "withdrawn consent", "consent.withdrawn" },
        { "consent to another organisation", "consent.not_found" },
        { "consent out of scope", "consent.out_of_scope" },
        { "ban", "disclosure.banned" },
        { "ban, on the client's own request", "disclosure.banned" },
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases [0]; index++) {
        char client_id [KP_ID_LEN + 1];
        snprintf (client_id, sizeof client_id, "%s", s_client ());
        const char *consent = fabricated;
        Kumppani__V1__LegalBasis basis = BASIS (CONSENT);
        switch (index) {
            case 1:
                consent = s_consent (client_id, "ngo-743", "referral");
                s_withdraw (consent);
                break;
            case 2:
                consent = s_consent (client_id, "debt-743", "referral");
                break;
            case 3:
                consent = s_consent (client_id, "ngo-743", "case");
                break;
            case 4:
                consent = s_consent (client_id, "ngo-743", "referral");
                s_ban (client_id, "ngo-743", "");
                break;
            case 5:
                s_ban (client_id, "", "referral");
                basis = BASIS (CLIENT_REQUEST);
                consent = "";
                break;
            default:
                break;
        }
        Kumppani__V1__Reply *reply = s_refer (client_id, "ngo-743", "ngo", basis, consent);
        cr_assert_eq (reply->status, STATUS (FORBIDDEN), "%s: status %d (%s)", cases [index].what,
                      reply->status, reply->error ? reply->error->code : "");
        cr_assert_str_eq (reply->error->code, cases [index].code, "%s", cases [index].what);
        kumppani__v1__reply__free_unpacked (reply, NULL);
        s_nothing_written (client_id);
    }
    //  The same client and consent, in scope and live: it goes, and once.
    const char *client_id = s_client ();
    const char *consent = s_consent (client_id, "ngo-743", "referral");
    const char *id = s_refer_ok (client_id, "ngo-743", "ngo", BASIS (CONSENT), consent);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.audit_log WHERE client_ref = $1"
                              " AND action = 'referral.disclosure'", client_id), 1);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM referral.referrals WHERE disclosure_consent_id = $1", consent),
                  1, "%s rests on the consent", id);
}

//  Polls (bounded) until the query counts want.
static void
s_wait_count (const char *sql, const char *param, long long want)
{
    long long got = -1;
    for (int waited = 0; waited < 300 && got != want; waited++) {
        got = kpt_scalar (sql, param);
        if (got != want)
            zclock_sleep (100);
    }
    cr_assert_eq (got, want, "%s: %lld, expected %lld", sql, got, want);
}

Test (disclosure, withdrawal_reaches_all_300_referrals_of_its_sender)
{
    s_start ();
    //  Kela sends 300 notices about one person on its consent; intake
    //  takes them into one client's case.
    char hetu [12];
    kpt_hetu (hetu, "170384", '-', 100 + (int) (zclock_usecs () % 800));
    enum { COUNT = 300 };
    char first [KP_ID_LEN + 1] = "";
    for (int index = 0; index < COUNT; index++) {
        Kumppani__V1__SubmitReferral body = KUMPPANI__V1__SUBMIT_REFERRAL__INIT;
        body.kind = KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_SOCIAL_WORK_NEED;
        body.recipient_org = "muni-743";
        body.recipient_type = "municipality";
        body.municipality = "743";
        body.hetu = hetu;
        body.reason_category = KUMPPANI__V1__REASON_CATEGORY__REASON_CATEGORY_INCOME;
        body.legal_basis = BASIS (CONSENT);
        body.consent_ref = "kela-consent-77";
        body.free_text = "Rent arrears.";
        Kumppani__V1__Reply *reply = s_call ("referral", "kela", BODY (SUBMIT_REFERRAL), &body, true);
        s_expect (reply, STATUS (OK), NULL);
        if (index == 0)
            snprintf (first, sizeof first, "%s", reply->referral->referral->referral_id);
        kumppani__v1__reply__free_unpacked (reply, NULL);
    }
    s_wait_count ("SELECT count(*) FROM intake.case_referrals cr JOIN intake.cases c ON c.case_id = cr.case_id"
                  " WHERE c.client_id = (SELECT c2.client_id FROM intake.case_referrals r2"
                  " JOIN intake.cases c2 ON c2.case_id = r2.case_id WHERE r2.referral_id = $1)", first, COUNT);
    char client_id [KP_ID_LEN + 1];
    PGresult *row = PQexecParams (kpt_admin (), "SELECT c.client_id FROM intake.case_referrals cr"
                                  " JOIN intake.cases c ON c.case_id = cr.case_id WHERE cr.referral_id = $1",
                                  1, NULL, (const char *[]) { first }, NULL, NULL, 0);
    cr_assert_eq (PQntuples (row), 1);
    snprintf (client_id, sizeof client_id, "%s", PQgetvalue (row, 0, 0));
    PQclear (row);

    //  The client's consent towards Kela, recorded here, is withdrawn.
    s_withdraw (s_consent (client_id, "kela", "case"));
    s_wait_count ("SELECT count(*) FROM referral.referrals r JOIN intake.case_referrals cr"
                  " ON cr.referral_id = r.referral_id JOIN intake.cases c ON c.case_id = cr.case_id"
                  " WHERE c.client_id = $1 AND r.consent_withdrawn_at IS NOT NULL", client_id, COUNT);
    //  And each stops disclosing: the last one's statement to Kela is refused.
    PGresult *last = PQexecParams (kpt_admin (), "SELECT max(cr.referral_id) FROM intake.case_referrals cr"
                                   " JOIN intake.cases c ON c.case_id = cr.case_id WHERE c.client_id = $1",
                                   1, NULL, (const char *[]) { client_id }, NULL, NULL, 0);
    Kumppani__V1__GiveStatement statement = KUMPPANI__V1__GIVE_STATEMENT__INIT;
    statement.referral_id = PQgetvalue (last, 0, 0);
    statement.statement = "The client is in our services.";
    Kumppani__V1__Reply *reply = s_call ("referral", "muni-743", BODY (GIVE_STATEMENT), &statement, true);
    s_expect (reply, STATUS (FORBIDDEN), "referral.consent_withdrawn");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    PQclear (last);
}

Test (disclosure, withdrawal_and_ban_reach_the_municipalitys_own_referrals)
{
    s_start ();
    const char *client_id = s_client ();
    char consent [KP_ID_LEN + 1];
    snprintf (consent, sizeof consent, "%s", s_consent (client_id, "ngo-743", "referral"));
    enum { COUNT = 70 };            //  past the old 64
    for (int index = 0; index < COUNT; index++)
        s_refer_ok (client_id, "ngo-743", "ngo", BASIS (CONSENT), consent);
    for (int index = 0; index < 3; index++)
        s_refer_ok (client_id, "debt-743", "debt_counselling", BASIS (CLIENT_REQUEST), "");
    s_withdraw (consent);
    s_wait_count ("SELECT count(*) FROM referral.referrals WHERE client_ref = $1 AND recipient_org = 'ngo-743'"
                  " AND consent_withdrawn_at IS NOT NULL", client_id, COUNT);
    //  The NGO no longer reads the client's story.
    PGresult *one = PQexecParams (kpt_admin (), "SELECT max(referral_id) FROM referral.referrals"
                                  " WHERE client_ref = $1 AND recipient_org = 'ngo-743'",
                                  1, NULL, (const char *[]) { client_id }, NULL, NULL, 0);
    Kumppani__V1__GetReferral get = KUMPPANI__V1__GET_REFERRAL__INIT;
    get.referral_id = PQgetvalue (one, 0, 0);
    Kumppani__V1__Reply *reply = s_call ("referral", "ngo-743", BODY (GET_REFERRAL), &get, false);
    s_expect (reply, STATUS (OK), NULL);
    cr_assert_str_empty (reply->referral->referral->free_text);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    PQclear (one);

    //  A ban on debt counselling stops the referrals made on the client's request.
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM referral.referrals WHERE client_ref = $1"
                              " AND recipient_org = 'debt-743' AND disclosure_banned_at IS NOT NULL", client_id), 0);
    s_ban (client_id, "debt-743", "");
    s_wait_count ("SELECT count(*) FROM referral.referrals WHERE client_ref = $1 AND recipient_org = 'debt-743'"
                  " AND disclosure_banned_at IS NOT NULL", client_id, 3);
}

//  One page of the client's disclosure log as muni-743.
static Kumppani__V1__Reply *
s_log (const char *client_id, uint64_t after, uint32_t page)
{
    Kumppani__V1__GetDisclosureLog body = KUMPPANI__V1__GET_DISCLOSURE_LOG__INIT;
    body.client_id = (char *) client_id;
    body.after_seq = after;
    body.page_size = page;
    return s_call ("intake", "muni-743", BODY (GET_DISCLOSURE_LOG), &body, false);
}

Test (disclosure, the_log_lists_exactly_the_clients_disclosures_in_order)
{
    s_start ();
    char client_id [KP_ID_LEN + 1], other [KP_ID_LEN + 1], consent [KP_ID_LEN + 1], read [KP_ID_LEN + 1];
    snprintf (client_id, sizeof client_id, "%s", s_client ());
    snprintf (other, sizeof other, "%s", s_client ());
    //  1. to the NGO on consent; 2. refused (fabricated); 3. to debt
    //  counselling on request; 4. the NGO reads the client in intake on
    //  its consent; another client's referral in between.
    snprintf (consent, sizeof consent, "%s", s_consent (client_id, "ngo-743", "referral"));
    snprintf (read, sizeof read, "%s", s_consent (client_id, "ngo-743", "client"));
    char first [KP_ID_LEN + 1], third [KP_ID_LEN + 1];
    snprintf (first, sizeof first, "%s", s_refer_ok (client_id, "ngo-743", "ngo", BASIS (CONSENT), consent));
    Kumppani__V1__Reply *reply = s_refer (client_id, "ngo-743", "ngo", BASIS (CONSENT), "01JFABR1CATEDC0NSENTREF000");
    s_expect (reply, STATUS (FORBIDDEN), "consent.not_found");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    s_refer_ok (other, "ngo-743", "ngo", BASIS (CLIENT_REQUEST), "");
    snprintf (third, sizeof third, "%s",
              s_refer_ok (client_id, "debt-743", "debt_counselling", BASIS (CLIENT_REQUEST), ""));
    Kumppani__V1__GetClient get = KUMPPANI__V1__GET_CLIENT__INIT;
    get.client_id = client_id;
    reply = s_call ("intake", "ngo-743", BODY (GET_CLIENT), &get, false);
    s_expect (reply, STATUS (OK), NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  The client's own organisation reading it is no disclosure.
    reply = s_call ("intake", "muni-743", BODY (GET_CLIENT), &get, false);
    s_expect (reply, STATUS (OK), NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    reply = s_log (client_id, 0, 0);
    s_expect (reply, STATUS (OK), NULL);
    const Kumppani__V1__DisclosureLogReply *log = reply->disclosure_log;
    cr_assert_eq (log->n_disclosures, 3);
    cr_assert_eq (log->next_after_seq, 0);
    struct { const char *recipient, *kind, *basis, *consent, *object, *service; } want [] = {
        { "ngo-743", "referral", "consent", consent, first, "referral" },
        { "debt-743", "referral", "client_request", "", third, "referral" },
        { "ngo-743", "client", "consent", read, client_id, "intake" },
    };
    for (size_t index = 0; index < 3; index++) {
        const Kumppani__V1__Disclosure *entry = log->disclosures [index];
        cr_assert_str_eq (entry->recipient_org, want [index].recipient, "entry %zu", index);
        cr_assert_str_eq (entry->kind, want [index].kind, "entry %zu", index);
        cr_assert_eq (entry->basis_enum, kp_enum_value (&kumppani__v1__disclosure_basis__descriptor, want [index].basis),
                      "entry %zu", index);
        cr_assert_neq (entry->basis_enum, 0, "entry %zu", index);
        cr_assert_str_eq (entry->consent_id, want [index].consent, "entry %zu", index);
        cr_assert_str_eq (entry->object_id, want [index].object, "entry %zu", index);
        cr_assert_str_eq (entry->service, want [index].service, "entry %zu", index);
        cr_assert_str_eq (entry->actor_org, index < 2 ? "muni-743" : "ngo-743");
        //  The audit row's own instant, in microseconds UTC.
        char seq [24];
        snprintf (seq, sizeof seq, "%" PRIu64, entry->seq);
        cr_assert_eq (entry->at_us, kpt_scalar ("SELECT (extract (epoch FROM at) * 1000000)::int8"
                                                " FROM kp.audit_log WHERE seq = $1::int8", seq), "entry %zu", index);
        if (index)
            cr_assert_gt (entry->seq, log->disclosures [index - 1]->seq);
    }
    uint64_t second_seq = log->disclosures [1]->seq;
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Pages of two: two, then the third.
    reply = s_log (client_id, 0, 2);
    cr_assert_eq (reply->disclosure_log->n_disclosures, 2);
    cr_assert_eq (reply->disclosure_log->next_after_seq, second_seq);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_log (client_id, second_seq, 2);
    cr_assert_eq (reply->disclosure_log->n_disclosures, 1);
    cr_assert_eq (reply->disclosure_log->next_after_seq, 0);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Only the client's own organisation reads it.
    Kumppani__V1__GetDisclosureLog stranger = KUMPPANI__V1__GET_DISCLOSURE_LOG__INIT;
    stranger.client_id = client_id;
    reply = s_call ("intake", "muni-091", BODY (GET_DISCLOSURE_LOG), &stranger, false);
    s_expect (reply, STATUS (NOT_FOUND), "intake.unknown_client");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  The command line prints the same, as CSV and as JSON.
    char out [8192];
    const char *csv [] = { "client", "disclosures", client_id, "--role", "social_worker", NULL };
    cr_assert_eq (kpt_cli_run ("muni-743", out, sizeof out, csv), 0, "%s", out);
    const char *header = "seq,at,actor_org,person_id,service,recipient_org,kind,basis,consent_id,object_id\n";
    cr_assert (strncmp (out, header, strlen (header)) == 0, "%s", out);
    int lines = 0;
    for (const char *c = out; *c; c++)
        lines += *c == '\n';
    cr_assert_eq (lines, 4, "%s", out);
    cr_assert (strstr (out, first) && strstr (out, third) && strstr (out, consent), "%s", out);
    cr_assert (!strstr (out, other), "%s", out);
    const char *json [] = { "client", "disclosures", client_id, "--format", "json", "--role", "social_worker", NULL };
    cr_assert_eq (kpt_cli_run ("muni-743", out, sizeof out, json), 0, "%s", out);
    cr_assert (out [0] == '[' && strstr (out, "\"recipient_org\":\t\"debt-743\""), "%s", out);
}

Test (disclosure, a_ban_on_kela_stops_the_answers_to_its_notice)
{
    s_start ();
    char hetu [12];
    kpt_hetu (hetu, "230591", '-', 100 + (int) (zclock_usecs () % 800));
    Kumppani__V1__SubmitReferral body = KUMPPANI__V1__SUBMIT_REFERRAL__INIT;
    body.kind = KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_SOCIAL_WORK_NEED;
    body.recipient_org = "muni-743";
    body.recipient_type = "municipality";
    body.municipality = "743";
    body.hetu = hetu;
    body.reason_category = KUMPPANI__V1__REASON_CATEGORY__REASON_CATEGORY_INCOME;
    body.legal_basis = BASIS (CONSENT);
    body.consent_ref = "kela-own-reference-1";     //  Kela's: not looked up
    Kumppani__V1__Reply *reply = s_call ("referral", "kela", BODY (SUBMIT_REFERRAL), &body, true);
    s_expect (reply, STATUS (OK), NULL);
    char id [KP_ID_LEN + 1];
    snprintf (id, sizeof id, "%s", reply->referral->referral->referral_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    s_wait_count ("SELECT count(*) FROM intake.case_referrals WHERE referral_id = $1", id, 1);
    PGresult *row = PQexecParams (kpt_admin (), "SELECT c.client_id FROM intake.case_referrals cr"
                                  " JOIN intake.cases c ON c.case_id = cr.case_id WHERE cr.referral_id = $1",
                                  1, NULL, (const char *[]) { id }, NULL, NULL, 0);
    char client_id [KP_ID_LEN + 1];
    snprintf (client_id, sizeof client_id, "%s", PQgetvalue (row, 0, 0));
    PQclear (row);

    //  Answering Kela discloses the client to it: the acknowledgement is
    //  in the client's log, on Kela's own consent.
    Kumppani__V1__AcknowledgeReferral ack = KUMPPANI__V1__ACKNOWLEDGE_REFERRAL__INIT;
    ack.referral_id = id;
    reply = s_call ("referral", "muni-743", BODY (ACKNOWLEDGE_REFERRAL), &ack, true);
    s_expect (reply, STATUS (OK), NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_log (client_id, 0, 0);
    s_expect (reply, STATUS (OK), NULL);
    cr_assert_eq (reply->disclosure_log->n_disclosures, 1);
    cr_assert_str_eq (reply->disclosure_log->disclosures [0]->recipient_org, "kela");
    cr_assert_eq (reply->disclosure_log->disclosures [0]->basis_enum,
                  KUMPPANI__V1__DISCLOSURE_BASIS__DISCLOSURE_BASIS_RECIPIENT_CONSENT);
    cr_assert_str_eq (reply->disclosure_log->disclosures [0]->object_id, id);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    s_ban (client_id, "kela", "");
    Kumppani__V1__GiveStatement statement = KUMPPANI__V1__GIVE_STATEMENT__INIT;
    statement.referral_id = id;
    statement.statement = "The client is in our services.";
    reply = s_call ("referral", "muni-743", BODY (GIVE_STATEMENT), &statement, true);
    s_expect (reply, STATUS (FORBIDDEN), "disclosure.banned");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  And the ban reached the referral itself: its receiver no longer
    //  sees the story (the event named it).
    s_wait_count ("SELECT count(*) FROM referral.referrals WHERE referral_id = $1"
                  " AND disclosure_banned_at IS NOT NULL", id, 1);
}
