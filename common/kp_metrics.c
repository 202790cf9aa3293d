/*  kp_metrics — see kp_metrics.h. Fixed tables, no allocation on the hot
    path: an operation claims its slot the first time it is counted (the
    loop thread is the only writer of names; the scrape thread only reads
    slots whose name is already published). */
#include "kp_metrics.h"
#include "kp_alloc.h"
#include "kumppani/v1/envelope.pb-c.h"

#include <assert.h>
#include <microhttpd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KP_METRICS_OPERATIONS 48
#define KP_METRICS_STATUSES   9
#define KP_METRICS_CONSUMERS  4

//  Upper bounds of the latency buckets, in microseconds.
static const int64_t s_bounds [] = { 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000,
                                     250000, 500000, 1000000, 2500000 };
#define KP_METRICS_BUCKETS (sizeof s_bounds / sizeof s_bounds [0])

typedef struct {
    _Atomic (const char *) name;
    _Atomic uint64_t count [KP_METRICS_STATUSES];
    _Atomic uint64_t bucket [KP_METRICS_BUCKETS + 1];
    _Atomic uint64_t sum_micros;
} s_operation_t;

typedef struct {
    char name [64];
    _Atomic int published;
    _Atomic int64_t lag;
    _Atomic int64_t parked;
} s_consumer_t;

struct _kp_metrics_t {
    char service [32];
    s_operation_t operations [KP_METRICS_OPERATIONS];
    s_consumer_t consumers [KP_METRICS_CONSUMERS];
    _Atomic uint64_t db_errors;
    _Atomic uint64_t unreported;
    _Atomic uint64_t set_batches;           //  batches that wrote staged calls set-based
    _Atomic uint64_t set_rows;              //  the calls those batches wrote
    _Atomic uint64_t replies_dropped [KP_METRICS_DROP_REASONS];
    _Atomic uint64_t events_published;
    _Atomic uint64_t live_dropped;
    _Atomic uint64_t live_ignored;
    _Atomic int64_t live_subscribers;
    struct MHD_Daemon *daemon;
};

kp_metrics_t *
kp_metrics_new (const char *service)
{
    kp_metrics_t *self = kp_calloc (1, sizeof (kp_metrics_t));
    if (self)
        snprintf (self->service, sizeof self->service, "%s", service);
    return self;
}

void
kp_metrics_destroy (kp_metrics_t **self_p)
{
    assert (self_p);
    if (!*self_p)
        return;
    kp_metrics_t *self = *self_p;
    if (self->daemon)
        MHD_stop_daemon (self->daemon);
    free (self);
    *self_p = NULL;
}

static s_operation_t *
s_operation (kp_metrics_t *self, const char *name)
{
    for (int index = 0; index < KP_METRICS_OPERATIONS; index++) {
        const char *slot = atomic_load (&self->operations [index].name);
        if (slot == name || (slot && strcmp (slot, name) == 0))
            return &self->operations [index];
        if (!slot) {
            atomic_store (&self->operations [index].name, name);
            return &self->operations [index];
        }
    }
    return NULL;                    //  more operations than slots: not counted
}

void
kp_metrics_request (kp_metrics_t *self, const char *operation, int status, int64_t micros)
{
    if (!self)
        return;
    s_operation_t *slot = s_operation (self, operation ? operation : "unknown");
    if (!slot)
        return;
    if (status < 0 || status >= KP_METRICS_STATUSES)
        status = 0;
    atomic_fetch_add (&slot->count [status], 1);
    size_t bucket = 0;
    while (bucket < KP_METRICS_BUCKETS && micros > s_bounds [bucket])
        bucket++;
    atomic_fetch_add (&slot->bucket [bucket], 1);
    atomic_fetch_add (&slot->sum_micros, (uint64_t) (micros > 0 ? micros : 0));
}

void
kp_metrics_db_error (kp_metrics_t *self)
{
    if (self)
        atomic_fetch_add (&self->db_errors, 1);
}

void
kp_metrics_unreported (kp_metrics_t *self)
{
    if (self)
        atomic_fetch_add (&self->unreported, 1);
}

void
kp_metrics_set_written (kp_metrics_t *self, uint64_t rows)
{
    if (self && rows) {
        atomic_fetch_add (&self->set_batches, 1);
        atomic_fetch_add (&self->set_rows, rows);
    }
}

void
kp_metrics_replies_dropped (kp_metrics_t *self, kp_metrics_drop_t reason, uint64_t count)
{
    if (self && reason < KP_METRICS_DROP_REASONS)
        atomic_fetch_add (&self->replies_dropped [reason], count);
}

void
kp_metrics_reply_dropped (kp_metrics_t *self)
{
    kp_metrics_replies_dropped (self, KP_METRICS_DROP_GONE, 1);
}

