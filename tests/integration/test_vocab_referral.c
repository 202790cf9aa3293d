/*  The referral service's replies and events in one vocabulary (issue
    19): the history's actor role and a message's author role are Role
    values, the running clock's kind a DeadlineKind, each equal to what
    the deprecated text field (and the stored row) says. The text fields
    are read here on purpose, hence the pragma below. */
#include "harness.h"
#include "kp_enum.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

//  This suite compares the deprecated text fields with their twins.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

TestSuite (vocab_referral, .init = kpt_setup, .fini = kpt_teardown, .timeout = 90);

#define ROLE(name) KUMPPANI__V1__ROLE__ROLE_ ## name
#define BODY(name) KUMPPANI__V1__REQUEST__BODY_ ## name

static Kumppani__V1__Reply *
s_call (const char *org, Kumppani__V1__Role role, int body_case, void *body, bool mutating)
{
    kp_client_t *client = kpt_client ("referral", org);
    Kumppani__V1__Reply *reply = kpt_call_ok (client, role, body_case, body, mutating);
    kp_client_destroy (&client);
    return reply;
}

Test (vocab_referral, roles_and_deadline_kinds_are_enums)
{
    kpt_service_start ("referral", NULL);
    Kumppani__V1__SubmitReferral submit = KUMPPANI__V1__SUBMIT_REFERRAL__INIT;
    submit.kind = KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_SOCIAL_WORK_NEED;
    submit.recipient_org = "muni-743";
    submit.recipient_type = "municipality";
    submit.municipality = "743";
    submit.hetu = "131052-308T";
    submit.reason_category = KUMPPANI__V1__REASON_CATEGORY__REASON_CATEGORY_LIFE_MANAGEMENT;
    submit.legal_basis = KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CONSENT;
    submit.consent_ref = "consent-1";
    submit.free_text = "Rent arrears.";
    Kumppani__V1__Reply *reply = s_call ("kela", ROLE (KELA_OFFICER), BODY (SUBMIT_REFERRAL), &submit, true);
    char id [64];
    snprintf (id, sizeof id, "%s", reply->referral->referral->referral_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    Kumppani__V1__AcknowledgeReferral ack = KUMPPANI__V1__ACKNOWLEDGE_REFERRAL__INIT;
    ack.referral_id = id;
    reply = s_call ("muni-743", ROLE (SOCIAL_INSTRUCTOR), BODY (ACKNOWLEDGE_REFERRAL), &ack, true);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    Kumppani__V1__GetReferral get = KUMPPANI__V1__GET_REFERRAL__INIT;
    get.referral_id = id;
    reply = s_call ("muni-743", ROLE (SOCIAL_WORKER), BODY (GET_REFERRAL), &get, false);
    const Kumppani__V1__ReferralView *view = reply->referral->referral;
    cr_assert_str_eq (view->deadline_kind, "assessment_start");
    cr_assert_eq (view->deadline_kind_enum, KUMPPANI__V1__DEADLINE_KIND__DEADLINE_KIND_ASSESSMENT_START);
    cr_assert_geq (reply->referral->n_history, 2);
    Kumppani__V1__Role want [] = { ROLE (KELA_OFFICER), ROLE (SOCIAL_INSTRUCTOR) };
    for (size_t index = 0; index < reply->referral->n_history; index++) {
        const Kumppani__V1__ReferralHistoryEntry *entry = reply->referral->history [index];
        cr_assert_neq (entry->actor_role_enum, ROLE (UNSPECIFIED), "entry %zu '%s'", index, entry->actor_role);
        const ProtobufCEnumValue *named = protobuf_c_enum_descriptor_get_value (&kumppani__v1__role__descriptor,
                                                                                (int) entry->actor_role_enum);
        cr_assert_str_eq (named->name, entry->actor_role, "entry %zu", index);
        if (index < 2)
            cr_assert_eq (entry->actor_role_enum, want [index], "entry %zu: %s", index, entry->actor_role);
    }
    //  The stored row says the same.
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM referral.referral_history WHERE referral_id = $1"
                              " AND actor_role = 'ROLE_SOCIAL_INSTRUCTOR'", id), 1);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    Kumppani__V1__Event *event = kpt_event_about ("referral.received", id, false);
    cr_assert_str_eq (event->referral->deadline_kind, "assessment_start");
    cr_assert_eq (event->referral->deadline_kind_enum, KUMPPANI__V1__DEADLINE_KIND__DEADLINE_KIND_ASSESSMENT_START);
    kumppani__v1__event__free_unpacked (event, NULL);

    Kumppani__V1__PostReferralMessage post = KUMPPANI__V1__POST_REFERRAL_MESSAGE__INIT;
    post.referral_id = id;
    post.text = "We will call the client this week.";
    reply = s_call ("muni-743", ROLE (SOCIAL_INSTRUCTOR), BODY (POST_REFERRAL_MESSAGE), &post, true);
    cr_assert_str_eq (reply->referral_message->message->author_role, "ROLE_SOCIAL_INSTRUCTOR");
    cr_assert_eq (reply->referral_message->message->author_role_enum, ROLE (SOCIAL_INSTRUCTOR));
    kumppani__v1__reply__free_unpacked (reply, NULL);
    Kumppani__V1__ListReferralMessages thread = KUMPPANI__V1__LIST_REFERRAL_MESSAGES__INIT;
    thread.referral_id = id;
    thread.cursor = "";
    reply = s_call ("kela", ROLE (KELA_OFFICER), BODY (LIST_REFERRAL_MESSAGES), &thread, false);
    cr_assert_eq (reply->referral_message_list->n_messages, 1);
    cr_assert_str_eq (reply->referral_message_list->messages [0]->author_role, "ROLE_SOCIAL_INSTRUCTOR");
    cr_assert_eq (reply->referral_message_list->messages [0]->author_role_enum, ROLE (SOCIAL_INSTRUCTOR));
    kumppani__v1__reply__free_unpacked (reply, NULL);
}
