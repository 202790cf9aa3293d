/*  harness — see harness.h. Nothing here mocks: certificates are real
    CURVE keys, services are the built binaries, the database is the
    cluster made by scripts/test.sh. */
#include "harness.h"
#include "kp_role.h"
#include "kp_codec.h"
#include "kp_ids.h"
#include "kp_outbox.h"

#include <criterion/criterion.h>
#include <ctype.h>
#include <czmq.h>
#include <sodium.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define KPT_MAX_SERVICES 5

static char s_dir [256];
static PGconn *s_admin;
//  Instance 0 is the service as every suite starts it; kpt_scale_out
//  gives each a second one, and the endpoints then list both.
static struct {
    char name [16];
    char endpoint [64];
    char pub_endpoint [64];
    pid_t pid;
    char endpoint2 [64];
    char pub_endpoint2 [64];
    pid_t pid2;
    char endpoints [130];           //  what clients and the other services connect to
    char pub_endpoints [130];
} s_services [KPT_MAX_SERVICES];
static bool s_scaled_out;

static const struct {
    const char *org, *type, *municipality;
    bool admitted;
    const char *county;             //  a county's organiser
} s_orgs [] = {
    { "kela", "kela", NULL, true },
    { "muni-743", "municipality", "743", true },
    { "muni-091", "municipality", "091", true },
    { "muni-179", "municipality", "179", true },
    { "muni-837", "municipality", "837", true },
    { "debt-743", "debt_counselling", "743", true },
    { "ngo-743", "ngo", "743", true },
    { "integrator-743", "integrator", "743", true },
    { "operator", "operator", NULL, true },
    { "importer", "importer", NULL, true },
    { "stranger", "municipality", "743", false },
    { "nometa", NULL, NULL, true },
    //  County A and county B, and Helsinki as its own organiser.
    { "county-ep", "county", NULL, true, "EP" },
    { "county-ks", "county", NULL, true, "KS" },
    { "helsinki", "county", NULL, true, "HKI" },
    { NULL }
};

static const char *s_service_names [] = { "intake", "referral", "groups", "reporting", "stream", NULL };

static void
s_make_cert (const char *dir, const char *name, const char *type, const char *municipality,
             const char *county, const char *admitted_dir)
{
    zcert_t *cert = zcert_new ();
    if (type) {
        zcert_set_meta (cert, "org_id", "%s", name);
        zcert_set_meta (cert, "org_type", "%s", type);
    }
    if (municipality)
        zcert_set_meta (cert, "municipality", "%s", municipality);
    if (county)
        zcert_set_meta (cert, "county", "%s", county);
    char path [512];
    snprintf (path, sizeof path, "%s/%s.cert", dir, name);
    cr_assert_eq (zcert_save (cert, path), 0, "cannot write %s", path);
    if (admitted_dir) {
        snprintf (path, sizeof path, "%s/%s.cert", admitted_dir, name);
        cr_assert_eq (zcert_save_public (cert, path), 0);
    }
    zcert_destroy (&cert);
}

//  A free TCP port on loopback. Not port 0's pick: that comes from the
//  ephemeral range, which every outgoing connection (each test client)
//  also draws its local port from, so by the time a service binds the
//  port a client may hold it ("Address already in use"). Ports below the
//  range (ip_local_port_range starts at 32768 by default) are only ever
//  taken by a bind. A port handed out stays free until its service binds
//  it, so the ones already given (a test asks for a dozen) are not given
//  again.
//  Safe from any thread: the list of ports given is shared, so held.
static pthread_mutex_t s_ports_lock = PTHREAD_MUTEX_INITIALIZER;

