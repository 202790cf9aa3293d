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
    request's idempotency key is a hash of the record, so a record whose
    answer was lost gets its stored reply on the rerun, and a corrected one
    is sent afresh. A bad line is reported
    with its number and field and nothing of it is written (one record is
    one request: one transaction in the service). Summary at the end. */
#include "cli.h"
#include "kp_calendar.h"
#include "kp_client.h"
#include "kp_db.h"
#include "kp_import.h"
#include "kp_json_read.h"
#include "kp_row.h"

#include <cjson/cJSON.h>
#include <czmq.h>
#include <sodium.h>
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

//  One-column rows: the id a source id became; a position in the stream
//  (every s_scalar statement names its value last_seq).
static const kp_col_t s_kumppani_id_row [] = { { "kumppani_id", "text" }, { NULL } };
static const kp_col_t s_last_seq_row [] = { { "last_seq", "int8" }, { NULL } };

static const kp_stmt_t s_statements [] = {
    { "import_map_get",
      "SELECT kumppani_id FROM kp.import_map WHERE source_system = $1::text AND source_id = $2::text",
      s_kumppani_id_row },
    { "import_map_put",
      "INSERT INTO kp.import_map (source_system, source_id, kind, kumppani_id, as_org, original_time)"
      " VALUES ($1::text, $2::text, $3::text, $4::text, $5::text, to_timestamp ($6::int8 / 1e6))"
      " ON CONFLICT DO NOTHING" },
    { "import_head", "SELECT last_seq FROM kp.event_counter WHERE id = 1", s_last_seq_row },
    { "import_last_of",
      "SELECT coalesce (max (seq), 0) AS last_seq FROM kp.events"
      " WHERE seq > $1::int8 AND topic = ANY (string_to_array ($2::text, ' '))", s_last_seq_row },
    { "import_cursor",
      "SELECT coalesce ((SELECT last_seq FROM kp.consumer_cursors WHERE consumer = $1::text), -1) AS last_seq",
      s_last_seq_row },
    { NULL }
};

#define IMPORT_CONSUMER_WAIT_MS 30000

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
        snprintf (id, size, "%s", kp_row_text (result, 0, KP_ROW_ONLY));
    PQclear (result);
    return found;
}

//  A one-row statement's last_seq; -1 on error.
static int64_t
s_scalar (s_import_t *self, const char *statement, int nparams, const char *const *values)
{
    PGresult *result = kp_db_exec (self->db, statement, nparams, values);
    int64_t value = result && PQntuples (result) == 1 ? kp_row_int (result, 0, KP_ROW_ONLY) : -1;
    PQclear (result);
    return value;
}

//  Lets the consumers that act on this record's events (seq after head)
//  do so before the next record is sent. 0, or -1 when one did not within
//  the bound (its service is down, or has no stream consumer).
static int
s_let_consumers_act (s_import_t *self, size_t number, int64_t head)
{
    char head_text [24];
    snprintf (head_text, sizeof head_text, "%" PRId64, head);
    for (int index = 0; kp_import_consumers [index].consumer; index++) {
        const char *of [] = { head_text, kp_import_consumers [index].topics };
        int64_t last = s_scalar (self, "import_last_of", 2, of);
        const char *name [] = { kp_import_consumers [index].consumer };
        for (int waited = 0; last > 0 && s_scalar (self, "import_cursor", 1, name) < last; waited += 2) {
            if (waited >= IMPORT_CONSUMER_WAIT_MS) {
                fprintf (stderr, "kumppani import: line %zu: written, but %s has not acted on it within"
                         " %d s; stopped here (is its service running? a rerun goes on)\n", number,
                         kp_import_consumers [index].consumer, IMPORT_CONSUMER_WAIT_MS / 1000);
                return -1;
            }
            zclock_sleep (2);
        }
        if (last < 0)
            return -1;
    }
    return 0;
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
    const kp_import_op_t *kind;
    int role, service;
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
    record->kind = kp_import_op (record->op);
    if (!record->kind) {
        s_refuse (self, number, "op", "import.op", "not an operation a record may be (see README)");
        return -1;
    }
    if (!record->org || !*record->org) {
        s_refuse (self, number, "org", "import.org", "the organisation the record belongs to");
        return -1;
    }
    record->at = at ? kp_import_parse_time (at) : -1;
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
    record->service = kp_service_from_name (record->kind->service);
    record->field = protobuf_c_message_descriptor_get_field_by_name (&kumppani__v1__request__descriptor,
                                                                     record->op);
    assert (record->service >= 0 && record->field);
    return 0;
}

//  The request's idempotency key: the same record sent again (its answer
//  lost) gets its stored reply; a record corrected after a refusal is a
//  new request. A hash, since a source id may be longer than a key.
static void
s_key (const s_record_t *record, const char *body_text, char key [64])
{
    char at [24];
    snprintf (at, sizeof at, "%" PRId64, record->at);
    const char *parts [] = { record->source, record->id, record->op, record->org, at, record->person, body_text };
    crypto_generichash_state state;
    crypto_generichash_init (&state, NULL, 0, 16);
    for (size_t index = 0; index < sizeof parts / sizeof parts [0]; index++)
        crypto_generichash_update (&state, (const unsigned char *) parts [index], strlen (parts [index]) + 1);
    char role [8];
    snprintf (role, sizeof role, "%d", record->role);
    crypto_generichash_update (&state, (const unsigned char *) role, strlen (role));
    unsigned char hash [16];
    crypto_generichash_final (&state, hash, sizeof hash);
    //  Written as one of kumppani's own ids (26 Crockford characters, the
    //  128 bits behind two zero bits): a hex text could take the shape of a
    //  henkilötunnus, which an identifier field refuses (kp_identifier).
    static const char crockford [] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    memcpy (key, "import-", 7);
    for (int position = 0; position < 26; position++) {
        int value = 0;
        for (int bit = 0; bit < 5; bit++) {
            int at = position * 5 + bit - 2;
            value = value << 1 | (at < 0 ? 0 : (hash [at / 8] >> (7 - at % 8)) & 1);
        }
        key [7 + position] = crockford [value];
    }
    key [7 + 26] = 0;
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
        if (kp_import_set_path (body, ref->string, id)) {
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
    kp_json_error_t error = { "import.body", "" };
    body = body_text ? kp_json_read (record.field->descriptor, body_text, &error) : NULL;
    if (!body) {
        char field [160];
        snprintf (field, sizeof field, "body%s%s", *error.field ? "." : "", error.field);
        s_refuse (self, number, field, error.code, "does not fit the operation's body");
        goto cleanup;
    }
    char key [64];
    s_key (&record, body_text, key);
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
    int64_t head = s_scalar (self, "import_head", 0, NULL);
    if (head < 0) {
        s_refuse (self, number, "", "import.database", kp_db_message (self->db));
        rc = -1;
        goto cleanup;
    }
    kp_client_t *client = s_client (self, record.service);
    reply = client ? kp_client_call (client, &request, self->config->request_timeout_ms, 2) : NULL;
    if (!reply) {
        fprintf (stderr, "kumppani import: line %zu: no answer from %s; stopped here (a rerun goes on)\n",
                 number, record.kind->service);
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
    const char *assigned = kp_import_message_path (&reply->base, record.kind->id_path);
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
    if (s_let_consumers_act (self, number, head))
        rc = -1;
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
