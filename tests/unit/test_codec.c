/*  kp_codec on untrusted input: every malformed shape is refused with a
    stable code and, where there is one, the field path; valid requests
    round-trip. */
#define _GNU_SOURCE             //  memmem
#include "kp_codec.h"
#include "kp_outbox.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdlib.h>
#include <string.h>

TestSuite (codec);

static uint8_t *
s_pack_valid (size_t *size, Kumppani__V1__SubmitObservation *body)
{
    static Kumppani__V1__Actor actor;
    kumppani__v1__actor__init (&actor);
    actor.person_id = "worker-7";
    actor.role = KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER;
    kumppani__v1__submit_observation__init (body);
    body->theme = "housing";
    body->area = "743";
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    request.correlation_id = "c-1";
    request.idempotency_key = "k-1";
    request.actor = &actor;
    request.body_case = KUMPPANI__V1__REQUEST__BODY_SUBMIT_OBSERVATION;
    request.submit_observation = body;
    return kp_codec_pack (&request.base, size);
}

static int
s_decode (const uint8_t *data, size_t size, kp_codec_error_t *error)
{
    Kumppani__V1__Request *request = NULL;
    int rc = kp_codec_request_decode (data, size, 1 << 20, &request, error);
    if (rc == 0)
        cr_assert_not_null (request);
    else
        cr_assert_null (request);
    kp_codec_request_free (&request);
    return rc;
}

Test (codec, valid_request_round_trips)
{
    Kumppani__V1__SubmitObservation body;
    size_t size;
    uint8_t *packed = s_pack_valid (&size, &body);
    Kumppani__V1__Request *request = NULL;
    kp_codec_error_t error;
    cr_assert_eq (kp_codec_request_decode (packed, size, 1 << 20, &request, &error), 0);
    cr_assert_str_eq (request->correlation_id, "c-1");
    cr_assert_str_eq (request->submit_observation->theme, "housing");
    cr_assert_str_eq (kp_codec_request_body_name (request), "submit_observation");
    cr_assert_not_null (kp_codec_request_body (request));
    kp_codec_request_free (&request);
    cr_assert_null (request);
    kp_codec_request_free (&request);       //  safe twice
    free (packed);
}

Test (codec, oversized_frame_is_refused_before_unpacking)
{
    Kumppani__V1__SubmitObservation body;
    size_t size;
    uint8_t *packed = s_pack_valid (&size, &body);
    Kumppani__V1__Request *request = NULL;
    kp_codec_error_t error;
    cr_assert_eq (kp_codec_request_decode (packed, size, size - 1, &request, &error), -2);
    cr_assert_str_eq (error.code, "request.too_large");
    free (packed);
}

Test (codec, garbage_and_truncation_are_malformed)
{
    kp_codec_error_t error;
    const uint8_t garbage [] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 };
    cr_assert_eq (s_decode (garbage, sizeof garbage, &error), -2);
    cr_assert_str_eq (error.code, "request.malformed");

    Kumppani__V1__SubmitObservation body;
    size_t size;
    uint8_t *packed = s_pack_valid (&size, &body);
    //  Every strict prefix either fails to unpack or misses required parts;
    //  none may crash or be accepted as the full request.
    for (size_t cut = 0; cut < size; cut++) {
        Kumppani__V1__Request *request = NULL;
        int rc = kp_codec_request_decode (packed, cut, 1 << 20, &request, &error);
        if (rc == 0) {
            cr_assert (request->body_case != KUMPPANI__V1__REQUEST__BODY_SUBMIT_OBSERVATION
                       || strcmp (request->submit_observation->area, "743") != 0,
                       "a truncated frame (%zu of %zu bytes) decoded as the whole request", cut, size);
            kp_codec_request_free (&request);
        }
    }
    free (packed);
}

Test (codec, empty_frame_has_no_correlation_id)
{
    kp_codec_error_t error;
    cr_assert_eq (s_decode ((const uint8_t *) "", 0, &error), -2);
    cr_assert_str_eq (error.code, "request.correlation_id");
    cr_assert_str_eq (error.field, "correlation_id");
}

