/*  bench_report_events — the events behind the report benchmark's
    notices. bench/report_data.sql writes the rows the referral service
    would have written; this appends, for each history row, the
    referral.* event the service appends with it (topic, ReferralEvent and
    stream scope as referral_record_event builds them, occurred_at the
    history time) through kp.append_events, one statement per
    transaction of BENCH_REPORT_BATCH (1000), from BENCH_REPORT_WRITERS
    connections. A notice's
    events all come from one writer in history order, so each consumer
    sees them in the order they happened. Then it waits until the
    consumers of referral.* (reporting's rollups, intake's referrals) have
    passed the last one, so the reports read complete rollups and nothing
    folds while they are timed, and prints one line:

        BENCH report_fold clients=… added=… events=… append_eps=… fold_s=… fold_eps=… …

    By default (BENCH_REPORT_HOLD=1) the two consumers' cursor rows are
    held (FOR UPDATE) while the events are appended, so the consumers
    step back (their NOWAIT) and a whole backlog waits for them: fold_s
    then runs from the release to the rollup cursor passing the last
    event, the consumers' own catch-up rate, not the appenders'. With
    BENCH_REPORT_HOLD=0 it runs from the first append (appending and
    folding overlap, as in production; the figure before issue 23's
    folding work). added counts the notices this run made (FIRST to
    LAST), clients all of them.

        bench_report_events FIRST LAST     (client numbers, as report_data.sql) */
#include "kp_codec.h"
#include "kp_db.h"
#include "kp_enum.h"
#include "kp_outbox.h"
#include "kp_reply_vocab.h"

#include <czmq.h>

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BENCH_ROLLUP_CONSUMER "reporting.rollups"
#define BENCH_INTAKE_CONSUMER "intake.referrals"
//  Notices one writer reads and appends at a time.
#define BENCH_CHUNK 250
//  Columns of bench_history, in order.
enum {
    COL_REFERRAL, COL_TOPIC, COL_OCCURRED, COL_KIND, COL_STATE, COL_PREVIOUS, COL_MUNICIPALITY,
    COL_SENDER_ORG, COL_SENDER_TYPE, COL_RECIPIENT_ORG, COL_RECIPIENT_TYPE, COL_DEADLINE,
    COL_DEADLINE_KIND, COL_REASON, COL_URGENT
};
#define APPEND_PARAMS 7

static const kp_stmt_t s_statements [] = {
    //  The history of notices $1 to $2, in the order it happened, with the
    //  event topic of each operation (referral_fsm.c and referral_clock.c)
    //  and the deadline the event names: the clock's while it still ran.
    { "bench_history",
      "SELECT r.referral_id, t.topic, (extract (epoch FROM h.at) * 1000000)::int8, r.kind,"
      " h.to_state, h.from_state, r.municipality, r.sender_org, r.sender_type, r.recipient_org,"
      " r.recipient_type, coalesce (running.deadline, ''), coalesce (running.deadline_kind, ''),"
      " h.reason_code, r.urgent"
      " FROM generate_series ($1::int, $2::int) AS i"
      " JOIN referral.referrals r ON r.referral_id = 'benchr' || i"
      " JOIN referral.referral_history h ON h.referral_id = r.referral_id"
      " JOIN (VALUES ('referral.submit_referral', 'referral.received'),"
      "   ('referral.acknowledge_referral', 'referral.acknowledged'),"
      "   ('referral.decline_referral', 'referral.declined'),"
      "   ('intake.assessment_started', 'referral.status_changed'),"
      "   ('referral.deadline_warning', 'referral.deadline_warning'),"
      "   ('referral.deadline_breached', 'referral.deadline_breached')) AS t (operation, topic)"
      "   ON t.operation = h.operation"
      " LEFT JOIN LATERAL (SELECT r.deadline::text AS deadline, r.deadline_kind"
      "   WHERE r.deadline IS NOT NULL AND (r.clock_stopped_at IS NULL OR h.at < r.clock_stopped_at)) running"
      "   ON true"
      " ORDER BY i, h.at, h.entry_id" },
    //  A batch's events in one statement: seqs in array order.
    { "bench_append_events",
      "SELECT kp.append_events ($1::text[], $2::text[], $3::int8[], $4::text[], $5::text[], $6::text[],"
      " $7::bytea[]) AS last_seq" },
    { "bench_head", "SELECT last_seq FROM kp.event_counter WHERE id = 1" },
    { "bench_cursor", "SELECT last_seq FROM kp.consumer_cursors WHERE consumer = $1::text" },
    { "bench_hold",
      "SELECT count (*) FROM (SELECT 1 FROM kp.consumer_cursors WHERE consumer IN ($1::text, $2::text)"
      " FOR UPDATE) held" },
    { "bench_parked", "SELECT count (*) FROM kp.parked_events WHERE consumer = $1::text AND seq > $2::int8" },
    { NULL }
};

