/*  Two instances of every service on one database, as docs/operations.md
    describes running them: clients connect one DEALER to both endpoints
    (ZeroMQ's round robin), each instance binds its own. What must hold:
    a request and its retry on different instances have one effect and
    one answer; a client loses nothing when one instance dies; each
    consumer handles every event once, and carries on in the surviving
    instance; the deadline watch sends each notice once while both run. */
#include "harness.h"
#include "kp_codec.h"
#include "kp_ids.h"

#include <criterion/criterion.h>
#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

TestSuite (scaleout, .init = kpt_setup, .fini = kpt_teardown, .timeout = 180);

#define STATUS(name) KUMPPANI__V1__STATUS__STATUS_##name

static const char *const s_env [] = { "KUMPPANI_POLL_MS=100", NULL };

//  Both instances of each service named, in an order that lets each find
//  what it needs (the stream first: consumers replay from it).
static void
s_start_both (const char *const *services)
{
    for (const char *const *service = services; *service; service++)
        for (int instance = 0; instance < 2; instance++)
            kpt_instance_start (*service, instance, s_env);
}

//  A client of one instance only (its own endpoint, not the list).
static kp_client_t *
s_client_of (const char *service, int instance, const char *org)
{
    kp_client_t *client = kp_client_new (kpt_instance_endpoint (service, instance),
                                         kpt_cert_path ("services", service), kpt_cert_path ("clients", org));
    cr_assert_not_null (client);
    return client;
}

//  A Kela notice of need for social work to muni-743 about the person
//  with individual number `person` (each its own client in intake).
static void
s_notice (Kumppani__V1__SubmitReferral *body, char *hetu, int person)
{
    kumppani__v1__submit_referral__init (body);
    kpt_hetu (hetu, "131052", '-', 100 + person);
    body->kind = KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_SOCIAL_WORK_NEED;
    body->recipient_org = "muni-743";
    body->recipient_type = "municipality";
    body->municipality = "743";
    body->hetu = hetu;
    body->reason_category = KUMPPANI__V1__REASON_CATEGORY__REASON_CATEGORY_LIFE_MANAGEMENT;
    body->legal_basis = KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CONSENT;
    body->consent_ref = "consent-1";
    body->free_text = "Rent arrears; asked for help with the budget.";
}

//  Packs a SubmitReferral as Kela with the given idempotency key.
static uint8_t *
s_pack_notice (int person, const char *key, size_t *size)
{
    char hetu [12];
    Kumppani__V1__SubmitReferral body;
    s_notice (&body, hetu, person);
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, KUMPPANI__V1__ROLE__ROLE_KELA_OFFICER, true);
    request.idempotency_key = (char *) key;
    request.body_case = KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL;
    request.submit_referral = &body;
    return kp_codec_pack (&request.base, size);
}

//  Submits person's notice through client (the list or one instance)
//  with retries, as an agency system would; returns the referral id.
static void
s_submit (kp_client_t *client, int person, char *referral_id)
{
    char hetu [12];
    Kumppani__V1__SubmitReferral body;
    s_notice (&body, hetu, person);
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, KUMPPANI__V1__ROLE__ROLE_KELA_OFFICER, true);
    request.body_case = KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL;
    request.submit_referral = &body;
    Kumppani__V1__Reply *reply = kp_client_call (client, &request, 2000, 4);
    cr_assert_not_null (reply, "notice %d never acknowledged", person);
    cr_assert_eq (reply->status, STATUS (OK), "notice %d: %s", person,
                  reply->error ? reply->error->code : "");
    snprintf (referral_id, KP_ID_LEN + 1, "%s", reply->referral->referral->referral_id);
    kp_codec_reply_free (&reply);
}

static long long
s_wait_for (const char *sql, const char *param, long long want)
{
    long long value = -1;
    for (int attempt = 0; attempt < 600; attempt++) {
        value = kpt_scalar (sql, param);
        if (value == want)
            break;
        zclock_sleep (50);
    }
    return value;
}

//  Requests an instance answered, from its metrics.
static long long
s_answered (int port)
{
    return kpt_metric (port, "kumppani_requests_total{service=\"referral\",operation=\"referral.submit_referral\","
                             "status=\"STATUS_OK\"}");
}

