/*  kp_server — one loop, one ROUTER, one database connection per process.
    Requests are handled one at a time to completion, so "drain" is simple:
    when SIGTERM arrives the request in hand finishes and its reply goes out
    with linger; nothing new is read. Scale out by running more processes.

    No peer can stop the loop: replies are sent without waiting. A peer
    whose ZeroMQ queue is full (it stopped reading) gets a small queue of
    its own here, flushed on a short timer; what does not fit, and what
    is left for a peer that has gone, is dropped and counted. The reply's
    effect is already committed, and the client gets it again by sending
    the same idempotency key. */
#include "kp_server.h"
#include "kp_alloc.h"
#include "kp_clock.h"
#include "kp_audit.h"
#include "kp_codec.h"
#include "kp_idem.h"
#include "kp_identifier.h"
#include "kp_ids.h"
#include "kp_metrics.h"
#include "kp_outbox.h"
#include "kp_organiser.h"
#include "kp_role.h"
#include "kp_txn.h"
#include "kp_worker.h"

#include <assert.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

//  Most requests taken off the socket for one group commit.
#define KP_SERVER_BATCH 64
//  Replies ZeroMQ queues for one peer before a send would block (SNDHWM).
#define KP_SERVER_PEER_HWM 256
//  What this server holds for one peer beyond that (more is dropped),
//  and how often it offers it again.
#define KP_SERVER_PEER_REPLIES 64
#define KP_SERVER_PEER_BYTES (1024 * 1024)
#define KP_SERVER_FLUSH_MS 10

//  One reply waiting for a peer that was full.
typedef struct s_pending {
    struct s_pending *next;
    bool delimiter;
    uint8_t *data;
    size_t size;
} s_pending_t;

//  A peer that did not take a reply at once, and what it has not taken.
typedef struct s_peer {
    struct s_peer *next;
    zframe_t *routing_id;
    char public_key [48];           //  whose requests the replies answer
    char org_id [64];               //  for the log
    s_pending_t *head, *tail;       //  oldest first
    size_t count, bytes;
    uint64_t dropped;               //  since it fell behind: logged once
} s_peer_t;

//  One received request and everything that lives until it is answered.
typedef struct s_item {
    zframe_t *routing_id;
    bool delimiter;                 //  a REQ client's empty frame, echoed back
    zframe_t *body;
    kp_identity_t identity;
    Kumppani__V1__Request *request;
    Kumppani__V1__Reply reply;
    kp_call_t call;
    bool decodable;
    //  What a refused frame's reply echoes (no decoded request to point at).
    Kumppani__V1__Request stub;
    char correlation_id [KP_CORRELATION_ID_MAX + 1];
    bool deferred;                  //  handed to a worker (KP_ROUTE_BACKGROUND)
    int later;                      //  S_READ / S_WRITE: came while a group commit ran, runs after it
    int64_t received_us;            //  for the latency histogram
} s_item_t;

typedef struct s_background s_background_t;

struct _kp_server_t {
    const kp_config_t *config;
    kp_service_t service;
    const kp_route_t *routes;
    void *service_ctx;
    kp_db_t *db;
    zactor_t *auth;
    zsock_t *router;
    zloop_t *loop;
    zcert_t *cert;
    time_t started;
    kp_health_fn *health_hook;
    kp_reload_fn *reload_hook;
    void *reload_arg;
    s_item_t *items;                //  one batch of received requests, reused
    kp_metrics_t *metrics;
    //  The admitted certificates as of the last (re)load, by public key:
    //  every request's identity is looked up here. ZAP checks a key once,
    //  at the handshake; this record also lets a SIGHUP revoke a
    //  certificate whose connection is already open.
    kp_admitted_t *admitted;
    //  Held while the record is replaced and by readers on other threads
    //  (kp_server_find_org); the loop's own reads need none, being the
    //  thread that replaces it.
    pthread_mutex_t admitted_lock;
    s_background_t *background;     //  calls running on workers
    const kp_hetu_keys_t *hetu_keys;    //  the service's, if its replies may carry one
    kp_idem_sweeper_t *idem_sweeper;    //  expired idempotency keys, if it has writes
    s_peer_t *peers;                //  peers with replies waiting, few or none
    int flush_timer;                //  while there are any; -1 when not
    zframe_t *gone;                 //  the last peer found gone, logged once
};

static volatile sig_atomic_t s_reload_requested = 0;

static void
s_on_sighup (int signum)
{
    (void) signum;
    s_reload_requested = 1;
}

static int s_on_request (zloop_t *loop, zsock_t *reader, void *arg);
static bool s_background_start (kp_server_t *self, s_item_t *item, bool write);
static void s_background_drain (kp_server_t *self);
static void s_drain_peers (kp_server_t *self);

//  Ends the loop for kp_server_run to reload when a SIGHUP came in while
//  no poll was waiting to be interrupted.
static int
s_on_reload_check (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    (void) arg;
    return s_reload_requested ? -1 : 0;
}

