/*  groups_participant — participants without a case (see the header). The
    record is the organiser's alone: any other caller, whatever its role,
    gets the answer an unknown id gets, so nothing tells it the record
    exists. Its id is intake-shaped, so enrolment and attendance take it
    where they take a client id. Events carry the id, never the reference
    or an attribute. */
#include "groups_access.h"
#include "groups_activity.h"
#include "groups_helpers.h"
#include "groups_limits.h"
#include "groups_participant.h"
#include "groups_rules.h"
#include "kp_calendar.h"
#include "kp_check.h"
#include "kp_db.h"
#include "kp_disclosure.h"
#include "kp_enum.h"
#include "kp_ids.h"
#include "kp_organiser.h"
#include "kp_outbox.h"
#include "kp_row.h"
#include "kp_server.h"

#include <stdio.h>
#include <string.h>

#define GROUPS_PSEUDONYM_ROW(C) \
    C (PP_ID, "participant_id", "text") \
    C (PP_ORGANISER_ORG, "organiser_org", "text") \
    C (PP_REFERENCE, "reference", "text") \
    C (PP_BIRTH_YEAR, "birth_year", "int4") \
    C (PP_AGE_BAND, "age_band", "text") \
    C (PP_MUNICIPALITY, "municipality", "text") \
    C (PP_GENDER, "gender", "text") \
    C (PP_LANGUAGE, "language", "text") \
    C (PP_FOREIGN_BACKGROUND, "foreign_background", "text") \
    C (PP_DISABILITY, "disability", "text") \
    C (PP_HOMELESSNESS, "homelessness", "text") \
    C (PP_LIVING_ALONE, "living_alone", "text") \
    C (PP_CONSENT_PURPOSE, "consent_purpose", "text") \
    C (PP_CONSENT_GIVEN_ON, "consent_given_on", "text") \
    C (PP_CONSENT_WITHDRAWN_ON, "consent_withdrawn_on", "text") \
    C (PP_LINKED_CLIENT_ID, "linked_client_id", "text")
enum { GROUPS_PSEUDONYM_ROW (KP_ROW_INDEX) };

