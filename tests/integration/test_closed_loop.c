/*  The first vertical slice end to end, with the real stream, referral and
    intake processes: a Kela notice opens the client's case in intake; the
    municipality starts the service-need assessment in intake; the
    referral's clock stops and Kela sees the status change on its own
    stream, without ever seeing intake's events or the henkilötunnus. */
#define _GNU_SOURCE             //  memmem
#include "harness.h"
#include "kp_subscriber.h"

#include <criterion/criterion.h>
#include <czmq.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

TestSuite (closed_loop, .init = kpt_setup, .fini = kpt_teardown, .timeout = 120);

//  A valid henkilötunnus no other test uses: born 1.1.1990, an individual
//  number from the pid and a salt, the check character by the mod-31 rule.
static void
s_unique_hetu (char *hetu, int salt)        //  16 bytes
{
    int number = 2 + (int) ((getpid () * 2 + salt) % 897);
    long long digits = 10190LL * 1000 + number;           //  010190NNN
    snprintf (hetu, 16, "010190-%03d%c", number, "0123456789ABCDEFHJKLMNPRSTUVWXY" [digits % 31]);
}

static kp_subscriber_t *
s_subscriber (const char *org, const char *prefix)
{
    const char *prefixes [] = { prefix, NULL };
    long long head = kpt_scalar ("SELECT last_seq FROM kp.event_counter", NULL);
    kp_subscriber_t *subscriber = kp_subscriber_new (kpt_endpoint ("stream"), kpt_pub_endpoint (),
                                                     kpt_cert_path ("services", "stream"),
                                                     kpt_cert_path ("clients", org), prefixes,
                                                     (uint64_t) head);
    cr_assert_not_null (subscriber);
    return subscriber;
}

static Kumppani__V1__Reply *
s_call (const char *service, const char *org, Kumppani__V1__Role role,
        Kumppani__V1__Request__BodyCase body_case, void *body, bool mutating)
{
    kp_client_t *client = kpt_client (service, org);
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, role, mutating);
    request.body_case = body_case;
    request.submit_referral = body;         //  the body pointers share one union
    Kumppani__V1__Reply *reply = kpt_call (client, &request);
    kp_client_destroy (&client);
    cr_assert_not_null (reply, "no reply from %s", service);
    return reply;
}

//  Kela's notice of need for social work about hetu to Seinäjoki; the new
//  referral's id goes to referral_id (64 bytes). The assessment clock runs.
static void
s_kela_notice (char *hetu, Kumppani__V1__LegalBasis basis, const char *consent_ref, char *referral_id)
{
    Kumppani__V1__SubmitReferral notice = KUMPPANI__V1__SUBMIT_REFERRAL__INIT;
    notice.kind = KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_SOCIAL_WORK_NEED;
    notice.recipient_org = "muni-743";
    notice.recipient_type = "municipality";
    notice.municipality = "743";
    notice.hetu = hetu;
    notice.reason_category = KUMPPANI__V1__REASON_CATEGORY__REASON_CATEGORY_LIFE_MANAGEMENT;
    notice.legal_basis = basis;
    notice.consent_ref = (char *) (consent_ref ? consent_ref : "");
    notice.free_text = "The client asked for help with rent arrears.";
    Kumppani__V1__Reply *reply = s_call ("referral", "kela", KUMPPANI__V1__ROLE__ROLE_KELA_OFFICER,
                                         KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL, &notice, true);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK, "%s",
                  reply->error ? reply->error->code : "");
    snprintf (referral_id, 64, "%s", reply->referral->referral->referral_id);
    cr_assert_str_not_empty (reply->referral->referral->deadline, "no assessment clock started");
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

static Kumppani__V1__ReferralView *
s_kela_view (const char *referral_id, Kumppani__V1__Reply **reply_p)
{
    Kumppani__V1__GetReferral get = KUMPPANI__V1__GET_REFERRAL__INIT;
    get.referral_id = (char *) referral_id;
    *reply_p = s_call ("referral", "kela", KUMPPANI__V1__ROLE__ROLE_KELA_OFFICER,
                       KUMPPANI__V1__REQUEST__BODY_GET_REFERRAL, &get, false);
    cr_assert_eq ((*reply_p)->status, KUMPPANI__V1__STATUS__STATUS_OK);
    return (*reply_p)->referral->referral;
}

