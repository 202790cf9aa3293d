/*  kp_server — one loop, one ROUTER, one database connection per process.
    Requests are handled one at a time to completion, so "drain" is simple:
    when SIGTERM arrives the request in hand finishes and its reply goes out
    with linger; nothing new is read. Scale out by running more processes. */
#include "kp_server.h"
#include "kp_audit.h"
#include "kp_codec.h"
#include "kp_idem.h"
#include "kp_ids.h"
#include "kp_outbox.h"

#include <assert.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#define KP_TXN_TRIES 3

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
};

static volatile sig_atomic_t s_reload_requested = 0;

static void
s_on_sighup (int signum)
{
    (void) signum;
    s_reload_requested = 1;
}

static int s_on_request (zloop_t *loop, zsock_t *reader, void *arg);

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
    kp_server_t *self = calloc (1, sizeof (kp_server_t));
    if (!self)
        return NULL;
    self->config = config;
    self->service = service;
    self->routes = routes;
    self->service_ctx = service_ctx;
    self->started = time (NULL);

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
    if (s_start_auth (self))
        goto failed;

    self->router = zsock_new (ZMQ_ROUTER);
    zsock_set_zap_domain (self->router, "kumppani");
    zsock_set_curve_server (self->router, 1);
    zcert_apply (self->cert, self->router);
    zsock_set_maxmsgsize (self->router, (int64_t) config->max_msg_size);
    //  A reply to a vanished peer fails loudly instead of vanishing.
    zsock_set_router_mandatory (self->router, 1);
    if (zsock_bind (self->router, "%s", config->endpoints [service]) == -1) {
        kp_error ("cannot bind %s: %s", config->endpoints [service], zmq_strerror (zmq_errno ()));
        goto failed;
    }
    self->loop = zloop_new ();
    zloop_reader (self->loop, self->router, s_on_request, self);
    zloop_reader_set_tolerant (self->loop, self->router);
    signal (SIGHUP, s_on_sighup);
    kp_info ("serving %s on %s", kp_service_name (service), config->endpoints [service]);
    return self;

failed:
    kp_server_destroy (&self);
    return NULL;
}

