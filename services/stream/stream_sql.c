/*  stream_sql — every statement the stream service prepares. */
#include "stream_server.h"

const kp_stmt_t stream_statements [] = {
    { "stream_after",
      "SELECT seq, topic, coalesce (municipality, ''), coalesce (sender_org, ''),"
      " coalesce (recipient_org, ''), payload FROM kp.events"
      " WHERE seq > $1::int8 ORDER BY seq LIMIT $2::int4" },
    { "stream_head", "SELECT last_seq FROM kp.event_counter WHERE id = 1" },
    { NULL }
};
