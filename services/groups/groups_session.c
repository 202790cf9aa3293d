/*  groups_session — an activity's sessions: generating them from a
    recurrence, moving or cancelling one or the rest of its series,
    assigning facilitators, and listing them. Every new time is checked
    for clashes (same venue, same facilitator, same enrolled client) and
    the request says whether a clash refuses it or is only reported. */
#include "groups_activity.h"
#include "groups_event.h"
#include "groups_handlers.h"
#include "groups_helpers.h"
#include "groups_limits.h"
#include "groups_schedule.h"
#include "groups_sql.h"
#include "kp_calendar.h"
#include "kp_db.h"
#include "kp_enum.h"
#include "kp_ids.h"
#include "kp_reply_vocab.h"
#include "kp_row.h"
#include "kp_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

//  At most this many conflicts are listed in one reply.
#define GROUPS_CONFLICTS_MAX 256

static Kumppani__V1__SessionListReply *
s_reply (kp_call_t *call, size_t sessions)
{
    Kumppani__V1__SessionListReply *reply = kp_call_alloc (call, sizeof *reply);
    kumppani__v1__session_list_reply__init (reply);
    reply->sessions = kp_call_alloc (call, sizeof (void *) * (sessions + 1));
    reply->conflicts = kp_call_alloc (call, sizeof (void *) * GROUPS_CONFLICTS_MAX);
    call->reply->body_case = KUMPPANI__V1__REPLY__BODY_SESSION_LIST;
    call->reply->session_list = reply;
    return reply;
}

//  Columns are GROUPS_SESSION_COLUMNS (groups_sql.c).
static Kumppani__V1__Session *
s_session_from_row (kp_call_t *call, PGresult *result, int row)
{
    Kumppani__V1__Session *session = kp_call_alloc (call, sizeof *session);
    kumppani__v1__session__init (session);
    session->session_id = kp_call_strdup (call, kp_row_text (result, row, SESSION_ID));
    session->activity_id = kp_call_strdup (call, kp_row_text (result, row, SESSION_ACTIVITY_ID));
    session->series_id = kp_call_strdup (call, kp_row_text (result, row, SESSION_SERIES_ID));
    session->date = kp_call_strdup (call, kp_row_text (result, row, SESSION_DATE));
    session->start_time = kp_call_strdup (call, kp_row_text (result, row, SESSION_START_TIME));
    session->end_time = kp_call_strdup (call, kp_row_text (result, row, SESSION_END_TIME));
    session->starts_at = kp_row_int (result, row, SESSION_STARTS_AT);
    session->ends_at = kp_row_int (result, row, SESSION_ENDS_AT);
    session->venue = kp_call_strdup (call, kp_row_text (result, row, SESSION_VENUE));
    session->cancelled = kp_row_bool (result, row, SESSION_CANCELLED);
    char *facilitators = kp_call_strdup (call, kp_row_text (result, row, SESSION_FACILITATORS));
    size_t count = *facilitators ? 1 : 0;
    for (const char *c = facilitators; *c; c++)
        count += *c == ' ';
    session->facilitator_ids = kp_call_alloc (call, sizeof (char *) * (count + 1));
    for (char *save = NULL, *id = strtok_r (facilitators, " ", &save); id; id = strtok_r (NULL, " ", &save))
        session->facilitator_ids [session->n_facilitator_ids++] = id;
    return session;
}

//  Adds the session as it is now to the reply. 0 or -1 (call failed).
static int
s_add_session (kp_call_t *call, Kumppani__V1__SessionListReply *reply, const char *session_id)
{
    const char *values [] = { session_id };
    PGresult *result = kp_db_exec (call->db, "groups_session_get", 1, values);
    if (!result || PQntuples (result) != 1) {
        if (result)
            PQclear (result);
        return kp_call_db_fail (call);
    }
    reply->sessions [reply->n_sessions++] = s_session_from_row (call, result, 0);
    PQclear (result);
    return 0;
}

static void
s_add_conflict (kp_call_t *call, Kumppani__V1__SessionListReply *reply, const char *date,
                const char *kind, const char *other, const char *who)
{
    if (reply->n_conflicts == GROUPS_CONFLICTS_MAX)
        return;
    Kumppani__V1__Conflict *conflict = kp_call_alloc (call, sizeof *conflict);
    kumppani__v1__conflict__init (conflict);
    conflict->date = kp_call_strdup (call, date);
KP_LEGACY_FIELDS_BEGIN
    conflict->kind = kp_call_strdup (call, kind);
KP_LEGACY_FIELDS_END
    conflict->kind_enum = kp_enum_value (&kumppani__v1__conflict_kind__descriptor, kind);
    conflict->other_session_id = kp_call_strdup (call, other);
    conflict->who = kp_call_strdup (call, who);
    reply->conflicts [reply->n_conflicts++] = conflict;
}

