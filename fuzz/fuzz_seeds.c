/*  fuzz_seeds DIR — writes the seed corpus: for every operation in the
    envelope an input with an empty body, as a municipality and as Kela,
    plus one valid request per service's main write, so that the fuzzers
    start from messages the services accept. An input is one byte naming
    the caller (fuzz_call.c's s_callers) followed by the Request frame.
    The same seeds serve every target: each routes what is its own. */
#include "kp_codec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CALLER_KELA 0
#define CALLER_MUNICIPALITY 1

static int s_written;

static void
s_write (const char *dir, const char *name, int caller, Kumppani__V1__Request *request)
{
    static Kumppani__V1__Actor actor = KUMPPANI__V1__ACTOR__INIT;
    actor.person_id = "worker-1";
    actor.role = caller == CALLER_KELA ? KUMPPANI__V1__ROLE__ROLE_KELA_OFFICER
                                       : KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER;
    request->correlation_id = "c-1";
    request->idempotency_key = "k-1";
    request->actor = &actor;
    size_t size;
    uint8_t *packed = kp_codec_pack (&request->base, &size);
    char path [512];
    snprintf (path, sizeof path, "%s/%s-%d", dir, name, caller);
    FILE *file = fopen (path, "wb");
    if (!file || fputc (caller, file) == EOF || fwrite (packed, 1, size, file) != size) {
        perror (path);
        exit (1);
    }
    fclose (file);
    free (packed);
    s_written++;
}

//  An empty body of each oneof member's own type, found by descriptor.
static void
s_empty_bodies (const char *dir)
{
    const ProtobufCMessageDescriptor *envelope = &kumppani__v1__request__descriptor;
    for (unsigned index = 0; index < envelope->n_fields; index++) {
        const ProtobufCFieldDescriptor *field = &envelope->fields [index];
        if (field->type != PROTOBUF_C_TYPE_MESSAGE || !(field->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
            continue;
        const ProtobufCMessageDescriptor *type = field->descriptor;
        ProtobufCMessage *body = calloc (1, type->sizeof_message);
        protobuf_c_message_init (type, body);
        Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
        *(ProtobufCMessage **) ((char *) &request + field->offset) = body;
        request.body_case = (Kumppani__V1__Request__BodyCase) field->id;
        s_write (dir, field->name, CALLER_KELA, &request);
        s_write (dir, field->name, CALLER_MUNICIPALITY, &request);
        free (body);
    }
}

static void
s_valid_requests (const char *dir)
{
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__SubmitReferral referral = KUMPPANI__V1__SUBMIT_REFERRAL__INIT;
    referral.kind = KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_SOCIAL_WORK_NEED;
    referral.recipient_org = "muni-743";
    referral.recipient_type = "municipality";
    referral.municipality = "743";
    referral.client_ref = "client-ref-1";
    referral.reason_category = KUMPPANI__V1__REASON_CATEGORY__REASON_CATEGORY_INCOME;
    referral.legal_basis = KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CONSENT;
    referral.consent_ref = "consent-1";
    referral.free_text = "Toimeentulo-ongelmia";
    request.body_case = KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL;
    request.submit_referral = &referral;
    s_write (dir, "valid_submit_referral", CALLER_KELA, &request);

    Kumppani__V1__ClientAttributes attributes = KUMPPANI__V1__CLIENT_ATTRIBUTES__INIT;
    attributes.gender = KUMPPANI__V1__GENDER__GENDER_NOT_TOLD;
    attributes.language = "fi";
    attributes.birth_date = "1985-04-01";
    Kumppani__V1__RegisterClient client = KUMPPANI__V1__REGISTER_CLIENT__INIT;
    client.hetu = "010485-998U";
    client.attributes = &attributes;
    request = (Kumppani__V1__Request) KUMPPANI__V1__REQUEST__INIT;
    request.body_case = KUMPPANI__V1__REQUEST__BODY_REGISTER_CLIENT;
    request.register_client = &client;
    s_write (dir, "valid_register_client", CALLER_MUNICIPALITY, &request);

    Kumppani__V1__SubmitObservation observation = KUMPPANI__V1__SUBMIT_OBSERVATION__INIT;
    observation.theme = "housing";
    observation.area = "743";
    observation.period_start = "2026-01-01";
    observation.period_end = "2026-06-30";
    observation.description = "Rent arrears are rising.";
    observation.clients_concerned = 12;
    request = (Kumppani__V1__Request) KUMPPANI__V1__REQUEST__INIT;
    request.body_case = KUMPPANI__V1__REQUEST__BODY_SUBMIT_OBSERVATION;
    request.submit_observation = &observation;
    s_write (dir, "valid_submit_observation", CALLER_MUNICIPALITY, &request);

    char *municipalities [] = { "743", "091" };
    Kumppani__V1__DefineProject project = KUMPPANI__V1__DEFINE_PROJECT__INIT;
    project.name = "TASOS";
    project.period_start = "2026-01-01";
    project.period_end = "2026-12-31";
    project.n_municipalities = 2;
    project.municipalities = municipalities;
    project.planned_participants = 328;
    request = (Kumppani__V1__Request) KUMPPANI__V1__REQUEST__INIT;
    request.body_case = KUMPPANI__V1__REQUEST__BODY_DEFINE_PROJECT;
    request.define_project = &project;
    s_write (dir, "valid_define_project", CALLER_MUNICIPALITY, &request);

    char *prefixes [] = { "referral.", "intake." };
    Kumppani__V1__ReplayRequest replay = KUMPPANI__V1__REPLAY_REQUEST__INIT;
    replay.after_seq = 10;
    replay.n_topic_prefixes = 2;
    replay.topic_prefixes = prefixes;
    replay.page_size = 100;
    request = (Kumppani__V1__Request) KUMPPANI__V1__REQUEST__INIT;
    request.body_case = KUMPPANI__V1__REQUEST__BODY_REPLAY;
    request.replay = &replay;
    s_write (dir, "valid_replay", CALLER_MUNICIPALITY, &request);
}

int
main (int argc, char **argv)
{
    if (argc != 2) {
        fprintf (stderr, "usage: fuzz_seeds DIR\n");
        return 2;
    }
    mkdir (argv [1], 0755);
    s_empty_bodies (argv [1]);
    s_valid_requests (argv [1]);
    printf ("fuzz: %d seeds in %s\n", s_written, argv [1]);
    return 0;
}
