/*  cli_send — one request to one service, as every subcommand sends it: the
    body from JSON through the proto descriptors, the actor from --person /
    --role (or KUMPPANI_PERSON_ID / KUMPPANI_ROLE), a fresh idempotency key
    unless --key repeats one, Lazy Pirate retries with that same key. An
    error reply is printed as status, machine code and field on stderr. */
#include "cli.h"
#include "kp_client.h"
#include "kp_codec.h"
#include "kp_ids.h"
#include "kp_json.h"
#include "kp_json_read.h"
#include "kp_role.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

//  ROLE_SOCIAL_WORKER or social_worker; 0 if unknown.
//  The first role kp_role allows the certificate's organisation type;
//  operator when the certificate cannot be read (the call fails anyway).
static int
s_default_role (const char *cert_path)
{
    zcert_t *cert = cert_path ? zcert_load (cert_path) : NULL;
    const char *type = cert ? zcert_meta (cert, "org_type") : NULL;
    int role = type ? (int) kp_role_default (type) : 0;
    zcert_destroy (&cert);
    return role ? role : KUMPPANI__V1__ROLE__ROLE_OPERATOR;
}

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

int
cli_exit_status (Kumppani__V1__Status status)
{
    if (status == KUMPPANI__V1__STATUS__STATUS_OK)
        return 0;
    if (status == KUMPPANI__V1__STATUS__STATUS_UNAVAILABLE || status == KUMPPANI__V1__STATUS__STATUS_INTERNAL)
        return 3;
    return 1;
}

static void
s_print_error (const Kumppani__V1__Reply *reply)
{
    const ProtobufCEnumValue *status = protobuf_c_enum_descriptor_get_value (
        &kumppani__v1__status__descriptor, (int) reply->status);
    fprintf (stderr, "kumppani: %s %s%s%s: %s\n", status ? status->name : "STATUS_?",
             reply->error ? reply->error->code : "",
             reply->error && *reply->error->field ? " at " : "",
             reply->error ? reply->error->field : "", reply->error ? reply->error->message : "");
}

int
cli_send (const kp_config_t *config, const char *service_name, const char *operation,
          const char *body_json, int argc, char **argv, Kumppani__V1__Reply **reply_p)
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
        role_name = getenv ("KUMPPANI_ROLE");
    //  Without one, the role people of the certificate's organisation
    //  type act in (the services refuse any other: kp_role.c).
    int role = role_name ? s_role (role_name) : s_default_role (config->client_cert);
    if (!role_name)
        role_name = "(the certificate's default)";
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
            if (reply->status != KUMPPANI__V1__STATUS__STATUS_OK)
                s_print_error (reply);
            rc = cli_exit_status (reply->status);
            if (reply_p && rc == 0)
                *reply_p = reply;
            else {
                if (!reply_p) {
                    //  --typed: without the deprecated text fields beside
                    //  their typed twins (the default keeps both, for the
                    //  jq scripts that read the text).
                    if (cli_flag (argc, argv, "--typed"))
                        kp_json_write_message_typed (stdout, &reply->base);
                    else
                        kp_json_write_message (stdout, &reply->base);
                    fputc ('\n', stdout);
                }
                kp_codec_reply_free (&reply);
            }
        }
        kp_client_destroy (&client);
    }
    protobuf_c_message_free_unpacked (body, NULL);
    return rc;
}