//  What the writers share.
typedef struct {
    const char *conninfo;
    long first, last;               //  client numbers
    int writers, batch;
} bench_t;

typedef struct {
    const bench_t *bench;
    int index;
    long appended;                  //  events committed
    int64_t last_seq;               //  the highest seq it was given
    bool failed;
} writer_t;

//  One row of bench_history as the event the referral service appends:
//  its packed bytes and kp.append_event's parameters into values/lengths.
static uint8_t *
s_pack (PGresult *rows, int row, const char **values, int *lengths, char *occurred)
{
    Kumppani__V1__ReferralEvent payload = KUMPPANI__V1__REFERRAL_EVENT__INIT;
    payload.referral_id = PQgetvalue (rows, row, COL_REFERRAL);
    payload.kind = kp_enum_value (&kumppani__v1__referral_kind__descriptor, PQgetvalue (rows, row, COL_KIND));
    payload.state = kp_enum_value (&kumppani__v1__referral_state__descriptor, PQgetvalue (rows, row, COL_STATE));
    payload.previous_state = kp_enum_value (&kumppani__v1__referral_state__descriptor,
                                            PQgetvalue (rows, row, COL_PREVIOUS));
    payload.municipality = PQgetvalue (rows, row, COL_MUNICIPALITY);
    payload.sender_org = PQgetvalue (rows, row, COL_SENDER_ORG);
    payload.sender_type = PQgetvalue (rows, row, COL_SENDER_TYPE);
    payload.recipient_org = PQgetvalue (rows, row, COL_RECIPIENT_ORG);
    payload.recipient_type = PQgetvalue (rows, row, COL_RECIPIENT_TYPE);
    payload.deadline = PQgetvalue (rows, row, COL_DEADLINE);
KP_LEGACY_FIELDS_BEGIN
    payload.deadline_kind = PQgetvalue (rows, row, COL_DEADLINE_KIND);
KP_LEGACY_FIELDS_END
    payload.deadline_kind_enum = kp_enum_value (&kumppani__v1__deadline_kind__descriptor,
                                                PQgetvalue (rows, row, COL_DEADLINE_KIND));
    payload.reason_code = PQgetvalue (rows, row, COL_REASON);
    payload.urgent = *PQgetvalue (rows, row, COL_URGENT) == 't';
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.topic = PQgetvalue (rows, row, COL_TOPIC);
    event.aggregate_id = payload.referral_id;
    event.occurred_at = strtoll (PQgetvalue (rows, row, COL_OCCURRED), NULL, 10);
    event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_REFERRAL;
    event.referral = &payload;
    size_t size = 0;
    uint8_t *packed = kp_outbox_pack (&event, &size);
    snprintf (occurred, 24, "%" PRId64, event.occurred_at);
    //  The scope referral_record_event gives: Kela sees its own referrals' events.
    const char *params [APPEND_PARAMS] = {
        event.topic, event.aggregate_id, occurred, payload.municipality, payload.sender_org,
        payload.recipient_org, (const char *) packed
    };
    for (int param = 0; param < APPEND_PARAMS; param++) {
        values [param] = params [param];
        lengths [param] = param == APPEND_PARAMS - 1 ? (int) size : 0;
    }
    return packed;
}

//  One array literal element, quoted (text) or as bytea's hex (payload).
static void
s_element (zchunk_t *array, const char *text, int length, bool binary)
{
    zchunk_extend (array, zchunk_size (array) ? ",\"" : "{\"", 2);
    if (binary) {
        static const char hex [] = "0123456789abcdef";
        zchunk_extend (array, "\\\\x", 3);
        for (int index = 0; index < length; index++) {
            unsigned char byte = (unsigned char) text [index];
            char pair [2] = { hex [byte >> 4], hex [byte & 15] };
            zchunk_extend (array, pair, 2);
        }
    }
    else
        for (const char *at = text; *at; at++) {
            if (*at == '"' || *at == '\\')
                zchunk_extend (array, "\\", 1);
            zchunk_extend (array, at, 1);
        }
    zchunk_extend (array, "\"", 1);
}

