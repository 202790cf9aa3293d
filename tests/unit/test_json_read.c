/*  kp_json_read: every field type the protos use, nested and repeated
    values, and each kind of bad input refused with its path. */
#include "kp_json_read.h"
#include "kumppani/v1/envelope.pb-c.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

TestSuite (json_read);

static ProtobufCMessage *
s_read (const ProtobufCMessageDescriptor *descriptor, const char *text, kp_json_error_t *error)
{
    return kp_json_read (descriptor, text, error);
}

Test (json_read, a_request_with_nested_actor_oneof_enum_and_scalars)
{
    kp_json_error_t error;
    Kumppani__V1__Request *request = (Kumppani__V1__Request *) s_read (&kumppani__v1__request__descriptor,
        "{\"correlation_id\": \"c-1\", \"actor\": {\"person_id\": \"sw-1\", \"role\": \"ROLE_SOCIAL_WORKER\"},"
        " \"submit_referral\": {\"kind\": \"referral_kind_partner\", \"urgent\": true, \"reduction_percent\": 40,"
        " \"free_text\": \"Äiti \\\"quoted\\\"\"}}", &error);
    cr_assert_not_null (request, "%s at %s", error.code, error.field);
    cr_assert_str_eq (request->correlation_id, "c-1");
    cr_assert_str_eq (request->actor->person_id, "sw-1");
    cr_assert_eq (request->actor->role, KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER);
    cr_assert_eq (request->body_case, KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL);
    cr_assert_eq (request->submit_referral->kind, KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_PARTNER);
    cr_assert (request->submit_referral->urgent);
    cr_assert_eq (request->submit_referral->reduction_percent, 40);
    cr_assert_str_eq (request->submit_referral->free_text, "Äiti \"quoted\"");
    cr_assert_str_eq (request->submit_referral->hetu, "");         //  absent: the proto3 default
    //  It packs and unpacks like any message.
    size_t size = protobuf_c_message_get_packed_size (&request->base);
    uint8_t *packed = malloc (size);
    protobuf_c_message_pack (&request->base, packed);
    Kumppani__V1__Request *copy = kumppani__v1__request__unpack (NULL, size, packed);
    cr_assert_not_null (copy);
    cr_assert_str_eq (copy->submit_referral->free_text, "Äiti \"quoted\"");
    kumppani__v1__request__free_unpacked (copy, NULL);
    free (packed);
    protobuf_c_message_free_unpacked (&request->base, NULL);
}

Test (json_read, repeated_strings_bytes_and_64_bit_numbers)
{
    kp_json_error_t error;
    Kumppani__V1__ReplayRequest *replay = (Kumppani__V1__ReplayRequest *) s_read (
        &kumppani__v1__replay_request__descriptor,
        "{\"after_seq\": \"9007199254740992\", \"topic_prefixes\": [\"referral.\", \"intake.\"], \"page_size\": 10}",
        &error);
    cr_assert_not_null (replay, "%s at %s", error.code, error.field);
    cr_assert_eq (replay->after_seq, 9007199254740992ULL);
    cr_assert_eq (replay->n_topic_prefixes, 2);
    cr_assert_str_eq (replay->topic_prefixes [1], "intake.");
    protobuf_c_message_free_unpacked (&replay->base, NULL);

    Kumppani__V1__ReplayReply *reply = (Kumppani__V1__ReplayReply *) s_read (
        &kumppani__v1__replay_reply__descriptor, "{\"events\": [\"AQID\", \"\"], \"more\": false}", &error);
    cr_assert_not_null (reply, "%s at %s", error.code, error.field);
    cr_assert_eq (reply->n_events, 2);
    cr_assert_eq (reply->events [0].len, 3);
    cr_assert_eq (memcmp (reply->events [0].data, "\x01\x02\x03", 3), 0);
    cr_assert_eq (reply->events [1].len, 0);
    protobuf_c_message_free_unpacked (&reply->base, NULL);
}

typedef struct {
    char text [96];
    char code [24];
    char field [48];
} bad_case_t;

ParameterizedTestParameters (json_read, bad_input)
{
    static bad_case_t cases [] = {
        { "{\"theme\": ", "json.syntax", "" },
        { "[1, 2]", "json.type", "" },
        { "{\"colour\": \"red\"}", "json.unknown_field", "colour" },
        { "{\"theme\": 7}", "json.type", "theme" },
        { "{\"clients_concerned\": -1}", "json.type", "clients_concerned" },
        { "{\"clients_concerned\": 4294967296}", "json.type", "clients_concerned" },
        { "{\"clients_concerned\": 1.5}", "json.type", "clients_concerned" },
    };
    return cr_make_param_array (bad_case_t, cases, sizeof cases / sizeof cases [0]);
}

ParameterizedTest (bad_case_t *item, json_read, bad_input)
{
    kp_json_error_t error;
    ProtobufCMessage *message = s_read (&kumppani__v1__submit_observation__descriptor, item->text, &error);
    cr_assert_null (message, "accepted: %s", item->text);
    cr_assert_str_eq (error.code, item->code, "for %s", item->text);
    cr_assert_str_eq (error.field, item->field, "for %s", item->text);
}

Test (json_read, errors_name_the_nested_path_and_unknown_enums)
{
    kp_json_error_t error;
    cr_assert_null (s_read (&kumppani__v1__request__descriptor,
                            "{\"actor\": {\"role\": \"ROLE_ASTRONAUT\"}}", &error));
    cr_assert_str_eq (error.code, "json.unknown_enum");
    cr_assert_str_eq (error.field, "actor.role");
    cr_assert_null (s_read (&kumppani__v1__request__descriptor,
                            "{\"submit_referral\": {\"hetu\": [1]}}", &error));
    cr_assert_str_eq (error.code, "json.type");
    cr_assert_str_eq (error.field, "submit_referral.hetu");
    cr_assert_null (s_read (&kumppani__v1__replay_reply__descriptor, "{\"events\": [\"***\"]}", &error));
    cr_assert_str_eq (error.code, "json.base64");
}
