/*  kumppani import: one year (2018) of a municipality's social work —
    clients, consents, cases with their phases, plans, AVAIN measurements,
    Kela's notices with their acknowledgements, a closed group with
    enrolments and attendance, an open talousneuvola with headcounts — as
    JSON lines. The same records are entered twice: live through the API
    into Jyväskylä (179) by its own certificates, the services' clock moved
    day by day with KUMPPANI_CLOCK_FILE, and imported into Tampere (837)
    with `kumppani import` and the importer certificate. Every report over
    2018 agrees cell by cell; the imported events carry their original
    dates and the imported mark; the deliberately bad lines are reported
    with their line numbers and fields and nothing of them is written; a
    rerun changes nothing; past deadlines send no notice. And no ordinary
    certificate can backdate anything. */
#include "harness.h"
#include "kp_calendar.h"
#include "kp_ids.h"
#include "kp_import.h"
#include "kp_json_read.h"

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <czmq.h>
#include <endian.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

TestSuite (import, .init = kpt_setup_own_database, .fini = kpt_teardown_own_database, .timeout = 600);

#define STATUS(name) KUMPPANI__V1__STATUS__STATUS_ ## name
#define PEOPLE 36
#define SESSIONS 10
#define ENROLLED 12
#define MAX_RECORDS 1200

// ---------------------------------------------------------------------
// The year, as records.

typedef struct {
    int64_t at;
    int order;                      //  ties keep the order they were made in
    char *text;
} s_record_t;

static s_record_t s_records [MAX_RECORDS];
static int s_count;

//  The n-th working day of 2018 (0: Tuesday 2 January).
static kp_date_t
s_wd (int n)
{
    return kp_calendar_add_working_days (kp_date_from_ymd (2018, 1, 2), n);
}

static void
s_date_text (kp_date_t date, char *out)
{
    kp_date_format (date, out);
}

//  A record: op on day at hour:minute (Helsinki, +02:00 in winter, +03:00
//  in summer: the offset is part of the text, kumppani keeps the instant).
static void
s_add (const char *source_id, const char *op, const char *org, const char *person, const char *role,
       kp_date_t day, int hour, int minute, const char *body, const char *refs)
{
    cr_assert_lt (s_count, MAX_RECORDS);
    char date [11], at [40];
    s_date_text (day, date);
    //  EU summer time 2018: 25 March - 28 October.
    bool summer = day >= kp_date_from_ymd (2018, 3, 25) && day < kp_date_from_ymd (2018, 10, 28);
    snprintf (at, sizeof at, "%sT%02d:%02d:00+0%d:00", date, hour, minute, summer ? 3 : 2);
    char text [2048];
    int length = snprintf (text, sizeof text, "{\"source\":\"oldcis\",\"id\":\"%s\",\"op\":\"%s\",\"org\":\"%s\","
                           "\"person\":\"%s\",\"role\":\"%s\",\"at\":\"%s\",\"body\":%s,\"refs\":%s}",
                           source_id, op, org, person, role, at, body ? body : "{}", refs ? refs : "{}");
    cr_assert (length > 0 && (size_t) length < sizeof text);
    s_records [s_count] = (s_record_t) { kp_import_parse_time (at), s_count, strdup (text) };
    cr_assert_gt (s_records [s_count].at, 0, "%s", at);
    s_count++;
}

static int
s_by_time (const void *a, const void *b)
{
    const s_record_t *left = a, *right = b;
    if (left->at != right->at)
        return left->at < right->at ? -1 : 1;
    return left->order - right->order;
}

static const char *const s_labour [] = {
    "LABOUR_MARKET_STATUS_UNEMPLOYED", "LABOUR_MARKET_STATUS_LONG_TERM_UNEMPLOYED",
    "LABOUR_MARKET_STATUS_INACTIVE", "LABOUR_MARKET_STATUS_EMPLOYED"
};
static const char *const s_education [] = {
    "EDUCATION_LEVEL_ISCED_0_2", "EDUCATION_LEVEL_ISCED_3_4", "EDUCATION_LEVEL_ISCED_5_8"
};