//  Appends rows [first, first + count) of a chunk in one transaction, in
//  one statement (kp.append_events, as a service's batch writes them).
static int
s_append (writer_t *self, kp_db_t *db, PGresult *rows, int first, int count)
{
    const char *values [APPEND_PARAMS];
    int lengths [APPEND_PARAMS];
    char occurred [24];
    zchunk_t *arrays [APPEND_PARAMS];
    for (int param = 0; param < APPEND_PARAMS; param++)
        arrays [param] = zchunk_new (NULL, (size_t) count * (param == APPEND_PARAMS - 1 ? 600 : 40));
    int rc = -1;
    for (int row = 0; row < count; row++) {
        uint8_t *packed = s_pack (rows, first + row, values, lengths, occurred);
        if (!packed)
            goto cleanup;
        for (int param = 0; param < APPEND_PARAMS; param++)
            s_element (arrays [param], values [param], lengths [param], param == APPEND_PARAMS - 1);
        free (packed);
    }
    const char *array_values [APPEND_PARAMS];
    for (int param = 0; param < APPEND_PARAMS; param++) {
        zchunk_extend (arrays [param], "}", 2);         //  with its NUL
        array_values [param] = (const char *) zchunk_data (arrays [param]);
    }
    int64_t last_seq = 0;
    if (kp_db_begin (db)
    ||  kp_db_int64 (db, "bench_append_events", APPEND_PARAMS, array_values, &last_seq) != 1
    ||  kp_db_commit (db)) {
        kp_db_rollback (db);
        goto cleanup;
    }
    self->appended += count;
    self->last_seq = last_seq > self->last_seq ? last_seq : self->last_seq;
    rc = 0;
cleanup:
    for (int param = 0; param < APPEND_PARAMS; param++)
        zchunk_destroy (&arrays [param]);
    return rc;
}

//  Writer index takes every writers-th chunk of notices.
static void *
s_writer (void *arg)
{
    writer_t *self = arg;
    const bench_t *bench = self->bench;
    kp_db_t *db = kp_db_new (bench->conninfo, 5000);
    if (!db || kp_db_register (db, s_statements) || kp_db_register (db, kp_outbox_statements)) {
        self->failed = true;
        kp_db_destroy (&db);
        return NULL;
    }
    for (long from = bench->first + (long) self->index * BENCH_CHUNK; from <= bench->last && !self->failed;
         from += (long) bench->writers * BENCH_CHUNK) {
        long to = from + BENCH_CHUNK - 1 < bench->last ? from + BENCH_CHUNK - 1 : bench->last;
        char from_text [24], to_text [24];
        snprintf (from_text, sizeof from_text, "%ld", from);
        snprintf (to_text, sizeof to_text, "%ld", to);
        const char *range [] = { from_text, to_text };
        PGresult *rows = kp_db_exec (db, "bench_history", 2, range);
        int count = rows ? PQntuples (rows) : 0;
        self->failed = !rows;
        for (int first = 0; first < count && !self->failed; first += bench->batch)
            self->failed = s_append (self, db, rows, first,
                                     count - first < bench->batch ? count - first : bench->batch) != 0;
        PQclear (rows);
    }
    if (self->failed)
        fprintf (stderr, "bench_report_events: writer %d: %s\n", self->index, kp_db_message (db));
    kp_db_destroy (&db);
    return NULL;
}

static int64_t
s_scalar (kp_db_t *db, const char *statement, int count, const char *const *values)
{
    PGresult *result = kp_db_exec (db, statement, count, values);
    int64_t value = result && PQntuples (result) ? strtoll (PQgetvalue (result, 0, 0), NULL, 10) : -1;
    PQclear (result);
    return value;
}

//  Waits (bounded) until consumer's cursor reaches seq; the time it did,
//  or -1 if it did not within timeout_s.
static int64_t
s_wait_cursor (kp_db_t *db, const char *consumer, int64_t seq, long timeout_s)
{
    const char *values [] = { consumer };
    int64_t give_up = zclock_mono () + timeout_s * 1000;
    while (zclock_mono () < give_up) {
        if (s_scalar (db, "bench_cursor", 1, values) >= seq)
            return kp_now_us ();
        zclock_sleep (50);
    }
    return -1;
}

static long
s_env_long (const char *name, long fallback)
{
    const char *value = getenv (name);
    long number = value && *value ? strtol (value, NULL, 10) : fallback;
    return number > 0 ? number : fallback;
}

