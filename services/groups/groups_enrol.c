/*  groups_enrol — places in a closed group: enrol (a seat, or the
    waitlist when full), withdraw, and promotion of the first waitlisted
    when a seat frees. Every enrolment locks the activity's row first, so
    enrolments of one activity run one at a time whatever instance or
    batch they come in, and the seat counter's CHECK backs that up. */
#include "groups_access.h"
#include "groups_activity.h"
#include "groups_enrol.h"
#include "groups_event.h"
#include "groups_handlers.h"
#include "groups_helpers.h"
#include "groups_limits.h"
#include "groups_participant.h"
#include "groups_rules.h"
#include "groups_sql.h"
#include "kp_db.h"
#include "kp_disclosure.h"
#include "kp_enum.h"
#include "kp_ids.h"
#include "kp_organiser.h"
#include "kp_reply_vocab.h"
#include "kp_row.h"
#include "kp_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
s_emit_client (kp_call_t *call, const char *topic, const groups_activity_t *activity, const char *client_id)
{
    Kumppani__V1__GroupsEvent payload = KUMPPANI__V1__GROUPS_EVENT__INIT;
    payload.client_id = (char *) client_id;
    return groups_event_emit (call->db, topic, activity, &payload) ? kp_call_db_fail (call) : 0;
}

//  The enrolment's status; "" when there is none. 0 or -1 (call failed).
static int
s_status (kp_call_t *call, const char *activity_id, const char *client_id, char *status, size_t size)
{
    const char *values [] = { activity_id, client_id };
    PGresult *result = kp_db_exec (call->db, "groups_enrolment_get", 2, values);
    if (!result)
        return kp_call_db_fail (call);
    snprintf (status, size, "%s", PQntuples (result) == 1 ? kp_row_text (result, 0, KP_ROW_ONLY) : "");
    PQclear (result);
    return 0;
}

static int
s_seats_add (kp_call_t *call, groups_activity_t *activity, int delta)
{
    char text [8];
    snprintf (text, sizeof text, "%d", delta);
    const char *values [] = { activity->id, text };
    int64_t enrolled = groups_scalar (call->db, "groups_seats_add", 2, values);
    if (enrolled < 0)
        return kp_call_db_fail (call);
    activity->enrolled = (int) enrolled;
    return 0;
}

//  The reply's status, stored label and typed twin.
static void
s_set_status (Kumppani__V1__EnrolmentReply *reply, char *status)
{
KP_LEGACY_FIELDS_BEGIN
    reply->status = status;
KP_LEGACY_FIELDS_END
    reply->status_enum = kp_enum_value (&kumppani__v1__enrolment_status__descriptor, status);
}

static Kumppani__V1__EnrolmentReply *
s_reply (kp_call_t *call, const char *activity_id, const char *client_id, const char *status)
{
    Kumppani__V1__EnrolmentReply *reply = kp_call_alloc (call, sizeof *reply);
    kumppani__v1__enrolment_reply__init (reply);
    reply->activity_id = kp_call_strdup (call, activity_id);
    reply->client_id = kp_call_strdup (call, client_id);
    s_set_status (reply, kp_call_strdup (call, status));
    reply->conflicts = kp_call_alloc (call, sizeof (void *) * 100);
    call->reply->body_case = KUMPPANI__V1__REPLY__BODY_ENROLMENT;
    call->reply->enrolment = reply;
    return reply;
}

int
groups_enrol_promote (kp_call_t *call, groups_activity_t *activity, char *promoted)
{
    int count = 0;
    while (groups_rules_seat (activity->capacity, activity->enrolled) == GROUPS_SEAT) {
        const char *values [] = { activity->id };
        PGresult *result = kp_db_exec (call->db, "groups_waitlist_first", 1, values);
        if (!result)
            return kp_call_db_fail (call);
        char client_id [KP_ID_LEN + 1] = "";
        if (PQntuples (result) == 1)
            snprintf (client_id, sizeof client_id, "%s", kp_row_text (result, 0, KP_ROW_ONLY));
        PQclear (result);
        if (!*client_id)
            break;
        const char *set [] = { activity->id, client_id, "enrolled" };
        if (kp_db_run (call->db, "groups_enrolment_set_status", 3, set))
            return kp_call_db_fail (call);
        if (s_seats_add (call, activity, 1) || s_emit_client (call, "groups.promoted", activity, client_id))
            return -1;
        if (kp_call_audit (call, client_id, "enrolment", NULL, activity->id))
            return kp_call_db_fail (call);
        if (promoted && count == 0)
            snprintf (promoted, KP_ID_LEN + 1, "%s", client_id);
        count++;
    }
    return count;
}