//  The whole year for municipality m, served by org (muni-m), in time order.
static void
s_make_year (const char *m, const char *org)
{
    s_count = 0;
    char body [1024], refs [256], id [32], ref_id [32];
    const char *sw = "social_worker";
    //  Groups: a closed peer-support group and an open talousneuvola.
    snprintf (body, sizeof body, "{\"activity\":{\"kind\":\"peer_support\",\"title\":\"Vertaisryhma\","
              "\"municipality\":\"%s\",\"closed\":true,\"capacity\":20,\"min_meetings\":8,\"audience\":\"mixed\"}}", m);
    s_add ("g1", "create_activity", org, "w1", sw, s_wd (1), 8, 0, body, NULL);
    snprintf (body, sizeof body, "{\"activity\":{\"kind\":\"talousneuvola\",\"title\":\"Talousneuvola\","
              "\"municipality\":\"%s\",\"closed\":false,\"audience\":\"open\"}}", m);
    s_add ("g2", "create_activity", org, "w1", sw, s_wd (1), 8, 5, body, NULL);
    for (int session = 0; session < SESSIONS; session++) {
        kp_date_t day = s_wd (20 + session * 22);
        char date [11];
        s_date_text (day, date);
        for (int group = 1; group <= 2; group++) {
            snprintf (id, sizeof id, "g%ds%d", group, session);
            snprintf (body, sizeof body, "{\"first_date\":\"%s\",\"start_time\":\"%s\",\"end_time\":\"%s\"}",
                      date, group == 1 ? "10:00" : "13:00", group == 1 ? "12:00" : "15:00");
            snprintf (refs, sizeof refs, "{\"activity_id\":\"g%d\"}", group);
            s_add (id, "schedule_sessions", org, "w1", sw, day, 7, group, body, refs);
        }
        //  Attendance of those enrolled by then; a headcount with topics.
        for (int person = 0; person < ENROLLED; person++) {
            if (s_wd (4 + person * 6) >= day)
                continue;
            bool present = (person + session) % 4 != 0;
            snprintf (id, sizeof id, "at%d_%d", session, person);
            snprintf (body, sizeof body, "{\"attendance\":\"%s\",\"minutes\":%d}",
                      present ? "present" : "absent", present ? 120 : 0);
            snprintf (refs, sizeof refs, "{\"session_id\":\"g1s%d\",\"client_id\":\"c%d\"}", session, person);
            s_add (id, "record_attendance", org, "w1", sw, day, 16, person, body, refs);
        }
        snprintf (id, sizeof id, "hc%d", session);
        snprintf (body, sizeof body, "{\"headcount\":%d,\"follow_ups\":%d,\"topic_tallies\":"
                  "[{\"topic\":\"debt\",\"count\":%d},{\"topic\":\"budget\",\"count\":3}]}",
                  6 + session, session % 3, 2 + session % 3);
        snprintf (refs, sizeof refs, "{\"session_id\":\"g2s%d\"}", session);
        s_add (id, "record_headcount", org, "w1", sw, day, 16, 30, body, refs);
    }
    //  Social reporting: the workers' observations, one a month.
    static const char *const themes [] = { "housing", "debt", "loneliness" };
    for (int month = 1; month <= 12; month++) {
        kp_date_t last = kp_date_from_ymd (month == 12 ? 2019 : 2018, month == 12 ? 1 : month + 1, 1) - 1;
        snprintf (id, sizeof id, "o%d", month);
        snprintf (body, sizeof body, "{\"theme\":\"%s\",\"area\":\"%s\",\"period_start\":\"2018-%02d-01\","
                  "\"period_end\":\"2018-%02d-%02d\",\"description\":\"Havainto\",\"clients_concerned\":%d}",
                  themes [month % 3], m, month, month, last - kp_date_from_ymd (2018, month, 1) + 1, 3 + month);
        s_add (id, "submit_observation", org, "w1", sw, kp_calendar_add_working_days (last - 3, 0), 15, 0, body, NULL);
    }
    for (int person = 0; person < PEOPLE; person++) {
        int open = 4 + person * 6;
        kp_date_t day = s_wd (open);
        snprintf (id, sizeof id, "c%d", person);
        snprintf (body, sizeof body, "{\"attributes\":{\"municipality\":\"%s\",\"birth_year\":%d,"
                  "\"gender\":\"%s\",\"labour_market_status\":\"%s\",\"education_level\":\"%s\","
                  "\"living_alone\":\"%s\"}}", m, 1958 + person, person % 2 ? "GENDER_MAN" : "GENDER_WOMAN",
                  s_labour [person % 4], s_education [person % 3], person % 3 ? "ANSWER_YES" : "ANSWER_NO");
        s_add (id, "register_client", org, "w1", sw, day, 8, 0, body, NULL);
        snprintf (ref_id, sizeof ref_id, "{\"client_id\":\"c%d\"}", person);
        if (person % 3 == 0) {
            snprintf (id, sizeof id, "k%d", person);
            s_add (id, "record_consent", org, "w1", sw, day, 8, 10,
                   "{\"counterparty_org\":\"kela\",\"scope\":\"client\"}", ref_id);
        }
        if (person < ENROLLED) {
            snprintf (id, sizeof id, "e%d", person);
            snprintf (refs, sizeof refs, "{\"activity_id\":\"g1\",\"client_id\":\"c%d\"}", person);
            s_add (id, "enrol", org, "w1", sw, day, 8, 15, "{\"display_name\":\"Osallistuja\"}", refs);
        }
        snprintf (id, sizeof id, "s%d", person);
        snprintf (body, sizeof body, "{\"channel\":\"CASE_CHANNEL_OWN_CONTACT\",\"responsible_worker\":\"w%d\"}",
                  person % 3);
        s_add (id, "open_case", org, "w1", sw, day, 8, 20, body, ref_id);
        snprintf (ref_id, sizeof ref_id, "{\"case_id\":\"s%d\"}", person);
        //  Kela's notice for every fourth: it joins the open case.
        if (person % 4 == 0) {
            snprintf (id, sizeof id, "r%d", person);
            snprintf (body, sizeof body, "{\"kind\":\"REFERRAL_KIND_SOCIAL_WORK_NEED\",\"recipient_org\":\"%s\","
                      "\"recipient_type\":\"municipality\",\"municipality\":\"%s\","
                      "\"reason_category\":\"REASON_CATEGORY_LIFE_MANAGEMENT\","
                      "\"legal_basis\":\"LEGAL_BASIS_SECTION_35\"}", org, m);
            snprintf (refs, sizeof refs, "{\"client_ref\":\"c%d\"}", person);
            s_add (id, "submit_referral", "kela", "kela-1", "kela_officer", day, 9, 0, body, refs);
            snprintf (id, sizeof id, "a%d", person);
            snprintf (refs, sizeof refs, "{\"referral_id\":\"r%d\"}", person);
            s_add (id, "acknowledge_referral", org, "w1", sw, s_wd (open + 1), 10, 0, "{}", refs);
        }
        //  Assessments start after 1-8 working days (8 misses a Kela
        //  notice's 7); every fifth never starts (a clock runs out).
        if (person % 5 == 4)
            continue;
        int started = open + 1 + person % 8;
        snprintf (id, sizeof id, "sa%d", person);
        s_add (id, "start_assessment", org, "w1", sw, s_wd (started), 12, 0, "{}", ref_id);
        if (person % 5 >= 3)
            continue;
        snprintf (id, sizeof id, "ca%d", person);
        s_add (id, "complete_assessment", org, "w1", sw, s_wd (started + 2), 12, 0,
               "{\"summary\":\"Arvio valmis\"}", ref_id);
        if (person % 5 >= 2)
            continue;
        snprintf (id, sizeof id, "mp%d", person);
        s_add (id, "make_plan", org, "w1", sw, s_wd (started + 3), 13, 0,
               "{\"plan\":{\"goals\":\"Talous kuntoon\",\"services\":\"Talousneuvonta\","
               "\"methods\":\"Budjetti\",\"participants\":[\"asiakas\"]}}", ref_id);
        snprintf (id, sizeof id, "ms%d", person);
        snprintf (body, sizeof body, "{\"instrument\":\"avain\",\"timepoint\":\"TIMEPOINT_START\",\"scores\":"
                  "[{\"item_code\":\"goals\",\"score\":%d},{\"item_code\":\"services\",\"score\":2},"
                  "{\"item_code\":\"methods\",\"score\":%d}]}", 1 + person % 3, 1 + person % 2);
        s_add (id, "record_measurement", org, "w1", sw, s_wd (started + 3), 14, 0, body, ref_id);
        if (person % 5 != 0)
            continue;
        snprintf (id, sizeof id, "me%d", person);
        snprintf (body, sizeof body, "{\"instrument\":\"avain\",\"timepoint\":\"TIMEPOINT_END\",\"scores\":"
                  "[{\"item_code\":\"goals\",\"score\":%d},{\"item_code\":\"services\",\"score\":4},"
                  "{\"item_code\":\"methods\",\"score\":%d}]}", 3 + person % 3, 3 + person % 2);
        s_add (id, "record_measurement", org, "w1", sw, s_wd (started + 20), 10, 0, body, ref_id);
        snprintf (id, sizeof id, "cc%d", person);
        s_add (id, "close_case", org, "w1", sw, s_wd (started + 20), 15, 0,
               "{\"reason\":\"CLOSURE_REASON_GOALS_REACHED\",\"final_evaluation\":\"Tavoitteet saavutettu\"}",
               ref_id);
    }
    qsort (s_records, (size_t) s_count, sizeof s_records [0], s_by_time);
}

