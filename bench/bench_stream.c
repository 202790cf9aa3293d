/*  bench_stream — stream fan-out: concurrent writers append events through
    kp.append_event (each its own connection and transactions of a batch,
    as a service writes), 50 subscribers read them through kp_subscriber
    (live DEALER + replay, what integrators use) with the operator's
    certificate. Each subscriber checks that it saw every seq the writers
    were given exactly once and in order; relay lag is receive time minus
    the event's occurred_at. Talks to a running system (`make up`); prints,
    never asserts.

    BENCH_STREAM_EVENTS (default 1000000), BENCH_STREAM_SUBSCRIBERS (50),
    BENCH_STREAM_WRITERS (4), BENCH_STREAM_BATCH (events per transaction,
    100), BENCH_STREAM_RATE (events per second in all, 0 = as fast as the
    writers can: then the lag measures the backlog of subscribers that
    cannot keep up; with a rate they can sustain, it measures the relay). */
#include "bench_samples.h"
#include "kp_codec.h"
#include "kp_config.h"
#include "kp_db.h"
#include "kp_outbox.h"
#include "kp_subscriber.h"

#include <czmq.h>

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BENCH_TOPIC "bench.fanout"
//  A subscriber that has heard nothing for this long after the writers
//  finished gives up: whatever it did not see by then counts as lost.
#define BENCH_IDLE_MS 20000

static const kp_stmt_t s_statements [] = {
    { "bench_append",
      "SELECT kp.append_event ('" BENCH_TOPIC "', $1::text, to_timestamp ($2::int8 / 1e6),"
      " NULL, NULL, NULL, $3::bytea)" },
    { "bench_head", "SELECT last_seq FROM kp.event_counter WHERE id = 1" },
    { NULL }
};

//  What writers and subscribers share.
typedef struct {
    const char *admin_conninfo;
    const kp_config_t *config;
    char *stream_cert;
    const char *client_cert;
    long events;                    //  to write, in all
    int writers, subscribers, batch;
    long rate;                      //  events/s in all, 0 = unlimited
    uint64_t head;                  //  last seq before the run
    uint8_t *written;               //  one byte per seq after head: 1 if a writer got it
    size_t room;                    //  bytes in written (seqs beyond are foreign)
    atomic_long appended;           //  events committed so far
    atomic_int writers_done;
    int64_t started_us;
} bench_t;

typedef struct {
    bench_t *bench;
    int index;
    long share;                     //  events this writer appends
    int64_t finished_us;
    bool failed;
} writer_t;

typedef struct {
    bench_t *bench;
    int index;
    uint8_t *seen;                  //  bitmap over seqs after head
    long received, duplicated, reordered, foreign, replays;
    bench_samples_t lags;           //  ms, a sample: every subscribers-th seq
    int64_t last_us;                //  when it received its last bench event
} subscriber_t;

static long
s_env_long (const char *name, long fallback)
{
    const char *value = getenv (name);
    long number = value && *value ? strtol (value, NULL, 10) : fallback;
    return number > 0 ? number : fallback;
}

