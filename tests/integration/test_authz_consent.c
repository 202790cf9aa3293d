/*  The authorisation matrix's consent dimension (authz_matrix.h,
    kpt_consent_matrix), cell by cell: for each operation that discloses a
    client's data to another organisation, a fresh client of muni-743 in
    each consent state (recorded through intake as a worker would), then
    the operation through the real services. All mismatches are reported
    together, each naming its cell. */
#include "test_groups.h"
#include "authz_matrix.h"

TestSuite (authz_consent, .init = kpt_setup, .fini = kpt_teardown, .timeout = 180);

static const char *const s_state_names [KPT_CONSENT_STATES] = {
    "NONE", "GIVEN", "WITHDRAWN", "OTHER_ORG", "OUT_SCOPE", "BANNED"
};

static Kumppani__V1__Reply *
s_call (const char *service, const char *org, int body_case, void *body, bool mutating)
{
    kp_client_t *client = kpt_client (service, org);
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, gt_role (org), mutating);
    request.body_case = body_case;
    request.health = body;
    Kumppani__V1__Reply *reply = kpt_call (client, &request);
    kp_client_destroy (&client);
    cr_assert_not_null (reply, "no reply from %s", service);
    return reply;
}

static void
s_ok (Kumppani__V1__Reply *reply, const char *what)
{
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK, "%s: %s", what,
                  reply->error ? reply->error->code : "");
}

