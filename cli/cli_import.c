/*  kumppani import — brings a county's history in from its old client
    system: JSON lines, one record a line, each record one operation of a
    service (register_client, open_case, start_assessment, submit_referral,
    schedule_sessions, record_attendance, …) with its original time and
    the organisation it belongs to. Each record is sent to the service
    that owns it, as an ordinary request with an import context; the
    importer certificate is the only one the services take that from
    (kp_server), so the import writes exactly what the live path writes,
    rows, snapshots and events, dated when it happened.

    Idempotent by the source system's own ids: kp.import_map holds
    (source, id) → kumppani id, and a mapped record is not sent again; the
    request's idempotency key is import:SOURCE:ID, so a record whose answer
    was lost gets its stored reply on the rerun. A bad line is reported
    with its number and field and nothing of it is written (one record is
    one request: one transaction in the service). Summary at the end. */
#include "cli.h"
#include "kp_calendar.h"
#include "kp_client.h"
#include "kp_db.h"
#include "kp_json_read.h"

#include <cjson/cJSON.h>
#include <assert.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define IMPORT_MAX_LINE (1024 * 1024)
#define IMPORT_PROGRESS_EVERY 50

//  The operations a record may be, the service that owns each, and where
//  the reply names the id the record becomes (a phase: its case's id).
static const struct {
    const char *op, *service, *id_path;
} s_ops [] = {
    { "register_client",         "intake",   "client.client_id" },
    { "update_client",           "intake",   "client.client_id" },
    { "record_consent",          "intake",   "consent.consent.consent_id" },
    { "withdraw_consent",        "intake",   "consent.consent.consent_id" },
    { "record_disclosure_ban",   "intake",   "consent.ban_id" },
    { "open_case",               "intake",   "intake_case.case_id" },
    { "start_assessment",        "intake",   "intake_case.case_id" },
    { "complete_assessment",     "intake",   "intake_case.case_id" },
    { "make_plan",               "intake",   "intake_case.case_id" },
    { "review_plan",             "intake",   "intake_case.case_id" },
    { "close_case",              "intake",   "intake_case.case_id" },
    { "add_ecomap_entry",        "intake",   "intake_case.created_id" },
    { "add_measure",             "intake",   "intake_case.created_id" },
    { "record_measurement",      "intake",   "measurement.measurement_id" },
    { "create_activity",         "groups",   "activity.activity.activity_id" },
    { "update_activity",         "groups",   "activity.activity.activity_id" },
    { "schedule_sessions",       "groups",   "session_list.sessions.0.session_id" },
    { "enrol",                   "groups",   "enrolment.client_id" },
    { "withdraw_enrolment",      "groups",   "enrolment.client_id" },
    { "record_attendance",       "groups",   "attendance.session_id" },
    { "record_headcount",        "groups",   "attendance.session_id" },
    { "record_staffing",         "groups",   "attendance.session_id" },
    { "submit_referral",         "referral", "referral.referral.referral_id" },
    { "acknowledge_referral",    "referral", "referral.referral.referral_id" },
    { "assign_referral",         "referral", "referral.referral.referral_id" },
    { "update_referral_status",  "referral", "referral.referral.referral_id" },
    { "decline_referral",        "referral", "referral.referral.referral_id" },
    { "accept_referral",         "referral", "referral.referral.referral_id" },
    { "record_referral_outcome", "referral", "referral.referral.referral_id" },
    { "give_statement",          "referral", "referral.referral.referral_id" },
    { NULL }
};

static const kp_stmt_t s_statements [] = {
    { "import_map_get",
      "SELECT kumppani_id FROM kp.import_map WHERE source_system = $1::text AND source_id = $2::text" },
    { "import_map_put",
      "INSERT INTO kp.import_map (source_system, source_id, kind, kumppani_id, as_org, original_time)"
      " VALUES ($1::text, $2::text, $3::text, $4::text, $5::text, to_timestamp ($6::int8 / 1e6))"
      " ON CONFLICT DO NOTHING" },
    { NULL }
};

