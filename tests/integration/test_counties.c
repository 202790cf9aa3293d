/*  Counties as organisers (issue 16), through real CURVE sockets to the
    real services and the real `kumppani` binary: the areas migration (309
    municipalities, each with an organiser), a county that serves the
    clients of every municipality it organises and nobody else's, Kela's
    notices refused for the wrong, an unregistered or a deactivated
    organiser with nothing written, admission only for registered active
    organisations, reports per organiser that add up, and a merger applied
    later that keeps old records' codes. */
#include "harness.h"
#include "kp_stream_client.h"

#include <criterion/criterion.h>
#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TestSuite (counties, .init = kpt_setup, .fini = kpt_teardown, .timeout = 180);

#define STATUS(name) KUMPPANI__V1__STATUS__STATUS_ ## name

//  What one s_call allocated for its body, freed after the call.
static void *s_owned [64];
static int s_n_owned;

static void *
s_own (void *block)
{
    cr_assert_not_null (block);
    cr_assert_lt (s_n_owned, 64);
    s_owned [s_n_owned++] = block;
    return block;
}

static Kumppani__V1__Role
s_role (const char *org)
{
    return strcmp (org, "kela") == 0 ? KUMPPANI__V1__ROLE__ROLE_KELA_OFFICER
                                     : KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER;
}

//  Sets body's field name ("a.b" reaches into a sub-message) from text.
static void
s_set (ProtobufCMessage *body, const char *name, const char *text)
{
    const char *dot = strchr (name, '.');
    char head [64];
    snprintf (head, sizeof head, "%.*s", dot ? (int) (dot - name) : (int) strlen (name), name);
    const ProtobufCFieldDescriptor *field = protobuf_c_message_descriptor_get_field_by_name (body->descriptor, head);
    cr_assert_not_null (field, "%s has no field %s", body->descriptor->name, head);
    void *slot = (char *) body + field->offset;
    if (dot) {
        cr_assert_eq (field->type, PROTOBUF_C_TYPE_MESSAGE);
        ProtobufCMessage **inner = slot;
        if (!*inner) {
            const ProtobufCMessageDescriptor *type = field->descriptor;
            *inner = s_own (calloc (1, type->sizeof_message));
            protobuf_c_message_init (type, *inner);
        }
        s_set (*inner, dot + 1, text);
        return;
    }
    switch (field->type) {
        case PROTOBUF_C_TYPE_STRING: *(char **) slot = s_own (strdup (text)); break;
        case PROTOBUF_C_TYPE_BOOL:   *(protobuf_c_boolean *) slot = strcmp (text, "true") == 0; break;
        case PROTOBUF_C_TYPE_ENUM:
        case PROTOBUF_C_TYPE_INT32:  *(int32_t *) slot = atoi (text); break;
        case PROTOBUF_C_TYPE_UINT32: *(uint32_t *) slot = (uint32_t) strtoul (text, NULL, 10); break;
        default: cr_assert_fail ("%s: a field type this test does not set", name);
    }
}

//  One call of operation as org, its body from "name=value …" (values
//  without spaces). NULL only if the service did not answer within
//  timeout_ms.
static Kumppani__V1__Reply *
s_call_within (const char *service, const char *org, const char *operation, const char *fields, int timeout_ms)
{
    const ProtobufCFieldDescriptor *field =
        protobuf_c_message_descriptor_get_field_by_name (&kumppani__v1__request__descriptor, operation);
    cr_assert_not_null (field, "no operation %s", operation);
    const ProtobufCMessageDescriptor *type = field->descriptor;
    ProtobufCMessage *body = s_own (calloc (1, type->sizeof_message));
    protobuf_c_message_init (type, body);
    char *copy = strdup (fields), *save = NULL;
    for (char *pair = strtok_r (copy, " ", &save); pair; pair = strtok_r (NULL, " ", &save)) {
        char *equals = strchr (pair, '=');
        cr_assert_not_null (equals, "%s: %s is not name=value", operation, pair);
        *equals = '\0';
        s_set (body, pair, equals + 1);
    }
    free (copy);
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, s_role (org), true);
    *(ProtobufCMessage **) ((char *) &request + field->offset) = body;
    request.body_case = (Kumppani__V1__Request__BodyCase) field->id;
    kp_client_t *client = kpt_client (service, org);
    Kumppani__V1__Reply *reply = kp_client_call (client, &request, timeout_ms, 0);
    //  A county's report tables get the audit kpt_call gives every other suite's.
    if (reply && reply->body_case == KUMPPANI__V1__REPLY__BODY_REPORT_TABLE) {
        const char *failed = kpt_report_audit (reply->report_table);
        cr_assert_null (failed, "report %s: %s", reply->report_table->report, failed);
    }
    kp_client_destroy (&client);
    while (s_n_owned)
        free (s_owned [--s_n_owned]);
    return reply;
}

