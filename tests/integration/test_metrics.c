/*  Prometheus metrics on a service's optional HTTP port: the text parses,
    requests are counted by operation and status, refusals too, and the
    relay counts what it publishes. */
#include "harness.h"
#include "kp_codec.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

TestSuite (metrics, .init = kpt_setup, .fini = kpt_teardown, .timeout = 60);

//  GET path over plain HTTP/1.0; the body into out. Returns the status code.
static int
s_get (int port, const char *path, char *out, size_t size)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons ((uint16_t) port),
                                   .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
    cr_assert_eq (connect (fd, (struct sockaddr *) &address, sizeof address), 0, "metrics port closed");
    char request [128];
    int len = snprintf (request, sizeof request, "GET %s HTTP/1.0\r\n\r\n", path);
    cr_assert_eq (write (fd, request, (size_t) len), len);
    size_t used = 0;
    ssize_t got;
    while (used < size - 1 && (got = read (fd, out + used, size - 1 - used)) > 0)
        used += (size_t) got;
    out [used] = 0;
    close (fd);
    int status = 0;
    sscanf (out, "HTTP/1.%*d %d", &status);
    char *body = strstr (out, "\r\n\r\n");
    if (body)
        memmove (out, body + 4, strlen (body + 4) + 1);
    return status;
}

//  The value of the sample whose name-and-labels part is exactly series,
//  or -1 if absent; also checks every sample line parses as "name value".
static long long
s_sample (const char *text, const char *series)
{
    long long found = -1;
    char line [512];
    for (const char *at = text; *at; ) {
        size_t len = strcspn (at, "\n");
        snprintf (line, sizeof line, "%.*s", (int) len, at);
        at += len + (at [len] == '\n');
        if (!*line || *line == '#')
            continue;
        char *space = strrchr (line, ' ');
        cr_assert_not_null (space, "not a sample line: %s", line);
        char *end;
        double value = strtod (space + 1, &end);
        cr_assert (*end == 0, "not a number in: %s", line);
        *space = 0;
        if (strcmp (line, series) == 0)
            found = (long long) value;
    }
    return found;
}

static void
s_health (kp_client_t *client)
{
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__HealthRequest health = KUMPPANI__V1__HEALTH_REQUEST__INIT;
    request.body_case = KUMPPANI__V1__REQUEST__BODY_HEALTH;
    request.health = &health;
    Kumppani__V1__Reply *reply = kp_client_call (client, &request, 2000, 0);
    cr_assert_not_null (reply);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

Test (metrics, counters_parse_and_increase)
{
    int port = kpt_free_port ();
    char setting [64];
    snprintf (setting, sizeof setting, "KUMPPANI_STREAM_METRICS_PORT=%d", port);
    const char *env [] = { setting, NULL };
    kpt_service_start ("stream", env);
    static char text [65536];
    cr_assert_eq (s_get (port, "/metrics", text, sizeof text), 200);
    const char *health = "kumppani_requests_total{service=\"stream\",operation=\"health\",status=\"STATUS_OK\"}";
    long long before = s_sample (text, health);
    cr_assert_geq (before, 1, "start-up's health requests were not counted:\n%s", text);

    kp_client_t *client = kpt_client ("stream", "operator");
    for (int index = 0; index < 3; index++)
        s_health (client);
    const uint8_t garbage [] = { 0xff, 0xff, 0xff, 0xff, 0x0f };
    kp_client_send_bytes (client, garbage, sizeof garbage);
    Kumppani__V1__Reply *reply = kp_client_recv (client, 2000);
    cr_assert_not_null (reply);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&client);

    PGconn *conn = kpt_connect_as ("reporting");
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.topic = "reporting.metrics_test";
    event.aggregate_id = "m-1";
    kpt_append_event (conn, &event, "743", NULL, NULL);
    PQfinish (conn);
    long long published = -1;
    for (int waited = 0; waited < 50 && published < 1; waited++) {
        zclock_sleep (100);
        cr_assert_eq (s_get (port, "/metrics", text, sizeof text), 200);
        published = s_sample (text, "kumppani_events_published_total{service=\"stream\"}");
    }
    cr_assert_geq (published, 1, "the relay's publication was not counted");
    cr_assert_eq (s_sample (text, health), before + 3);
    cr_assert_eq (s_sample (text, "kumppani_requests_total{service=\"stream\",operation=\"undecodable\","
                                  "status=\"STATUS_INVALID\"}"), 1);
    cr_assert_eq (s_sample (text, "kumppani_request_duration_seconds_count{service=\"stream\",operation=\"health\"}"),
                  before + 3, "the histogram's count disagrees with the counter");
    cr_assert (strstr (text, "# TYPE kumppani_request_duration_seconds histogram"));
    cr_assert_eq (s_get (port, "/other", text, sizeof text), 404);
}