static const kp_col_t s_participant_row [] = { GROUPS_PSEUDONYM_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_one_row [] = { { "one", "int4" }, { NULL } };
static const kp_col_t s_id_row [] = { { "participant_id", "text" }, { NULL } };

const kp_stmt_t groups_participant_statements [] = {
    //  $1 id, $2 organiser, $3 reference, $4 birth year, $5 age band, $6
    //  municipality, $7 gender, $8 language, $9-$12 answers (NULL: not
    //  known), $13 purpose, $14 consent day. A reference taken: no row.
    { "groups_participant_insert",
      "INSERT INTO groups.pseudonymous_participants (participant_id, organiser_org, reference, birth_year,"
      " age_band, municipality, gender, language, foreign_background, disability, homelessness, living_alone,"
      " consent_purpose, consent_given_on, created_by_org) VALUES ($1::text, $2::text, $3::text,"
      " nullif ($4::text, '')::int4, nullif ($5::text, ''), $6::text, $7::intake.gender, nullif ($8::text, ''),"
      " $9::intake.answer, $10::intake.answer, $11::intake.answer, $12::intake.answer, $13::text, $14::date,"
      " $2::text) ON CONFLICT (organiser_org, reference) DO NOTHING RETURNING 1 AS one", s_one_row },
    //  The record, if it is $2's.
    { "groups_participant_load",
      "SELECT participant_id, organiser_org, reference, birth_year, coalesce (age_band, '') AS age_band,"
      " municipality, coalesce (gender::text, '') AS gender, coalesce (language, '') AS language,"
      " coalesce (foreign_background::text, '') AS foreign_background,"
      " coalesce (disability::text, '') AS disability, coalesce (homelessness::text, '') AS homelessness,"
      " coalesce (living_alone::text, '') AS living_alone, consent_purpose, consent_given_on::text AS consent_given_on,"
      " coalesce (consent_withdrawn_on::text, '') AS consent_withdrawn_on,"
      " coalesce (linked_client_id, '') AS linked_client_id"
      " FROM groups.pseudonymous_participants WHERE participant_id = $1::text AND organiser_org = $2::text"
      " FOR UPDATE", s_participant_row },
    //  The same for a read (no lock: a read's transaction may be read-only).
    { "groups_participant_read",
      "SELECT participant_id, organiser_org, reference, birth_year, coalesce (age_band, '') AS age_band,"
      " municipality, coalesce (gender::text, '') AS gender, coalesce (language, '') AS language,"
      " coalesce (foreign_background::text, '') AS foreign_background,"
      " coalesce (disability::text, '') AS disability, coalesce (homelessness::text, '') AS homelessness,"
      " coalesce (living_alone::text, '') AS living_alone, consent_purpose, consent_given_on::text AS consent_given_on,"
      " coalesce (consent_withdrawn_on::text, '') AS consent_withdrawn_on,"
      " coalesce (linked_client_id, '') AS linked_client_id"
      " FROM groups.pseudonymous_participants WHERE participant_id = $1::text AND organiser_org = $2::text",
      s_participant_row },
    { "groups_participant_withdraw",
      "UPDATE groups.pseudonymous_participants SET consent_withdrawn_on = $2::date"
      " WHERE participant_id = $1::text AND consent_withdrawn_on IS NULL RETURNING 1 AS one", s_one_row },
    //  The organiser's other record already linked to the client, if any.
    { "groups_participant_by_client",
      "SELECT participant_id FROM groups.pseudonymous_participants"
      " WHERE organiser_org = $1::text AND linked_client_id = $2::text", s_id_row },
    { "groups_participant_link",
      "UPDATE groups.pseudonymous_participants SET linked_client_id = $2::text, linked_at = kp.clock ()"
      " WHERE participant_id = $1::text AND linked_client_id IS NULL RETURNING 1 AS one", s_one_row },
    { NULL }
};

//  The record as loaded: the row's texts live until the reply is sent.
typedef struct {
    char id [KP_ID_LEN + 1];
    char municipality [8];
    char withdrawn_on [11];
    char linked_client_id [KP_ID_LEN + 1];
    kp_date_t given_on;
} s_record_t;

static bool
s_is_language (const char *text)
{
    size_t len = strlen (text);
    if (len < 2 || len > 3)
        return false;
    for (size_t index = 0; index < len; index++)
        if (text [index] < 'a' || text [index] > 'z')
            return false;
    return true;
}

//  Printable text of 1..64 bytes: no control characters (UTF-8 was checked
//  at decode).
static bool
s_is_reference (const char *text)
{
    size_t len = strlen (text);
    if (len < 1 || len > GROUPS_NAME_MAX)
        return false;
    for (size_t index = 0; index < len; index++)
        if ((unsigned char) text [index] < 0x20 || text [index] == 0x7f)
            return false;
    return true;
}

//  Loads the caller's record into the reply. 0; -1 the call failed, with
//  NOT_FOUND when it is not there or not the caller's: the same answer.
static int
s_load (kp_call_t *call, const char *id, const char *field, bool lock, s_record_t *record)
{
    if (!kp_id_valid (id))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "groups.bad_participant_id", field,
                             "a participant id (26 characters)");
    const char *values [] = { id, call->identity->org_id };
    PGresult *result = kp_db_exec (call->db, lock ? "groups_participant_load" : "groups_participant_read",
                                  2, values);
    if (!result)
        return kp_call_db_fail (call);
    if (PQntuples (result) != 1) {
        PQclear (result);
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_NOT_FOUND, "groups.participant_not_found", field,
                             "no such participant of yours");
    }
    memset (record, 0, sizeof *record);
    snprintf (record->id, sizeof record->id, "%s", kp_row_text (result, 0, PP_ID));
    snprintf (record->municipality, sizeof record->municipality, "%s", kp_row_text (result, 0, PP_MUNICIPALITY));
    snprintf (record->withdrawn_on, sizeof record->withdrawn_on, "%s",
              kp_row_text (result, 0, PP_CONSENT_WITHDRAWN_ON));
    snprintf (record->linked_client_id, sizeof record->linked_client_id, "%s",
              kp_row_text (result, 0, PP_LINKED_CLIENT_ID));
    kp_date_parse (kp_row_text (result, 0, PP_CONSENT_GIVEN_ON), &record->given_on);

    const ProtobufCEnumDescriptor *answer = &kumppani__v1__answer__descriptor;
    Kumppani__V1__PseudonymousParticipantFields *fields = kp_call_alloc (call, sizeof *fields);
    kumppani__v1__pseudonymous_participant_fields__init (fields);
    fields->reference = kp_call_strdup (call, kp_row_text (result, 0, PP_REFERENCE));
    fields->birth_year = (uint32_t) kp_row_int (result, 0, PP_BIRTH_YEAR);
    fields->age_band = kp_call_strdup (call, kp_row_text (result, 0, PP_AGE_BAND));
    fields->municipality = kp_call_strdup (call, record->municipality);
    fields->gender = kp_row_enum (result, 0, PP_GENDER, &kumppani__v1__gender__descriptor);
    fields->language = kp_call_strdup (call, kp_row_text (result, 0, PP_LANGUAGE));
    fields->foreign_background = kp_row_enum (result, 0, PP_FOREIGN_BACKGROUND, answer);
    fields->disability = kp_row_enum (result, 0, PP_DISABILITY, answer);
    fields->homelessness = kp_row_enum (result, 0, PP_HOMELESSNESS, answer);
    fields->living_alone = kp_row_enum (result, 0, PP_LIVING_ALONE, answer);
    fields->consent_purpose = kp_call_strdup (call, kp_row_text (result, 0, PP_CONSENT_PURPOSE));
    fields->consent_given_on = kp_call_strdup (call, kp_row_text (result, 0, PP_CONSENT_GIVEN_ON));
    PQclear (result);

    Kumppani__V1__PseudonymousParticipantReply *reply = kp_call_alloc (call, sizeof *reply);
    kumppani__v1__pseudonymous_participant_reply__init (reply);
    reply->participant_id = kp_call_strdup (call, record->id);
    reply->participant = fields;
    reply->consent_withdrawn_on = kp_call_strdup (call, record->withdrawn_on);
    reply->linked_client_id = kp_call_strdup (call, record->linked_client_id);
    call->reply->body_case = KUMPPANI__V1__REPLY__BODY_PSEUDONYMOUS_PARTICIPANT;
    call->reply->pseudonymous_participant = reply;
    return 0;
}