void
kp_metrics_events_published (kp_metrics_t *self, uint64_t count)
{
    if (self)
        atomic_fetch_add (&self->events_published, count);
}

void
kp_metrics_live_dropped (kp_metrics_t *self)
{
    if (self)
        atomic_fetch_add (&self->live_dropped, 1);
}

void
kp_metrics_live_ignored (kp_metrics_t *self)
{
    if (self)
        atomic_fetch_add (&self->live_ignored, 1);
}

void
kp_metrics_live_subscribers (kp_metrics_t *self, int64_t count)
{
    if (self)
        atomic_store (&self->live_subscribers, count);
}

void
kp_metrics_consumer (kp_metrics_t *self, const char *consumer, int64_t lag, int64_t parked)
{
    if (!self)
        return;
    for (int index = 0; index < KP_METRICS_CONSUMERS; index++) {
        s_consumer_t *slot = &self->consumers [index];
        if (!atomic_load (&slot->published)) {
            snprintf (slot->name, sizeof slot->name, "%s", consumer);
            atomic_store (&slot->published, 1);
        }
        if (strcmp (slot->name, consumer) == 0) {
            atomic_store (&slot->lag, lag);
            atomic_store (&slot->parked, parked);
            return;
        }
    }
}

char *
kp_metrics_render (kp_metrics_t *self)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    if (!out)
        return NULL;
    const char *service = self->service;
    fprintf (out, "# HELP kumppani_requests_total Requests answered, by operation and reply status.\n"
                  "# TYPE kumppani_requests_total counter\n");
    for (int index = 0; index < KP_METRICS_OPERATIONS; index++) {
        s_operation_t *slot = &self->operations [index];
        const char *name = atomic_load (&slot->name);
        if (!name)
            break;
        for (int status = 0; status < KP_METRICS_STATUSES; status++) {
            uint64_t count = atomic_load (&slot->count [status]);
            const ProtobufCEnumValue *value =
                protobuf_c_enum_descriptor_get_value (&kumppani__v1__status__descriptor, status);
            if (count)
                fprintf (out, "kumppani_requests_total{service=\"%s\",operation=\"%s\",status=\"%s\"} %llu\n",
                         service, name, value ? value->name : "STATUS_UNSPECIFIED", (unsigned long long) count);
        }
    }
    fprintf (out, "# HELP kumppani_request_duration_seconds Time from receiving a request to sending its reply.\n"
                  "# TYPE kumppani_request_duration_seconds histogram\n");
    for (int index = 0; index < KP_METRICS_OPERATIONS; index++) {
        s_operation_t *slot = &self->operations [index];
        const char *name = atomic_load (&slot->name);
        if (!name)
            break;
        uint64_t cumulative = 0;
        for (size_t bucket = 0; bucket <= KP_METRICS_BUCKETS; bucket++) {
            cumulative += atomic_load (&slot->bucket [bucket]);
            if (bucket < KP_METRICS_BUCKETS)
                fprintf (out, "kumppani_request_duration_seconds_bucket{service=\"%s\",operation=\"%s\",le=\"%g\"} %llu\n",
                         service, name, (double) s_bounds [bucket] / 1e6, (unsigned long long) cumulative);
            else
                fprintf (out, "kumppani_request_duration_seconds_bucket{service=\"%s\",operation=\"%s\",le=\"+Inf\"} %llu\n",
                         service, name, (unsigned long long) cumulative);
        }
        fprintf (out, "kumppani_request_duration_seconds_sum{service=\"%s\",operation=\"%s\"} %.6f\n",
                 service, name, (double) atomic_load (&slot->sum_micros) / 1e6);
        fprintf (out, "kumppani_request_duration_seconds_count{service=\"%s\",operation=\"%s\"} %llu\n",
                 service, name, (unsigned long long) cumulative);
    }
    fprintf (out, "# HELP kumppani_db_errors_total Database errors seen while serving requests.\n"
                  "# TYPE kumppani_db_errors_total counter\n"
                  "kumppani_db_errors_total{service=\"%s\"} %llu\n"
                  "# HELP kumppani_unreported_failures_total Requests whose handler failed without saying why (internal.unreported).\n"
                  "# TYPE kumppani_unreported_failures_total counter\n"
                  "kumppani_unreported_failures_total{service=\"%s\"} %llu\n"
                  "# HELP kumppani_set_batches_total Committed batches that wrote staged calls in one statement per route.\n"
                  "# TYPE kumppani_set_batches_total counter\n"
                  "kumppani_set_batches_total{service=\"%s\"} %llu\n"
                  "# HELP kumppani_set_written_total Calls written set-based by those batches.\n"
                  "# TYPE kumppani_set_written_total counter\n"
                  "kumppani_set_written_total{service=\"%s\"} %llu\n"
                  "# HELP kumppani_replies_dropped_total Replies not delivered: the peer stopped reading (full) or left (gone).\n"
                  "# TYPE kumppani_replies_dropped_total counter\n"
                  "kumppani_replies_dropped_total{service=\"%s\",reason=\"full\"} %llu\n"
                  "kumppani_replies_dropped_total{service=\"%s\",reason=\"gone\"} %llu\n"
                  "# HELP kumppani_events_published_total Events the stream relay published live.\n"
                  "# TYPE kumppani_events_published_total counter\n"
                  "kumppani_events_published_total{service=\"%s\"} %llu\n",
             service, (unsigned long long) atomic_load (&self->db_errors),
             service, (unsigned long long) atomic_load (&self->unreported),
             service, (unsigned long long) atomic_load (&self->set_batches),
             service, (unsigned long long) atomic_load (&self->set_rows),
             service, (unsigned long long) atomic_load (&self->replies_dropped [KP_METRICS_DROP_FULL]),
             service, (unsigned long long) atomic_load (&self->replies_dropped [KP_METRICS_DROP_GONE]),
             service, (unsigned long long) atomic_load (&self->events_published));
    if (strcmp (service, "stream") == 0)
        fprintf (out, "# HELP kumppani_events_dropped_total Live messages not sent because a subscriber's queue was full.\n"
                      "# TYPE kumppani_events_dropped_total counter\n"
                      "kumppani_events_dropped_total{service=\"%s\"} %llu\n"
                      "# HELP kumppani_stream_frames_ignored_total Frames from subscribers that were not a valid subscription.\n"
                      "# TYPE kumppani_stream_frames_ignored_total counter\n"
                      "kumppani_stream_frames_ignored_total{service=\"%s\"} %llu\n"
                      "# HELP kumppani_stream_subscribers Live subscribers the relay sends to.\n"
                      "# TYPE kumppani_stream_subscribers gauge\n"
                      "kumppani_stream_subscribers{service=\"%s\"} %lld\n",
                 service, (unsigned long long) atomic_load (&self->live_dropped),
                 service, (unsigned long long) atomic_load (&self->live_ignored),
                 service, (long long) atomic_load (&self->live_subscribers));
    fprintf (out, "# HELP kumppani_consumer_lag Events between a consumer's cursor and the stream head.\n"
                  "# TYPE kumppani_consumer_lag gauge\n");
    for (int index = 0; index < KP_METRICS_CONSUMERS; index++)
        if (atomic_load (&self->consumers [index].published))
            fprintf (out, "kumppani_consumer_lag{service=\"%s\",consumer=\"%s\"} %lld\n"
                          "kumppani_consumer_parked{service=\"%s\",consumer=\"%s\"} %lld\n",
                     service, self->consumers [index].name, (long long) atomic_load (&self->consumers [index].lag),
                     service, self->consumers [index].name, (long long) atomic_load (&self->consumers [index].parked));
    fclose (out);
    return text;
}