int
groups_enrol (kp_call_t *call)
{
    const Kumppani__V1__Enrol *body = call->request->enrol;
    const char *b = "enrol";
    groups_activity_t activity;
    if (groups_activity_load (call, body->activity_id, "enrol.activity_id", true, true, &activity))
        return -1;
    if (!kp_id_valid (body->client_id))
        return groups_invalid (call, "groups.bad_client_id", b, "client_id", "intake's client id (26 characters)");
    if (strlen (body->display_name) > GROUPS_NAME_MAX)
        return groups_invalid (call, "groups.bad_display_name", b, "display_name",
                               "a first name or pseudonym of at most 64 bytes");
    if (body->on_conflict != KUMPPANI__V1__CONFLICT_POLICY__CONFLICT_POLICY_REFUSE
    &&  body->on_conflict != KUMPPANI__V1__CONFLICT_POLICY__CONFLICT_POLICY_REPORT)
        return groups_invalid (call, "groups.bad_policy", b, "on_conflict", "refuse or report");
    if (!activity.closed)
        return groups_invalid (call, "groups.open_activity", b, "activity_id",
                               "an open activity takes no enrolments; record headcounts instead");
    //  Whether an id is a client's is told only to whom intake would tell
    //  it: a municipality enrols its own clients (another's, or none, is
    //  "no such client"); a partner enrols by the id it was given, which
    //  groups cannot confirm to it without saying who is a client.
    //  (A partner's unknown id meets the disclosure check below, which
    //  refuses it exactly as a client who gave no consent.)
    //  A pseudonymous participant is no client: the organiser enrols its
    //  own in its own groups, and nothing of intake's is disclosed.
    int pseudonymous = groups_participant_enrollable (call, &activity, body->client_id);
    if (pseudonymous < 0)
        return -1;
    char municipality [8] = "";
    int known = groups_client_municipality (call->db, body->client_id, municipality);
    if (known < 0)
        return kp_call_db_fail (call);
    if (!pseudonymous && kp_org_type_in (call->identity->org_type, KP_ORGANISER_TYPES)
    &&  (!known || !groups_access_sees_client (call->identity, municipality)))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_NOT_FOUND, "groups.unknown_client",
                             "enrol.client_id", "no such client of yours");
    char status [16];
    if (s_status (call, activity.id, body->client_id, status, sizeof status))
        return -1;
    if (strcmp (status, "enrolled") == 0 || strcmp (status, "waitlisted") == 0)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "groups.already_enrolled",
                             "enrol.client_id", "the client is already enrolled or waitlisted");
    //  A group another organisation runs learns who its participant is:
    //  the one check, before anything is written.
    if (!pseudonymous && (!known || !kp_organiser_org_organises (activity.organiser_org, municipality))) {
        kp_disclosure_t disclosure = {
            .client_id = body->client_id, .recipient_org = activity.organiser_org, .scope = "enrolment",
            .basis = KP_DISCLOSURE_CONSENT, .consent_ref = "", .object_id = activity.id
        };
        if (kp_disclosure_allow (call, &disclosure, NULL))
            return -1;
    }

    Kumppani__V1__EnrolmentReply *reply = s_reply (call, activity.id, body->client_id, "");
    const char *values [] = { activity.id, body->client_id };
    PGresult *result = kp_db_exec (call->db, "groups_enrol_conflicts", 2, values);
    if (!result)
        return kp_call_db_fail (call);
    for (int row = 0; row < PQntuples (result); row++) {
        if (body->on_conflict == KUMPPANI__V1__CONFLICT_POLICY__CONFLICT_POLICY_REFUSE) {
            PQclear (result);
            return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "groups.client_conflict",
                                 "enrol.client_id", "the client's other group meets at the same time");
        }
        Kumppani__V1__Conflict *conflict = kp_call_alloc (call, sizeof *conflict);
        kumppani__v1__conflict__init (conflict);
        conflict->date = kp_call_strdup (call, kp_row_text (result, row, ENROL_CONFLICT_DATE));
KP_LEGACY_FIELDS_BEGIN
        conflict->kind = "client";
KP_LEGACY_FIELDS_END
        conflict->kind_enum = KUMPPANI__V1__CONFLICT_KIND__CONFLICT_KIND_CLIENT;
        conflict->other_session_id = kp_call_strdup (call, kp_row_text (result, row,
                                                                         ENROL_CONFLICT_OTHER_SESSION_ID));
        conflict->who = reply->client_id;
        reply->conflicts [reply->n_conflicts++] = conflict;
    }
    PQclear (result);

    bool seat = groups_rules_seat (activity.capacity, activity.enrolled) == GROUPS_SEAT;
    const char *put [] = { activity.id, body->client_id, body->display_name, seat ? "enrolled" : "waitlisted" };
    if (kp_db_run (call->db, "groups_enrolment_put", 4, put))
        return kp_call_db_fail (call);
    s_set_status (reply, (char *) put [3]);
    if (seat && s_seats_add (call, &activity, 1))
        return -1;
    if (!seat) {
        int64_t position = groups_scalar (call->db, "groups_waitlist_position", 2, values);
        if (position < 0)
            return kp_call_db_fail (call);
        reply->waitlist_position = (uint32_t) position;
    }
    if (kp_call_audit (call, body->client_id, "enrolment", NULL, activity.id))
        return kp_call_db_fail (call);
    return s_emit_client (call, seat ? "groups.enrolled" : "groups.waitlisted", &activity, body->client_id);
}