//  A clash refuses the request or joins the reply's list, as asked.
static int
s_refuse (kp_call_t *call, const char *kind, const char *date, const char *field)
{
    char code [48], message [128];
    snprintf (code, sizeof code, "groups.%s_conflict", kind);
    snprintf (message, sizeof message, "the %s is taken at that time on %s", kind, date);
    return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, kp_call_strdup (call, code),
                         field, kp_call_strdup (call, message));
}

//  Checks a session time (session_id "" for a new one). 0 to go ahead,
//  -1 with the call failed.
static int
s_check_conflicts (kp_call_t *call, Kumppani__V1__SessionListReply *reply, const char *date,
                   const char *start, const char *end, const char *venue, const char *activity_id,
                   const char *session_id, Kumppani__V1__ConflictPolicy policy, const char *field)
{
    const char *values [] = { date, start, end, venue, activity_id, session_id };
    PGresult *result = kp_db_exec (call->db, "groups_conflicts", 6, values);
    if (!result)
        return kp_call_db_fail (call);
    int rc = 0;
    for (int row = 0; row < PQntuples (result) && rc == 0; row++) {
        //  error codes: groups.venue_conflict groups.facilitator_conflict
        //  groups.client_conflict (the kinds groups_conflicts returns)
        if (policy == KUMPPANI__V1__CONFLICT_POLICY__CONFLICT_POLICY_REFUSE)
            rc = s_refuse (call, kp_row_text (result, row, CONFLICT_KIND), date, field);
        else
            s_add_conflict (call, reply, date, kp_row_text (result, row, CONFLICT_KIND),
                            kp_row_text (result, row, CONFLICT_SESSION_ID),
                            kp_row_text (result, row, CONFLICT_PARTY));
    }
    PQclear (result);
    return rc;
}

static bool
s_policy_ok (Kumppani__V1__ConflictPolicy policy)
{
    return policy == KUMPPANI__V1__CONFLICT_POLICY__CONFLICT_POLICY_REFUSE
        || policy == KUMPPANI__V1__CONFLICT_POLICY__CONFLICT_POLICY_REPORT;
}

static int
s_emit (kp_call_t *call, const char *topic, const groups_activity_t *activity, const char *session_id,
        const char *date)
{
    Kumppani__V1__GroupsEvent payload = KUMPPANI__V1__GROUPS_EVENT__INIT;
    payload.session_id = (char *) session_id;
    payload.session_date = (char *) date;
    return groups_event_emit (call->db, topic, activity, &payload) ? kp_call_db_fail (call) : 0;
}

//  One event per session of the reply (its date as it is now), in one
//  round trip. Events go last: the outbox holds the stream's counter lock
//  until commit.
static int
s_emit_all (kp_call_t *call, const char *topic, const groups_activity_t *activity,
            const Kumppani__V1__SessionListReply *reply)
{
    size_t count = reply->n_sessions;
    char **ids = kp_call_alloc (call, sizeof (char *) * (count + 1));
    char **dates = kp_call_alloc (call, sizeof (char *) * (count + 1));
    for (size_t index = 0; index < count; index++) {
        ids [index] = reply->sessions [index]->session_id;
        dates [index] = reply->sessions [index]->date;
    }
    return groups_event_emit_sessions (call->db, topic, activity, ids, dates, count)
         ? kp_call_db_fail (call) : 0;
}

