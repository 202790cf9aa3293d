/*  kp_metrics — Prometheus text metrics for one service process: requests
    by operation and status, a latency histogram, database errors, replies
    that could not be delivered, events published, consumer lag and parked
    events. Counters are lock-free atomics written by the service's loop;
    libmicrohttpd's own thread renders them on GET /metrics. Off unless a
    port is configured, and bound to loopback by default. */
#ifndef KP_METRICS_H
#define KP_METRICS_H

#include <stdint.h>

typedef struct _kp_metrics_t kp_metrics_t;

kp_metrics_t *kp_metrics_new (const char *service);
void kp_metrics_destroy (kp_metrics_t **self_p);
//  Serves GET /metrics on address:port; 0 or -1.
int kp_metrics_serve (kp_metrics_t *self, const char *address, int port);

//  operation is a static string (a route's name); status a reply status value.
void kp_metrics_request (kp_metrics_t *self, const char *operation, int status, int64_t micros);
void kp_metrics_db_error (kp_metrics_t *self);
//  A handler failed without saying why (kp_txn answers internal.unreported):
//  a defect, counted apart from database errors.
void kp_metrics_unreported (kp_metrics_t *self);
//  A committed batch wrote rows staged calls set-based (kp_txn, issue 23).
void kp_metrics_set_written (kp_metrics_t *self, uint64_t rows);
//  Why a reply was not delivered: the peer stopped reading (its queue is
//  full) or it is gone (disconnected before the reply could leave).
typedef enum { KP_METRICS_DROP_FULL, KP_METRICS_DROP_GONE, KP_METRICS_DROP_REASONS } kp_metrics_drop_t;
void kp_metrics_replies_dropped (kp_metrics_t *self, kp_metrics_drop_t reason, uint64_t count);
//  One reply dropped because its peer is gone (for callers that cannot tell).
void kp_metrics_reply_dropped (kp_metrics_t *self);
void kp_metrics_events_published (kp_metrics_t *self, uint64_t count);
//  The stream's live side: messages dropped because a subscriber's queue
//  was full (it replays the gap by seq), frames that were not a valid
//  subscription (ignored), and the subscribers it is sending to now.
void kp_metrics_live_dropped (kp_metrics_t *self);
void kp_metrics_live_ignored (kp_metrics_t *self);
void kp_metrics_live_subscribers (kp_metrics_t *self, int64_t count);
//  A consumer's figures: how far behind the stream head, and how many parked.
void kp_metrics_consumer (kp_metrics_t *self, const char *consumer, int64_t lag, int64_t parked);

//  The text a scrape returns; caller frees.
char *kp_metrics_render (kp_metrics_t *self);

#endif
