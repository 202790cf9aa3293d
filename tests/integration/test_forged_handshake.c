/*  Who a caller is comes from its admitted certificate only. A client
    that speaks CurveZMQ itself (harness_curve) may put any name in its
    INITIATE metadata; libzmq hands the services every name the ZAP reply
    did not set. These tests send forged org_type, org_id, municipality
    and User-Id to each service and check that nothing but the
    certificate counts, that garbage metadata is refused without harm,
    and that kp_admitted admits no certificate it cannot read exactly. */
#include "harness.h"
#include "harness_curve.h"
#include "kp_codec.h"
#include "kp_ids.h"

#include <criterion/criterion.h>
#include <czmq.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

TestSuite (forged_handshake, .init = kpt_setup, .fini = kpt_teardown, .timeout = 120);

#define STATUS(name) KUMPPANI__V1__STATUS__STATUS_ ## name
#define ROLE(name) KUMPPANI__V1__ROLE__ROLE_ ## name
//  Claiming the operator's role from a certificate of another type: the
//  role check reads the type from the server's record (kp_role.c), so the
//  forged org_type "operator" does not make the claim allowed.
#define S_NOT_OPERATOR "request.role_not_allowed"
#define BODY(name) KUMPPANI__V1__REQUEST__BODY_ ## name

static const char *s_services [] = { "intake", "referral", "groups", "reporting", "stream", NULL };

//  A client certificate of the test's own, admitted; a NULL field is left
//  out of its metadata.
static void
s_cert (const char *name, const char *org_id, const char *org_type, const char *municipality)
{
    zcert_t *cert = zcert_new ();
    if (org_id)
        zcert_set_meta (cert, "org_id", "%s", org_id);
    if (org_type)
        zcert_set_meta (cert, "org_type", "%s", org_type);
    if (municipality)
        zcert_set_meta (cert, "municipality", "%s", municipality);
    cr_assert_eq (zcert_save (cert, kpt_cert_path ("clients", name)), 0);
    cr_assert_eq (zcert_save_public (cert, kpt_cert_path ("admitted", name)), 0);
    zcert_destroy (&cert);
    if (org_id && org_type && strlen (org_id) < 64)     //  an oversized id cannot be
        kpt_register (org_id, org_type, municipality);  //  registered, nor admitted
}

//  Every service, stream first (the others publish to it).
static void
s_start_all (void)
{
    for (const char **service = s_services + 4; service >= s_services; service--)
        kpt_service_start (*service, NULL);
}

//  The operator's public key as ZAP names it (Z85).
static const char *
s_public_txt (const char *org)
{
    static char text [48];
    zcert_t *cert = zcert_load (kpt_cert_path ("clients", org));
    cr_assert_not_null (cert);
    snprintf (text, sizeof text, "%s", zcert_public_txt (cert));
    zcert_destroy (&cert);
    return text;
}

//  A raw CURVE connection as org, with the forged names given.
static kpt_curve_t *
s_forger (const char *service, const char *org, const char *const *forged)
{
    kpt_curve_t *curve = kpt_curve_connect_as (service, org, forged);
    cr_assert_not_null (curve, "the handshake to %s as %s with forged names was refused", service, org);
    return curve;
}

//  One call over the raw connection; body is any body message (the body
//  pointers share one union).
static Kumppani__V1__Reply *
s_call (kpt_curve_t *curve, Kumppani__V1__Role role, int body_case, void *body, bool mutating)
{
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, role, mutating);
    request.body_case = body_case;
    request.health = body;
    Kumppani__V1__Reply *reply = kpt_curve_call (curve, &request, 5000);
    cr_assert_not_null (reply, "no reply to body %d", body_case);
    return reply;
}

static Kumppani__V1__Reply *
s_health (kpt_curve_t *curve)
{
    Kumppani__V1__HealthRequest health = KUMPPANI__V1__HEALTH_REQUEST__INIT;
    return s_call (curve, ROLE (SOCIAL_WORKER), BODY (HEALTH), &health, false);
}

