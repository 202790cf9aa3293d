/*  groups_activity — an activity's record and who manages it, creating and
    changing one, and reading it back (participants only to its own
    organisations). Also the small helpers every groups handler shares. */
#include "groups_access.h"
#include "groups_activity.h"
#include "groups_enrol.h"
#include "groups_event.h"
#include "groups_handlers.h"
#include "groups_helpers.h"
#include "groups_limits.h"
#include "groups_rules.h"
#include "groups_sql.h"
#include "kp_calendar.h"
#include "kp_check.h"
#include "kp_db.h"
#include "kp_ids.h"
#include "kp_reply_vocab.h"
#include "kp_row.h"
#include "kp_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *
groups_path (kp_call_t *call, const char *body, const char *field)
{
    char path [128];
    snprintf (path, sizeof path, "%s.%s", body, field);
    return kp_call_strdup (call, path);
}

int
groups_invalid (kp_call_t *call, const char *code, const char *body, const char *field,
                const char *message)
{
    return kp_check_invalid (call, code, groups_path (call, body, field), message);
}

int64_t
groups_scalar (kp_db_t *db, const char *name, int nparams, const char *const *values)
{
    int64_t value = 0;
    return kp_db_int64 (db, name, nparams, values, &value) < 0 ? -1 : value;
}

int
groups_client_municipality (kp_db_t *db, const char *client_id, char *municipality)
{
    const char *values [] = { client_id };
    PGresult *result = kp_db_exec (db, "groups_client_municipality", 1, values);
    if (!result)
        return -1;
    int found = PQntuples (result) == 1;
    if (found)
        snprintf (municipality, 8, "%s", kp_row_text (result, 0, KP_ROW_ONLY));
    PQclear (result);
    return found;
}

//  Row 0 of a result whose row starts with GROUPS_ACTIVITY_ROW.
static void
s_from_row (PGresult *result, groups_activity_t *activity)
{
    memset (activity, 0, sizeof *activity);
    snprintf (activity->id, sizeof activity->id, "%s", kp_row_text (result, 0, ACTIVITY_ID));
    snprintf (activity->kind, sizeof activity->kind, "%s", kp_row_text (result, 0, ACTIVITY_KIND));
    snprintf (activity->organiser_org, sizeof activity->organiser_org, "%s",
              kp_row_text (result, 0, ACTIVITY_ORGANISER_ORG));
    snprintf (activity->municipality, sizeof activity->municipality, "%s",
              kp_row_text (result, 0, ACTIVITY_MUNICIPALITY));
    snprintf (activity->venue, sizeof activity->venue, "%s", kp_row_text (result, 0, ACTIVITY_VENUE));
    activity->capacity = (int) kp_row_int (result, 0, ACTIVITY_CAPACITY);
    activity->closed = kp_row_bool (result, 0, ACTIVITY_CLOSED);
    activity->compensation_cents = kp_row_int (result, 0, ACTIVITY_COMPENSATION_CENTS);
    activity->enrolled = (int) kp_row_int (result, 0, ACTIVITY_ENROLLED_COUNT);
    activity->caller_manages = kp_row_bool (result, 0, ACTIVITY_CALLER_MANAGES);
}

//  Not found and not visible look the same; visible but not managed is
//  FORBIDDEN, so a municipality learns it may read but not change.
static int
s_check (kp_call_t *call, bool found, bool manage, const groups_activity_t *activity,
         const char *field, const char *what)
{
    if (!found || !groups_access_may_see (call->identity, activity)) {
        char code [48];
        snprintf (code, sizeof code, "groups.%s_not_found", what);
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_NOT_FOUND, kp_call_strdup (call, code),
                             field, "no such activity or session");
    }
    if (manage && !activity->caller_manages)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, "groups.forbidden", field,
                             "only the activity's organisers and facilitators may do this");
    return 0;
}

int
groups_activity_load (kp_call_t *call, const char *id, const char *field, bool lock,
                      bool manage, groups_activity_t *activity)
{
    if (!kp_id_valid (id))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "groups.bad_id", field,
                             "an activity id (26 characters)");
    const char *values [] = { id, call->identity->org_id };
    PGresult *result = kp_db_exec (call->db, lock ? "groups_activity_load_locked" : "groups_activity_load",
                                   2, values);
    if (!result)
        return kp_call_db_fail (call);
    bool found = PQntuples (result) == 1;
    if (found)
        s_from_row (result, activity);
    PQclear (result);
    return s_check (call, found, manage, activity, field, "activity");
}

