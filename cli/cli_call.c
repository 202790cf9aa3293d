/*  kumppani call / kumppani referral — any operation of any service, with
    its body as JSON (the proto's field names; enums by value name). The
    reply is printed as one JSON object; an error reply prints its status,
    machine code and field on stderr and sets the exit status:
    0 OK, 1 refused (INVALID, NOT_FOUND, CONFLICT, FORBIDDEN, UNAUTHENTICATED),
    2 usage, 3 no answer or the service failed (UNAVAILABLE, INTERNAL). */
#include "cli.h"
#include "kp_client.h"
#include "kp_ids.h"
#include "kp_json.h"
#include "kp_json_read.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *
s_read_file (const char *path)
{
    FILE *file = strcmp (path, "-") == 0 ? stdin : fopen (path, "rb");
    if (!file)
        return NULL;
    size_t size = 0, room = 4096;
    char *text = malloc (room);
    size_t got;
    while (text && (got = fread (text + size, 1, room - size - 1, file)) > 0) {
        size += got;
        if (size + 1 == room) {
            char *grown = realloc (text, room *= 2);
            if (!grown)
                free (text);
            text = grown;
        }
    }
    if (text)
        text [size] = 0;
    if (file != stdin)
        fclose (file);
    return text;
}

//  ROLE_SOCIAL_WORKER or social_worker; 0 if unknown.
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

static int
s_exit_status (Kumppani__V1__Status status)
{
    if (status == KUMPPANI__V1__STATUS__STATUS_OK)
        return 0;
    if (status == KUMPPANI__V1__STATUS__STATUS_UNAVAILABLE || status == KUMPPANI__V1__STATUS__STATUS_INTERNAL)
        return 3;
    return 1;
}

//  Sends operation with body_json to service and prints the reply.
static int
s_call (const kp_config_t *config, const char *service_name, const char *operation,
        const char *body_json, int argc, char **argv)
{
    int service = kp_service_from_name (service_name);
    const ProtobufCFieldDescriptor *field = protobuf_c_message_descriptor_get_field_by_name (
        &kumppani__v1__request__descriptor, operation);
    if (service < 0 || !field || field->type != PROTOBUF_C_TYPE_MESSAGE
    ||  !(field->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)) {
        fprintf (stderr, "kumppani: unknown %s '%s'\n", service < 0 ? "service" : "operation",
                 service < 0 ? service_name : operation);
        return 2;
    }
    kp_json_error_t error;
    ProtobufCMessage *body = kp_json_read (field->descriptor, body_json ? body_json : "{}", &error);
    if (!body) {
        fprintf (stderr, "kumppani: the body is not a valid %s: %s at '%s'\n",
                 ((const ProtobufCMessageDescriptor *) field->descriptor)->name, error.code, error.field);
        return 2;
    }
    const char *role_name = cli_option (argc, argv, "--role");
    if (!role_name)
        role_name = getenv ("KUMPPANI_ROLE") ? getenv ("KUMPPANI_ROLE") : "operator";
    int role = s_role (role_name);
    const char *person = cli_option (argc, argv, "--person");
    if (!person)
        person = getenv ("KUMPPANI_PERSON_ID") ? getenv ("KUMPPANI_PERSON_ID") : "cli";
    if (!role) {
        fprintf (stderr, "kumppani: unknown role '%s'\n", role_name);
        protobuf_c_message_free_unpacked (body, NULL);
        return 2;
    }
    //  A fresh key unless the caller retries with one: mutating operations
    //  need it, the others ignore it.
    char key [KP_ID_LEN + 1];
    kp_id_new (key);
    const char *given_key = cli_option (argc, argv, "--key");
    Kumppani__V1__Actor actor = KUMPPANI__V1__ACTOR__INIT;
    actor.person_id = (char *) person;
    actor.role = (Kumppani__V1__Role) role;
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    request.idempotency_key = (char *) (given_key ? given_key : key);
    request.actor = &actor;
    request.body_case = (Kumppani__V1__Request__BodyCase) field->id;
    *(ProtobufCMessage **) ((char *) &request + field->offset) = body;

    char *server_cert = kp_config_service_cert_path (config, (kp_service_t) service);
    kp_client_t *client = config->client_cert
        ? kp_client_new (config->endpoints [service], server_cert, config->client_cert) : NULL;
    free (server_cert);
    int rc = 3;
    if (!client)
        fprintf (stderr, "kumppani: cannot load certificates (KUMPPANI_CLIENT_CERT, KUMPPANI_SERVICE_CERTS_DIR)\n");
    else {
        //  Lazy Pirate with the same key: a retry is answered from the store.
        Kumppani__V1__Reply *reply = kp_client_call (client, &request, config->request_timeout_ms, 2);
        if (!reply)
            fprintf (stderr, "kumppani: no answer from %s at %s\n", service_name, config->endpoints [service]);
        else {
            if (reply->status != KUMPPANI__V1__STATUS__STATUS_OK) {
                const ProtobufCEnumValue *status = protobuf_c_enum_descriptor_get_value (
                    &kumppani__v1__status__descriptor, (int) reply->status);
                fprintf (stderr, "kumppani: %s %s%s%s: %s\n", status ? status->name : "STATUS_?",
                         reply->error ? reply->error->code : "",
                         reply->error && *reply->error->field ? " at " : "",
                         reply->error ? reply->error->field : "", reply->error ? reply->error->message : "");
            }
            kp_json_write_message (stdout, &reply->base);
            fputc ('\n', stdout);
            rc = s_exit_status (reply->status);
            kumppani__v1__reply__free_unpacked (reply, NULL);
        }
        kp_client_destroy (&client);
    }
    protobuf_c_message_free_unpacked (body, NULL);
    return rc;
}