typedef struct {
    const kp_config_t *config;
    kp_db_t *db;
    kp_client_t *clients [KP_SERVICE_COUNT];
    size_t lines, written, unchanged, refused, blank;
    bool progress;                  //  a progress line on the terminal
} s_import_t;

//  One line's refusal: what and where, for the operator.
static void
s_refuse (s_import_t *self, size_t line, const char *field, const char *code, const char *message)
{
    fprintf (stderr, "%skumppani import: line %zu: %s%s%s: %s\n", self->progress ? "\r\033[K" : "", line, code,
             *field ? " at " : "", field, message);
    self->refused++;
}

//  "YYYY-MM-DD" (noon in Helsinki) or "YYYY-MM-DDTHH:MM[:SS](Z|±HH:MM)"
//  as microseconds since the epoch; -1 if it is neither.
static int64_t
s_parse_time (const char *text)
{
    kp_date_t date;
    char day [11];
    if (strlen (text) < 10)
        return -1;
    memcpy (day, text, 10);
    day [10] = 0;
    if (kp_date_parse (day, &date))
        return -1;
    if (text [10] == 0)
        return ((int64_t) date * 86400 + 10 * 3600) * 1000000;
    int hour, minute, second = 0, consumed = 0;
    const char *rest = text + 10;
    if (sscanf (rest, "T%2d:%2d%n", &hour, &minute, &consumed) != 2 || hour > 23 || minute > 59)
        return -1;
    rest += consumed;
    if (*rest == ':') {
        if (!isdigit ((unsigned char) rest [1]) || !isdigit ((unsigned char) rest [2]))
            return -1;
        second = (rest [1] - '0') * 10 + rest [2] - '0';
        rest += 3;
        if (second > 60)
            return -1;
    }
    int offset = 0;
    if (*rest == 'Z')
        rest++;
    else
    if (*rest == '+' || *rest == '-') {
        int off_hour, off_minute;
        if (sscanf (rest + 1, "%2d:%2d%n", &off_hour, &off_minute, &consumed) != 2 || consumed != 5
        ||  off_hour > 14 || off_minute > 59)
            return -1;
        offset = (*rest == '-' ? -1 : 1) * (off_hour * 3600 + off_minute * 60);
        rest += 1 + consumed;
    }
    else
        return -1;
    if (*rest)
        return -1;
    return ((int64_t) date * 86400 + hour * 3600 + minute * 60 + second - offset) * 1000000;
}

//  A string member of the line, "" when absent; NULL when present and not a string.
static const char *
s_text (const cJSON *line, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive (line, name);
    if (!item)
        return "";
    return cJSON_IsString (item) ? item->valuestring : NULL;
}

static bool
s_valid_source (const char *source)
{
    size_t length = strlen (source);
    if (length < 1 || length > 32)
        return false;
    for (size_t index = 0; index < length; index++)
        if (!islower ((unsigned char) source [index]) && !isdigit ((unsigned char) source [index])
        &&  source [index] != '_' && source [index] != '-')
            return false;
    return true;
}

//  The kumppani id a source id was imported as: 1 found (id filled), 0 not, -1 error.
static int
s_mapped (s_import_t *self, const char *source, const char *source_id, char *id, size_t size)
{
    const char *values [] = { source, source_id };
    PGresult *result = kp_db_exec (self->db, "import_map_get", 2, values);
    if (!result)
        return -1;
    int found = PQntuples (result) == 1;
    if (found)
        snprintf (id, size, "%s", PQgetvalue (result, 0, 0));
    PQclear (result);
    return found;
}