int
groups_session_load (kp_call_t *call, const char *id, const char *field, bool lock,
                     groups_session_t *session)
{
    if (!kp_id_valid (id))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "groups.bad_id", field,
                             "a session id (26 characters)");
    char today [11];
    kp_date_format (kp_db_today (call->db), today);
    const char *values [] = { id, call->identity->org_id, today };
    PGresult *result = kp_db_exec (call->db, lock ? "groups_session_load_locked" : "groups_session_load",
                                   3, values);
    if (!result)
        return kp_call_db_fail (call);
    bool found = PQntuples (result) == 1;
    memset (session, 0, sizeof *session);
    if (found) {
        snprintf (session->id, sizeof session->id, "%s", kp_row_text (result, 0, LOADED_SESSION_ID));
        snprintf (session->series_id, sizeof session->series_id, "%s", kp_row_text (result, 0, LOADED_SERIES_ID));
        snprintf (session->date, sizeof session->date, "%s", kp_row_text (result, 0, LOADED_SESSION_DATE));
        session->cancelled = kp_row_bool (result, 0, LOADED_CANCELLED);
        session->held = kp_row_bool (result, 0, LOADED_HELD);
        s_from_row (result, &session->activity);
    }
    PQclear (result);
    //  Every session operation changes or reads the activity's own records.
    return s_check (call, found, true, &session->activity, field, "session");
}

static bool
s_text_ok (const char *text, size_t max, bool required)
{
    size_t len = strlen (text);
    return len <= max && (len > 0 || !required);
}

static int
s_check_orgs (kp_call_t *call, const char *body, const char *field, char **orgs, size_t count)
{
    if (count > GROUPS_ORGS_MAX)
        return groups_invalid (call, "groups.too_many_orgs", body, field, "at most 20 organisations");
    for (size_t index = 0; index < count; index++)
        if (!s_text_ok (orgs [index], GROUPS_ORG_MAX, true))
            return groups_invalid (call, "groups.bad_org", body, field, "organisation ids of 1-64 bytes");
    return 0;
}

//  The fields of create and update; body is "create_activity.activity" etc.
static int
s_check_fields (kp_call_t *call, const char *body, const Kumppani__V1__ActivityFields *fields)
{
    if (!groups_rules_word_in (fields->kind, GROUPS_KINDS))
        return groups_invalid (call, "groups.bad_kind", body, "kind", GROUPS_KINDS);
    if (!s_text_ok (fields->title, GROUPS_TITLE_MAX, true))
        return groups_invalid (call, "groups.bad_title", body, "title", "1-200 bytes of title");
    if (!s_text_ok (fields->area, GROUPS_TEXT_MAX, false))
        return groups_invalid (call, "groups.bad_area", body, "area", "at most 200 bytes");
    if (!s_text_ok (fields->venue, GROUPS_TEXT_MAX, false))
        return groups_invalid (call, "groups.bad_venue", body, "venue", "at most 200 bytes");
    if (fields->capacity > 10000)
        return groups_invalid (call, "groups.bad_capacity", body, "capacity", "0 (no limit) to 10000");
    if (!groups_rules_word_in (fields->audience, GROUPS_AUDIENCES))
        return groups_invalid (call, "groups.bad_audience", body, "audience", GROUPS_AUDIENCES);
    if (fields->compensation_cents < 0 || fields->compensation_cents > GROUPS_COMPENSATION_MAX)
        return groups_invalid (call, "groups.bad_compensation", body, "compensation_cents",
                               "0-100000 cents per meeting");
    if (fields->min_meetings > 1000)
        return groups_invalid (call, "groups.bad_min_meetings", body, "min_meetings", "0-1000");
    if (s_check_orgs (call, body, "co_organiser_orgs", fields->co_organiser_orgs, fields->n_co_organiser_orgs)
    ||  s_check_orgs (call, body, "facilitator_orgs", fields->facilitator_orgs, fields->n_facilitator_orgs))
        return -1;
    const char *values [] = { fields->municipality };
    int64_t known = groups_scalar (call->db, "groups_municipality_exists", 1, values);
    if (known < 0)
        return kp_call_db_fail (call);
    if (known == 0)
        return groups_invalid (call, "groups.unknown_municipality", body, "municipality",
                               "a municipality code (kuntanumero)");
    if (!groups_access_may_create (call->identity, fields->municipality))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, "groups.forbidden",
                             groups_path (call, body, "municipality"),
                             "a municipality organises activities in its own area only");
    return 0;
}

static int
s_put_orgs (kp_call_t *call, const char *id, const Kumppani__V1__ActivityFields *fields)
{
    const char *clear [] = { id };
    if (kp_db_run (call->db, "groups_activity_orgs_clear", 1, clear))
        return -1;
    for (size_t index = 0; index < fields->n_co_organiser_orgs; index++) {
        const char *values [] = { id, fields->co_organiser_orgs [index], "co_organiser" };
        if (kp_db_run (call->db, "groups_activity_org_insert", 3, values))
            return -1;
    }
    for (size_t index = 0; index < fields->n_facilitator_orgs; index++) {
        const char *values [] = { id, fields->facilitator_orgs [index], "facilitator" };
        if (kp_db_run (call->db, "groups_activity_org_insert", 3, values))
            return -1;
    }
    return 0;
}