//  One event about the record: its id, the organiser and residence only.
static int
s_emit (kp_call_t *call, const char *topic, const s_record_t *record, const char *linked_client_id)
{
    Kumppani__V1__GroupsEvent payload = KUMPPANI__V1__GROUPS_EVENT__INIT;
    payload.client_id = (char *) record->id;
    payload.linked_client_id = (char *) (linked_client_id ? linked_client_id : "");
    payload.municipality = (char *) record->municipality;
    payload.organiser_org = (char *) call->identity->org_id;
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.topic = (char *) topic;
    event.aggregate_id = (char *) record->id;
    event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_GROUPS;
    event.groups = &payload;
    //  Scoped as a group's events are: the residence and the organiser.
    kp_event_scope_t scope = { .municipality = record->municipality, .sender_org = call->identity->org_id };
    return kp_outbox_append (call->db, &event, &scope) < 0 ? kp_call_db_fail (call) : 0;
}

int
groups_create_pseudonymous_participant (kp_call_t *call)
{
    const Kumppani__V1__CreatePseudonymousParticipant *body = call->request->create_pseudonymous_participant;
    const char *b = "create_pseudonymous_participant";
    const Kumppani__V1__PseudonymousParticipantFields *p = body->participant;
    if (!p)
        return groups_invalid (call, "groups.participant_required", b, "participant", "the participant's fields");
    if (!s_is_reference (p->reference))
        return groups_invalid (call, "groups.bad_reference", b, "participant.reference",
                               "the organiser's reference: 1-64 bytes, no control characters, never a name");
    char birth_year [16] = "";
    kp_date_t today = kp_db_today (call->db);
    int year, month, day;
    kp_date_to_ymd (today, &year, &month, &day);
    if (p->birth_year && (p->birth_year < 1900 || p->birth_year > (uint32_t) year))
        return groups_invalid (call, "groups.bad_birth_year", b, "participant.birth_year", "a year from 1900, not ahead");
    if (p->birth_year)
        snprintf (birth_year, sizeof birth_year, "%u", p->birth_year);
    if (*p->age_band && (p->birth_year || !groups_rules_word_in (p->age_band, GROUPS_AGE_BANDS)))
        return groups_invalid (call, "groups.bad_age_band", b, "participant.age_band",
                               "one of " GROUPS_AGE_BANDS ", and only when the birth year is not known");
    if (!kp_check_municipality (p->municipality))
        return groups_invalid (call, "groups.bad_municipality", b, "participant.municipality",
                               "a three-digit municipality code");
    if (*p->language && !s_is_language (p->language))
        return groups_invalid (call, "groups.bad_language", b, "participant.language", "an ISO 639 code such as fi or sv");
    char gender [KP_ENUM_CODE_MAX];
    const char *gender_code = kp_enum_code (&kumppani__v1__gender__descriptor, (int) p->gender, gender, sizeof gender);
    if (p->gender && !gender_code)
        return groups_invalid (call, "groups.unknown_value", b, "participant.gender", "not a known value");
    //  protobuf-c keeps numbers the enum does not have: refused by name.
    static const char *const names [] = {
        "participant.foreign_background", "participant.disability", "participant.homelessness",
        "participant.living_alone"
    };
    const int answers [] = { (int) p->foreign_background, (int) p->disability, (int) p->homelessness,
                             (int) p->living_alone };
    char codes [4][KP_ENUM_CODE_MAX];
    const char *answer_codes [4];
    for (int index = 0; index < 4; index++) {
        answer_codes [index] = kp_enum_code (&kumppani__v1__answer__descriptor, answers [index], codes [index],
                                             KP_ENUM_CODE_MAX);
        if (answers [index] && !answer_codes [index])
            return groups_invalid (call, "groups.unknown_value", b, names [index], "not a known value");
    }
    //  No consent, no record: the attributes are there only for the use
    //  the person agreed to.
    if (!*p->consent_given_on || !*p->consent_purpose)
        return groups_invalid (call, "groups.consent_required", b,
                               *p->consent_given_on ? "participant.consent_purpose" : "participant.consent_given_on",
                               "the person's consent to the use of these attributes, with its day and purpose");
    kp_date_t given;
    if (kp_date_parse (p->consent_given_on, &given) || given > today)
        return groups_invalid (call, "groups.bad_date", b, "participant.consent_given_on",
                               "the day of the consent, YYYY-MM-DD, not ahead");
    if (!groups_rules_word_in (p->consent_purpose, GROUPS_CONSENT_PURPOSES))
        return groups_invalid (call, "groups.bad_consent_purpose", b, "participant.consent_purpose",
                               GROUPS_CONSENT_PURPOSES);

    char id [KP_ID_LEN + 1];
    kp_id_new (id);
    const char *values [] = {
        id, call->identity->org_id, p->reference, birth_year, p->age_band, p->municipality, gender_code,
        p->language, answer_codes [0], answer_codes [1], answer_codes [2], answer_codes [3], p->consent_purpose,
        p->consent_given_on
    };
    int64_t written = groups_scalar (call->db, "groups_participant_insert", 14, values);
    if (written < 0)
        return kp_call_db_fail (call);
    if (written == 0)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "groups.participant_exists",
                             groups_path (call, b, "participant.reference"),
                             "you have a participant with that reference already");
    s_record_t record;
    if (s_load (call, id, b, true, &record))
        return -1;
    if (kp_call_audit (call, id, "participation", NULL, id))
        return kp_call_db_fail (call);
    return s_emit (call, "groups.participant_created", &record, NULL);
}

