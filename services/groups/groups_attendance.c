/*  groups_attendance — what happened at a session: each enrolled client's
    attendance (with the compensation ledger entry it earns), an open
    session's anonymous headcount with topic tallies, and a talousneuvola's
    staffing by organisation type. Each is recorded once: the same record
    again is a quiet success (no event, no ledger entry), a different one
    is a CONFLICT — a record is never silently corrected. */
#include "groups_activity.h"
#include "groups_event.h"
#include "groups_handlers.h"
#include "groups_helpers.h"
#include "groups_rules.h"
#include "groups_sql.h"
#include "kp_check.h"
#include "kp_db.h"
#include "kp_disclosure.h"
#include "kp_ids.h"
#include "kp_organiser.h"
#include "kp_row.h"
#include "kp_server.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GROUPS_TALLIES_MAX  50
#define GROUPS_HEADCOUNT_MAX 100000
#define GROUPS_TOPIC_MAX     64

static Kumppani__V1__AttendanceReply *
s_reply (kp_call_t *call, const char *session_id)
{
    Kumppani__V1__AttendanceReply *reply = kp_call_alloc (call, sizeof *reply);
    kumppani__v1__attendance_reply__init (reply);
    reply->session_id = kp_call_strdup (call, session_id);
    call->reply->body_case = KUMPPANI__V1__REPLY__BODY_ATTENDANCE;
    call->reply->attendance = reply;
    return reply;
}

//  A session that can have records: not cancelled, and already held.
static int
s_held (kp_call_t *call, const groups_session_t *session, const char *field)
{
    if (session->cancelled)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "groups.session_cancelled",
                             field, "the session was cancelled");
    if (!session->held)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "groups.session_not_held",
                             field, "the session has not taken place yet");
    return 0;
}

static int
s_already (kp_call_t *call, const char *code, const char *field)
{
    return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, code, field,
                         "a different record exists; records are not corrected silently");
}

//  An enrolment in another organisation's group rests on the client's
//  consent to it: each attendance it records is checked again, so a
//  withdrawal or ban reaches every enrolment. 0, or -1 (call failed).
static int
s_still_disclosed (kp_call_t *call, const groups_activity_t *activity, const char *client_id)
{
    char municipality [8];
    int known = groups_client_municipality (call->db, client_id, municipality);
    if (known < 0)
        return kp_call_db_fail (call);
    if (!known || kp_organiser_org_organises (activity->organiser_org, municipality))
        return 0;
    kp_disclosure_t disclosure = {
        .client_id = client_id, .recipient_org = activity->organiser_org, .scope = "enrolment",
        .basis = KP_DISCLOSURE_CONSENT, .consent_ref = "", .object_id = activity->id
    };
    kp_disclosure_verdict_t verdict;
    if (kp_disclosure_check (call->db, &disclosure, &verdict))
        return kp_call_db_fail (call);
    if (!verdict.refusal)
        return 0;
    kp_call_reset_reply (call);
    return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, verdict.refusal, "record_attendance.client_id",
                         "the client's consent to this group's organiser no longer holds");
}