static void
s_free_year (void)
{
    for (int index = 0; index < s_count; index++)
        free (s_records [index].text);
    s_count = 0;
}

// ---------------------------------------------------------------------
// The services, on the test clock.

static char s_clock_path [300];

static void
s_set_clock (int64_t micros)
{
    FILE *file = fopen (s_clock_path, "w");
    cr_assert_not_null (file);
    fprintf (file, "%" PRId64 "\n", micros);
    fclose (file);
}

static void
s_start_services (void)
{
    snprintf (s_clock_path, sizeof s_clock_path, "%s/clock", kpt_cert_dir ("."));
    s_set_clock (kp_import_parse_time ("2018-01-02T07:00:00+02:00"));
    static char clock_env [340];
    snprintf (clock_env, sizeof clock_env, "KUMPPANI_CLOCK_FILE=%s", s_clock_path);
    const char *env [] = { "KUMPPANI_POLL_MS=100", clock_env, NULL };
    kpt_service_start ("stream", env);
    kpt_service_start ("referral", env);
    kpt_service_start ("intake", env);
    kpt_service_start ("groups", env);
    kpt_service_start ("reporting", env);
}

//  What kumppani import waits for between records (kp_import_consumers):
//  the consumers that act on the events after head have done so.
static void
s_consumers_acted (long long head)
{
    for (int index = 0; kp_import_consumers [index].consumer; index++) {
        char sql [512];
        snprintf (sql, sizeof sql, "SELECT coalesce (max (seq), 0) FROM kp.events WHERE seq > %lld"
                  " AND topic = ANY (string_to_array ('%s', ' '))", head, kp_import_consumers [index].topics);
        long long last = kpt_scalar (sql, NULL);
        snprintf (sql, sizeof sql, "SELECT coalesce ((SELECT last_seq FROM kp.consumer_cursors"
                  " WHERE consumer = '%s'), -1)", kp_import_consumers [index].consumer);
        long long cursor = -1;
        for (int waited = 0; waited < 3000 && (cursor = kpt_scalar (sql, NULL)) < last; waited++)
            zclock_sleep (5);
        cr_assert_geq (cursor, last, "%s never acted on event %lld", kp_import_consumers [index].consumer, last);
    }
}

static long long
s_head (void)
{
    return kpt_scalar ("SELECT last_seq FROM kp.event_counter", NULL);
}

//  Live: each record as an ordinary request of its own organisation's
//  certificate, no import context, the services' clock at its time.
typedef struct {
    char source_id [32];
    char id [KP_ID_LEN + 1];
} s_map_t;

static s_map_t s_live_map [MAX_RECORDS];
static int s_live_mapped;

