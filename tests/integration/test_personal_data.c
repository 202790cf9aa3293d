/*  Personal data never leaks: a full scenario (a client registered and
    identified by henkilötunnus, Kela's notices about another person with a
    name in their free text, a bad henkilötunnus refused, one sent where an
    identifier goes refused, the receiving municipality reading the
    referrals and taking every receiver action on them, a retry, reports
    run) and then every service log line (at debug level), every event the
    scenario produced, every audit row, every stored idempotency reply and
    every report output is searched for the scenario's henkilötunnus values
    and names, and every text and bytea column of every table in every
    kumppani schema for the henkilötunnus values: none may appear. (Replies
    to an entitled caller may carry them: that is their purpose.) */
#define _GNU_SOURCE             //  memmem
#include "harness.h"
#include "kp_codec.h"
#include "kp_ids.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TestSuite (personal_data, .init = kpt_setup, .fini = kpt_teardown, .timeout = 90);

static char s_registered [12], s_referred [12], s_refused [12];
#define NAME_FIRST "Aino"
#define NAME_LAST "Virtasalmi"

//  The strings that must appear nowhere but in entitled replies.
static const char *
s_leak_in (const void *data, size_t size)
{
    const char *secrets [] = { s_registered, s_referred, s_refused, NAME_LAST, NAME_FIRST " " NAME_LAST };
    for (size_t index = 0; index < sizeof secrets / sizeof secrets [0]; index++)
        if (memmem (data, size, secrets [index], strlen (secrets [index])))
            return secrets [index];
    return NULL;
}

//  Starts a service at debug level with its stderr (the JSON log) going
//  to log_fd, then gives the test its own stderr back.
static void
s_start_logged (const char *service, int log_fd)
{
    static const char *const debug [] = { "KUMPPANI_LOG_LEVEL=debug", NULL };
    int saved = dup (STDERR_FILENO);
    fflush (stderr);
    dup2 (log_fd, STDERR_FILENO);
    kpt_service_start (service, debug);
    fflush (stderr);
    dup2 (saved, STDERR_FILENO);
    close (saved);
}

//  A call with the given idempotency key and correlation id (NULL: fresh).
static Kumppani__V1__Reply *
s_call_keyed (const char *service, const char *org, Kumppani__V1__Role role, int body_case, void *body,
              const char *key, const char *correlation)
{
    kp_client_t *client = kpt_client (service, org);
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, role, true);
    if (key)
        request.idempotency_key = (char *) key;
    if (correlation)
        request.correlation_id = (char *) correlation;
    request.body_case = (Kumppani__V1__Request__BodyCase) body_case;
    //  Every body member of the oneof shares one place in the struct.
    const ProtobufCFieldDescriptor *field =
        protobuf_c_message_descriptor_get_field (&kumppani__v1__request__descriptor, (unsigned) body_case);
    *(void **) ((char *) &request + field->offset) = body;
    Kumppani__V1__Reply *reply = kpt_call (client, &request);
    cr_assert_not_null (reply, "%s gave no answer", field->name);
    kp_client_destroy (&client);
    return reply;
}

static Kumppani__V1__Reply *
s_call (const char *service, const char *org, Kumppani__V1__Role role, int body_case, void *body)
{
    return s_call_keyed (service, org, role, body_case, body, NULL, NULL);
}

static void
s_expect (Kumppani__V1__Reply *reply, Kumppani__V1__Status status, const char *what)
{
    cr_assert_eq (reply->status, status, "%s: status %d (%s)", what, reply->status,
                  reply->error ? reply->error->code : "-");
}