Test (codec, missing_body_is_named)
{
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    request.correlation_id = "c-2";
    size_t size;
    uint8_t *packed = kp_codec_pack (&request.base, &size);
    kp_codec_error_t error;
    cr_assert_eq (s_decode (packed, size, &error), -2);
    cr_assert_str_eq (error.code, "request.no_body");
    cr_assert_str_eq (error.field, "body");
    free (packed);
}

static void
s_collect (const char *path, void *arg)
{
    char *out = arg;
    strcat (out, path);
    strcat (out, ";");
}

Test (codec, unknown_nested_field_is_skipped_and_listed_with_its_path)
{
    Kumppani__V1__SubmitObservation body;
    kumppani__v1__submit_observation__init (&body);
    body.theme = "debt";
    size_t body_size;
    uint8_t *body_packed = kp_codec_pack (&body.base, &body_size);
    //  Append field 42 (varint 7) inside the body, then wrap it as field 500.
    uint8_t inner [64];
    memcpy (inner, body_packed, body_size);
    inner [body_size] = 0xd0;           //  varint of 42 << 3 = 336: 0xd0 0x02
    inner [body_size + 1] = 0x02;
    inner [body_size + 2] = 7;
    size_t inner_size = body_size + 3;
    free (body_packed);

    uint8_t frame [128];
    size_t used = 0;
    const char *correlation = "c-3";
    frame [used++] = (1 << 3) | 2;
    frame [used++] = (uint8_t) strlen (correlation);
    memcpy (frame + used, correlation, strlen (correlation));
    used += strlen (correlation);
    //  tag 500, wire type 2: varint (500 << 3 | 2) = 4002 = 0xa2 0x1f
    frame [used++] = 0xa2;
    frame [used++] = 0x1f;
    frame [used++] = (uint8_t) inner_size;
    memcpy (frame + used, inner, inner_size);
    used += inner_size;

    //  A newer client's field: decoded as protobuf intends, the rest intact.
    Kumppani__V1__Request *request = NULL;
    kp_codec_error_t error;
    cr_assert_eq (kp_codec_request_decode (frame, used, 1 << 20, &request, &error), 0);
    cr_assert_str_eq (request->submit_observation->theme, "debt");
    char paths [128] = "";
    kp_codec_walk_unknown (&request->base, "", s_collect, paths);
    cr_assert_str_eq (paths, "submit_observation.#42;");
    kp_codec_request_free (&request);
}

Test (codec, an_unknown_body_is_an_unsupported_operation)
{
    //  correlation id "c-4", then field 999 (an operation from a newer
    //  .proto) as an empty message: tag varint (999 << 3 | 2) = 0xba 0x3e.
    const uint8_t frame [] = { 0x0a, 0x03, 'c', '-', '4', 0xba, 0x3e, 0x00 };
    kp_codec_error_t error;
    cr_assert_eq (s_decode (frame, sizeof frame, &error), -2);
    cr_assert_str_eq (error.code, "request.unsupported_operation");
    cr_assert_str_eq (error.field, "#999");
    cr_assert_str_eq (error.correlation_id, "c-4");
}

Test (codec, invalid_utf8_is_refused_with_the_field)
{
    Kumppani__V1__SubmitObservation body;
    size_t size;
    uint8_t *packed = s_pack_valid (&size, &body);
    //  Replace "housing" in place with an overlong encoding of '/'.
    uint8_t *at = memmem (packed, size, "housing", 7);
    cr_assert_not_null (at);
    at [0] = 0xc0;
    at [1] = 0xaf;
    kp_codec_error_t error;
    cr_assert_eq (s_decode (packed, size, &error), -2);
    cr_assert_str_eq (error.code, "request.invalid_utf8");
    cr_assert_str_eq (error.field, "submit_observation.theme");
    free (packed);
}

//  Arrays, not pointers: criterion may run each case in a fresh process.
typedef struct {
    char bytes [16];
    size_t len;
    bool valid;
} utf8_case_t;