void
kp_server_destroy (kp_server_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    kp_server_t *self = *self_p;
    zloop_destroy (&self->loop);
    if (self->router)
        zsock_set_linger (self->router, self->config->drain_ms);
    zsock_destroy (&self->router);
    zactor_destroy (&self->auth);
    zcert_destroy (&self->cert);
    kp_db_destroy (&self->db);
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

void
kp_server_set_context (kp_server_t *self, void *service_ctx)
{
    self->service_ctx = service_ctx;
}

void
kp_server_set_health_hook (kp_server_t *self, kp_health_fn *hook)
{
    self->health_hook = hook;
}

int
kp_server_run (kp_server_t *self)
{
    while (!zsys_interrupted) {
        //  zloop returns on any signal; SIGHUP means reload the admitted
        //  certificates (zcertstore can miss an overwritten file).
        if (zloop_start (self->loop) == -1)
            return -1;
        if (s_reload_requested) {
            s_reload_requested = 0;
            kp_info ("reloading certificates from %s", self->config->certs_dir);
            zstr_sendx (self->auth, "CURVE", self->config->certs_dir, NULL);
            zsock_wait (self->auth);
        }
    }
    kp_info ("draining and stopping");
    return 0;
}

//  --------------------------------------------------------------------------
//  Handler helpers

//  Each block is chained to the call's arena and freed with the call.
typedef struct s_block {
    struct s_block *next;
    max_align_t data [];
} s_block_t;

void *
kp_call_alloc (kp_call_t *call, size_t size)
{
    s_block_t *block = calloc (1, sizeof (s_block_t) + size);
    assert (block);             //  out of memory is not a request error
    block->next = call->arena;
    call->arena = block;
    return block->data;
}

static void
s_arena_free (kp_call_t *call)
{
    for (s_block_t *block = call->arena; block; ) {
        s_block_t *next = block->next;
        free (block);
        block = next;
    }
    call->arena = NULL;
}

char *
kp_call_strdup (kp_call_t *call, const char *text)
{
    size_t len = strlen (text);
    char *copy = kp_call_alloc (call, len + 1);
    if (copy)
        memcpy (copy, text, len + 1);
    return copy;
}

int
kp_call_fail (kp_call_t *call, Kumppani__V1__Status status, const char *code,
              const char *field, const char *message)
{
    Kumppani__V1__Error *error = kp_call_alloc (call, sizeof (Kumppani__V1__Error));
    kumppani__v1__error__init (error);
    error->code = kp_call_strdup (call, code ? code : "");
    error->field = kp_call_strdup (call, field ? field : "");
    error->message = kp_call_strdup (call, message ? message : "");
    call->reply->status = status;
    call->reply->error = error;
    call->reply->body_case = KUMPPANI__V1__REPLY__BODY__NOT_SET;
    return -1;
}

int
kp_call_db_fail (kp_call_t *call)
{
    const char *state = kp_db_sqlstate (call->db);
    kp_log (KP_LOG_WARN, &call->log, "database error %s: %s", state, kp_db_message (call->db));
    return kp_call_fail (call, (Kumppani__V1__Status) kp_db_status_for (state), "db.error",
                         NULL, "the request could not be completed; retry with the same key");
}

const char *
kp_role_name (Kumppani__V1__Role role)
{
    const ProtobufCEnumValue *value =
        protobuf_c_enum_descriptor_get_value (&kumppani__v1__role__descriptor, (int) role);
    return value ? value->name : "ROLE_UNKNOWN";
}

int
kp_call_audit (kp_call_t *call, const char *client_ref, const char *basis,
               const char *recipient_org, const char *detail)
{
    const Kumppani__V1__Actor *actor = call->request->actor;
    kp_audit_entry_t entry = {
        .org_id = call->identity->org_id,
        .person_id = actor ? actor->person_id : "",
        .role = kp_role_name (actor ? actor->role : KUMPPANI__V1__ROLE__ROLE_UNSPECIFIED),
        .action = call->operation,
        .client_ref = client_ref, .basis = basis,
        .recipient_org = recipient_org, .detail = detail
    };
    return kp_audit_append (call->db, &entry);
}

bool
kp_org_type_in (const char *org_type, const char *list)
{
    size_t len = strlen (org_type);
    for (const char *word = list; word && *word; ) {
        while (*word == ' ')
            word++;
        size_t word_len = strcspn (word, " ");
        if (word_len == len && len && strncmp (word, org_type, len) == 0)
            return true;
        word += word_len;
    }
    return false;
}

//  --------------------------------------------------------------------------
//  Request handling

static void
s_identity_from_frame (zframe_t *frame, kp_identity_t *identity)
{
    memset (identity, 0, sizeof *identity);
    const char *value;
    if ((value = zframe_meta (frame, "org_id")))
        snprintf (identity->org_id, sizeof identity->org_id, "%s", value);
    if ((value = zframe_meta (frame, "org_type")))
        snprintf (identity->org_type, sizeof identity->org_type, "%s", value);
    if ((value = zframe_meta (frame, "municipality")))
        snprintf (identity->municipality, sizeof identity->municipality, "%s", value);
    if ((value = zframe_meta (frame, "User-Id")))
        snprintf (identity->public_key, sizeof identity->public_key, "%s", value);
}

static const kp_route_t *
s_route_for (kp_server_t *self, int body_case)
{
    for (const kp_route_t *route = self->routes; route && route->operation; route++)
        if (route->body_case == body_case)
            return route;
    return NULL;
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

static bool
s_is_domain_outcome (Kumppani__V1__Status status)
{
    return status == KUMPPANI__V1__STATUS__STATUS_OK
        || status == KUMPPANI__V1__STATUS__STATUS_INVALID
        || status == KUMPPANI__V1__STATUS__STATUS_NOT_FOUND
        || status == KUMPPANI__V1__STATUS__STATUS_CONFLICT
        || status == KUMPPANI__V1__STATUS__STATUS_FORBIDDEN;
}

static void
s_reset_reply (kp_call_t *call)
{
    kumppani__v1__reply__init (call->reply);
    call->reply->correlation_id = (char *) call->request->correlation_id;
    call->reply->status = KUMPPANI__V1__STATUS__STATUS_OK;
}

//  A stored reply for a retried key, re-packed with this request's
//  correlation id. NULL if the stored bytes cannot be read.
static uint8_t *
s_repack_stored (const char *correlation_id, const uint8_t *stored, size_t size, size_t *out_size)
{
    Kumppani__V1__Reply *reply = kumppani__v1__reply__unpack (NULL, size, stored);
    if (!reply)
        return NULL;
    char *original = reply->correlation_id;
    reply->correlation_id = (char *) correlation_id;
    uint8_t *packed = kp_codec_pack (&reply->base, out_size);
    reply->correlation_id = original;
    kumppani__v1__reply__free_unpacked (reply, NULL);
    return packed;
}

//  One attempt at a mutating request in one transaction: look up the key,
//  run the handler behind a savepoint, store the reply with the key,
//  commit. A domain refusal (INVALID, CONFLICT, …) is stored too, with the
//  handler's partial writes rolled back, so a retry sees the same answer.
//  Returns 0 with *out set, or -1 with kp_db_class telling whether to retry.
static int
s_mutating_attempt (kp_call_t *call, const uint8_t *hash, uint8_t **out, size_t *out_size)
{
    kp_db_t *db = call->db;
    const char *org = call->identity->org_id;
    const char *key = call->request->idempotency_key;
    *out = NULL;
    s_reset_reply (call);
    if (kp_db_begin (db))
        return -1;

    uint8_t *stored = NULL;
    size_t stored_size = 0;
    bool same_request = false;
    int found = kp_idem_lookup (db, org, key, hash, &stored, &stored_size, &same_request);
    if (found == -1)
        goto failed;
    if (found == 1) {
        kp_db_rollback (db);
        if (same_request)
            *out = s_repack_stored (call->request->correlation_id, stored, stored_size, out_size);
        free (stored);
        if (!same_request)
            kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "idempotency.key_reused",
                          "idempotency_key", "this key was used for a different request");
        else
        if (!*out)
            kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INTERNAL, "idempotency.corrupt",
                          NULL, "the stored reply cannot be read");
        return 0;
    }
    if (kp_db_command (db, "SAVEPOINT handler"))
        goto failed;
    const kp_route_t *route = s_route_for (call->server, call->request->body_case);
    if (route->handler (call) != 0 && call->reply->status == KUMPPANI__V1__STATUS__STATUS_OK)
        kp_call_db_fail (call);
    if (!s_is_domain_outcome (call->reply->status)) {
        //  Unavailable or internal: nothing stored, the client may retry.
        if (kp_db_class (db) == KP_DB_RETRY)
            goto failed;
        kp_db_rollback (db);
        return 0;
    }
    if (call->reply->status != KUMPPANI__V1__STATUS__STATUS_OK
    &&  kp_db_command (db, "ROLLBACK TO SAVEPOINT handler"))
        goto failed;
    uint8_t *packed = kp_codec_pack (&call->reply->base, out_size);
    if (!packed
    ||  kp_idem_store (db, org, key, call->operation, hash, packed, *out_size)
    ||  kp_db_commit (db)) {
        free (packed);
        goto failed;
    }
    *out = packed;
    return 0;

failed:
    kp_db_rollback (db);
    return -1;
}

