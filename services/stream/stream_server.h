/*  stream_server — the stream service's parts: the dispatch table, the
    replay handler, the relay that publishes the outbox live, and the
    event bytes both of them send. */
#ifndef STREAM_SERVER_H
#define STREAM_SERVER_H

#include "kp_service.h"
#include "kp_row.h"

#include <stdint.h>

extern const kp_service_def_t stream_service;
extern const kp_stmt_t stream_statements [];
//  The rows of stream_after (relay and replay) and stream_head
//  (stream_sql.c; kp_db holds each spec against its statement).
#define STREAM_EVENT_ROW(C) \
    C (EVENT_SEQ, "seq", "int8") \
    C (EVENT_TOPIC, "topic", "text") \
    C (EVENT_MUNICIPALITY, "municipality", "text") \
    C (EVENT_SENDER_ORG, "sender_org", "text") \
    C (EVENT_RECIPIENT_ORG, "recipient_org", "text") \
    C (EVENT_PAYLOAD, "payload", "bytea")
enum { STREAM_EVENT_ROW (KP_ROW_INDEX) };
#define STREAM_HEAD_ROW(C) C (HEAD_LAST_SEQ, "last_seq", "int8")
enum { STREAM_HEAD_ROW (KP_ROW_INDEX) };

int stream_replay (kp_call_t *call);

//  The live side (stream_live.c): a ROUTER that sends each subscriber,
//  by its routing id, what its own certificate entitles it to.
typedef struct _stream_live_t stream_live_t;
stream_live_t *stream_live_new (kp_server_t *server, const kp_config_t *config, zcert_t *cert);
void stream_live_destroy (stream_live_t **self_p);
//  Where the relay starts: the seq before the first it will publish.
void stream_live_position (stream_live_t *self, uint64_t seq);
//  Event seq (its bytes with the seq, as sent; owned by the live side
//  from here, NULL: the row could not be read) queued for the next
//  stream_live_flush, which sends it to every subscriber entitled to it
//  (by the event's stream scope) whose prefixes match its topic, once
//  each. Subscribers an unreadable row was for learn of the gap at their
//  next message and replay.
void stream_live_add (stream_live_t *self, uint64_t seq, const char *topic, const char *municipality,
                      const char *sender_org, const char *recipient_org, uint8_t *event, size_t size);
void stream_live_flush (stream_live_t *self);
//  A heartbeat (head_seq: everything up to it published) to every
//  subscriber, whatever its prefixes.
void stream_live_heartbeat (stream_live_t *self, const uint8_t *event, size_t size);
//  After SIGHUP: subscribers whose key is no longer admitted are dropped.
void stream_live_reload (stream_live_t *self);
size_t stream_live_size (stream_live_t *self);

typedef struct _stream_relay_t stream_relay_t;
stream_relay_t *stream_relay_new (kp_server_t *server, const kp_config_t *config);
void stream_relay_destroy (stream_relay_t **self_p);
//  Health figures: the head seq as the relay last saw it.
void stream_relay_health (void *self, Kumppani__V1__HealthReply *health);

#endif