ParameterizedTestParameters (codec, utf8)
{
    static utf8_case_t cases [] = {
        { "plain ascii", 11, true },
        { "\xc3\xa4iti", 5, true },                     //  äiti
        { "\xe2\x82\xac", 3, true },                    //  €
        { "\xf0\x9f\x98\x80", 4, true },                //  emoji
        { "\xc3", 1, false },                           //  truncated
        { "\xe2\x82", 2, false },
        { "\xc0\xaf", 2, false },                       //  overlong
        { "\xed\xa0\x80", 3, false },                   //  surrogate
        { "\xf4\x90\x80\x80", 4, false },               //  beyond U+10FFFF
        { "\x80", 1, false },                           //  lone continuation
        { "\xff", 1, false },
    };
    return cr_make_param_array (utf8_case_t, cases, sizeof cases / sizeof cases [0]);
}

ParameterizedTest (utf8_case_t *item, codec, utf8)
{
    cr_assert_eq (kp_codec_utf8_valid (item->bytes, item->len), item->valid,
                  "case of %zu bytes", item->len);
}

//  ---------------------------------------------------------------------
//  Events and replies from our own services: bounded, checked decoders,
//  and the relay's seq prepended to the stored bytes.

//  An event as the outbox stores it (kp_outbox_pack: seq cleared to 0,
//  which proto3 leaves out), whatever seq the caller left in it.
static uint8_t *
s_stored_event (size_t *size)
{
    static Kumppani__V1__ReferralEvent referral;
    kumppani__v1__referral_event__init (&referral);
    referral.referral_id = "01HZZZREFERRAL";
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.topic = "referral.received";
    event.occurred_at = 1700000000000000;
    event.aggregate_id = "01HZZZREFERRAL";
    event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_REFERRAL;
    event.referral = &referral;
    event.seq = 99;
    return kp_outbox_pack (&event, size);
}

//  The message a decode/set seq/re-encode would give, packed.
static uint8_t *
s_repacked (const uint8_t *stored, size_t size, uint64_t seq, size_t *out_size)
{
    Kumppani__V1__Event *event = kumppani__v1__event__unpack (NULL, size, stored);
    cr_assert_not_null (event);
    event->seq = seq;
    uint8_t *packed = kp_codec_pack (&event->base, out_size);
    kumppani__v1__event__free_unpacked (event, NULL);
    return packed;
}

Test (codec, stored_events_carry_no_seq)
{
    size_t size;
    uint8_t *stored = s_stored_event (&size);
    //  protobuf-c packs in field order: a seq would be the first byte's tag.
    cr_assert_neq (stored [0], 0x08, "the stored bytes begin with a seq field");
    free (stored);
}

ParameterizedTestParameters (codec, prepended_seq_decodes_to_the_same_message)
{
    static uint64_t seqs [] = { 1, 127, 128, 300, 16383, 16384, 1u << 31, UINT64_MAX };
    return cr_make_param_array (uint64_t, seqs, sizeof seqs / sizeof seqs [0]);
}

ParameterizedTest (uint64_t *seq, codec, prepended_seq_decodes_to_the_same_message)
{
    size_t size, with_size, repacked_size;
    uint8_t *stored = s_stored_event (&size);
    uint8_t *with = kp_codec_event_with_seq (*seq, stored, size, &with_size);
    cr_assert_not_null (with);
    Kumppani__V1__Event *event;
    cr_assert_eq (kp_codec_event_decode (with, with_size, &event, NULL), 0);
    cr_assert_eq (event->seq, *seq);
    cr_assert_str_eq (event->topic, "referral.received");
    cr_assert_str_eq (event->referral->referral_id, "01HZZZREFERRAL");
    cr_assert_eq (event->base.n_unknown_fields, 0);
    //  Same message as decode, set, re-encode: packed again it is byte
    //  for byte what the old relay sent.
    size_t again_size;
    uint8_t *again = kp_codec_pack (&event->base, &again_size);
    uint8_t *repacked = s_repacked (stored, size, *seq, &repacked_size);
    cr_assert_eq (again_size, repacked_size);
    cr_assert_eq (memcmp (again, repacked, again_size), 0);
    //  And the same bytes: seq is field 1, so it comes first either way.
    cr_assert_eq (with_size, repacked_size);
    cr_assert_eq (memcmp (with, repacked, with_size), 0);
    kp_codec_event_free (&event);
    cr_assert_null (event);
    free (again);
    free (repacked);
    free (with);
    free (stored);
}