static Kumppani__V1__Reply *
s_call (const char *service, const char *org, const char *operation, const char *fields)
{
    return s_call_within (service, org, operation, fields, 5000);
}

//  The reply's status and error code, as "STATUS code" for messages.
static void
s_expect (Kumppani__V1__Reply *reply, Kumppani__V1__Status status, const char *code, const char *what)
{
    cr_assert_not_null (reply, "%s: no reply", what);
    cr_assert_eq (reply->status, status, "%s: status %d %s", what, reply->status,
                  reply->error ? reply->error->code : "");
    if (code)
        cr_assert_str_eq (reply->error ? reply->error->code : "", code, "%s", what);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

//  A client of municipality registered by org; the id into client_id.
static void
s_register (const char *org, const char *municipality, char *client_id)
{
    char fields [128];
    snprintf (fields, sizeof fields, "attributes.municipality=%s attributes.language=fi", municipality);
    Kumppani__V1__Reply *reply = s_call ("intake", org, "register_client", fields);
    cr_assert_not_null (reply);
    cr_assert_eq (reply->status, STATUS (OK), "%s registers in %s: %s", org, municipality,
                  reply->error ? reply->error->code : "");
    snprintf (client_id, 64, "%s", reply->client->client_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

static Kumppani__V1__Reply *
s_get_client (const char *org, const char *client_id)
{
    char fields [96];
    snprintf (fields, sizeof fields, "client_id=%s", client_id);
    return s_call ("intake", org, "get_client", fields);
}

//  A client certificate of the test's own in the clients and admitted
//  directories; registered too unless registered is false.
static void
s_cert (const char *org_id, const char *org_type, const char *municipality, const char *county, bool registered)
{
    zcert_t *cert = zcert_new ();
    zcert_set_meta (cert, "org_id", "%s", org_id);
    zcert_set_meta (cert, "org_type", "%s", org_type);
    if (municipality)
        zcert_set_meta (cert, "municipality", "%s", municipality);
    if (county)
        zcert_set_meta (cert, "county", "%s", county);
    cr_assert_eq (zcert_save (cert, kpt_cert_path ("clients", org_id)), 0);
    cr_assert_eq (zcert_save_public (cert, kpt_cert_path ("admitted", org_id)), 0);
    zcert_destroy (&cert);
    if (registered)
        kpt_register (org_id, org_type, county ? county : municipality);
}

//  The operator's CLI against the test database; its exit status, output in out.
static int
s_operator (char *out, size_t size, const char *const *args)
{
    setenv ("KUMPPANI_DB_ADMIN_CONNINFO", getenv ("KUMPPANI_TEST_ADMIN_CONNINFO"), 1);
    setenv ("KUMPPANI_OPERATOR", "test-operator", 1);
    kpt_cli_merge_stderr = true;
    int rc = kpt_cli_run (NULL, out, size, args);
    kpt_cli_merge_stderr = false;
    return rc;
}

//  --------------------------------------------------------------------------

Test (counties, the_migration_has_every_municipality_with_its_organiser)
{
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.municipalities", NULL), 309);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.municipalities WHERE organiser IS NULL"
                              " OR name = '' OR name_sv = ''", NULL), 0);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.organisers", NULL), 23, "21 counties, HKI and AX");
    cr_assert_eq (kpt_scalar ("SELECT count(DISTINCT organiser) FROM kp.municipalities", NULL), 23);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.municipalities WHERE organiser = 'AX'", NULL), 16);
    const char *expected [][3] = {
        { "743", "EP", "Seinäjoki" }, { "989", "EP", "Ähtäri" }, { "179", "KS", "Jyväskylä" },
        { "410", "KS", "Laukaa" }, { "091", "HKI", "Helsinki" }, { "478", "AX", "Maarianhamina" },
    };
    for (size_t index = 0; index < sizeof expected / sizeof expected [0]; index++) {
        char sql [256];
        snprintf (sql, sizeof sql, "SELECT count(*) FROM kp.municipalities WHERE code = $1"
                  " AND organiser = '%s' AND name = '%s'", expected [index][1], expected [index][2]);
        cr_assert_eq (kpt_scalar (sql, expected [index][0]), 1, "%s", expected [index][0]);
    }
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.municipalities WHERE code = '478' AND name_sv = 'Mariehamn'",
                              NULL), 1);
}

