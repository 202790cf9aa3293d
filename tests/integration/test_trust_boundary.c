/*  The trust boundary (issue 14), through real CURVE sockets to the real
    services. A notice to social services goes only to the organiser of
    the municipality it names, and links only the recipient's own client
    (kp_organiser). What a caller may not see answers exactly as what does
    not exist — status, code, field and message — whatever the rest of its
    body holds, in every intake, referral and groups operation that names
    an id; and registering another municipality's client is registering a
    new person. */
#include "harness.h"
#include "test_groups.h"
#include "kp_calendar.h"
#include "kp_ids.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TestSuite (trust_boundary, .init = kpt_setup, .fini = kpt_teardown, .timeout = 180);

#define WORKER KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER
#define OK     KUMPPANI__V1__STATUS__STATUS_OK

//  A valid henkilötunnus no other test uses (born 2.2.1985; salt varies it).
static void
s_hetu (char *hetu, int salt)
{
    int number = 2 + (int) ((getpid () * 3 + salt) % 897);
    long long digits = 20285LL * 1000 + number;           //  020285NNN
    snprintf (hetu, 16, "020285-%03d%c", number, "0123456789ABCDEFHJKLMNPRSTUVWXY" [digits % 31]);
}

static Kumppani__V1__Role
s_role (const char *org)
{
    return strcmp (org, "kela") == 0 ? KUMPPANI__V1__ROLE__ROLE_KELA_OFFICER
         : strncmp (org, "ngo-", 4) == 0 ? KUMPPANI__V1__ROLE__ROLE_NGO_WORKER
         : strncmp (org, "debt-", 5) == 0 ? KUMPPANI__V1__ROLE__ROLE_DEBT_COUNSELLOR : WORKER;
}

//  Sets body's field name from text: strings as they are, enums, bools
//  and integers by number. The string lives as long as the test.
static void
s_set (ProtobufCMessage *body, const char *operation, const char *name, const char *text)
{
    const ProtobufCFieldDescriptor *field =
        protobuf_c_message_descriptor_get_field_by_name (body->descriptor, name);
    cr_assert_not_null (field, "%s has no field %s", operation, name);
    void *slot = (char *) body + field->offset;
    switch (field->type) {
        case PROTOBUF_C_TYPE_STRING: *(char **) slot = strdup (text); break;
        case PROTOBUF_C_TYPE_BOOL:   *(protobuf_c_boolean *) slot = strcmp (text, "true") == 0; break;
        case PROTOBUF_C_TYPE_ENUM:
        case PROTOBUF_C_TYPE_INT32:  *(int32_t *) slot = atoi (text); break;
        case PROTOBUF_C_TYPE_UINT32: *(uint32_t *) slot = (uint32_t) strtoul (text, NULL, 10); break;
        case PROTOBUF_C_TYPE_INT64:  *(int64_t *) slot = strtoll (text, NULL, 10); break;
        default: cr_assert_fail ("%s.%s: a field type this test does not set", operation, name);
    }
}

//  One call of operation as org, its body from "name=value …" (values
//  without spaces). NULL only if the service did not answer.
static Kumppani__V1__Reply *
s_call (const char *service, const char *org, const char *operation, const char *fields)
{
    const ProtobufCFieldDescriptor *field =
        protobuf_c_message_descriptor_get_field_by_name (&kumppani__v1__request__descriptor, operation);
    cr_assert_not_null (field, "no operation %s", operation);
    const ProtobufCMessageDescriptor *type = field->descriptor;
    ProtobufCMessage *body = calloc (1, type->sizeof_message);
    protobuf_c_message_init (type, body);
    char *copy = strdup (fields), *save = NULL;
    for (char *pair = strtok_r (copy, " ", &save); pair; pair = strtok_r (NULL, " ", &save)) {
        char *equals = strchr (pair, '=');
        cr_assert_not_null (equals, "%s: %s is not name=value", operation, pair);
        *equals = '\0';
        s_set (body, operation, pair, equals + 1);
    }
    free (copy);
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, s_role (org), true);     //  a key on a read is ignored
    *(ProtobufCMessage **) ((char *) &request + field->offset) = body;
    request.body_case = (Kumppani__V1__Request__BodyCase) field->id;
    kp_client_t *client = kpt_client (service, org);
    Kumppani__V1__Reply *reply = kpt_call (client, &request);
    kp_client_destroy (&client);
    free (body);                //  (its strings are the test's: s_set)
    return reply;
}