Test (codec, a_stored_seq_is_replaced_not_kept)
{
    size_t size, old_size, with_size;
    uint8_t *stored = s_stored_event (&size);
    //  Bytes that somehow carry a seq already (say 5): the relay's wins.
    uint8_t *old = kp_codec_event_with_seq (5, stored, size, &old_size);
    uint8_t *with = kp_codec_event_with_seq (1234567, old, old_size, &with_size);
    Kumppani__V1__Event *event;
    cr_assert_eq (kp_codec_event_decode (with, with_size, &event, NULL), 0);
    cr_assert_eq (event->seq, 1234567);
    cr_assert_str_eq (event->topic, "referral.received");
    kp_codec_event_free (&event);
    free (with);
    free (old);
    free (stored);
}

Test (codec, event_with_seq_sizes_and_bounds)
{
    size_t size;
    //  An empty stored event (every field default) is still an event.
    uint8_t *with = kp_codec_event_with_seq (1, (const uint8_t *) "", 0, &size);
    cr_assert_eq (size, 2);
    cr_assert_eq (with [0], 0x08);
    cr_assert_eq (with [1], 0x01);
    free (with);
    //  Largest seq: tag plus a ten-byte varint.
    uint8_t stored [] = { 0x12, 0x01, 'x' };   //  topic "x"
    with = kp_codec_event_with_seq (UINT64_MAX, stored, sizeof stored, &size);
    cr_assert_eq (size, 1 + 10 + sizeof stored);
    free (with);
    //  A leading seq tag without a whole varint is not an event.
    uint8_t truncated [] = { 0x08, 0x80, 0x80 };
    cr_assert_null (kp_codec_event_with_seq (1, truncated, sizeof truncated, &size));
    uint8_t endless [13] = { 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 };
    cr_assert_null (kp_codec_event_with_seq (1, endless, sizeof endless, &size));
    //  Over the bound: refused without reading it.
    cr_assert_null (kp_codec_event_with_seq (1, stored, KP_CODEC_EVENT_MAX + 1, &size));
}

Test (codec, event_decode_is_bounded_and_checked)
{
    size_t size;
    uint8_t *stored = s_stored_event (&size);
    Kumppani__V1__Event *event = (Kumppani__V1__Event *) 1;
    kp_codec_error_t error;
    //  The size is refused before anything is read.
    cr_assert_eq (kp_codec_event_decode (stored, KP_CODEC_EVENT_MAX + 1, &event, &error), -2);
    cr_assert_null (event);
    cr_assert_str_eq (error.code, "event.too_large");
    const uint8_t garbage [] = { 0xff, 0xff, 0xff };
    cr_assert_eq (kp_codec_event_decode (garbage, sizeof garbage, &event, &error), -2);
    cr_assert_null (event);
    cr_assert_str_eq (error.code, "event.malformed");
    //  Truncated: the last byte of a length-delimited field is missing.
    cr_assert_eq (kp_codec_event_decode (stored, size - 1, &event, NULL), -2);
    cr_assert_eq (kp_codec_event_decode (stored, size, &event, &error), 0);
    cr_assert_null (error.code);
    kp_codec_event_free (&event);
    kp_codec_event_free (&event);       //  safe twice
    free (stored);
}