//  Reads the admitted certificates into a fresh record that replaces the
//  old one. 0, or -1 if the directory cannot be read (the old one stays).
//  The areas and the organisation registry (kp_organiser) are read first:
//  which certificates are admitted depends on them. If they cannot be
//  read, the last ones stay (at start there are none: nobody is admitted).
static int
s_load_admitted (kp_server_t *self)
{
    kp_areas_t *areas = kp_db_ensure (self->db) == 0 ? kp_areas_load (kp_db_conn (self->db)) : NULL;
    if (areas)
        kp_organiser_install (&areas);
    else
    if (!kp_organiser_installed ())
        return -1;
    kp_admitted_t *admitted = kp_admitted_load (self->config->certs_dir);
    if (!admitted)
        return -1;
    pthread_mutex_lock (&self->admitted_lock);
    kp_admitted_destroy (&self->admitted);
    self->admitted = admitted;
    pthread_mutex_unlock (&self->admitted_lock);
    return 0;
}

//  zauth admits only certificates in certs_dir. It must run before bind:
//  CURVE without a ZAP handler admits any client that knows the server key.
static int
s_start_auth (kp_server_t *self)
{
    self->auth = zactor_new (zauth, NULL);
    if (!self->auth)
        return -1;
    zstr_sendx (self->auth, "CURVE", self->config->certs_dir, NULL);
    return zsock_wait (self->auth) == 0 ? 0 : -1;
}

kp_server_t *
kp_server_new (const kp_config_t *config, kp_service_t service,
               const kp_route_t *routes, const kp_stmt_t *const *statements, void *service_ctx)
{
    kp_server_t *self = kp_calloc (1, sizeof (kp_server_t));
    if (!self)
        return NULL;
    pthread_mutex_init (&self->admitted_lock, NULL);
    self->config = config;
    self->service = service;
    self->routes = routes;
    self->service_ctx = service_ctx;
    self->started = time (NULL);
    self->flush_timer = -1;

    char *conninfo = kp_config_db_conninfo (config);
    self->db = conninfo ? kp_db_new (conninfo, 10000) : NULL;
    free (conninfo);
    if (!self->db
    ||  kp_db_register (self->db, kp_idem_statements)
    ||  kp_db_register (self->db, kp_audit_statements)
    ||  kp_db_register (self->db, kp_outbox_statements))
        goto failed;
    for (const kp_stmt_t *const *table = statements; table && *table; table++)
        if (kp_db_register (self->db, *table))
            goto failed;

    char *cert_path = kp_config_service_cert_path (config, service);
    self->cert = cert_path ? zcert_load (cert_path) : NULL;
    if (!self->cert) {
        kp_error ("cannot load server certificate %s", cert_path ? cert_path : "?");
        free (cert_path);
        goto failed;
    }
    free (cert_path);
    if (s_load_admitted (self) || s_start_auth (self))
        goto failed;

    self->router = zsock_new (ZMQ_ROUTER);
    zsock_set_zap_domain (self->router, "kumppani");
    zsock_set_curve_server (self->router, 1);
    zcert_apply (self->cert, self->router);
    zsock_set_maxmsgsize (self->router, (int64_t) config->max_msg_size);
    //  A reply to a vanished peer fails loudly instead of vanishing, and
    //  one to a full peer fails at once (EAGAIN: replies never wait).
    zsock_set_router_mandatory (self->router, 1);
    zsock_set_sndhwm (self->router, KP_SERVER_PEER_HWM);
    zsock_set_sndtimeo (self->router, 0);
    if (zsock_bind (self->router, "%s", config->bind_endpoint) == -1) {
        kp_error ("cannot bind %s: %s", config->bind_endpoint, zmq_strerror (zmq_errno ()));
        goto failed;
    }
    self->metrics = kp_metrics_new (kp_service_name (service));
    if (config->metrics_port
    &&  kp_metrics_serve (self->metrics, config->metrics_address, config->metrics_port)) {
        kp_error ("cannot serve metrics on %s:%d", config->metrics_address, config->metrics_port);
        goto failed;
    }
    self->items = kp_calloc (KP_SERVER_BATCH, sizeof (s_item_t));
    assert (self->items);
    self->loop = zloop_new ();
    zloop_reader (self->loop, self->router, s_on_request, self);
    zloop_reader_set_tolerant (self->loop, self->router);
    zloop_timer (self->loop, 250, 0, s_on_reload_check, self);
    //  Only a service with writes has idempotency keys to sweep.
    bool writes = false;
    for (const kp_route_t *route = routes; route && route->operation; route++)
        writes = writes || (route->flags & KP_ROUTE_MUTATING);
    if (writes)
        self->idem_sweeper = kp_idem_sweeper_new (self->loop, self->db, config->idempotency_retention_days);
    signal (SIGHUP, s_on_sighup);
    kp_info ("serving %s on %s", kp_service_name (service), config->bind_endpoint);
    return self;

failed:
    kp_server_destroy (&self);
    return NULL;
}