//  The recurrence of a ScheduleSessions body; 0 or -1 (call failed).
static int
s_rule (kp_call_t *call, const Kumppani__V1__ScheduleSessions *body, groups_recurrence_t *rule)
{
    const char *b = "schedule_sessions";
    memset (rule, 0, sizeof *rule);
    if (kp_date_parse (body->first_date, &rule->first))
        return groups_invalid (call, "groups.bad_date", b, "first_date", "YYYY-MM-DD");
    if (body->every_weeks > 52)
        return groups_invalid (call, "groups.bad_every_weeks", b, "every_weeks", "0 (one-off) to 52");
    rule->every_weeks = (int) body->every_weeks;
    for (size_t index = 0; index < body->n_weekdays; index++) {
        if (body->weekdays [index] < 1 || body->weekdays [index] > 7)
            return groups_invalid (call, "groups.bad_weekday", b, "weekdays", "1 = Monday … 7 = Sunday");
        rule->weekdays |= 1u << (body->weekdays [index] - 1);
    }
    if (*body->until_date) {
        if (kp_date_parse (body->until_date, &rule->until) || rule->until < rule->first)
            return groups_invalid (call, "groups.bad_until", b, "until_date",
                                   "YYYY-MM-DD, not before first_date");
        rule->has_until = true;
    }
    if (body->count > GROUPS_SCHEDULE_MAX)
        return groups_invalid (call, "groups.too_many_sessions", b, "count", "at most 200 sessions at a time");
    rule->count = (int) body->count;
    rule->include_holidays = body->include_holidays;
    return 0;
}

int
groups_schedule_sessions (kp_call_t *call)
{
    const Kumppani__V1__ScheduleSessions *body = call->request->schedule_sessions;
    const char *b = "schedule_sessions";
    groups_activity_t activity;
    if (groups_activity_load (call, body->activity_id, "schedule_sessions.activity_id", true, true, &activity))
        return -1;
    groups_recurrence_t rule;
    int start_min, end_min;
    if (s_rule (call, body, &rule))
        return -1;
    if (groups_window_parse (body->start_time, body->end_time, &start_min, &end_min))
        return groups_invalid (call, "groups.bad_time_window", b, "start_time", "HH:MM, start before end");
    if (strlen (body->venue) > GROUPS_TEXT_MAX)
        return groups_invalid (call, "groups.bad_venue", b, "venue", "at most 200 bytes");
    if (!s_policy_ok (body->on_conflict))
        return groups_invalid (call, "groups.bad_policy", b, "on_conflict", "refuse or report");

    kp_date_t dates [GROUPS_SCHEDULE_MAX], skipped [GROUPS_SCHEDULE_MAX];
    int skipped_count;
    int count = groups_schedule_expand (&rule, dates, GROUPS_SCHEDULE_MAX, skipped, GROUPS_SCHEDULE_MAX,
                                        &skipped_count);
    if (count < 0)
        return groups_invalid (call, "groups.unbounded_recurrence", b, rule.has_until ? "until_date" : "count",
                               "a recurrence ends by a date or a count, within two years and 200 sessions");
    if (count == 0)
        return groups_invalid (call, "groups.no_sessions", b, "first_date",
                               "no session falls on a day the rule allows (public holidays are skipped"
                               " unless include_holidays)");

    const char *venue = *body->venue ? body->venue : activity.venue;
    Kumppani__V1__SessionListReply *reply = s_reply (call, (size_t) count);
    reply->skipped_holidays = kp_call_alloc (call, sizeof (char *) * (size_t) (skipped_count + 1));
    for (int index = 0; index < skipped_count && index < GROUPS_SCHEDULE_MAX; index++) {
        char *date = kp_call_alloc (call, 11);
        kp_date_format (skipped [index], date);
        reply->skipped_holidays [reply->n_skipped_holidays++] = date;
    }
    char series [KP_ID_LEN + 1];
    kp_id_new (series);
    for (int index = 0; index < count; index++) {
        char date [11], session_id [KP_ID_LEN + 1];
        kp_date_format (dates [index], date);
        if (s_check_conflicts (call, reply, date, body->start_time, body->end_time, venue, activity.id, "",
                               body->on_conflict, "schedule_sessions.first_date"))
            return -1;
        kp_id_new (session_id);
        const char *values [] = { session_id, activity.id, series, date, body->start_time, body->end_time, venue };
        if (kp_db_run (call->db, "groups_session_insert", 7, values))
            return kp_call_db_fail (call);
        if (s_add_session (call, reply, session_id))
            return -1;
    }
    return s_emit_all (call, "groups.session_scheduled", &activity, reply);
}

