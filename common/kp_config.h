/*  kp_config — configuration from KUMPPANI_* environment variables, read
    once at start-up. The README's configuration table documents each one;
    this is the one place that knows their names and defaults. */
#ifndef KP_CONFIG_H
#define KP_CONFIG_H

#include <stddef.h>

//  The services, in port order (7101 …); the stream has a second endpoint.
typedef enum {
    KP_SERVICE_INTAKE = 0,
    KP_SERVICE_REFERRAL,
    KP_SERVICE_GROUPS,
    KP_SERVICE_REPORTING,
    KP_SERVICE_STREAM,
    KP_SERVICE_COUNT
} kp_service_t;

typedef struct {
    const char *service;            //  this process's service name
    char *db_conninfo;              //  KUMPPANI_DB_CONNINFO (without user)
    char *db_user;                  //  KUMPPANI_DB_USER, default: service name
    char *certs_dir;                //  KUMPPANI_CERTS_DIR: admitted public certs
    char *service_certs_dir;        //  KUMPPANI_SERVICE_CERTS_DIR: NAME.cert(+_secret)
    char *endpoints [KP_SERVICE_COUNT];  //  KUMPPANI_<NAME>_ENDPOINT; a list
                                    //  (comma-separated) names every instance
    char *stream_pub_endpoint;      //  KUMPPANI_STREAM_PUB_ENDPOINT, likewise
    //  What this instance binds: KUMPPANI_BIND_ENDPOINT and (the stream)
    //  KUMPPANI_STREAM_PUB_BIND_ENDPOINT, by default its own endpoint
    //  above, which must then name one instance.
    char *bind_endpoint;
    char *stream_pub_bind_endpoint;
    char *hetu_key_file;            //  KUMPPANI_HETU_KEY_FILE
    char *client_cert;              //  KUMPPANI_CLIENT_CERT (CLI and consumers)
    char *log_level;                //  KUMPPANI_LOG_LEVEL
    size_t max_msg_size;            //  KUMPPANI_MAX_MSG_SIZE, default 1 MiB
    int request_timeout_ms;         //  KUMPPANI_TIMEOUT_MS, client side, default 5000
    int drain_ms;                   //  KUMPPANI_DRAIN_MS: linger for replies at shutdown
    int poll_interval_ms;           //  KUMPPANI_POLL_MS: safety-net timer for consumers/stream
    int stream_hwm;                 //  KUMPPANI_STREAM_HWM: live messages queued per subscriber
    long consumer_batch_lag;        //  KUMPPANI_CONSUMER_BATCH_LAG: consumers batch beyond this lag
    int idempotency_retention_days; //  KUMPPANI_IDEMPOTENCY_RETENTION_DAYS: keys kept, default 30
    int metrics_port;               //  KUMPPANI_<NAME>_METRICS_PORT or KUMPPANI_METRICS_PORT; 0 = off
    char *metrics_address;          //  KUMPPANI_METRICS_ADDRESS, default 127.0.0.1
    //  The service-need assessment clock and contact rule (intake_clock,
    //  intake_contact): working days from pending to the start, for an
    //  urgent matter, for the statutory priority groups (never above 7),
    //  and months without a contact before intake.contact_due.
    int assessment_days;            //  KUMPPANI_ASSESSMENT_DAYS, default 7
    int assessment_urgent_days;     //  KUMPPANI_ASSESSMENT_URGENT_DAYS, default 1
    int assessment_priority_days;   //  KUMPPANI_ASSESSMENT_PRIORITY_DAYS, default 7, at most 7
    int contact_due_months;         //  KUMPPANI_CONTACT_DUE_MONTHS, default 6
    //  KUMPPANI_TEST_TODAY (YYYY-MM-DD): the day intake's clocks take as
    //  today, so tests move time without sleeping. Unset in production.
    char *test_today;
} kp_config_t;

//  Loads configuration for service (may be NULL for tools). NULL on invalid
//  values, after logging which variable is wrong.
kp_config_t *kp_config_load (const char *service);
void kp_config_destroy (kp_config_t **self_p);

const char *kp_service_name (kp_service_t service);
//  -1 if the name is not a service
int kp_service_from_name (const char *name);
//  Full libpq conninfo for this service's role; caller frees.
char *kp_config_db_conninfo (const kp_config_t *self);
//  "DIR/NAME.cert" for a service's public certificate; caller frees.
char *kp_config_service_cert_path (const kp_config_t *self, kp_service_t service);

#endif
