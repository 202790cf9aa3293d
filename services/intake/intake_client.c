/*  intake_client — clients (asiakas): registration with an optional
    henkilötunnus (validated, stored only encrypted and as a keyed lookup
    hash, so the same person registers once with each organiser), attributes the work and ESF
    reporting need, lookup by pseudonymous id or, for entitled roles, by
    henkilötunnus. */
#include "intake_access.h"
#include "intake_caseload.h"
#include "intake_client.h"
#include "intake_context.h"
#include "intake_events.h"
#include "intake_handlers.h"
#include "intake_snapshot.h"
#include "intake_sql.h"
#include "kp_calendar.h"
#include "kp_check.h"
#include "kp_db.h"
#include "kp_enum.h"
#include "kp_hetu.h"
#include "kp_ids.h"
#include "kp_organiser.h"
#include "kp_outbox.h"
#include "kp_row.h"
#include "kp_server.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ATTRIBUTE_COUNT INTAKE_ATTRIBUTES

//  Attribute parameters in the order client_insert / client_update take
//  them after their leading columns; NULL = not given.
typedef struct {
    const char *values [ATTRIBUTE_COUNT];
    char municipality [16];
    char birth_date [11];
    char birth_year [8];
    char codes [9][KP_ENUM_CODE_MAX];
} s_attributes_t;

static bool
s_is_language (const char *text)
{
    size_t len = strlen (text);
    if (len < 2 || len > 3)
        return false;
    for (const char *c = text; *c; c++)
        if (!islower ((unsigned char) *c))
            return false;
    return true;
}

//  Validates attributes (may be NULL) into parameters. hetu_date, if set,
//  is the birth date the henkilötunnus gives. 0, or -1 with the call failed.
static int
s_attributes (kp_call_t *call, const char *body, const Kumppani__V1__ClientAttributes *attributes,
              const char *hetu_date, s_attributes_t *out)
{
    static const Kumppani__V1__ClientAttributes empty = KUMPPANI__V1__CLIENT_ATTRIBUTES__INIT;
    const Kumppani__V1__ClientAttributes *a = attributes ? attributes : &empty;
    char field [96];
    memset (out, 0, sizeof *out);

    snprintf (out->municipality, sizeof out->municipality, "%s",
              *a->municipality ? a->municipality : call->identity->municipality);
    if (!kp_check_municipality (out->municipality)) {
        snprintf (field, sizeof field, "%s.attributes.municipality", body);
        return kp_check_invalid (call, "intake.municipality", field, "a three-digit municipality code");
    }
    out->values [0] = out->municipality;
    kp_date_t date;
    if (*a->birth_date) {
        if (kp_date_parse (a->birth_date, &date) || date > kp_db_today (call->db)) {
            snprintf (field, sizeof field, "%s.attributes.birth_date", body);
            return kp_check_invalid (call, "intake.birth_date", field, "a past date as YYYY-MM-DD");
        }
        snprintf (out->birth_date, sizeof out->birth_date, "%s", a->birth_date);
        out->values [1] = out->birth_date;
    }
    else
    if (hetu_date) {
        snprintf (out->birth_date, sizeof out->birth_date, "%s", hetu_date);
        out->values [1] = out->birth_date;
    }
    if (a->birth_year) {
        if (a->birth_year < 1800 || a->birth_year > 2200) {
            snprintf (field, sizeof field, "%s.attributes.birth_year", body);
            return kp_check_invalid (call, "intake.birth_year", field, "a year from 1800");
        }
        snprintf (out->birth_year, sizeof out->birth_year, "%d", a->birth_year);
        out->values [2] = out->birth_year;
    }
    else
    if (out->values [1]) {
        snprintf (out->birth_year, sizeof out->birth_year, "%.4s", out->birth_date);
        out->values [2] = out->birth_year;
    }
    if (*a->language) {
        if (!s_is_language (a->language)) {
            snprintf (field, sizeof field, "%s.attributes.language", body);
            return kp_check_invalid (call, "intake.language", field, "an ISO 639 code such as fi or sv");
        }
        out->values [4] = a->language;
    }
    //  The enums, in parameter order; protobuf-c keeps unknown numbers, so
    //  a value outside the enum is refused here by name.
    static const char *const names [] = {
        "gender", "labour_market_status", "education_level", "living_alone",
        "foreign_background", "disability", "homelessness", "other_disadvantage"
    };
    const ProtobufCEnumDescriptor *descriptors [] = {
        &kumppani__v1__gender__descriptor, &kumppani__v1__labour_market_status__descriptor,
        &kumppani__v1__education_level__descriptor, &kumppani__v1__answer__descriptor,
        &kumppani__v1__answer__descriptor, &kumppani__v1__answer__descriptor,
        &kumppani__v1__answer__descriptor, &kumppani__v1__answer__descriptor
    };
    const int numbers [] = {
        (int) a->gender, (int) a->labour_market_status, (int) a->education_level, (int) a->living_alone,
        (int) a->foreign_background, (int) a->disability, (int) a->homelessness, (int) a->other_disadvantage
    };
    const int slots [] = { 3, 5, 6, 7, 8, 9, 10, 11 };
    for (int index = 0; index < 8; index++) {
        if (numbers [index] == 0)
            continue;
        out->values [slots [index]] = kp_enum_code (descriptors [index], numbers [index],
                                                       out->codes [index], KP_ENUM_CODE_MAX);
        if (!out->values [slots [index]]) {
            snprintf (field, sizeof field, "%s.attributes.%s", body, names [index]);
            return kp_check_invalid (call, "intake.unknown_value", field, "not a known value");
        }
    }
    return 0;
}