//  s_call that must succeed; returns the reply for the caller to free.
static Kumppani__V1__Reply *
s_ok (const char *service, const char *org, const char *operation, const char *fields)
{
    Kumppani__V1__Reply *reply = s_call (service, org, operation, fields);
    cr_assert_not_null (reply, "%s: no reply", operation);
    cr_assert_eq (reply->status, OK, "%s as %s: %s %s", operation, org,
                  reply->error ? reply->error->code : "", reply->error ? reply->error->message : "");
    return reply;
}

static const char *
s_or (const char *text)
{
    return text ? text : "";
}

//  --------------------------------------------------------------------------
//  Defect 7: what the caller may not see looks exactly like nothing.

//  One probe: operation as caller with id_field naming another
//  organisation's existing object, and the same with a random id nobody
//  has; the rest of the body is fields (complete or deliberately broken).
typedef struct {
    const char *service;
    const char *caller;
    const char *operation;
    const char *id_field;
    const char *object;         //  which fixture id: client, case, consent, referral, activity, session, placement
    const char *fields;
} s_probe_t;

static const s_probe_t s_probes [] = {
    //  intake: a client of 743, its case and its consent (to ngo-743, who
    //  may therefore read it), asked for by 091 and by others without one
    { "intake", "muni-091", "get_client",            "client_id",  "client",  "" },
    { "intake", "kela",     "get_client",            "client_id",  "client",  "" },
    { "intake", "debt-743", "get_client",            "client_id",  "client",  "" },
    { "intake", "muni-091", "update_client",         "client_id",  "client",  "" },
    { "intake", "muni-091", "list_consents",         "client_id",  "client",  "" },
    { "intake", "muni-091", "record_disclosure_ban", "client_id",  "client",  "" },
    { "intake", "muni-091", "record_disclosure_ban", "client_id",  "client",  "scope=Not!A!Scope" },
    { "intake", "muni-091", "record_consent",        "client_id",  "client",  "counterparty_org=ngo-091 scope=client" },
    { "intake", "muni-091", "record_consent",        "client_id",  "client",  "" },
    { "intake", "muni-091", "open_case",             "client_id",  "client",  "channel=1 responsible_worker=Maija" },
    { "intake", "muni-091", "open_case",             "client_id",  "client",  "" },
    { "intake", "muni-091", "record_anonymous_contact", "client_id", "client",
      "session_ref=s-1 channel=1 consent_to_convert=true responsible_worker=Maija" },
    { "intake", "muni-091", "record_anonymous_contact", "client_id", "client", "consent_to_convert=true" },
    { "intake", "muni-091", "withdraw_consent",      "consent_id", "consent", "" },
    { "intake", "muni-091", "get_case",              "case_id",    "case",    "" },
    { "intake", "kela",     "get_case",              "case_id",    "case",    "" },
    { "intake", "muni-091", "start_assessment",      "case_id",    "case",    "" },
    { "intake", "muni-091", "complete_assessment",   "case_id",    "case",    "summary=done" },
    { "intake", "muni-091", "make_plan",             "case_id",    "case",    "" },
    { "intake", "muni-091", "review_plan",           "case_id",    "case",    "evaluation=fine" },
    { "intake", "muni-091", "close_case",            "case_id",    "case",    "reason=2" },
    { "intake", "muni-091", "close_case",            "case_id",    "case",    "" },
    { "intake", "muni-091", "add_ecomap_entry",      "case_id",    "case",    "" },
    { "intake", "muni-091", "add_measure",           "case_id",    "case",    "" },
    { "intake", "muni-091", "record_measurement",    "case_id",    "case",    "instrument=avain timepoint=1" },
    { "intake", "muni-091", "record_measurement",    "case_id",    "case",    "" },
    { "intake", "muni-091", "get_outcome_change",    "case_id",    "case",    "instrument=avain" },
    { "intake", "muni-091", "get_outcome_change",    "case_id",    "case",    "instrument=nope" },
    //  referral: Kela's notice to 743, asked for by 091
    { "referral", "muni-091", "get_referral",                "referral_id", "referral", "" },
    { "referral", "muni-091", "acknowledge_referral",        "referral_id", "referral", "" },
    { "referral", "muni-091", "assign_referral",             "referral_id", "referral", "worker_id=w-1" },
    { "referral", "muni-091", "assign_referral",             "referral_id", "referral", "" },
    { "referral", "muni-091", "update_referral_status",      "referral_id", "referral", "" },
    { "referral", "muni-091", "decline_referral",            "referral_id", "referral", "reason_code=no_need" },
    { "referral", "muni-091", "decline_referral",            "referral_id", "referral", "" },
    { "referral", "muni-091", "accept_referral",             "referral_id", "referral", "" },
    { "referral", "muni-091", "record_referral_outcome",     "referral_id", "referral", "outcome_code=done" },
    { "referral", "muni-091", "record_referral_outcome",     "referral_id", "referral", "" },
    { "referral", "muni-091", "give_statement",              "referral_id", "referral", "" },
    { "referral", "muni-091", "record_application_decision", "referral_id", "referral", "" },
    { "referral", "muni-091", "post_referral_message",       "referral_id", "referral", "text=hello" },
    { "referral", "muni-091", "post_referral_message",       "referral_id", "referral", "" },
    { "referral", "muni-091", "list_referral_messages",      "referral_id", "referral", "" },
    { "referral", "muni-091", "list_referral_messages",      "referral_id", "referral", "page_size=500" },
    //  groups: 743's activity, session, placement and client, asked for by 091
    { "groups", "muni-091", "get_activity",          "activity_id",  "activity",  "" },
    { "groups", "muni-091", "update_activity",       "activity_id",  "activity",  "" },
    { "groups", "muni-091", "schedule_sessions",     "activity_id",  "activity",  "" },
    { "groups", "muni-091", "list_sessions",         "activity_id",  "activity",  "" },
    { "groups", "muni-091", "enrol",                 "activity_id",  "activity",  "" },
    { "groups", "muni-091", "withdraw_enrolment",    "activity_id",  "activity",  "" },
    { "groups", "muni-091", "change_session",        "session_id",   "session",   "" },
    { "groups", "muni-091", "assign_facilitator",    "session_id",   "session",   "" },
    { "groups", "muni-091", "record_attendance",     "session_id",   "session",   "" },
    { "groups", "muni-091", "record_staffing",       "session_id",   "session",   "" },
    { "groups", "muni-091", "record_headcount",      "session_id",   "session",   "headcount=3" },
    { "groups", "muni-091", "record_placement_day",  "placement_id", "placement", "minutes=240" },
    { "groups", "muni-091", "report_absence",        "placement_id", "placement", "step=client" },
    { "groups", "muni-091", "get_participation",     "client_id",    "client",    "" },
    { "groups", "muni-091", "create_placement",      "client_id",    "client",    "PLACEMENT" },
    { NULL }
};

