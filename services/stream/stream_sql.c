/*  stream_sql — every statement the stream service prepares. */
#include "stream_server.h"

static const kp_col_t s_event_row [] = { STREAM_EVENT_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_head_row [] = { STREAM_HEAD_ROW (KP_ROW_COLUMN) { NULL } };

const kp_stmt_t stream_statements [] = {
    { "stream_after",
      "SELECT seq, topic, coalesce (municipality, '') AS municipality, coalesce (sender_org, '') AS sender_org,"
      " coalesce (recipient_org, '') AS recipient_org, payload FROM kp.events"
      " WHERE seq > $1::int8 ORDER BY seq LIMIT $2::int4", s_event_row },
    { "stream_head", "SELECT last_seq FROM kp.event_counter WHERE id = 1", s_head_row },
    //  A replay page: events after $1 up to the head $3, only those the
    //  caller's scopes $4 (stream_scope_of_subscriber's) share with the
    //  event's (stream_scope_of_event's, here in SQL) and whose topic
    //  starts with one of the prefixes $5 (none: every topic). Filtering
    //  here is what lets a page count events returned, not rows scanned.
    { "stream_replay_page",
      "SELECT seq, topic, coalesce (municipality, '') AS municipality, coalesce (sender_org, '') AS sender_org,"
      " coalesce (recipient_org, '') AS recipient_org, payload FROM kp.events"
      " WHERE seq > $1::int8 AND seq <= $3::int8"
      "   AND ('*' = ANY ($4::text[]) OR 'm:' || municipality = ANY ($4::text[])"
      "        OR 'o:' || sender_org = ANY ($4::text[]) OR 'o:' || recipient_org = ANY ($4::text[]))"
      "   AND (cardinality ($5::text[]) = 0"
      "        OR EXISTS (SELECT 1 FROM unnest ($5::text[]) prefix WHERE starts_with (topic, prefix)))"
      " ORDER BY seq LIMIT $2::int4", s_event_row },
    //  The same without the scope filter, for scopes the query does not
    //  know (stream_replay.c): $4 the prefixes.
    { "stream_replay_scan",
      "SELECT seq, topic, coalesce (municipality, '') AS municipality, coalesce (sender_org, '') AS sender_org,"
      " coalesce (recipient_org, '') AS recipient_org, payload FROM kp.events"
      " WHERE seq > $1::int8 AND seq <= $3::int8"
      "   AND (cardinality ($4::text[]) = 0"
      "        OR EXISTS (SELECT 1 FROM unnest ($4::text[]) prefix WHERE starts_with (topic, prefix)))"
      " ORDER BY seq LIMIT $2::int4", s_event_row },
    { NULL }
};
