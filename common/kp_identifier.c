/*  kp_identifier — refusing a henkilötunnus or a control character in any
    identifier field of a request (see kp_identifier.h).

    The rule, by field name: a name ending in _id, _ids, _ref, _org, _orgs
    or _key, or one of responsible_worker, responsible_person, cursor. In
    proto/kumppani/v1 today that covers, in requests:
      envelope   correlation_id, idempotency_key, actor.person_id
      referral   recipient_org, client_ref, consent_ref, kela_decision_id,
                 referral_id, worker_id, decision_id, cursor
      intake     client_id, counterparty_org, consent_id, responsible_worker,
                 case_id, entry_id, measure_id, responsible_person,
                 linked_ref, session_ref
      groups     activity_id, session_id, client_id, facilitator_id,
                 facilitator_org, organiser_org, placement_id,
                 co_organiser_orgs, facilitator_orgs
      reporting  observation_id, project_id, case_ids, activity_ids
    and nothing else. hetu (SubmitReferral, RegisterClient,
    FindClientByHetu) is meant to carry one and is not an identifier field;
    codes (reason_code, municipality), dates and free text are checked by
    their handlers or are not identifiers.

    A value that is exactly one of kumppani's own ids (26 Crockford
    characters, kp_ids) is ours, not a henkilötunnus: the 80 random bits of
    a ULID take the shape of one about three times in a million ids (15 of
    5 million measured), and an id the system made must stay usable. The same holds for such an id inside a
    value ("ack-<id>"). */
#include "kp_identifier.h"
#include "kp_alloc.h"
#include "kp_hetu.h"
#include "kp_ids.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
s_ends_with (const char *name, const char *suffix)
{
    size_t length = strlen (name), suffix_length = strlen (suffix);
    return length > suffix_length && strcmp (name + length - suffix_length, suffix) == 0;
}

bool
kp_identifier_field (const char *name)
{
    static const char *const suffixes [] = { "_id", "_ids", "_ref", "_org", "_orgs", "_key", NULL };
    static const char *const names [] = { "responsible_worker", "responsible_person", "cursor", NULL };
    for (const char *const *suffix = suffixes; *suffix; suffix++)
        if (s_ends_with (name, *suffix))
            return true;
    for (const char *const *exact = names; *exact; exact++)
        if (strcmp (name, *exact) == 0)
            return true;
    return false;
}

static bool
s_is_alnum (char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

//  kp_hetu_looks_like on text with every kumppani id in it blanked out.
static bool
s_looks_like_hetu (const char *text)
{
    if (!kp_hetu_looks_like (text))
        return false;                   //  the common case: no copy needed
    char *masked = kp_strdup (text);
    if (!masked)
        return true;                    //  refuse rather than let one through
    for (char *run = masked; *run; ) {
        size_t length = 0;
        while (s_is_alnum (run [length]))
            length++;
        if (length == KP_ID_LEN) {
            char id [KP_ID_LEN + 1];
            memcpy (id, run, KP_ID_LEN);
            id [KP_ID_LEN] = '\0';
            if (kp_id_valid (id))
                memset (run, '.', KP_ID_LEN);
        }
        run += length ? length : 1;
    }
    bool looks_like = kp_hetu_looks_like (masked);
    free (masked);
    return looks_like;
}

static bool
s_has_control (const char *text)
{
    for (const unsigned char *c = (const unsigned char *) text; *c; c++)
        if (*c < 0x20 || *c == 0x7f)
            return true;
    return false;
}

static int
s_visit (const ProtobufCFieldDescriptor *field, const char *path, const char *text, void *arg)
{
    kp_codec_error_t *error = arg;
    if (!kp_identifier_field (field->name))
        return 0;
    if (s_looks_like_hetu (text))
        error->code = "request.looks_like_hetu";
    else
    if (s_has_control (text))
        error->code = "request.control_character";
    else
        return 0;
    snprintf (error->field, sizeof error->field, "%s", path);
    return -2;
}

int
kp_identifier_check (const ProtobufCMessage *message, kp_codec_error_t *error)
{
    error->code = NULL;
    error->field [0] = '\0';
    return kp_codec_walk_strings (message, "", s_visit, error);
}

int
kp_identifier_screen (kp_call_t *call)
{
    kp_codec_error_t error;
    if (kp_identifier_check (&call->request->base, &error) == 0)
        return 0;
    bool hetu = strcmp (error.code, "request.looks_like_hetu") == 0;
    //  The reply still carries it (the caller matches replies by it and
    //  sent it itself); the log line about the refusal must not.
    if (hetu && strcmp (error.field, "correlation_id") == 0)
        call->log.request_id = NULL;
    return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, error.code, error.field,
                         hetu ? "an identifier must not be or contain a henkilötunnus"
                              : "an identifier must not contain control characters");
}
