/*  kp_endpoints — an endpoint setting (KUMPPANI_<SERVICE>_ENDPOINT,
    KUMPPANI_STREAM_PUB_ENDPOINT) may name several instances of one
    service, comma-separated: "tcp://10.0.0.5:7102,tcp://10.0.0.6:7102".
    Clients connect one socket to all of them and let ZeroMQ's round robin
    spread the requests; each instance binds its own (KUMPPANI_BIND_*). */
#ifndef KP_ENDPOINTS_H
#define KP_ENDPOINTS_H

#include <czmq.h>
#include <stdbool.h>

//  Endpoints in list (0 for NULL or empty).
int kp_endpoints_count (const char *list);
//  Connects socket to every endpoint in list; 0, or -1 if any connect
//  failed (a malformed endpoint) or the list is empty.
int kp_endpoints_connect (zsock_t *socket, const char *list);

#endif