static const char *
s_live_id (const char *source_id)
{
    for (int index = 0; index < s_live_mapped; index++)
        if (strcmp (s_live_map [index].source_id, source_id) == 0)
            return s_live_map [index].id;
    cr_assert_fail ("no live id for %s", source_id);
    return NULL;
}

static int
s_role_of (const char *name)
{
    char full [64];
    snprintf (full, sizeof full, "ROLE_%s", name);
    for (unsigned index = 0; index < kumppani__v1__role__descriptor.n_values; index++)
        if (strcasecmp (kumppani__v1__role__descriptor.values [index].name, full) == 0)
            return kumppani__v1__role__descriptor.values [index].value;
    cr_assert_fail ("role %s", name);
    return 0;
}

static void
s_enter_live (void)
{
    s_live_mapped = 0;
    for (int index = 0; index < s_count; index++) {
        cJSON *line = cJSON_Parse (s_records [index].text);
        cr_assert_not_null (line);
        const char *op = cJSON_GetObjectItem (line, "op")->valuestring;
        const char *org = cJSON_GetObjectItem (line, "org")->valuestring;
        const kp_import_op_t *kind = kp_import_op (op);
        cr_assert_not_null (kind, "%s", op);
        cJSON *body = cJSON_GetObjectItem (line, "body");
        const cJSON *ref;
        cJSON_ArrayForEach (ref, cJSON_GetObjectItem (line, "refs"))
            cr_assert_eq (kp_import_set_path (body, ref->string, s_live_id (ref->valuestring)), 0);
        const ProtobufCFieldDescriptor *field = protobuf_c_message_descriptor_get_field_by_name (
            &kumppani__v1__request__descriptor, op);
        char *text = cJSON_PrintUnformatted (body);
        kp_json_error_t error;
        ProtobufCMessage *message = kp_json_read (field->descriptor, text, &error);
        cr_assert_not_null (message, "%s: %s at %s", op, error.code, error.field);
        free (text);
        long long head = s_head ();
        s_set_clock (s_records [index].at);
        Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
        Kumppani__V1__Actor actor;
        kpt_request (&request, &actor, s_role_of (cJSON_GetObjectItem (line, "role")->valuestring), true);
        actor.person_id = cJSON_GetObjectItem (line, "person")->valuestring;
        request.body_case = (Kumppani__V1__Request__BodyCase) field->id;
        *(ProtobufCMessage **) ((char *) &request + field->offset) = message;
        kp_client_t *client = kpt_client (kind->service, org);
        Kumppani__V1__Reply *reply = kpt_call (client, &request);
        cr_assert_not_null (reply, "no reply to %s", op);
        cr_assert_eq (reply->status, STATUS (OK), "live %s (%s): %s %s at %s", op,
                      cJSON_GetObjectItem (line, "id")->valuestring, reply->error ? reply->error->code : "",
                      reply->error ? reply->error->message : "", reply->error ? reply->error->field : "");
        const char *assigned = kp_import_message_path (&reply->base, kind->id_path);
        cr_assert_not_null (assigned, "%s: nothing at %s", op, kind->id_path);
        snprintf (s_live_map [s_live_mapped].source_id, 32, "%s", cJSON_GetObjectItem (line, "id")->valuestring);
        snprintf (s_live_map [s_live_mapped].id, KP_ID_LEN + 1, "%s", assigned);
        s_live_mapped++;
        kumppani__v1__reply__free_unpacked (reply, NULL);
        kp_client_destroy (&client);
        protobuf_c_message_free_unpacked (message, NULL);
        cJSON_Delete (line);
        s_consumers_acted (head);
    }
}

// ---------------------------------------------------------------------
// The import file: the year with bad lines among it.

typedef struct {
    int line;                       //  where it was written
    const char *text;
    const char *expected;           //  what the report of it must say
} s_bad_t;