static int
s_free_port_locked (void)
{
    static int given [256];
    static size_t n_given;
    for (int attempt = 0; attempt < 1000; attempt++) {
        int port = 20000 + (int) randombytes_uniform (12000);
        bool taken = false;
        for (size_t index = 0; index < n_given && index < 256 && !taken; index++)
            taken = given [index] == port;
        if (taken)
            continue;
        int fd = socket (AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons ((uint16_t) port),
                                       .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
        int bound = bind (fd, (struct sockaddr *) &address, sizeof address);
        close (fd);
        if (bound == 0) {
            given [n_given++ % 256] = port;
            return port;
        }
    }
    return -1;
}

int
kpt_free_port (void)
{
    pthread_mutex_lock (&s_ports_lock);
    int port = s_free_port_locked ();
    pthread_mutex_unlock (&s_ports_lock);
    cr_assert_gt (port, 0, "no free loopback port in 20000-31999");
    return port;
}

void
kpt_setup (void)
{
    snprintf (s_dir, sizeof s_dir, "/tmp/kpt-%d-XXXXXX", (int) getpid ());
    cr_assert_not_null (mkdtemp (s_dir));
    char services [300], clients [300], admitted [300];
    snprintf (services, sizeof services, "%s/services", s_dir);
    snprintf (clients, sizeof clients, "%s/clients", s_dir);
    snprintf (admitted, sizeof admitted, "%s/admitted", s_dir);
    zsys_dir_create (services);
    zsys_dir_create (clients);
    zsys_dir_create (admitted);
    for (int index = 0; s_service_names [index]; index++) {
        s_make_cert (services, s_service_names [index], "service", NULL, NULL, admitted);
        snprintf (s_services [index].name, sizeof s_services [index].name, "%s", s_service_names [index]);
        //  Formatted apart first: one struct as both source and target of
        //  a snprintf is what -Wrestrict (rightly) objects to.
        char endpoint [64], pub_endpoint [64];
        snprintf (endpoint, sizeof endpoint, "tcp://127.0.0.1:%d", kpt_free_port ());
        snprintf (pub_endpoint, sizeof pub_endpoint, "tcp://127.0.0.1:%d", kpt_free_port ());
        snprintf (s_services [index].endpoint, sizeof s_services [index].endpoint, "%s", endpoint);
        snprintf (s_services [index].pub_endpoint, sizeof s_services [index].pub_endpoint, "%s", pub_endpoint);
        snprintf (s_services [index].endpoints, sizeof s_services [index].endpoints, "%s", endpoint);
        snprintf (s_services [index].pub_endpoints, sizeof s_services [index].pub_endpoints, "%s", pub_endpoint);
        s_services [index].pid = 0;
        s_services [index].pid2 = 0;
    }
    s_scaled_out = false;
    for (int index = 0; s_orgs [index].org; index++) {
        s_make_cert (clients, s_orgs [index].org, s_orgs [index].type, s_orgs [index].municipality,
                     s_orgs [index].county, s_orgs [index].admitted ? admitted : NULL);
        //  Admitted means registered too (kp.organisations); the stranger
        //  is neither, nometa names no organisation to register.
        if (s_orgs [index].admitted && s_orgs [index].type)
            kpt_register (s_orgs [index].org, s_orgs [index].type,
                          s_orgs [index].county ? s_orgs [index].county : s_orgs [index].municipality);
    }
    //  Keys for henkilötunnus encryption: two random 32-byte hex lines.
    char keys [300];
    snprintf (keys, sizeof keys, "%s/hetu.keys", s_dir);
    FILE *file = fopen (keys, "w");
    cr_assert_not_null (file);
    for (int line = 0; line < 2; line++) {
        for (int byte = 0; byte < 32; byte++)
            fprintf (file, "%02x", (unsigned) (randombytes_random () & 0xff));
        fputc ('\n', file);
    }
    fclose (file);
}

static int
s_index (const char *service)
{
    for (int index = 0; index < KPT_MAX_SERVICES; index++)
        if (strcmp (s_services [index].name, service) == 0)
            return index;
    cr_assert_fail ("unknown service %s", service);
    return -1;
}

void
kpt_scale_out (void)
{
    for (int index = 0; index < KPT_MAX_SERVICES; index++) {
        cr_assert (s_services [index].pid == 0, "kpt_scale_out comes before any service starts");
        char endpoint [64], pub_endpoint [64], list [130], pub_list [130];
        snprintf (endpoint, sizeof endpoint, "tcp://127.0.0.1:%d", kpt_free_port ());
        snprintf (pub_endpoint, sizeof pub_endpoint, "tcp://127.0.0.1:%d", kpt_free_port ());
        snprintf (list, sizeof list, "%s,%s", s_services [index].endpoint, endpoint);
        snprintf (pub_list, sizeof pub_list, "%s,%s", s_services [index].pub_endpoint, pub_endpoint);
        snprintf (s_services [index].endpoint2, sizeof s_services [index].endpoint2, "%s", endpoint);
        snprintf (s_services [index].pub_endpoint2, sizeof s_services [index].pub_endpoint2, "%s", pub_endpoint);
        snprintf (s_services [index].endpoints, sizeof s_services [index].endpoints, "%s", list);
        snprintf (s_services [index].pub_endpoints, sizeof s_services [index].pub_endpoints, "%s", pub_list);
    }
    s_scaled_out = true;
}

void
kpt_teardown (void)
{
    for (int index = 0; index < KPT_MAX_SERVICES; index++) {
        pid_t *pids [] = { &s_services [index].pid, &s_services [index].pid2 };
        for (int instance = 0; instance < 2; instance++)
            if (*pids [instance] > 0) {
                kill (*pids [instance], SIGKILL);
                waitpid (*pids [instance], NULL, 0);
                *pids [instance] = 0;
            }
    }
    kpt_admin_close ();
    if (*s_dir) {
        char command [320];
        snprintf (command, sizeof command, "rm -rf '%s'", s_dir);
        int rc = system (command);
        (void) rc;
    }
}

static char s_own_database [64];
static const char *s_required_env (const char *name);

//  Runs one statement on the cluster's maintenance database.
static void
s_cluster_command (const char *command)
{
    char conninfo [1024];
    snprintf (conninfo, sizeof conninfo, "%s dbname=postgres", s_required_env ("KUMPPANI_TEST_ADMIN_CONNINFO"));
    PGconn *conn = PQconnectdb (conninfo);
    cr_assert_eq (PQstatus (conn), CONNECTION_OK, "%s", PQerrorMessage (conn));
    PGresult *result = PQexec (conn, command);
    cr_assert_eq (PQresultStatus (result), PGRES_COMMAND_OK, "%s: %s", command, PQerrorMessage (conn));
    PQclear (result);
    PQfinish (conn);
}

//  Later keywords win in a conninfo string, so appending dbname moves
//  every connection the test and its services make.
static void
s_point_at (const char *variable, const char *database)
{
    char conninfo [1024];
    snprintf (conninfo, sizeof conninfo, "%s dbname=%s", s_required_env (variable), database);
    setenv (variable, conninfo, 1);
}

//  The test's own database (both kinds); empty when it has none.
static char s_database_conninfo [1024];

//  Makes the test's own database, a copy of template or empty (NULL), and
//  its superuser conninfo. The pid keeps names apart: criterion runs each
//  test in a process of its own.
static void
s_database_new (const char *template)
{
    char command [256];
    snprintf (s_own_database, sizeof s_own_database, "kpt_%d", (int) getpid ());
    if (template)
        snprintf (command, sizeof command, "CREATE DATABASE %s TEMPLATE %s", s_own_database, template);
    else
        snprintf (command, sizeof command, "CREATE DATABASE %s", s_own_database);
    s_cluster_command (command);
    snprintf (s_database_conninfo, sizeof s_database_conninfo, "%s dbname=%s",
              s_required_env ("KUMPPANI_TEST_ADMIN_CONNINFO"), s_own_database);
}

//  Drops it, unless KUMPPANI_TEST_KEEP=1 keeps the cluster and with it this.
static void
s_database_drop (void)
{
    const char *keep = getenv ("KUMPPANI_TEST_KEEP");
    if (*s_own_database && !(keep && strcmp (keep, "1") == 0)) {
        char command [256];
        snprintf (command, sizeof command, "DROP DATABASE IF EXISTS %s WITH (FORCE)", s_own_database);
        s_cluster_command (command);
    }
    *s_own_database = 0;
}

void
kpt_setup_own_database (void)
{
    const char *template = getenv ("KUMPPANI_TEST_TEMPLATE_DB");
    if (template && *template) {
        s_database_new (template);
        //  A copy does not take the template's per-database role settings
        //  (the reporting role's jit = off, migration 0030): set them again.
        char command [768];
        snprintf (command, sizeof command,
                  "DO $$ DECLARE s record; BEGIN FOR s IN SELECT setrole::regrole AS role, unnest (setconfig) AS setting"
                  " FROM pg_db_role_setting WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = '%s')"
                  " LOOP EXECUTE format ('ALTER ROLE %%s IN DATABASE %s SET %%s', s.role,"
                  " regexp_replace (s.setting, '=', ' = ')); END LOOP; END $$", template, s_own_database);
        s_cluster_command (command);
        s_point_at ("KUMPPANI_TEST_CONNINFO", s_own_database);
        s_point_at ("KUMPPANI_TEST_ADMIN_CONNINFO", s_own_database);
    }
    kpt_setup ();
}

void
kpt_teardown_own_database (void)
{
    kpt_teardown ();
    s_database_drop ();
}

void
kpt_setup_empty_database (void)
{
    s_database_new (NULL);
}

void
kpt_teardown_empty_database (void)
{
    s_database_drop ();
    kpt_teardown ();
}

const char *
kpt_database_conninfo (void)
{
    return s_database_conninfo;
}

const char *
kpt_database_name (void)
{
    return s_own_database;
}

const char *
kpt_migrations_dir (void)
{
    return s_required_env ("KUMPPANI_TEST_MIGRATIONS_DIR");
}

void
kpt_migrations_before (const char *number, char *copy)
{
    cr_assert_not_null (mkdtemp (copy));
    DIR *handle = opendir (kpt_migrations_dir ());
    cr_assert_not_null (handle);
    size_t digits = strlen (number);
    struct dirent *entry;
    while ((entry = readdir (handle))) {
        size_t length = strlen (entry->d_name);
        if (length < 9 || strcmp (entry->d_name + length - 4, ".sql") != 0
        ||  strncmp (entry->d_name, number, digits) >= 0)
            continue;
        char command [2048];
        snprintf (command, sizeof command, "cp '%s/%s' '%s/'", kpt_migrations_dir (), entry->d_name, copy);
        cr_assert_eq (system (command), 0);
    }
    closedir (handle);
}

const char *
kpt_endpoint (const char *service)
{
    return s_services [s_index (service)].endpoints;
}

const char *
kpt_instance_endpoint (const char *service, int instance)
{
    int index = s_index (service);
    cr_assert (instance == 0 || (instance == 1 && s_scaled_out), "no instance %d of %s", instance, service);
    return instance ? s_services [index].endpoint2 : s_services [index].endpoint;
}

const char *
kpt_pub_endpoint (void)
{
    return s_services [s_index ("stream")].pub_endpoints;
}

//  Per thread: suites that start clients on many threads at once
//  (test_groups_capacity's 50) would otherwise hand one thread's
//  certificate path to another, and a client would connect as the wrong
//  organisation or to the wrong server key.
static char *
s_ring (void)
{
    static _Thread_local char ring [8][600];
    static _Thread_local int next;
    return ring [next++ % 8];
}

const char *
kpt_cert_dir (const char *kind)
{
    char *buffer = s_ring ();
    snprintf (buffer, 600, "%s/%s", s_dir, kind);
    return buffer;
}

const char *
kpt_cert_path (const char *kind, const char *name)
{
    char *buffer = s_ring ();
    snprintf (buffer, 600, "%s/%s/%s.cert", s_dir, kind, name);
    return buffer;
}

static const char *
s_required_env (const char *name)
{
    const char *value = getenv (name);
    cr_assert (value && *value, "%s is not set: run the integration tests through `make test`", name);
    return value;
}

static pid_t *
s_pid_of (int index, int instance)
{
    return instance ? &s_services [index].pid2 : &s_services [index].pid;
}

static pid_t
s_service_start (const char *service, int instance, const char *bin_dir_var, const char *const *extra_env)
{
    int index = s_index (service);
    const char *own = kpt_instance_endpoint (service, instance);
    char binary [512];
    snprintf (binary, sizeof binary, "%s/%s", s_required_env (bin_dir_var), service);
    const char *conninfo = s_required_env ("KUMPPANI_TEST_CONNINFO");
    fflush (stdout);
    fflush (stderr);
    pid_t pid = fork ();
    cr_assert (pid >= 0);
    if (pid == 0) {
        //  Dies with the test, even when the test itself crashes or times out.
        prctl (PR_SET_PDEATHSIG, SIGKILL);
        char value [1024];
        setenv ("KUMPPANI_DB_CONNINFO", conninfo, 1);
        snprintf (value, sizeof value, "%s/admitted", s_dir);
        setenv ("KUMPPANI_CERTS_DIR", value, 1);
        snprintf (value, sizeof value, "%s/services", s_dir);
        setenv ("KUMPPANI_SERVICE_CERTS_DIR", value, 1);
        snprintf (value, sizeof value, "%s/hetu.keys", s_dir);
        setenv ("KUMPPANI_HETU_KEY_FILE", value, 1);
        snprintf (value, sizeof value, "%s/clients/operator.cert", s_dir);
        setenv ("KUMPPANI_CLIENT_CERT", value, 1);
        for (int other = 0; other < KPT_MAX_SERVICES; other++) {
            char name [64];
            snprintf (name, sizeof name, "KUMPPANI_%.15s_ENDPOINT", s_services [other].name);
            for (char *c = name; *c; c++)
                *c = (char) toupper ((unsigned char) *c);
            setenv (name, s_services [other].endpoints, 1);
        }
        setenv ("KUMPPANI_STREAM_PUB_ENDPOINT", kpt_pub_endpoint (), 1);
        if (s_scaled_out) {
            setenv ("KUMPPANI_BIND_ENDPOINT", own, 1);
            if (strcmp (service, "stream") == 0)
                setenv ("KUMPPANI_STREAM_PUB_BIND_ENDPOINT",
                        instance ? s_services [index].pub_endpoint2 : s_services [index].pub_endpoint, 1);
        }
        if (!getenv ("KUMPPANI_LOG_LEVEL"))
            setenv ("KUMPPANI_LOG_LEVEL", "warn", 1);
        for (const char *const *entry = extra_env; entry && *entry; entry++)
            putenv ((char *) *entry);
        execl (binary, binary, (char *) NULL);
        _exit (127);
    }
    *s_pid_of (index, instance) = pid;

    //  Ready when it answers health; bounded so a broken build fails fast.
    //  Asked of this instance alone, not of the list.
    char server_cert [512], client_cert [512];
    snprintf (server_cert, sizeof server_cert, "%s/services/%s.cert", s_dir, service);
    snprintf (client_cert, sizeof client_cert, "%s/clients/operator.cert", s_dir);
    kp_client_t *client = kp_client_new (own, server_cert, client_cert);
    cr_assert_not_null (client);
    Kumppani__V1__Reply *reply = NULL;
    for (int attempt = 0; attempt < 100 && !reply; attempt++) {
        Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
        Kumppani__V1__HealthRequest health = KUMPPANI__V1__HEALTH_REQUEST__INIT;
        request.body_case = KUMPPANI__V1__REQUEST__BODY_HEALTH;
        request.health = &health;
        reply = kp_client_call (client, &request, 100, 0);
        int status;
        cr_assert_eq (waitpid (pid, &status, WNOHANG), 0, "%s exited during start-up", service);
    }
    cr_assert_not_null (reply, "%s never answered health", service);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&client);
    return pid;
}