void
kp_server_destroy (kp_server_t **self_p)
{
    assert (self_p);
    if (!*self_p)
        return;
    kp_server_t *self = *self_p;
    s_background_drain (self);
    if (self->router)
        s_drain_peers (self);
    kp_idem_sweeper_destroy (&self->idem_sweeper);
    zloop_destroy (&self->loop);
    zframe_destroy (&self->gone);
    if (self->router)
        zsock_set_linger (self->router, self->config->drain_ms);
    zsock_destroy (&self->router);
    zactor_destroy (&self->auth);
    zcert_destroy (&self->cert);
    kp_db_destroy (&self->db);
    free (self->items);
    kp_metrics_destroy (&self->metrics);
    kp_admitted_destroy (&self->admitted);
    pthread_mutex_destroy (&self->admitted_lock);
    kp_organiser_install (NULL);
    free (self);
    *self_p = NULL;
}

zloop_t *
kp_server_loop (kp_server_t *self)
{
    return self->loop;
}

kp_db_t *
kp_server_db (kp_server_t *self)
{
    return self->db;
}

kp_admitted_t *
kp_server_admitted (kp_server_t *self)
{
    return self ? self->admitted : NULL;
}

int
kp_server_find_org (kp_server_t *self, const char *org_id, kp_identity_t *identity)
{
    pthread_mutex_lock (&self->admitted_lock);
    const kp_identity_t *found = kp_admitted_find_org (self->admitted, org_id);
    if (found)
        *identity = *found;
    pthread_mutex_unlock (&self->admitted_lock);
    return found ? 0 : -1;
}

kp_metrics_t *
kp_server_metrics (kp_server_t *self)
{
    //  NULL for a call made outside a server (the fuzz harness's).
    return self ? self->metrics : NULL;
}

void
kp_server_set_context (kp_server_t *self, void *service_ctx)
{
    self->service_ctx = service_ctx;
}

void
kp_server_set_hetu_keys (kp_server_t *self, const kp_hetu_keys_t *keys)
{
    self->hetu_keys = keys;
}

const kp_hetu_keys_t *
kp_server_hetu_keys (kp_server_t *self)
{
    return self ? self->hetu_keys : NULL;
}

void
kp_server_set_health_hook (kp_server_t *self, kp_health_fn *hook)
{
    self->health_hook = hook;
}

void
kp_server_set_reload_hook (kp_server_t *self, kp_reload_fn *hook, void *arg)
{
    self->reload_hook = hook;
    self->reload_arg = arg;
}

int
kp_server_run (kp_server_t *self)
{
    while (!zsys_interrupted) {
        //  zloop returns on a signal that interrupts its poll; one that
        //  lands while a handler runs is seen by s_on_reload_check, which
        //  ends the loop the same way. SIGHUP means reload the admitted
        //  certificates (zcertstore can miss an overwritten file).
        if (zloop_start (self->loop) == -1 && !s_reload_requested)
            return -1;
        if (s_reload_requested) {
            s_reload_requested = 0;
            kp_info ("reloading the organisation registry and certificates from %s", self->config->certs_dir);
            zstr_sendx (self->auth, "CURVE", self->config->certs_dir, NULL);
            zsock_wait (self->auth);
            s_load_admitted (self);
            if (self->reload_hook)
                self->reload_hook (self->reload_arg);
        }
    }
    kp_info ("draining and stopping");
    //  Before the service context goes (kp_service_main destroys it next).
    s_background_drain (self);
    return 0;
}

//  --------------------------------------------------------------------------
//  Request handling

//  The caller's identity: the server's record of the certificate whose
//  key the handshake proved. User-Id is set by the ZAP reply, which libzmq
//  lets no peer-sent property override; every other property may come
//  from the peer and is never read. False for a key not (or no longer)
//  admitted.
static bool
s_identity_of (kp_server_t *self, zframe_t *frame, kp_identity_t *identity)
{
    memset (identity, 0, sizeof *identity);
    const kp_identity_t *admitted = kp_admitted_lookup (self->admitted, zframe_meta (frame, "User-Id"));
    //  Again per request: an organisation whose active_to has passed since
    //  the last reload is cut off without one.
    if (!admitted || !kp_organiser_admits (admitted))
        return false;
    *identity = *admitted;
    return true;
}

static const kp_route_t *
s_route_for (kp_server_t *self, int body_case)
{
    for (const kp_route_t *route = self->routes; route && route->operation; route++)
        if (route->body_case == body_case)
            return route;
    return NULL;
}

