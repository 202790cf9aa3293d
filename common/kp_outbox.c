/*  kp_outbox — the writing side of the transactional outbox. */
#include "kp_outbox.h"
#include "kp_alloc.h"
#include "kp_batch.h"
#include "kp_clock.h"
#include "kp_codec.h"
#include "kp_row.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    return kp_clock_now_us ();
}

uint8_t *
kp_outbox_pack (Kumppani__V1__Event *event, size_t *size)
{
    if (event->occurred_at == 0)
        event->occurred_at = kp_now_us ();
    event->seq = 0;                 //  the relay sets it from the row
    return kp_codec_pack (&event->base, size);
}

#define S_PARAMS 7

int
kp_outbox_append_many (kp_db_t *db, Kumppani__V1__Event *const *events,
                       const kp_event_scope_t *scopes, size_t count)
{
    if (count == 0)
        return 0;
    if (kp_db_in_transaction (db)) {
        for (size_t index = 0; index < count; index++)
            if (kp_outbox_append (db, events [index], &scopes [index]) < 0)
                return -1;
        return 0;
    }
    const char **values = kp_calloc (count * S_PARAMS, sizeof *values);
    int *lengths = kp_calloc (count * S_PARAMS, sizeof *lengths);
    uint8_t **payloads = kp_calloc (count, sizeof *payloads);
    char (*occurred) [24] = kp_calloc (count, sizeof *occurred);
    PGresult **results = kp_calloc (count, sizeof *results);
    int rc = -1;
    size_t packed = 0;
    if (values && lengths && payloads && occurred && results) {
        for (; packed < count; packed++) {
            //  The running work's clock, as kp_outbox_append.
            if (events [packed]->occurred_at == 0)
                events [packed]->occurred_at = kp_db_now_us (db);
            events [packed]->imported = kp_db_imported (db);
            size_t size;
            payloads [packed] = kp_outbox_pack (events [packed], &size);
            if (!payloads [packed])
                break;
            snprintf (occurred [packed], sizeof occurred [packed], "%" PRId64, events [packed]->occurred_at);
            const char **row = values + packed * S_PARAMS;
            row [0] = events [packed]->topic;
            row [1] = events [packed]->aggregate_id;
            row [2] = occurred [packed];
            row [3] = scopes [packed].municipality;
            row [4] = scopes [packed].sender_org;
            row [5] = scopes [packed].recipient_org;
            row [6] = (const char *) payloads [packed];
            lengths [packed * S_PARAMS + 6] = (int) size;
        }
        static const int formats [S_PARAMS] = { 0, 0, 0, 0, 0, 0, 1 };
        if (packed == count)
            rc = kp_db_exec_pipelined (db, "kp_outbox_append", (int) count, S_PARAMS, values, lengths,
                                       formats, results);
        for (size_t index = 0; index < count; index++)
            PQclear (results [index]);
    }
    for (size_t index = 0; payloads && index < packed; index++)
        free (payloads [index]);
    free (values);
    free (lengths);
    free (payloads);
    free (occurred);
    free (results);
    return rc;
}

int64_t
kp_outbox_append (kp_db_t *db, Kumppani__V1__Event *event, const kp_event_scope_t *scope)
{
    //  The running work's clock: an imported record's original time, so
    //  the event folds into the reports of the day it happened.
    if (event->occurred_at == 0)
        event->occurred_at = kp_db_now_us (db);
    event->imported = kp_db_imported (db);
    size_t size;
    uint8_t *payload = kp_outbox_pack (event, &size);
    if (!payload)
        return -1;
    //  Inside a transaction the event waits for COMMIT (kp_batch): the
    //  counter is locked only from there, and the seq is assigned then.
    if (kp_db_in_transaction (db)) {
        int rc = kp_batch_event (db, event, scope, payload, size);
        free (payload);
        return rc;
    }
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