static void
s_done (Kumppani__V1__Reply *reply, Kumppani__V1__Status status, const char *code)
{
    cr_assert_eq (reply->status, status, "status %d (%s: %s), expected %d", reply->status,
                  reply->error ? reply->error->code : "", reply->error ? reply->error->message : "", status);
    if (code)
        cr_assert_str_eq (reply->error->code, code);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

//  Health through an ordinary libzmq client: the service is alive and serving.
static void
s_still_serving (const char *service)
{
    kp_client_t *client = kpt_client (service, "operator");
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__HealthRequest health = KUMPPANI__V1__HEALTH_REQUEST__INIT;
    request.body_case = BODY (HEALTH);
    request.health = &health;
    Kumppani__V1__Reply *reply = kpt_call (client, &request);
    cr_assert_not_null (reply, "%s stopped answering health", service);
    s_done (reply, STATUS (OK), NULL);
    kp_client_destroy (&client);
}

//  The seq of the last event s_municipal_event appended.
static long long s_event_seq;

//  A replay from just before that event as curve; true if an event of
//  aggregate_id is in it. (The cluster holds the other suites' events
//  too: a replay from the start may not reach it in one page.)
static bool
s_replay_has (kpt_curve_t *curve, const char *aggregate_id)
{
    Kumppani__V1__ReplayRequest replay = KUMPPANI__V1__REPLAY_REQUEST__INIT;
    replay.after_seq = (uint64_t) (s_event_seq - 1);
    replay.page_size = 100;
    Kumppani__V1__Reply *reply = s_call (curve, ROLE (SOCIAL_WORKER), BODY (REPLAY), &replay, false);
    cr_assert_eq (reply->status, STATUS (OK), "replay refused: %s",
                  reply->error ? reply->error->code : "");
    bool found = false;
    for (size_t index = 0; index < reply->replay->n_events; index++) {
        Kumppani__V1__Event *event = kumppani__v1__event__unpack (NULL, reply->replay->events [index].len,
                                                                  reply->replay->events [index].data);
        cr_assert_not_null (event);
        if (strcmp (event->aggregate_id, aggregate_id) == 0)
            found = true;
        kumppani__v1__event__free_unpacked (event, NULL);
    }
    kumppani__v1__reply__free_unpacked (reply, NULL);
    return found;
}

//  An event in municipality 743 that names no organisation: only the
//  municipality's own scope (and operators, services) may see it.
static const char *
s_municipal_event (void)
{
    static char aggregate [KP_ID_LEN + 1];
    kp_id_new (aggregate);
    PGconn *conn = kpt_connect_as ("reporting");
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.topic = "reporting.trust_test";
    event.aggregate_id = aggregate;
    s_event_seq = kpt_append_event (conn, &event, "743", NULL, NULL);
    PQfinish (conn);
    return aggregate;
}

//  (a) An admitted certificate that names no organisation calls itself an
//  operator of municipality 743: every service answers auth.no_organisation.
Test (forged_handshake, no_organisation_cannot_name_itself_in_the_handshake)
{
    s_start_all ();
    const char *forged [] = { "org_type", "operator", "org_id", "operator", "municipality", "743", NULL };
    for (const char **service = s_services; *service; service++) {
        kpt_curve_t *curve = s_forger (*service, "nometa", forged);
        s_done (s_health (curve), STATUS (UNAUTHENTICATED), "auth.no_organisation");
        if (strcmp (*service, "reporting") == 0) {
            Kumppani__V1__RebuildRollups rebuild = KUMPPANI__V1__REBUILD_ROLLUPS__INIT;
            s_done (s_call (curve, ROLE (OPERATOR), BODY (REBUILD_ROLLUPS), &rebuild, true),
                    STATUS (UNAUTHENTICATED), "auth.no_organisation");
        }
        if (strcmp (*service, "stream") == 0) {
            Kumppani__V1__ReplayRequest replay = KUMPPANI__V1__REPLAY_REQUEST__INIT;
            s_done (s_call (curve, ROLE (OPERATOR), BODY (REPLAY), &replay, false),
                    STATUS (UNAUTHENTICATED), "auth.no_organisation");
        }
        kpt_curve_destroy (&curve);
    }
}

//  (a) again with a certificate naming its type but not its id: it cannot
//  take a municipality's org id (whose referrals it would then read).
Test (forged_handshake, a_missing_org_id_cannot_be_supplied)
{
    s_cert ("typeonly", NULL, "municipality", "743");
    kpt_service_start ("stream", NULL);
    kpt_service_start ("referral", NULL);
    //  A notice from Kela to muni-743.
    kp_client_t *kela = kpt_client ("referral", "kela");
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, ROLE (KELA_OFFICER), true);
    Kumppani__V1__SubmitReferral body = KUMPPANI__V1__SUBMIT_REFERRAL__INIT;
    body.kind = KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_SOCIAL_WORK_NEED;
    body.recipient_org = "muni-743";
    body.recipient_type = "municipality";
    body.municipality = "743";
    body.hetu = "131052-308T";
    body.reason_category = KUMPPANI__V1__REASON_CATEGORY__REASON_CATEGORY_LIFE_MANAGEMENT;
    body.legal_basis = KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CONSENT;
    body.consent_ref = "consent-1";
    body.free_text = "Rent arrears.";
    body.sender_contact = "Kela";
    request.body_case = BODY (SUBMIT_REFERRAL);
    request.submit_referral = &body;
    Kumppani__V1__Reply *reply = kpt_call (kela, &request);
    cr_assert_not_null (reply);
    cr_assert_eq (reply->status, STATUS (OK), "%s", reply->error ? reply->error->code : "");
    char id [64];
    snprintf (id, sizeof id, "%s", reply->referral->referral->referral_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&kela);

    const char *forged [] = { "org_id", "muni-743", NULL };
    kpt_curve_t *curve = s_forger ("referral", "typeonly", forged);
    Kumppani__V1__GetReferral get = KUMPPANI__V1__GET_REFERRAL__INIT;
    get.referral_id = id;
    s_done (s_call (curve, ROLE (SOCIAL_WORKER), BODY (GET_REFERRAL), &get, false),
            STATUS (UNAUTHENTICATED), "auth.no_organisation");
    kpt_curve_destroy (&curve);
}

