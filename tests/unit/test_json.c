/*  kp_json against exact expected text: what an integrator's script parses
    must not drift. Covers oneofs, escaping, 64-bit numbers, enums, repeated
    strings and bytes, omitted defaults and the time format. */
#include "kp_json.h"
#include "kumppani/v1/envelope.pb-c.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

TestSuite (json);

//  The message as JSON text; caller frees.
static char *
s_json (const ProtobufCMessage *message)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    cr_assert_not_null (out);
    cr_assert_eq (kp_json_write_message (out, message), 0);
    fclose (out);
    return text;
}

static void
s_expect (const ProtobufCMessage *message, const char *expected)
{
    char *text = s_json (message);
    cr_assert_str_eq (text, expected);
    free (text);
}

Test (json, event_with_heartbeat)
{
    Kumppani__V1__Heartbeat heartbeat = KUMPPANI__V1__HEARTBEAT__INIT;
    heartbeat.head_seq = 42;
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.seq = 7;
    event.topic = "heartbeat";
    event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_HEARTBEAT;
    event.heartbeat = &heartbeat;
    s_expect (&event.base, "{\"seq\":7,\"topic\":\"heartbeat\",\"heartbeat\":{\"head_seq\":42}}");
}

//  A set oneof member appears even when all its fields are defaults.
Test (json, set_oneof_member_with_only_defaults_is_written)
{
    Kumppani__V1__Heartbeat heartbeat = KUMPPANI__V1__HEARTBEAT__INIT;
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_HEARTBEAT;
    event.heartbeat = &heartbeat;
    s_expect (&event.base, "{\"heartbeat\":{}}");
}

Test (json, event_with_observation_and_escapes)
{
    Kumppani__V1__ObservationRecorded recorded = KUMPPANI__V1__OBSERVATION_RECORDED__INIT;
    recorded.observation_id = "obs-1";
    recorded.theme = "say \"hi\" \\ line\nnext\ttab\x01 bell\x7f äö €";
    recorded.area = "743";
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.seq = 12;
    event.topic = "reporting.observation_recorded";
    event.occurred_at = 1714555800123456;
    event.aggregate_id = "obs-1";
    event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_OBSERVATION_RECORDED;
    event.observation_recorded = &recorded;
    s_expect (&event.base,
              "{\"seq\":12,\"topic\":\"reporting.observation_recorded\",\"occurred_at\":1714555800123456,"
              "\"aggregate_id\":\"obs-1\",\"observation_recorded\":{\"observation_id\":\"obs-1\","
              "\"theme\":\"say \\\"hi\\\" \\\\ line\\nnext\\ttab\\u0001 bell\\u007f äö €\",\"area\":\"743\"}}");
}

Test (json, health_reply_with_bool_and_int64)
{
    Kumppani__V1__HealthReply health = KUMPPANI__V1__HEALTH_REPLY__INIT;
    health.service = "stream";
    health.uptime_seconds = 9007199254740993LL;     //  2^53 + 1: digits kept exactly
    health.database_ok = true;
    health.parked_events = -3;
    s_expect (&health.base,
              "{\"service\":\"stream\",\"uptime_seconds\":9007199254740993,\"database_ok\":true,"
              "\"parked_events\":-3}");
    health.database_ok = false;                     //  false is the default: omitted
    health.parked_events = 0;
    s_expect (&health.base, "{\"service\":\"stream\",\"uptime_seconds\":9007199254740993}");
}

Test (json, reply_with_enum_nested_message_and_repeated_bytes)
{
    uint8_t first [] = { 0x00, 0x01, 0x02 }, second [] = { 0xff }, third [] = { 0xfb, 0xff };
    ProtobufCBinaryData events [] = { { 3, first }, { 1, second }, { 2, third } };
    Kumppani__V1__ReplayReply replay = KUMPPANI__V1__REPLAY_REPLY__INIT;
    replay.events = events;
    replay.n_events = 3;
    replay.last_seq = 18446744073709551615ULL;
    replay.more = true;
    Kumppani__V1__Error error = KUMPPANI__V1__ERROR__INIT;
    error.code = "replay.partial";
    Kumppani__V1__Reply reply = KUMPPANI__V1__REPLY__INIT;
    reply.correlation_id = "c-1";
    reply.status = KUMPPANI__V1__STATUS__STATUS_OK;
    reply.error = &error;
    reply.body_case = KUMPPANI__V1__REPLY__BODY_REPLAY;
    reply.replay = &replay;
    s_expect (&reply.base,
              "{\"correlation_id\":\"c-1\",\"status\":\"STATUS_OK\",\"error\":{\"code\":\"replay.partial\"},"
              "\"replay\":{\"events\":[\"AAEC\",\"/w==\",\"+/8=\"],\"last_seq\":18446744073709551615,"
              "\"more\":true}}");
}

