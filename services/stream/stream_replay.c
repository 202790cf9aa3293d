/*  stream_replay — "events after seq N, optionally only these topic
    prefixes", a page at a time: the snapshot half of the Clone pattern.
    A page holds up to page_size events the caller is entitled to and
    asked for, filtered by the query; more is true only when another such
    event exists up to the head read at the start. last_seq is where the
    next page starts: the last event returned while there are more, the
    head once there are none (the rows in between are not the caller's).
    A seq beyond the head is refused: such a cursor came from elsewhere.
    The query filters by the caller's scopes (its own copy of
    stream_scope_of_event's rule, for the kinds it knows); stream_scope
    still decides each row, and a scope kind the query does not know makes
    it fall back to scanning the asked topics in batches. */
#include "stream_server.h"
#include "kp_alloc.h"
#include "stream_scope.h"
#include "kp_codec.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPLAY_PAGE_DEFAULT 200
#define REPLAY_PAGE_MAX     1000
#define REPLAY_PREFIX_MAX   16
#define REPLAY_PREFIX_LEN   64
//  Rows read at a time when entitlement is left to stream_scope alone.
#define REPLAY_SCAN_BATCH   1000

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

//  Whether the query can filter by every one of these scopes.
static bool
s_scopes_known (stream_scopes_t scopes, int count)
{
    for (int index = 0; index < count; index++)
        if (strcmp (scopes [index], "*") != 0 && strncmp (scopes [index], "m:", 2) != 0
        &&  strncmp (scopes [index], "o:", 2) != 0)
            return false;
    return true;
}

//  Adds the event of one row to the page. 0, or -1 with the call failed.
static int
s_take (kp_call_t *call, Kumppani__V1__ReplayReply *reply, uint64_t seq, PGresult *rows, int row)
{
    size_t payload_size = 0, event_size = 0;
    unsigned char *payload = PQunescapeBytea ((const unsigned char *) kp_row_text (rows, row, EVENT_PAYLOAD),
                                              &payload_size);
    uint8_t *event = payload ? kp_codec_event_with_seq (seq, payload, payload_size, &event_size) : NULL;
    PQfreemem (payload);
    if (!event)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INTERNAL, "replay.corrupt_event",
                             NULL, "a stored event cannot be read");
    uint8_t *kept = kp_call_alloc (call, event_size);
    memcpy (kept, event, event_size);
    free (event);
    reply->events [reply->n_events].data = kept;
    reply->events [reply->n_events].len = event_size;
    reply->n_events++;
    return 0;
}

//  A PostgreSQL text[] literal of items, each quoted and escaped.
static char *
s_array (kp_call_t *call, char *const *items, size_t count)
{
    size_t size = 3;
    for (size_t index = 0; index < count; index++)
        size += strlen (items [index]) * 2 + 3;
    char *text = kp_call_alloc (call, size);
    char *out = text;
    *out++ = '{';
    for (size_t index = 0; index < count; index++) {
        if (index)
            *out++ = ',';
        *out++ = '"';
        for (const char *in = items [index]; *in; in++) {
            if (*in == '"' || *in == '\\')
                *out++ = '\\';
            *out++ = *in;
        }
        *out++ = '"';
    }
    *out++ = '}';
    *out = 0;
    return text;
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

    PGresult *head = kp_db_exec (call->db, "stream_head", 0, NULL);
    if (!head)
        return kp_call_db_fail (call);
    uint64_t head_seq = strtoull (kp_row_text (head, 0, HEAD_LAST_SEQ), NULL, 10);
    PQclear (head);
    if (body->after_seq > head_seq)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "replay.after_head",
                             "replay.after_seq", "after_seq is beyond the stream's head");

    stream_scopes_t scopes;
    int scope_count = stream_scope_of_subscriber (call->identity, scopes);
    char *scope_list [STREAM_SCOPE_MAX];
    for (int index = 0; index < scope_count; index++)
        scope_list [index] = scopes [index];
    //  The query filters by the caller's scopes when it knows each kind
    //  (*, m:, o:). A kind added to stream_scope since makes it scan every
    //  row of the asked topics and leave entitlement to the table alone,
    //  batch by batch: slower, never wrong.
    bool filtered = s_scopes_known (scopes, scope_count);
    char *scope_array = s_array (call, scope_list, (size_t) scope_count);
    char *prefix_array = s_array (call, body->topic_prefixes, body->n_topic_prefixes);

    Kumppani__V1__ReplayReply *reply = kp_call_alloc (call, sizeof *reply);
    kumppani__v1__replay_reply__init (reply);
    reply->events = kp_call_alloc (call, sizeof (ProtobufCBinaryData) * page);
    reply->head_seq = head_seq;
    uint64_t cursor = body->after_seq, taken = body->after_seq;
    bool more = false;
    while (!more && cursor < head_seq) {
        //  Filtered, one row more than the page says whether there are more.
        uint32_t limit = filtered ? page + 1 - (uint32_t) reply->n_events : REPLAY_SCAN_BATCH;
        char after [24], limit_text [16], upto [24];
        snprintf (after, sizeof after, "%" PRIu64, cursor);
        snprintf (limit_text, sizeof limit_text, "%u", limit);
        snprintf (upto, sizeof upto, "%" PRIu64, head_seq);
        const char *values [] = { after, limit_text, upto, filtered ? scope_array : prefix_array, prefix_array };
        PGresult *rows = kp_db_exec (call->db, filtered ? "stream_replay_page" : "stream_replay_scan",
                                     filtered ? 5 : 4, values);
        if (!rows)
            return kp_call_db_fail (call);
        int count = PQntuples (rows);
        for (int row = 0; row < count && !more; row++) {
            uint64_t seq = strtoull (kp_row_text (rows, row, EVENT_SEQ), NULL, 10);
            cursor = seq;
            //  The table's own word: where the query filtered too, a
            //  divergence between the two can only hide an event, never
            //  leak one.
            if (!stream_scope_entitled (call->identity, kp_row_text (rows, row, EVENT_MUNICIPALITY),
                                        kp_row_text (rows, row, EVENT_SENDER_ORG), kp_row_text (rows, row, EVENT_RECIPIENT_ORG))
            ||  !s_matches (kp_row_text (rows, row, EVENT_TOPIC), body->topic_prefixes, body->n_topic_prefixes)) {
                if (filtered)
                    kp_log (KP_LOG_ERROR, &call->log, "replay: seq %" PRIu64 " passed the query's"
                            " scope filter but not stream_scope_entitled", seq);
                continue;
            }
            if (reply->n_events == page) {
                more = true;
                break;
            }
            if (s_take (call, reply, seq, rows, row)) {
                PQclear (rows);
                return -1;
            }
            taken = seq;
        }
        PQclear (rows);
        if (count < (int) limit)
            break;                  //  nothing more up to the head
    }
    reply->more = more;
    reply->last_seq = more ? taken : head_seq;
    call->reply->body_case = KUMPPANI__V1__REPLY__BODY_REPLAY;
    call->reply->replay = reply;
    return 0;
}