Test (closed_loop, kela_notice_opens_a_case_and_the_assessment_start_closes_kelas_loop)
{
    const char *fast [] = { "KUMPPANI_POLL_MS=100", NULL };
    kpt_service_start ("stream", NULL);
    kpt_service_start ("referral", fast);
    kpt_service_start ("intake", fast);
    kp_subscriber_t *kela = s_subscriber ("kela", "");
    kp_subscriber_t *operator = s_subscriber ("operator", "intake.case_opened");

    //  1. Kela's notice of need for social work to Seinäjoki.
    char hetu [16];
    s_unique_hetu (hetu, 0);
    char referral_id [64];
    s_kela_notice (hetu, KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CLIENT_REQUEST, NULL, referral_id);

    //  2. Intake opens the client's case from the stream, linked to the referral.
    char case_id [64] = "";
    for (int waited = 0; waited < 20 && !*case_id; waited++) {
        Kumppani__V1__Event *event = kp_subscriber_next (operator, 500);
        if (event && event->intake && event->intake->n_referral_ids == 1
        &&  strcmp (event->intake->referral_ids [0], referral_id) == 0) {
            cr_assert_eq (event->intake->channel, KUMPPANI__V1__CASE_CHANNEL__CASE_CHANNEL_KELA_NOTICE);
            snprintf (case_id, sizeof case_id, "%s", event->intake->case_id);
        }
        if (event)
            kumppani__v1__event__free_unpacked (event, NULL);
    }
    cr_assert_str_not_empty (case_id, "intake never opened a case for the referral (subscriber at %llu after %llu replays, head %lld)",
        (unsigned long long) kp_subscriber_last_seq (operator), (unsigned long long) kp_subscriber_replays (operator),
        kpt_scalar ("SELECT last_seq FROM kp.event_counter", NULL));
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM intake.case_referrals WHERE referral_id = $1", referral_id), 1);
    //  The person was no client yet: the record the notice created has the
    //  birth date of the henkilötunnus (1.1.1990), so the start snapshot
    //  taken as the case opened knows the age at entry.
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM intake.participant_snapshots s JOIN intake.cases k USING (case_id)"
                              " JOIN intake.clients c ON c.client_id = k.client_id WHERE s.case_id = $1"
                              " AND s.kind = 'start' AND c.birth_date = '1990-01-01' AND c.birth_year = 1990"
                              " AND s.age = extract (year FROM age ((s.taken_at AT TIME ZONE 'Europe/Helsinki')::date,"
                              " '1990-01-01'))", case_id), 1, "no age at entry from the notice's henkilötunnus");

    //  3. The municipality's social worker starts the service-need assessment.
    Kumppani__V1__StartAssessment start = KUMPPANI__V1__START_ASSESSMENT__INIT;
    start.case_id = case_id;
    Kumppani__V1__Reply *reply = s_call ("intake", "muni-743", KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER,
                    KUMPPANI__V1__REQUEST__BODY_START_ASSESSMENT, &start, true);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK, "%s",
                  reply->error ? reply->error->code : "");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  4. Kela's view: the referral moves to ASSESSMENT_STARTED, clock met.
    Kumppani__V1__ReferralView *view = NULL;
    for (int waited = 0; waited < 50; waited++) {
        view = s_kela_view (referral_id, &reply);
        if (view->state == KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_ASSESSMENT_STARTED)
            break;
        kumppani__v1__reply__free_unpacked (reply, NULL);
        view = NULL;
        zclock_sleep (100);
    }
    cr_assert_not_null (view, "the assessment start never reached the referral");
    cr_assert_gt (view->assessment_started_at, 0);
    cr_assert_eq (view->deadline_state, KUMPPANI__V1__DEADLINE_STATE__DEADLINE_STATE_MET);
    cr_assert_str_empty (view->hetu, "Kela, the sender, was shown the henkilötunnus");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  5. Kela's own stream: its notice's events, the status change among
    //     them; nothing of intake's; never the henkilötunnus.
    bool saw_received = false, saw_started = false;
    Kumppani__V1__Event *event;
    while ((event = kp_subscriber_next (kela, 1500))) {
        cr_assert (strncmp (event->topic, "referral.", 9) == 0, "Kela saw %s", event->topic);
        size_t size = protobuf_c_message_get_packed_size (&event->base);
        uint8_t *bytes = malloc (size);
        protobuf_c_message_pack (&event->base, bytes);
        cr_assert_null (memmem (bytes, size, hetu, strlen (hetu)), "an event carried the henkilötunnus");
        free (bytes);
        if (event->referral && strcmp (event->referral->referral_id, referral_id) == 0) {
            saw_received |= strcmp (event->topic, "referral.received") == 0;
            saw_started |= strcmp (event->topic, "referral.status_changed") == 0
                && event->referral->state == KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_ASSESSMENT_STARTED;
        }
        kumppani__v1__event__free_unpacked (event, NULL);
    }
    cr_assert (saw_received, "Kela did not see its notice received");
    cr_assert (saw_started, "Kela did not see the assessment start");
    kp_subscriber_destroy (&kela);
    kp_subscriber_destroy (&operator);
}

