/*  stream_replay — "events after seq N, optionally only these topic
    prefixes", a page at a time: the snapshot half of the Clone pattern.
    A page scans up to page_size rows; the reply's last_seq is the last row
    scanned (entitled or not), so the caller continues from there and a
    page of invisible rows is simply empty with more = true. */
#include "stream_server.h"
#include "stream_scope.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPLAY_PAGE_DEFAULT 200
#define REPLAY_PAGE_MAX     1000
#define REPLAY_PREFIX_MAX   16
#define REPLAY_PREFIX_LEN   64

uint8_t *
stream_event_bytes (uint64_t seq, const uint8_t *payload, size_t size, size_t *out_size)
{
    Kumppani__V1__Event *event = kumppani__v1__event__unpack (NULL, size, payload);
    if (!event)
        return NULL;
    event->seq = seq;
    size_t packed_size = protobuf_c_message_get_packed_size (&event->base);
    uint8_t *packed = malloc (packed_size ? packed_size : 1);
    if (packed)
        *out_size = protobuf_c_message_pack (&event->base, packed);
    kumppani__v1__event__free_unpacked (event, NULL);
    return packed;
}

static bool
s_matches (const char *topic, char *const *prefixes, size_t count)
{
    if (count == 0)
        return true;
    for (size_t index = 0; index < count; index++)
        if (strncmp (topic, prefixes [index], strlen (prefixes [index])) == 0)
            return true;
    return false;
}

int
stream_replay (kp_call_t *call)
{
    const Kumppani__V1__ReplayRequest *body = call->request->replay;
    if (body->n_topic_prefixes > REPLAY_PREFIX_MAX)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "replay.too_many_prefixes",
                             "replay.topic_prefixes", "at most 16 topic prefixes");
    for (size_t index = 0; index < body->n_topic_prefixes; index++)
        if (strlen (body->topic_prefixes [index]) > REPLAY_PREFIX_LEN)
            return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "replay.prefix_too_long",
                                 "replay.topic_prefixes", "a topic prefix is at most 64 bytes");
    if (body->after_seq > INT64_MAX)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "replay.after_seq",
                             "replay.after_seq", "after_seq is out of range");
    uint32_t page = body->page_size ? body->page_size : REPLAY_PAGE_DEFAULT;
    if (page > REPLAY_PAGE_MAX)
        page = REPLAY_PAGE_MAX;

    char after [24], limit [16];
    snprintf (after, sizeof after, "%" PRIu64, body->after_seq);
    snprintf (limit, sizeof limit, "%u", page);
    const char *values [] = { after, limit };
    PGresult *rows = kp_db_exec (call->db, "stream_after", 2, values);
    if (!rows)
        return kp_call_db_fail (call);
    PGresult *head = kp_db_exec (call->db, "stream_head", 0, NULL);
    if (!head) {
        PQclear (rows);
        return kp_call_db_fail (call);
    }

    Kumppani__V1__ReplayReply *reply = kp_call_alloc (call, sizeof *reply);
    kumppani__v1__replay_reply__init (reply);
    int count = PQntuples (rows);
    reply->events = kp_call_alloc (call, sizeof (ProtobufCBinaryData) * (size_t) (count ? count : 1));
    reply->last_seq = body->after_seq;
    for (int row = 0; row < count; row++) {
        uint64_t seq = strtoull (kp_row_text (rows, row, EVENT_SEQ), NULL, 10);
        reply->last_seq = seq;
        if (!stream_scope_entitled (call->identity, kp_row_text (rows, row, EVENT_MUNICIPALITY),
                                    kp_row_text (rows, row, EVENT_SENDER_ORG), kp_row_text (rows, row, EVENT_RECIPIENT_ORG))
        ||  !s_matches (kp_row_text (rows, row, EVENT_TOPIC), body->topic_prefixes, body->n_topic_prefixes))
            continue;
        size_t payload_size = 0, event_size = 0;
        unsigned char *payload = PQunescapeBytea ((const unsigned char *) kp_row_text (rows, row, EVENT_PAYLOAD),
                                                  &payload_size);
        uint8_t *event = payload ? stream_event_bytes (seq, payload, payload_size, &event_size) : NULL;
        PQfreemem (payload);
        if (!event) {
            PQclear (rows);
            PQclear (head);
            return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INTERNAL, "replay.corrupt_event",
                                 NULL, "a stored event cannot be read");
        }
        uint8_t *kept = kp_call_alloc (call, event_size);
        memcpy (kept, event, event_size);
        free (event);
        reply->events [reply->n_events].data = kept;
        reply->events [reply->n_events].len = event_size;
        reply->n_events++;
    }
    reply->more = count == (int) page;
    reply->head_seq = strtoull (kp_row_text (head, 0, HEAD_LAST_SEQ), NULL, 10);
    PQclear (rows);
    PQclear (head);
    call->reply->body_case = KUMPPANI__V1__REPLY__BODY_REPLAY;
    call->reply->replay = reply;
    return 0;
}
