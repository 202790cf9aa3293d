/*  kp_config — reads KUMPPANI_* once. Numeric values are range-checked so
    a typo fails loudly at start-up rather than as odd behaviour later. */
#include "kp_config.h"
#include "kp_alloc.h"
#include "kp_calendar.h"
#include "kp_endpoints.h"
#include "kp_log.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *s_service_names [KP_SERVICE_COUNT] = {
    "intake", "referral", "groups", "reporting", "stream"
};
static const char *s_endpoint_vars [KP_SERVICE_COUNT] = {
    "KUMPPANI_INTAKE_ENDPOINT", "KUMPPANI_REFERRAL_ENDPOINT",
    "KUMPPANI_GROUPS_ENDPOINT", "KUMPPANI_REPORTING_ENDPOINT",
    "KUMPPANI_STREAM_ENDPOINT"
};

const char *
kp_service_name (kp_service_t service)
{
    return service < KP_SERVICE_COUNT ? s_service_names [service] : "unknown";
}

int
kp_service_from_name (const char *name)
{
    for (int index = 0; name && index < KP_SERVICE_COUNT; index++)
        if (strcmp (name, s_service_names [index]) == 0)
            return index;
    return -1;
}

static char *
s_env (const char *name, const char *fallback)
{
    const char *value = getenv (name);
    if (!value || !*value)
        value = fallback;
    return value ? kp_strdup (value) : NULL;
}

//  Integer variable within [min, max]; -1 and a log line when out of range.
static int
s_env_long (const char *name, long fallback, long min, long max, long *out)
{
    const char *text = getenv (name);
    if (!text || !*text) {
        *out = fallback;
        return 0;
    }
    char *end;
    errno = 0;
    long value = strtol (text, &end, 10);
    if (errno || *end || value < min || value > max) {
        kp_error ("configuration: %s must be an integer in [%ld, %ld]", name, min, max);
        return -1;
    }
    *out = value;
    return 0;
}

//  A service instance binds one endpoint: its own setting when that names
//  one instance, else the KUMPPANI_BIND_* variable, which is required.
static int
s_bind_one (const char *bind_var, const char *own_var, const char *own, char **bind)
{
    *bind = s_env (bind_var, NULL);
    if (*bind && kp_endpoints_count (*bind) != 1) {
        kp_error ("configuration: %s must name one endpoint", bind_var);
        return -1;
    }
    if (!*bind && kp_endpoints_count (own) > 1) {
        kp_error ("configuration: %s lists several instances: set %s to the one this instance binds",
                  own_var, bind_var);
        return -1;
    }
    if (!*bind)
        *bind = kp_strdup (own);
    return 0;
}

static int
s_bind_endpoints (kp_config_t *self)
{
    int service = kp_service_from_name (self->service);
    if (service < 0)
        return 0;                   //  a tool: it binds nothing
    if (s_bind_one ("KUMPPANI_BIND_ENDPOINT", s_endpoint_vars [service], self->endpoints [service],
                    &self->bind_endpoint))
        return -1;
    if (service == KP_SERVICE_STREAM
    &&  s_bind_one ("KUMPPANI_STREAM_PUB_BIND_ENDPOINT", "KUMPPANI_STREAM_PUB_ENDPOINT",
                    self->stream_pub_endpoint, &self->stream_pub_bind_endpoint))
        return -1;
    return 0;
}

