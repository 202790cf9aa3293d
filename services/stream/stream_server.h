/*  stream_server — the stream service's parts: the dispatch table, the
    replay handler, the relay that publishes the outbox live, and the
    event bytes both of them send. */
#ifndef STREAM_SERVER_H
#define STREAM_SERVER_H

#include "kp_service.h"

#include <stdint.h>

extern const kp_service_def_t stream_service;
extern const kp_stmt_t stream_statements [];

int stream_replay (kp_call_t *call);

//  A stored payload (Event packed without seq) with its seq set; malloc'd.
uint8_t *stream_event_bytes (uint64_t seq, const uint8_t *payload, size_t size, size_t *out_size);

typedef struct _stream_relay_t stream_relay_t;
void *stream_relay_new (kp_server_t *server, const kp_config_t *config);
void stream_relay_destroy (void **self_p);
//  Health figures: the head seq as the relay last saw it.
void stream_relay_health (void *self, Kumppani__V1__HealthReply *health);

#endif