//  History from `kumppani import`: an importer certificate acts as the
//  admitted organisation the record belongs to, at the record's original
//  time, and does nothing else: it writes records and reads nothing as
//  another. No other certificate may name another organisation or
//  another time. Its own key stays the peer's (replies go to the
//  connection that asked). True when the call is refused.
static bool
s_import (kp_server_t *self, s_item_t *item)
{
    kp_call_t *call = &item->call;
    const Kumppani__V1__ImportContext *context = call->request->import_context;
    bool importer = strcmp (item->identity.org_type, "importer") == 0;
    if (!context && !importer)
        return false;
    const kp_route_t *route = s_route_for (self, call->request->body_case);
    if (!importer)
        kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, "import.not_importer", "import_context",
                      "only an importer certificate may bring in history");
    else
    if (!context)
        kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, "import.context_required",
                      "import_context", "an importer certificate acts only for the records it imports");
    else
    if (route && !(route->flags & KP_ROUTE_MUTATING))
        kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, "import.writes_only", "import_context",
                      "an importer brings records in and reads nothing");
    else
    if (context->original_time <= 0 || context->original_time > kp_clock_now_us ())
        kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "import.original_time",
                      "import_context.original_time", "the original time must be given and not in the future");
    else {
        const kp_identity_t *as = kp_admitted_find_org (self->admitted, context->as_org);
        if (!as || strcmp (as->org_type, "importer") == 0) {
            kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "import.unknown_org",
                          "import_context.as_org", "that organisation has no admitted certificate");
            return true;
        }
        //  All of the organisation's identity (whatever it names: its
        //  area too), but the connection's key.
        snprintf (call->imported_by, sizeof call->imported_by, "%s", item->identity.org_id);
        kp_identity_t acting = *as;
        memcpy (acting.public_key, item->identity.public_key, sizeof acting.public_key);
        item->identity = acting;
        call->clock_us = context->original_time;
        return false;
    }
    return true;
}

static int
s_health (kp_call_t *call)
{
    kp_server_t *self = call->server;
    Kumppani__V1__HealthReply *health = kp_call_alloc (call, sizeof *health);
    kumppani__v1__health_reply__init (health);
    health->service = (char *) kp_service_name (self->service);
    health->version = KP_VERSION_STRING;
    health->uptime_seconds = (int64_t) (time (NULL) - self->started);
    health->database_ok = kp_db_ping (self->db);
    if (self->health_hook)
        self->health_hook (self->service_ctx, health);
    call->reply->body_case = KUMPPANI__V1__REPLY__BODY_HEALTH;
    call->reply->health = health;
    return 0;
}

//  What the checks decided about a call.
typedef enum { S_ANSWERED, S_READ, S_WRITE } s_kind_t;

//  Checks that need no database, in the order a caller would fix them:
//  who you are, what you asked, who you act as, whether you may.
static s_kind_t
s_check (kp_server_t *self, kp_call_t *call)
{
    const Kumppani__V1__Request *request = call->request;
    if (!*call->identity->org_id || !*call->identity->org_type) {
        kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_UNAUTHENTICATED, "auth.no_organisation",
                      NULL, "the client certificate names no organisation");
        return S_ANSWERED;
    }
    if (request->body_case == KUMPPANI__V1__REQUEST__BODY_HEALTH) {
        call->operation = "health";
        s_health (call);
        return S_ANSWERED;
    }
    const kp_route_t *route = s_route_for (self, request->body_case);
    if (!route) {
        kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "request.unsupported_operation",
                      "body", "this service does not handle that operation");
        return S_ANSWERED;
    }
    call->route = route;
    call->operation = route->operation;
    call->log.operation = route->operation;
    if (kp_identifier_screen (call))
        return S_ANSWERED;
    if (!(route->flags & KP_ROUTE_NO_ACTOR)) {
        if (!request->actor || !*request->actor->person_id) {
            kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "request.actor_required",
                          "actor.person_id", "the person acting must be named");
            return S_ANSWERED;
        }
        if (request->actor->role == KUMPPANI__V1__ROLE__ROLE_UNSPECIFIED
        ||  !protobuf_c_enum_descriptor_get_value (&kumppani__v1__role__descriptor,
                                                   (int) request->actor->role)) {
            kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "request.actor_role",
                          "actor.role", "the actor's role is missing or unknown");
            return S_ANSWERED;
        }
        if (!kp_role_allowed (call->identity->org_type, request->actor->role)) {
            //  The role is the caller's word; the certificate's type is
            //  not, so the role must be one that type's people have.
            char message [160];
            snprintf (message, sizeof message, "a %s organisation's people act as: %s",
                      call->identity->org_type, kp_role_list (call->identity->org_type));
            kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, "request.role_not_allowed",
                          "actor.role", message);
            return S_ANSWERED;
        }
    }
    if (route->org_types && !kp_org_type_in (call->identity->org_type, route->org_types)) {
        kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, "auth.forbidden",
                      NULL, "your organisation may not use this operation");
        return S_ANSWERED;
    }
    if (!(route->flags & KP_ROUTE_MUTATING))
        return S_READ;
    if (!*request->idempotency_key) {
        kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "request.idempotency_key_required",
                      "idempotency_key", "mutating requests need an idempotency key");
        return S_ANSWERED;
    }
    return S_WRITE;
}


//  Unknown fields the reply lists: at most this many (the frame's size
//  bounds them anyway).
#define KP_SERVER_IGNORED_MAX 32