pid_t
kpt_service_start (const char *service, const char *const *extra_env)
{
    return s_service_start (service, 0, "KUMPPANI_TEST_BIN_DIR", extra_env);
}

pid_t
kpt_instance_start (const char *service, int instance, const char *const *extra_env)
{
    return s_service_start (service, instance, "KUMPPANI_TEST_BIN_DIR", extra_env);
}

pid_t
kpt_service_start_test_build (const char *service, const char *const *extra_env)
{
    return s_service_start (service, 0, "KUMPPANI_TEST_FAULT_BIN_DIR", extra_env);
}

void
kpt_instance_kill (const char *service, int instance)
{
    pid_t *pid = s_pid_of (s_index (service), instance);
    cr_assert (*pid > 0, "instance %d of %s is not running", instance, service);
    kill (*pid, SIGKILL);
    waitpid (*pid, NULL, 0);
    *pid = 0;
}

long long
kpt_metric (int port, const char *series)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons ((uint16_t) port),
                                   .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
    cr_assert_eq (connect (fd, (struct sockaddr *) &address, sizeof address), 0, "metrics port closed");
    const char *request = "GET /metrics HTTP/1.0\r\n\r\n";
    cr_assert_eq (write (fd, request, strlen (request)), (ssize_t) strlen (request));
    //  Per thread, like every harness buffer a caller does not own.
    static _Thread_local char text [262144];
    size_t used = 0;
    ssize_t got;
    while (used < sizeof text - 1 && (got = read (fd, text + used, sizeof text - 1 - used)) > 0)
        used += (size_t) got;
    text [used] = 0;
    close (fd);
    size_t len = strlen (series);
    for (const char *line = text; line && *line; line = strchr (line, '\n'), line = line ? line + 1 : NULL)
        if (strncmp (line, series, len) == 0 && line [len] == ' ')
            return strtoll (line + len + 1, NULL, 10);
    return -1;
}