//  (b) A municipality certificate that names no municipality code adds
//  743 (and another org id and type): it is still a municipality of no
//  area, so 743's clients, activities, reports and events stay closed.
Test (forged_handshake, a_municipality_cannot_be_added_in_the_handshake)
{
    s_cert ("muni-nocode", "muni-nocode", "municipality", NULL);
    s_start_all ();
    const char *forged [] = { "municipality", "743", "org_id", "muni-743", "org_type", "operator", NULL };

    //  intake: a client of 743, registered by 743 itself.
    kp_client_t *muni = kpt_client ("intake", "muni-743");
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, ROLE (SOCIAL_WORKER), true);
    Kumppani__V1__ClientAttributes attributes = KUMPPANI__V1__CLIENT_ATTRIBUTES__INIT;
    attributes.gender = KUMPPANI__V1__GENDER__GENDER_NON_BINARY;
    attributes.language = "fi";
    attributes.labour_market_status = KUMPPANI__V1__LABOUR_MARKET_STATUS__LABOUR_MARKET_STATUS_LONG_TERM_UNEMPLOYED;
    attributes.education_level = KUMPPANI__V1__EDUCATION_LEVEL__EDUCATION_LEVEL_ISCED_3_4;
    attributes.living_alone = KUMPPANI__V1__ANSWER__ANSWER_YES;
    attributes.disability = KUMPPANI__V1__ANSWER__ANSWER_PREFERS_NOT_TO_SAY;
    Kumppani__V1__RegisterClient registration = KUMPPANI__V1__REGISTER_CLIENT__INIT;
    registration.hetu = "";
    registration.attributes = &attributes;
    request.body_case = BODY (REGISTER_CLIENT);
    request.register_client = &registration;
    Kumppani__V1__Reply *reply = kpt_call (muni, &request);
    cr_assert_not_null (reply);
    cr_assert_eq (reply->status, STATUS (OK), "%s", reply->error ? reply->error->code : "");
    char client_id [KP_ID_LEN + 1];
    snprintf (client_id, sizeof client_id, "%s", reply->client->client_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&muni);

    kpt_curve_t *curve = s_forger ("intake", "muni-nocode", forged);
    Kumppani__V1__GetClient get = KUMPPANI__V1__GET_CLIENT__INIT;
    get.client_id = client_id;
    s_done (s_call (curve, ROLE (SOCIAL_WORKER), BODY (GET_CLIENT), &get, false),
            STATUS (NOT_FOUND), "intake.unknown_client");   //  not hers: as if it did not exist
    kpt_curve_destroy (&curve);

    //  groups: a municipality organises in its own area only.
    curve = s_forger ("groups", "muni-nocode", forged);
    Kumppani__V1__ActivityFields fields = KUMPPANI__V1__ACTIVITY_FIELDS__INIT;
    fields.kind = "peer_support";
    fields.title = "Tuesday group";
    fields.municipality = "743";
    fields.area = "Keskusta";
    fields.venue = "room-trust";
    fields.capacity = 10;
    fields.audience = "mixed";
    fields.min_meetings = 8;
    Kumppani__V1__CreateActivity create = KUMPPANI__V1__CREATE_ACTIVITY__INIT;
    create.activity = &fields;
    s_done (s_call (curve, ROLE (SOCIAL_INSTRUCTOR), BODY (CREATE_ACTIVITY), &create, true),
            STATUS (FORBIDDEN), "groups.forbidden");
    kpt_curve_destroy (&curve);

    //  reporting: 743's report, and the operator's rebuild.
    curve = s_forger ("reporting", "muni-nocode", forged);
    Kumppani__V1__RunReport report = KUMPPANI__V1__RUN_REPORT__INIT;
    report.report = "participants";
    report.period_start = "2024-01-01";
    report.period_end = "2024-12-31";
    report.project_id = "";
    report.municipality = "743";
    s_done (s_call (curve, ROLE (SOCIAL_WORKER), BODY (RUN_REPORT), &report, false),
            STATUS (FORBIDDEN), "reporting.forbidden");
    Kumppani__V1__RebuildRollups rebuild = KUMPPANI__V1__REBUILD_ROLLUPS__INIT;
    s_done (s_call (curve, ROLE (OPERATOR), BODY (REBUILD_ROLLUPS), &rebuild, true),
            STATUS (FORBIDDEN), S_NOT_OPERATOR);
    kpt_curve_destroy (&curve);

    //  stream: 743's events are not replayed to it; to muni-743 they are.
    const char *aggregate = s_municipal_event ();
    curve = s_forger ("stream", "muni-nocode", forged);
    cr_assert_not (s_replay_has (curve, aggregate), "a forged municipality opened 743's events");
    kpt_curve_destroy (&curve);
    curve = s_forger ("stream", "muni-743", NULL);
    cr_assert (s_replay_has (curve, aggregate), "the event is not replayable at all");
    kpt_curve_destroy (&curve);
}

