/*  bench_stream — stream fan-out and the relay's lag. Writers append
    events through kp.append_events, the outbox function the services'
    group commit calls (one call and one COMMIT per batch, each writer its
    own connection), directly, not through a service. Subscribers read
    them through kp_subscriber (live DEALER + replay, what integrators
    use), each with its own certificate from BENCH_STREAM_CERTS (run.sh
    makes and registers them: operators, a county, municipalities and
    integrators of 743, NGOs), so every send is entitled per connection as
    in production. Events are addressed as a service's are: most to
    municipality 743, every tenth to 091, each to one of the NGOs.

    Each subscriber checks that it received every committed event its
    certificate entitles it to exactly once and in seq order, and nothing
    else (leaked). Lag: the subscriber's receipt time minus the moment the
    writer's COMMIT returned (the commit as the writer knows it; the relay
    can only read a row after that commit, so a slightly negative lag just
    means the relay was quicker than the reply to the writer). Talks to a
    running system (`make up`); prints, never asserts.

    BENCH_STREAM_EVENTS (1000000), BENCH_STREAM_SUBSCRIBERS (50),
    BENCH_STREAM_WRITERS (4), BENCH_STREAM_BATCH (events per transaction,
    100), BENCH_STREAM_RATE (events per second in all, 0 = as fast as the
    writers can: then the lag is the backlog of subscribers that cannot
    keep up; at a rate they can sustain, it is the relay's own),
    BENCH_STREAM_CERTS (var/certs/bench; missing: every subscriber uses
    the operator's certificate and sees everything). */
#include "bench_samples.h"
#include "kp_codec.h"
#include "kp_config.h"
#include "kp_db.h"
#include "kp_outbox.h"
#include "kp_subscriber.h"

#include <czmq.h>

#include <dirent.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BENCH_TOPIC "bench.fanout"
//  A subscriber that has heard nothing for this long after the writers
//  finished gives up: whatever it did not see by then counts as lost.
#define BENCH_IDLE_MS 20000
//  NGOs the events are addressed to, in turn (run.sh makes as many).
#define BENCH_NGOS 10
//  Receipt times kept per subscriber: every stride-th seq, so that all
//  subscribers' together stay within this many bytes.
#define BENCH_RECEIPTS_MAX (256u << 20)

static const kp_stmt_t s_statements [] = {
    { "bench_append",
      "SELECT kp.append_events ($1::text[], $2::text[], $3::int8[], $4::text[], $5::text[],"
      " $6::text[], $7::bytea[])" },
    { "bench_head", "SELECT last_seq FROM kp.event_counter WHERE id = 1" },
    { NULL }
};

//  What an event is addressed to, kept per seq: municipality 091 or 743,
//  and which NGO is its recipient. 0 = not one of ours.
#define ADDRESS_091     0x80
#define ADDRESS_NGO     0x7F

typedef enum { SEES_ALL, SEES_743, SEES_NGO } sees_t;

//  What writers and subscribers share.
typedef struct {
    const char *admin_conninfo;
    const kp_config_t *config;
    char *stream_cert;
    long events;                    //  to write, in all
    int writers, subscribers, batch;
    long rate;                      //  events/s in all, 0 = unlimited
    uint64_t head;                  //  last seq before the run
    _Atomic uint8_t *written;       //  per seq after head: 1 + address, if a writer committed it
    _Atomic int64_t *committed_us;  //  per seq after head: when its COMMIT returned
    size_t room;                    //  seqs tracked (beyond: foreign)
    size_t stride;                  //  receipt times kept for every stride-th seq
    atomic_long appended;           //  events committed so far
    atomic_int writers_done;
    int64_t started_us;
    bench_samples_t commits;        //  COMMIT round trips, ms (writers', joined after)
    bool own_certs;
} bench_t;

typedef struct {
    bench_t *bench;
    int index;
    long share;                     //  events this writer appends
    int64_t finished_us;
    bool failed;
    bench_samples_t commits;
} writer_t;

typedef struct {
    bench_t *bench;
    int index;
    char cert [512];
    char org [64];
    sees_t sees;
    int ngo;                        //  SEES_NGO: which one
    uint8_t *seen;                  //  bitmap over seqs after head
    uint32_t *receipts;             //  per stride-th seq: µs after started_us + 1, 0 = none
    long received, duplicated, reordered, foreign, replays;
    int64_t last_us;                //  when it received its last bench event
} subscriber_t;