Test (codec, reply_decode_is_bounded_and_checked)
{
    Kumppani__V1__Reply reply = KUMPPANI__V1__REPLY__INIT;
    reply.correlation_id = "c-9";
    reply.status = KUMPPANI__V1__STATUS__STATUS_OK;
    size_t size;
    uint8_t *packed = kp_codec_pack (&reply.base, &size);
    Kumppani__V1__Reply *decoded;
    kp_codec_error_t error;
    cr_assert_eq (kp_codec_reply_decode (packed, KP_CODEC_REPLY_MAX + 1, &decoded, &error), -2);
    cr_assert_null (decoded);
    cr_assert_str_eq (error.code, "reply.too_large");
    const uint8_t garbage [] = { 0x0a, 0x7f };
    cr_assert_eq (kp_codec_reply_decode (garbage, sizeof garbage, &decoded, &error), -2);
    cr_assert_str_eq (error.code, "reply.malformed");
    cr_assert_eq (kp_codec_reply_decode (packed, size, &decoded, NULL), 0);
    cr_assert_str_eq (decoded->correlation_id, "c-9");
    kp_codec_reply_free (&decoded);
    cr_assert_null (decoded);
    free (packed);
}

//  A frame protobuf-c refuses is read as far as it goes: the correlation
//  id before the damage is kept, and the field where it stops is named.
Test (codec, a_malformed_frame_names_its_field_and_keeps_the_correlation_id)
{
    Kumppani__V1__SubmitObservation body;
    size_t size;
    uint8_t *packed = s_pack_valid (&size, &body);
    kp_codec_error_t error;
    cr_assert_eq (s_decode (packed, size - 3, &error), -2);
    cr_assert_str_eq (error.code, "request.malformed");
    cr_assert_str_eq (error.field, "submit_observation");
    cr_assert_str_eq (error.correlation_id, "c-1");
    char correlation [KP_CORRELATION_ID_MAX + 1];
    cr_assert_eq (kp_codec_correlation_id (packed, size - 3, correlation, sizeof correlation), 0);
    cr_assert_str_eq (correlation, "c-1");
    free (packed);

    //  correlation_id (a string) as a varint: named, and none to keep.
    const uint8_t wrong [] = { 0x08, 0x2a };
    cr_assert_eq (s_decode (wrong, sizeof wrong, &error), -2);
    cr_assert_str_eq (error.field, "correlation_id");
    cr_assert_str_eq (error.correlation_id, "");
    cr_assert_eq (kp_codec_correlation_id (wrong, sizeof wrong, correlation, sizeof correlation), -1);

    //  A nested field with the wrong wire type: actor.role (an enum) as a string.
    const uint8_t nested [] = { 0x0a, 0x01, 'x', 0x1a, 0x03, 0x12, 0x01, 'y' };
    cr_assert_eq (s_decode (nested, sizeof nested, &error), -2);
    cr_assert_str_eq (error.field, "actor.role");
    cr_assert_str_eq (error.correlation_id, "x");
}

//  Refusals after decoding keep the correlation id too.
Test (codec, refusals_after_decoding_keep_the_correlation_id)
{
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    request.correlation_id = "c-5";
    size_t size;
    uint8_t *packed = kp_codec_pack (&request.base, &size);
    kp_codec_error_t error;
    cr_assert_eq (s_decode (packed, size, &error), -2);
    cr_assert_str_eq (error.code, "request.no_body");
    cr_assert_str_eq (error.correlation_id, "c-5");
    free (packed);
}

//  Field number 0 does not exist: protobuf-c keeps it as an unknown field
//  and would pack it back as bytes that no longer decode (found by the
//  envelope fuzzer). It is malformed, not a newer client's field.
Test (codec, field_number_zero_is_malformed)
{
    const uint8_t frame [] = { 0x0a, 0x03, 'c', '-', '1', 0x80, 0x00, 0x00, 0x82, 0x19, 0x00 };
    kp_codec_error_t error;
    cr_assert_eq (s_decode (frame, sizeof frame, &error), -2);
    cr_assert_str_eq (error.code, "request.malformed");
    cr_assert_str_eq (error.correlation_id, "c-1");
}