//  A consent of client to org for scope, recorded by muni-743; into id.
static void
s_consent (const char *client, const char *org, const char *scope, char *id)
{
    Kumppani__V1__RecordConsent body = KUMPPANI__V1__RECORD_CONSENT__INIT;
    body.client_id = (char *) client;
    body.counterparty_org = (char *) org;
    body.scope = (char *) scope;
    Kumppani__V1__Reply *reply = s_call ("intake", "muni-743", KUMPPANI__V1__REQUEST__BODY_RECORD_CONSENT,
                                         &body, true);
    s_ok (reply, "record_consent");
    snprintf (id, KP_ID_LEN + 1, "%s", reply->consent->consent->consent_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

//  A new client of muni-743 in state towards row's recipient; the consent
//  a referral would name into consent_ref.
static void
s_client_in_state (const kpt_consent_row_t *row, kpt_consent_state_t state, char *client, char *consent_ref)
{
    Kumppani__V1__ClientAttributes attributes = KUMPPANI__V1__CLIENT_ATTRIBUTES__INIT;
    Kumppani__V1__RegisterClient body = KUMPPANI__V1__REGISTER_CLIENT__INIT;
    body.attributes = &attributes;
    Kumppani__V1__Reply *reply = s_call ("intake", "muni-743", KUMPPANI__V1__REQUEST__BODY_REGISTER_CLIENT,
                                         &body, true);
    s_ok (reply, "register_client");
    snprintf (client, KP_ID_LEN + 1, "%s", reply->client->client_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    snprintf (consent_ref, KP_ID_LEN + 1, "%s", "01JMADEUPC0NSENTREFERENCE0");
    if (state == CONSENT_NONE)
        return;
    const char *org = state == CONSENT_OTHER_ORG ? "debt-743" : row->recipient;
    s_consent (client, org, state == CONSENT_OUT_SCOPE ? "other_data" : row->scope, consent_ref);
    if (state == CONSENT_WITHDRAWN) {
        Kumppani__V1__WithdrawConsent withdraw = KUMPPANI__V1__WITHDRAW_CONSENT__INIT;
        withdraw.consent_id = consent_ref;
        reply = s_call ("intake", "muni-743", KUMPPANI__V1__REQUEST__BODY_WITHDRAW_CONSENT, &withdraw, true);
        s_ok (reply, "withdraw_consent");
        kumppani__v1__reply__free_unpacked (reply, NULL);
    }
    if (state == CONSENT_BANNED) {
        Kumppani__V1__RecordDisclosureBan ban = KUMPPANI__V1__RECORD_DISCLOSURE_BAN__INIT;
        ban.client_id = client;
        ban.counterparty_org = (char *) row->recipient;
        ban.scope = "";
        reply = s_call ("intake", "muni-743", KUMPPANI__V1__REQUEST__BODY_RECORD_DISCLOSURE_BAN, &ban, true);
        s_ok (reply, "record_disclosure_ban");
        kumppani__v1__reply__free_unpacked (reply, NULL);
    }
}

//  The row's operation for client, with a complete body.
static Kumppani__V1__Reply *
s_disclose (const kpt_consent_row_t *row, const char *client, const char *consent_ref, const char *activity)
{
    if (strcmp (row->operation, "submit_referral") == 0) {
        bool consent = strcmp (row->basis, "consent") == 0;
        Kumppani__V1__SubmitReferral body = KUMPPANI__V1__SUBMIT_REFERRAL__INIT;
        body.kind = KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_PARTNER;
        body.recipient_org = (char *) row->recipient;
        body.recipient_type = "ngo";
        body.municipality = "743";
        body.client_ref = (char *) client;
        body.reason_category = KUMPPANI__V1__REASON_CATEGORY__REASON_CATEGORY_HOUSING;
        body.legal_basis = consent ? KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CONSENT
                                   : KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CLIENT_REQUEST;
        body.consent_ref = consent ? (char *) consent_ref : "";
        return s_call ("referral", row->caller, KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL, &body, true);
    }
    if (strcmp (row->operation, "create_placement") == 0) {
        char start [11], end [11];
        kp_date_format (kp_date_today (), start);
        kp_date_format (kp_date_today () + 180, end);
        Kumppani__V1__CreatePlacement body = KUMPPANI__V1__CREATE_PLACEMENT__INIT;
        body.client_id = (char *) client;
        body.organiser_org = (char *) row->recipient;
        body.days_per_week = 2;
        body.hours_per_day = 4;
        body.start_date = start;
        body.end_date = end;
        return s_call ("groups", row->caller, KUMPPANI__V1__REQUEST__BODY_CREATE_PLACEMENT, &body, true);
    }
    if (strcmp (row->operation, "enrol") == 0) {
        Kumppani__V1__Enrol body = KUMPPANI__V1__ENROL__INIT;
        body.activity_id = (char *) activity;
        body.client_id = (char *) client;
        body.on_conflict = GT_REPORT;
        return s_call ("groups", row->caller, KUMPPANI__V1__REQUEST__BODY_ENROL, &body, true);
    }
    cr_assert_str_eq (row->operation, "get_client", "no body for %s", row->operation);
    Kumppani__V1__GetClient body = KUMPPANI__V1__GET_CLIENT__INIT;
    body.client_id = (char *) client;
    return s_call ("intake", row->caller, KUMPPANI__V1__REQUEST__BODY_GET_CLIENT, &body, false);
}

static const char *
s_answer (const Kumppani__V1__Reply *reply)
{
    if (reply->status == KUMPPANI__V1__STATUS__STATUS_OK)
        return "ok";
    if (reply->status == KUMPPANI__V1__STATUS__STATUS_NOT_FOUND)
        return "hidden";
    if (reply->status == KUMPPANI__V1__STATUS__STATUS_FORBIDDEN && reply->error)
        return reply->error->code;
    return "another error";
}

Test (authz_consent, every_cell)
{
    static const char *env [] = { "KUMPPANI_POLL_MS=100", NULL };
    kpt_service_start ("intake", env);
    kpt_service_start ("referral", env);
    kpt_service_start ("groups", env);
    char activity [KP_ID_LEN + 1];
    snprintf (activity, sizeof activity, "%s", gt_activity ("ngo-743", "peer_support", true, 200, 0));
    int cells = 0, mismatches = 0;
    char report [4096] = "";
    for (const kpt_consent_row_t *row = kpt_consent_matrix; row->service; row++)
        for (int state = 0; state < KPT_CONSENT_STATES; state++) {
            char client [KP_ID_LEN + 1], consent_ref [KP_ID_LEN + 1];
            s_client_in_state (row, (kpt_consent_state_t) state, client, consent_ref);
            Kumppani__V1__Reply *reply = s_disclose (row, client, consent_ref, activity);
            const char *got = s_answer (reply);
            cells++;
            if (strcmp (got, row->cells [state]) != 0) {
                mismatches++;
                size_t used = strlen (report);
                snprintf (report + used, sizeof report - used, "\n  %s.%s %s %s: %s, expected %s",
                          row->service, row->operation, row->basis, s_state_names [state], got, row->cells [state]);
            }
            kumppani__v1__reply__free_unpacked (reply, NULL);
        }
    cr_assert_eq (mismatches, 0, "%d of %d consent cells differ:%s", mismatches, cells, report);
    cr_log_info ("the consent dimension: %d cells", cells);
}
