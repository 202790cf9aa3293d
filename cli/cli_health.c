/*  kumppani health — asks every service (or one) for its health. */
#include "cli.h"
#include "kp_client.h"
#include "kp_codec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

//  0 if the service answered with database_ok.
static int
s_check (const kp_config_t *config, kp_service_t service, int timeout_ms, bool quiet)
{
    const char *name = kp_service_name (service);
    char *server_cert = kp_config_service_cert_path (config, service);
    kp_client_t *client = config->client_cert
                        ? kp_client_new (config->endpoints [service], server_cert, config->client_cert)
                        : NULL;
    free (server_cert);
    if (!client) {
        fprintf (stderr, "%-10s cannot load certificates (KUMPPANI_CLIENT_CERT, KUMPPANI_SERVICE_CERTS_DIR)\n", name);
        return 1;
    }
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__HealthRequest health = KUMPPANI__V1__HEALTH_REQUEST__INIT;
    request.body_case = KUMPPANI__V1__REQUEST__BODY_HEALTH;
    request.health = &health;
    Kumppani__V1__Reply *reply = kp_client_call (client, &request, timeout_ms, 0);
    int rc = 1;
    if (!reply) {
        if (!quiet)
            printf ("%-10s DOWN   no answer from %s within %d ms\n", name, config->endpoints [service], timeout_ms);
    }
    else
    if (reply->status != KUMPPANI__V1__STATUS__STATUS_OK || !reply->health) {
        if (!quiet)
            printf ("%-10s ERROR  %s\n", name, reply->error ? reply->error->code : "?");
    }
    else {
        rc = reply->health->database_ok ? 0 : 1;
        if (!quiet)
            printf ("%-10s %-6s version %s, up %llds, database %s, parked events %lld\n",
                    name, rc == 0 ? "UP" : "DEGRADED", reply->health->version,
                    (long long) reply->health->uptime_seconds,
                    reply->health->database_ok ? "ok" : "unreachable",
                    (long long) reply->health->parked_events);
    }
    kp_codec_reply_free (&reply);
    kp_client_destroy (&client);
    return rc;
}

int
cli_health (int argc, char **argv, const kp_config_t *config)
{
    if (cli_flag (argc, argv, "--help")) {
        printf ("usage: kumppani health [--service NAME] [--timeout MS] [--quiet]\n"
                "Exit status 0 when every service (or NAME) answers and reaches its database.\n");
        return 0;
    }
    const char *only = cli_option (argc, argv, "--service");
    const char *timeout_text = cli_option (argc, argv, "--timeout");
    int timeout_ms = timeout_text ? atoi (timeout_text) : 2000;
    bool quiet = cli_flag (argc, argv, "--quiet");
    if (only && kp_service_from_name (only) < 0) {
        fprintf (stderr, "kumppani health: unknown service '%s'\n", only);
        return 2;
    }
    int failures = 0;
    for (int service = 0; service < KP_SERVICE_COUNT; service++)
        if (!only || service == kp_service_from_name (only))
            failures += s_check (config, (kp_service_t) service, timeout_ms, quiet);
    return failures ? 1 : 0;
}