//  (b) Kela adds municipality 743 and calls itself an operator named
//  muni-743: it stays Kela, the sender of its own notices.
Test (forged_handshake, kela_stays_kela_whatever_it_sends)
{
    s_start_all ();
    const char *forged [] = { "municipality", "743", "org_type", "operator", "org_id", "muni-743", NULL };
    const char *aggregate = s_municipal_event ();

    kpt_curve_t *curve = s_forger ("referral", "kela", forged);
    Kumppani__V1__SubmitReferral body = KUMPPANI__V1__SUBMIT_REFERRAL__INIT;
    body.kind = KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_SOCIAL_WORK_NEED;
    body.recipient_org = "muni-743";
    body.recipient_type = "municipality";
    body.municipality = "743";
    body.hetu = "131052-308T";
    body.reason_category = KUMPPANI__V1__REASON_CATEGORY__REASON_CATEGORY_LIFE_MANAGEMENT;
    body.legal_basis = KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CONSENT;
    body.consent_ref = "consent-1";
    body.free_text = "Rent arrears.";
    body.sender_contact = "Kela";
    Kumppani__V1__Reply *reply = s_call (curve, ROLE (KELA_OFFICER), BODY (SUBMIT_REFERRAL), &body, true);
    cr_assert_eq (reply->status, STATUS (OK), "%s", reply->error ? reply->error->code : "");
    cr_assert_str_eq (reply->referral->referral->sender_org, "kela");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    Kumppani__V1__GiveStatement statement = KUMPPANI__V1__GIVE_STATEMENT__INIT;
    s_done (s_call (curve, ROLE (KELA_OFFICER), BODY (GIVE_STATEMENT), &statement, true),
            STATUS (FORBIDDEN), "auth.forbidden");
    kpt_curve_destroy (&curve);

    curve = s_forger ("intake", "kela", forged);
    Kumppani__V1__RegisterClient registration = KUMPPANI__V1__REGISTER_CLIENT__INIT;
    s_done (s_call (curve, ROLE (KELA_OFFICER), BODY (REGISTER_CLIENT), &registration, true),
            STATUS (FORBIDDEN), "auth.forbidden");
    kpt_curve_destroy (&curve);

    curve = s_forger ("groups", "kela", forged);
    Kumppani__V1__CreatePlacement placement = KUMPPANI__V1__CREATE_PLACEMENT__INIT;
    s_done (s_call (curve, ROLE (KELA_OFFICER), BODY (CREATE_PLACEMENT), &placement, true),
            STATUS (FORBIDDEN), "auth.forbidden");
    kpt_curve_destroy (&curve);

    curve = s_forger ("reporting", "kela", forged);
    Kumppani__V1__RebuildRollups rebuild = KUMPPANI__V1__REBUILD_ROLLUPS__INIT;
    s_done (s_call (curve, ROLE (OPERATOR), BODY (REBUILD_ROLLUPS), &rebuild, true),
            STATUS (FORBIDDEN), S_NOT_OPERATOR);
    kpt_curve_destroy (&curve);

    curve = s_forger ("stream", "kela", forged);
    cr_assert_not (s_replay_has (curve, aggregate), "Kela saw 743's events");
    kpt_curve_destroy (&curve);
}

