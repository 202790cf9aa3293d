/*  A database outage through the real services: with PostgreSQL stopped
    (fast shutdown: every session cut, new ones refused), intake, referral,
    groups and reporting each answer a request UNAVAILABLE with code
    db.error within a second, and each serves again by itself once
    PostgreSQL is back. The one-second bound is the README's promise
    (Operating kumppani), so it is asserted here; it is not a benchmark:
    the fixed code answers in milliseconds, the old one took 2-7 s. */
#include "harness.h"

#include <criterion/criterion.h>
#include <czmq.h>
#include <stdio.h>
#include <string.h>

//  PostgreSQL is started again even when the test fails half-way: every
//  later suite needs it.
static void
s_pg_back_and_teardown (void)
{
    kpt_pg_start ();
    kpt_teardown ();
}

TestSuite (db_outage, .init = kpt_setup, .fini = s_pg_back_and_teardown, .timeout = 180);

#define SERVICES 4
//  Requests per service while the database is away.
#define TRIES 3
//  The README's "within about a second", with the margin left as slack:
//  a refusal takes milliseconds when nothing waits on a reconnect.
#define PROMISED_US 1000000

static const char *const s_services [SERVICES] = { "intake", "referral", "groups", "reporting" };
static const char *const s_callers [SERVICES] = { "muni-743", "kela", "ngo-743", "muni-743" };

//  Bodies of one request each service answers OK when its database is
//  there: writes for three (the group commit path), a read for referral.
typedef struct {
    Kumppani__V1__ClientAttributes attributes;
    Kumppani__V1__RegisterClient register_client;
    Kumppani__V1__ListReferrals list_referrals;
    Kumppani__V1__ActivityFields activity;
    Kumppani__V1__CreateActivity create_activity;
    Kumppani__V1__SubmitObservation observation;
} s_bodies_t;

static void
s_bodies (s_bodies_t *bodies)
{
    kumppani__v1__client_attributes__init (&bodies->attributes);
    bodies->attributes.gender = KUMPPANI__V1__GENDER__GENDER_NON_BINARY;
    bodies->attributes.language = "fi";
    kumppani__v1__register_client__init (&bodies->register_client);
    bodies->register_client.hetu = "";
    bodies->register_client.attributes = &bodies->attributes;

    kumppani__v1__list_referrals__init (&bodies->list_referrals);

    kumppani__v1__activity_fields__init (&bodies->activity);
    bodies->activity.kind = "peer_support";
    bodies->activity.title = "Tuesday group";
    bodies->activity.municipality = "743";
    bodies->activity.area = "Keskusta";
    bodies->activity.venue = "room-outage";
    bodies->activity.capacity = 10;
    bodies->activity.audience = "mixed";
    bodies->activity.min_meetings = 8;
    kumppani__v1__create_activity__init (&bodies->create_activity);
    bodies->create_activity.activity = &bodies->activity;

    kumppani__v1__submit_observation__init (&bodies->observation);
    bodies->observation.theme = "outage_check";
    bodies->observation.area = "743";
    bodies->observation.period_start = "2026-01-01";
    bodies->observation.period_end = "2026-06-30";
    bodies->observation.description = "Rent arrears among single adults are rising.";
    bodies->observation.clients_concerned = 12;
}

//  One request to service index (a fresh correlation id and key each time);
//  *micros gets how long the answer took. NULL when none came in 5 s.
static Kumppani__V1__Reply *
s_call (kp_client_t *client, int index, s_bodies_t *bodies, int64_t *micros)
{
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, kpt_role_of (s_callers [index]), index != 1);
    switch (index) {
        case 0:
            request.body_case = KUMPPANI__V1__REQUEST__BODY_REGISTER_CLIENT;
            request.register_client = &bodies->register_client;
            break;
        case 1:
            request.body_case = KUMPPANI__V1__REQUEST__BODY_LIST_REFERRALS;
            request.list_referrals = &bodies->list_referrals;
            break;
        case 2:
            request.body_case = KUMPPANI__V1__REQUEST__BODY_CREATE_ACTIVITY;
            request.create_activity = &bodies->create_activity;
            break;
        default:
            request.body_case = KUMPPANI__V1__REQUEST__BODY_SUBMIT_OBSERVATION;
            request.submit_observation = &bodies->observation;
            break;
    }
    int64_t started = zclock_usecs ();
    Kumppani__V1__Reply *reply = kpt_call (client, &request);
    *micros = zclock_usecs () - started;
    return reply;
}

static void
s_expect_ok (kp_client_t *client, int index, s_bodies_t *bodies)
{
    int64_t micros;
    Kumppani__V1__Reply *reply = s_call (client, index, bodies, &micros);
    cr_assert_not_null (reply, "%s did not answer", s_services [index]);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK, "%s: status %d %s", s_services [index],
                  reply->status, reply->error ? reply->error->code : "");
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

Test (db_outage, every_service_refuses_within_a_second_and_comes_back)
{
    const char *all [] = { "stream", "intake", "referral", "groups", "reporting" };
    for (int index = 0; index < 5; index++)
        kpt_service_start (all [index], NULL);
    s_bodies_t bodies;
    s_bodies (&bodies);
    kp_client_t *clients [SERVICES];
    for (int index = 0; index < SERVICES; index++) {
        clients [index] = kpt_client (s_services [index], s_callers [index]);
        s_expect_ok (clients [index], index, &bodies);
    }

    kpt_pg_stop ();
    //  Several requests each: the first meets the cut session, the later
    //  ones the service that knows its database is away; every one of
    //  them must be answered, and soon.
    for (int index = 0; index < SERVICES; index++)
        for (int attempt = 0; attempt < TRIES; attempt++) {
            int64_t micros;
            Kumppani__V1__Reply *reply = s_call (clients [index], index, &bodies, &micros);
            fprintf (stderr, "db_outage: %s request %d answered in %.1f ms\n", s_services [index],
                     attempt + 1, (double) micros / 1000);
            cr_assert_not_null (reply, "%s left request %d unanswered with the database down",
                                s_services [index], attempt + 1);
            cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_UNAVAILABLE, "%s: status %d",
                          s_services [index], reply->status);
            cr_assert_str_eq (reply->error->code, "db.error");
            cr_assert_lt (micros, PROMISED_US, "%s took %.0f ms to refuse (promised: about a second)",
                          s_services [index], (double) micros / 1000);
            kumppani__v1__reply__free_unpacked (reply, NULL);
        }

    //  Back: each service reconnects by itself. Asked until it serves,
    //  bounded (it retries its database at least every 2 s).
    kpt_pg_start ();
    for (int index = 0; index < SERVICES; index++) {
        bool served = false;
        for (int attempt = 0; attempt < 40 && !served; attempt++) {
            int64_t micros;
            Kumppani__V1__Reply *reply = s_call (clients [index], index, &bodies, &micros);
            served = reply && reply->status == KUMPPANI__V1__STATUS__STATUS_OK;
            if (reply && !served)
                cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_UNAVAILABLE, "%s: status %d",
                              s_services [index], reply->status);
            if (reply)
                kumppani__v1__reply__free_unpacked (reply, NULL);
            if (!served)
                zclock_sleep (250);
        }
        cr_assert (served, "%s did not serve again after PostgreSQL came back", s_services [index]);
    }
    for (int index = 0; index < SERVICES; index++)
        kp_client_destroy (&clients [index]);
}