//  Fills the reply from the stored row.
static int
s_reply (kp_call_t *call, const char *client_id, bool existing)
{
    const char *values [] = { client_id };
    PGresult *result = kp_db_exec (call->db, "client_get", 1, values);
    if (!result)
        return kp_call_db_fail (call);
    if (PQntuples (result) == 0) {
        PQclear (result);
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_NOT_FOUND, "intake.unknown_client",
                             NULL, "no such client");
    }
    Kumppani__V1__ClientAttributes *a = kp_call_alloc (call, sizeof *a);
    kumppani__v1__client_attributes__init (a);
    const ProtobufCEnumDescriptor *answer = &kumppani__v1__answer__descriptor;
    a->municipality = kp_call_strdup (call, kp_row_text (result, 0, CLIENT_MUNICIPALITY));
    a->birth_date = kp_call_strdup (call, kp_row_text (result, 0, CLIENT_BIRTH_DATE));
    a->birth_year = (int32_t) kp_row_int (result, 0, CLIENT_BIRTH_YEAR);
    a->gender = kp_row_enum (result, 0, CLIENT_GENDER, &kumppani__v1__gender__descriptor);
    a->language = kp_call_strdup (call, kp_row_text (result, 0, CLIENT_LANGUAGE));
    a->labour_market_status = kp_row_enum (result, 0, CLIENT_LABOUR_MARKET_STATUS,
                                           &kumppani__v1__labour_market_status__descriptor);
    a->education_level = kp_row_enum (result, 0, CLIENT_EDUCATION_LEVEL, &kumppani__v1__education_level__descriptor);
    a->living_alone = kp_row_enum (result, 0, CLIENT_LIVING_ALONE, answer);
    a->foreign_background = kp_row_enum (result, 0, CLIENT_FOREIGN_BACKGROUND, answer);
    a->disability = kp_row_enum (result, 0, CLIENT_DISABILITY, answer);
    a->homelessness = kp_row_enum (result, 0, CLIENT_HOMELESSNESS, answer);
    a->other_disadvantage = kp_row_enum (result, 0, CLIENT_OTHER_DISADVANTAGE, answer);
    Kumppani__V1__ClientReply *reply = kp_call_alloc (call, sizeof *reply);
    kumppani__v1__client_reply__init (reply);
    reply->client_id = kp_call_strdup (call, client_id);
    reply->existing = existing;
    reply->has_hetu = kp_row_bool (result, 0, CLIENT_HAS_HETU);
    reply->attributes = a;
    PQclear (result);
    if (intake_caseload_client_cases (call, client_id, reply))
        return -1;
    call->reply->body_case = KUMPPANI__V1__REPLY__BODY_CLIENT;
    call->reply->client = reply;
    return 0;
}

//  The caller's own client with this henkilötunnus hash: 1 found (id and
//  municipality set), 0 not found, -1 database error (call failed). The
//  same person may be a client of several organisers (moved, or served by
//  two): each has its own record, and the others' are never looked at.
static int
s_find_by_hash (kp_call_t *call, const uint8_t *hash, char *client_id, char *municipality)
{
    const char *values [] = { (const char *) hash };
    const int lengths [] = { KP_HETU_HASH_BYTES };
    const int formats [] = { 1 };
    PGresult *result = kp_db_exec_params (call->db, "client_by_hash", 1, values, lengths, formats);
    if (!result)
        return kp_call_db_fail (call);
    int found = 0;
    for (int row = 0; row < PQntuples (result) && !found; row++)
        if (kp_organiser_of (call->identity, kp_row_text (result, row, MATCH_MUNICIPALITY))) {
            snprintf (client_id, KP_ID_LEN + 1, "%s", kp_row_text (result, row, MATCH_CLIENT_ID));
            snprintf (municipality, 16, "%s", kp_row_text (result, row, MATCH_MUNICIPALITY));
            found = 1;
        }
    PQclear (result);
    return found;
}