static s_bad_t s_bad [] = {
    { 0, "{this is not json", "import.json" },
    { 0, "{\"source\":\"oldcis\",\"id\":\"bad1\",\"op\":\"drop_table\",\"org\":\"muni-837\",\"person\":\"w1\","
         "\"role\":\"social_worker\",\"at\":\"2018-02-01\"}", "import.op at op" },
    { 0, "{\"source\":\"oldcis\",\"id\":\"bad2\",\"op\":\"register_client\",\"org\":\"muni-837\",\"person\":\"w1\","
         "\"role\":\"social_worker\",\"at\":\"2018-13-40\",\"body\":{}}", "import.at at at" },
    { 0, "{\"source\":\"oldcis\",\"id\":\"bad3\",\"op\":\"register_client\",\"org\":\"muni-837\",\"person\":\"w1\","
         "\"role\":\"social_worker\",\"at\":\"2018-03-01T09:00:00+02:00\","
         "\"body\":{\"attributes\":{\"birth_year\":\"nineteen\"}}}", "json.type at body.attributes.birth_year" },
    //  Born after the day it was recorded: the service's own rule, on the record's date.
    { 0, "{\"source\":\"oldcis\",\"id\":\"bad4\",\"op\":\"register_client\",\"org\":\"muni-837\",\"person\":\"w1\","
         "\"role\":\"social_worker\",\"at\":\"2018-03-01T09:00:00+02:00\","
         "\"body\":{\"attributes\":{\"municipality\":\"837\",\"birth_date\":\"2018-06-01\"}}}",
         "INVALID intake.birth_date at body.attributes.birth_date" },
    { 0, "{\"source\":\"oldcis\",\"id\":\"bad5\",\"op\":\"open_case\",\"org\":\"muni-837\",\"person\":\"w1\","
         "\"role\":\"social_worker\",\"at\":\"2018-04-03T09:00:00+03:00\",\"body\":{\"channel\":\"CASE_CHANNEL_OWN_CONTACT\","
         "\"responsible_worker\":\"w1\"},\"refs\":{\"client_id\":\"nobody\"}}", "import.unknown_ref at refs.client_id" },
    { 0, "{\"source\":\"oldcis\",\"id\":\"bad6\",\"op\":\"register_client\",\"org\":\"muni-837\",\"person\":\"w1\","
         "\"role\":\"social_worker\",\"at\":\"2031-01-01T09:00:00+02:00\","
         "\"body\":{\"attributes\":{\"municipality\":\"837\",\"birth_year\":1970}}}", "INVALID import.original_time at at" },
    { 0, "{\"source\":\"oldcis\",\"id\":\"bad7\",\"op\":\"register_client\",\"org\":\"nobody-999\",\"person\":\"w1\","
         "\"role\":\"social_worker\",\"at\":\"2018-05-02T09:00:00+03:00\","
         "\"body\":{\"attributes\":{\"municipality\":\"837\",\"birth_year\":1970}}}", "INVALID import.unknown_org at org" },
    //  A case phase the case's state refuses: closing a case twice.
    { 0, "{\"source\":\"oldcis\",\"id\":\"bad8\",\"op\":\"close_case\",\"org\":\"muni-837\",\"person\":\"w1\","
         "\"role\":\"social_worker\",\"at\":\"2018-12-28T09:00:00+02:00\",\"body\":{\"reason\":"
         "\"CLOSURE_REASON_GOALS_REACHED\",\"final_evaluation\":\"again\"},\"refs\":{\"case_id\":\"s0\"}}",
         "CONFLICT intake.illegal_transition" },
};
#define BAD ((int) (sizeof s_bad / sizeof s_bad [0]))

//  Writes the year with the bad lines at spread positions; returns the path.
static const char *
s_write_import_file (void)
{
    static char path [320];
    snprintf (path, sizeof path, "%s/year.jsonl", kpt_cert_dir ("."));
    FILE *file = fopen (path, "w");
    cr_assert_not_null (file);
    fprintf (file, "# oldcis 2018, Tampere\n");
    int line = 1, bad = 0;
    for (int index = 0; index < s_count; index++) {
        //  bad8 after the case it closes again has been closed (the end of the year).
        int due = bad < BAD - 1 ? 3 + bad * (s_count / BAD) : s_count - 1;
        if (bad < BAD && index == due) {
            fprintf (file, "%s\n", s_bad [bad].text);
            s_bad [bad++].line = ++line;
        }
        fprintf (file, "%s\n", s_records [index].text);
        line++;
    }
    while (bad < BAD) {
        fprintf (file, "%s\n", s_bad [bad].text);
        s_bad [bad++].line = ++line;
    }
    fclose (file);
    return path;
}

static int
s_import (const char *path, char *out, size_t size)
{
    setenv ("KUMPPANI_DB_ADMIN_CONNINFO", getenv ("KUMPPANI_TEST_ADMIN_CONNINFO"), 1);
    kpt_cli_merge_stderr = true;
    const char *args [] = { "import", path, NULL };
    pid_t pid;
    int fd;
    pid = kpt_cli_spawn ("importer", args, &fd);
    int rc = kpt_cli_finish (pid, fd, out, size, 300000);
    kpt_cli_merge_stderr = false;
    return rc;
}

// ---------------------------------------------------------------------
// Reports, compared cell by cell.

static const char *const s_reports [] = {
    "referral_sla", "participants", "outcomes", "social_reporting", "groups", "talousneuvola", NULL
};

static Kumppani__V1__Reply *
s_report (const char *org, const char *report)
{
    Kumppani__V1__RunReport body = KUMPPANI__V1__RUN_REPORT__INIT;
    body.report = (char *) report;
    body.period_start = "2018-01-01";
    body.period_end = "2018-12-31";
    body.project_id = "";
    body.municipality = "";
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER, false);
    request.body_case = KUMPPANI__V1__REQUEST__BODY_RUN_REPORT;
    request.run_report = &body;
    kp_client_t *client = kpt_client ("reporting", org);
    Kumppani__V1__Reply *reply = kpt_call (client, &request);
    kp_client_destroy (&client);
    cr_assert_not_null (reply);
    cr_assert_eq (reply->status, STATUS (OK), "%s for %s: %s", report, org, reply->error ? reply->error->code : "");
    return reply;
}

//  Every cell of the two tables agrees, but for the municipality's own
//  code; returns how many non-zero, published figures they hold.
static int
s_same_table (const char *report, const Kumppani__V1__ReportTable *live, const Kumppani__V1__ReportTable *imported)
{
    cr_assert_eq (live->n_columns, imported->n_columns, "%s: columns", report);
    for (size_t column = 0; column < live->n_columns; column++)
        cr_assert_str_eq (live->columns [column], imported->columns [column], "%s", report);
    cr_assert_eq (live->n_rows, imported->n_rows, "%s: %zu rows live, %zu imported", report,
                  live->n_rows, imported->n_rows);
    int figures = 0;
    for (size_t row = 0; row < live->n_rows; row++)
        for (size_t column = 0; column < live->n_columns; column++) {
            const Kumppani__V1__ReportCell *a = live->rows [row]->cells [column];
            const Kumppani__V1__ReportCell *b = imported->rows [row]->cells [column];
            if (strcmp (a->value, "179") == 0 && strcmp (b->value, "837") == 0)
                continue;
            cr_assert_eq (a->suppressed, b->suppressed, "%s row %zu %s: suppressed %d live, %d imported",
                          report, row, live->columns [column], a->suppressed, b->suppressed);
            cr_assert_str_eq (a->value, b->value, "%s row %zu %s: %s live, %s imported", report, row,
                              live->columns [column], a->value, b->value);
            figures += !a->suppressed && strtod (a->value, NULL) != 0;
        }
    return figures;
}