static void
s_ignored (const char *path, void *arg)
{
    kp_call_t *call = arg;
    if (!call->ignored_fields)
        call->ignored_fields = kp_call_alloc (call, KP_SERVER_IGNORED_MAX * sizeof (char *));
    if (call->n_ignored_fields < KP_SERVER_IGNORED_MAX)
        call->ignored_fields [call->n_ignored_fields++] = kp_call_strdup (call, path);
}

//  A reply to a frame that is no request: it echoes the correlation id
//  found in it, if any.
static void
s_refuse (s_item_t *item, const char *code, const char *field, const char *message)
{
    kumppani__v1__request__init (&item->stub);
    item->stub.correlation_id = item->correlation_id;
    item->call.request = &item->stub;
    item->call.log.request_id = item->correlation_id;
    kp_call_reset_reply (&item->call);
    kp_call_fail (&item->call, KUMPPANI__V1__STATUS__STATUS_INVALID, code, field, message);
}

//  Splits [routing-id][""]?[body] and decodes the body. False when the
//  message must not be answered (a revoked certificate's); anything else
//  gets a reply, INVALID for odd framing.
static bool
s_receive (kp_server_t *self, zmsg_t *msg, s_item_t *item)
{
    size_t frames = zmsg_size (msg);
    item->routing_id = zmsg_pop (msg);
    item->delimiter = frames >= 3 && zframe_size (zmsg_first (msg)) == 0;
    if (item->delimiter) {
        zframe_t *empty = zmsg_pop (msg);
        zframe_destroy (&empty);
    }
    item->body = zmsg_pop (msg);
    if (!item->routing_id || !item->body) {
        kp_warn ("dropping request with %zu frames", frames);
        return false;               //  a ROUTER always has both
    }
    kumppani__v1__reply__init (&item->reply);
    item->call = (kp_call_t) {
        .server = self, .db = self->db, .service = self->service_ctx,
        .identity = &item->identity, .reply = &item->reply
    };
    bool admitted = s_identity_of (self, item->body, &item->identity);
    item->call.log.organisation = item->identity.org_id;
    if (!admitted) {
        //  Revoked since the handshake: as unknown as a key never admitted.
        kp_log (KP_LOG_WARN, &item->call.log, "dropping a request from a revoked certificate");
        return false;
    }
    if (zmsg_size (msg) > 0) {
        //  Several frames: which is the request is anyone's guess, so
        //  none is served; the first one's correlation id is echoed.
        kp_codec_correlation_id (zframe_data (item->body), zframe_size (item->body),
                                 item->correlation_id, sizeof item->correlation_id);
        kp_log (KP_LOG_WARN, &item->call.log, "refused a request sent as %zu frames", frames);
        s_refuse (item, "request.framing", "",
                  "a request is one frame (after a REQ socket's empty delimiter)");
        return true;
    }

    kp_codec_error_t error;
    if (kp_codec_request_decode (zframe_data (item->body), zframe_size (item->body),
                                 self->config->max_msg_size, &item->request, &error)) {
        kp_log (KP_LOG_WARN, &item->call.log, "refused request: %s %s", error.code, error.field);
        snprintf (item->correlation_id, sizeof item->correlation_id, "%s", error.correlation_id);
        s_refuse (item, error.code, error.field, "the request could not be decoded");
        return true;
    }
    item->decodable = true;
    item->call.request = item->request;
    //  kp_codec_request_decode sets item->request when it returns 0; gcc
    //  12's analyzer misses a callee's store into the memset item.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-null-dereference"
    item->call.log.request_id = item->request->correlation_id;
    //  Skipped, not refused: a newer client's fields reach an older
    //  service, and the reply says which were not understood.
    kp_codec_walk_unknown (&item->request->base, "", s_ignored, &item->call);
#pragma GCC diagnostic pop
    kp_call_reset_reply (&item->call);
    return true;
}

//  --------------------------------------------------------------------------
//  Replies, never waiting for a peer

//  One reply as [routing id][""]?[body] without blocking: 0, or the
//  errno (EAGAIN: the peer's queue is full; EHOSTUNREACH: it is gone).
//  Once the routing id is taken the rest of the message goes too.
static int
s_send_now (kp_server_t *self, zframe_t *routing_id, bool delimiter, const uint8_t *data, size_t size)
{
    void *router = zsock_resolve (self->router);
    if (zmq_send (router, zframe_data (routing_id), zframe_size (routing_id),
                  ZMQ_SNDMORE | ZMQ_DONTWAIT) == -1)
        return zmq_errno ();
    if (delimiter)
        zmq_send (router, NULL, 0, ZMQ_SNDMORE | ZMQ_DONTWAIT);
    zmq_send (router, data, size, ZMQ_DONTWAIT);
    return 0;
}

static void
s_peer_destroy (s_peer_t **peer_p)
{
    s_peer_t *peer = *peer_p;
    while (peer->head) {
        s_pending_t *pending = peer->head;
        peer->head = pending->next;
        free (pending->data);
        free (pending);
    }
    zframe_destroy (&peer->routing_id);
    free (peer);
    *peer_p = NULL;
}