//  Validates a henkilötunnus; on success date gets the birth date.
static int
s_hetu (kp_call_t *call, const char *hetu, const char *field, char *date)
{
    int year, month, day;
    kp_hetu_error_t error = kp_hetu_validate (hetu, &year, &month, &day);
    if (error != KP_HETU_OK)
        return kp_check_invalid (call, kp_hetu_error_code (error), field,
                                 "not a valid henkilötunnus");
    kp_date_format (kp_date_from_ymd (year, month, day), date);
    return 0;
}

int
intake_client_emit_registered (kp_db_t *db, const char *client_id, const char *municipality)
{
    Kumppani__V1__IntakeEvent payload = KUMPPANI__V1__INTAKE_EVENT__INIT;
    payload.client_id = (char *) client_id;
    payload.municipality = (char *) municipality;
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.topic = "intake.client_registered";
    event.aggregate_id = (char *) client_id;
    event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_INTAKE;
    event.intake = &payload;
    kp_event_scope_t scope = { .municipality = municipality };
    return kp_outbox_append (db, &event, &scope) < 0 ? -1 : 0;
}

int
intake_client_register (kp_call_t *call)
{
    const Kumppani__V1__RegisterClient *body = call->request->register_client;
    intake_t *self = call->service;
    char date [11] = "";
    bool has_hetu = *body->hetu != '\0';
    if (has_hetu && s_hetu (call, body->hetu, "register_client.hetu", date))
        return -1;
    s_attributes_t attributes;
    if (s_attributes (call, "register_client", body->attributes, has_hetu ? date : NULL, &attributes))
        return -1;
    //  Whether the caller may register here at all, before any lookup, so
    //  that no answer depends on who else knows the person.
    const char *basis, *recipient;
    if (intake_access_check (call, NULL, attributes.municipality, INTAKE_WRITE, NULL, INTAKE_NO_OBJECT,
                             &basis, &recipient))
        return -1;
    char client_id [KP_ID_LEN + 1], municipality [16];
    uint8_t hash [KP_HETU_HASH_BYTES];
    if (has_hetu) {
        kp_hetu_lookup_hash (self->keys, body->hetu, hash);
        int found = s_find_by_hash (call, hash, client_id, municipality);
        if (found < 0)
            return -1;
        if (found) {
            //  The same person again: the existing client, not a duplicate.
            if (intake_access_check (call, client_id, municipality, INTAKE_WRITE, NULL, INTAKE_CLIENT,
                                     &basis, &recipient))
                return -1;
            //  The attributes sent are applied, never dropped; a
            //  municipality only when named (the caller's is a default).
            if (!body->attributes || !*body->attributes->municipality)
                attributes.values [0] = NULL;
            const char *updated [ATTRIBUTE_COUNT];
            size_t n_updated;
            char detail [256];
            if (intake_client_apply (call, client_id, attributes.values, updated, &n_updated,
                                     detail, sizeof detail))
                return -1;
            if (kp_call_audit (call, client_id, basis, recipient, detail))
                return kp_call_db_fail (call);
            if (s_reply (call, client_id, true))
                return -1;
            call->reply->client->updated_fields = kp_call_alloc (call, (n_updated + 1) * sizeof (char *));
            for (size_t index = 0; index < n_updated; index++)
                call->reply->client->updated_fields [index] = (char *) updated [index];
            call->reply->client->n_updated_fields = n_updated;
            return 0;
        }
        //  Another organiser's client, or nobody's: a new record of the
        //  caller's own, exactly as for a person never seen.
    }

    kp_id_new (client_id);
    size_t box_size = 0;
    uint8_t *box = has_hetu ? kp_hetu_encrypt (self->keys, body->hetu, &box_size) : NULL;
    if (has_hetu && !box)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INTERNAL, "intake.encryption",
                             NULL, "the henkilötunnus could not be protected");
    const char *values [16] = { client_id, has_hetu ? (const char *) hash : NULL, (const char *) box };
    int lengths [16] = { 0, KP_HETU_HASH_BYTES, (int) box_size };
    int formats [16] = { 0, 1, 1 };
    for (int index = 0; index < ATTRIBUTE_COUNT; index++)
        values [3 + index] = attributes.values [index];
    values [15] = call->identity->org_id;
    PGresult *result = kp_db_exec_params (call->db, "client_insert", 16, values, lengths, formats);
    free (box);
    if (!result)
        return kp_call_db_fail (call);
    bool inserted = PQntuples (result) > 0;
    PQclear (result);
    if (!inserted)
        //  A twin registration committed between our lookup and insert.
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_UNAVAILABLE, "intake.retry",
                             NULL, "registered concurrently; retry with the same key");
    if (kp_call_audit (call, client_id, NULL, NULL, "registered")
    ||  intake_client_emit_registered (call->db, client_id, attributes.municipality))
        return kp_call_db_fail (call);
    return s_reply (call, client_id, false);
}