Test (json, repeated_strings_unknown_enum_and_empty_message)
{
    char *prefixes [] = { "referral.", "a\"b" };
    Kumppani__V1__ReplayRequest request = KUMPPANI__V1__REPLAY_REQUEST__INIT;
    request.topic_prefixes = prefixes;
    request.n_topic_prefixes = 2;
    s_expect (&request.base, "{\"topic_prefixes\":[\"referral.\",\"a\\\"b\"]}");

    Kumppani__V1__Reply reply = KUMPPANI__V1__REPLY__INIT;
    reply.status = (Kumppani__V1__Status) 99;       //  from a newer peer: its number
    s_expect (&reply.base, "{\"status\":99}");

    Kumppani__V1__HealthRequest empty = KUMPPANI__V1__HEALTH_REQUEST__INIT;
    s_expect (&empty.base, "{}");
}

Test (json, time_as_rfc3339_utc_with_microseconds)
{
    struct { int64_t micros; const char *expected; } cases [] = {
        { 0, "\"1970-01-01T00:00:00.000000Z\"" },
        { 1714555800123456, "\"2024-05-01T09:30:00.123456Z\"" },
        { -1, "\"1969-12-31T23:59:59.999999Z\"" },
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases [0]; index++) {
        char *text = NULL;
        size_t size = 0;
        FILE *out = open_memstream (&text, &size);
        cr_assert_eq (kp_json_write_time_us (out, cases [index].micros), 0);
        fclose (out);
        cr_assert_str_eq (text, cases [index].expected);
        free (text);
    }
}

//  `kumppani call --typed`: the deprecated text fields go, at any depth,
//  and their typed twins stay; the default writer keeps both.
Test (json, typed_leaves_out_deprecated_fields_at_any_depth)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    Kumppani__V1__CaseReply case_reply = KUMPPANI__V1__CASE_REPLY__INIT;
    case_reply.case_id = "c1";
    case_reply.state = "plan_made";
    case_reply.state_enum = KUMPPANI__V1__CASE_STATE__CASE_STATE_PLAN_MADE;
    case_reply.opened_at = "2026-01-02 10:00:00+00";
    case_reply.opened_at_us = 1767348000000000;
#pragma GCC diagnostic pop
    Kumppani__V1__Reply reply = KUMPPANI__V1__REPLY__INIT;
    reply.status = KUMPPANI__V1__STATUS__STATUS_OK;
    reply.body_case = KUMPPANI__V1__REPLY__BODY_INTAKE_CASE;
    reply.intake_case = &case_reply;
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    cr_assert_not_null (out);
    cr_assert_eq (kp_json_write_message_typed (out, &reply.base), 0);
    fclose (out);
    cr_assert_null (strstr (text, "\"state\":"), "%s", text);
    cr_assert_null (strstr (text, "\"opened_at\":"), "%s", text);
    cr_assert_not_null (strstr (text, "\"state_enum\":\"CASE_STATE_PLAN_MADE\""), "%s", text);
    cr_assert_not_null (strstr (text, "\"opened_at_us\":1767348000000000"), "%s", text);
    cr_assert_not_null (strstr (text, "\"case_id\":\"c1\""), "%s", text);
    free (text);
    text = s_json (&reply.base);
    cr_assert_not_null (strstr (text, "\"state\":\"plan_made\""), "%s", text);
    cr_assert_not_null (strstr (text, "\"opened_at\":\"2026-01-02 10:00:00+00\""), "%s", text);
    free (text);
}