//  Drops what is left for a peer, counted under reason.
static void
s_peer_discard (kp_server_t *self, s_peer_t *peer, kp_metrics_drop_t reason, const char *why)
{
    if (peer->count || peer->dropped)
        kp_warn ("%s (%s): %zu queued replies dropped, %llu before", why, peer->org_id,
                 peer->count, (unsigned long long) peer->dropped);
    kp_metrics_replies_dropped (self->metrics, reason, peer->count);
}

//  Sends what the peer will take now. True when it is done with: all
//  sent, or gone (what was left dropped); false while it is still full.
static bool
s_peer_flush (kp_server_t *self, s_peer_t *peer)
{
    while (peer->head) {
        s_pending_t *pending = peer->head;
        int error = s_send_now (self, peer->routing_id, pending->delimiter, pending->data, pending->size);
        if (error == EAGAIN)
            return false;
        if (error) {
            s_peer_discard (self, peer, KP_METRICS_DROP_GONE, "peer gone before taking its replies");
            return true;
        }
        peer->head = pending->next;
        peer->count--;
        peer->bytes -= pending->size;
        free (pending->data);
        free (pending);
    }
    if (peer->dropped)
        kp_info ("peer (%s) reads again; %llu replies to it were dropped", peer->org_id,
                 (unsigned long long) peer->dropped);
    return true;
}

//  Flushes every waiting peer and forgets those done with.
static void
s_flush_peers (kp_server_t *self)
{
    s_peer_t **link = &self->peers;
    while (*link) {
        s_peer_t *peer = *link;
        if (s_peer_flush (self, peer)) {
            *link = peer->next;
            s_peer_destroy (&peer);
        }
        else
            link = &peer->next;
    }
}

static int
s_on_flush (zloop_t *loop, int timer_id, void *arg)
{
    kp_server_t *self = arg;
    s_flush_peers (self);
    if (!self->peers) {
        zloop_timer_end (loop, timer_id);
        self->flush_timer = -1;
    }
    return 0;
}

//  At shutdown: as long as the drain allows, peers get what waits for
//  them; the rest is dropped. (What ZeroMQ already queued goes with linger.)
static void
s_drain_peers (kp_server_t *self)
{
    int64_t deadline = zclock_mono () + self->config->drain_ms;
    s_flush_peers (self);
    while (self->peers && zclock_mono () < deadline) {
        zclock_sleep (KP_SERVER_FLUSH_MS);
        s_flush_peers (self);
    }
    while (self->peers) {
        s_peer_t *peer = self->peers;
        self->peers = peer->next;
        s_peer_discard (self, peer, KP_METRICS_DROP_FULL, "stopping with replies a peer did not take");
        s_peer_destroy (&peer);
    }
}

static s_peer_t *
s_peer_find (kp_server_t *self, zframe_t *routing_id)
{
    for (s_peer_t *peer = self->peers; peer; peer = peer->next)
        if (zframe_eq (peer->routing_id, routing_id))
            return peer;
    return NULL;
}

//  Holds a reply for a full peer, or drops it when the peer already has
//  its share waiting. Takes the call's packed bytes.
static void
s_hold (kp_server_t *self, s_peer_t *peer, s_item_t *item)
{
    kp_call_t *call = &item->call;
    if (peer->count >= KP_SERVER_PEER_REPLIES || peer->bytes + call->packed_size > KP_SERVER_PEER_BYTES) {
        if (peer->dropped++ == 0)
            kp_log (KP_LOG_WARN, &call->log, "a peer does not read its replies; dropping them until it does");
        kp_metrics_replies_dropped (self->metrics, KP_METRICS_DROP_FULL, 1);
        return;
    }
    s_pending_t *pending = kp_calloc (1, sizeof *pending);
    if (!pending) {
        kp_metrics_replies_dropped (self->metrics, KP_METRICS_DROP_FULL, 1);
        return;
    }
    pending->delimiter = item->delimiter;
    pending->data = call->packed;
    pending->size = call->packed_size;
    call->packed = NULL;
    if (peer->tail)
        peer->tail->next = pending;
    else
        peer->head = pending;
    peer->tail = pending;
    peer->count++;
    peer->bytes += pending->size;
}