//  The body from --json FILE (or - for stdin) or --body TEXT; NULL means {}.
static int
s_body (int argc, char **argv, char **text)
{
    const char *path = cli_option (argc, argv, "--json");
    const char *inline_body = cli_option (argc, argv, "--body");
    *text = path ? s_read_file (path) : inline_body ? strdup (inline_body) : NULL;
    if (path && !*text) {
        fprintf (stderr, "kumppani: cannot read %s\n", path);
        return -1;
    }
    return 0;
}

int
cli_call (int argc, char **argv, const kp_config_t *config)
{
    if (argc < 3 || cli_flag (argc, argv, "--help")) {
        printf ("usage: kumppani call SERVICE OPERATION [--json FILE|-] [--body JSON]\n"
                "                     [--person ID] [--role ROLE] [--key IDEMPOTENCY_KEY]\n"
                "Sends any operation (the Request body field, e.g. submit_referral) with its body as\n"
                "JSON (proto field names, enums by value name) and prints the reply as JSON.\n"
                "Exit: 0 OK, 1 refused (status and code on stderr), 2 usage, 3 no answer/failed.\n");
        return argc < 3 ? 2 : 0;
    }
    char *text;
    if (s_body (argc, argv, &text))
        return 2;
    int rc = s_call (config, argv [1], argv [2], text, argc, argv);
    free (text);
    return rc;
}

//  kumppani referral VERB …: the common referral operations by name.
int
cli_referral (int argc, char **argv, const kp_config_t *config)
{
    const char *verb = argc > 1 ? argv [1] : "";
    if (argc < 2 || cli_flag (argc, argv, "--help")) {
        printf ("usage: kumppani referral submit --json FILE|-      a SubmitReferral body\n"
                "       kumppani referral get REFERRAL_ID\n"
                "       kumppani referral list [--state S] [--municipality CODE] [--deadline D]\n"
                "                              [--page-size N] [--cursor C]\n"
                "       kumppani referral ack REFERRAL_ID [--note TEXT]\n"
                "       kumppani referral status REFERRAL_ID STATE [--reason CODE] [--note TEXT]\n"
                "States by name: REFERRAL_STATE_CLIENT_CONTACTED, …; --person/--role as in `call`.\n");
        return argc < 2 ? 2 : 0;
    }
    const char *operation = NULL;
    cJSON *body = cJSON_CreateObject ();
    const char *id = argc > 2 && argv [2][0] != '-' ? argv [2] : NULL;
    if (strcmp (verb, "submit") == 0)
        operation = "submit_referral";
    else
    if (strcmp (verb, "get") == 0 && id) {
        operation = "get_referral";
        cJSON_AddStringToObject (body, "referral_id", id);
    }
    else
    if (strcmp (verb, "ack") == 0 && id) {
        operation = "acknowledge_referral";
        cJSON_AddStringToObject (body, "referral_id", id);
    }
    else
    if (strcmp (verb, "status") == 0 && id && argc > 3) {
        operation = "update_referral_status";
        cJSON_AddStringToObject (body, "referral_id", id);
        cJSON_AddStringToObject (body, "status", argv [3]);
        if (cli_option (argc, argv, "--reason"))
            cJSON_AddStringToObject (body, "reason_code", cli_option (argc, argv, "--reason"));
    }
    else
    if (strcmp (verb, "list") == 0) {
        operation = "list_referrals";
        const char *state = cli_option (argc, argv, "--state");
        const char *municipality = cli_option (argc, argv, "--municipality");
        const char *deadline = cli_option (argc, argv, "--deadline");
        const char *page = cli_option (argc, argv, "--page-size");
        const char *cursor = cli_option (argc, argv, "--cursor");
        if (state)
            cJSON_AddStringToObject (body, "state", state);
        if (municipality)
            cJSON_AddStringToObject (body, "municipality", municipality);
        if (deadline)
            cJSON_AddStringToObject (body, "deadline_state", deadline);
        if (page)
            cJSON_AddNumberToObject (body, "page_size", atoi (page));
        if (cursor)
            cJSON_AddStringToObject (body, "cursor", cursor);
    }
    if (operation && cli_option (argc, argv, "--note") && strcmp (verb, "get") && strcmp (verb, "list"))
        cJSON_AddStringToObject (body, "note", cli_option (argc, argv, "--note"));
    if (!operation) {
        cJSON_Delete (body);
        fprintf (stderr, "kumppani referral: unknown or incomplete command (see --help)\n");
        return 2;
    }
    char *text = NULL;
    if (strcmp (verb, "submit") == 0) {
        if (s_body (argc, argv, &text) || !text) {
            cJSON_Delete (body);
            fprintf (stderr, "kumppani referral submit: give the body with --json FILE (or - for stdin)\n");
            return 2;
        }
    }
    else
        text = cJSON_PrintUnformatted (body);
    cJSON_Delete (body);
    int rc = s_call (config, "referral", operation, text, argc, argv);
    free (text);
    return rc;
}