typedef struct {
    char client [KP_ID_LEN + 1], case_id [KP_ID_LEN + 1], consent [KP_ID_LEN + 1];
    char referral [KP_ID_LEN + 1], activity [KP_ID_LEN + 1], session [KP_ID_LEN + 1];
    char placement [KP_ID_LEN + 1];
    char placement_fields [200];    //  a body create_placement accepts
} s_fixture_t;

static const char *
s_fixture_id (const s_fixture_t *fixture, const char *object)
{
    return strcmp (object, "client") == 0 ? fixture->client
         : strcmp (object, "case") == 0 ? fixture->case_id
         : strcmp (object, "consent") == 0 ? fixture->consent
         : strcmp (object, "referral") == 0 ? fixture->referral
         : strcmp (object, "activity") == 0 ? fixture->activity
         : strcmp (object, "session") == 0 ? fixture->session : fixture->placement;
}

//  What muni-743 owns: a client with its case and a consent, Kela's notice
//  to it, an activity in 743 with a session, a placement of the client.
static void
s_fixture (s_fixture_t *fixture)
{
    char hetu [16], fields [512];
    s_hetu (hetu, 7);
    snprintf (fields, sizeof fields, "hetu=%s", hetu);
    Kumppani__V1__Reply *reply = s_ok ("intake", "muni-743", "register_client", fields);
    snprintf (fixture->client, sizeof fixture->client, "%s", reply->client->client_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    snprintf (fields, sizeof fields, "client_id=%s channel=1 responsible_worker=Aino", fixture->client);
    reply = s_ok ("intake", "muni-743", "open_case", fields);
    snprintf (fixture->case_id, sizeof fixture->case_id, "%s", reply->intake_case->case_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    snprintf (fields, sizeof fields, "client_id=%s counterparty_org=ngo-743 scope=client", fixture->client);
    reply = s_ok ("intake", "muni-743", "record_consent", fields);
    snprintf (fixture->consent, sizeof fixture->consent, "%s", reply->consent->consent->consent_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    reply = s_ok ("referral", "kela", "submit_referral",
                  "kind=1 recipient_org=muni-743 recipient_type=municipality municipality=743"
                  " client_ref=boundary-client reason_category=2 legal_basis=3");
    snprintf (fixture->referral, sizeof fixture->referral, "%s", reply->referral->referral->referral_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    snprintf (fixture->activity, sizeof fixture->activity, "%s",
              gt_activity ("muni-743", "peer_support", true, 5, 0));
    char tomorrow [11];
    kp_date_format (kp_date_today () + 1, tomorrow);
    gt_one_session ("muni-743", fixture->activity, tomorrow, "10:00", "12:00", fixture->session);

    //  The placement with the NGO rests on the client's consent to it.
    snprintf (fields, sizeof fields, "client_id=%s counterparty_org=ngo-743 scope=placement", fixture->client);
    kumppani__v1__reply__free_unpacked (s_ok ("intake", "muni-743", "record_consent", fields), NULL);
    char start [11], end [11];
    kp_date_format (kp_date_today () - 7, start);
    kp_date_format (kp_date_today () + 180, end);
    snprintf (fixture->placement_fields, sizeof fixture->placement_fields,
              "organiser_org=ngo-743 days_per_week=2 hours_per_day=4 start_date=%s end_date=%s"
              " compensation_cents_per_day=900", start, end);
    snprintf (fields, sizeof fields, "client_id=%s %s", fixture->client, fixture->placement_fields);
    reply = s_ok ("groups", "muni-743", "create_placement", fields);
    snprintf (fixture->placement, sizeof fixture->placement, "%s", reply->placement->placement_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

//  The error as one line, for the comparison and the report.
static void
s_describe (const Kumppani__V1__Reply *reply, char *out, size_t size)
{
    if (!reply)
        snprintf (out, size, "(no reply)");
    else
        snprintf (out, size, "%d %s %s \"%s\"", (int) reply->status,
                  reply->error ? s_or (reply->error->code) : "-", reply->error ? s_or (reply->error->field) : "-",
                  reply->error ? s_or (reply->error->message) : "-");
}

Test (trust_boundary, another_organisations_id_answers_as_an_unknown_id_in_every_operation)
{
    kpt_service_start ("intake", NULL);
    kpt_service_start ("referral", NULL);
    kpt_service_start ("groups", NULL);
    s_fixture_t fixture;
    s_fixture (&fixture);

    char report [16384] = "";
    int mismatches = 0, probes = 0;
    for (const s_probe_t *probe = s_probes; probe->service; probe++, probes++) {
        const char *rest = strcmp (probe->fields, "PLACEMENT") == 0 ? fixture.placement_fields : probe->fields;
        char unknown [KP_ID_LEN + 1], hidden_body [512], unknown_body [512];
        kp_id_new (unknown);
        snprintf (hidden_body, sizeof hidden_body, "%s=%s %s", probe->id_field,
                  s_fixture_id (&fixture, probe->object), rest);
        snprintf (unknown_body, sizeof unknown_body, "%s=%s %s", probe->id_field, unknown, rest);
        Kumppani__V1__Reply *hidden = s_call (probe->service, probe->caller, probe->operation, hidden_body);
        Kumppani__V1__Reply *none = s_call (probe->service, probe->caller, probe->operation, unknown_body);
        char seen [400], expected [400];
        s_describe (hidden, seen, sizeof seen);
        s_describe (none, expected, sizeof expected);
        //  The same reply, and a refusal: never a way in.
        if (strcmp (seen, expected) != 0 || !hidden || hidden->status == OK) {
            size_t used = strlen (report);
            snprintf (report + used, sizeof report - used, "\n  %s.%s as %s [%s]: existing %s, unknown %s",
                      probe->service, probe->operation, probe->caller, probe->fields, seen, expected);
            mismatches++;
        }
        if (hidden)
            kumppani__v1__reply__free_unpacked (hidden, NULL);
        if (none)
            kumppani__v1__reply__free_unpacked (none, NULL);
    }
    cr_assert_eq (mismatches, 0, "%d of %d probes tell another organisation's id from an unknown one:%s",
                  mismatches, probes, report);
    //  Nothing the probes asked for reached the other organisation's data.
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM intake.cases WHERE client_id = $1", fixture.client), 1);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM intake.consents WHERE client_id = $1 AND withdrawn_at IS NULL",
                              fixture.client), 2);     //  the fixture's two: client and placement
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.audit_log WHERE client_ref = $1 AND actor_org <> 'muni-743'",
                              fixture.client), 0);
}

//  The fields of a ClientReply that a registration tells its caller.
static void
s_registration (const Kumppani__V1__Reply *reply, char *out, size_t size)
{
    cr_assert_not_null (reply);
    cr_assert_eq (reply->status, OK, "register_client: %s", reply->error ? reply->error->code : "");
    snprintf (out, size, "existing=%d has_hetu=%d municipality=%s", reply->client->existing,
              reply->client->has_hetu, reply->client->attributes->municipality);
}

Test (trust_boundary, registering_another_municipalitys_client_is_registering_a_new_person)
{
    kpt_service_start ("intake", NULL);
    char known [16], fresh [16], fields [64], seen [128], expected [128];
    s_hetu (known, 11);
    s_hetu (fresh, 12);
    snprintf (fields, sizeof fields, "hetu=%s", known);
    Kumppani__V1__Reply *reply = s_ok ("intake", "muni-743", "register_client", fields);
    char theirs [KP_ID_LEN + 1];
    snprintf (theirs, sizeof theirs, "%s", reply->client->client_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  091 registers 743's client, and a person nobody knows: the same answer.
    reply = s_call ("intake", "muni-091", "register_client", fields);
    s_registration (reply, seen, sizeof seen);
    char ours [KP_ID_LEN + 1];
    snprintf (ours, sizeof ours, "%s", reply->client->client_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    snprintf (fields, sizeof fields, "hetu=%s", fresh);
    reply = s_call ("intake", "muni-091", "register_client", fields);
    s_registration (reply, expected, sizeof expected);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_str_eq (seen, expected);
    cr_assert_str_eq (seen, "existing=0 has_hetu=1 municipality=091");
    cr_assert_str_neq (ours, theirs, "091 was handed 743's client record");

    //  Each organiser now has its own record of the person, and finds
    //  that one by henkilötunnus; registering again finds it too.
    snprintf (fields, sizeof fields, "hetu=%s", known);
    reply = s_ok ("intake", "muni-091", "find_client_by_hetu", fields);
    cr_assert_str_eq (reply->client->client_id, ours);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_ok ("intake", "muni-743", "find_client_by_hetu", fields);
    cr_assert_str_eq (reply->client->client_id, theirs);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_ok ("intake", "muni-091", "register_client", fields);
    cr_assert (reply->client->existing);
    cr_assert_str_eq (reply->client->client_id, ours);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM intake.clients WHERE hetu_hash ="
                              " (SELECT hetu_hash FROM intake.clients WHERE client_id = $1)", theirs), 2);
    //  743's record was not touched or read by 091.
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.audit_log WHERE client_ref = $1 AND actor_org <> 'muni-743'",
                              theirs), 0);
}