//  The same request, same key, sent at the same moment to each instance:
//  the twin that loses the race on the idempotency row is run again and
//  answers with the winner's stored reply. One referral, one event.
Test (scaleout, twins_on_two_instances_have_one_effect_and_one_answer)
{
    kpt_scale_out ();
    s_start_both ((const char *const []) { "stream", "referral", NULL });
    kp_client_t *first = s_client_of ("referral", 0, "kela");
    kp_client_t *second = s_client_of ("referral", 1, "kela");
    char ids [40][KP_ID_LEN + 1], prefix [KP_ID_LEN + 1];
    kp_id_new (prefix);
    for (int person = 0; person < 40; person++) {
        char key [KP_ID_LEN + 16];
        snprintf (key, sizeof key, "%s-%d", prefix, person);
        size_t size;
        uint8_t *packed = s_pack_notice (person, key, &size);
        cr_assert_eq (kp_client_send_bytes (first, packed, size), 0);
        cr_assert_eq (kp_client_send_bytes (second, packed, size), 0);
        free (packed);
        Kumppani__V1__Reply *a = kp_client_recv (first, 5000);
        Kumppani__V1__Reply *b = kp_client_recv (second, 5000);
        cr_assert (a && b, "twin %d unanswered", person);
        cr_assert_eq (a->status, STATUS (OK), "%s", a->error ? a->error->code : "");
        cr_assert_eq (b->status, STATUS (OK), "%s", b->error ? b->error->code : "");
        cr_assert_str_eq (a->referral->referral->referral_id, b->referral->referral->referral_id,
                          "twin %d made two referrals", person);
        snprintf (ids [person], sizeof ids [person], "%s", a->referral->referral->referral_id);
        kp_codec_reply_free (&a);
        kp_codec_reply_free (&b);
    }
    for (int person = 0; person < 40; person++)
        cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.events WHERE topic = 'referral.received'"
                                  " AND aggregate_id = $1", ids [person]), 1);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.idempotency WHERE org_id = 'kela'"
                              " AND key LIKE $1 || '-%'", prefix), 40);
    kp_client_destroy (&first);
    kp_client_destroy (&second);
}

//  One client of both instances (the list): the requests are dealt out
//  to both; when one is killed, the retries reach the other and every
//  notice is acknowledged once, with nothing lost or doubled.
Test (scaleout, a_client_of_both_loses_nothing_when_one_dies)
{
    kpt_scale_out ();
    int ports [2] = { kpt_free_port (), kpt_free_port () };
    for (int instance = 0; instance < 2; instance++) {
        static char metrics [2][48];
        snprintf (metrics [instance], sizeof metrics [instance], "KUMPPANI_METRICS_PORT=%d", ports [instance]);
        const char *env [] = { "KUMPPANI_POLL_MS=100", metrics [instance], NULL };
        kpt_instance_start ("stream", instance, s_env);
        kpt_instance_start ("referral", instance, env);
    }
    kp_client_t *client = kpt_client ("referral", "kela");
    char ids [60][KP_ID_LEN + 1];
    for (int person = 0; person < 30; person++)
        s_submit (client, person, ids [person]);
    long long before [2] = { s_answered (ports [0]), s_answered (ports [1]) };
    cr_assert (before [0] > 0 && before [1] > 0, "round robin used one instance: %lld and %lld",
               before [0], before [1]);
    //  (At least: a reply slower than the client's patience is asked for
    //  again and answered again, from the stored reply.)
    cr_assert_geq (before [0] + before [1], 30);

    kpt_instance_kill ("referral", 1);
    for (int person = 30; person < 60; person++)
        s_submit (client, person, ids [person]);
    cr_assert_geq (s_answered (ports [0]), before [0] + 30, "the survivor did not take over");
    for (int person = 0; person < 60; person++) {
        cr_assert_eq (kpt_scalar ("SELECT count(*) FROM referral.referrals WHERE referral_id = $1",
                                  ids [person]), 1, "notice %d lost", person);
        cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.events WHERE topic = 'referral.received'"
                                  " AND aggregate_id = $1", ids [person]), 1, "notice %d doubled", person);
    }
    kp_client_destroy (&client);
}

//  Intake opens a case for every notice and reporting folds every event,
//  each consumer in both instances (the cursor row lets one at a time
//  work, NOWAIT). Half way intake's working instance may be the one
//  killed: the other carries on from the cursor.
Test (scaleout, each_consumer_handles_every_event_once)
{
    kpt_scale_out ();
    //  The cluster is shared: the consumers first catch up on what earlier
    //  suites left, which may hold events they rightly park. Ours come after.
    long long head = kpt_scalar ("SELECT coalesce (max (seq), 0) FROM kp.events", NULL);
    char head_text [32];
    snprintf (head_text, sizeof head_text, "%lld", head);
    s_start_both ((const char *const []) { "stream", "referral", "intake", "reporting", NULL });
    kp_client_t *client = kpt_client ("referral", "kela");
    char ids [40][KP_ID_LEN + 1];
    for (int person = 0; person < 20; person++)
        s_submit (client, person, ids [person]);
    cr_assert_eq (s_wait_for ("SELECT count(*) FROM intake.case_referrals WHERE referral_id = $1",
                              ids [19], 1), 1, "intake never opened the 20th case");
    kpt_instance_kill ("intake", 0);
    for (int person = 20; person < 40; person++)
        s_submit (client, person, ids [person]);
    cr_assert_eq (s_wait_for ("SELECT count(*) FROM intake.case_referrals WHERE referral_id = $1",
                              ids [39], 1), 1, "the surviving intake did not carry on");
    cr_assert_eq (s_wait_for ("SELECT count(*) FROM reporting.referral_notices WHERE copy = 'live'"
                              " AND referral_id = $1", ids [39], 1), 1, "reporting did not fold the last notice");
    for (int person = 0; person < 40; person++) {
        cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.events e JOIN intake.case_referrals r"
                                  " ON r.case_id = e.aggregate_id WHERE e.topic = 'intake.case_opened'"
                                  " AND r.referral_id = $1", ids [person]), 1, "notice %d: not one case", person);
        cr_assert_eq (kpt_scalar ("SELECT count(*) FROM reporting.referral_notices WHERE copy = 'live'"
                                  " AND referral_id = $1", ids [person]), 1, "notice %d not folded", person);
    }
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.parked_events WHERE seq > $1::int8", head_text), 0,
                  "events of this test were parked");
    kp_client_destroy (&client);
}