int
groups_withdraw_participant_consent (kp_call_t *call)
{
    const Kumppani__V1__WithdrawParticipantConsent *body = call->request->withdraw_participant_consent;
    const char *b = "withdraw_participant_consent";
    s_record_t record;
    if (s_load (call, body->participant_id, "withdraw_participant_consent.participant_id", true, &record))
        return -1;
    kp_date_t withdrawn;
    if (kp_date_parse (body->withdrawn_on, &withdrawn) || withdrawn < record.given_on
    ||  withdrawn > kp_db_today (call->db))
        return groups_invalid (call, "groups.bad_date", b, "withdrawn_on",
                               "YYYY-MM-DD, not before the consent, not ahead");
    Kumppani__V1__PseudonymousParticipantReply *reply = call->reply->pseudonymous_participant;
    if (*record.withdrawn_on) {
        if (strcmp (record.withdrawn_on, body->withdrawn_on) != 0)
            return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "groups.consent_withdrawn",
                                 "withdraw_participant_consent.withdrawn_on",
                                 "the consent was withdrawn on another day; records are not corrected silently");
        reply->already_recorded = true;
        return 0;
    }
    const char *values [] = { record.id, body->withdrawn_on };
    if (groups_scalar (call->db, "groups_participant_withdraw", 2, values) != 1)
        return kp_call_db_fail (call);
    reply->consent_withdrawn_on = kp_call_strdup (call, body->withdrawn_on);
    if (kp_call_audit (call, record.id, "participation", NULL, record.id))
        return kp_call_db_fail (call);
    return s_emit (call, "groups.participant_consent_withdrawn", &record, NULL);
}

