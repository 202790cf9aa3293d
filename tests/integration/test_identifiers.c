/*  Identifier fields refuse a henkilötunnus: one sent (valid, or with a
    wrong check character) in recipient_org, client_ref, actor.person_id,
    idempotency_key, correlation_id and identifier fields nested in
    sub-messages and repeated fields of each service gets INVALID
    request.looks_like_hetu naming the field, the request's correlation id
    back, and writes no event and no audit row. A control character in an
    identifier (an attempt at the audit log's field separator) gets
    request.control_character. Ordinary requests still go through. */
#include "harness.h"
#include "kp_codec.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TestSuite (identifiers, .init = kpt_setup, .fini = kpt_teardown, .timeout = 90);

//  Where the henkilötunnus goes in one case.
typedef enum {
    S_RECIPIENT_ORG, S_CLIENT_REF, S_PERSON_ID, S_IDEMPOTENCY_KEY, S_CORRELATION_ID,
    S_MEASURE_LINKED_REF, S_CO_ORGANISER_ORG, S_PROJECT_CASE_ID, S_CASES
} s_place_t;

static const struct {
    const char *service;
    const char *org;
    const char *field;              //  the path the refusal must name
} s_places [S_CASES] = {
    [S_RECIPIENT_ORG]      = { "referral", "kela", "submit_referral.recipient_org" },
    [S_CLIENT_REF]         = { "referral", "kela", "submit_referral.client_ref" },
    [S_PERSON_ID]          = { "referral", "kela", "actor.person_id" },
    [S_IDEMPOTENCY_KEY]    = { "referral", "kela", "idempotency_key" },
    [S_CORRELATION_ID]     = { "referral", "kela", "correlation_id" },
    [S_MEASURE_LINKED_REF] = { "intake", "muni-743", "add_measure.measure.linked_ref" },
    [S_CO_ORGANISER_ORG]   = { "groups", "muni-743", "create_activity.activity.co_organiser_orgs[1]" },
    [S_PROJECT_CASE_ID]    = { "reporting", "muni-743", "link_to_project.case_ids[0]" },
};

static long long
s_written (void)
{
    return kpt_scalar ("SELECT (SELECT count(*) FROM kp.events) + (SELECT count(*) FROM kp.audit_log)", NULL);
}

//  A notice from Kela that the referral service accepts as it stands.
static void
s_notice (Kumppani__V1__SubmitReferral *notice)
{
    kumppani__v1__submit_referral__init (notice);
    notice->kind = KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_SOCIAL_WORK_NEED;
    notice->recipient_org = "muni-743";
    notice->recipient_type = "municipality";
    notice->municipality = "743";
    notice->client_ref = "client-7";
    notice->reason_category = KUMPPANI__V1__REASON_CATEGORY__REASON_CATEGORY_HOUSING;
    notice->legal_basis = KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CLIENT_REQUEST;
}

//  Sends request to service as org and returns the reply (the test fails on silence).
static Kumppani__V1__Reply *
s_send (const char *service, const char *org, Kumppani__V1__Request *request)
{
    kp_client_t *client = kpt_client (service, org);
    Kumppani__V1__Reply *reply = kpt_call (client, request);
    cr_assert_not_null (reply, "%s gave no answer", service);
    kp_client_destroy (&client);
    return reply;
}

