/*  One client that stops reading must not freeze a service. A raw CURVE
    client with a tiny receive buffer (harness_curve) sends thousands of
    requests and never reads a reply; beside it an ordinary client gets
    every one of its replies, and the metrics count the replies the
    silent one would not take. */
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

TestSuite (slow_reader, .init = kpt_setup, .fini = kpt_teardown, .timeout = 120);

//  Requests are sent in rounds until their replies overflow every buffer
//  on the way (the peer's ZeroMQ queue of 256, this server's own of 64,
//  and the kernel's, whose size varies) and the service counts a drop.
#define S_ROUND 2000
#define S_FLOOD 400000

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

    //  The silent one: 1 KiB of receive buffer, and it never reads.
    uint8_t metadata [64];
    size_t size = kpt_curve_string (metadata, sizeof metadata, 0, "Socket-Type", "DEALER");
    kpt_curve_t *silent = kpt_curve_connect (service, "operator", metadata, size, 1024);
    cr_assert_not_null (silent);
    Kumppani__V1__Request request;
    Kumppani__V1__HealthRequest health;
    s_health_request (&request, &health, "flood");
    char series [128];
    snprintf (series, sizeof series, "kumppani_replies_dropped_total{service=\"%s\",reason=\"full\"}", service);
    int sent = 0;
    long long dropped = 0;
    bool stuck = false;
    while (sent < S_FLOOD && dropped <= 0 && !stuck) {
        //  Only a server that stopped reading for 10 s stops this (a send
        //  times out): one still working through the flood reads on, on
        //  a loaded machine too.
        for (int index = 0; index < S_ROUND && !stuck; index++) {
            stuck = kpt_curve_send_request (silent, &request, 10000) != 0;
            sent += !stuck;
        }
        dropped = kpt_metric (port, series);
    }
    cr_log_info ("%s: the silent client sent %d requests", service, sent);

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