//  Sets the string at a dotted path of body ("entries.0.client_id"),
//  making the objects on the way. -1 if the path runs into a value.
static int
s_set_path (cJSON *body, const char *path, const char *value)
{
    char copy [256];
    snprintf (copy, sizeof copy, "%s", path);
    cJSON *node = body;
    char *save = NULL;
    char *part = strtok_r (copy, ".", &save);
    while (part) {
        char *next = strtok_r (NULL, ".", &save);
        if (cJSON_IsArray (node)) {
            char *end;
            long index = strtol (part, &end, 10);
            cJSON *element = *end || index < 0 ? NULL : cJSON_GetArrayItem (node, (int) index);
            if (!element || (!next && !cJSON_IsString (element)))
                return -1;
            if (!next)
                return cJSON_SetValuestring (element, value) ? 0 : -1;
            node = element;
        }
        else
        if (cJSON_IsObject (node)) {
            cJSON *child = cJSON_GetObjectItemCaseSensitive (node, part);
            if (!next) {
                cJSON *text = cJSON_CreateString (value);
                if (!text)
                    return -1;
                if (child)
                    cJSON_ReplaceItemInObjectCaseSensitive (node, part, text);
                else
                    cJSON_AddItemToObject (node, part, text);
                return 0;
            }
            if (!child) {
                child = cJSON_AddObjectToObject (node, part);
                if (!child)
                    return -1;
            }
            node = child;
        }
        else
            return -1;
        part = next;
    }
    return -1;
}