static void
s_run_mutating (kp_call_t *call)
{
    uint8_t hash [KP_IDEM_HASH_BYTES];
    kp_idem_request_hash (call->operation, kp_codec_request_body (call->request), hash);
    for (int attempt = 1; attempt <= KP_TXN_TRIES; attempt++) {
        uint8_t *out = NULL;
        size_t out_size = 0;
        if (s_mutating_attempt (call, hash, &out, &out_size) == 0) {
            if (out) {
                //  Already packed (stored or fresh): send these bytes.
                call->packed = out;
                call->packed_size = out_size;
            }
            return;
        }
        //  A twin request with the same key committed first: take its reply.
        if (kp_db_class (call->db) != KP_DB_RETRY && kp_db_class (call->db) != KP_DB_DUPLICATE)
            break;
    }
    s_reset_reply (call);
    kp_call_db_fail (call);
}

//  A read (or any non-mutating call) runs in one transaction too, so its
//  audit row commits with it; a refused read leaves nothing behind.
static void
s_run_reading (kp_call_t *call, const kp_route_t *route)
{
    for (int attempt = 1; attempt <= KP_TXN_TRIES; attempt++) {
        s_reset_reply (call);
        if (kp_db_begin (call->db) == 0) {
            if (route->handler (call) != 0 && call->reply->status == KUMPPANI__V1__STATUS__STATUS_OK)
                kp_call_db_fail (call);
            if (call->reply->status == KUMPPANI__V1__STATUS__STATUS_OK) {
                if (kp_db_commit (call->db) == 0)
                    return;
            }
            else {
                kp_db_rollback (call->db);
                if (kp_db_class (call->db) != KP_DB_RETRY)
                    return;
            }
        }
        if (kp_db_class (call->db) != KP_DB_RETRY)
            break;
    }
    s_reset_reply (call);
    kp_call_db_fail (call);
}