//  County A reads its clients in two of its municipalities; county B,
//  Helsinki and a municipality of county A get "no such client" for the
//  ones not theirs, as for an id that does not exist.
Test (counties, a_county_serves_the_clients_of_every_municipality_it_organises)
{
    kpt_service_start ("intake", NULL);
    char seinajoki [64], ahtari [64], jyvaskyla [64];
    s_register ("county-ep", "743", seinajoki);
    s_register ("county-ep", "989", ahtari);
    s_register ("county-ks", "179", jyvaskyla);
    s_expect (s_get_client ("county-ep", seinajoki), STATUS (OK), NULL, "county A, Seinäjoki");
    s_expect (s_get_client ("county-ep", ahtari), STATUS (OK), NULL, "county A, Ähtäri");
    s_expect (s_get_client ("county-ep", jyvaskyla), STATUS (NOT_FOUND), "intake.unknown_client", "county A, Jyväskylä");
    s_expect (s_get_client ("county-ks", seinajoki), STATUS (NOT_FOUND), "intake.unknown_client", "county B, Seinäjoki");
    s_expect (s_get_client ("county-ks", ahtari), STATUS (NOT_FOUND), "intake.unknown_client", "county B, Ähtäri");
    s_expect (s_get_client ("county-ks", jyvaskyla), STATUS (OK), NULL, "county B, Jyväskylä");
    s_expect (s_get_client ("helsinki", ahtari), STATUS (NOT_FOUND), "intake.unknown_client", "Helsinki, Ähtäri");
    //  A municipality certificate keeps its one municipality.
    s_expect (s_get_client ("muni-743", seinajoki), STATUS (OK), NULL, "Seinäjoki, its own");
    s_expect (s_get_client ("muni-743", ahtari), STATUS (NOT_FOUND), "intake.unknown_client", "Seinäjoki, Ähtäri's");
    //  Helsinki organises Helsinki.
    char helsinki [64];
    s_register ("helsinki", "091", helsinki);
    s_expect (s_get_client ("muni-091", helsinki), STATUS (OK), NULL, "muni-091, Helsinki's");
    //  Nobody registers a client in a municipality it does not organise.
    Kumppani__V1__Reply *reply = s_call ("intake", "county-ep", "register_client",
                                         "attributes.municipality=179 attributes.language=fi");
    cr_assert_not_null (reply);
    cr_assert_neq (reply->status, STATUS (OK), "county A registered a client in Jyväskylä");
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

//  Kela addresses a notice to the organiser of the client's municipality.
//  The wrong organiser, an unregistered and a deactivated organisation
//  are each refused with their own code, and nothing is written.
Test (counties, kela_notices_go_only_to_a_registered_active_organiser)
{
    kpt_register ("county-ep-old", "county", "EP");
    char out [4096];
    const char *deactivate [] = { "org", "deactivate", "county-ep-old", NULL };
    cr_assert_eq (s_operator (out, sizeof out, deactivate), 0, "%s", out);
    cr_assert (kpt_scalar ("SELECT count(*) FROM kp.audit_log WHERE action = 'operator.org_deactivate'"
                           " AND detail LIKE '%' || $1 || '%'", "org_id=county-ep-old") >= 1);
    kpt_service_start ("referral", NULL);

    char marker [64];
    snprintf (marker, sizeof marker, "county-notice-%d", (int) getpid ());
    long long referrals = kpt_scalar ("SELECT count(*) FROM referral.referrals", NULL);
    long long events = kpt_scalar ("SELECT count(*) FROM kp.events", NULL);
    const struct {
        const char *recipient, *municipality;
        Kumppani__V1__Status status;
        const char *code;
    } cases [] = {
        { "county-ks", "743", STATUS (INVALID), "referral.recipient_not_organiser" },
        { "helsinki", "989", STATUS (INVALID), "referral.recipient_not_organiser" },
        { "county-zz", "989", STATUS (INVALID), "referral.unknown_recipient" },
        { "county-ep-old", "989", STATUS (CONFLICT), "referral.recipient_inactive" },
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases [0]; index++) {
        char fields [512];
        snprintf (fields, sizeof fields, "kind=1 recipient_org=%s recipient_type=county municipality=%s"
                  " legal_basis=3 reason_category=2 client_ref=c-%zu free_text=%s", cases [index].recipient,
                  cases [index].municipality, index, marker);
        s_expect (s_call ("referral", "kela", "submit_referral", fields), cases [index].status,
                  cases [index].code, cases [index].recipient);
    }
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM referral.referrals", NULL), referrals, "a refused notice was stored");
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.events", NULL), events, "a refused notice was published");
    //  The organiser is reached, in either of its municipalities.
    char fields [512];
    snprintf (fields, sizeof fields, "kind=1 recipient_org=county-ep recipient_type=county municipality=989"
              " legal_basis=3 reason_category=2 client_ref=c-ok free_text=%s", marker);
    s_expect (s_call ("referral", "kela", "submit_referral", fields), STATUS (OK), NULL, "to county A");
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM referral.referrals WHERE free_text = $1", marker), 1);
}

//  Admission follows the registry: a certificate of an unregistered
//  organisation is not admitted at all, and deactivating one cuts its
//  certificate off at the next reload, as revoking it would.
Test (counties, only_registered_active_organisations_are_admitted)
{
    s_cert ("ngo-unlisted", "ngo", "743", NULL, false);
    s_cert ("ngo-closing", "ngo", "743", NULL, true);
    s_cert ("county-mislabelled", "county", NULL, "KS", false);
    kpt_register ("county-mislabelled", "county", "EP");     //  registered for another area
    kpt_service_start ("intake", NULL);
    //  The unanswered calls are given 1 s: an answer on loopback comes in
    //  milliseconds, and the admitted one below shows the service is up.
    cr_assert_null (s_call_within ("intake", "ngo-unlisted", "health", "", 1000), "an unregistered org was answered");
    cr_assert_null (s_call_within ("intake", "county-mislabelled", "health", "", 1000),
                    "a certificate naming another area than registered was answered");
    s_expect (s_call ("intake", "ngo-closing", "health", ""), STATUS (OK), NULL, "registered and active");

    char out [4096];
    const char *deactivate [] = { "org", "deactivate", "ngo-closing", NULL };
    cr_assert_eq (s_operator (out, sizeof out, deactivate), 0, "%s", out);
    kpt_service_signal ("intake", SIGHUP);
    //  The reload is asynchronous: ask until the answer stops (bounded).
    Kumppani__V1__Reply *reply = NULL;
    for (int attempt = 0; attempt < 50; attempt++) {
        reply = s_call_within ("intake", "ngo-closing", "health", "", 200);
        if (!reply)
            break;
        kumppani__v1__reply__free_unpacked (reply, NULL);
        reply = NULL;
        zclock_sleep (100);
    }
    cr_assert_null (reply, "a deactivated organisation is still answered after the reload");
    s_expect (s_call ("intake", "muni-743", "health", ""), STATUS (OK), NULL, "others still served");
}

//  Every report can be asked for an organiser and for one of its
//  municipalities; the county's figures are its municipalities' figures.
Test (counties, a_county_report_adds_up_its_municipalities)
{
    kpt_service_start ("reporting", NULL);
    //  Observations over a year no other suite uses.
    const char *observations [] = {
        "theme=county_check area=743 period_start=1981-02-01 period_end=1981-02-28 clients_concerned=7",
        "theme=county_check area=989 period_start=1981-03-01 period_end=1981-03-31 clients_concerned=9",
        "theme=county_check area=989 period_start=1981-04-01 period_end=1981-04-30 clients_concerned=6",
        "theme=county_check area=179 period_start=1981-04-01 period_end=1981-04-30 clients_concerned=8",
    };
    for (size_t index = 0; index < 4; index++) {
        char fields [256];
        snprintf (fields, sizeof fields, "%s description=seen", observations [index]);
        s_expect (s_call ("reporting", index == 3 ? "county-ks" : "county-ep", "submit_observation", fields),
                  STATUS (OK), NULL, observations [index]);
    }
    //  The clients concerned per area in one report run, by cell.
    const char *scopes [] = { "", "EP", "743", "989" };
    long long clients [4] = { 0 }, observed [4] = { 0 };
    for (size_t scope = 0; scope < 4; scope++) {
        char fields [256];
        snprintf (fields, sizeof fields, "report=social_reporting period_start=1981-01-01 period_end=1981-12-31"
                  " threshold=3%s%s", *scopes [scope] ? " municipality=" : "", scopes [scope]);
        Kumppani__V1__Reply *reply = s_call ("reporting", "county-ep", "run_report", fields);
        cr_assert_not_null (reply);
        cr_assert_eq (reply->status, STATUS (OK), "%s: %s", scopes [scope], reply->error ? reply->error->code : "");
        Kumppani__V1__ReportTable *table = reply->report_table;
        for (size_t row = 0; row < table->n_rows; row++) {
            Kumppani__V1__ReportCell **cells = table->rows [row]->cells;
            if (strcmp (cells [0]->value, "county_check") != 0)
                continue;
            cr_assert_neq (strcmp (cells [1]->value, "179"), 0, "county A sees Keski-Suomi's observation");
            cr_assert_not (cells [3]->suppressed, "threshold 3: nothing here is suppressed");
            observed [scope] += strtoll (cells [2]->value, NULL, 10);
            clients [scope] += strtoll (cells [3]->value, NULL, 10);
            //  The name goes with the code.
            cr_assert_str_eq (cells [1]->name, strcmp (cells [1]->value, "743") == 0 ? "Seinäjoki" : "Ähtäri");
        }
        kumppani__v1__reply__free_unpacked (reply, NULL);
    }
    cr_assert_eq (clients [2], 7);
    cr_assert_eq (clients [3], 15);
    cr_assert_eq (clients [0], clients [2] + clients [3], "the county's own report (no area asked)");
    cr_assert_eq (clients [1], clients [2] + clients [3], "asked for EP");
    cr_assert_eq (observed [1], observed [2] + observed [3]);
    //  County B may not ask for county A's municipality, nor its area.
    s_expect (s_call ("reporting", "county-ks", "run_report",
                      "report=social_reporting period_start=1981-01-01 period_end=1981-12-31 municipality=743"),
              STATUS (FORBIDDEN), "reporting.forbidden", "county B asks for 743");
    s_expect (s_call ("reporting", "county-ks", "run_report",
                      "report=social_reporting period_start=1981-01-01 period_end=1981-12-31 municipality=EP"),
              STATUS (FORBIDDEN), "reporting.forbidden", "county B asks for EP");
}

//  Writes the current classification as a file `area apply` takes, with
//  the one change given (a code merged into another, or none).
static void
s_classification (const char *path, const char *merged, const char *into)
{
    const char *values [] = { merged, into };
    PGresult *result = PQexecParams (kpt_admin (),
        "SELECT code || ',' || name || ',' || name_sv || ',' || organiser || ','"
        "       || CASE WHEN code = $1 THEN $2 ELSE '' END"
        "  FROM kp.municipalities WHERE ended_on IS NULL OR code = $1 ORDER BY code",
        2, NULL, values, NULL, NULL, 0);
    cr_assert_eq (PQresultStatus (result), PGRES_TUPLES_OK, "%s", PQresultErrorMessage (result));
    FILE *file = fopen (path, "w");
    cr_assert_not_null (file);
    fprintf (file, "municipality,name_fi,name_sv,county_id,merged_into\n");
    for (int row = 0; row < PQntuples (result); row++)
        fprintf (file, "%s\n", PQgetvalue (result, row, 0));
    fclose (file);
    PQclear (result);
}

//  Kuhmoinen (291, Pirkanmaa) merges into Jämsä (182, Keski-Suomi): its
//  clients keep the code 291 and are Keski-Suomi's from then on. The
//  shared cluster gets its classification back at the end.
Test (counties, a_merger_applied_later_keeps_old_records_codes)
{
    s_cert ("county-pi", "county", NULL, "PI", true);
    kpt_service_start ("intake", NULL);
    char client [64];
    s_register ("county-pi", "291", client);
    s_expect (s_get_client ("county-ks", client), STATUS (NOT_FOUND), "intake.unknown_client", "before the merger");

    char path [600], out [16384];
    snprintf (path, sizeof path, "%s/merger.csv", kpt_cert_dir ("."));
    //  A file that leaves a current municipality out is refused whole.
    s_classification (path, "291", "182");
    char command [1300];
    snprintf (command, sizeof command, "sed -i '/^179,/d' '%s'", path);
    cr_assert_eq (system (command), 0);
    const char *apply [] = { "area", "apply", path, NULL };
    cr_assert_eq (s_operator (out, sizeof out, apply), 1, "%s", out);
    cr_assert (strstr (out, "179 Jyväskylä"), "%s", out);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.municipalities WHERE code = '291' AND merged_into IS NULL"
                              " AND organiser = 'PI'", NULL), 1, "a refused file changed something");

    long long audited = kpt_scalar ("SELECT count(*) FROM kp.audit_log WHERE action = 'operator.area_apply'", NULL);
    s_classification (path, "291", "182");
    cr_assert_eq (s_operator (out, sizeof out, apply), 0, "%s", out);
    cr_assert (strstr (out, "291 Kuhmoinen: merged into 182, organised by KS (was PI)"), "%s", out);
    cr_assert (strstr (out, "1 municipalities changed"), "%s", out);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.audit_log WHERE action = 'operator.area_apply'", NULL),
                  audited + 1);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.municipalities WHERE code = '291' AND merged_into = '182'"
                              " AND organiser = 'KS' AND ended_on IS NOT NULL", NULL), 1);
    //  The record keeps its code; the services take the new areas on reload.
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM intake.clients WHERE client_id = $1 AND municipality = '291'",
                              client), 1);
    kpt_service_stop ("intake");
    kpt_service_start ("intake", NULL);
    Kumppani__V1__Reply *reply = s_get_client ("county-ks", client);
    cr_assert_not_null (reply);
    cr_assert_eq (reply->status, STATUS (OK), "the successor's organiser: %s", reply->error ? reply->error->code : "");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    s_expect (s_get_client ("county-pi", client), STATUS (NOT_FOUND), "intake.unknown_client", "the old organiser");
    //  Applying the same file again changes nothing.
    cr_assert_eq (s_operator (out, sizeof out, apply), 0, "%s", out);
    cr_assert (strstr (out, "0 municipalities changed"), "%s", out);

    //  Back as it was, for the suites after this one.
    s_classification (path, "291", "");
    snprintf (command, sizeof command, "sed -i 's/^291,Kuhmoinen,Kuhmois,KS,$/291,Kuhmoinen,Kuhmois,PI,/' '%s'", path);
    cr_assert_eq (system (command), 0);
    cr_assert_eq (s_operator (out, sizeof out, apply), 0, "%s", out);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.municipalities WHERE code = '291' AND merged_into IS NULL"
                              " AND ended_on IS NULL AND organiser = 'PI'", NULL), 1, "%s", out);
}