//  --------------------------------------------------------------------------
//  Defect 6: the recipient organises the municipality; its own client only.

Test (trust_boundary, a_notice_goes_only_to_the_organiser_of_the_municipality_it_names)
{
    kpt_service_start ("referral", NULL);
    char marker [64];
    snprintf (marker, sizeof marker, "misaddressed-%d", (int) getpid ());
    const char *kinds [] = {
        //  Kela's notice to 091's organisation naming 743
        "kind=1 recipient_org=muni-091 municipality=743 legal_basis=3",
        //  a §35 notice (Kela files those too): the same rule for every kind
        "kind=6 recipient_org=muni-091 municipality=743 legal_basis=2",
        NULL
    };
    //  One nobody registered, and an organisation that is no municipality's
    //  social services named as one: the registry refuses both before the
    //  organiser rule is asked (test_counties.c has the rest).
    const char *refused [][2] = {
        { "kind=1 recipient_org=muni-999 municipality=743 legal_basis=3", "referral.unknown_recipient" },
        { "kind=1 recipient_org=ngo-743 municipality=743 legal_basis=3", "referral.recipient_type_mismatch" },
    };
    for (size_t index = 0; index < sizeof refused / sizeof refused [0]; index++) {
        char fields [512];
        snprintf (fields, sizeof fields, "%s recipient_type=municipality reason_category=2 client_ref=r-%zu"
                  " free_text=%s", refused [index][0], index, marker);
        Kumppani__V1__Reply *reply = s_call ("referral", "kela", "submit_referral", fields);
        cr_assert_not_null (reply);
        cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_INVALID, "%s", refused [index][0]);
        cr_assert_str_eq (reply->error->code, refused [index][1], "%s", refused [index][0]);
        kumppani__v1__reply__free_unpacked (reply, NULL);
    }
    for (int index = 0; kinds [index]; index++) {
        char fields [512];
        snprintf (fields, sizeof fields, "%s recipient_type=municipality reason_category=2 client_ref=c-%d"
                  " free_text=%s", kinds [index], index, marker);
        Kumppani__V1__Reply *reply = s_call ("referral", "kela", "submit_referral", fields);
        cr_assert_not_null (reply);
        cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_INVALID, "%s: status %d %s", kinds [index],
                      reply->status, reply->error ? reply->error->code : "");
        cr_assert_str_eq (reply->error->code, "referral.recipient_not_organiser", "%s", kinds [index]);
        cr_assert_str_eq (reply->error->field, "submit_referral.recipient_org");
        kumppani__v1__reply__free_unpacked (reply, NULL);
    }
    //  An unknown code is still reported as such, whoever the recipient.
    Kumppani__V1__Reply *reply = s_call ("referral", "kela", "submit_referral",
        "kind=1 recipient_org=muni-091 recipient_type=municipality municipality=999 legal_basis=3"
        " reason_category=2 client_ref=c-9");
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_INVALID);
    cr_assert_str_eq (reply->error->code, "referral.unknown_municipality");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  Nothing was stored or published.
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM referral.referrals WHERE free_text = $1", marker), 0);
    //  The organiser itself is still reached.
    reply = s_ok ("referral", "kela", "submit_referral",
                  "kind=1 recipient_org=muni-091 recipient_type=municipality municipality=091 legal_basis=3"
                  " reason_category=2 client_ref=c-10");
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

