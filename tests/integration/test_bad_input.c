/*  Hostile and careless input against the real services: truncated
    protobuf, wrong wire types, invalid UTF-8, oversized text and repeated
    fields, unknown enum values, future dates, negative counts. Each gets
    a clear INVALID naming the field (request.malformed names the field
    where the frame stops making sense), and the service answers health right after. A frame
    over the size limit is dropped unread (ZMQ_MAXMSGSIZE, see
    ARCHITECTURE.md) and the service goes on serving. */
#include "harness.h"
#include "kp_codec.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

TestSuite (bad_input, .init = kpt_setup, .fini = kpt_teardown, .timeout = 60);

//  The service answers health on a fresh connection of the same caller.
static void
s_still_serving (const char *service, const char *org)
{
    kp_client_t *client = kpt_client (service, org);
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__HealthRequest health = KUMPPANI__V1__HEALTH_REQUEST__INIT;
    request.body_case = KUMPPANI__V1__REQUEST__BODY_HEALTH;
    request.health = &health;
    Kumppani__V1__Reply *reply = kpt_call (client, &request);
    cr_assert_not_null (reply, "%s stopped answering after bad input", service);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&client);
}

//  Sends raw bytes; expects INVALID with code and field ("" = none named).
static void
s_expect_invalid_bytes (const char *service, const char *org, const uint8_t *data, size_t size,
                        const char *code, const char *field)
{
    kpt_service_start (service, NULL);
    kp_client_t *client = kpt_client (service, org);
    cr_assert_eq (kp_client_send_bytes (client, data, size), 0);
    Kumppani__V1__Reply *reply = kp_client_recv (client, 5000);
    cr_assert_not_null (reply, "no answer to bad input");
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_INVALID, "status %d, code %s", reply->status,
                  reply->error ? reply->error->code : "-");
    cr_assert_not_null (reply->error);
    cr_assert_str_eq (reply->error->code, code);
    cr_assert_str_eq (reply->error->field, field);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&client);
    s_still_serving (service, org);
}

static void
s_expect_invalid (const char *service, const char *org, Kumppani__V1__Request *request,
                  const char *code, const char *field)
{
    size_t size;
    uint8_t *packed = kp_codec_pack (&request->base, &size);
    s_expect_invalid_bytes (service, org, packed, size, code, field);
    free (packed);
}

//  A request as a social worker (or Kela officer) with a fresh key.
static void
s_request (Kumppani__V1__Request *request, Kumppani__V1__Actor *actor, Kumppani__V1__Role role)
{
    kumppani__v1__request__init (request);
    kpt_request (request, actor, role, true);
}

static void
s_observation (Kumppani__V1__Request *request, Kumppani__V1__Actor *actor,
               Kumppani__V1__SubmitObservation *body)
{
    s_request (request, actor, KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER);
    kumppani__v1__submit_observation__init (body);
    body->theme = "housing";
    body->area = "743";
    body->period_start = "2026-01-01";
    body->period_end = "2026-06-30";
    body->description = "Rent arrears are rising.";
    body->clients_concerned = 12;
    request->body_case = KUMPPANI__V1__REQUEST__BODY_SUBMIT_OBSERVATION;
    request->submit_observation = body;
}

//  A valid anonymous client registration; tests change one attribute.
static void
s_registration (Kumppani__V1__Request *request, Kumppani__V1__Actor *actor,
                Kumppani__V1__RegisterClient *body, Kumppani__V1__ClientAttributes *attributes)
{
    s_request (request, actor, KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER);
    kumppani__v1__client_attributes__init (attributes);
    attributes->gender = KUMPPANI__V1__GENDER__GENDER_NOT_TOLD;
    attributes->language = "fi";
    kumppani__v1__register_client__init (body);
    body->attributes = attributes;
    request->body_case = KUMPPANI__V1__REQUEST__BODY_REGISTER_CLIENT;
    request->register_client = body;
}

Test (bad_input, truncated_protobuf_is_malformed)
{
    Kumppani__V1__Request request;
    Kumppani__V1__Actor actor;
    Kumppani__V1__SubmitObservation body;
    s_observation (&request, &actor, &body);
    size_t size;
    uint8_t *packed = kp_codec_pack (&request.base, &size);
    //  Cut inside the body: its length prefix promises more than follows.
    s_expect_invalid_bytes ("reporting", "muni-743", packed, size - 5, "request.malformed",
                            "submit_observation");
    free (packed);
}

Test (bad_input, wrong_wire_type_is_malformed)
{
    //  correlation_id (field 1, a string) sent as a varint, then a body
    //  field (submit_observation, 500) sent as a fixed32.
    const uint8_t frame [] = { 0x08, 0x2a, 0xa5, 0x1f, 0x01, 0x02, 0x03, 0x04 };
    s_expect_invalid_bytes ("reporting", "muni-743", frame, sizeof frame, "request.malformed",
                            "correlation_id");
}

Test (bad_input, invalid_utf8_names_the_field)
{
    Kumppani__V1__Request request;
    Kumppani__V1__Actor actor;
    Kumppani__V1__SubmitObservation body;
    s_observation (&request, &actor, &body);
    body.description = "Vuokrarästit \xff\xfe kasvavat";
    s_expect_invalid ("reporting", "muni-743", &request, "request.invalid_utf8",
                      "submit_observation.description");
}

