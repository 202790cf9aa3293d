/*  The wire contract as an integrator meets it (issue 19), over real
    sockets against real services: replay pages that count events, a
    cursor beyond the head refused, the heartbeat's head reaching a
    filtered subscriber, the correlation id echoed on refusals that used
    to drop it, a request in two frames answered instead of ignored, and
    fields a newer client sends skipped and listed. */
#include "harness.h"
#include "kp_codec.h"
#include "kp_stream_client.h"

#include <criterion/criterion.h>
#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TestSuite (wire, .init = kpt_setup, .fini = kpt_teardown, .timeout = 120);

static long long
s_head (void)
{
    return kpt_scalar ("SELECT last_seq FROM kp.event_counter", NULL);
}

//  One observation event for municipality under topic; its seq.
static long long
s_append (PGconn *conn, const char *topic, const char *municipality)
{
    Kumppani__V1__ObservationRecorded recorded = KUMPPANI__V1__OBSERVATION_RECORDED__INIT;
    recorded.theme = "wire";
    recorded.observation_id = "wire-1";
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.topic = (char *) topic;
    event.aggregate_id = "wire-1";
    event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_OBSERVATION_RECORDED;
    event.observation_recorded = &recorded;
    return kpt_append_event (conn, &event, municipality, NULL, NULL);
}

static Kumppani__V1__Reply *
s_replay (kp_client_t *client, uint64_t after, char *prefix, uint32_t page_size)
{
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, KUMPPANI__V1__ROLE__ROLE_INTEGRATOR, false);
    request.actor = NULL;
    Kumppani__V1__ReplayRequest body = KUMPPANI__V1__REPLAY_REQUEST__INIT;
    body.after_seq = after;
    char *prefixes [] = { prefix };
    body.topic_prefixes = prefix ? prefixes : NULL;
    body.n_topic_prefixes = prefix ? 1 : 0;
    body.page_size = page_size;
    request.body_case = KUMPPANI__V1__REQUEST__BODY_REPLAY;
    request.replay = &body;
    Kumppani__V1__Reply *reply = kpt_call (client, &request);
    cr_assert_not_null (reply, "no answer to replay");
    return reply;
}

//  Another municipality's events between muni-743's: a page of two must
//  hold two of muni-743's events, never an empty page with more = true,
//  and the last page says there are no more.
Test (wire, replay_pages_count_events_returned)
{
    kpt_service_start ("stream", NULL);
    long long base = s_head ();
    PGconn *conn = kpt_connect_as ("reporting");
    long long mine [3];
    for (int round = 0; round < 3; round++) {
        s_append (conn, "reporting.wire_page", "091");
        s_append (conn, "reporting.wire_page", "091");
        s_append (conn, "reporting.wire_other", "743");
        mine [round] = s_append (conn, "reporting.wire_page", "743");
    }
    s_append (conn, "reporting.wire_page", "091");
    PQfinish (conn);
    long long head = s_head ();

    kp_client_t *client = kpt_client ("stream", "muni-743");
    Kumppani__V1__Reply *reply = s_replay (client, (uint64_t) base, "reporting.wire_page", 2);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK);
    cr_assert_eq (reply->replay->n_events, 2, "a page of 2 held %zu events", reply->replay->n_events);
    cr_assert (reply->replay->more);
    uint64_t next = reply->replay->last_seq;
    cr_assert_eq ((long long) next, mine [1], "the next page must start after the last event returned");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    reply = s_replay (client, next, "reporting.wire_page", 2);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK);
    cr_assert_eq (reply->replay->n_events, 1);
    Kumppani__V1__Event *event = kumppani__v1__event__unpack (NULL, reply->replay->events [0].len,
                                                              reply->replay->events [0].data);
    cr_assert_eq ((long long) event->seq, mine [2]);
    kumppani__v1__event__free_unpacked (event, NULL);
    cr_assert_not (reply->replay->more, "more = true with no event left");
    cr_assert_eq ((long long) reply->replay->last_seq, head, "the last page ends at the head");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  From the head: nothing, and no more.
    reply = s_replay (client, (uint64_t) head, "reporting.wire_page", 2);
    cr_assert_eq (reply->replay->n_events, 0);
    cr_assert_not (reply->replay->more);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&client);
}

Test (wire, replay_after_the_head_is_invalid)
{
    kpt_service_start ("stream", NULL);
    kp_client_t *client = kpt_client ("stream", "operator");
    Kumppani__V1__Reply *reply = s_replay (client, (uint64_t) s_head () + 1000, NULL, 0);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_INVALID, "status %d", reply->status);
    cr_assert_str_eq (reply->error->code, "replay.after_head");
    cr_assert_str_eq (reply->error->field, "replay.after_seq");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&client);
}