int
main (int argc, char **argv)
{
    bench_t bench = {
        .conninfo = getenv ("KUMPPANI_DB_ADMIN_CONNINFO"),
        .first = argc == 3 ? atol (argv [1]) : 0,
        .last = argc == 3 ? atol (argv [2]) : 0,
        .writers = (int) s_env_long ("BENCH_REPORT_WRITERS", 4),
        .batch = (int) s_env_long ("BENCH_REPORT_BATCH", 1000)
    };
    long timeout_s = s_env_long ("BENCH_REPORT_FOLD_TIMEOUT", 7200);
    if (argc != 3 || bench.first < 1 || bench.last < bench.first || !bench.conninfo) {
        fprintf (stderr, "usage: bench_report_events FIRST LAST (with var/kumppani.env sourced)\n");
        return 2;
    }
    zsys_init ();
    kp_db_t *db = kp_db_new (bench.conninfo, 5000);
    if (!db || kp_db_register (db, s_statements)) {
        fprintf (stderr, "bench_report_events: cannot reach the database\n");
        return 1;
    }
    int64_t head = s_scalar (db, "bench_head", 0, NULL);
    const char *hold_setting = getenv ("BENCH_REPORT_HOLD");
    bool hold = !(hold_setting && strcmp (hold_setting, "0") == 0);
    const char *held [] = { BENCH_ROLLUP_CONSUMER, BENCH_INTAKE_CONSUMER };
    if (hold && (kp_db_begin (db) || s_scalar (db, "bench_hold", 2, held) != 2)) {
        fprintf (stderr, "bench_report_events: cannot hold the consumers' cursors: %s\n", kp_db_message (db));
        return 1;
    }
    writer_t writers [bench.writers];
    pthread_t threads [bench.writers];
    int64_t started_us = kp_now_us ();
    for (int index = 0; index < bench.writers; index++) {
        writers [index] = (writer_t) { .bench = &bench, .index = index };
        pthread_create (&threads [index], NULL, s_writer, &writers [index]);
    }
    long appended = 0;
    int64_t last_seq = head;
    bool failed = false;
    for (int index = 0; index < bench.writers; index++) {
        pthread_join (threads [index], NULL);
        appended += writers [index].appended;
        last_seq = writers [index].last_seq > last_seq ? writers [index].last_seq : last_seq;
        failed |= writers [index].failed;
    }
    int64_t appended_us = kp_now_us ();
    if (hold && kp_db_commit (db)) {
        fprintf (stderr, "bench_report_events: cannot release the consumers' cursors: %s\n", kp_db_message (db));
        return 1;
    }
    int64_t released_us = hold ? kp_now_us () : started_us;
    int64_t folded_us = s_wait_cursor (db, BENCH_ROLLUP_CONSUMER, last_seq, timeout_s);
    int64_t intake_us = folded_us < 0 ? -1 : s_wait_cursor (db, BENCH_INTAKE_CONSUMER, last_seq, timeout_s);
    char head_text [24];
    snprintf (head_text, sizeof head_text, "%" PRId64, head);
    const char *rollup_parked [] = { BENCH_ROLLUP_CONSUMER, head_text };
    const char *intake_parked [] = { BENCH_INTAKE_CONSUMER, head_text };
    int64_t parked = s_scalar (db, "bench_parked", 2, rollup_parked) + s_scalar (db, "bench_parked", 2, intake_parked);
    double append_s = (double) (appended_us - started_us) / 1e6;
    double fold_s = folded_us < 0 ? -1 : (double) (folded_us - released_us) / 1e6;
    double intake_s = intake_us < 0 ? -1 : (double) (intake_us - released_us) / 1e6;
    double load [1] = { 0 };
    FILE *loadavg = fopen ("/proc/loadavg", "r");
    if (loadavg && fscanf (loadavg, "%lf", &load [0]) != 1)
        load [0] = 0;
    if (loadavg)
        fclose (loadavg);
    printf ("BENCH report_fold clients=%ld added=%ld events=%ld writers=%d held=%s append_s=%.1f append_eps=%.0f"
            " fold_s=%.2f fold_eps=%.0f intake_s=%.2f fold_vs_append=%.2f parked=%" PRId64 " load=%.1f\n",
            bench.last, bench.last - bench.first + 1, appended, bench.writers, hold ? "yes" : "no", append_s,
            append_s > 0 ? (double) appended / append_s : 0, fold_s,
            fold_s > 0 ? (double) appended / fold_s : 0, intake_s,
            fold_s > 0 && append_s > 0 ? append_s / fold_s : 0, parked, load [0]);
    if (folded_us < 0 || intake_us < 0)
        fprintf (stderr, "bench_report_events: the consumers did not reach seq %" PRId64 " in %ld s\n",
                 last_seq, timeout_s);
    kp_db_destroy (&db);
    return failed || folded_us < 0 || intake_us < 0 || parked ? 1 : 0;
}