static void *
s_writer (void *arg)
{
    writer_t *self = arg;
    bench_t *bench = self->bench;
    kp_db_t *db = kp_db_new (bench->admin_conninfo, 5000);
    if (!db || kp_db_register (db, s_statements)) {
        fprintf (stderr, "bench_stream: writer %d cannot connect\n", self->index);
        self->failed = true;
        kp_db_destroy (&db);
        atomic_fetch_add (&bench->writers_done, 1);
        return NULL;
    }
    int batch = bench->batch;
    const char **values = calloc ((size_t) batch * 3, sizeof (char *));
    int *lengths = calloc ((size_t) batch * 3, sizeof (int));
    char (*aggregates) [40] = calloc ((size_t) batch, 40);
    char (*occurred) [24] = calloc ((size_t) batch, 24);
    uint8_t **payloads = calloc ((size_t) batch, sizeof (uint8_t *));
    PGresult **results = calloc ((size_t) batch, sizeof (PGresult *));
    const int formats [] = { 0, 0, 1 };
    int64_t started_us = kp_now_us ();
    for (long done = 0; done < self->share && !self->failed; ) {
        if (bench->rate > 0) {
            //  Keep this writer's share of the rate: wait until it is due.
            double per_writer = (double) bench->rate / bench->writers;
            int64_t due_us = started_us + (int64_t) ((double) done * 1e6 / per_writer);
            int64_t early_us = due_us - kp_now_us ();
            if (early_us > 0)
                zclock_sleep ((int) (early_us / 1000));
        }
        int count = (int) (self->share - done < batch ? self->share - done : batch);
        for (int row = 0; row < count; row++) {
            Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
            snprintf (aggregates [row], 40, "bench-%d-%ld", self->index, done + row);
            event.topic = BENCH_TOPIC;
            event.aggregate_id = aggregates [row];
            event.occurred_at = kp_now_us ();
            size_t size = 0;
            payloads [row] = kp_codec_pack (&event.base, &size);
            snprintf (occurred [row], 24, "%" PRId64, event.occurred_at);
            values [row * 3] = aggregates [row];
            values [row * 3 + 1] = occurred [row];
            values [row * 3 + 2] = (const char *) payloads [row];
            lengths [row * 3 + 2] = (int) size;
        }
        bool committed = kp_db_begin (db) == 0
                      && kp_db_exec_pipelined (db, "bench_append", count, 3, values, lengths, formats,
                                               results) == 0;
        if (committed) {
            //  Only committed seqs count as written.
            uint64_t seqs [count];
            for (int row = 0; row < count; row++) {
                seqs [row] = strtoull (PQgetvalue (results [row], 0, 0), NULL, 10);
                PQclear (results [row]);
            }
            committed = kp_db_commit (db) == 0;
            for (int row = 0; committed && row < count; row++)
                if (seqs [row] > bench->head && seqs [row] - bench->head <= bench->room)
                    bench->written [seqs [row] - bench->head - 1] = 1;
        }
        else
            kp_db_rollback (db);
        for (int row = 0; row < count; row++)
            free (payloads [row]);
        if (!committed) {
            fprintf (stderr, "bench_stream: writer %d: %s\n", self->index, kp_db_message (db));
            self->failed = true;
        }
        else {
            done += count;
            atomic_fetch_add (&bench->appended, count);
        }
    }
    self->finished_us = kp_now_us ();
    free (values);
    free (lengths);
    free (aggregates);
    free (occurred);
    free (payloads);
    free (results);
    kp_db_destroy (&db);
    atomic_fetch_add (&bench->writers_done, 1);
    return NULL;
}

static void *
s_subscriber (void *arg)
{
    subscriber_t *self = arg;
    bench_t *bench = self->bench;
    const kp_config_t *config = bench->config;
    kp_subscriber_t *subscriber = kp_subscriber_new (
        config->endpoints [KP_SERVICE_STREAM], config->stream_pub_endpoint, bench->stream_cert,
        bench->client_cert, NULL, bench->head);
    if (!subscriber) {
        fprintf (stderr, "bench_stream: subscriber %d cannot connect\n", self->index);
        return NULL;
    }
    uint64_t last = bench->head;
    int64_t idle_since = 0;
    while (self->received < bench->events) {
        Kumppani__V1__Event *event = kp_subscriber_next (subscriber, 500);
        int64_t now = kp_now_us ();
        if (!event) {
            if (atomic_load (&bench->writers_done) < bench->writers)
                continue;
            if (!idle_since)
                idle_since = now;
            if (now - idle_since > BENCH_IDLE_MS * 1000LL)
                break;
            continue;
        }
        idle_since = 0;
        uint64_t seq = event->seq;
        bool ours = strcmp (event->topic, BENCH_TOPIC) == 0
                 && seq > bench->head && seq - bench->head <= bench->room;
        if (!ours)
            self->foreign++;
        else {
            size_t offset = (size_t) (seq - bench->head - 1);
            uint8_t bit = (uint8_t) (1u << (offset % 8));
            if (self->seen [offset / 8] & bit)
                self->duplicated++;
            else {
                self->seen [offset / 8] |= bit;
                self->received++;
                if (seq < last)
                    self->reordered++;
            }
            if (seq % (uint64_t) bench->subscribers == (uint64_t) self->index)
                bench_samples_add (&self->lags, (double) (now - event->occurred_at) / 1000.0);
            self->last_us = now;
        }
        if (seq > last)
            last = seq;
        kumppani__v1__event__free_unpacked (event, NULL);
    }
    self->replays = (long) kp_subscriber_replays (subscriber);
    kp_subscriber_destroy (&subscriber);
    return NULL;
}

static uint64_t
s_head (const char *conninfo)
{
    kp_db_t *db = kp_db_new (conninfo, 5000);
    PGresult *result = db && kp_db_register (db, s_statements) == 0
                     ? kp_db_exec (db, "bench_head", 0, NULL) : NULL;
    uint64_t head = result ? strtoull (PQgetvalue (result, 0, 0), NULL, 10) : UINT64_MAX;
    PQclear (result);
    kp_db_destroy (&db);
    return head;
}