//  --------------------------------------------------------------------------
//  The stream: an event of a municipality is addressed to its organiser
//  (a:EP) as well, a county's live connection gets it once even where two
//  of its scopes match (its area and its own org id), and another county
//  gets none of it.

typedef struct {
    int got [2];                    //  frames of event A (989, to county-ep) and B (179)
    char scope [2][80];             //  the scope each arrived under
} s_frames_t;

//  Reads reader's frames until a heartbeat shows the head at or past
//  last_seq (all earlier events have been relayed by then), bounded.
static void
s_read_until (kp_stream_live_t *reader, long long last_seq, s_frames_t *frames)
{
    memset (frames, 0, sizeof *frames);
    for (int round = 0; round < 100; round++) {
        zmsg_t *msg = kp_stream_live_recv (reader, 5000);
        cr_assert_not_null (msg, "the stream went silent");
        zframe_t *body = zmsg_last (msg);
        Kumppani__V1__Event *event = kumppani__v1__event__unpack (NULL, zframe_size (body), zframe_data (body));
        cr_assert_not_null (event);
        bool done = event->payload_case == KUMPPANI__V1__EVENT__PAYLOAD_HEARTBEAT
                 && (long long) event->heartbeat->head_seq >= last_seq;
        int which = strcmp (event->aggregate_id, "county-live-a") == 0 ? 0
                  : strcmp (event->aggregate_id, "county-live-b") == 0 ? 1 : -1;
        if (which >= 0) {
            frames->got [which]++;
            char *scoped = zframe_strdup (zmsg_first (msg));
            snprintf (frames->scope [which], sizeof frames->scope [which], "%s", scoped);
            free (scoped);
        }
        kumppani__v1__event__free_unpacked (event, NULL);
        zmsg_destroy (&msg);
        if (done)
            return;
    }
    cr_assert_fail ("no heartbeat reached seq %lld", last_seq);
}