//  Both instances run the deadline watch; every breach goes out once.
Test (scaleout, the_deadline_watch_sends_each_notice_once)
{
    kpt_scale_out ();
    s_start_both ((const char *const []) { "stream", "referral", NULL });
    kp_client_t *client = kpt_client ("referral", "kela");
    char ids [30][KP_ID_LEN + 1];
    for (int person = 0; person < 30; person++)
        s_submit (client, person, ids [person]);
    //  Their clocks ran out three days ago (both watches are running).
    PGresult *result;
    for (int person = 0; person < 30; person++) {
        result = PQexecParams (kpt_admin (),
            "UPDATE referral.referrals SET deadline = current_date - 3, warning_on = current_date - 4"
            " WHERE referral_id = $1", 1, NULL, (const char *const []) { ids [person] }, NULL, NULL, 0);
        cr_assert_eq (PQresultStatus (result), PGRES_COMMAND_OK, "%s", PQerrorMessage (kpt_admin ()));
        PQclear (result);
    }
    const char *breaches = "SELECT count(*) FROM kp.events WHERE topic = 'referral.deadline_breached'"
                           " AND aggregate_id = $1";
    for (int person = 0; person < 30; person++)
        cr_assert_eq (s_wait_for (breaches, ids [person], 1), 1, "notice %d: no breach", person);
    //  Many ticks of both watches later, still one each: a sentinel due
    //  now is sent by a tick that would also have repeated the others.
    char sentinel [KP_ID_LEN + 1];
    s_submit (client, 99, sentinel);
    result = PQexecParams (kpt_admin (),
        "UPDATE referral.referrals SET deadline = current_date + 60, warning_on = current_date - 1"
        " WHERE referral_id = $1", 1, NULL, (const char *const []) { sentinel }, NULL, NULL, 0);
    PQclear (result);
    cr_assert_eq (s_wait_for ("SELECT count(*) FROM kp.events WHERE topic = 'referral.deadline_warning'"
                              " AND aggregate_id = $1", sentinel, 1), 1);
    zclock_sleep (500);
    for (int person = 0; person < 30; person++)
        cr_assert_eq (kpt_scalar (breaches, ids [person]), 1, "notice %d breached twice", person);
    kp_client_destroy (&client);
}

//  An instance refuses to start on a list without knowing which one it is.
Test (scaleout, an_instance_needs_its_own_endpoint)
{
    kpt_scale_out ();
    char command [2048];
    snprintf (command, sizeof command, "KUMPPANI_REFERRAL_ENDPOINT='%s' '%s/referral' 2>&1",
              kpt_endpoint ("referral"), getenv ("KUMPPANI_TEST_BIN_DIR"));
    FILE *child = popen (command, "r");
    cr_assert_not_null (child);
    char output [4096] = "";
    size_t used = fread (output, 1, sizeof output - 1, child);
    output [used] = 0;
    int status = pclose (child);
    cr_assert (WIFEXITED (status) && WEXITSTATUS (status) != 0, "started on a list of endpoints");
    cr_assert (strstr (output, "KUMPPANI_REFERRAL_ENDPOINT lists several instances"), "%s", output);
}

//  The first instance listed is down: without ZMQ_IMMEDIATE the DEALER
//  would queue every other request for it, each waiting out its timeout
//  (and a retry on the rebuilt socket would start with it again). Every
//  call is answered on its first attempt.
Test (scaleout, a_list_skips_an_instance_that_is_down)
{
    kpt_service_start ("stream", NULL);
    char list [200];
    snprintf (list, sizeof list, "tcp://127.0.0.1:%d,%s", kpt_free_port (), kpt_endpoint ("stream"));
    kp_client_t *client = kp_client_new (list, kpt_cert_path ("services", "stream"),
                                         kpt_cert_path ("clients", "operator"));
    cr_assert_not_null (client);
    for (int call = 0; call < 6; call++) {
        Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
        Kumppani__V1__HealthRequest health = KUMPPANI__V1__HEALTH_REQUEST__INIT;
        request.body_case = KUMPPANI__V1__REQUEST__BODY_HEALTH;
        request.health = &health;
        Kumppani__V1__Reply *reply = kp_client_call (client, &request, 3000, 0);
        cr_assert_not_null (reply, "call %d went to the instance that is down", call);
        cr_assert_eq (reply->status, STATUS (OK));
        kp_codec_reply_free (&reply);
    }
    kp_client_destroy (&client);
}