//  A subscriber whose prefix matches nothing still learns the head from
//  heartbeats, so it can tell that it is behind (and replay).
Test (wire, heartbeats_carry_the_head_to_a_filtered_subscriber)
{
    kpt_service_start ("stream", NULL);
    char *prefixes [] = { "referral.wire_nothing" };
    char stream_cert [600];
    snprintf (stream_cert, sizeof stream_cert, "%s", kpt_cert_path ("services", "stream"));
    kp_stream_live_t *live = kp_stream_live_new (kpt_pub_endpoint (), stream_cert,
                                                 kpt_cert_path ("clients", "muni-743"), prefixes, 1);
    cr_assert_not_null (live);
    zmsg_t *msg = kp_stream_live_recv (live, 5000);
    cr_assert_not_null (msg, "no heartbeat reached a filtered subscriber");
    zmsg_destroy (&msg);
    PGconn *conn = kpt_connect_as ("reporting");
    long long seq = s_append (conn, "reporting.wire_heartbeat", "743");
    PQfinish (conn);
    bool caught_up = false;
    for (int count = 0; count < 20 && !caught_up && (msg = kp_stream_live_recv (live, 5000)); count++) {
        char *topic = zframe_strdup (zmsg_first (msg));
        cr_assert_str_eq (topic, "pub|heartbeat", "a filtered subscriber got %s", topic);
        free (topic);
        Kumppani__V1__Event *event = kumppani__v1__event__unpack (NULL, zframe_size (zmsg_last (msg)),
                                                                  zframe_data (zmsg_last (msg)));
        cr_assert_not_null (event);
        cr_assert_eq (event->payload_case, KUMPPANI__V1__EVENT__PAYLOAD_HEARTBEAT);
        caught_up = (long long) event->heartbeat->head_seq >= seq;
        kumppani__v1__event__free_unpacked (event, NULL);
        zmsg_destroy (&msg);
    }
    cr_assert (caught_up, "no heartbeat carried a head at or past seq %lld", seq);
    kp_stream_live_destroy (&live);
}

//  Sends bytes; the reply must be INVALID with code and field and echo
//  correlation ("" when none can be found).
static void
s_expect (kp_client_t *client, const uint8_t *data, size_t size, const char *code,
          const char *field, const char *correlation)
{
    cr_assert_eq (kp_client_send_bytes (client, data, size), 0);
    Kumppani__V1__Reply *reply = kp_client_recv (client, 5000);
    cr_assert_not_null (reply, "no answer (expected %s)", code);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_INVALID, "status %d", reply->status);
    cr_assert_str_eq (reply->error->code, code);
    cr_assert_str_eq (reply->error->field, field);
    cr_assert_str_eq (reply->correlation_id, correlation, "%s: correlation id not echoed", code);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

static void
s_observation (Kumppani__V1__Request *request, Kumppani__V1__Actor *actor,
               Kumppani__V1__SubmitObservation *body)
{
    kumppani__v1__request__init (request);
    kpt_request (request, actor, KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER, true);
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

static void
s_expect_request (kp_client_t *client, Kumppani__V1__Request *request, const char *code, const char *field)
{
    size_t size;
    uint8_t *packed = kp_codec_pack (&request->base, &size);
    s_expect (client, packed, size, code, field, request->correlation_id);
    free (packed);
}

Test (wire, decode_refusals_echo_the_correlation_id)
{
    kpt_service_start ("reporting", NULL);
    kp_client_t *client = kpt_client ("reporting", "muni-743");
    Kumppani__V1__Request request;
    Kumppani__V1__Actor actor;
    Kumppani__V1__SubmitObservation body;

    s_observation (&request, &actor, &body);
    body.description = "Vuokrarästit \xff\xfe kasvavat";
    s_expect_request (client, &request, "request.invalid_utf8", "submit_observation.description");

    s_observation (&request, &actor, &body);
    request.body_case = KUMPPANI__V1__REQUEST__BODY__NOT_SET;
    s_expect_request (client, &request, "request.no_body", "body");

    s_observation (&request, &actor, &body);
    char long_key [200];
    memset (long_key, 'k', sizeof long_key - 1);
    long_key [sizeof long_key - 1] = 0;
    request.idempotency_key = long_key;
    s_expect_request (client, &request, "request.idempotency_key_too_long", "idempotency_key");

    //  Cut inside the body: the correlation id came before the damage,
    //  and the field whose length promises more than follows is named.
    s_observation (&request, &actor, &body);
    size_t size;
    uint8_t *packed = kp_codec_pack (&request.base, &size);
    s_expect (client, packed, size - 5, "request.malformed", "submit_observation", request.correlation_id);
    free (packed);

    //  correlation_id (a string) sent as a varint: the field is named,
    //  and no correlation id can be read from it.
    const uint8_t wrong_wire [] = { 0x08, 0x2a, 0xa5, 0x1f, 0x01, 0x02, 0x03, 0x04 };
    s_expect (client, wrong_wire, sizeof wrong_wire, "request.malformed", "correlation_id", "");
    kp_client_destroy (&client);
}

//  A request sent as two frames used to get no answer at all.
Test (wire, a_request_in_two_frames_is_answered_invalid)
{
    kpt_service_start ("reporting", NULL);
    kp_client_t *client = kpt_client ("reporting", "muni-743");
    Kumppani__V1__Request request;
    Kumppani__V1__Actor actor;
    Kumppani__V1__SubmitObservation body;
    s_observation (&request, &actor, &body);
    size_t size;
    uint8_t *packed = kp_codec_pack (&request.base, &size);
    zmsg_t *msg = zmsg_new ();
    zmsg_addmem (msg, packed, size);
    zmsg_addmem (msg, packed, size);
    cr_assert_eq (zmsg_send (&msg, kp_client_socket (client)), 0);
    free (packed);
    Kumppani__V1__Reply *reply = kp_client_recv (client, 5000);
    cr_assert_not_null (reply, "a two-frame request got no answer");
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_INVALID);
    cr_assert_str_eq (reply->error->code, "request.framing");
    cr_assert_str_eq (reply->correlation_id, request.correlation_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.idempotency WHERE key = $1", request.idempotency_key),
                  0, "a refused two-frame request was served");
    kp_client_destroy (&client);
}