//  The reply: the activity, and its participants for its own organisations.
static int
s_view (kp_call_t *call, const char *id, bool with_participants)
{
    const char *values [] = { id };
    PGresult *result = kp_db_exec (call->db, "groups_activity_view", 1, values);
    if (!result || PQntuples (result) != 1) {
        if (result)
            PQclear (result);
        return kp_call_db_fail (call);
    }
    Kumppani__V1__ActivityReply *reply = kp_call_alloc (call, sizeof *reply);
    Kumppani__V1__Activity *activity = kp_call_alloc (call, sizeof *activity);
    Kumppani__V1__ActivityFields *fields = kp_call_alloc (call, sizeof *fields);
    kumppani__v1__activity_reply__init (reply);
    kumppani__v1__activity__init (activity);
    kumppani__v1__activity_fields__init (fields);
    activity->activity_id = kp_call_strdup (call, kp_row_text (result, 0, VIEW_ACTIVITY_ID));
    activity->organiser_org = kp_call_strdup (call, kp_row_text (result, 0, VIEW_ORGANISER_ORG));
    fields->kind = kp_call_strdup (call, kp_row_text (result, 0, VIEW_KIND));
    fields->title = kp_call_strdup (call, kp_row_text (result, 0, VIEW_TITLE));
    fields->municipality = kp_call_strdup (call, kp_row_text (result, 0, VIEW_MUNICIPALITY));
    fields->area = kp_call_strdup (call, kp_row_text (result, 0, VIEW_AREA));
    fields->venue = kp_call_strdup (call, kp_row_text (result, 0, VIEW_VENUE));
    fields->capacity = (uint32_t) kp_row_int (result, 0, VIEW_CAPACITY);
    fields->audience = kp_call_strdup (call, kp_row_text (result, 0, VIEW_AUDIENCE));
    fields->closed = kp_row_bool (result, 0, VIEW_CLOSED);
    fields->compensation_cents = kp_row_int (result, 0, VIEW_COMPENSATION_CENTS);
    fields->min_meetings = (uint32_t) kp_row_int (result, 0, VIEW_MIN_MEETINGS);
    activity->enrolled = (uint32_t) kp_row_int (result, 0, VIEW_ENROLLED_COUNT);
    activity->waitlisted = (uint32_t) kp_row_int (result, 0, VIEW_WAITLISTED);
    PQclear (result);

    result = kp_db_exec (call->db, "groups_activity_orgs", 1, values);
    if (!result)
        return kp_call_db_fail (call);
    int rows = PQntuples (result);
    fields->co_organiser_orgs = kp_call_alloc (call, sizeof (char *) * (size_t) (rows + 1));
    fields->facilitator_orgs = kp_call_alloc (call, sizeof (char *) * (size_t) (rows + 1));
    for (int row = 0; row < rows; row++) {
        char *org = kp_call_strdup (call, kp_row_text (result, row, ORG_ID));
        if (strcmp (kp_row_text (result, row, ORG_ROLE), "co_organiser") == 0)
            fields->co_organiser_orgs [fields->n_co_organiser_orgs++] = org;
        else
            fields->facilitator_orgs [fields->n_facilitator_orgs++] = org;
    }
    PQclear (result);
    activity->fields = fields;
    reply->activity = activity;

    if (with_participants) {
        result = kp_db_exec (call->db, "groups_participants", 1, values);
        if (!result)
            return kp_call_db_fail (call);
        rows = PQntuples (result);
        reply->participants = kp_call_alloc (call, sizeof (void *) * (size_t) (rows + 1));
        for (int row = 0; row < rows; row++) {
            Kumppani__V1__Participant *participant = kp_call_alloc (call, sizeof *participant);
            kumppani__v1__participant__init (participant);
            participant->client_id = kp_call_strdup (call, kp_row_text (result, row, PARTICIPANT_CLIENT_ID));
            participant->display_name = kp_call_strdup (call, kp_row_text (result, row, PARTICIPANT_DISPLAY_NAME));
KP_LEGACY_FIELDS_BEGIN
            participant->status = kp_call_strdup (call, kp_row_text (result, row, PARTICIPANT_STATUS));
KP_LEGACY_FIELDS_END
            participant->status_enum = kp_row_enum (result, row, PARTICIPANT_STATUS, &kumppani__v1__enrolment_status__descriptor);
            participant->waitlist_position = (uint32_t) kp_row_int (result, row, PARTICIPANT_WAITLIST_POSITION);
            reply->participants [reply->n_participants++] = participant;
        }
        PQclear (result);
    }
    call->reply->body_case = KUMPPANI__V1__REPLY__BODY_ACTIVITY;
    call->reply->activity = reply;
    return 0;
}

