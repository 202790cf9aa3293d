/*  kp_server — the request side every service shares: a CURVE ROUTER
    behind zauth, decoding, identity from the certificate's ZAP metadata,
    a dispatch table by body case that also holds the service's
    authorisation matrix, idempotent transactions, the health request, and
    a graceful drain on SIGTERM / SIGINT. Services supply routes and
    handlers and nothing else. */
#ifndef KP_SERVER_H
#define KP_SERVER_H

#include "kp_admitted.h"
#include "kp_audit.h"
#include "kp_config.h"
#include "kp_db.h"
#include "kp_hetu.h"
#include "kp_log.h"
#include "kp_metrics.h"
#include "kumppani/v1/envelope.pb-c.h"

#include <czmq.h>

#define KP_VERSION_STRING "0.1.0"

typedef struct _kp_server_t kp_server_t;
typedef struct _kp_call_t kp_call_t;
typedef struct _kp_route_t kp_route_t;

//  What a handler sees. The reply is pre-set to STATUS_OK; a handler fills
//  its body (memory from kp_call_alloc lives until the reply is sent) or
//  fails with kp_call_fail.
struct _kp_call_t {
    kp_server_t *server;
    kp_db_t *db;
    void *service;                          //  the service's own context
    const kp_identity_t *identity;
    const Kumppani__V1__Request *request;
    Kumppani__V1__Reply *reply;
    const char *operation;
    const kp_route_t *route;                //  set once the call is routed
    kp_log_ctx_t log;
    void *arena;                            //  kp_call_alloc blocks, freed after the reply
    uint8_t *packed;                        //  reply bytes ready to send, if set
    size_t packed_size;
    char **ignored_fields;                  //  the request's unknown fields, echoed on the reply
    size_t n_ignored_fields;
    //  An imported record's original time (0: now), set only for an
    //  importer's call (kp_server); kp_txn gives it to the connection.
    int64_t clock_us;
    char imported_by [64];                  //  the importer's organisation ("" live); audited
    //  What the route's stage kept for its flush (kp_call_alloc memory),
    //  NULL when the call was not staged.
    void *staged;
};

typedef int (kp_handler_fn) (kp_call_t *call);

//  Set-based writes (issue 23). A route's stage does what its handler
//  does for one call short of the statement that writes it: it validates
//  (refusing with kp_call_fail exactly as the handler), appends the
//  call's audit row and event, and keeps the row in call->staged. It
//  returns KP_STAGED, KP_NOT_STAGED (this call needs a statement of its
//  own: the handler runs instead), or -1 refused. The route's flush then
//  writes every staged call of the batch in one statement and fills their
//  reply bodies: 0, or -1 when any call lacks its row (the batch then
//  runs the careful way, every call through its handler; kp_txn.c).
#define KP_STAGED       0
#define KP_NOT_STAGED   1
typedef int (kp_stage_fn) (kp_call_t *call);
typedef int (kp_flush_fn) (kp_call_t **calls, size_t count);

#define KP_ROUTE_MUTATING   1       //  needs an idempotency key; runs in one transaction
#define KP_ROUTE_NO_ACTOR   2       //  no person behind it (health)
//  A long operation: checked on the loop like any other, then run on a
//  worker thread with a connection of its own (kp_worker) while the loop
//  serves on; the reply leaves when the worker is done. One at a time per
//  route: another call meanwhile is refused CONFLICT with busy_code. The
//  handler sees its call and call->db only; it must not touch the loop's
//  things (the service context, the server's connection or sockets).
#define KP_ROUTE_BACKGROUND 4

//  One row of a service's dispatch table, ending with { 0 }. org_types is a
//  space-separated list of organisation types allowed to call it; NULL
//  admits every authenticated organisation (the handler then decides).
struct _kp_route_t {
    int body_case;                  //  KUMPPANI__V1__REQUEST__BODY_*
    const char *operation;          //  "reporting.submit_observation"
    unsigned flags;
    const char *org_types;
    kp_handler_fn *handler;
    const char *busy_code;          //  KP_ROUTE_BACKGROUND: CONFLICT code while one runs
    kp_stage_fn *stage;             //  optional, with flush: set-based writes (above)
    kp_flush_fn *flush;
};