int
groups_withdraw (kp_call_t *call)
{
    const Kumppani__V1__WithdrawEnrolment *body = call->request->withdraw_enrolment;
    groups_activity_t activity;
    if (groups_activity_load (call, body->activity_id, "withdraw_enrolment.activity_id", true, true, &activity))
        return -1;
    if (!kp_id_valid (body->client_id))
        return groups_invalid (call, "groups.bad_client_id", "withdraw_enrolment", "client_id",
                               "intake's client id (26 characters)");
    char status [16];
    if (s_status (call, activity.id, body->client_id, status, sizeof status))
        return -1;
    if (strcmp (status, "enrolled") != 0 && strcmp (status, "waitlisted") != 0)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "groups.not_enrolled",
                             "withdraw_enrolment.client_id", "the client is not enrolled or waitlisted");
    const char *set [] = { activity.id, body->client_id, "withdrawn" };
    if (kp_db_run (call->db, "groups_enrolment_set_status", 3, set))
        return kp_call_db_fail (call);
    if (strcmp (status, "enrolled") == 0 && s_seats_add (call, &activity, -1))
        return -1;
    if (kp_call_audit (call, body->client_id, "enrolment", NULL, activity.id)
    ||  s_emit_client (call, "groups.withdrawn", &activity, body->client_id))
        return kp_call_db_fail (call);
    Kumppani__V1__EnrolmentReply *reply = s_reply (call, activity.id, body->client_id, "withdrawn");
    char promoted [KP_ID_LEN + 1] = "";
    if (groups_enrol_promote (call, &activity, promoted) < 0)
        return -1;
    reply->promoted_client_id = kp_call_strdup (call, promoted);
    return 0;
}

int
groups_get_participation (kp_call_t *call)
{
    const Kumppani__V1__GetParticipation *body = call->request->get_participation;
    if (!kp_id_valid (body->client_id))
        return groups_invalid (call, "groups.bad_client_id", "get_participation", "client_id",
                               "intake's client id (26 characters)");
    char municipality [8];
    int known = groups_client_municipality (call->db, body->client_id, municipality);
    if (known < 0)
        return kp_call_db_fail (call);
    //  Another municipality's client looks like no client at all.
    if (!known || !groups_access_sees_client (call->identity, municipality))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_NOT_FOUND, "groups.unknown_client",
                             "get_participation.client_id", "no such client of yours");
    const char *values [] = { body->client_id };
    PGresult *result = kp_db_exec (call->db, "groups_participation", 1, values);
    if (!result)
        return kp_call_db_fail (call);
    Kumppani__V1__ParticipationReply *reply = kp_call_alloc (call, sizeof *reply);
    kumppani__v1__participation_reply__init (reply);
    reply->client_id = kp_call_strdup (call, body->client_id);
    reply->entries = kp_call_alloc (call, sizeof (void *) * (size_t) (PQntuples (result) + 1));
    for (int row = 0; row < PQntuples (result); row++) {
        Kumppani__V1__ParticipationEntry *entry = kp_call_alloc (call, sizeof *entry);
        kumppani__v1__participation_entry__init (entry);
        entry->activity_id = kp_call_strdup (call, kp_row_text (result, row, PARTICIPATION_ACTIVITY_ID));
        entry->activity_kind = kp_call_strdup (call, kp_row_text (result, row, PARTICIPATION_KIND));
KP_LEGACY_FIELDS_BEGIN
        entry->status = kp_call_strdup (call, kp_row_text (result, row, PARTICIPATION_STATUS));
KP_LEGACY_FIELDS_END
        entry->status_enum = kp_row_enum (result, row, PARTICIPATION_STATUS, &kumppani__v1__enrolment_status__descriptor);
        entry->meetings_present = (uint32_t) kp_row_int (result, row, PARTICIPATION_PRESENT);
        entry->meetings_recorded = (uint32_t) kp_row_int (result, row, PARTICIPATION_RECORDED);
        reply->entries [reply->n_entries++] = entry;
    }
    PQclear (result);
    call->reply->body_case = KUMPPANI__V1__REPLY__BODY_PARTICIPATION;
    call->reply->participation = reply;
    if (kp_call_audit (call, body->client_id, "social_work", NULL, NULL))
        return kp_call_db_fail (call);
    return 0;
}