static long
s_env_long (const char *name, long fallback)
{
    const char *value = getenv (name);
    long number = value && *value ? strtol (value, NULL, 10) : fallback;
    return number > 0 ? number : fallback;
}

static bool
s_entitled (const subscriber_t *self, uint8_t address)
{
    if (self->sees == SEES_ALL)
        return true;
    if (self->sees == SEES_743)
        return !(address & ADDRESS_091);
    return ((address & ADDRESS_NGO) - 1) == self->ngo;
}

//  Appends one double-quoted element to a text array literal being built
//  at *cursor (just after its '{' or a previous element).
static void
s_element (char **cursor, const char *text)
{
    char *at = *cursor;
    if (at [-1] != '{')
        *at++ = ',';
    *at++ = '"';
    size_t len = strlen (text);
    memcpy (at, text, len);
    at += len;
    *at++ = '"';
    *cursor = at;
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
    //  Seven array literals, each element at most ~300 bytes (the payload in hex).
    size_t room = (size_t) batch * 320 + 16;
    char *arrays [7];
    for (int index = 0; index < 7; index++)
        arrays [index] = malloc (room);
    uint8_t *addresses = calloc ((size_t) batch, 1);
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
        char *cursors [7];
        for (int index = 0; index < 7; index++) {
            cursors [index] = arrays [index];
            *cursors [index]++ = '{';
        }
        for (int row = 0; row < count; row++) {
            long number = (done + row) * bench->writers + self->index;
            char aggregate [40], occurred [24], ngo [32], hex [300];
            snprintf (aggregate, sizeof aggregate, "bench-%d-%ld", self->index, done + row);
            Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
            event.topic = BENCH_TOPIC;
            event.aggregate_id = aggregate;
            event.occurred_at = kp_now_us ();
            size_t size = 0;
            uint8_t *payload = kp_codec_pack (&event.base, &size);
            snprintf (hex, sizeof hex, "\\\\x");
            for (size_t at = 0; payload && at < size && at < 140; at++)
                snprintf (hex + 3 + at * 2, 3, "%02x", payload [at]);
            free (payload);
            snprintf (occurred, sizeof occurred, "%" PRId64, event.occurred_at);
            int which = (int) (number % BENCH_NGOS);
            snprintf (ngo, sizeof ngo, "bench-ngo-%02d", which);
            bool helsinki = number % 10 == 9;
            addresses [row] = (uint8_t) ((helsinki ? ADDRESS_091 : 0) | (which + 1));
            s_element (&cursors [0], BENCH_TOPIC);
            s_element (&cursors [1], aggregate);
            s_element (&cursors [2], occurred);
            s_element (&cursors [3], helsinki ? "091" : "743");
            s_element (&cursors [4], "kela");
            s_element (&cursors [5], ngo);
            s_element (&cursors [6], hex);
        }
        const char *values [7];
        for (int index = 0; index < 7; index++) {
            *cursors [index]++ = '}';
            *cursors [index] = 0;
            values [index] = arrays [index];
        }
        PGresult *result = NULL;
        bool committed = kp_db_begin (db) == 0
                      && (result = kp_db_exec (db, "bench_append", 7, values)) != NULL;
        uint64_t last = result ? strtoull (PQgetvalue (result, 0, 0), NULL, 10) : 0;
        PQclear (result);
        int64_t commit_us = kp_now_us ();
        if (committed)
            committed = kp_db_commit (db) == 0;
        else
            kp_db_rollback (db);
        if (committed) {
            //  Only committed seqs count as written.
            int64_t now = kp_now_us ();
            bench_samples_add (&self->commits, (double) (now - commit_us) / 1000.0);
            for (int row = 0; row < count; row++) {
                uint64_t seq = last - (uint64_t) count + 1 + (uint64_t) row;
                if (seq > bench->head && seq - bench->head <= bench->room) {
                    atomic_store (&bench->committed_us [seq - bench->head - 1], now);
                    atomic_store (&bench->written [seq - bench->head - 1], (uint8_t) (1 + addresses [row]));
                }
            }
            done += count;
            atomic_fetch_add (&bench->appended, count);
        }
        else {
            fprintf (stderr, "bench_stream: writer %d: %s\n", self->index, kp_db_message (db));
            self->failed = true;
        }
    }
    self->finished_us = kp_now_us ();
    for (int index = 0; index < 7; index++)
        free (arrays [index]);
    free (addresses);
    kp_db_destroy (&db);
    atomic_fetch_add (&bench->writers_done, 1);
    return NULL;
}

