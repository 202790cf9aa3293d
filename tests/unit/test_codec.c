/*  kp_codec on untrusted input: every malformed shape is refused with a
    stable code and, where there is one, the field path; valid requests
    round-trip. */
#define _GNU_SOURCE             //  memmem
#include "kp_codec.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
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
