/*  No existence signals (issue 19): what a caller may not see answers
    exactly as what does not exist, in groups and referral as in intake.
    Each pair below is one id that exists but is not the caller's and one
    that nobody has; the replies must not differ in status, code, field or
    message. */
#include "test_groups.h"

TestSuite (existence, .init = gt_setup, .fini = kpt_teardown, .timeout = 120);

//  The parts of a refusal a caller could compare.
static void
s_same_answer (Kumppani__V1__Reply *seen, Kumppani__V1__Reply *none, const char *what)
{
    cr_assert_not_null (seen);
    cr_assert_not_null (none);
    cr_assert_eq (seen->status, none->status, "%s: status %d for an existing id, %d for none", what,
                  seen->status, none->status);
    cr_assert_eq (!seen->error, !none->error, "%s: one refused, one not", what);
    if (seen->error) {
        cr_assert_str_eq (seen->error->code, none->error->code, "%s", what);
        cr_assert_str_eq (seen->error->field, none->error->field, "%s", what);
        cr_assert_str_eq (seen->error->message, none->error->message, "%s", what);
    }
    kumppani__v1__reply__free_unpacked (seen, NULL);
    kumppani__v1__reply__free_unpacked (none, NULL);
}

//  A closed activity of muni-091 in its own municipality.
static const char *
s_activity_091 (void)
{
    static char id [KP_ID_LEN + 1];
    char venue [48] = "room-";
    kp_id_new (venue + 5);
    Kumppani__V1__ActivityFields fields;
    gt_fields (&fields, "peer_support", true, 10, 0, venue);
    fields.municipality = "091";
    Kumppani__V1__CreateActivity body = KUMPPANI__V1__CREATE_ACTIVITY__INIT;
    body.activity = &fields;
    Kumppani__V1__Reply *reply = gt_call ("muni-091", KUMPPANI__V1__REQUEST__BODY_CREATE_ACTIVITY, &body, NULL);
    gt_expect (reply, GT_OK, NULL, NULL);
    snprintf (id, sizeof id, "%s", reply->activity->activity->activity_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    return id;
}

Test (existence, groups_enrol_tells_nobody_whether_a_client_exists)
{
    char unknown [KP_ID_LEN + 1];
    kp_id_new (unknown);
    //  A partner's group: an existing client of 743 who gave the partner no
    //  consent, and an id of nobody.
    char ngo_activity [KP_ID_LEN + 1];
    snprintf (ngo_activity, sizeof ngo_activity, "%s", gt_activity ("ngo-743", "peer_support", true, 10, 0));
    char existing [KP_ID_LEN + 1];
    snprintf (existing, sizeof existing, "%s", gt_client_without_consent ("743"));
    s_same_answer (gt_enrol ("ngo-743", ngo_activity, existing, "", GT_REFUSE),
                   gt_enrol ("ngo-743", ngo_activity, unknown, "", GT_REFUSE), "ngo enrols");

    //  Another municipality's group: 743's client is no client of 091's.
    char muni_activity [KP_ID_LEN + 1];
    snprintf (muni_activity, sizeof muni_activity, "%s", s_activity_091 ());
    char other [KP_ID_LEN + 1];
    kp_id_new (other);
    Kumppani__V1__Reply *seen = gt_enrol ("muni-091", muni_activity, gt_client ("743"), "", GT_REFUSE);
    cr_assert_eq (seen->status, GT_NOT_FOUND, "another municipality's client was enrolled (%d)", seen->status);
    s_same_answer (seen, gt_enrol ("muni-091", muni_activity, other, "", GT_REFUSE), "muni-091 enrols");
}

static Kumppani__V1__Reply *
s_partner_referral (const char *client_ref)
{
    Kumppani__V1__SubmitReferral body = KUMPPANI__V1__SUBMIT_REFERRAL__INIT;
    body.kind = KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_PARTNER;
    body.recipient_org = "debt-743";
    body.recipient_type = "debt_counselling";
    body.municipality = "743";
    body.client_ref = (char *) client_ref;
    body.reason_category = KUMPPANI__V1__REASON_CATEGORY__REASON_CATEGORY_LIFE_MANAGEMENT;
    body.legal_basis = KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CONSENT;
    body.consent_ref = "consent-1";
    body.free_text = "Debts; the client asked for counselling.";
    body.sender_contact = "Sosiaalitoimisto, 09 310 1234";
    kp_client_t *client = kpt_client ("referral", "muni-091");
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER, true);
    request.body_case = KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL;
    request.submit_referral = &body;
    Kumppani__V1__Reply *reply = kpt_call (client, &request);
    kp_client_destroy (&client);
    return reply;
}

//  A municipality naming another municipality's client by intake's id in
//  a partner referral: refused as for an id nobody has, nothing stored.
Test (existence, a_partner_referral_names_only_the_senders_own_client)
{
    kpt_service_start ("referral", NULL);
    long long before = kpt_scalar ("SELECT count(*) FROM referral.referrals", NULL);
    char unknown [KP_ID_LEN + 1];
    kp_id_new (unknown);
    Kumppani__V1__Reply *seen = s_partner_referral (gt_client ("743"));
    cr_assert_eq (seen->status, GT_NOT_FOUND, "muni-091 referred 743's client (status %d)", seen->status);
    cr_assert_str_eq (seen->error->code, "referral.unknown_client");
    s_same_answer (seen, s_partner_referral (unknown), "partner referral");
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM referral.referrals", NULL), before);
    //  Its own client, and a token that is no intake id, go through.
    Kumppani__V1__Reply *own = s_partner_referral (gt_client ("091"));
    cr_assert_eq (own->status, KUMPPANI__V1__STATUS__STATUS_OK, "status %d %s", own->status,
                  own->error ? own->error->code : "");
    kumppani__v1__reply__free_unpacked (own, NULL);
    Kumppani__V1__Reply *token = s_partner_referral ("client-7731");
    cr_assert_eq (token->status, KUMPPANI__V1__STATUS__STATUS_OK);
    kumppani__v1__reply__free_unpacked (token, NULL);
}