void
kpt_service_signal (const char *service, int signum)
{
    int index = s_index (service);
    if (s_services [index].pid > 0)
        kill (s_services [index].pid, signum);
}

int
kpt_service_wait (const char *service)
{
    int index = s_index (service);
    pid_t pid = s_services [index].pid;
    if (pid <= 0)
        return -1;
    for (int waited = 0; waited < 1000; waited++) {
        int status;
        if (waitpid (pid, &status, WNOHANG) == pid) {
            s_services [index].pid = 0;
            if (WIFSIGNALED (status))
                fprintf (stderr, "harness: %s died of signal %d\n", service, WTERMSIG (status));
            return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
        }
        zclock_sleep (10);
    }
    fprintf (stderr, "harness: %s did not exit within 10 s\n", service);
    kill (pid, SIGKILL);
    waitpid (pid, NULL, 0);
    s_services [index].pid = 0;
    return -1;
}

int
kpt_service_stop (const char *service)
{
    int index = s_index (service);
    if (s_services [index].pid <= 0)
        return -1;
    kill (s_services [index].pid, SIGTERM);
    return kpt_service_wait (service);
}

Kumppani__V1__Role
kpt_role_of (const char *org)
{
    for (int index = 0; s_orgs [index].org; index++)
        if (strcmp (s_orgs [index].org, org) == 0 && s_orgs [index].type)
            return kp_role_default (s_orgs [index].type);
    return KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER;
}