//  gcc 12's analyzer loses a block once s_hold links it into the peer's
//  list (peer->tail->next) and reports it leaked at the return after; the
//  list owns it and s_peer_destroy frees it.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
static void
s_deliver (kp_server_t *self, s_item_t *item)
{
    kp_call_t *call = &item->call;
    s_peer_t *peer = s_peer_find (self, item->routing_id);
    if (peer && strcmp (peer->public_key, item->identity.public_key) != 0) {
        //  Its routing id is another connection's now (a peer may choose
        //  its own): what waited for the old one must not reach this one.
        s_peer_t **link = &self->peers;
        while (*link != peer)
            link = &(*link)->next;
        *link = peer->next;
        s_peer_discard (self, peer, KP_METRICS_DROP_GONE, "peer replaced before taking its replies");
        s_peer_destroy (&peer);
    }
    if (peer) {
        //  Behind its earlier replies, in order.
        s_hold (self, peer, item);
        return;
    }
    int error = s_send_now (self, item->routing_id, item->delimiter, call->packed, call->packed_size);
    if (!error)
        return;
    if (error != EAGAIN) {
        //  Gone (EHOSTUNREACH): the client retries with the same key.
        if (!self->gone || !zframe_eq (self->gone, item->routing_id)) {
            kp_log (KP_LOG_WARN, &call->log, "reply not delivered: %s", zmq_strerror (error));
            zframe_destroy (&self->gone);
            self->gone = zframe_dup (item->routing_id);
        }
        kp_metrics_replies_dropped (self->metrics, KP_METRICS_DROP_GONE, 1);
        return;
    }
    peer = kp_calloc (1, sizeof *peer);
    if (!peer) {
        kp_metrics_replies_dropped (self->metrics, KP_METRICS_DROP_FULL, 1);
        return;
    }
    peer->routing_id = zframe_dup (item->routing_id);
    snprintf (peer->public_key, sizeof peer->public_key, "%s", item->identity.public_key);
    snprintf (peer->org_id, sizeof peer->org_id, "%s", item->identity.org_id);
    peer->next = self->peers;
    self->peers = peer;
    s_hold (self, peer, item);
    if (self->flush_timer == -1)
        self->flush_timer = zloop_timer (self->loop, KP_SERVER_FLUSH_MS, 0, s_on_flush, self);
}
#pragma GCC diagnostic pop

static void
s_send (kp_server_t *self, s_item_t *item)
{
    kp_call_t *call = &item->call;
    if (!call->packed)
        call->packed = kp_codec_pack (&call->reply->base, &call->packed_size);
    if (!call->packed)
        return;
    //  Counted before it leaves: whoever got the reply must find it in
    //  the metrics. (A reply replayed from the idempotency store carries
    //  its stored status.)
    kp_metrics_request (self->metrics, call->operation ? call->operation : "undecodable",
                        (int) call->reply->status, zclock_usecs () - item->received_us);
    s_deliver (self, item);
    bool refused = call->reply->status != KUMPPANI__V1__STATUS__STATUS_OK && call->reply->error;
    kp_log (refused ? KP_LOG_INFO : KP_LOG_DEBUG, &call->log, "%s -> %s",
            call->operation ? call->operation : "?", refused ? call->reply->error->code : "ok");
}

static void
s_item_free (s_item_t *item)
{
    kp_codec_request_free (&item->request);
    free (item->call.packed);
    kp_call_arena_free (&item->call);
    zframe_destroy (&item->routing_id);
    zframe_destroy (&item->body);
}

//  One turn of the loop: the requests taken off the socket (up to
//  KP_SERVER_BATCH) and whether a group commit's transaction is open.
typedef struct {
    kp_server_t *self;
    zsock_t *reader;
    size_t count;                   //  items taken
    bool in_batch;                  //  reads and background calls wait for its COMMIT
} s_turn_t;

//  Takes the requests waiting (the first one at once when first: the
//  reader fired) and sorts them: writes go to writes [] (up to max),
//  reads run, the rest are answered. While a group commit's transaction
//  is open, only writes join it; the others are marked to run after it.
static size_t
s_take (s_turn_t *turn, bool first, kp_call_t **writes, size_t max)
{
    kp_server_t *self = turn->self;
    s_item_t *items = self->items;
    size_t write_count = 0;
    while (turn->count < KP_SERVER_BATCH && write_count < max
       && (first || (zsock_events (turn->reader) & ZMQ_POLLIN))) {
        first = false;
        zmsg_t *msg = zmsg_recv (turn->reader);
        if (!msg)
            break;                  //  interrupted
        s_item_t *item = &items [turn->count];
        memset (item, 0, sizeof *item);
        item->received_us = zclock_usecs ();
        bool kept = s_receive (self, msg, item);
        zmsg_destroy (&msg);
        if (!kept) {
            s_item_free (item);
            continue;
        }
        turn->count++;
        if (!item->decodable)
            continue;
        s_kind_t kind = s_import (self, item) ? S_ANSWERED : s_check (self, &item->call);
        bool background = kind != S_ANSWERED && (item->call.route->flags & KP_ROUTE_BACKGROUND);
        if (kind == S_WRITE && !background)
            writes [write_count++] = &item->call;
        else
        if (turn->in_batch && kind != S_ANSWERED)
            item->later = kind;
        else
        if (background)
            item->deferred = s_background_start (self, item, kind == S_WRITE);
        else
        if (kind == S_READ)
            kp_txn_run_read (&item->call);
    }
    return write_count;
}

//  kp_txn_run_batch's more (): writes that arrived while the batch ran.
static size_t
s_more (void *arg, kp_call_t **calls, size_t max)
{
    return s_take (arg, false, calls, max);
}