//  A service's consumer must not starve its requests while the stream is
//  away: every request still gets an answer within the client's timeout.
Test (closed_loop, services_keep_answering_while_the_stream_is_down)
{
    const char *fast [] = { "KUMPPANI_POLL_MS=100", NULL };
    kpt_service_start ("referral", fast);
    kpt_service_start ("intake", fast);
    const char *services [] = { "referral", "intake" };
    for (int round = 0; round < 8; round++)
        for (int index = 0; index < 2; index++) {
            kp_client_t *client = kpt_client (services [index], "operator");
            Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
            Kumppani__V1__HealthRequest health = KUMPPANI__V1__HEALTH_REQUEST__INIT;
            request.body_case = KUMPPANI__V1__REQUEST__BODY_HEALTH;
            request.health = &health;
            Kumppani__V1__Reply *reply = kp_client_call (client, &request, 3000, 0);
            cr_assert_not_null (reply, "%s stopped answering while the stream was down (round %d)",
                                services [index], round);
            kumppani__v1__reply__free_unpacked (reply, NULL);
            kp_client_destroy (&client);
            zclock_sleep (150);
        }
}

static int64_t
s_parked (const char *service)
{
    kp_client_t *client = kpt_client (service, "operator");
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__HealthRequest health = KUMPPANI__V1__HEALTH_REQUEST__INIT;
    request.body_case = KUMPPANI__V1__REQUEST__BODY_HEALTH;
    request.health = &health;
    Kumppani__V1__Reply *reply = kp_client_call (client, &request, 3000, 0);
    cr_assert_not_null (reply);
    int64_t parked = reply->health->parked_events;
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&client);
    return parked;
}

//  An event intake cannot take (a referral the referral service never
//  recorded) is parked with its reason, counted in intake's health, and
//  passed over: the consumer's cursor moves beyond it.
Test (closed_loop, poison_event_is_parked_and_shown_in_health)
{
    const char *fast [] = { "KUMPPANI_POLL_MS=100", NULL };
    kpt_service_start ("stream", NULL);
    kpt_service_start ("intake", fast);
    int64_t parked_before = s_parked ("intake");

    long long seq = kpt_append_unknown_referral ("no-such-referral");

    int64_t parked = parked_before;
    for (int waited = 0; waited < 50 && parked == parked_before; waited++) {
        zclock_sleep (100);
        parked = s_parked ("intake");
    }
    cr_assert_eq (parked, parked_before + 1, "the poison event never showed in intake's health");
    char seq_text [24];
    snprintf (seq_text, sizeof seq_text, "%lld", seq);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.parked_events WHERE consumer = 'intake.referrals'"
                              " AND seq = $1::int8", seq_text), 1);
    cr_assert_geq (kpt_scalar ("SELECT last_seq FROM kp.consumer_cursors WHERE consumer = 'intake.referrals'",
                               NULL), seq, "the consumer did not move past the poison event");
}

