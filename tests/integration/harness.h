/*  harness — what the integration suites share: a private certificate
    directory per test, real service processes started from the built
    binaries against the throwaway cluster scripts/test.sh made, clients
    for any sample organisation, and an administrator connection for
    checking what reached the database. */
#ifndef KPT_HARNESS_H
#define KPT_HARNESS_H

#include "kp_client.h"
#include "kp_config.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <sys/types.h>

//  Certificates for the services and these organisations are admitted:
//  kela, muni-743, muni-091, muni-179 and muni-837 (municipalities),
//  debt-743, ngo-743, integrator-743, operator, importer (kumppani import),
//  and the counties county-ep (EP), county-ks (KS) and helsinki (HKI), all
//  registered in kp.organisations. "stranger" has a certificate that is NOT
//  admitted; "nometa" is admitted but its certificate names no organisation.
void kpt_setup (void);
void kpt_teardown (void);
//  The same on a database of the suite's own, a copy of the freshly
//  migrated one (scripts/test.sh keeps it as KUMPPANI_TEST_TEMPLATE_DB),
//  dropped at teardown. For the suites that move the services' clock:
//  a month ahead, every other suite's referrals and cases are overdue,
//  and the watch would be busy with their breaches (and send them).
void kpt_setup_own_database (void);
void kpt_teardown_own_database (void);
//  For suites that build a database up themselves (migrations applied
//  step by step): an empty database of the test's own, kpt_<pid>, made
//  by kpt_setup_empty_database (.init) and dropped with kpt_teardown's
//  work by kpt_teardown_empty_database (.fini); its superuser conninfo
//  and its name. Starts no services and makes no certificates.
void kpt_setup_empty_database (void);
void kpt_teardown_empty_database (void);
const char *kpt_database_conninfo (void);
const char *kpt_database_name (void);
//  The migrations directory make test applies; and a copy of the
//  migrations numbered below number ("0032") in copy, a mkdtemp template,
//  for a database as it stood before that migration.
const char *kpt_migrations_dir (void);
void kpt_migrations_before (const char *number, char *copy);

//  Starts a service with the test environment plus extra "NAME=value"
//  entries (NULL-terminated, may be NULL) and waits until it answers
//  health (bounded). Returns its pid; the test fails if it never answers.
pid_t kpt_service_start (const char *service, const char *const *extra_env);
//  The same with the service's test build (build/tests/bin: the service
//  plus the failure tests' seam, tests/fault), for KUMPPANI_TEST_FAULT.
pid_t kpt_service_start_test_build (const char *service, const char *const *extra_env);
//  GET /metrics on a loopback port: the value of the sample whose name and
//  labels are exactly series, or -1 when there is none.
long long kpt_metric (int port, const char *series);
//  SIGTERM, then waits (bounded); returns the exit status, or -1 on signal/timeout.
int kpt_service_stop (const char *service);
//  Waits (bounded) for a service that was already told to stop; returns
//  its exit status, or -1 on signal/timeout.
int kpt_service_wait (const char *service);
//  Sends a signal without waiting.
void kpt_service_signal (const char *service, int signum);
//  What clients connect to: the service's endpoint, or after kpt_scale_out
//  both instances' as a list (kp_endpoints).
const char *kpt_endpoint (const char *service);
//  Scale-out: called after kpt_setup and before any service starts, gives
//  every service a second instance (its own endpoints, same database and
//  certificate). The services then hear of both instances of each other,
//  and kpt_client connects to both.
void kpt_scale_out (void);
//  Instance 0 (what kpt_service_start starts) or 1 of a service; its own
//  endpoint, not the list.
pid_t kpt_instance_start (const char *service, int instance, const char *const *extra_env);
const char *kpt_instance_endpoint (const char *service, int instance);
//  SIGKILL and reaps one instance.
void kpt_instance_kill (const char *service, int instance);
//  A TCP port on loopback that was free a moment ago.
int kpt_free_port (void);
//  The stream's live (ROUTER) endpoint, for subscribers' DEALERs (after
//  kpt_scale_out, both instances').
const char *kpt_pub_endpoint (void);
//  "DIR/kind" (kind: services, clients, admitted) and "DIR/kind/name.cert";
//  each call returns a new static buffer of a small ring (per thread).
const char *kpt_cert_dir (const char *kind);
const char *kpt_cert_path (const char *kind, const char *name);