//  Waits (bounded) for intake to link the referral to a case; its id into case_id.
static void
s_case_of_referral (const char *referral_id, char *case_id)
{
    *case_id = '\0';
    for (int waited = 0; waited < 100 && !*case_id; waited++) {
        PGresult *result = PQexecParams (kpt_admin (),
            "SELECT case_id FROM intake.case_referrals WHERE referral_id = $1", 1, NULL,
            &referral_id, NULL, NULL, 0);
        if (PQresultStatus (result) == PGRES_TUPLES_OK && PQntuples (result) == 1)
            snprintf (case_id, KP_ID_LEN + 1, "%s", PQgetvalue (result, 0, 0));
        PQclear (result);
        if (!*case_id)
            usleep (100 * 1000);        //  polling for the consumer, bounded by the loop
    }
    cr_assert_str_not_empty (case_id, "intake never opened a case for referral %s", referral_id);
}

Test (trust_boundary, a_notice_about_another_organisers_client_opens_a_case_on_the_recipients_own_record)
{
    const char *fast [] = { "KUMPPANI_POLL_MS=100", NULL };
    kpt_service_start ("stream", NULL);
    kpt_service_start ("referral", fast);
    kpt_service_start ("intake", fast);
    char hetu [16], fields [512];
    s_hetu (hetu, 21);
    snprintf (fields, sizeof fields, "hetu=%s", hetu);
    Kumppani__V1__Reply *reply = s_ok ("intake", "muni-743", "register_client", fields);
    char theirs [KP_ID_LEN + 1];
    snprintf (theirs, sizeof theirs, "%s", reply->client->client_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Kela's notice to Helsinki about 743's client (the person moved).
    snprintf (fields, sizeof fields, "kind=1 recipient_org=muni-091 recipient_type=municipality"
              " municipality=091 hetu=%s reason_category=2 legal_basis=3", hetu);
    reply = s_ok ("referral", "kela", "submit_referral", fields);
    char referral_id [KP_ID_LEN + 1];
    snprintf (referral_id, sizeof referral_id, "%s", reply->referral->referral->referral_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    char case_id [KP_ID_LEN + 1];
    s_case_of_referral (referral_id, case_id);

    //  Helsinki's case is on a client record of Helsinki's own, with the
    //  henkilötunnus, readable by its worker like any client of its own.
    snprintf (fields, sizeof fields, "case_id=%s", case_id);
    reply = s_ok ("intake", "muni-091", "get_case", fields);
    char ours [KP_ID_LEN + 1];
    snprintf (ours, sizeof ours, "%s", reply->intake_case->client_id);
    cr_assert_str_eq (reply->intake_case->municipality, "091");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_str_neq (ours, theirs, "743's client was linked into 091's case");
    snprintf (fields, sizeof fields, "client_id=%s", ours);
    reply = s_ok ("intake", "muni-091", "get_client", fields);
    cr_assert (reply->client->has_hetu);
    cr_assert_str_eq (reply->client->attributes->municipality, "091");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    snprintf (fields, sizeof fields, "hetu=%s", hetu);
    reply = s_ok ("intake", "muni-091", "find_client_by_hetu", fields);
    cr_assert_str_eq (reply->client->client_id, ours);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  743's client has no case anywhere, and nothing was published in 743's scope.
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM intake.cases WHERE client_id = $1", theirs), 0);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.events WHERE aggregate_id = $1 AND municipality <> '091'",
                              case_id), 0);

    //  A second notice about the same person joins Helsinki's record again.
    snprintf (fields, sizeof fields, "kind=2 recipient_org=muni-091 recipient_type=municipality"
              " municipality=091 hetu=%s reason_category=2 legal_basis=3", hetu);
    reply = s_ok ("referral", "kela", "submit_referral", fields);
    snprintf (referral_id, sizeof referral_id, "%s", reply->referral->referral->referral_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    char second [KP_ID_LEN + 1];
    s_case_of_referral (referral_id, second);
    cr_assert_str_eq (second, case_id, "the second notice opened another case");
}