int
intake_client_update (kp_call_t *call)
{
    const Kumppani__V1__UpdateClient *body = call->request->update_client;
    if (!kp_id_valid (body->client_id))
        return kp_check_invalid (call, "intake.client_id", "update_client.client_id", "a client id");
    if (intake_access_audit (call, body->client_id, INTAKE_WRITE, NULL, INTAKE_CLIENT, "attributes"))
        return -1;
    s_attributes_t attributes;
    //  No municipality given: the client stays where it is (a county's
    //  certificate names no municipality of its own to default to).
    char current [16] = "";
    Kumppani__V1__ClientAttributes given = KUMPPANI__V1__CLIENT_ATTRIBUTES__INIT;
    if (body->attributes)
        given = *body->attributes;
    if (!*given.municipality && !*call->identity->municipality) {
        if (intake_client_municipality (call, body->client_id, current, sizeof current))
            return -1;
        given.municipality = current;
    }
    if (s_attributes (call, "update_client", &given, NULL, &attributes))
        return -1;
    //  Moving the client to another municipality hands the data over:
    //  the caller must be entitled in the new one too.
    const char *basis, *recipient;
    if (intake_access_check (call, body->client_id, attributes.municipality, INTAKE_WRITE, NULL,
                             INTAKE_NO_OBJECT, &basis, &recipient))
        return -1;
    const char *values [1 + ATTRIBUTE_COUNT] = { body->client_id };
    for (int index = 0; index < ATTRIBUTE_COUNT; index++)
        values [1 + index] = attributes.values [index];
    PGresult *result = kp_db_exec (call->db, "client_update", 1 + ATTRIBUTE_COUNT, values);
    if (!result)
        return kp_call_db_fail (call);
    PQclear (result);
    //  Recorded at entry: the notice cases' start snapshots follow.
    if (intake_snapshot_retake (call->db, body->client_id) < 0)
        return kp_call_db_fail (call);
    return s_reply (call, body->client_id, true);
}

int
intake_client_get (kp_call_t *call)
{
    const Kumppani__V1__GetClient *body = call->request->get_client;
    if (!kp_id_valid (body->client_id))
        return kp_check_invalid (call, "intake.client_id", "get_client.client_id", "a client id");
    if (intake_access_audit (call, body->client_id, INTAKE_READ, "client", INTAKE_CLIENT, NULL))
        return -1;
    return s_reply (call, body->client_id, true);
}

int
intake_client_find_by_hetu (kp_call_t *call)
{
    const Kumppani__V1__FindClientByHetu *body = call->request->find_client_by_hetu;
    intake_t *self = call->service;
    char date [11], client_id [KP_ID_LEN + 1], municipality [16];
    const char *basis, *recipient;
    //  Whether this caller may identify anyone at all, before we look.
    char home [16];
    kp_organiser_home (call->identity, home, sizeof home);
    if (intake_access_check (call, NULL, home, INTAKE_IDENTIFY, NULL,
                             INTAKE_NO_OBJECT, &basis, &recipient)
    ||  s_hetu (call, body->hetu, "find_client_by_hetu.hetu", date))
        return -1;
    uint8_t hash [KP_HETU_HASH_BYTES];
    kp_hetu_lookup_hash (self->keys, body->hetu, hash);
    int found = s_find_by_hash (call, hash, client_id, municipality);
    if (found < 0)
        return -1;
    //  Someone registered elsewhere is not revealed: not found either way.
    if (!found)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_NOT_FOUND, "intake.unknown_client",
                             NULL, "no client with that henkilötunnus");
    if (intake_access_check (call, client_id, municipality, INTAKE_IDENTIFY, NULL, INTAKE_CLIENT,
                             &basis, &recipient)
    ||  kp_call_audit (call, client_id, basis, recipient, "found by henkilötunnus"))
        return call->reply->status == KUMPPANI__V1__STATUS__STATUS_OK ? kp_call_db_fail (call) : -1;
    return s_reply (call, client_id, true);
}