//  The string at a dotted path of a message ("referral.referral_id",
//  "sessions.0.session_id"); NULL if there is none.
static const char *
s_message_path (const ProtobufCMessage *message, const char *path)
{
    char copy [128];
    snprintf (copy, sizeof copy, "%s", path);
    char *save = NULL;
    for (char *part = strtok_r (copy, ".", &save); part && message; part = strtok_r (NULL, ".", &save)) {
        const ProtobufCFieldDescriptor *field =
            protobuf_c_message_descriptor_get_field_by_name (message->descriptor, part);
        if (!field)
            return NULL;
        const char *member = (const char *) message + field->offset;
        if ((field->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
        &&  *(const uint32_t *) ((const char *) message + field->quantifier_offset) != field->id)
            return NULL;
        if (field->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t count = *(const size_t *) ((const char *) message + field->quantifier_offset);
            char *index_text = strtok_r (NULL, ".", &save);
            char *end = NULL;
            unsigned long index = index_text ? strtoul (index_text, &end, 10) : 0;
            if (!index_text || *end || index >= count || field->type != PROTOBUF_C_TYPE_MESSAGE)
                return NULL;
            message = (*(ProtobufCMessage *const *const *) member) [index];
        }
        else
        if (field->type == PROTOBUF_C_TYPE_MESSAGE)
            message = *(ProtobufCMessage *const *) member;
        else
        if (field->type == PROTOBUF_C_TYPE_STRING) {
            const char *text = *(const char *const *) member;
            return strtok_r (NULL, ".", &save) || !text || !*text ? NULL : text;
        }
        else
            return NULL;
    }
    return NULL;
}

//  Where the service said the fault is, in the line's own terms: the
//  body's fields under body., the import context as org and at.
static void
s_line_field (const char *op, const char *field, char *out, size_t size)
{
    size_t length = strlen (op);
    if (strncmp (field, op, length) == 0 && (field [length] == '.' || field [length] == 0))
        snprintf (out, size, "body%s", field + length);
    else
    if (strcmp (field, "import_context.as_org") == 0)
        snprintf (out, size, "org");
    else
    if (strcmp (field, "import_context.original_time") == 0)
        snprintf (out, size, "at");
    else
    if (strcmp (field, "actor.person_id") == 0 || strcmp (field, "actor.role") == 0)
        snprintf (out, size, "%s", field + 6);
    else
        snprintf (out, size, "%s", field);
}

static kp_client_t *
s_client (s_import_t *self, int service)
{
    if (!self->clients [service] && self->config->client_cert) {
        char *server_cert = kp_config_service_cert_path (self->config, (kp_service_t) service);
        self->clients [service] = kp_client_new (self->config->endpoints [service], server_cert,
                                                 self->config->client_cert);
        free (server_cert);
    }
    return self->clients [service];
}

//  Role by its value name, with or without ROLE_; 0 if unknown.
static int
s_role (const char *name)
{
    char full [64];
    snprintf (full, sizeof full, "%s%s", strncasecmp (name, "ROLE_", 5) == 0 ? "" : "ROLE_", name);
    for (unsigned index = 0; index < kumppani__v1__role__descriptor.n_values; index++)
        if (strcasecmp (kumppani__v1__role__descriptor.values [index].name, full) == 0)
            return kumppani__v1__role__descriptor.values [index].value;
    return 0;
}

//  Everything a line says, checked: 0, or -1 with the line refused.
typedef struct {
    const char *source, *id, *op, *org, *person;
    int role, op_index, service;
    int64_t at;
    const ProtobufCFieldDescriptor *field;
} s_record_t;

static int
s_read_record (s_import_t *self, size_t number, const cJSON *line, s_record_t *record)
{
    memset (record, 0, sizeof *record);
    record->source = s_text (line, "source");
    record->id = s_text (line, "id");
    record->op = s_text (line, "op");
    record->org = s_text (line, "org");
    record->person = s_text (line, "person");
    const char *at = s_text (line, "at"), *role = s_text (line, "role");
    if (!record->source || !s_valid_source (record->source)) {
        s_refuse (self, number, "source", "import.source", "the source system: 1-32 of a-z 0-9 _ -");
        return -1;
    }
    if (!record->id || !*record->id || strlen (record->id) > 128) {
        s_refuse (self, number, "id", "import.id", "the record's id in the source system: 1-128 characters");
        return -1;
    }
    record->op_index = -1;
    for (int index = 0; record->op && s_ops [index].op; index++)
        if (strcmp (s_ops [index].op, record->op) == 0)
            record->op_index = index;
    if (record->op_index < 0) {
        s_refuse (self, number, "op", "import.op", "not an operation a record may be (see README)");
        return -1;
    }
    if (!record->org || !*record->org) {
        s_refuse (self, number, "org", "import.org", "the organisation the record belongs to");
        return -1;
    }
    record->at = at ? s_parse_time (at) : -1;
    if (record->at <= 0) {
        s_refuse (self, number, "at", "import.at", "when it happened: YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]+HH:MM");
        return -1;
    }
    if (!record->person || !*record->person) {
        s_refuse (self, number, "person", "import.person", "the worker who did it (the organisation's own id)");
        return -1;
    }
    record->role = role ? s_role (role) : 0;
    if (!record->role) {
        s_refuse (self, number, "role", "import.role", "the worker's role, e.g. social_worker");
        return -1;
    }
    const cJSON *body = cJSON_GetObjectItemCaseSensitive (line, "body");
    const cJSON *refs = cJSON_GetObjectItemCaseSensitive (line, "refs");
    if (body && !cJSON_IsObject (body)) {
        s_refuse (self, number, "body", "import.body", "the operation's body, a JSON object");
        return -1;
    }
    if (refs && !cJSON_IsObject (refs)) {
        s_refuse (self, number, "refs", "import.refs", "an object: body path → source id");
        return -1;
    }
    record->service = kp_service_from_name (s_ops [record->op_index].service);
    record->field = protobuf_c_message_descriptor_get_field_by_name (&kumppani__v1__request__descriptor,
                                                                     record->op);
    assert (record->service >= 0 && record->field);
    return 0;
}

//  Replaces each refs entry's source id by the kumppani id it became. 0,
//  or -1 with the line refused.
static int
s_resolve (s_import_t *self, size_t number, const s_record_t *record, const cJSON *refs, cJSON *body)
{
    const cJSON *ref;
    cJSON_ArrayForEach (ref, refs) {
        char field [300], id [64];
        snprintf (field, sizeof field, "refs.%s", ref->string);
        if (!cJSON_IsString (ref)) {
            s_refuse (self, number, field, "import.refs", "a source id (text)");
            return -1;
        }
        int found = s_mapped (self, record->source, ref->valuestring, id, sizeof id);
        if (found == -1) {
            s_refuse (self, number, field, "import.database", kp_db_message (self->db));
            return -1;
        }
        if (found == 0) {
            s_refuse (self, number, field, "import.unknown_ref", "no record of that id was imported before this line");
            return -1;
        }
        if (s_set_path (body, ref->string, id)) {
            s_refuse (self, number, field, "import.refs", "the path does not lead to a text field of the body");
            return -1;
        }
    }
    return 0;
}

//  One line: 0 done (written, unchanged or refused), -1 stop (no answer).
static int
s_line (s_import_t *self, size_t number, const char *text)
{
    cJSON *line = cJSON_Parse (text);
    if (!line || !cJSON_IsObject (line)) {
        cJSON_Delete (line);
        s_refuse (self, number, "", "import.json", "not a JSON object");
        return 0;
    }
    s_record_t record;
    int rc = 0;
    char *body_text = NULL;
    ProtobufCMessage *body = NULL;
    Kumppani__V1__Reply *reply = NULL;
    if (s_read_record (self, number, line, &record))
        goto cleanup;
    char id [64];
    int found = s_mapped (self, record.source, record.id, id, sizeof id);
    if (found) {
        if (found == 1)
            self->unchanged++;
        else
            s_refuse (self, number, "", "import.database", kp_db_message (self->db));
        goto cleanup;
    }
    cJSON *body_json = cJSON_GetObjectItemCaseSensitive (line, "body");
    if (!body_json)
        body_json = cJSON_AddObjectToObject (line, "body");
    if (!body_json
    ||  s_resolve (self, number, &record, cJSON_GetObjectItemCaseSensitive (line, "refs"), body_json))
        goto cleanup;
    body_text = cJSON_PrintUnformatted (body_json);
    kp_json_error_t error;
    body = body_text ? kp_json_read (record.field->descriptor, body_text, &error) : NULL;
    if (!body) {
        char field [160];
        snprintf (field, sizeof field, "body%s%s", *error.field ? "." : "", error.field);
        s_refuse (self, number, field, body_text ? error.code : "import.body", "does not fit the operation's body");
        goto cleanup;
    }
    char key [200];
    snprintf (key, sizeof key, "import:%s:%s", record.source, record.id);
    Kumppani__V1__ImportContext context = KUMPPANI__V1__IMPORT_CONTEXT__INIT;
    context.as_org = (char *) record.org;
    context.original_time = record.at;
    Kumppani__V1__Actor actor = KUMPPANI__V1__ACTOR__INIT;
    actor.person_id = (char *) record.person;
    actor.role = (Kumppani__V1__Role) record.role;
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    request.idempotency_key = key;
    request.actor = &actor;
    request.import_context = &context;
    request.body_case = (Kumppani__V1__Request__BodyCase) record.field->id;
    *(ProtobufCMessage **) ((char *) &request + record.field->offset) = body;
    kp_client_t *client = s_client (self, record.service);
    reply = client ? kp_client_call (client, &request, self->config->request_timeout_ms, 2) : NULL;
    if (!reply) {
        fprintf (stderr, "kumppani import: line %zu: no answer from %s; stopped here (a rerun goes on)\n",
                 number, s_ops [record.op_index].service);
        rc = -1;
        goto cleanup;
    }
    if (reply->status != KUMPPANI__V1__STATUS__STATUS_OK) {
        char field [160];
        const ProtobufCEnumValue *status = protobuf_c_enum_descriptor_get_value (
            &kumppani__v1__status__descriptor, (int) reply->status);
        char code [160];
        snprintf (code, sizeof code, "%s %s", status ? status->name + 7 : "?", reply->error ? reply->error->code : "");
        s_line_field (record.op, reply->error ? reply->error->field : "", field, sizeof field);
        s_refuse (self, number, field, code, reply->error ? reply->error->message : "");
        if (reply->status == KUMPPANI__V1__STATUS__STATUS_UNAVAILABLE
        ||  reply->status == KUMPPANI__V1__STATUS__STATUS_INTERNAL)
            rc = -1;                //  not the record's fault: stop, a rerun goes on
        goto cleanup;
    }
    const char *assigned = s_message_path (&reply->base, s_ops [record.op_index].id_path);
    char at [24];
    snprintf (at, sizeof at, "%" PRId64, record.at);
    const char *values [] = { record.source, record.id, record.op, assigned ? assigned : "", record.org, at };
    PGresult *result = kp_db_exec (self->db, "import_map_put", 6, values);
    if (!result) {
        fprintf (stderr, "kumppani import: line %zu: written, but not mapped (%s); stopped here\n",
                 number, kp_db_message (self->db));
        rc = -1;
        goto cleanup;
    }
    PQclear (result);
    self->written++;
cleanup:
    if (reply)
        kumppani__v1__reply__free_unpacked (reply, NULL);
    if (body)
        protobuf_c_message_free_unpacked (body, NULL);
    free (body_text);
    cJSON_Delete (line);
    return rc;
}

static int
s_run (s_import_t *self, FILE *file)
{
    bool progress = self->progress;
    char *text = malloc (IMPORT_MAX_LINE + 2);
    if (!text)
        return 3;
    int rc = 0;
    size_t number = 0;
    while (fgets (text, IMPORT_MAX_LINE + 2, file)) {
        number++;
        size_t length = strlen (text);
        if (length > IMPORT_MAX_LINE) {
            s_refuse (self, number, "", "import.line_too_long", "a line may hold at most 1 MiB");
            int c;
            while ((c = fgetc (file)) != EOF && c != '\n')
                ;
            continue;
        }
        while (length && (text [length - 1] == '\n' || text [length - 1] == '\r'))
            text [--length] = 0;
        const char *start = text;
        while (isspace ((unsigned char) *start))
            start++;
        if (!*start || *start == '#') {
            self->blank++;
            continue;
        }
        self->lines++;
        if (s_line (self, number, start)) {
            rc = 3;
            break;
        }
        if (progress && number % IMPORT_PROGRESS_EVERY == 0)
            fprintf (stderr, "\rline %zu: %zu written, %zu already imported, %zu refused",
                     number, self->written, self->unchanged, self->refused);
    }
    if (progress)
        fprintf (stderr, "\r\033[K");
    free (text);
    return rc;
}

int
cli_import (int argc, char **argv, const kp_config_t *config)
{
    if (cli_flag (argc, argv, "--help") || argc < 2) {
        printf ("usage: kumppani import FILE   (- reads standard input)\n"
                "Brings history in from JSON lines, one record a line (see README.md, Importing\n"
                "history), sent with the importer certificate in KUMPPANI_CLIENT_CERT; the\n"
                "mapping of source ids is kept in the database (KUMPPANI_DB_ADMIN_CONNINFO).\n"
                "A rerun sends only what is not yet imported. Exit 0 all in, 1 lines refused,\n"
                "3 stopped (no answer, database).\n");
        return argc < 2 ? 2 : 0;
    }
    const char *conninfo = getenv ("KUMPPANI_DB_ADMIN_CONNINFO");
    if (!conninfo || !*conninfo) {
        fprintf (stderr, "kumppani import: set KUMPPANI_DB_ADMIN_CONNINFO\n");
        return 2;
    }
    if (!config->client_cert) {
        fprintf (stderr, "kumppani import: set KUMPPANI_CLIENT_CERT to the importer certificate\n");
        return 2;
    }
    FILE *file = strcmp (argv [1], "-") == 0 ? stdin : fopen (argv [1], "r");
    if (!file) {
        fprintf (stderr, "kumppani import: cannot read %s\n", argv [1]);
        return 2;
    }
    s_import_t self = { .config = config, .db = kp_db_new (conninfo, 2000) };
    int rc = 3;
    if (!self.db || kp_db_register (self.db, s_statements))
        fprintf (stderr, "kumppani import: no database: %s\n", self.db ? kp_db_message (self.db) : "");
    else {
        self.progress = isatty (STDERR_FILENO);
        rc = s_run (&self, file);
        printf ("import: %zu records: %zu written, %zu already imported, %zu refused\n",
                self.lines, self.written, self.unchanged, self.refused);
        if (rc == 0 && self.refused)
            rc = 1;
    }
    for (int service = 0; service < KP_SERVICE_COUNT; service++)
        kp_client_destroy (&self.clients [service]);
    kp_db_destroy (&self.db);
    if (file != stdin)
        fclose (file);
    return rc;
}