//  The client withdraws, in intake, the consent a Kela notice rested on:
//  the referral service learns it from the stream and discloses nothing
//  more about that referral (no henkilötunnus, no statement to Kela).
Test (closed_loop, withdrawn_consent_stops_the_referrals_further_disclosure)
{
    const char *fast [] = { "KUMPPANI_POLL_MS=100", NULL };
    kpt_service_start ("stream", NULL);
    kpt_service_start ("referral", fast);
    kpt_service_start ("intake", fast);
    char hetu [16];
    s_unique_hetu (hetu, 1);                        //  not the first test's person
    char referral_id [64];
    s_kela_notice (hetu, KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CONSENT, "kela-consent-17", referral_id);
    Kumppani__V1__Reply *reply;

    //  Intake has the client once its consumer opened the case.
    char client_id [64] = "";
    for (int waited = 0; waited < 50 && !*client_id; waited++) {
        const char *values [] = { referral_id };
        PGresult *row = PQexecParams (kpt_admin (), "SELECT c.client_id FROM intake.case_referrals cr"
                                      " JOIN intake.cases c ON c.case_id = cr.case_id WHERE cr.referral_id = $1",
                                      1, NULL, values, NULL, NULL, 0);
        if (PQresultStatus (row) == PGRES_TUPLES_OK && PQntuples (row) == 1)
            snprintf (client_id, sizeof client_id, "%s", PQgetvalue (row, 0, 0));
        PQclear (row);
        if (!*client_id)
            zclock_sleep (100);
    }
    cr_assert_str_not_empty (client_id, "intake never took the client in");

    //  The municipality records the client's consent towards Kela, then its withdrawal.
    Kumppani__V1__RecordConsent record = KUMPPANI__V1__RECORD_CONSENT__INIT;
    record.client_id = client_id;
    record.counterparty_org = "kela";
    record.scope = "case";
    reply = s_call ("intake", "muni-743", KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER,
                    KUMPPANI__V1__REQUEST__BODY_RECORD_CONSENT, &record, true);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK, "%s", reply->error ? reply->error->code : "");
    char consent_id [64];
    snprintf (consent_id, sizeof consent_id, "%s", reply->consent->consent->consent_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    Kumppani__V1__WithdrawConsent withdraw = KUMPPANI__V1__WITHDRAW_CONSENT__INIT;
    withdraw.consent_id = consent_id;
    reply = s_call ("intake", "muni-743", KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER,
                    KUMPPANI__V1__REQUEST__BODY_WITHDRAW_CONSENT, &withdraw, true);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK, "%s", reply->error ? reply->error->code : "");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  The receiving municipality's view of the referral: withdrawn, and
    //  the henkilötunnus no longer disclosed.
    Kumppani__V1__GetReferral get = KUMPPANI__V1__GET_REFERRAL__INIT;
    get.referral_id = referral_id;
    bool withdrawn = false;
    for (int waited = 0; waited < 50 && !withdrawn; waited++) {
        reply = s_call ("referral", "muni-743", KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER,
                        KUMPPANI__V1__REQUEST__BODY_GET_REFERRAL, &get, false);
        cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK);
        withdrawn = reply->referral->referral->consent_withdrawn;
        if (withdrawn)
            cr_assert_str_empty (reply->referral->referral->hetu,
                                 "the henkilötunnus was disclosed after the consent was withdrawn");
        kumppani__v1__reply__free_unpacked (reply, NULL);
        if (!withdrawn)
            zclock_sleep (100);
    }
    cr_assert (withdrawn, "the withdrawal never reached the referral");

    //  …and no statement goes to Kela on it any more.
    Kumppani__V1__GiveStatement statement = KUMPPANI__V1__GIVE_STATEMENT__INIT;
    statement.referral_id = referral_id;
    statement.statement = "The client has been assessed.";
    reply = s_call ("referral", "muni-743", KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER,
                    KUMPPANI__V1__REQUEST__BODY_GIVE_STATEMENT, &statement, true);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN);
    cr_assert_str_eq (reply->error->code, "referral.consent_withdrawn");
    kumppani__v1__reply__free_unpacked (reply, NULL);
}