//  (c) A forged User-Id naming the operator's key changes nothing: ZAP's
//  User-Id is the key the handshake proved.
Test (forged_handshake, a_forged_user_id_is_not_the_operator)
{
    s_start_all ();
    const char *operator_key = s_public_txt ("operator");
    const char *forged [] = { "User-Id", operator_key, "org_type", "operator", "org_id", "operator", NULL };
    const char *aggregate = s_municipal_event ();
    for (const char **service = s_services; *service; service++) {
        kpt_curve_t *curve = s_forger (*service, "nometa", forged);
        s_done (s_health (curve), STATUS (UNAUTHENTICATED), "auth.no_organisation");
        kpt_curve_destroy (&curve);
    }
    kpt_curve_t *curve = s_forger ("reporting", "kela", forged);
    Kumppani__V1__RebuildRollups rebuild = KUMPPANI__V1__REBUILD_ROLLUPS__INIT;
    s_done (s_call (curve, ROLE (OPERATOR), BODY (REBUILD_ROLLUPS), &rebuild, true),
            STATUS (FORBIDDEN), S_NOT_OPERATOR);
    kpt_curve_destroy (&curve);
    curve = s_forger ("stream", "kela", forged);
    cr_assert_not (s_replay_has (curve, aggregate), "Kela with the operator's User-Id saw 743's events");
    kpt_curve_destroy (&curve);
}