int
groups_record_attendance (kp_call_t *call)
{
    const Kumppani__V1__RecordAttendance *body = call->request->record_attendance;
    const char *b = "record_attendance";
    groups_session_t session;
    if (groups_session_load (call, body->session_id, "record_attendance.session_id", false, &session))
        return -1;
    if (!kp_id_valid (body->client_id))
        return groups_invalid (call, "groups.bad_client_id", b, "client_id", "intake's client id (26 characters)");
    if (!groups_rules_word_in (body->attendance, GROUPS_ATTENDANCE))
        return groups_invalid (call, "groups.bad_attendance", b, "attendance", GROUPS_ATTENDANCE);
    bool present = strcmp (body->attendance, "present") == 0;
    if (body->minutes > 1440 || (!present && body->minutes > 0) || (present && body->minutes == 0))
        return groups_invalid (call, "groups.bad_minutes", b, "minutes",
                               "1-1440 minutes when present, 0 otherwise");
    if (s_held (call, &session, "record_attendance.session_id"))
        return -1;

    Kumppani__V1__AttendanceReply *reply = s_reply (call, session.id);
    reply->client_id = kp_call_strdup (call, body->client_id);
    reply->attendance = kp_call_strdup (call, body->attendance);
    reply->minutes = body->minutes;
    char key [2 * KP_ID_LEN + 2];
    snprintf (key, sizeof key, "%s:%s", session.id, body->client_id);
    const char *ledger_key [] = { "attendance", key };
    const char *values [] = { session.id, body->client_id };
    PGresult *result = kp_db_exec (call->db, "groups_attendance_get", 2, values);
    if (!result)
        return kp_call_db_fail (call);
    if (PQntuples (result) == 1) {
        bool same = strcmp (kp_row_text (result, 0, ATTENDANCE_ATTENDANCE), body->attendance) == 0
                 && (uint32_t) kp_row_int (result, 0, ATTENDANCE_MINUTES) == body->minutes;
        PQclear (result);
        if (!same)
            return s_already (call, "groups.attendance_recorded", "record_attendance.attendance");
        reply->already_recorded = true;
        reply->compensation_cents = groups_scalar (call->db, "groups_ledger_amount", 2, ledger_key);
        return reply->compensation_cents < 0 ? kp_call_db_fail (call) : 0;
    }
    PQclear (result);
    char status [16] = "";
    result = kp_db_exec (call->db, "groups_enrolment_get", 2, (const char *[]) { session.activity.id, body->client_id });
    if (!result)
        return kp_call_db_fail (call);
    if (PQntuples (result) == 1)
        snprintf (status, sizeof status, "%s", kp_row_text (result, 0, KP_ROW_ONLY));
    PQclear (result);
    if (strcmp (status, "enrolled") != 0)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "groups.not_enrolled",
                             "record_attendance.client_id", "the client is not enrolled in this activity");
    if (s_still_disclosed (call, &session.activity, body->client_id))
        return -1;

    char minutes [16], amount [24];
    snprintf (minutes, sizeof minutes, "%u", body->minutes);
    const char *insert [] = { session.id, body->client_id, body->attendance, minutes, call->identity->org_id };
    if (kp_db_run (call->db, "groups_attendance_insert", 5, insert))
        return kp_call_db_fail (call);
    //  One ledger entry per attended meeting; its unique key makes a second impossible.
    if (present) {
        reply->compensation_cents = session.activity.compensation_cents;
        snprintf (amount, sizeof amount, "%lld", (long long) reply->compensation_cents);
        const char *entry [] = { "attendance", key, body->client_id, amount };
        if (kp_db_run (call->db, "groups_ledger_insert", 4, entry))
            return kp_call_db_fail (call);
    }
    if (kp_call_audit (call, body->client_id, "participation", NULL, session.id))
        return kp_call_db_fail (call);
    Kumppani__V1__GroupsEvent payload = KUMPPANI__V1__GROUPS_EVENT__INIT;
    payload.session_id = session.id;
    payload.client_id = (char *) body->client_id;
    payload.session_date = session.date;
    payload.attendance = (char *) body->attendance;
    payload.minutes = body->minutes;
    payload.compensation_cents = reply->compensation_cents;
    return groups_event_emit (call->db, "groups.attendance_recorded", &session.activity, &payload)
         ? kp_call_db_fail (call) : 0;
}

static int
s_tally_compare (const void *a, const void *b)
{
    return strcmp ((*(Kumppani__V1__TopicTally *const *) a)->topic, (*(Kumppani__V1__TopicTally *const *) b)->topic);
}

int
groups_record_headcount (kp_call_t *call)
{
    const Kumppani__V1__RecordHeadcount *body = call->request->record_headcount;
    const char *b = "record_headcount";
    groups_session_t session;
    if (groups_session_load (call, body->session_id, "record_headcount.session_id", false, &session))
        return -1;
    if (session.activity.closed)
        return groups_invalid (call, "groups.closed_activity", b, "session_id",
                               "a closed group records attendance per client, not a headcount");
    if (body->headcount > GROUPS_HEADCOUNT_MAX)
        return groups_invalid (call, "groups.bad_headcount", b, "headcount", "0-100000 visitors");
    if (body->follow_ups > body->headcount)
        return groups_invalid (call, "groups.bad_follow_ups", b, "follow_ups", "at most the headcount");
    if (body->n_topic_tallies > GROUPS_TALLIES_MAX)
        return groups_invalid (call, "groups.too_many_topics", b, "topic_tallies", "at most 50 topics");
    //  Sorted, so the same tallies in another order are the same record.
    Kumppani__V1__TopicTally **tallies = kp_call_alloc (call, sizeof (void *) * (body->n_topic_tallies + 1));
    for (size_t index = 0; index < body->n_topic_tallies; index++) {
        tallies [index] = body->topic_tallies [index];
        if (!tallies [index] || !kp_check_code (tallies [index]->topic, GROUPS_TOPIC_MAX)
        ||  tallies [index]->count > body->headcount)
            return groups_invalid (call, "groups.bad_topic", b, "topic_tallies",
                                   "topics of [a-z0-9_], each counted at most the headcount");
    }
    qsort (tallies, body->n_topic_tallies, sizeof (void *), s_tally_compare);
    char canonical [GROUPS_TALLIES_MAX * 80] = "";
    size_t used = 0;
    for (size_t index = 0; index < body->n_topic_tallies; index++) {
        if (index > 0 && strcmp (tallies [index]->topic, tallies [index - 1]->topic) == 0)
            return groups_invalid (call, "groups.duplicate_topic", b, "topic_tallies", "each topic once");
        used += (size_t) snprintf (canonical + used, sizeof canonical - used, "%s%s:%u", index ? "," : "",
                                   tallies [index]->topic, tallies [index]->count);
    }
    if (s_held (call, &session, "record_headcount.session_id"))
        return -1;

    Kumppani__V1__AttendanceReply *reply = s_reply (call, session.id);
    reply->headcount = body->headcount;
    char headcount [16], follow_ups [16];
    snprintf (headcount, sizeof headcount, "%u", body->headcount);
    snprintf (follow_ups, sizeof follow_ups, "%u", body->follow_ups);
    const char *key [] = { session.id };
    PGresult *result = kp_db_exec (call->db, "groups_headcount_get", 1, key);
    if (!result)
        return kp_call_db_fail (call);
    if (PQntuples (result) == 1) {
        bool same = strcmp (kp_row_text (result, 0, HEADCOUNT_HEADCOUNT), headcount) == 0
                 && strcmp (kp_row_text (result, 0, HEADCOUNT_FOLLOW_UPS), follow_ups) == 0
                 && strcmp (kp_row_text (result, 0, HEADCOUNT_TALLIES), canonical) == 0;
        PQclear (result);
        if (!same)
            return s_already (call, "groups.headcount_recorded", "record_headcount.headcount");
        reply->already_recorded = true;
        return 0;
    }
    PQclear (result);
    const char *insert [] = { session.id, headcount, follow_ups, canonical, call->identity->org_id };
    if (kp_db_run (call->db, "groups_headcount_insert", 5, insert))
        return kp_call_db_fail (call);
    Kumppani__V1__GroupsEvent payload = KUMPPANI__V1__GROUPS_EVENT__INIT;
    payload.session_id = session.id;
    payload.session_date = session.date;
    payload.headcount = body->headcount;
    payload.follow_ups = body->follow_ups;
    payload.n_topic_tallies = body->n_topic_tallies;
    payload.topic_tallies = tallies;
    return groups_event_emit (call->db, "groups.headcount_recorded", &session.activity, &payload)
         ? kp_call_db_fail (call) : 0;
}