kp_client_t *
kpt_client (const char *service, const char *org)
{
    char server_cert [512], client_cert [512];
    snprintf (server_cert, sizeof server_cert, "%s/services/%s.cert", s_dir, service);
    snprintf (client_cert, sizeof client_cert, "%s/clients/%s.cert", s_dir, org);
    kp_client_t *client = kp_client_new (kpt_endpoint (service), server_cert, client_cert);
    cr_assert_not_null (client, "cannot make a client for %s as %s", service, org);
    return client;
}

Kumppani__V1__Reply *
kpt_call (kp_client_t *client, Kumppani__V1__Request *request)
{
    Kumppani__V1__Reply *reply = kp_client_call (client, request, 5000, 0);
    //  Every report table any suite receives passes the audit again here.
    if (reply && reply->body_case == KUMPPANI__V1__REPLY__BODY_REPORT_TABLE) {
        const char *failed = kpt_report_audit (reply->report_table);
        cr_assert_null (failed, "report %s: %s", reply->report_table->report, failed);
    }
    return reply;
}

void
kpt_request (Kumppani__V1__Request *request, Kumppani__V1__Actor *actor,
             Kumppani__V1__Role role, bool mutating)
{
    static _Thread_local char correlation [KP_ID_LEN + 1], key [KP_ID_LEN + 1];
    kp_id_new (correlation);
    kp_id_new (key);
    kumppani__v1__actor__init (actor);
    actor->person_id = "worker-1";
    actor->role = role;
    request->correlation_id = correlation;
    request->idempotency_key = mutating ? key : "";
    request->actor = actor;
}