int
groups_change_session (kp_call_t *call)
{
    const Kumppani__V1__ChangeSession *body = call->request->change_session;
    const char *b = "change_session";
    groups_session_t session;
    if (groups_session_load (call, body->session_id, "change_session.session_id", true, &session))
        return -1;
    bool move = body->change == KUMPPANI__V1__SESSION_CHANGE__SESSION_CHANGE_MOVE;
    if (!move && body->change != KUMPPANI__V1__SESSION_CHANGE__SESSION_CHANGE_CANCEL)
        return groups_invalid (call, "groups.bad_change", b, "change", "move or cancel");
    if (!s_policy_ok (body->on_conflict))
        return groups_invalid (call, "groups.bad_policy", b, "on_conflict", "refuse or report");
    kp_date_t old_date, new_date = 0;
    kp_date_parse (session.date, &old_date);
    int start_min, end_min;
    bool new_window = *body->start_time || *body->end_time;
    if (move && kp_date_parse (body->new_date, &new_date))
        return groups_invalid (call, "groups.bad_date", b, "new_date", "YYYY-MM-DD");
    if (move && new_window && groups_window_parse (body->start_time, body->end_time, &start_min, &end_min))
        return groups_invalid (call, "groups.bad_time_window", b, "start_time", "HH:MM, start before end");
    if (session.cancelled)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "groups.session_cancelled",
                             "change_session.session_id", "the session is already cancelled");

    const char *values [] = { session.series_id, session.date };
    PGresult *rows = kp_db_exec (call->db, "groups_series_rest", 2, values);
    if (!rows)
        return kp_call_db_fail (call);
    //  The sessions in question (rows), and the same as a text array
    //  literal for the set-based statements (each id quoted).
    int total = PQntuples (rows);
    int *in_question = kp_call_alloc (call, sizeof (int) * (size_t) (total + 1));
    size_t size = 3;
    for (int row = 0; row < total; row++)
        size += 2 * strlen (kp_row_text (rows, row, SERIES_SESSION_ID)) + 3;
    char *ids = kp_call_alloc (call, size);
    int count = 0;
    char *end = ids;
    *end++ = '{';
    for (int row = 0; row < total; row++) {
        const char *id = kp_row_text (rows, row, SERIES_SESSION_ID);
        if (!body->rest_of_series && strcmp (id, session.id) != 0)
            continue;
        if (count++)
            *end++ = ',';
        *end++ = '"';
        for (const char *c = id; *c; c++) {
            if (*c == '"' || *c == '\\')
                *end++ = '\\';
            *end++ = *c;
        }
        *end++ = '"';
        in_question [count - 1] = row;
    }
    *end++ = '}';
    *end = 0;
    const char *array [] = { ids };
    int64_t recorded = groups_scalar (call->db, "groups_sessions_recorded", 1, array);
    if (recorded != 0) {
        PQclear (rows);
        return recorded < 0 ? kp_call_db_fail (call)
             : kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "groups.session_recorded",
                             "change_session.session_id",
                             "attendance is recorded for a session in question; it took place");
    }
    Kumppani__V1__SessionListReply *reply = s_reply (call, (size_t) count);
    int rc = 0;
    if (!move && kp_db_run (call->db, "groups_sessions_cancel", 1, array))
        rc = kp_call_db_fail (call);
    //  A move checks and moves one session at a time, each against the
    //  others as they are by then. A series moved later is moved from its
    //  last session back, so that no session lands on a slot its own series
    //  is about to leave.
    bool backwards = move && new_date > old_date;
    for (int step = 0; move && step < count && rc == 0; step++) {
        int row = in_question [backwards ? count - 1 - step : step];
        const char *id = kp_row_text (rows, row, SERIES_SESSION_ID);
        char date [11];
        kp_date_t date_value;
        kp_date_parse (kp_row_text (rows, row, SERIES_DATE), &date_value);
        kp_date_format (date_value + (new_date - old_date), date);
        const char *start = new_window ? body->start_time : kp_row_text (rows, row, SERIES_START_TIME);
        const char *end_time = new_window ? body->end_time : kp_row_text (rows, row, SERIES_END_TIME);
        const char *move_values [] = { id, date, start, end_time };
        rc = s_check_conflicts (call, reply, date, start, end_time, kp_row_text (rows, row, SERIES_VENUE),
                                session.activity.id, id, body->on_conflict, "change_session.new_date");
        if (rc == 0 && kp_db_run (call->db, "groups_session_move", 4, move_values))
            rc = kp_call_db_fail (call);
    }
    PQclear (rows);
    //  The reply as the sessions are now, in date order, in one read.
    PGresult *now = rc == 0 ? kp_db_exec (call->db, "groups_sessions_get", 1, array) : NULL;
    if (rc == 0 && !now)
        rc = kp_call_db_fail (call);
    for (int row = 0; now && row < PQntuples (now) && row < count; row++)
        reply->sessions [reply->n_sessions++] = s_session_from_row (call, now, row);
    PQclear (now);
    return rc ? rc : s_emit_all (call, move ? "groups.session_moved" : "groups.session_cancelled",
                                 &session.activity, reply);
}