static enum MHD_Result
s_answer (void *cls, struct MHD_Connection *connection, const char *url, const char *method,
          const char *version, const char *upload_data, size_t *upload_data_size, void **state)
{
    (void) version;
    (void) upload_data;
    (void) upload_data_size;
    (void) state;
    kp_metrics_t *self = cls;
    bool found = strcmp (method, "GET") == 0 && strcmp (url, "/metrics") == 0;
    char *text = found ? kp_metrics_render (self) : kp_strdup ("not found: GET /metrics\n");
    if (!text)
        return MHD_NO;
    struct MHD_Response *response =
        MHD_create_response_from_buffer (strlen (text), text, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header (response, "Content-Type", "text/plain; version=0.0.4");
    enum MHD_Result rc = MHD_queue_response (connection, found ? MHD_HTTP_OK : MHD_HTTP_NOT_FOUND, response);
    MHD_destroy_response (response);
    return rc;
}

int
kp_metrics_serve (kp_metrics_t *self, const char *address, int port)
{
    struct sockaddr_in bind_to = { .sin_family = AF_INET, .sin_port = htons ((uint16_t) port) };
    if (inet_pton (AF_INET, address, &bind_to.sin_addr) != 1)
        return -1;
    self->daemon = MHD_start_daemon (MHD_USE_INTERNAL_POLLING_THREAD, (uint16_t) port, NULL, NULL,
                                     s_answer, self, MHD_OPTION_SOCK_ADDR, &bind_to,
                                     MHD_OPTION_CONNECTION_LIMIT, (unsigned int) 16,
                                     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int) 10, MHD_OPTION_END);
    return self->daemon ? 0 : -1;
}
