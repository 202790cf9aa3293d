/*  kp_import — the history import's record format (see kp_import.h). */
#include "kp_import.h"
#include "kp_calendar.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

//  The operations a record may be, the service that owns each, and where
//  the reply names the id the record becomes (a phase: its case's id).
static const kp_import_op_t s_ops [] = {
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
    //  the lifecycle of issue 20; a forward becomes its child referral
    { "cancel_referral",         "referral", "referral.referral.referral_id" },
    { "hold_referral",           "referral", "referral.referral.referral_id" },
    { "resume_referral",         "referral", "referral.referral.referral_id" },
    { "forward_referral",        "referral", "referral.chain.0.referral_id" },
    { "request_statement",       "referral", "referral.referral.referral_id" },
    { "post_referral_message",   "referral", "referral_message.message.message_id" },
    { "submit_observation",      "reporting", "observation.observation_id" },
    { NULL }
};

//  The same lists as intake_context.c and referral_context.c subscribe.
const kp_import_consumer_t kp_import_consumers [] = {
    { "intake.referrals",     "referral.received" },
    { "intake.placements",    "groups.agreement_recorded groups.placement_ended" },
    { "referral.assessments", "intake.assessment_started intake.consent_withdrawn" },
    { NULL }
};

const kp_import_op_t *
kp_import_op (const char *name)
{
    for (int index = 0; name && s_ops [index].op; index++)
        if (strcmp (s_ops [index].op, name) == 0)
            return &s_ops [index];
    return NULL;
}


//  "YYYY-MM-DD" (noon in Helsinki) or "YYYY-MM-DDTHH:MM[:SS](Z|±HH:MM)"
//  as microseconds since the epoch; -1 if it is neither.
//  True when text starts with shape: d a digit, anything else itself.
static bool
s_digits (const char *text, const char *shape)
{
    for (; *shape; shape++, text++)
        if (*shape == 'd' ? !isdigit ((unsigned char) *text) : *text != *shape)
            return false;
    return true;
}

static int
s_two (const char *text)
{
    return (text [0] - '0') * 10 + text [1] - '0';
}

int64_t
kp_import_parse_time (const char *text)
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
    const char *rest = text + 10;
    if (!s_digits (rest, "Tdd:dd"))
        return -1;
    int hour = s_two (rest + 1), minute = s_two (rest + 4), second = 0;
    if (hour > 23 || minute > 59)
        return -1;
    rest += 6;
    if (*rest == ':') {
        if (!s_digits (rest, ":dd") || (second = s_two (rest + 1)) > 59)
            return -1;
        rest += 3;
    }
    int offset = 0;
    if (*rest == 'Z')
        rest++;
    else
    if (*rest == '+' || *rest == '-') {
        if (!s_digits (rest + 1, "dd:dd"))
            return -1;
        int off_hour = s_two (rest + 1), off_minute = s_two (rest + 4);
        if (off_hour > 14 || off_minute > 59)
            return -1;
        offset = (*rest == '-' ? -1 : 1) * (off_hour * 3600 + off_minute * 60);
        rest += 6;
    }
    else
        return -1;
    if (*rest)
        return -1;
    return ((int64_t) date * 86400 + hour * 3600 + minute * 60 + second - offset) * 1000000;
}

//  Sets the string at a dotted path of body ("entries.0.client_id"),
//  making the objects on the way. -1 if the path runs into a value.
int
kp_import_set_path (cJSON *body, const char *path, const char *value)
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
const char *
kp_import_message_path (const ProtobufCMessage *message, const char *path)
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
