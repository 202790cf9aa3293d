/*  kp_identifier: which fields are identifiers, that a henkilötunnus or a
    control character in one is found with its path however deep it sits,
    that free text and the hetu fields are left alone, and that kumppani's
    own ids never trip the rule (they would, a few in a million, without
    the exemption). */
#include "kp_identifier.h"
#include "kp_hetu.h"
#include "kp_ids.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

TestSuite (identifier);

Test (identifier, the_rule_by_field_name)
{
    const char *identifiers [] = {
        "correlation_id", "idempotency_key", "person_id", "recipient_org", "client_ref",
        "consent_ref", "kela_decision_id", "referral_id", "worker_id", "case_ids",
        "co_organiser_orgs", "facilitator_orgs", "linked_ref", "session_ref",
        "responsible_worker", "responsible_person", "cursor", NULL
    };
    const char *others [] = {
        "hetu", "free_text", "note", "statement", "municipality", "reason_code", "display_name",
        "title", "period_start", "topic_prefixes", "id", "_id", NULL
    };
    for (const char *const *name = identifiers; *name; name++)
        cr_assert (kp_identifier_field (*name), "%s", *name);
    for (const char *const *name = others; *name; name++)
        cr_assert_not (kp_identifier_field (*name), "%s", *name);
}

//  A valid request that passes the check as it stands.
typedef struct {
    Kumppani__V1__Request request;
    Kumppani__V1__Actor actor;
    Kumppani__V1__SubmitReferral notice;
} s_requests_t;

static void
s_referral (s_requests_t *self)
{
    kumppani__v1__request__init (&self->request);
    kumppani__v1__actor__init (&self->actor);
    kumppani__v1__submit_referral__init (&self->notice);
    self->actor.person_id = "worker-1";
    self->actor.role = KUMPPANI__V1__ROLE__ROLE_KELA_OFFICER;
    self->request.correlation_id = "c-1";
    self->request.idempotency_key = "k-1";
    self->request.actor = &self->actor;
    self->notice.recipient_org = "muni-743";
    self->notice.client_ref = "client-ref-1";
    self->notice.free_text = "Toimeentulo-ongelmia";
    self->request.body_case = KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL;
    self->request.submit_referral = &self->notice;
}

static const char *
s_check (const Kumppani__V1__Request *request, char *field, size_t size)
{
    kp_codec_error_t error;
    int rc = kp_identifier_check (&request->base, &error);
    snprintf (field, size, "%s", error.field);
    if (rc == 0)
        cr_assert_null (error.code);
    else
        cr_assert_eq (rc, -2);
    return rc == 0 ? "" : error.code;
}

Test (identifier, finds_a_henkilotunnus_with_its_path)
{
    s_requests_t self;
    char field [128];
    s_referral (&self);
    cr_assert_str_eq (s_check (&self.request, field, sizeof field), "");

    self.notice.recipient_org = "o:131052-308T";
    cr_assert_str_eq (s_check (&self.request, field, sizeof field), "request.looks_like_hetu");
    cr_assert_str_eq (field, "submit_referral.recipient_org");
    s_referral (&self);
    self.actor.person_id = "131052-308U";                   //  a wrong check character
    cr_assert_str_eq (s_check (&self.request, field, sizeof field), "request.looks_like_hetu");
    cr_assert_str_eq (field, "actor.person_id");
    s_referral (&self);
    self.request.idempotency_key = "010594y9032";            //  lower case
    cr_assert_str_eq (s_check (&self.request, field, sizeof field), "request.looks_like_hetu");
    cr_assert_str_eq (field, "idempotency_key");

    //  Where a henkilötunnus belongs, or in free text, this check is silent
    //  (the handlers validate the one, free text is not an identifier).
    s_referral (&self);
    self.notice.hetu = "131052-308T";
    self.notice.free_text = "Asiakas 131052-308T";
    cr_assert_str_eq (s_check (&self.request, field, sizeof field), "");
}

Test (identifier, looks_inside_repeated_fields_of_sub_messages)
{
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__UpdateActivity update = KUMPPANI__V1__UPDATE_ACTIVITY__INIT;
    Kumppani__V1__ActivityFields fields = KUMPPANI__V1__ACTIVITY_FIELDS__INIT;
    char *organisers [] = { "ngo-743", "debt-743", "x010516B903X" };
    request.correlation_id = "c-1";
    update.activity_id = "01JQ3W0ZK5E8Y2B4V6N8R1T3M5";
    fields.n_co_organiser_orgs = 3;
    fields.co_organiser_orgs = organisers;
    update.activity = &fields;
    request.body_case = KUMPPANI__V1__REQUEST__BODY_UPDATE_ACTIVITY;
    request.update_activity = &update;
    char field [128];
    cr_assert_str_eq (s_check (&request, field, sizeof field), "request.looks_like_hetu");
    cr_assert_str_eq (field, "update_activity.activity.co_organiser_orgs[2]");
}

Test (identifier, control_characters)
{
    s_requests_t self;
    char field [128];
    const char *values [] = { "alice\x1fROLE_OPERATOR", "a\nb", "a\tb", "a\rb", "a\x7f", "\x01", NULL };
    for (const char *const *value = values; *value; value++) {
        s_referral (&self);
        self.actor.person_id = (char *) *value;
        cr_assert_str_eq (s_check (&self.request, field, sizeof field), "request.control_character");
        cr_assert_str_eq (field, "actor.person_id");
    }
    //  Free text may have line breaks; identifiers may have any printable text.
    s_referral (&self);
    self.notice.free_text = "rivi\nrivi";
    self.actor.person_id = "Työntekijä 7 / Äänekoski";
    cr_assert_str_eq (s_check (&self.request, field, sizeof field), "");
}

Test (identifier, kumppani_ids_never_trip_the_rule)
{
    //  Ids shaped like a henkilötunnus inside, found by searching 5 million
    //  ids once; the rule would refuse them without the exemption.
    const char *shaped [] = { "01KBBM0A160211W802GQAJ2S07", "01KBBM3J050813V94153XGARMW", NULL };
    s_requests_t self;
    char field [128], key [64];
    for (const char *const *id = shaped; *id; id++) {
        cr_assert (kp_id_valid (*id));
        cr_assert (kp_hetu_looks_like (*id), "%s is no longer a case in point", *id);
        s_referral (&self);
        self.notice.client_ref = (char *) *id;
        snprintf (key, sizeof key, "ack-%s", *id);
        self.request.idempotency_key = key;
        cr_assert_str_eq (s_check (&self.request, field, sizeof field), "", "%s", *id);
    }
    //  Fresh ids of a year's milliseconds, as the services make them.
    char id [KP_ID_LEN + 1];
    for (unsigned long index = 0; index < 200000; index++) {
        kp_id_new_at (id, 1767225600000ULL + index * 157680ULL);
        s_referral (&self);
        self.request.correlation_id = id;
        cr_assert_str_eq (s_check (&self.request, field, sizeof field), "", "%s", id);
    }
    //  An id-shaped token is exempt only whole: the same characters in a
    //  longer token are not an id.
    s_referral (&self);
    self.notice.client_ref = "X01KBBM0A160211W802GQAJ2S07";
    cr_assert_str_eq (s_check (&self.request, field, sizeof field), "request.looks_like_hetu");
}
