/*  One client that stops reading must not freeze a service. A raw CURVE
    client (harness_curve) sends thousands of requests and never reads a
    reply; beside it an ordinary client gets every one of its replies,
    and the metrics count the replies the silent one would not take. */
#include "harness.h"
#include "harness_curve.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <czmq.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

TestSuite (slow_reader, .init = kpt_setup, .fini = kpt_teardown, .timeout = 180);

//  Requests are sent until their replies overflow every buffer on the
//  way (the kernel's send buffer, which loopback grows to megabytes, the
//  peer's ZeroMQ queue of 256, this server's own of 64) and the service
//  counts a drop: some 30,000 replies. The flood keeps at most S_LEAD
//  requests ahead of the service's answers, in rounds of S_ROUND, so
//  that what is measured is the service reading, not how far kernel
//  buffers let a client run ahead of it (a client megabytes ahead finds
//  the service's receive window shut by a sanitized, loaded service's
//  backlog, which is no freeze).
#define S_ROUND 250
#define S_LEAD 1000
#define S_FLOOD 400000
//  A service that answers none of the requests waiting for it in this
//  long has stopped reading: a loaded, sanitized one still answers
//  hundreds a second.
#define S_STUCK_MS 10000

static Kumppani__V1__Request *
s_health_request (Kumppani__V1__Request *request, Kumppani__V1__HealthRequest *health, const char *id)
{
    kumppani__v1__request__init (request);
    kumppani__v1__health_request__init (health);
    request->correlation_id = (char *) id;
    request->body_case = KUMPPANI__V1__REQUEST__BODY_HEALTH;
    request->health = health;
    return request;
}

static void
s_slow_reader_beside (const char *service)
{
    int port = kpt_free_port ();
    char setting [64];
    snprintf (setting, sizeof setting, "KUMPPANI_METRICS_PORT=%d", port);
    const char *env [] = { setting, NULL };
    if (strcmp (service, "stream") != 0)
        kpt_service_start ("stream", NULL);
    kpt_service_start (service, env);

    //  The silent one never reads. Its receive buffer stays the kernel's
    //  default: one shrunk below a loopback segment's memory (SO_RCVBUF
    //  1 KiB) makes the client's kernel drop the service's segments,
    //  window updates included, and once the service's window has been
    //  shut the client never sends again (seen: the client's socket
    //  probing a zero window while the service's receive queue was empty).
    uint8_t metadata [64];
    size_t size = kpt_curve_string (metadata, sizeof metadata, 0, "Socket-Type", "DEALER");
    kpt_curve_t *silent = kpt_curve_connect (service, "operator", metadata, size, 0);
    cr_assert_not_null (silent);
    Kumppani__V1__Request request;
    Kumppani__V1__HealthRequest health;
    s_health_request (&request, &health, "flood");
    char series [128], answered_series [160];
    snprintf (series, sizeof series, "kumppani_replies_dropped_total{service=\"%s\",reason=\"full\"}", service);
    snprintf (answered_series, sizeof answered_series,
              "kumppani_requests_total{service=\"%s\",operation=\"health\",status=\"STATUS_OK\"}", service);
    //  Counted before delivery, dropped replies too: the service's reads.
    long long before = kpt_metric (port, answered_series);
    before = before > 0 ? before : 0;
    int sent = 0;
    long long dropped = 0, answered = 0;
    int64_t progress_at = zclock_mono ();
    while (sent < S_FLOOD && dropped <= 0) {
        long long now_answered = kpt_metric (port, answered_series) - before;
        if (now_answered > answered) {
            answered = now_answered;
            progress_at = zclock_mono ();
        }
        if (sent - answered + S_ROUND <= S_LEAD)
            for (int index = 0; index < S_ROUND; index++) {
                //  With at most S_LEAD requests on the way, a send waits
                //  only on a service that stopped reading.
                cr_assert_eq (kpt_curve_send_request (silent, &request, S_STUCK_MS), 0,
                              "%s stopped reading: a request of the silent client waited %d ms"
                              " (%lld of %d answered)", service, S_STUCK_MS, answered, sent);
                sent++;
            }
        else {
            cr_assert_lt (zclock_mono () - progress_at, S_STUCK_MS,
                          "%s stopped reading: none of the silent client's %lld waiting requests"
                          " answered in %d ms (%lld of %d answered)",
                          service, sent - answered, S_STUCK_MS, answered, sent);
            zclock_sleep (5);
        }
        dropped = kpt_metric (port, series);
    }
    cr_log_info ("%s: the silent client sent %d requests, %lld answered", service, sent, answered);

    //  While it sits there, still connected and not reading, the other
    //  client is answered every time within its usual timeout (5 s: a
    //  bound only a frozen loop misses).
    kp_client_t *client = kpt_client (service, "operator");
    for (int index = 0; index < 50; index++) {
        char id [16];
        snprintf (id, sizeof id, "normal-%d", index);
        s_health_request (&request, &health, id);
        Kumppani__V1__Reply *reply = kpt_call (client, &request);
        cr_assert_not_null (reply, "%s: request %d of the reading client was not answered", service, index);
        cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK);
        kumppani__v1__reply__free_unpacked (reply, NULL);
    }
    kp_client_destroy (&client);

    //  The silent client's overflow is dropped and counted as "full"
    //  (polled: the service may still be answering the flood).
    for (int waited = 0; waited < 100 && dropped <= 0; waited++) {
        dropped = kpt_metric (port, series);
        if (dropped <= 0)
            zclock_sleep (100);
    }
    cr_assert_gt (dropped, 0, "%s counted no dropped replies", service);
    cr_assert_leq (dropped, sent, "more replies dropped than requests sent");
    kpt_curve_destroy (&silent);
}

Test (slow_reader, intake_keeps_answering) { s_slow_reader_beside ("intake"); }
Test (slow_reader, referral_keeps_answering) { s_slow_reader_beside ("referral"); }
Test (slow_reader, groups_keeps_answering) { s_slow_reader_beside ("groups"); }
Test (slow_reader, reporting_keeps_answering) { s_slow_reader_beside ("reporting"); }