int
groups_create_activity (kp_call_t *call)
{
    const Kumppani__V1__ActivityFields *fields = call->request->create_activity->activity;
    if (!fields)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "groups.activity_required",
                             "create_activity.activity", "the activity's fields");
    if (s_check_fields (call, "create_activity.activity", fields))
        return -1;
    groups_activity_t activity = { .capacity = (int) fields->capacity };
    kp_id_new (activity.id);
    snprintf (activity.kind, sizeof activity.kind, "%s", fields->kind);
    snprintf (activity.organiser_org, sizeof activity.organiser_org, "%s", call->identity->org_id);
    snprintf (activity.municipality, sizeof activity.municipality, "%s", fields->municipality);
    char capacity [16], compensation [24], min_meetings [16];
    snprintf (capacity, sizeof capacity, "%u", fields->capacity);
    snprintf (compensation, sizeof compensation, "%lld", (long long) fields->compensation_cents);
    snprintf (min_meetings, sizeof min_meetings, "%u", fields->min_meetings);
    const char *values [] = {
        activity.id, fields->kind, fields->title, activity.organiser_org, fields->municipality,
        fields->area, fields->venue, capacity, fields->audience, fields->closed ? "true" : "false",
        compensation, min_meetings
    };
    if (kp_db_run (call->db, "groups_activity_insert", 12, values) || s_put_orgs (call, activity.id, fields))
        return kp_call_db_fail (call);
    if (s_view (call, activity.id, true))
        return -1;
    Kumppani__V1__GroupsEvent payload = KUMPPANI__V1__GROUPS_EVENT__INIT;
    if (groups_event_emit (call->db, "groups.activity_created", &activity, &payload))
        return kp_call_db_fail (call);
    return 0;
}

int
groups_update_activity (kp_call_t *call)
{
    const Kumppani__V1__UpdateActivity *body = call->request->update_activity;
    groups_activity_t activity;
    if (groups_activity_load (call, body->activity_id, "update_activity.activity_id", true, true, &activity))
        return -1;
    const Kumppani__V1__ActivityFields *fields = body->activity;
    if (!fields)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "groups.activity_required",
                             "update_activity.activity", "the activity's fields");
    if (s_check_fields (call, "update_activity.activity", fields))
        return -1;
    if (strcmp (fields->kind, activity.kind) != 0)
        return groups_invalid (call, "groups.kind_fixed", "update_activity.activity", "kind",
                               "an activity keeps its kind; create a new one");
    if (fields->capacity > 0 && (int) fields->capacity < activity.enrolled)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "groups.capacity_below_enrolled",
                             "update_activity.activity.capacity",
                             "more clients are enrolled than the new capacity; withdraw some first");
    char capacity [16], compensation [24], min_meetings [16];
    snprintf (capacity, sizeof capacity, "%u", fields->capacity);
    snprintf (compensation, sizeof compensation, "%lld", (long long) fields->compensation_cents);
    snprintf (min_meetings, sizeof min_meetings, "%u", fields->min_meetings);
    const char *values [] = {
        activity.id, activity.kind, fields->title, fields->municipality, fields->area, fields->venue,
        capacity, fields->audience, fields->closed ? "true" : "false", compensation, min_meetings
    };
    if (kp_db_run (call->db, "groups_activity_update", 11, values) || s_put_orgs (call, activity.id, fields))
        return kp_call_db_fail (call);
    snprintf (activity.municipality, sizeof activity.municipality, "%s", fields->municipality);
    activity.capacity = (int) fields->capacity;
    Kumppani__V1__GroupsEvent payload = KUMPPANI__V1__GROUPS_EVENT__INIT;
    if (groups_event_emit (call->db, "groups.activity_changed", &activity, &payload))
        return kp_call_db_fail (call);
    //  New seats go to the waitlist at once.
    if (groups_enrol_promote (call, &activity, NULL) < 0)
        return -1;
    return s_view (call, activity.id, true);
}

int
groups_get_activity (kp_call_t *call)
{
    const Kumppani__V1__GetActivity *body = call->request->get_activity;
    groups_activity_t activity;
    if (groups_activity_load (call, body->activity_id, "get_activity.activity_id", false, false, &activity))
        return -1;
    if (activity.caller_manages && kp_call_audit (call, NULL, "organiser", NULL, activity.id))
        return kp_call_db_fail (call);
    return s_view (call, activity.id, activity.caller_manages);
}