//  One request with value in the place's field.
static void
s_expect_refused (s_place_t place, const char *value, const char *code)
{
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER, true);
    Kumppani__V1__SubmitReferral notice;
    s_notice (&notice);
    Kumppani__V1__Measure measure = KUMPPANI__V1__MEASURE__INIT;
    Kumppani__V1__AddMeasure add_measure = KUMPPANI__V1__ADD_MEASURE__INIT;
    Kumppani__V1__ActivityFields fields = KUMPPANI__V1__ACTIVITY_FIELDS__INIT;
    Kumppani__V1__CreateActivity activity = KUMPPANI__V1__CREATE_ACTIVITY__INIT;
    Kumppani__V1__LinkToProject link = KUMPPANI__V1__LINK_TO_PROJECT__INIT;
    char *organisers [] = { "ngo-743", (char *) value };
    char *cases [] = { (char *) value };
    if (strcmp (s_places [place].service, "referral") == 0) {
        actor.role = KUMPPANI__V1__ROLE__ROLE_KELA_OFFICER;
        request.body_case = KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL;
        request.submit_referral = &notice;
    }
    switch (place) {
        case S_RECIPIENT_ORG:   notice.recipient_org = (char *) value; break;
        case S_CLIENT_REF:      notice.client_ref = (char *) value; break;
        case S_PERSON_ID:       actor.person_id = (char *) value; break;
        case S_IDEMPOTENCY_KEY: request.idempotency_key = (char *) value; break;
        case S_CORRELATION_ID:  request.correlation_id = (char *) value; break;
        case S_MEASURE_LINKED_REF:
            measure.kind = KUMPPANI__V1__MEASURE_KIND__MEASURE_KIND_SERVICE;
            measure.description = "Debt counselling";
            measure.linked_ref = (char *) value;
            add_measure.case_id = "01JQ3W0ZK5E8Y2B4V6N8R1T3M5";
            add_measure.measure = &measure;
            request.body_case = KUMPPANI__V1__REQUEST__BODY_ADD_MEASURE;
            request.add_measure = &add_measure;
            break;
        case S_CO_ORGANISER_ORG:
            fields.kind = "peer_support";
            fields.title = "Vertaisryhmä";
            fields.municipality = "743";
            fields.n_co_organiser_orgs = 2;
            fields.co_organiser_orgs = organisers;
            activity.activity = &fields;
            request.body_case = KUMPPANI__V1__REQUEST__BODY_CREATE_ACTIVITY;
            request.create_activity = &activity;
            break;
        case S_PROJECT_CASE_ID:
            link.project_id = "01JQ3W0ZK5E8Y2B4V6N8R1T3M5";
            link.n_case_ids = 1;
            link.case_ids = cases;
            request.body_case = KUMPPANI__V1__REQUEST__BODY_LINK_TO_PROJECT;
            request.link_to_project = &link;
            break;
        case S_CASES:
            break;
    }
    const char *correlation = request.correlation_id;
    long long before = s_written ();
    Kumppani__V1__Reply *reply = s_send (s_places [place].service, s_places [place].org, &request);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_INVALID, "%s = \"%s\": status %d (%s)",
                  s_places [place].field, value, reply->status, reply->error ? reply->error->code : "-");
    cr_assert_str_eq (reply->error->code, code, "%s", s_places [place].field);
    cr_assert_str_eq (reply->error->field, s_places [place].field);
    //  The refusal answers the request it refuses.
    cr_assert_str_eq (reply->correlation_id, correlation);
    cr_assert_eq (s_written (), before, "%s: a refused request wrote an event or an audit row",
                  s_places [place].field);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

Test (identifiers, a_henkilotunnus_is_refused_in_every_identifier_field)
{
    kpt_service_start ("referral", NULL);
    kpt_service_start ("intake", NULL);
    kpt_service_start ("groups", NULL);
    kpt_service_start ("reporting", NULL);
    char valid [12], mistyped [12], embedded [24];
    kpt_hetu (valid, "210978", '-', 455);
    snprintf (mistyped, sizeof mistyped, "%s", valid);
    mistyped [10] = mistyped [10] == 'X' ? 'Y' : 'X';
    char century_letter [12];
    kpt_hetu (century_letter, "061102", 'B', 287);
    //  The scope the stream once published an event under.
    snprintf (embedded, sizeof embedded, "o:%s", century_letter);
    long long before = s_written ();
    for (int place = 0; place < S_CASES; place++) {
        s_expect_refused ((s_place_t) place, valid, "request.looks_like_hetu");
        s_expect_refused ((s_place_t) place, mistyped, "request.looks_like_hetu");
        s_expect_refused ((s_place_t) place, embedded, "request.looks_like_hetu");
    }
    cr_assert_eq (s_written (), before);

    //  The same notice with ordinary identifiers is accepted.
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, KUMPPANI__V1__ROLE__ROLE_KELA_OFFICER, true);
    Kumppani__V1__SubmitReferral notice;
    s_notice (&notice);
    request.body_case = KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL;
    request.submit_referral = &notice;
    Kumppani__V1__Reply *reply = s_send ("referral", "kela", &request);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK, "%s", reply->error ? reply->error->code : "-");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_gt (s_written (), before, "the accepted notice wrote nothing: the counts prove nothing");
}

Test (identifiers, a_control_character_is_refused_in_an_identifier)
{
    kpt_service_start ("referral", NULL);
    kpt_service_start ("groups", NULL);
    //  0x1f joins the audit log's fields: this actor would read as two.
    s_expect_refused (S_PERSON_ID, "alice\x1fROLE_OPERATOR", "request.control_character");
    s_expect_refused (S_CLIENT_REF, "client\n7", "request.control_character");
    s_expect_refused (S_CORRELATION_ID, "c\x7f" "1", "request.control_character");
    s_expect_refused (S_CO_ORGANISER_ORG, "ngo-743\t", "request.control_character");
}