int
groups_link_participant_to_client (kp_call_t *call)
{
    const Kumppani__V1__LinkParticipantToClient *body = call->request->link_participant_to_client;
    const char *b = "link_participant_to_client";
    s_record_t record;
    if (s_load (call, body->participant_id, "link_participant_to_client.participant_id", true, &record))
        return -1;
    if (!kp_id_valid (body->client_id))
        return groups_invalid (call, "groups.bad_client_id", b, "client_id", "intake's client id (26 characters)");
    Kumppani__V1__PseudonymousParticipantReply *reply = call->reply->pseudonymous_participant;
    if (*record.linked_client_id) {
        if (strcmp (record.linked_client_id, body->client_id) != 0)
            return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "groups.participant_linked",
                                 "link_participant_to_client.client_id",
                                 "the participant is linked to another client; records are not corrected silently");
        reply->already_recorded = true;
        return 0;
    }
    //  Whom the organiser may name as a client is what enrolment allows
    //  (groups_enrol): its own area's client, or a client who consented
    //  to it; an unknown id is refused exactly as a client who did not.
    char municipality [8] = "";
    int known = groups_client_municipality (call->db, body->client_id, municipality);
    if (known < 0)
        return kp_call_db_fail (call);
    if (kp_org_type_in (call->identity->org_type, KP_ORGANISER_TYPES)
    &&  (!known || !groups_access_sees_client (call->identity, municipality)))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_NOT_FOUND, "groups.unknown_client",
                             "link_participant_to_client.client_id", "no such client of yours");
    if (!known || !kp_organiser_org_organises (call->identity->org_id, municipality)) {
        kp_disclosure_t disclosure = {
            .client_id = body->client_id, .recipient_org = call->identity->org_id, .scope = "enrolment",
            .basis = KP_DISCLOSURE_CONSENT, .consent_ref = "", .object_id = record.id
        };
        if (kp_disclosure_allow (call, &disclosure, NULL))
            return -1;
    }
    const char *values [] = { call->identity->org_id, body->client_id };
    PGresult *result = kp_db_exec (call->db, "groups_participant_by_client", 2, values);
    if (!result)
        return kp_call_db_fail (call);
    bool taken = PQntuples (result) > 0;
    PQclear (result);
    if (taken)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "groups.client_linked",
                             "link_participant_to_client.client_id",
                             "another of your participants is linked to that client");
    const char *link [] = { record.id, body->client_id };
    if (groups_scalar (call->db, "groups_participant_link", 2, link) != 1)
        return kp_call_db_fail (call);
    reply->linked_client_id = kp_call_strdup (call, body->client_id);
    if (kp_call_audit (call, body->client_id, "participation", NULL, record.id))
        return kp_call_db_fail (call);
    return s_emit (call, "groups.participant_linked", &record, body->client_id);
}

int
groups_get_pseudonymous_participant (kp_call_t *call)
{
    const Kumppani__V1__GetPseudonymousParticipant *body = call->request->get_pseudonymous_participant;
    s_record_t record;
    if (s_load (call, body->participant_id, "get_pseudonymous_participant.participant_id", false,
                &record))
        return -1;
    return kp_call_audit (call, record.id, "participation", NULL, NULL) ? kp_call_db_fail (call) : 0;
}

int
groups_participant_enrollable (kp_call_t *call, const groups_activity_t *activity, const char *id)
{
    if (strcmp (call->identity->org_id, activity->organiser_org) != 0)
        return 0;
    const char *values [] = { id, call->identity->org_id };
    PGresult *result = kp_db_exec (call->db, "groups_participant_read", 2, values);
    if (!result)
        return kp_call_db_fail (call);
    int found = PQntuples (result) == 1;
    PQclear (result);
    return found;
}