//  Checks that do not need the database, in the order a caller would fix
//  them: who you are, what you asked, who you act as, whether you may.
static void
s_dispatch (kp_call_t *call)
{
    kp_server_t *self = call->server;
    const Kumppani__V1__Request *request = call->request;
    if (!*call->identity->org_id || !*call->identity->org_type) {
        kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_UNAUTHENTICATED, "auth.no_organisation",
                      NULL, "the client certificate names no organisation");
        return;
    }
    if (request->body_case == KUMPPANI__V1__REQUEST__BODY_HEALTH) {
        call->operation = "health";
        s_health (call);
        return;
    }
    const kp_route_t *route = s_route_for (self, request->body_case);
    if (!route) {
        kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "request.unsupported_operation",
                      "body", "this service does not handle that operation");
        return;
    }
    call->operation = route->operation;
    call->log.operation = route->operation;
    if (!(route->flags & KP_ROUTE_NO_ACTOR)) {
        if (!request->actor || !*request->actor->person_id) {
            kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "request.actor_required",
                          "actor.person_id", "the person acting must be named");
            return;
        }
        if (request->actor->role == KUMPPANI__V1__ROLE__ROLE_UNSPECIFIED
        ||  !protobuf_c_enum_descriptor_get_value (&kumppani__v1__role__descriptor,
                                                   (int) request->actor->role)) {
            kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "request.actor_role",
                          "actor.role", "the actor's role is missing or unknown");
            return;
        }
    }
    if (route->org_types && !kp_org_type_in (call->identity->org_type, route->org_types)) {
        kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, "auth.forbidden",
                      NULL, "your organisation may not use this operation");
        return;
    }
    if (route->flags & KP_ROUTE_MUTATING) {
        if (!*request->idempotency_key) {
            kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "request.idempotency_key_required",
                          "idempotency_key", "mutating requests need an idempotency key");
            return;
        }
        s_run_mutating (call);
    }
    else
        s_run_reading (call, route);
}

static void
s_send (kp_server_t *self, zframe_t *routing_id, bool delimiter, const uint8_t *data, size_t size)
{
    zmsg_t *msg = zmsg_new ();
    zmsg_append (msg, &routing_id);
    if (delimiter)
        zmsg_addmem (msg, NULL, 0);
    zmsg_addmem (msg, data, size);
    if (zmsg_send (&msg, self->router) == -1) {
        //  ROUTER_MANDATORY: the peer is gone or full. The client retries.
        kp_warn ("reply not delivered: %s", zmq_strerror (zmq_errno ()));
        zmsg_destroy (&msg);
    }
}

static int
s_on_request (zloop_t *loop, zsock_t *reader, void *arg)
{
    (void) loop;
    kp_server_t *self = arg;
    zmsg_t *msg = zmsg_recv (reader);
    if (!msg)
        return 0;                   //  interrupted
    //  [routing-id][body] from DEALER, [routing-id][""][body] from REQ.
    size_t frames = zmsg_size (msg);
    zframe_t *routing_id = zmsg_pop (msg);
    bool delimiter = frames == 3 && zframe_size (zmsg_first (msg)) == 0;
    if (delimiter) {
        zframe_t *empty = zmsg_pop (msg);
        zframe_destroy (&empty);
    }
    zframe_t *body = zmsg_pop (msg);

    Kumppani__V1__Reply reply = KUMPPANI__V1__REPLY__INIT;
    kp_identity_t identity;
    kp_call_t call = {
        .server = self, .db = self->db, .service = self->service_ctx,
        .identity = &identity, .reply = &reply
    };
    Kumppani__V1__Request *request = NULL;
    kp_codec_error_t error;

    if (!routing_id || !body || zmsg_size (msg) > 0 || frames > 3) {
        //  Not addressable or not our framing: nothing sensible to answer.
        kp_warn ("dropping request with %zu frames", frames);
        goto cleanup;
    }
    s_identity_from_frame (body, &identity);
    call.log.organisation = identity.org_id;
    if (kp_codec_request_decode (zframe_data (body), zframe_size (body),
                                 self->config->max_msg_size, &request, &error)) {
        kp_log (KP_LOG_WARN, &call.log, "refused request: %s %s", error.code, error.field);
        reply.status = KUMPPANI__V1__STATUS__STATUS_INVALID;
        Kumppani__V1__Error body_error = KUMPPANI__V1__ERROR__INIT;
        body_error.code = (char *) error.code;
        body_error.field = error.field;
        body_error.message = "the request could not be decoded";
        reply.error = &body_error;
        size_t size;
        uint8_t *packed = kp_codec_pack (&reply.base, &size);
        if (packed)
            s_send (self, routing_id, delimiter, packed, size);
        routing_id = NULL;
        free (packed);
        goto cleanup;
    }
    call.request = request;
    call.log.request_id = request->correlation_id;
    s_reset_reply (&call);
    s_dispatch (&call);

    if (call.packed)
        s_send (self, routing_id, delimiter, call.packed, call.packed_size);
    else {
        size_t size;
        uint8_t *packed = kp_codec_pack (&reply.base, &size);
        if (packed)
            s_send (self, routing_id, delimiter, packed, size);
        free (packed);
    }
    routing_id = NULL;
    kp_log (reply.status == KUMPPANI__V1__STATUS__STATUS_OK || call.packed ? KP_LOG_DEBUG : KP_LOG_INFO,
            &call.log, "%s -> %s", call.operation ? call.operation : "?",
            reply.error ? reply.error->code : "ok");

cleanup:
    kp_codec_request_free (&request);
    free (call.packed);
    s_arena_free (&call);
    zframe_destroy (&routing_id);
    zframe_destroy (&body);
    zmsg_destroy (&msg);
    return 0;
}