//  Runs report as muni-743 and checks its packed output.
static void
s_report_has_no_leak (const char *report)
{
    Kumppani__V1__RunReport body = KUMPPANI__V1__RUN_REPORT__INIT;
    body.report = (char *) report;
    body.period_start = "2024-01-01";
    body.period_end = "2028-12-31";
    Kumppani__V1__Reply *reply = s_call ("reporting", "muni-743", KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER,
                                         KUMPPANI__V1__REQUEST__BODY_RUN_REPORT, &body);
    s_expect (reply, KUMPPANI__V1__STATUS__STATUS_OK, report);
    size_t size;
    uint8_t *packed = kp_codec_pack (&reply->base, &size);
    const char *leak = s_leak_in (packed, size);
    cr_assert_null (leak, "the %s report shows \"%s\"", report, leak);
    free (packed);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

//  One receiver action on the referral as the receiving municipality.
static void
s_receiver_action (int body_case, void *body, const char *what)
{
    Kumppani__V1__Reply *reply = s_call ("referral", "muni-743", KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER,
                                         body_case, body);
    s_expect (reply, KUMPPANI__V1__STATUS__STATUS_OK, what);
    cr_assert_not_null (reply->referral, "%s replied without the referral", what);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

//  Every column of every table in the kumppani schemas, as stored (text
//  as its characters, bytea as its bytes), holds none of the scenario's
//  henkilötunnus values. The names are not searched here: the free text
//  a notice carries is stored as the notice's content. Encrypted columns
//  (hetu_box) are searched too: ciphertext never holds the code's bytes.
static void
s_no_hetu_in_any_column (void)
{
    PGconn *admin = kpt_admin ();
    PGresult *columns = PQexec (admin,
        "SELECT c.table_schema, c.table_name, c.column_name, c.data_type = 'bytea'"
        " FROM information_schema.columns c JOIN information_schema.tables t"
        " USING (table_schema, table_name)"
        " WHERE t.table_type = 'BASE TABLE'"
        " AND c.table_schema IN ('kp', 'intake', 'referral', 'groups', 'reporting', 'stream')"
        " ORDER BY 1, 2, 3");
    cr_assert_eq (PQresultStatus (columns), PGRES_TUPLES_OK, "%s", PQresultErrorMessage (columns));
    cr_assert_gt (PQntuples (columns), 50, "too few columns found to judge");
    const char *secrets [] = { s_registered, s_referred, s_refused };
    for (int index = 0; index < PQntuples (columns); index++) {
        char *schema = PQescapeIdentifier (admin, PQgetvalue (columns, index, 0), 64);
        char *table = PQescapeIdentifier (admin, PQgetvalue (columns, index, 1), 64);
        char *column = PQescapeIdentifier (admin, PQgetvalue (columns, index, 2), 64);
        bool bytes = *PQgetvalue (columns, index, 3) == 't';
        char sql [512];
        snprintf (sql, sizeof sql, "SELECT %s%s FROM %s.%s WHERE %s IS NOT NULL", column,
                  bytes ? "" : "::text", schema, table, column);
        //  Binary results: bytea as its bytes, text as its characters.
        PGresult *result = PQexecParams (admin, sql, 0, NULL, NULL, NULL, NULL, 1);
        cr_assert_eq (PQresultStatus (result), PGRES_TUPLES_OK, "%s: %s", sql, PQresultErrorMessage (result));
        for (int row = 0; row < PQntuples (result); row++)
            for (size_t secret = 0; secret < sizeof secrets / sizeof secrets [0]; secret++)
                cr_assert_null (memmem (PQgetvalue (result, row, 0), (size_t) PQgetlength (result, row, 0),
                                        secrets [secret], strlen (secrets [secret])),
                                "%s.%s.%s holds a henkilötunnus", PQgetvalue (columns, index, 0),
                                PQgetvalue (columns, index, 1), PQgetvalue (columns, index, 2));
        PQclear (result);
        PQfreemem (schema);
        PQfreemem (table);
        PQfreemem (column);
    }
    PQclear (columns);
}

Test (personal_data, no_henkilotunnus_or_name_in_logs_events_audit_or_reports)
{
    kpt_hetu (s_registered, "150372", '-', 241);
    kpt_hetu (s_referred, "030895", 'A', 118);
    snprintf (s_refused, sizeof s_refused, "%s", s_registered);
    s_refused [10] = s_refused [10] == 'X' ? 'Y' : 'X';     //  wrong check character
    char log_path [] = "/tmp/kpt-personal-log-XXXXXX";
    int log_fd = mkstemp (log_path);
    cr_assert (log_fd >= 0);
    long long events_before = kpt_scalar ("SELECT coalesce(max(seq), 0) FROM kp.events", NULL);
    long long audit_before = kpt_scalar ("SELECT coalesce(max(seq), 0) FROM kp.audit_log", NULL);
    s_start_logged ("intake", log_fd);
    s_start_logged ("referral", log_fd);
    s_start_logged ("reporting", log_fd);

    //  A client registered and found again by henkilötunnus.
    Kumppani__V1__ClientAttributes attributes = KUMPPANI__V1__CLIENT_ATTRIBUTES__INIT;
    attributes.gender = KUMPPANI__V1__GENDER__GENDER_WOMAN;
    attributes.language = "fi";
    Kumppani__V1__RegisterClient client = KUMPPANI__V1__REGISTER_CLIENT__INIT;
    client.hetu = s_registered;
    client.attributes = &attributes;
    Kumppani__V1__Reply *reply = s_call ("intake", "muni-743", KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER,
                                         KUMPPANI__V1__REQUEST__BODY_REGISTER_CLIENT, &client);
    s_expect (reply, KUMPPANI__V1__STATUS__STATUS_OK, "register_client");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    Kumppani__V1__FindClientByHetu find = KUMPPANI__V1__FIND_CLIENT_BY_HETU__INIT;
    find.hetu = s_registered;
    reply = s_call ("intake", "muni-743", KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER,
                    KUMPPANI__V1__REQUEST__BODY_FIND_CLIENT_BY_HETU, &find);
    s_expect (reply, KUMPPANI__V1__STATUS__STATUS_OK, "find_client_by_hetu");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  A mistyped henkilötunnus is refused without being repeated.
    client.hetu = s_refused;
    reply = s_call ("intake", "muni-743", KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER,
                    KUMPPANI__V1__REQUEST__BODY_REGISTER_CLIENT, &client);
    s_expect (reply, KUMPPANI__V1__STATUS__STATUS_INVALID, "register_client with a bad check character");
    cr_assert_null (s_leak_in (reply->error->message, strlen (reply->error->message)));
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Kela's notice about another person, named in the free text.
    Kumppani__V1__SubmitReferral notice = KUMPPANI__V1__SUBMIT_REFERRAL__INIT;
    notice.kind = KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_SOCIAL_WORK_NEED;
    notice.recipient_org = "muni-743";
    notice.recipient_type = "municipality";
    notice.municipality = "743";
    notice.hetu = s_referred;
    notice.reason_category = KUMPPANI__V1__REASON_CATEGORY__REASON_CATEGORY_HOUSING;
    notice.legal_basis = KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CLIENT_REQUEST;
    notice.free_text = NAME_FIRST " " NAME_LAST " asked for help with rent arrears.";
    reply = s_call ("referral", "kela", KUMPPANI__V1__ROLE__ROLE_KELA_OFFICER,
                    KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL, &notice);
    s_expect (reply, KUMPPANI__V1__STATUS__STATUS_OK, "submit_referral");
    char referral_id [64];
    snprintf (referral_id, sizeof referral_id, "%s", reply->referral->referral->referral_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  The receiving municipality reads it (and may see the code) and acknowledges.
    Kumppani__V1__GetReferral get = KUMPPANI__V1__GET_REFERRAL__INIT;
    get.referral_id = referral_id;
    reply = s_call ("referral", "muni-743", KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER,
                    KUMPPANI__V1__REQUEST__BODY_GET_REFERRAL, &get);
    s_expect (reply, KUMPPANI__V1__STATUS__STATUS_OK, "get_referral");
    //  The control: the entitled reply does carry them, so the search
    //  below looks for what is really there.
    size_t size;
    uint8_t *packed = kp_codec_pack (&reply->base, &size);
    cr_assert_not_null (memmem (packed, size, s_referred, strlen (s_referred)),
                        "the receiving municipality did not get the henkilötunnus back");
    cr_assert_not_null (memmem (packed, size, NAME_LAST, strlen (NAME_LAST)));
    free (packed);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    Kumppani__V1__AcknowledgeReferral ack = KUMPPANI__V1__ACKNOWLEDGE_REFERRAL__INIT;
    ack.referral_id = referral_id;
    ack.note = "Seen";
    char ack_key [KP_ID_LEN + 1], ack_correlation [KP_ID_LEN + 1];
    kp_id_new (ack_key);
    kp_id_new (ack_correlation);
    reply = s_call_keyed ("referral", "muni-743", KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER,
                          KUMPPANI__V1__REQUEST__BODY_ACKNOWLEDGE_REFERRAL, &ack, ack_key, ack_correlation);
    s_expect (reply, KUMPPANI__V1__STATUS__STATUS_OK, "acknowledge_referral");
    size_t first_size;
    uint8_t *first = kp_codec_pack (&reply->base, &first_size);
    cr_assert_not_null (memmem (first, first_size, s_referred, strlen (s_referred)),
                        "the receiver's acknowledgement did not carry the henkilötunnus");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  Its retry gets the identical reply, henkilötunnus included, though
    //  the stored copy may not show it.
    reply = s_call_keyed ("referral", "muni-743", KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER,
                          KUMPPANI__V1__REQUEST__BODY_ACKNOWLEDGE_REFERRAL, &ack, ack_key, ack_correlation);
    s_expect (reply, KUMPPANI__V1__STATUS__STATUS_OK, "acknowledge_referral retried");
    packed = kp_codec_pack (&reply->base, &size);
    cr_assert (size == first_size && memcmp (packed, first, size) == 0,
               "the retry's reply differs from the first (%zu and %zu bytes)", size, first_size);
    free (packed);
    free (first);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Every other receiver action, each replying with the referral.
    Kumppani__V1__AssignReferral assign = KUMPPANI__V1__ASSIGN_REFERRAL__INIT;
    assign.referral_id = referral_id;
    assign.worker_id = "sw-17";
    s_receiver_action (KUMPPANI__V1__REQUEST__BODY_ASSIGN_REFERRAL, &assign, "assign_referral");
    Kumppani__V1__UpdateReferralStatus contacted = KUMPPANI__V1__UPDATE_REFERRAL_STATUS__INIT;
    contacted.referral_id = referral_id;
    contacted.status = KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_CLIENT_CONTACTED;
    s_receiver_action (KUMPPANI__V1__REQUEST__BODY_UPDATE_REFERRAL_STATUS, &contacted, "update_referral_status");
    Kumppani__V1__GiveStatement statement = KUMPPANI__V1__GIVE_STATEMENT__INIT;
    statement.referral_id = referral_id;
    statement.statement = "Supplementary assistance is justified for the rent arrears.";
    s_receiver_action (KUMPPANI__V1__REQUEST__BODY_GIVE_STATEMENT, &statement, "give_statement");
    Kumppani__V1__AcceptReferral accept = KUMPPANI__V1__ACCEPT_REFERRAL__INIT;
    accept.referral_id = referral_id;
    s_receiver_action (KUMPPANI__V1__REQUEST__BODY_ACCEPT_REFERRAL, &accept, "accept_referral");
    Kumppani__V1__RecordReferralOutcome outcome = KUMPPANI__V1__RECORD_REFERRAL_OUTCOME__INIT;
    outcome.referral_id = referral_id;
    outcome.outcome_code = "plan_made";
    s_receiver_action (KUMPPANI__V1__REQUEST__BODY_RECORD_REFERRAL_OUTCOME, &outcome, "record_referral_outcome");

    //  Kela transfers the same person's application: the decision on it.
    notice.kind = KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_APPLICATION_TRANSFER;
    notice.kela_decision_id = "kela-dec-991";
    notice.benefit_period_start = "2026-03-01";
    notice.benefit_period_end = "2026-03-31";
    notice.client_requested_transfer = true;
    notice.assistance_type = KUMPPANI__V1__ASSISTANCE_TYPE__ASSISTANCE_TYPE_SUPPLEMENTARY;
    reply = s_call ("referral", "kela", KUMPPANI__V1__ROLE__ROLE_KELA_OFFICER,
                    KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL, &notice);
    s_expect (reply, KUMPPANI__V1__STATUS__STATUS_OK, "submit_referral (application transfer)");
    snprintf (referral_id, sizeof referral_id, "%s", reply->referral->referral->referral_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    Kumppani__V1__RecordApplicationDecision decision = KUMPPANI__V1__RECORD_APPLICATION_DECISION__INIT;
    decision.referral_id = referral_id;
    decision.decision = KUMPPANI__V1__APPLICATION_DECISION__APPLICATION_DECISION_GRANTED;
    decision.decision_id = "d-2026-001";
    s_receiver_action (KUMPPANI__V1__REQUEST__BODY_RECORD_APPLICATION_DECISION, &decision,
                       "record_application_decision");

    //  A henkilötunnus where an identifier goes is refused, and neither
    //  stored nor logged: as the client reference, as the correlation id.
    notice.kind = KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_SOCIAL_WORK_NEED;
    notice.hetu = "";
    notice.client_ref = s_registered;
    reply = s_call ("referral", "kela", KUMPPANI__V1__ROLE__ROLE_KELA_OFFICER,
                    KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL, &notice);
    s_expect (reply, KUMPPANI__V1__STATUS__STATUS_INVALID, "a henkilötunnus as client_ref");
    cr_assert_str_eq (reply->error->code, "request.looks_like_hetu");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_call_keyed ("referral", "muni-743", KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER,
                          KUMPPANI__V1__REQUEST__BODY_GET_REFERRAL, &get, NULL, s_refused);
    s_expect (reply, KUMPPANI__V1__STATUS__STATUS_INVALID, "a henkilötunnus as correlation_id");
    cr_assert_str_eq (reply->error->field, "correlation_id");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Reports over the period.
    s_report_has_no_leak ("referral_sla");
    s_report_has_no_leak ("social_reporting");

    //  Events and audit rows of the scenario, as stored and as published.
    char after [24];
    snprintf (after, sizeof after, "%lld", events_before);
    const char *values [] = { after };
    PGresult *result = PQexecParams (kpt_admin (),
        "SELECT seq, topic, aggregate_id, payload FROM kp.events WHERE seq > $1::int8 ORDER BY seq",
        1, NULL, values, NULL, NULL, 1);
    cr_assert_eq (PQresultStatus (result), PGRES_TUPLES_OK, "%s", PQresultErrorMessage (result));
    cr_assert_geq (PQntuples (result), 3, "the scenario produced too few events to judge");
    for (int row = 0; row < PQntuples (result); row++)
        for (int column = 1; column < 4; column++) {
            const char *leak = s_leak_in (PQgetvalue (result, row, column), (size_t) PQgetlength (result, row, column));
            cr_assert_null (leak, "event %s (%s) carries \"%s\"", PQgetvalue (result, row, 1),
                            PQfname (result, column), leak);
        }
    PQclear (result);
    snprintf (after, sizeof after, "%lld", audit_before);
    result = PQexecParams (kpt_admin (),
        "SELECT action, concat_ws ('|', actor_org, actor_person, actor_role, action, client_ref, basis,"
        " recipient_org, detail) FROM kp.audit_log WHERE seq > $1::int8", 1, NULL, values, NULL, NULL, 0);
    cr_assert_eq (PQresultStatus (result), PGRES_TUPLES_OK);
    cr_assert_geq (PQntuples (result), 3, "the scenario was not audited");
    for (int row = 0; row < PQntuples (result); row++) {
        const char *leak = s_leak_in (PQgetvalue (result, row, 1), strlen (PQgetvalue (result, row, 1)));
        cr_assert_null (leak, "audit row %s carries \"%s\"", PQgetvalue (result, row, 0), leak);
    }
    PQclear (result);

    //  Every stored reply, every column as stored: the replies are packed
    //  Replies, where a string is its raw bytes, so a raw search finds it.
    result = PQexecParams (kpt_admin (),
        "SELECT service, operation, org_id, key, request_hash, reply FROM kp.idempotency",
        0, NULL, NULL, NULL, NULL, 1);
    cr_assert_eq (PQresultStatus (result), PGRES_TUPLES_OK, "%s", PQresultErrorMessage (result));
    int referral_replies = 0;
    for (int row = 0; row < PQntuples (result); row++) {
        referral_replies += strcmp (PQgetvalue (result, row, 0), "referral") == 0;
        for (int column = 0; column < PQnfields (result); column++) {
            const char *leak = s_leak_in (PQgetvalue (result, row, column),
                                          (size_t) PQgetlength (result, row, column));
            cr_assert_null (leak, "the stored reply of %s (%s) carries \"%s\"", PQgetvalue (result, row, 1),
                            PQfname (result, column), leak);
        }
    }
    cr_assert_geq (referral_replies, 9, "too few stored referral replies to judge (%d)", referral_replies);
    PQclear (result);
    s_no_hetu_in_any_column ();

    //  Every log line, once the services have stopped writing.
    kpt_service_stop ("intake");
    kpt_service_stop ("referral");
    kpt_service_stop ("reporting");
    FILE *log = fopen (log_path, "r");
    cr_assert_not_null (log);
    char line [8192];
    int lines = 0;
    while (fgets (line, sizeof line, log)) {
        lines++;
        const char *leak = s_leak_in (line, strlen (line));
        cr_assert_null (leak, "a log line carries \"%s\": %s", leak, line);
    }
    fclose (log);
    close (log_fd);
    unlink (log_path);
    cr_assert_geq (lines, 10, "the services logged too little at debug level to judge (%d lines)", lines);
}