static void
s_reports_agree (void)
{
    for (int index = 0; s_reports [index]; index++) {
        Kumppani__V1__Reply *live = s_report ("muni-179", s_reports [index]);
        Kumppani__V1__Reply *imported = s_report ("muni-837", s_reports [index]);
        int figures = s_same_table (s_reports [index], live->report_table, imported->report_table);
        cr_assert_gt (figures, 0, "%s has no figure: the comparison would prove nothing", s_reports [index]);
        kumppani__v1__reply__free_unpacked (live, NULL);
        kumppani__v1__reply__free_unpacked (imported, NULL);
    }
}

//  Waits (bounded) until the rollup consumer has every event so far.
static void
s_rolled_up (void)
{
    long long head = s_head (), cursor = -1;
    for (int waited = 0; waited < 600 && cursor < head; waited++) {
        cursor = kpt_scalar ("SELECT coalesce (max (last_seq), 0) FROM kp.consumer_cursors"
                             " WHERE consumer = 'reporting.rollups'", NULL);
        if (cursor < head)
            zclock_sleep (50);
    }
    cr_assert_geq (cursor, head, "the rollups never caught up");
}

//  What the import wrote for 837, as one text to compare before and after a rerun.
static char *
s_digest_837 (void)
{
    PGresult *result = PQexec (kpt_admin (),
        "SELECT concat_ws ('|',"
        " (SELECT last_seq FROM kp.event_counter),"
        " (SELECT count (*) FROM intake.clients WHERE municipality = '837'),"
        " (SELECT count (*) FROM intake.cases WHERE municipality = '837'),"
        " (SELECT count (*) FROM intake.participant_snapshots WHERE municipality = '837'),"
        " (SELECT count (*) FROM intake.consents),"
        " (SELECT count (*) FROM intake.measurements),"
        " (SELECT count (*) FROM referral.referrals WHERE municipality = '837'),"
        " (SELECT count (*) FROM referral.referral_history),"
        " (SELECT count (*) FROM groups.attendance),"
        " (SELECT count (*) FROM kp.import_map),"
        " (SELECT count (*) FROM kp.audit_log))");
    cr_assert_eq (PQresultStatus (result), PGRES_TUPLES_OK, "%s", PQresultErrorMessage (result));
    char *digest = strdup (PQgetvalue (result, 0, 0));
    PQclear (result);
    return digest;
}

//  Every event of the records in (from, to] scoped to municipality: its
//  payload's mark and original time. (What kumppani itself does now, a
//  plan's review or a contact with an open case falling due, a deadline
//  after the services' clock, is no record.) Returns how many there were.
static int
s_events_are (long long from, long long to, const char *municipality, bool imported)
{
    char sql [640];
    snprintf (sql, sizeof sql, "SELECT payload, (extract (epoch FROM occurred_at) * 1000000)::int8 FROM kp.events"
              " WHERE seq > %lld AND seq <= %lld AND municipality = '%s'"
              " AND topic NOT IN ('intake.review_due', 'intake.contact_due')"
              " AND topic NOT LIKE 'referral.deadline_%%' AND topic NOT LIKE 'intake.assessment_deadline_%%'",
              from, to, municipality);
    PGresult *result = PQexecParams (kpt_admin (), sql, 0, NULL, NULL, NULL, NULL, 1);
    cr_assert_eq (PQresultStatus (result), PGRES_TUPLES_OK, "%s", PQresultErrorMessage (result));
    int64_t year_end = kp_import_parse_time ("2019-01-01T00:00:00+02:00");
    for (int row = 0; row < PQntuples (result); row++) {
        Kumppani__V1__Event *event = kumppani__v1__event__unpack (
            NULL, (size_t) PQgetlength (result, row, 0), (const uint8_t *) PQgetvalue (result, row, 0));
        cr_assert_not_null (event);
        cr_assert_eq (event->imported, imported, "%s: imported %d", event->topic, event->imported);
        cr_assert_lt (event->occurred_at, year_end, "%s happened in 2018", event->topic);
        int64_t column;
        memcpy (&column, PQgetvalue (result, row, 1), 8);
        cr_assert_eq ((int64_t) be64toh ((uint64_t) column), event->occurred_at, "%s: the row's time", event->topic);
        kumppani__v1__event__free_unpacked (event, NULL);
    }
    int count = PQntuples (result);
    PQclear (result);
    return count;
}