//  Whether the writers are done and every event self is entitled to is
//  here; what it is entitled to is counted once, after the last commit.
static bool
s_all_here (subscriber_t *self, long *expected)
{
    bench_t *bench = self->bench;
    if (*expected < 0 && atomic_load (&bench->writers_done) == bench->writers) {
        *expected = 0;
        for (size_t offset = 0; offset < bench->room; offset++) {
            uint8_t written = atomic_load (&bench->written [offset]);
            *expected += written && s_entitled (self, (uint8_t) (written - 1));
        }
    }
    return *expected >= 0 && self->received >= *expected;
}

static void *
s_subscriber (void *arg)
{
    subscriber_t *self = arg;
    bench_t *bench = self->bench;
    const kp_config_t *config = bench->config;
    const char *prefixes [] = { BENCH_TOPIC, NULL };
    kp_subscriber_t *subscriber = kp_subscriber_new (
        config->endpoints [KP_SERVICE_STREAM], config->stream_pub_endpoint, bench->stream_cert,
        self->cert, prefixes, bench->head);
    if (!subscriber) {
        fprintf (stderr, "bench_stream: subscriber %d cannot connect\n", self->index);
        return NULL;
    }
    uint64_t last = bench->head;
    int64_t idle_since = 0;
    long expected = -1;
    while (true) {
        Kumppani__V1__Event *event = kp_subscriber_next (subscriber, 500);
        int64_t now = kp_now_us ();
        if (!event) {
            if (atomic_load (&bench->writers_done) < bench->writers)
                continue;
            if (s_all_here (self, &expected))
                break;
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
            if (offset % bench->stride == 0)
                self->receipts [offset / bench->stride] = (uint32_t) (now - bench->started_us + 1);
            self->last_us = now;
        }
        if (seq > last)
            last = seq;
        kumppani__v1__event__free_unpacked (event, NULL);
        if (s_all_here (self, &expected))
            break;
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

//  CPU seconds (user + system) a process has used so far, from
//  /proc/PID/stat; -1 if it cannot be read.
static double
s_cpu_seconds (const char *pid)
{
    char path [64];
    snprintf (path, sizeof path, "/proc/%s/stat", pid ? pid : "self");
    FILE *file = fopen (path, "r");
    if (!file)
        return -1;
    char line [1024];
    size_t size = fread (line, 1, sizeof line - 1, file);
    fclose (file);
    line [size] = 0;
    //  The fields after the command name (which may hold spaces): state is
    //  the 3rd, utime and stime the 14th and 15th.
    const char *at = strrchr (line, ')');
    unsigned long user = 0, system = 0;
    if (!at || sscanf (at + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &user, &system) != 2)
        return -1;
    return (double) (user + system) / (double) sysconf (_SC_CLK_TCK);
}

//  The one-minute load average, for the record.
static double
s_load (void)
{
    double load = -1;
    FILE *file = fopen ("/proc/loadavg", "r");
    if (file && fscanf (file, "%lf", &load) != 1)
        load = -1;
    if (file)
        fclose (file);
    return load;
}

static int
s_name_compare (const void *a, const void *b)
{
    return strcmp (*(char *const *) a, *(char *const *) b);
}

//  The subscribers' certificates: every *.cert in dir, in name order,
//  each subscriber its own. What a certificate entitles to is read off
//  its metadata (org_type, municipality), as the relay reads it.
static int
s_certificates (bench_t *bench, subscriber_t *subscribers, const char *dir)
{
    DIR *listing = dir ? opendir (dir) : NULL;
    char *names [512];
    int count = 0;
    for (struct dirent *entry; listing && (entry = readdir (listing)) && count < 512; ) {
        size_t len = strlen (entry->d_name);
        if (len > 5 && strcmp (entry->d_name + len - 5, ".cert") == 0)
            names [count++] = strdup (entry->d_name);
    }
    if (listing)
        closedir (listing);
    qsort (names, (size_t) count, sizeof names [0], s_name_compare);
    int used = 0;
    for (int index = 0; index < bench->subscribers; index++) {
        subscriber_t *subscriber = &subscribers [index];
        if (index < count) {
            snprintf (subscriber->cert, sizeof subscriber->cert, "%s/%s", dir, names [index]);
            zcert_t *cert = zcert_load (subscriber->cert);
            const char *type = cert ? zcert_meta (cert, "org_type") : NULL;
            const char *org = cert ? zcert_meta (cert, "org_id") : NULL;
            snprintf (subscriber->org, sizeof subscriber->org, "%s", org ? org : "?");
            if (type && (strcmp (type, "operator") == 0 || strcmp (type, "county") == 0))
                subscriber->sees = SEES_ALL;    //  the county run.sh makes is EP: 743; see below
            else if (type && (strcmp (type, "municipality") == 0 || strcmp (type, "integrator") == 0))
                subscriber->sees = SEES_743;
            else {
                subscriber->sees = SEES_NGO;
                subscriber->ngo = org && strlen (org) > 2 ? atoi (org + strlen (org) - 2) : 0;
            }
            //  A county sees its organised municipalities' events: EP
            //  organises 743, not 091 (Helsinki organises its own).
            const char *county = cert ? zcert_meta (cert, "county") : NULL;
            if (type && strcmp (type, "county") == 0)
                subscriber->sees = county && strcmp (county, "EP") == 0 ? SEES_743 : SEES_NGO;
            zcert_destroy (&cert);
            used++;
        }
        else {
            snprintf (subscriber->cert, sizeof subscriber->cert, "var/certs/clients/operator.cert");
            snprintf (subscriber->org, sizeof subscriber->org, "operator");
            subscriber->sees = SEES_ALL;
        }
    }
    for (int index = 0; index < count; index++)
        free (names [index]);
    return used;
}

int
main (int argc, char **argv)
{
    (void) argv;
    if (argc > 1) {
        fprintf (stderr, "usage: bench_stream (settings: BENCH_STREAM_EVENTS, _SUBSCRIBERS, _WRITERS,"
                         " _BATCH, _RATE, _CERTS)\n");
        return 2;
    }
    //  Fifty CURVE connections' decryption is this process's work, not
    //  the relay's: let it use both cores.
    zsys_set_io_threads (2);
    zsys_init ();
    bench_t bench = {
        .admin_conninfo = getenv ("KUMPPANI_DB_ADMIN_CONNINFO"),
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
    bench.committed_us = calloc (bench.room, sizeof (int64_t));
    bench.stride = 1;
    while (bench.room / bench.stride * sizeof (uint32_t) * (size_t) bench.subscribers > BENCH_RECEIPTS_MAX)
        bench.stride++;

    subscriber_t *subscribers = calloc ((size_t) bench.subscribers, sizeof (subscriber_t));
    const char *cert_dir = getenv ("BENCH_STREAM_CERTS") ? getenv ("BENCH_STREAM_CERTS") : "var/certs/bench";
    int own = s_certificates (&bench, subscribers, cert_dir);
    pthread_t *subscriber_threads = calloc ((size_t) bench.subscribers, sizeof (pthread_t));
    for (int index = 0; index < bench.subscribers; index++) {
        subscribers [index].bench = &bench;
        subscribers [index].index = index;
        subscribers [index].seen = calloc (bench.room / 8 + 1, 1);
        subscribers [index].receipts = calloc (bench.room / bench.stride + 1, sizeof (uint32_t));
        pthread_create (&subscriber_threads [index], NULL, s_subscriber, &subscribers [index]);
    }
    //  Let the subscriptions reach the relay; what they miss they replay.
    zclock_sleep (2000);

    writer_t *writers = calloc ((size_t) bench.writers, sizeof (writer_t));
    pthread_t *writer_threads = calloc ((size_t) bench.writers, sizeof (pthread_t));
    const char *relay_pid = getenv ("BENCH_STREAM_PID");
    double relay_cpu = relay_pid ? s_cpu_seconds (relay_pid) : -1, own_cpu = s_cpu_seconds (NULL);
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
        bench_samples_take (&bench.commits, &writers [index].commits);
    }
    long appended = atomic_load (&bench.appended);
    long lost = 0, duplicated = 0, reordered = 0, leaked = 0, foreign = 0, replays = 0, deliveries = 0;
    bench_samples_t lags = { 0 };
    int64_t delivered_us = written_us;
    for (int index = 0; index < bench.subscribers; index++) {
        subscriber_t *subscriber = &subscribers [index];
        pthread_join (subscriber_threads [index], NULL);
        for (size_t offset = 0; offset < bench.room; offset++) {
            uint8_t written = atomic_load (&bench.written [offset]);
            bool seen = subscriber->seen [offset / 8] & (1u << (offset % 8));
            if (!written)
                continue;
            bool entitled = s_entitled (subscriber, (uint8_t) (written - 1));
            //  Lost: a committed event it was entitled to and never got;
            //  leaked: one it got and was not entitled to.
            if (entitled && !seen)
                lost++;
            if (!entitled && seen)
                leaked++;
            if (entitled && seen && offset % bench.stride == 0 && subscriber->receipts [offset / bench.stride]) {
                int64_t received_us = bench.started_us + subscriber->receipts [offset / bench.stride] - 1;
                bench_samples_add (&lags, (double) (received_us - atomic_load (&bench.committed_us [offset]))
                                          / 1000.0);
            }
        }
        deliveries += subscriber->received;
        duplicated += subscriber->duplicated;
        reordered += subscriber->reordered;
        foreign += subscriber->foreign;
        replays += subscriber->replays;
        free (subscriber->seen);
        free (subscriber->receipts);
        if (subscriber->last_us > delivered_us)
            delivered_us = subscriber->last_us;
    }
    //  CPU per message delivered, the relay's (the whole stream process)
    //  and this process's (50 subscribers and the writers): what bounds
    //  the figure on a machine that has no core to spare.
    double relay_us = relay_cpu >= 0 && deliveries ? (s_cpu_seconds (relay_pid) - relay_cpu) * 1e6 / (double) deliveries : -1;
    double own_us = deliveries ? (s_cpu_seconds (NULL) - own_cpu) * 1e6 / (double) deliveries : -1;
    double p50 = bench_samples_percentile (&lags, 0.50), p99 = bench_samples_percentile (&lags, 0.99);
    double max = bench_samples_percentile (&lags, 1.0);
    double commit_p99 = bench_samples_percentile (&bench.commits, 0.99);
    double write_seconds = (double) (written_us - bench.started_us) / 1e6;
    double deliver_seconds = (double) (delivered_us - bench.started_us) / 1e6;
    printf ("BENCH stream subscribers=%d certs=%s writers=%d batch=%d rate=%ld events=%ld appended=%ld"
            " write_eps=%.0f delivered_eps=%.0f deliveries=%ld lost=%ld duplicated=%ld reordered=%ld leaked=%ld"
            " lag_p50_ms=%.1f lag_p99_ms=%.1f lag_max_ms=%.1f commit_p99_ms=%.1f replays=%ld other_events=%ld"
            " relay_cpu_us_per_msg=%.2f bench_cpu_us_per_msg=%.2f load=%.1f\n",
            bench.subscribers, own == bench.subscribers ? "own" : own ? "some_own" : "operator",
            bench.writers, bench.batch, bench.rate, bench.events, appended,
            write_seconds > 0 ? (double) appended / write_seconds : 0,
            deliver_seconds > 0 ? (double) appended / deliver_seconds : 0,
            deliveries, lost, duplicated, reordered, leaked, p50, p99, max, commit_p99, replays, foreign,
            relay_us, own_us, s_load ());
    bench_samples_free (&lags);
    bench_samples_free (&bench.commits);
    free (subscribers);
    free (subscriber_threads);
    free (writers);
    free (writer_threads);
    free ((void *) bench.written);
    free ((void *) bench.committed_us);
    free (bench.stream_cert);
    kp_config_destroy (&config);
    return appended == bench.events ? 0 : 1;
}
