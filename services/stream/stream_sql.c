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
    { NULL }
};