//  A client of service acting for org (one of the names above).
kp_client_t *kpt_client (const char *service, const char *org);
//  One call, 5 s timeout, no retries. A report table in the reply is
//  re-audited (kpt_report_audit) and the test fails if it does not pass.
Kumppani__V1__Reply *kpt_call (kp_client_t *client, Kumppani__V1__Request *request);
//  The disclosure audit of a received report table from what it publishes
//  alone (harness_audit.c): every suppressed cell's feasible interval
//  under the table's relations at least the threshold wide. NULL when it
//  passes, else why not (static text).
const char *kpt_report_audit (const Kumppani__V1__ReportTable *table);
//  A request with a fresh correlation id, an actor and (if mutating) a
//  fresh idempotency key; strings live until the next kpt_request call
//  on the same thread.
void kpt_request (Kumppani__V1__Request *request, Kumppani__V1__Actor *actor,
                  Kumppani__V1__Role role, bool mutating);
//  Kela's submission of notice under key and correlation, packed as the
//  wire carries it (for tests that send raw frames); caller frees it.
uint8_t *kpt_pack_kela_submit (Kumppani__V1__SubmitReferral *notice, const char *key,
                               const char *correlation, size_t *size);

//  A request of body_case carrying body (the oneof's member for that
//  case), built by kpt_request for role, sent by kpt_call; the test fails
//  when no reply comes, or when it is not OK (status and code said).
Kumppani__V1__Reply *kpt_call_ok (kp_client_t *client, Kumppani__V1__Role role, int body_case,
                                  void *body, bool mutating);
//  The first (or, last true, the latest) event of topic about aggregate,
//  decoded (caller frees); the test fails if there is none.
Kumppani__V1__Event *kpt_event_about (const char *topic, const char *aggregate, bool last);

//  The role org's people act in (the first its organisation type may
//  claim, common/kp_role.c): a social worker for a municipality, a Kela
//  officer for Kela, an NGO worker for an NGO, …
Kumppani__V1__Role kpt_role_of (const char *org);

//  The administrator connection, one per process and cached: from the
//  test's own thread only (a libpq connection is not for two threads).
PGconn *kpt_admin (void);
//  A connection logging in as a service's own role; caller PQfinish'es it.
PGconn *kpt_connect_as (const char *role);
//  Appends event (topic, aggregate_id, payload set; occurred_at defaults
//  to now) through kp.append_event on conn, with the stream scope the
//  services give theirs. Returns its seq; the test fails if it cannot.
//  kpt_try_append_event is the same for a test's own threads, where an
//  assertion cannot fail the test: -1 when the append failed.
long long kpt_try_append_event (PGconn *conn, Kumppani__V1__Event *event, const char *municipality,
                                const char *sender_org, const char *recipient_org);
long long kpt_append_event (PGconn *conn, Kumppani__V1__Event *event, const char *municipality,
                            const char *sender_org, const char *recipient_org);
//  Appends, as the referral service, a referral.received for a referral it
//  never recorded (id "<prefix>-<pid>"): a poison event to every consumer
//  of referral events. Returns its seq.
long long kpt_append_unknown_referral (const char *prefix);
//  Closes the cached administrator connection; call before fork (), since
//  a libpq connection must never be shared by two processes.
void kpt_admin_close (void);
//  Registers (or makes active again) an organisation in kp.organisations,
//  as `kumppani org add` would; area is a municipality code, a county's
//  organiser ("EP") or NULL. Services read it at start and on SIGHUP.
void kpt_register (const char *org_id, const char *org_type, const char *area);
//  The first column of the first row of a query as an integer (-1 on error).
long long kpt_scalar (const char *sql, const char *param);

//  Stops (fast shutdown: sessions cut) and starts the throwaway cluster's
//  PostgreSQL through scripts/pg.sh; the test fails if either does not.
//  Both close the cached administrator connection first. A suite that
//  stops it must start it again in its .fini, even when the test failed.
void kpt_pg_stop (void);
void kpt_pg_start (void);

//  A valid (synthetic) henkilötunnus into out (12 bytes): DDMMYY, the
//  century sign, a three-digit individual number, the check character.
void kpt_hetu (char *out, const char *ddmmyy, char sign, int number);

//  harness_cli: the real `kumppani` binary as a child acting for org (NULL:
//  no client certificate), with only the KUMPPANI_* it documents pointing
//  at this test's services. args is NULL-terminated; *out_fd reads its
//  output (and its standard error too while kpt_cli_merge_stderr is set).
extern bool kpt_cli_merge_stderr;
pid_t kpt_cli_spawn (const char *org, const char *const *args, int *out_fd);
//  Collects the output until the child exits (killed after timeout_ms).
//  Returns its exit status, or -1 if it had to be killed.
int kpt_cli_finish (pid_t pid, int fd, char *out, size_t size, int timeout_ms);
//  Both, with a 30 s bound.
int kpt_cli_run (const char *org, char *out, size_t size, const char *const *args);

#endif