//  Takes every request already waiting (up to KP_SERVER_BATCH), so that
//  concurrent writers share one commit, and those that arrive while its
//  handlers run join it (kp_txn_run_batch); answers each only after it.
static int
s_on_request (zloop_t *loop, zsock_t *reader, void *arg)
{
    (void) loop;
    kp_server_t *self = arg;
    s_item_t *items = self->items;
    kp_call_t *writes [KP_SERVER_BATCH];
    s_turn_t turn = { .self = self, .reader = reader };
    size_t write_count = s_take (&turn, true, writes, KP_SERVER_BATCH);
    if (write_count) {
        turn.in_batch = true;
        kp_txn_run_batch (writes, &write_count, KP_SERVER_BATCH, s_more, &turn);
        turn.in_batch = false;
    }
    if (write_count > 1)
        kp_debug ("group commit of %zu writes", write_count);
    for (size_t index = 0; index < turn.count; index++) {
        s_item_t *item = &items [index];
        if (item->later == S_READ && (item->call.route->flags & KP_ROUTE_BACKGROUND))
            item->deferred = s_background_start (self, item, false);
        else
        if (item->later == S_WRITE)
            item->deferred = s_background_start (self, item, true);
        else
        if (item->later == S_READ)
            kp_txn_run_read (&item->call);
    }
    for (size_t index = 0; index < turn.count; index++) {
        if (items [index].deferred)
            continue;               //  the worker's now; answered when it is done
        s_send (self, &items [index]);
        s_item_free (&items [index]);
    }
    return 0;
}

//  --------------------------------------------------------------------------
//  Background calls (KP_ROUTE_BACKGROUND): the checks ran on the loop; the
//  call moves whole into a job the worker owns until it says it is done,
//  and the loop then sends its reply like any other.

struct s_background {
    kp_server_t *server;
    s_item_t item;
    bool write;
    kp_worker_t *worker;
    s_background_t *next;
};

//  On the worker's thread: the same transactions as on the loop, so the
//  idempotency key, the audit entry and the refusals work as everywhere.
static void
s_background_run (kp_db_t *db, void *arg)
{
    s_background_t *job = arg;
    kp_call_t *call = &job->item.call;
    call->db = db;
    if (job->write)
        kp_txn_run_writes (&call, 1);
    else
        kp_txn_run_read (call);
    call->db = NULL;                //  destroyed with the thread
}

static void
s_background_finish (kp_server_t *self, s_background_t *job)
{
    zloop_reader_end (self->loop, kp_worker_sock (job->worker));
    kp_worker_destroy (&job->worker);
    s_send (self, &job->item);
    s_item_free (&job->item);
    for (s_background_t **link = &self->background; *link; link = &(*link)->next)
        if (*link == job) {
            *link = job->next;
            break;
        }
    free (job);
}

static int
s_on_background_done (zloop_t *loop, zsock_t *reader, void *arg)
{
    (void) loop;
    (void) reader;
    s_background_t *job = arg;
    s_background_finish (job->server, job);
    return 0;
}

//  True when the call moved to a worker; false when it was answered here
//  (one of its route is running, or no worker could start).
static bool
s_background_start (kp_server_t *self, s_item_t *item, bool write)
{
    kp_call_t *call = &item->call;
    for (s_background_t *job = self->background; job; job = job->next)
        if (job->item.call.route == call->route) {
            //  Not stored with the key: once it is done, a retry runs (or
            //  replays) as usual.
            kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT,
                          call->route->busy_code ? call->route->busy_code : "request.busy", NULL,
                          "this operation is already running; retry when it has finished");
            return false;
        }
    s_background_t *job = kp_calloc (1, sizeof (s_background_t));
    kp_db_t *db = job ? kp_db_clone (self->db) : NULL;
    if (!db) {
        free (job);
        kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_UNAVAILABLE, "request.no_worker", NULL,
                      "no worker could take this call; retry");
        return false;
    }
    job->server = self;
    job->write = write;
    //  The item moves: what pointed into it points into the copy.
    job->item = *item;
    job->item.call.identity = &job->item.identity;
    job->item.call.reply = &job->item.reply;
    job->item.call.log.organisation = job->item.identity.org_id;
    job->worker = kp_worker_new (&db, s_background_run, job);
    if (!job->worker) {
        free (job);
        kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_UNAVAILABLE, "request.no_worker", NULL,
                      "no worker could take this call; retry");
        return false;
    }
    zloop_reader (self->loop, kp_worker_sock (job->worker), s_on_background_done, job);
    job->next = self->background;
    self->background = job;
    kp_log (KP_LOG_DEBUG, &job->item.call.log, "%s runs in the background", call->operation);
    return true;
}

//  At shutdown: a background call is a request in hand; it finishes and
//  its reply goes out, as drain promises for every request.
static void
s_background_drain (kp_server_t *self)
{
    while (self->background) {
        kp_log (KP_LOG_INFO, &self->background->item.call.log, "waiting for %s to finish",
                self->background->item.call.operation);
        s_background_finish (self, self->background);
    }
}
