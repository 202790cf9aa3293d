/*  reporting_rebuild — RebuildRollups: in one transaction, holds the
    rollup consumer's cursor, folds every referral.* and groups.* event up
    to it into the 'rebuilt' copy with the consumer's own fold, compares
    each rollup table with the live copy, and then either drops the
    rebuilt rows or (replace) makes them the live ones. A difference means
    the live copy drifted: an event parked after retries, a row edited by
    hand, a fold that was not deterministic. Operators only.

    It runs on a worker thread with its own connection (KP_ROUTE_BACKGROUND),
    so it touches nothing but its call and call->db. While it holds the
    cursor the live consumer steps back (its lock is NOWAIT) instead of
    stalling the loop. A second rebuild meanwhile gets CONFLICT
    reporting.rebuild_running: two would only fold the same log twice. */
#include "reporting_handlers.h"
#include "reporting_rollup.h"
#include "reporting_sql.h"
#include "kp_codec.h"
#include "kp_db.h"
#include "kp_row.h"
#include "kp_server.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REBUILD_PAGE "500"

static const char *const s_tables [] = {
    "referral_notices", "referral_responses", "group_activities", "group_sessions", "group_session_topics",
    "group_session_staffing", "placement_days", "placement_flow", "group_feedback", NULL
};
#define REBUILD_TABLES (sizeof s_tables / sizeof s_tables [0] - 1)

//  Runs "rollup_<verb>_<table>" for every table.
static int
s_each_table (kp_db_t *db, const char *verb, const char *copy)
{
    for (int index = 0; s_tables [index]; index++) {
        char statement [64];
        snprintf (statement, sizeof statement, "rollup_%s_%s", verb, s_tables [index]);
        const char *values [] = { copy };
        PGresult *result = kp_db_exec (db, statement, copy ? 1 : 0, values);
        if (!result)
            return -1;
        PQclear (result);
    }
    return 0;
}

//  Folds one stored event; poison is passed over, as the consumer parks it.
static int
s_fold_stored (kp_db_t *db, const char *seq, const char *escaped, uint64_t *folded)
{
    size_t size = 0;
    unsigned char *payload = PQunescapeBytea ((const unsigned char *) escaped, &size);
    if (!payload)
        return -1;
    Kumppani__V1__Event *event;
    int decoded = kp_codec_event_decode (payload, size, &event, NULL);
    PQfreemem (payload);
    if (decoded)
        return 0;                       //  undecodable: the consumer never folded it either
    event->seq = strtoull (seq, NULL, 10);
    char error [256];
    int rc = reporting_rollup_fold (db, REPORTING_ROLLUP_REBUILT, event, error, sizeof error);
    kp_codec_event_free (&event);
    *folded += rc == 0;
    return rc == -1 ? -1 : 0;
}

//  Folds events (after, cursor] page by page.
static int
s_fold_all (kp_db_t *db, uint64_t cursor, uint64_t *folded)
{
    char after [24] = "0", upto [24];
    snprintf (upto, sizeof upto, "%" PRIu64, cursor);
    for (;;) {
        const char *values [] = { after, upto, REBUILD_PAGE };
        PGresult *page = kp_db_exec (db, "rollup_events_page", 3, values);
        if (!page)
            return -1;
        int rows = PQntuples (page);
        for (int row = 0; row < rows; row++)
            if (s_fold_stored (db, kp_row_text (page, row, EVENT_SEQ), kp_row_text (page, row, EVENT_PAYLOAD), folded)) {
                PQclear (page);
                return -1;
            }
        if (rows)
            snprintf (after, sizeof after, "%s", kp_row_text (page, rows - 1, EVENT_SEQ));
        PQclear (page);
        if (rows < atoi (REBUILD_PAGE))
            return 0;
    }
}

static int
s_compare (kp_call_t *call, Kumppani__V1__RollupCheck *check)
{
    check->tables = kp_call_alloc (call, sizeof (Kumppani__V1__RollupTableCheck *) * REBUILD_TABLES);
    for (int index = 0; s_tables [index]; index++) {
        char statement [64], name [64];
        snprintf (statement, sizeof statement, "rollup_compare_%s", s_tables [index]);
        snprintf (name, sizeof name, "reporting.%s", s_tables [index]);
        PGresult *result = kp_db_exec (call->db, statement, 0, NULL);
        if (!result)
            return -1;
        Kumppani__V1__RollupTableCheck *table = kp_call_alloc (call, sizeof *table);
        kumppani__v1__rollup_table_check__init (table);
        table->table = kp_call_strdup (call, name);
        table->rows_live = strtoull (kp_row_text (result, 0, COMPARE_LIVE), NULL, 10);
        table->rows_rebuilt = strtoull (kp_row_text (result, 0, COMPARE_REBUILT), NULL, 10);
        table->rows_differing = strtoull (kp_row_text (result, 0, COMPARE_DIFFERING), NULL, 10);
        PQclear (result);
        check->tables [check->n_tables++] = table;
    }
    return 0;
}

int
reporting_rebuild_run (kp_call_t *call)
{
    const Kumppani__V1__RebuildRollups *body = call->request->rebuild_rollups;
    if (call->request->actor->role != KUMPPANI__V1__ROLE__ROLE_OPERATOR)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, "reporting.forbidden", NULL,
                             "rollups are rebuilt by an operator");
    const char *consumer [] = { REPORTING_ROLLUP_CONSUMER };
    PGresult *result = kp_db_exec (call->db, "rollup_cursor_lock", 1, consumer);
    if (!result)
        return kp_call_db_fail (call);
    uint64_t cursor = PQntuples (result) ? strtoull (kp_row_text (result, 0, CURSOR_LAST_SEQ), NULL, 10) : 0;
    PQclear (result);

    Kumppani__V1__RollupCheck *check = kp_call_alloc (call, sizeof *check);
    kumppani__v1__rollup_check__init (check);
    check->cursor = cursor;
    if (s_each_table (call->db, "clear", REPORTING_ROLLUP_REBUILT)
    ||  s_fold_all (call->db, cursor, &check->events_folded)
    ||  s_compare (call, check))
        return kp_call_db_fail (call);
    if (body->replace) {
        if (s_each_table (call->db, "clear", REPORTING_ROLLUP_LIVE)
        ||  s_each_table (call->db, "promote", NULL))
            return kp_call_db_fail (call);
        check->replaced = true;
    }
    else
    if (s_each_table (call->db, "clear", REPORTING_ROLLUP_REBUILT))
        return kp_call_db_fail (call);
    if (kp_call_audit (call, NULL, NULL, NULL, body->replace ? "replace" : "compare"))
        return kp_call_db_fail (call);
    call->reply->body_case = KUMPPANI__V1__REPLY__BODY_ROLLUP_CHECK;
    call->reply->rollup_check = check;
    return 0;
}