Test (import, a_year_imported_reports_as_the_year_entered_live)
{
    s_start_services ();

    //  Live, into Jyväskylä.
    s_make_year ("179", "muni-179");
    int records = s_count;
    cr_assert_geq (records, 300, "a year of several hundred records (%d)", records);
    long long before_live = s_head ();
    s_enter_live ();
    long long after_live = s_head ();
    s_free_year ();

    //  The import, into Tampere, run in January 2019.
    s_set_clock (kp_import_parse_time ("2019-01-15T12:00:00+02:00"));
    s_make_year ("837", "muni-837");
    const char *path = s_write_import_file ();
    static char out [1 << 16];
    int rc = s_import (path, out, sizeof out);
    cr_log_info ("kumppani import %s:\n%s", path, out);
    cr_assert_eq (rc, 1, "lines were refused, so exit 1: %d\n%s", rc, out);
    char summary [160];
    snprintf (summary, sizeof summary, "import: %d records: %d written, 0 already imported, %d refused",
              records + BAD, records, BAD);
    cr_assert (strstr (out, summary), "expected '%s' in:\n%s", summary, out);
    for (int bad = 0; bad < BAD; bad++) {
        char expected [200];
        snprintf (expected, sizeof expected, "line %d: %s", s_bad [bad].line, s_bad [bad].expected);
        cr_assert (strstr (out, expected), "expected '%s' in:\n%s", expected, out);
    }
    long long after_import = s_head ();
    //  Nothing of a bad line was written: no client born in June 2018, no
    //  client of an unknown organisation, the twice-closed case closed once.
    cr_assert_eq (kpt_scalar ("SELECT count (*) FROM intake.clients c JOIN kp.import_map m ON m.kumppani_id = c.client_id"
                              " WHERE m.kind = 'register_client' AND c.municipality = '837'", NULL), PEOPLE);
    cr_assert_eq (kpt_scalar ("SELECT count (*) FROM intake.clients WHERE municipality = '837'", NULL), PEOPLE);
    cr_assert_eq (kpt_scalar ("SELECT count (*) FROM intake.clients WHERE birth_date = '2018-06-01'", NULL), 0);
    cr_assert_eq (kpt_scalar ("SELECT count (*) FROM kp.import_map WHERE source_id LIKE 'bad%'", NULL), 0);

    //  The rows keep their dates: the cases opened in 2018, on the days
    //  of the live ones.
    cr_assert_eq (kpt_scalar ("SELECT count (*) FROM intake.cases WHERE municipality = '837'"
                              " AND opened_at >= '2018-01-01' AND opened_at < '2019-01-01'", NULL), PEOPLE);
    cr_assert_eq (kpt_scalar ("SELECT count (*) FROM (SELECT (opened_at AT TIME ZONE 'Europe/Helsinki')::date"
                              " FROM intake.cases WHERE municipality = '837' EXCEPT SELECT (opened_at AT TIME ZONE"
                              " 'Europe/Helsinki')::date FROM intake.cases WHERE municipality = '179') d", NULL), 0);

    //  The events: original times, marked imported; the live ones not.
    cr_assert_gt (s_events_are (after_live, after_import, "837", true), records / 2);
    cr_assert_gt (s_events_are (before_live, after_live, "179", false), records / 2);

    s_rolled_up ();
    s_reports_agree ();

    //  Past deadlines: the notices that never started an assessment ran
    //  out in 2018. Live, the watch sent them as the days passed; the
    //  import marked them past and sent none.
    cr_assert_gt (kpt_scalar ("SELECT count (*) FROM kp.events e JOIN referral.referrals r"
                              " ON r.referral_id = e.aggregate_id WHERE e.topic = 'referral.deadline_breached'"
                              " AND r.municipality = '179'", NULL), 0);
    cr_assert_gt (kpt_scalar ("SELECT count (*) FROM referral.deadline_notices n JOIN referral.referrals r"
                              " USING (referral_id) WHERE n.notice = 'breach' AND r.municipality = '837'", NULL), 0);
    cr_assert_eq (kpt_scalar ("SELECT count (*) FROM kp.events WHERE topic LIKE 'referral.deadline_%'"
                              " AND municipality = '837'", NULL), 0);

    //  A rerun changes nothing and refuses the same lines.
    char *before = s_digest_837 ();
    rc = s_import (path, out, sizeof out);
    cr_assert_eq (rc, 1, "%s", out);
    snprintf (summary, sizeof summary, "import: %d records: 0 written, %d already imported, %d refused",
              records + BAD, records, BAD);
    cr_assert (strstr (out, summary), "expected '%s' in:\n%s", summary, out);
    char *after = s_digest_837 ();
    cr_assert_str_eq (after, before, "the rerun changed something");
    free (before);
    free (after);

    //  A refused line corrected in the file goes in on the next run (its
    //  first refusal is no stored answer to the corrected record).
    char fixed [320];
    snprintf (fixed, sizeof fixed, "%s/fixed.jsonl", kpt_cert_dir ("."));
    FILE *file = fopen (fixed, "w");
    cr_assert_not_null (file);
    fprintf (file, "{\"source\":\"oldcis\",\"id\":\"bad4\",\"op\":\"register_client\",\"org\":\"muni-837\","
             "\"person\":\"w1\",\"role\":\"social_worker\",\"at\":\"2018-03-01T09:00:00+02:00\","
             "\"body\":{\"attributes\":{\"municipality\":\"837\",\"birth_date\":\"1968-06-01\"}}}\n");
    fclose (file);
    rc = s_import (fixed, out, sizeof out);
    cr_assert_eq (rc, 0, "%s", out);
    cr_assert (strstr (out, "import: 1 records: 1 written, 0 already imported, 0 refused"), "%s", out);
    cr_assert_eq (kpt_scalar ("SELECT count (*) FROM intake.clients c JOIN kp.import_map m ON m.kumppani_id = c.client_id"
                              " WHERE m.source_id = 'bad4' AND c.birth_date = '1968-06-01'"
                              " AND c.created_at = '2018-03-01 09:00+02'", NULL), 1);
    s_free_year ();
}