uint8_t *
kpt_pack_kela_submit (Kumppani__V1__SubmitReferral *notice, const char *key, const char *correlation,
                      size_t *size)
{
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, KUMPPANI__V1__ROLE__ROLE_KELA_OFFICER, true);
    request.idempotency_key = (char *) key;
    request.correlation_id = (char *) correlation;
    request.body_case = KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL;
    request.submit_referral = notice;
    return kp_codec_pack (&request.base, size);
}

Kumppani__V1__Reply *
kpt_call_ok (kp_client_t *client, Kumppani__V1__Role role, int body_case, void *body, bool mutating)
{
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, role, mutating);
    request.body_case = (Kumppani__V1__Request__BodyCase) body_case;
    const ProtobufCFieldDescriptor *field =
        protobuf_c_message_descriptor_get_field (&kumppani__v1__request__descriptor, (unsigned) body_case);
    cr_assert_not_null (field, "no request body %d", body_case);
    *(void **) ((char *) &request + field->offset) = body;
    Kumppani__V1__Reply *reply = kpt_call (client, &request);
    cr_assert_not_null (reply, "no reply to body %d", body_case);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK, "body %d: %s", body_case,
                  reply->error ? reply->error->code : "");
    return reply;
}

Kumppani__V1__Event *
kpt_event_about (const char *topic, const char *aggregate, bool last)
{
    const char *values [] = { topic, aggregate };
    PGresult *result = PQexecParams (kpt_admin (), last
        ? "SELECT payload FROM kp.events WHERE topic = $1 AND aggregate_id = $2 ORDER BY seq DESC LIMIT 1"
        : "SELECT payload FROM kp.events WHERE topic = $1 AND aggregate_id = $2 ORDER BY seq LIMIT 1",
        2, NULL, values, NULL, NULL, 1);
    cr_assert_eq (PQresultStatus (result), PGRES_TUPLES_OK, "%s", PQresultErrorMessage (result));
    cr_assert_eq (PQntuples (result), 1, "no %s event for %s", topic, aggregate);
    Kumppani__V1__Event *event = kumppani__v1__event__unpack (
        NULL, (size_t) PQgetlength (result, 0, 0), (const uint8_t *) PQgetvalue (result, 0, 0));
    PQclear (result);
    cr_assert_not_null (event);
    return event;
}