static kp_stream_live_t *
s_reader (const char *org)
{
    char *prefixes [] = { "reporting.county_live" };
    kp_stream_live_t *reader = kp_stream_live_new (kpt_pub_endpoint (), kpt_cert_path ("services", "stream"),
                                                   kpt_cert_path ("clients", org), prefixes, 1);
    cr_assert_not_null (reader);
    //  Subscribed once heartbeats flow (bounded).
    zmsg_t *msg = kp_stream_live_recv (reader, 5000);
    cr_assert_not_null (msg, "no heartbeat reached %s", org);
    zmsg_destroy (&msg);
    return reader;
}

static long long
s_append (PGconn *conn, const char *aggregate, const char *municipality, const char *recipient)
{
    Kumppani__V1__ObservationRecorded recorded = KUMPPANI__V1__OBSERVATION_RECORDED__INIT;
    recorded.observation_id = (char *) aggregate;
    recorded.theme = "county_live";
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.topic = "reporting.county_live";
    event.aggregate_id = (char *) aggregate;
    event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_OBSERVATION_RECORDED;
    event.observation_recorded = &recorded;
    return kpt_append_event (conn, &event, municipality, "kela", recipient);
}

Test (counties, a_county_gets_its_areas_events_once_and_no_others)
{
    kpt_service_start ("stream", NULL);
    kp_stream_live_t *ep = s_reader ("county-ep");
    kp_stream_live_t *ks = s_reader ("county-ks");
    PGconn *conn = kpt_connect_as ("reporting");
    PQclear (PQexec (conn, "BEGIN"));
    s_append (conn, "county-live-a", "989", "county-ep");
    long long last = s_append (conn, "county-live-b", "179", "muni-x");
    PQclear (PQexec (conn, "COMMIT"));
    PQfinish (conn);

    s_frames_t frames;
    s_read_until (ep, last, &frames);
    cr_assert_eq (frames.got [0], 1, "county A got Ähtäri's event %d times", frames.got [0]);
    cr_assert_str_eq (frames.scope [0], "a:EP|reporting.county_live");
    cr_assert_eq (frames.got [1], 0, "county A got Keski-Suomi's event");
    s_read_until (ks, last, &frames);
    cr_assert_eq (frames.got [0], 0, "county B got Etelä-Pohjanmaa's event");
    cr_assert_eq (frames.got [1], 1);
    cr_assert_str_eq (frames.scope [1], "a:KS|reporting.county_live");
    kp_stream_live_destroy (&ep);
    kp_stream_live_destroy (&ks);
}