int
main (int argc, char **argv)
{
    (void) argv;
    if (argc > 1) {
        fprintf (stderr, "usage: bench_stream (settings: BENCH_STREAM_EVENTS, _SUBSCRIBERS, _WRITERS, _BATCH)\n");
        return 2;
    }
    zsys_init ();
    bench_t bench = {
        .admin_conninfo = getenv ("KUMPPANI_DB_ADMIN_CONNINFO"),
        .client_cert = "var/certs/clients/operator.cert",
        .events = s_env_long ("BENCH_STREAM_EVENTS", 1000000),
        .subscribers = (int) s_env_long ("BENCH_STREAM_SUBSCRIBERS", 50),
        .writers = (int) s_env_long ("BENCH_STREAM_WRITERS", 4),
        .batch = (int) s_env_long ("BENCH_STREAM_BATCH", 100),
        .rate = getenv ("BENCH_STREAM_RATE") ? atol (getenv ("BENCH_STREAM_RATE")) : 0
    };
    kp_config_t *config = kp_config_load (NULL);
    if (!config || !bench.admin_conninfo) {
        fprintf (stderr, "bench_stream: no configuration (source var/kumppani.env)\n");
        return 1;
    }
    bench.config = config;
    bench.stream_cert = kp_config_service_cert_path (config, KP_SERVICE_STREAM);
    bench.head = s_head (bench.admin_conninfo);
    if (bench.head == UINT64_MAX) {
        fprintf (stderr, "bench_stream: cannot read the event counter\n");
        return 1;
    }
    //  Room for other services' events interleaving with ours.
    bench.room = (size_t) bench.events * 2 + 100000;
    bench.written = calloc (bench.room, 1);

    subscriber_t *subscribers = calloc ((size_t) bench.subscribers, sizeof (subscriber_t));
    pthread_t *subscriber_threads = calloc ((size_t) bench.subscribers, sizeof (pthread_t));
    for (int index = 0; index < bench.subscribers; index++) {
        subscribers [index] = (subscriber_t) { &bench, index, calloc (bench.room / 8 + 1, 1) };
        pthread_create (&subscriber_threads [index], NULL, s_subscriber, &subscribers [index]);
    }
    //  Let the subscriptions reach the relay; what they miss they replay.
    zclock_sleep (1000);

    writer_t *writers = calloc ((size_t) bench.writers, sizeof (writer_t));
    pthread_t *writer_threads = calloc ((size_t) bench.writers, sizeof (pthread_t));
    bench.started_us = kp_now_us ();
    for (int index = 0; index < bench.writers; index++) {
        long share = bench.events / bench.writers + (index < bench.events % bench.writers);
        writers [index] = (writer_t) { &bench, index, share };
        pthread_create (&writer_threads [index], NULL, s_writer, &writers [index]);
    }
    int64_t written_us = bench.started_us;
    for (int index = 0; index < bench.writers; index++) {
        pthread_join (writer_threads [index], NULL);
        if (writers [index].finished_us > written_us)
            written_us = writers [index].finished_us;
    }
    long appended = atomic_load (&bench.appended);
    long lost = 0, duplicated = 0, reordered = 0, foreign = 0, replays = 0;
    bench_samples_t lags = { 0 };
    int64_t delivered_us = written_us;
    for (int index = 0; index < bench.subscribers; index++) {
        subscriber_t *subscriber = &subscribers [index];
        pthread_join (subscriber_threads [index], NULL);
        //  Lost: seqs a writer committed that this subscriber never saw.
        for (size_t offset = 0; offset < bench.room; offset++)
            if (bench.written [offset] && !(subscriber->seen [offset / 8] & (1u << (offset % 8))))
                lost++;
        duplicated += subscriber->duplicated;
        reordered += subscriber->reordered;
        foreign += subscriber->foreign;
        replays += subscriber->replays;
        bench_samples_take (&lags, &subscriber->lags);
        free (subscriber->seen);
        if (subscriber->last_us > delivered_us)
            delivered_us = subscriber->last_us;
    }
    double p50 = bench_samples_percentile (&lags, 0.50), p99 = bench_samples_percentile (&lags, 0.99);
    double write_seconds = (double) (written_us - bench.started_us) / 1e6;
    double deliver_seconds = (double) (delivered_us - bench.started_us) / 1e6;
    printf ("BENCH stream subscribers=%d writers=%d rate=%ld events=%ld appended=%ld write_eps=%.0f"
            " delivered_eps=%.0f lost=%ld duplicated=%ld reordered=%ld lag_p50_ms=%.1f lag_p99_ms=%.1f"
            " replays=%ld other_events=%ld\n",
            bench.subscribers, bench.writers, bench.rate, bench.events, appended,
            write_seconds > 0 ? (double) appended / write_seconds : 0,
            deliver_seconds > 0 ? (double) appended / deliver_seconds : 0,
            lost, duplicated, reordered, p50, p99, replays, foreign);
    bench_samples_free (&lags);
    free (subscribers);
    free (subscriber_threads);
    free (writers);
    free (writer_threads);
    free (bench.written);
    free (bench.stream_cert);
    kp_config_destroy (&config);
    return appended == bench.events ? 0 : 1;
}