PGconn *
kpt_admin (void)
{
    if (!s_admin) {
        s_admin = PQconnectdb (s_required_env ("KUMPPANI_TEST_ADMIN_CONNINFO"));
        cr_assert_eq (PQstatus (s_admin), CONNECTION_OK, "%s", PQerrorMessage (s_admin));
    }
    return s_admin;
}

PGconn *
kpt_connect_as (const char *role)
{
    char conninfo [1024];
    snprintf (conninfo, sizeof conninfo, "%s user=%s", s_required_env ("KUMPPANI_TEST_CONNINFO"), role);
    PGconn *conn = PQconnectdb (conninfo);
    cr_assert_eq (PQstatus (conn), CONNECTION_OK, "%s", PQerrorMessage (conn));
    return conn;
}

long long
kpt_try_append_event (PGconn *conn, Kumppani__V1__Event *event, const char *municipality,
                      const char *sender_org, const char *recipient_org)
{
    if (event->occurred_at == 0)
        event->occurred_at = kp_now_us ();
    size_t size;
    uint8_t *payload = kp_codec_pack (&event->base, &size);
    char occurred [24];
    snprintf (occurred, sizeof occurred, "%lld", (long long) event->occurred_at);
    const char *values [] = { event->topic, event->aggregate_id, occurred, municipality,
                              sender_org, recipient_org, (const char *) payload };
    const int lengths [] = { 0, 0, 0, 0, 0, 0, (int) size };
    const int formats [] = { 0, 0, 0, 0, 0, 0, 1 };
    PGresult *result = PQexecParams (conn,
        "SELECT kp.append_event ($1, $2, to_timestamp ($3::int8 / 1e6), $4, $5, $6, $7)",
        7, NULL, values, lengths, formats, 0);
    free (payload);
    long long seq = PQresultStatus (result) == PGRES_TUPLES_OK ? atoll (PQgetvalue (result, 0, 0)) : -1;
    PQclear (result);
    return seq;
}