//  --------------------------------------------------------------------------
//  Groups: a county runs activities in its own municipalities only.

Test (counties, a_county_runs_groups_in_its_own_municipalities)
{
    kpt_service_start ("groups", NULL);
    const char *fields = "activity.kind=peer_support activity.title=Vertaistuki activity.venue=room-ep"
                         " activity.audience=mixed activity.closed=true activity.capacity=10"
                         " activity.municipality=%s";
    char body [512];
    snprintf (body, sizeof body, fields, "989");
    Kumppani__V1__Reply *reply = s_call ("groups", "county-ep", "create_activity", body);
    cr_assert_not_null (reply);
    cr_assert_eq (reply->status, STATUS (OK), "in Ähtäri: %s", reply->error ? reply->error->code : "");
    char activity [64];
    snprintf (activity, sizeof activity, "%s", reply->activity->activity->activity_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    snprintf (body, sizeof body, fields, "179");
    s_expect (s_call ("groups", "county-ep", "create_activity", body), STATUS (FORBIDDEN), "groups.forbidden",
              "county A in Jyväskylä");
    snprintf (body, sizeof body, "activity_id=%s", activity);
    s_expect (s_call ("groups", "county-ep", "get_activity", body), STATUS (OK), NULL, "its own");
    s_expect (s_call ("groups", "county-ks", "get_activity", body), STATUS (NOT_FOUND), "groups.activity_not_found",
              "county B");
    s_expect (s_call ("groups", "muni-743", "get_activity", body), STATUS (NOT_FOUND), "groups.activity_not_found",
              "Seinäjoki, for an Ähtäri activity");
}

//  --------------------------------------------------------------------------
//  The closed loop with a county: Kela's notice about a resident of Ähtäri
//  to Etelä-Pohjanmaa opens the case on the county's own client record in
//  989; the county works it, Keski-Suomi never learns of it.

//  A text value of sql with one parameter into out ("" if no row).
static void
s_text (const char *sql, const char *param, char *out, size_t size)
{
    const char *values [] = { param };
    PGresult *result = PQexecParams (kpt_admin (), sql, 1, NULL, values, NULL, NULL, 0);
    cr_assert_eq (PQresultStatus (result), PGRES_TUPLES_OK, "%s", PQresultErrorMessage (result));
    snprintf (out, size, "%s", PQntuples (result) ? PQgetvalue (result, 0, 0) : "");
    PQclear (result);
}

Test (counties, a_kela_notice_opens_the_case_at_the_county)
{
    const char *fast [] = { "KUMPPANI_POLL_MS=100", NULL };
    kpt_service_start ("stream", NULL);
    kpt_service_start ("referral", fast);
    kpt_service_start ("intake", fast);
    char hetu [16];
    kpt_hetu (hetu, "030386", '-', 100 + (int) (getpid () % 800));
    char fields [512];
    snprintf (fields, sizeof fields, "kind=1 recipient_org=county-ep recipient_type=county municipality=989"
              " legal_basis=3 reason_category=2 hetu=%s", hetu);
    Kumppani__V1__Reply *reply = s_call ("referral", "kela", "submit_referral", fields);
    cr_assert_not_null (reply);
    cr_assert_eq (reply->status, STATUS (OK), "%s", reply->error ? reply->error->code : "");
    char referral [64];
    snprintf (referral, sizeof referral, "%s", reply->referral->referral->referral_id);
    cr_assert_str_not_empty (reply->referral->referral->deadline, "the county's assessment clock runs");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Intake opens the case from the stream (bounded wait).
    char case_id [64] = "";
    for (int waited = 0; waited < 100 && !*case_id; waited++) {
        s_text ("SELECT case_id FROM intake.case_referrals WHERE referral_id = $1", referral, case_id, sizeof case_id);
        if (!*case_id)
            zclock_sleep (100);
    }
    cr_assert_str_not_empty (case_id, "intake never opened the county's case");
    char municipality [16];
    s_text ("SELECT municipality FROM intake.cases WHERE case_id = $1", case_id, municipality, sizeof municipality);
    cr_assert_str_eq (municipality, "989", "the case is the client's municipality's");

    snprintf (fields, sizeof fields, "case_id=%s", case_id);
    s_expect (s_call ("intake", "county-ep", "get_case", fields), STATUS (OK), NULL, "county A reads its case");
    s_expect (s_call ("intake", "county-ks", "get_case", fields), STATUS (NOT_FOUND), "intake.unknown_case",
              "county B");
    s_expect (s_call ("intake", "muni-743", "get_case", fields), STATUS (NOT_FOUND), "intake.unknown_case",
              "Seinäjoki, for an Ähtäri case");
    snprintf (fields, sizeof fields, "referral_id=%s", referral);
    s_expect (s_call ("referral", "county-ep", "acknowledge_referral", fields), STATUS (OK), NULL,
              "the county acknowledges");
    s_expect (s_call ("referral", "county-ks", "get_referral", fields), STATUS (NOT_FOUND), NULL, "county B");
}

//  --------------------------------------------------------------------------
//  The operator's commands: audited, rerunnable, and bad input refused
//  with what is wrong and nothing written.

Test (counties, org_and_area_commands_refuse_bad_input_and_audit_the_rest)
{
    char id [64], out [8192];
    snprintf (id, sizeof id, "ngo-cli-%d", (int) getpid ());
    long long audited = kpt_scalar ("SELECT count(*) FROM kp.audit_log WHERE action = 'operator.org_add'", NULL);
    const char *add [] = { "org", "add", id, "--type", "ngo", "--municipality", "743", "--name", "Test NGO", NULL };
    cr_assert_eq (s_operator (out, sizeof out, add), 0, "%s", out);
    cr_assert_eq (s_operator (out, sizeof out, add), 0, "%s", out);
    cr_assert (strstr (out, "registered already"), "%s", out);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.audit_log WHERE action = 'operator.org_add'"
                              " AND actor_person = 'test-operator'", NULL) - audited, 1, "one audit row, one change");
    const char *retype [] = { "org", "add", id, "--type", "parish", "--municipality", "743", NULL };
    cr_assert_eq (s_operator (out, sizeof out, retype), 1, "%s", out);
    cr_assert (strstr (out, "ids are not reused"), "%s", out);
    const char *list [] = { "org", "list", NULL };
    cr_assert_eq (s_operator (out, sizeof out, list), 0, "%s", out);
    cr_assert (strstr (out, id) && strstr (out, "Test NGO (Seinäjoki)"), "%s", out);
    //  Åland as a whole organises nothing; 999 is no municipality.
    const char *aland [] = { "org", "add", "county-ax", "--type", "county", "--county", "AX", NULL };
    cr_assert_eq (s_operator (out, sizeof out, aland), 1, "%s", out);
    const char *nowhere [] = { "org", "add", "ngo-nowhere", "--type", "ngo", "--municipality", "999", NULL };
    cr_assert_eq (s_operator (out, sizeof out, nowhere), 1, "%s", out);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.organisations WHERE org_id IN ('county-ax', 'ngo-nowhere')",
                              NULL), 0);
    const char *unknown [] = { "org", "deactivate", "ngo-never-registered", NULL };
    cr_assert_eq (s_operator (out, sizeof out, unknown), 1, "%s", out);

    //  A classification file with a bad line: its number and field, nothing written.
    char path [600];
    snprintf (path, sizeof path, "%s/bad.csv", kpt_cert_dir ("."));
    FILE *file = fopen (path, "w");
    cr_assert_not_null (file);
    fprintf (file, "municipality,name_fi,name_sv,county_id\n005,Alajärvi,Alajärvi,EP\n09,Helsinki,Helsingfors,HKI\n");
    fclose (file);
    const char *apply [] = { "area", "apply", path, NULL };
    cr_assert_eq (s_operator (out, sizeof out, apply), 1, "%s", out);
    cr_assert (strstr (out, "line 3: bad municipality"), "%s", out);
    file = fopen (path, "w");
    cr_assert_not_null (file);
    fprintf (file, "municipality,name_fi,name_sv,county_id\n005,Alajärvi,Alajärvi,ZZ\n");
    fclose (file);
    cr_assert_eq (s_operator (out, sizeof out, apply), 1, "%s", out);
    cr_assert (strstr (out, "no such organiser (county_id): ZZ"), "%s", out);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.municipalities WHERE code = '005' AND organiser = 'EP'",
                              NULL), 1);
}