//  (d) Metadata that does not parse, or is far too big, is refused at the
//  handshake; the service keeps serving everyone else.
Test (forged_handshake, garbage_metadata_is_refused_without_harm)
{
    s_start_all ();
    static uint8_t metadata [2 * 1024 * 1024 + 4096];
    for (const char **service = s_services; *service; service++) {
        size_t size;
        //  A name longer than what follows it.
        size = kpt_curve_string (metadata, sizeof metadata, 0, "Socket-Type", "DEALER");
        metadata [size++] = 200;
        memcpy (metadata + size, "org_type", 8);
        size += 8;
        kpt_curve_t *curve = kpt_curve_connect (*service, "nometa", metadata, size, 0);
        cr_assert_null (curve, "%s took a truncated name", *service);

        //  A value length of 4 GiB.
        size = kpt_curve_string (metadata, sizeof metadata, 0, "Socket-Type", "DEALER");
        size = kpt_curve_string (metadata, sizeof metadata, size, "org_type", "operator");
        memcpy (metadata + size - 12, "\xff\xff\xff\xff", 4);
        curve = kpt_curve_connect (*service, "nometa", metadata, size, 0);
        cr_assert_null (curve, "%s took a 4 GiB value", *service);

        //  A trailing byte that is no property.
        size = kpt_curve_string (metadata, sizeof metadata, 0, "Socket-Type", "DEALER");
        metadata [size++] = 7;
        curve = kpt_curve_connect (*service, "nometa", metadata, size, 0);
        cr_assert_null (curve, "%s took a trailing byte", *service);

        //  A socket type a ROUTER does not talk to.
        size = kpt_curve_string (metadata, sizeof metadata, 0, "Socket-Type", "PUB");
        curve = kpt_curve_connect (*service, "nometa", metadata, size, 0);
        cr_assert_null (curve, "%s took a PUB", *service);

        //  A property of 2 MiB: the handshake is bigger than any message
        //  the service takes (KUMPPANI_MAX_MSG_SIZE, 1 MiB here).
        size = kpt_curve_string (metadata, sizeof metadata, 0, "Socket-Type", "DEALER");
        static uint8_t huge [2 * 1024 * 1024];
        memset (huge, 'o', sizeof huge);
        size = kpt_curve_property (metadata, sizeof metadata, size, "org_type", huge, sizeof huge);
        curve = kpt_curve_connect (*service, "nometa", metadata, size, 0);
        cr_assert_null (curve, "%s took a 2 MiB handshake", *service);

        //  Well-formed but odd: an empty name, a NUL inside a value, a
        //  255-byte name. Whether admitted or not, never an operator.
        size = kpt_curve_string (metadata, sizeof metadata, 0, "Socket-Type", "DEALER");
        size = kpt_curve_string (metadata, sizeof metadata, size, "", "x");
        size = kpt_curve_property (metadata, sizeof metadata, size, "org_type", "operator\0x", 10);
        size = kpt_curve_property (metadata, sizeof metadata, size, "org_id", "operator\0", 9);
        char long_name [256];
        memset (long_name, 'n', 255);
        long_name [255] = 0;
        size = kpt_curve_string (metadata, sizeof metadata, size, long_name, "v");
        curve = kpt_curve_connect (*service, "nometa", metadata, size, 0);
        if (curve) {
            s_done (s_health (curve), STATUS (UNAUTHENTICATED), "auth.no_organisation");
            kpt_curve_destroy (&curve);
        }
        s_still_serving (*service);
    }
}

//  kp_admitted leaves out an org id too long for an identity rather than
//  cut it into someone else's. zauth admits the key at the handshake; the
//  services answer it nothing, as for a revoked key.
Test (forged_handshake, an_oversized_org_id_is_not_admitted)
{
    char long_id [101];
    memset (long_id, 'k', 100);
    long_id [100] = 0;
    memcpy (long_id, "operator", 8);
    s_cert ("longid", long_id, "operator", NULL);
    s_start_all ();
    for (const char **service = s_services; *service; service++) {
        kp_client_t *client = kpt_client (*service, "longid");
        Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
        Kumppani__V1__HealthRequest health = KUMPPANI__V1__HEALTH_REQUEST__INIT;
        request.body_case = BODY (HEALTH);
        request.health = &health;
        //  No answer is the refusal; 2 s is ample on loopback for a
        //  health reply that would come.
        Kumppani__V1__Reply *reply = kp_client_call (client, &request, 2000, 0);
        cr_assert_null (reply, "%s answered longid (status %d)", *service, reply ? reply->status : 0);
        kp_client_destroy (&client);
        s_still_serving (*service);
    }
}