long long
kpt_append_event (PGconn *conn, Kumppani__V1__Event *event, const char *municipality,
                  const char *sender_org, const char *recipient_org)
{
    long long seq = kpt_try_append_event (conn, event, municipality, sender_org, recipient_org);
    cr_assert_gt (seq, 0, "append failed: %s", PQerrorMessage (conn));
    return seq;
}

void
kpt_admin_close (void)
{
    if (s_admin)
        PQfinish (s_admin);
    s_admin = NULL;
}

long long
kpt_scalar (const char *sql, const char *param)
{
    const char *values [] = { param };
    PGresult *result = PQexecParams (kpt_admin (), sql, param ? 1 : 0, NULL, values, NULL, NULL, 0);
    long long value = -1;
    if (PQresultStatus (result) == PGRES_TUPLES_OK && PQntuples (result) > 0)
        value = strtoll (PQgetvalue (result, 0, 0), NULL, 10);
    else
        cr_log_error ("query failed: %s", PQresultErrorMessage (result));
    PQclear (result);
    return value;
}

void
kpt_hetu (char *out, const char *ddmmyy, char sign, int number)
{
    char digits [16];
    snprintf (digits, sizeof digits, "%.6s%03d", ddmmyy, (number % 1000 + 1000) % 1000);
    number = (number % 1000 + 1000) % 1000;
    memcpy (out, ddmmyy, 6);
    out [6] = sign;
    out [7] = (char) ('0' + number / 100);
    out [8] = (char) ('0' + number / 10 % 10);
    out [9] = (char) ('0' + number % 10);
    out [10] = "0123456789ABCDEFHJKLMNPRSTUVWXY" [strtol (digits, NULL, 10) % 31];
    out [11] = 0;
}

//  pg.sh, which knows how to run as the cluster's owner. The server it
//  starts must outlive this binary like the one scripts/test.sh started:
//  its own session, and without the marker by which test.sh ends what a
//  test binary left running.
static int
s_pg (const char *verb)
{
    char command [1024];
    snprintf (command, sizeof command, "env -u KUMPPANI_TEST_RUN setsid '%s' %s '%s' > /dev/null 2>&1",
              s_required_env ("KUMPPANI_TEST_PG_SH"), verb, s_required_env ("KUMPPANI_TEST_PG_DIR"));
    kpt_admin_close ();
    fflush (stdout);
    fflush (stderr);
    return system (command);
}

void
kpt_pg_stop (void)
{
    cr_assert_eq (s_pg ("stop"), 0, "PostgreSQL did not stop");
}

void
kpt_pg_start (void)
{
    cr_assert_eq (s_pg ("start"), 0, "PostgreSQL did not start");
}

void
kpt_register (const char *org_id, const char *org_type, const char *area)
{
    //  The cluster is shared by every suite: an id another suite (or an
    //  earlier run of this one) deactivated is made active again.
    const char *values [] = { org_id, org_type, area };
    PGresult *result = PQexecParams (kpt_admin (),
        "INSERT INTO kp.organisations (org_id, org_type, area, active_from)"
        " VALUES ($1, $2, $3, now () - interval '1 day')"
        " ON CONFLICT (org_id) DO UPDATE SET org_type = EXCLUDED.org_type, area = EXCLUDED.area,"
        "   active_from = EXCLUDED.active_from, active_to = NULL",
        3, NULL, values, NULL, NULL, 0);
    cr_assert_eq (PQresultStatus (result), PGRES_COMMAND_OK, "cannot register %s: %s", org_id,
                  PQresultErrorMessage (result));
    PQclear (result);
}

long long
kpt_append_unknown_referral (const char *prefix)
{
    Kumppani__V1__ReferralEvent referral = KUMPPANI__V1__REFERRAL_EVENT__INIT;
    char referral_id [48];
    snprintf (referral_id, sizeof referral_id, "%s-%d", prefix, (int) getpid ());
    referral.referral_id = referral_id;
    referral.municipality = "743";
    referral.recipient_org = "muni-743";
    referral.recipient_type = "municipality";
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.topic = "referral.received";
    event.aggregate_id = referral_id;
    event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_REFERRAL;
    event.referral = &referral;
    PGconn *conn = kpt_connect_as ("referral");
    long long seq = kpt_append_event (conn, &event, "743", "kela", "muni-743");
    PQfinish (conn);
    return seq;
}