kp_config_t *
kp_config_load (const char *service)
{
    kp_config_t *self = kp_calloc (1, sizeof (kp_config_t));
    if (!self)
        return NULL;
    self->service = service;
    self->db_conninfo = s_env ("KUMPPANI_DB_CONNINFO", "dbname=kumppani");
    self->db_user = s_env ("KUMPPANI_DB_USER", service);
    self->certs_dir = s_env ("KUMPPANI_CERTS_DIR", "var/certs/admitted");
    self->service_certs_dir = s_env ("KUMPPANI_SERVICE_CERTS_DIR", "var/certs/services");
    for (int index = 0; index < KP_SERVICE_COUNT; index++) {
        char fallback [32];
        snprintf (fallback, sizeof fallback, "tcp://127.0.0.1:%d", 7101 + index);
        self->endpoints [index] = s_env (s_endpoint_vars [index], fallback);
    }
    self->stream_pub_endpoint = s_env ("KUMPPANI_STREAM_PUB_ENDPOINT", "tcp://127.0.0.1:7106");
    if (s_bind_endpoints (self)) {
        kp_config_destroy (&self);
        return NULL;
    }
    self->hetu_key_file = s_env ("KUMPPANI_HETU_KEY_FILE", "var/secrets/hetu.keys");
    self->client_cert = s_env ("KUMPPANI_CLIENT_CERT", NULL);
    self->log_level = s_env ("KUMPPANI_LOG_LEVEL", "info");

    //  Below a few hundred bytes the CURVE handshake itself is refused.
    self->test_today = s_env ("KUMPPANI_TEST_TODAY", NULL);
    long max_msg_size, timeout, drain, poll, hwm, batch_lag, metrics_port, retention;
    long assessment, urgent, priority, contact_months;
    //  A port per service (they share one environment under make up),
    //  else the common one.
    char metrics_var [64] = "KUMPPANI_METRICS_PORT";
    if (service) {
        char specific [64];
        snprintf (specific, sizeof specific, "KUMPPANI_%s_METRICS_PORT", service);
        for (char *c = specific; *c; c++)
            *c = (char) (*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
        if (getenv (specific))
            snprintf (metrics_var, sizeof metrics_var, "%s", specific);
    }
    self->metrics_address = s_env ("KUMPPANI_METRICS_ADDRESS", "127.0.0.1");
    if (s_env_long ("KUMPPANI_MAX_MSG_SIZE", 1048576, 1024, 256L * 1048576, &max_msg_size)
    ||  s_env_long ("KUMPPANI_TIMEOUT_MS", 5000, 10, 600000, &timeout)
    ||  s_env_long ("KUMPPANI_DRAIN_MS", 2000, 0, 60000, &drain)
    ||  s_env_long ("KUMPPANI_POLL_MS", 1000, 10, 60000, &poll)
    ||  s_env_long ("KUMPPANI_STREAM_HWM", 10000, 10, 10000000, &hwm)
    ||  s_env_long ("KUMPPANI_CONSUMER_BATCH_LAG", 0, 0, 1000000000, &batch_lag)
    ||  s_env_long ("KUMPPANI_IDEMPOTENCY_RETENTION_DAYS", 30, 1, 3650, &retention)
    ||  s_env_long (metrics_var, 0, 0, 65535, &metrics_port)
    ||  s_env_long ("KUMPPANI_ASSESSMENT_DAYS", 7, 0, 90, &assessment)
    ||  s_env_long ("KUMPPANI_ASSESSMENT_URGENT_DAYS", 1, 0, 7, &urgent)
    //  §36: the priority groups by the 7th working day without exception.
    ||  s_env_long ("KUMPPANI_ASSESSMENT_PRIORITY_DAYS", 7, 0, 7, &priority)
    ||  s_env_long ("KUMPPANI_CONTACT_DUE_MONTHS", 6, 1, 60, &contact_months)) {
        kp_config_destroy (&self);
        return NULL;
    }
    self->max_msg_size = (size_t) max_msg_size;
    self->request_timeout_ms = (int) timeout;
    self->drain_ms = (int) drain;
    self->poll_interval_ms = (int) poll;
    self->stream_hwm = (int) hwm;
    self->consumer_batch_lag = batch_lag;
    self->idempotency_retention_days = (int) retention;
    self->metrics_port = (int) metrics_port;
    self->assessment_days = (int) assessment;
    self->assessment_urgent_days = (int) urgent;
    self->assessment_priority_days = (int) priority;
    self->contact_due_months = (int) contact_months;
    kp_date_t today;
    if (self->test_today && kp_date_parse (self->test_today, &today)) {
        kp_error ("configuration: KUMPPANI_TEST_TODAY must be a date as YYYY-MM-DD");
        kp_config_destroy (&self);
        return NULL;
    }
    return self;
}

void
kp_config_destroy (kp_config_t **self_p)
{
    assert (self_p);
    if (!*self_p)
        return;
    kp_config_t *self = *self_p;
    free (self->db_conninfo);
    free (self->db_user);
    free (self->certs_dir);
    free (self->service_certs_dir);
    for (int index = 0; index < KP_SERVICE_COUNT; index++)
        free (self->endpoints [index]);
    free (self->stream_pub_endpoint);
    free (self->bind_endpoint);
    free (self->stream_pub_bind_endpoint);
    free (self->hetu_key_file);
    free (self->client_cert);
    free (self->log_level);
    free (self->metrics_address);
    free (self->test_today);
    free (self);
    *self_p = NULL;
}

char *
kp_config_db_conninfo (const kp_config_t *self)
{
    size_t size = strlen (self->db_conninfo) + 64 + (self->db_user ? strlen (self->db_user) : 0);
    char *conninfo = kp_malloc (size);
    if (!conninfo)
        return NULL;
    if (self->db_user)
        snprintf (conninfo, size, "%s user=%s application_name=kumppani-%s",
                  self->db_conninfo, self->db_user, self->service ? self->service : "tool");
    else
        snprintf (conninfo, size, "%s", self->db_conninfo);
    return conninfo;
}

char *
kp_config_service_cert_path (const kp_config_t *self, kp_service_t service)
{
    size_t size = strlen (self->service_certs_dir) + 32;
    char *path = kp_malloc (size);
    if (path)
        snprintf (path, size, "%s/%s.cert", self->service_certs_dir, kp_service_name (service));
    return path;
}