int
groups_record_staffing (kp_call_t *call)
{
    const Kumppani__V1__RecordStaffing *body = call->request->record_staffing;
    const char *b = "record_staffing";
    groups_session_t session;
    if (groups_session_load (call, body->session_id, "record_staffing.session_id", false, &session))
        return -1;
    if (strcmp (session.activity.kind, "talousneuvola") != 0)
        return groups_invalid (call, "groups.not_talousneuvola", b, "session_id",
                               "staffing by organisation type is recorded for talousneuvola sessions");
    if (body->n_staff == 0 || body->n_staff > 7)
        return groups_invalid (call, "groups.bad_staff", b, "staff", "1-7 organisation types");
    for (size_t index = 0; index < body->n_staff; index++) {
        const Kumppani__V1__StaffCount *staff = body->staff [index];
        if (!groups_rules_word_in (staff->org_type, GROUPS_STAFF_TYPES))
            return groups_invalid (call, "groups.bad_staff_type", b, "staff.org_type", GROUPS_STAFF_TYPES);
        if (staff->count < 1 || staff->count > 1000)
            return groups_invalid (call, "groups.bad_staff_count", b, "staff.count", "1-1000 people");
        for (size_t other = 0; other < index; other++)
            if (strcmp (body->staff [other]->org_type, staff->org_type) == 0)
                return groups_invalid (call, "groups.duplicate_staff_type", b, "staff.org_type",
                                       "each organisation type once");
    }
    if (s_held (call, &session, "record_staffing.session_id"))
        return -1;
    Kumppani__V1__AttendanceReply *reply = s_reply (call, session.id);
    reply->already_recorded = true;
    for (size_t index = 0; index < body->n_staff; index++) {
        const Kumppani__V1__StaffCount *staff = body->staff [index];
        char count [16];
        snprintf (count, sizeof count, "%u", staff->count);
        const char *values [] = { session.id, staff->org_type, count };
        PGresult *result = kp_db_exec (call->db, "groups_staffing_get", 2, values);
        if (!result)
            return kp_call_db_fail (call);
        int existing = PQntuples (result) == 1 ? (int) kp_row_int (result, 0, KP_ROW_ONLY) : 0;
        PQclear (result);
        if (existing && existing != (int) staff->count)
            return s_already (call, "groups.staffing_recorded", "record_staffing.staff.count");
        if (existing)
            continue;
        reply->already_recorded = false;
        if (kp_db_run (call->db, "groups_staffing_insert", 3, values))
            return kp_call_db_fail (call);
        Kumppani__V1__GroupsEvent payload = KUMPPANI__V1__GROUPS_EVENT__INIT;
        payload.session_id = session.id;
        payload.session_date = session.date;
        payload.staff_org_type = staff->org_type;
        payload.staff_count = staff->count;
        if (groups_event_emit (call->db, "groups.staffing_recorded", &session.activity, &payload))
            return kp_call_db_fail (call);
    }
    return 0;
}