int
groups_assign_facilitator (kp_call_t *call)
{
    const Kumppani__V1__AssignFacilitator *body = call->request->assign_facilitator;
    const char *b = "assign_facilitator";
    groups_session_t session;
    if (groups_session_load (call, body->session_id, "assign_facilitator.session_id", true, &session))
        return -1;
    size_t len = strlen (body->facilitator_id);
    if (len == 0 || len > GROUPS_NAME_MAX)
        return groups_invalid (call, "groups.bad_facilitator", b, "facilitator_id",
                               "the organisation's own id for its worker (1-64 bytes), never a name");
    if (!s_policy_ok (body->on_conflict))
        return groups_invalid (call, "groups.bad_policy", b, "on_conflict", "refuse or report");
    const char *org = *body->facilitator_org ? body->facilitator_org : call->identity->org_id;
    const char *org_values [] = { session.activity.id, org };
    int64_t member = groups_scalar (call->db, "groups_activity_has_org", 2, org_values);
    if (member < 0)
        return kp_call_db_fail (call);
    if (member == 0)
        return groups_invalid (call, "groups.not_an_activity_org", b, "facilitator_org",
                               "one of the activity's organisations");
    //  Each organisation assigns its own workers; the organiser any of them.
    if (strcmp (org, call->identity->org_id) != 0
    &&  strcmp (session.activity.organiser_org, call->identity->org_id) != 0)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, "groups.forbidden",
                             "assign_facilitator.facilitator_org", "only the organiser assigns another's workers");
    if (session.cancelled)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "groups.session_cancelled",
                             "assign_facilitator.session_id", "the session is cancelled");

    //  Assigning the same person again changes nothing and tells nobody.
    //  (A refusal below rolls the insert back with the call's savepoint.)
    Kumppani__V1__SessionListReply *reply = s_reply (call, 1);
    const char *values [] = { session.id, body->facilitator_id, org };
    PGresult *result = kp_db_exec (call->db, "groups_facilitator_insert", 3, values);
    if (!result)
        return kp_call_db_fail (call);
    bool assigned_now = PQntuples (result) == 1;
    PQclear (result);
    if (!assigned_now)
        return s_add_session (call, reply, session.id);
    result = kp_db_exec (call->db, "groups_facilitator_conflicts", 3, values);
    if (!result)
        return kp_call_db_fail (call);
    int rc = 0;
    for (int row = 0; row < PQntuples (result) && rc == 0; row++) {
        if (body->on_conflict == KUMPPANI__V1__CONFLICT_POLICY__CONFLICT_POLICY_REFUSE)
            rc = s_refuse (call, "facilitator", session.date, "assign_facilitator.facilitator_id");
        else
            s_add_conflict (call, reply, session.date, "facilitator", kp_row_text (result, row, OTHER_SESSION_ID),
                            body->facilitator_id);
    }
    PQclear (result);
    if (rc || s_add_session (call, reply, session.id))
        return -1;
    return s_emit (call, "groups.facilitator_assigned", &session.activity, session.id, session.date);
}

int
groups_list_sessions (kp_call_t *call)
{
    const Kumppani__V1__ListSessions *body = call->request->list_sessions;
    const char *b = "list_sessions";
    groups_activity_t activity;
    if (groups_activity_load (call, body->activity_id, "list_sessions.activity_id", false, false, &activity))
        return -1;
    kp_date_t ignored;
    if (*body->from_date && kp_date_parse (body->from_date, &ignored))
        return groups_invalid (call, "groups.bad_date", b, "from_date", "YYYY-MM-DD");
    if (*body->to_date && kp_date_parse (body->to_date, &ignored))
        return groups_invalid (call, "groups.bad_date", b, "to_date", "YYYY-MM-DD");
    const char *values [] = {
        activity.id, *body->from_date ? body->from_date : NULL, *body->to_date ? body->to_date : NULL,
        body->include_cancelled ? "true" : "false"
    };
    PGresult *result = kp_db_exec (call->db, "groups_sessions_list", 4, values);
    if (!result)
        return kp_call_db_fail (call);
    Kumppani__V1__SessionListReply *reply = s_reply (call, (size_t) PQntuples (result));
    for (int row = 0; row < PQntuples (result); row++)
        reply->sessions [reply->n_sessions++] = s_session_from_row (call, result, row);
    PQclear (result);
    return 0;
}