//  statements: NULL-terminated list of statement tables to prepare.
kp_server_t *kp_server_new (const kp_config_t *config, kp_service_t service,
                            const kp_route_t *routes, const kp_stmt_t *const *statements,
                            void *service_ctx);
void kp_server_destroy (kp_server_t **self_p);
//  The loop, for services that add their own readers and timers.
zloop_t *kp_server_loop (kp_server_t *self);
kp_db_t *kp_server_db (kp_server_t *self);
//  The admitted certificates as of the last (re)load: who each key is.
kp_admitted_t *kp_server_admitted (kp_server_t *self);
//  The identity of an admitted certificate naming org_id, copied into
//  *identity: 0, or -1 when none does. Safe on any thread (a consumer's
//  handler): a SIGHUP replaces the record under a lock.
int kp_server_find_org (kp_server_t *self, const char *org_id, kp_identity_t *identity);
//  This process's metrics (counted always, served when a port is set).
kp_metrics_t *kp_server_metrics (kp_server_t *self);
//  Serves until SIGTERM / SIGINT, then drains: no new requests are read,
//  the reply in hand is sent with linger. 0 on a clean stop.
int kp_server_run (kp_server_t *self);
//  Extra figures for the health reply (parked events, head seq).
typedef void (kp_health_fn) (void *service, Kumppani__V1__HealthReply *health);
void kp_server_set_health_hook (kp_server_t *self, kp_health_fn *hook);
//  Called after a SIGHUP has reloaded the admitted certificates, for
//  sockets of the service's own that must forget revoked peers too.
typedef void (kp_reload_fn) (void *arg);
void kp_server_set_reload_hook (kp_server_t *self, kp_reload_fn *hook, void *arg);
//  The service context handlers receive as call->service.
void kp_server_set_context (kp_server_t *self, void *service_ctx);
//  The henkilötunnus keys of a service whose replies may carry one
//  (borrowed; they must outlive the run): its stored replies are sealed
//  with them and its request hashes keyed. NULL for a call outside a server.
void kp_server_set_hetu_keys (kp_server_t *self, const kp_hetu_keys_t *keys);
const kp_hetu_keys_t *kp_server_hetu_keys (kp_server_t *self);

//  Handler helpers (kp_call.c).
void *kp_call_alloc (kp_call_t *call, size_t size);
//  Frees everything kp_call_alloc gave this call (the server does this).
void kp_call_arena_free (kp_call_t *call);
//  Back to STATUS_OK with no body, keeping the correlation id.
void kp_call_reset_reply (kp_call_t *call);
char *kp_call_strdup (kp_call_t *call, const char *text);
//  Sets the reply's status and error; returns -1 for `return kp_call_fail (…)`.
int kp_call_fail (kp_call_t *call, Kumppani__V1__Status status, const char *code,
                  const char *field, const char *message);
//  Fails with the status for the connection's last SQLSTATE.
int kp_call_db_fail (kp_call_t *call);
//  Audits this call in its transaction (action = the operation).
int kp_call_audit (kp_call_t *call, const char *client_ref, const char *basis,
                   const char *recipient_org, const char *detail);
//  The audit entry kp_call_audit appends, for a handler that appends it in
//  a statement of its own through kp.audit_append.
void kp_call_audit_entry (kp_call_t *call, const char *client_ref, const char *basis,
                          const char *recipient_org, const char *detail, kp_audit_entry_t *entry);
const char *kp_role_name (Kumppani__V1__Role role);
//  True if org_type is a word of the space-separated list.
bool kp_org_type_in (const char *org_type, const char *list);

#endif