//  Appends field number (a varint, value 1) to a packed message.
static size_t
s_with_field (uint8_t *out, const uint8_t *packed, size_t size, unsigned number)
{
    memcpy (out, packed, size);
    uint32_t key = number << 3;
    while (key >= 0x80) {
        out [size++] = (uint8_t) (key | 0x80);
        key >>= 7;
    }
    out [size++] = (uint8_t) key;
    out [size++] = 1;
    return size;
}

//  A client built from a newer .proto: its extra fields in the actor and
//  in the body are skipped, the request is served, and the reply lists
//  what was not understood. An operation the service does not know is
//  named as such, with the correlation id.
Test (wire, unknown_fields_are_skipped_and_listed)
{
    kpt_service_start ("reporting", NULL);
    kp_client_t *client = kpt_client ("reporting", "muni-743");
    Kumppani__V1__Request request;
    Kumppani__V1__Actor actor;
    Kumppani__V1__SubmitObservation body;
    s_observation (&request, &actor, &body);
    size_t size;
    uint8_t *actor_packed = kp_codec_pack (&actor.base, &size);
    uint8_t extended_actor [128];
    size_t actor_size = s_with_field (extended_actor, actor_packed, size, 5);
    free (actor_packed);
    uint8_t *body_packed = kp_codec_pack (&body.base, &size);
    uint8_t extended_body [512];
    size_t body_size = s_with_field (extended_body, body_packed, size, 42);
    free (body_packed);
    //  The request without actor and body, then both as raw fields 3 and 500.
    request.actor = NULL;
    request.body_case = KUMPPANI__V1__REQUEST__BODY__NOT_SET;
    uint8_t *head = kp_codec_pack (&request.base, &size);
    uint8_t frame [1024];
    memcpy (frame, head, size);
    free (head);
    frame [size++] = (3 << 3) | 2;
    frame [size++] = (uint8_t) actor_size;
    memcpy (frame + size, extended_actor, actor_size);
    size += actor_size;
    frame [size++] = 0xa2;                  //  field 500, wire type 2
    frame [size++] = 0x1f;
    cr_assert_lt (body_size, 128);
    frame [size++] = (uint8_t) body_size;
    memcpy (frame + size, extended_body, body_size);
    size += body_size;
    size = s_with_field (frame, frame, size, 77);

    cr_assert_eq (kp_client_send_bytes (client, frame, size), 0);
    Kumppani__V1__Reply *reply = kp_client_recv (client, 5000);
    cr_assert_not_null (reply);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK, "status %d %s", reply->status,
                  reply->error ? reply->error->code : "");
    cr_assert_eq (reply->body_case, KUMPPANI__V1__REPLY__BODY_OBSERVATION);
    cr_assert_eq (reply->n_ignored_fields, 3);
    cr_assert_str_eq (reply->ignored_fields [0], "#77");
    cr_assert_str_eq (reply->ignored_fields [1], "actor.#5");
    cr_assert_str_eq (reply->ignored_fields [2], "submit_observation.#42");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Field 999: an operation from a newer .proto.
    const uint8_t newer [] = { 0x0a, 0x03, 'c', '-', '9', 0xba, 0x3e, 0x00 };
    s_expect (client, newer, sizeof newer, "request.unsupported_operation", "#999", "c-9");
    kp_client_destroy (&client);
}