Test (bad_input, overlong_utf8_is_invalid)
{
    Kumppani__V1__Request request;
    Kumppani__V1__Actor actor;
    Kumppani__V1__SubmitObservation body;
    s_observation (&request, &actor, &body);
    body.theme = "\xc0\xaf";            //  "/" in an overlong two-byte form
    s_expect_invalid ("reporting", "muni-743", &request, "request.invalid_utf8", "submit_observation.theme");
}

Test (bad_input, oversized_text_field_names_the_field)
{
    Kumppani__V1__Request request;
    Kumppani__V1__Actor actor;
    Kumppani__V1__SubmitObservation body;
    s_observation (&request, &actor, &body);
    size_t size = 512 * 1024;           //  under the frame limit, far over the field's
    char *text = malloc (size + 1);
    memset (text, 'a', size);
    text [size] = 0;
    body.description = text;
    s_expect_invalid ("reporting", "muni-743", &request, "observation.description",
                      "submit_observation.description");
    free (text);
}

Test (bad_input, huge_repeated_field_names_the_field)
{
    Kumppani__V1__Request request;
    Kumppani__V1__Actor actor;
    s_request (&request, &actor, KUMPPANI__V1__ROLE__ROLE_COORDINATOR);
    enum { MANY = 100000 };             //  ~500 KiB of "743"
    char **codes = malloc (MANY * sizeof *codes);
    for (int index = 0; index < MANY; index++)
        codes [index] = "743";
    Kumppani__V1__DefineProject body = KUMPPANI__V1__DEFINE_PROJECT__INIT;
    body.name = "TASOS";
    body.period_start = "2026-01-01";
    body.period_end = "2026-12-31";
    body.n_municipalities = MANY;
    body.municipalities = codes;
    request.body_case = KUMPPANI__V1__REQUEST__BODY_DEFINE_PROJECT;
    request.define_project = &body;
    s_expect_invalid ("reporting", "muni-743", &request, "reporting.bad_municipalities",
                      "define_project.municipalities");
    free (codes);
}

Test (bad_input, unknown_enum_in_body_names_the_field)
{
    Kumppani__V1__Request request;
    Kumppani__V1__Actor actor;
    s_request (&request, &actor, KUMPPANI__V1__ROLE__ROLE_KELA_OFFICER);
    Kumppani__V1__SubmitReferral body = KUMPPANI__V1__SUBMIT_REFERRAL__INIT;
    body.kind = (Kumppani__V1__ReferralKind) 99;
    body.recipient_org = "muni-743";
    body.recipient_type = "municipality";
    body.municipality = "743";
    body.client_ref = "client-1";
    request.body_case = KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL;
    request.submit_referral = &body;
    s_expect_invalid ("referral", "kela", &request, "referral.bad_kind", "submit_referral.kind");
}

Test (bad_input, unknown_enum_in_actor_names_the_field)
{
    Kumppani__V1__Request request;
    Kumppani__V1__Actor actor;
    Kumppani__V1__SubmitObservation body;
    s_observation (&request, &actor, &body);
    actor.role = (Kumppani__V1__Role) 4242;
    s_expect_invalid ("reporting", "muni-743", &request, "request.actor_role", "actor.role");
}

Test (bad_input, future_birth_date_names_the_field)
{
    Kumppani__V1__Request request;
    Kumppani__V1__Actor actor;
    Kumppani__V1__RegisterClient body;
    Kumppani__V1__ClientAttributes attributes;
    s_registration (&request, &actor, &body, &attributes);
    attributes.birth_date = "2999-01-01";
    s_expect_invalid ("intake", "muni-743", &request, "intake.birth_date", "register_client.attributes.birth_date");
}

Test (bad_input, impossible_date_names_the_field)
{
    Kumppani__V1__Request request;
    Kumppani__V1__Actor actor;
    Kumppani__V1__SubmitObservation body;
    s_observation (&request, &actor, &body);
    body.period_end = "2026-02-30";
    s_expect_invalid ("reporting", "muni-743", &request, "observation.period_end", "submit_observation.period_end");
}

Test (bad_input, negative_count_names_the_field)
{
    //  -1 in a uint32 arrives as 4294967295: far more clients than exist.
    Kumppani__V1__Request request;
    Kumppani__V1__Actor actor;
    Kumppani__V1__SubmitObservation body;
    s_observation (&request, &actor, &body);
    body.clients_concerned = (uint32_t) -1;
    s_expect_invalid ("reporting", "muni-743", &request, "observation.clients_concerned",
                      "submit_observation.clients_concerned");
}

Test (bad_input, negative_birth_year_names_the_field)
{
    Kumppani__V1__Request request;
    Kumppani__V1__Actor actor;
    Kumppani__V1__RegisterClient body;
    Kumppani__V1__ClientAttributes attributes;
    s_registration (&request, &actor, &body, &attributes);
    attributes.birth_year = -1985;
    s_expect_invalid ("intake", "muni-743", &request, "intake.birth_year", "register_client.attributes.birth_year");
}

Test (bad_input, oversized_frame_is_dropped_and_every_service_keeps_serving)
{
    const char *services [] = { "intake", "referral", "reporting", "stream" };
    size_t size = 2 * 1024 * 1024;
    uint8_t *big = calloc (1, size);
    for (int index = 0; index < 4; index++) {
        kpt_service_start (services [index], NULL);
        kp_client_t *client = kpt_client (services [index], "muni-743");
        cr_assert_eq (kp_client_send_bytes (client, big, size), 0);
        Kumppani__V1__Reply *reply = kp_client_recv (client, 1000);
        cr_assert_null (reply, "%s processed a frame over the limit", services [index]);
        kp_client_destroy (&client);
        s_still_serving (services [index], "muni-743");
    }
    free (big);
}