// ---------------------------------------------------------------------
// The trust boundary: only the importer backdates, and only as a record.

static Kumppani__V1__Reply *
s_register (const char *org, const char *as_org, int64_t original, bool with_context)
{
    Kumppani__V1__ClientAttributes attributes = KUMPPANI__V1__CLIENT_ATTRIBUTES__INIT;
    attributes.municipality = "743";
    attributes.birth_year = 1980;
    Kumppani__V1__RegisterClient body = KUMPPANI__V1__REGISTER_CLIENT__INIT;
    body.attributes = &attributes;
    Kumppani__V1__ImportContext context = KUMPPANI__V1__IMPORT_CONTEXT__INIT;
    context.as_org = (char *) as_org;
    context.original_time = original;
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER, true);
    request.body_case = KUMPPANI__V1__REQUEST__BODY_REGISTER_CLIENT;
    request.register_client = &body;
    request.import_context = with_context ? &context : NULL;
    kp_client_t *client = kpt_client ("intake", org);
    Kumppani__V1__Reply *reply = kpt_call (client, &request);
    kp_client_destroy (&client);
    cr_assert_not_null (reply);
    return reply;
}

static void
s_refused (Kumppani__V1__Reply *reply, Kumppani__V1__Status status, const char *code, const char *field)
{
    cr_assert_eq (reply->status, status, "status %d (%s), expected %d %s", reply->status,
                  reply->error ? reply->error->code : "", status, code);
    cr_assert_str_eq (reply->error->code, code);
    cr_assert_str_eq (reply->error->field, field);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

Test (import, no_ordinary_certificate_backdates_anything)
{
    kpt_service_start ("intake", NULL);
    int64_t past = kp_import_parse_time ("2017-05-02T10:00:00+03:00");
    long long clients = kpt_scalar ("SELECT count (*) FROM intake.clients", NULL);
    long long head = s_head ();
    //  Every kind of agency certificate, as itself or as another.
    const char *orgs [] = { "muni-743", "kela", "ngo-743", "debt-743", "integrator-743", "operator", NULL };
    for (int index = 0; orgs [index]; index++) {
        s_refused (s_register (orgs [index], orgs [index], past, true), STATUS (FORBIDDEN),
                   "import.not_importer", "import_context");
        s_refused (s_register (orgs [index], "muni-743", past, true), STATUS (FORBIDDEN),
                   "import.not_importer", "import_context");
    }
    //  The importer acts only for a record, as an admitted organisation
    //  other than an importer, at a time not in the future.
    s_refused (s_register ("importer", "", 0, false), STATUS (FORBIDDEN), "import.context_required",
               "import_context");
    s_refused (s_register ("importer", "stranger", past, true), STATUS (INVALID), "import.unknown_org",
               "import_context.as_org");
    s_refused (s_register ("importer", "importer", past, true), STATUS (INVALID), "import.unknown_org",
               "import_context.as_org");
    s_refused (s_register ("importer", "muni-743", kp_import_parse_time ("2100-01-01"), true), STATUS (INVALID),
               "import.original_time", "import_context.original_time");
    s_refused (s_register ("importer", "muni-743", 0, true), STATUS (INVALID), "import.original_time",
               "import_context.original_time");
    //  It writes records; it reads nothing as another.
    Kumppani__V1__GetClient get = KUMPPANI__V1__GET_CLIENT__INIT;
    get.client_id = "01HZZZZZZZZZZZZZZZZZZZZZZZ";
    Kumppani__V1__ImportContext context = KUMPPANI__V1__IMPORT_CONTEXT__INIT;
    context.as_org = "muni-743";
    context.original_time = past;
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER, false);
    request.body_case = KUMPPANI__V1__REQUEST__BODY_GET_CLIENT;
    request.get_client = &get;
    request.import_context = &context;
    kp_client_t *client = kpt_client ("intake", "importer");
    s_refused (kpt_call (client, &request), STATUS (FORBIDDEN), "import.writes_only", "import_context");
    kp_client_destroy (&client);
    cr_assert_eq (kpt_scalar ("SELECT count (*) FROM intake.clients", NULL), clients, "a refusal wrote a client");
    cr_assert_eq (s_head (), head, "a refusal wrote an event");

    //  And what it may do is dated as the record says, as the organisation.
    Kumppani__V1__Reply *reply = s_register ("importer", "muni-743", past, true);
    cr_assert_eq (reply->status, STATUS (OK), "%s", reply->error ? reply->error->code : "");
    char sql [300];
    snprintf (sql, sizeof sql, "SELECT count (*) FROM intake.clients WHERE client_id = '%s'"
              " AND created_by_org = 'muni-743' AND created_at = '2017-05-02 10:00+03'", reply->client->client_id);
    cr_assert_eq (kpt_scalar (sql, NULL), 1);
    //  The audit log says whose record it is and who brought it in, when
    //  the import ran (not when the record happened).
    snprintf (sql, sizeof sql, "SELECT count (*) FROM kp.audit_log WHERE client_ref = '%s' AND actor_org = 'muni-743'"
              " AND detail LIKE '%%imported by importer' AND at > now () - interval '1 hour'", reply->client->client_id);
    cr_assert_eq (kpt_scalar (sql, NULL), 1);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}
