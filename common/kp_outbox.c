/*  kp_outbox — the writing side of the transactional outbox. */
#include "kp_outbox.h"
#include "kp_codec.h"
#include "kp_row.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>

static const kp_col_t s_seq_row [] = { { "seq", "int8" }, { NULL } };

const kp_stmt_t kp_outbox_statements [] = {
    { "kp_outbox_append",
      "SELECT kp.append_event ($1::text, $2::text, to_timestamp ($3::int8 / 1e6),"
      " $4::text, $5::text, $6::text, $7::bytea) AS seq", s_seq_row },
    { NULL }
};

int64_t
kp_now_us (void)
{
    struct timeval now;
    gettimeofday (&now, NULL);
    return (int64_t) now.tv_sec * 1000000 + now.tv_usec;
}

uint8_t *
kp_outbox_pack (Kumppani__V1__Event *event, size_t *size)
{
    if (event->occurred_at == 0)
        event->occurred_at = kp_now_us ();
    event->seq = 0;                 //  the relay sets it from the row
    return kp_codec_pack (&event->base, size);
}

int64_t
kp_outbox_append (kp_db_t *db, Kumppani__V1__Event *event, const kp_event_scope_t *scope)
{
    size_t size;
    uint8_t *payload = kp_outbox_pack (event, &size);
    if (!payload)
        return -1;
    char occurred [24];
    snprintf (occurred, sizeof occurred, "%" PRId64, event->occurred_at);
    const char *values [] = {
        event->topic, event->aggregate_id, occurred,
        scope ? scope->municipality : NULL, scope ? scope->sender_org : NULL,
        scope ? scope->recipient_org : NULL, (const char *) payload
    };
    const int lengths [] = { 0, 0, 0, 0, 0, 0, (int) size };
    const int formats [] = { 0, 0, 0, 0, 0, 0, 1 };
    PGresult *result = kp_db_exec_params (db, "kp_outbox_append", 7, values, lengths, formats);
    free (payload);
    if (!result)
        return -1;
    int64_t seq = kp_row_int (result, 0, KP_ROW_ONLY);
    PQclear (result);
    return seq;
}
