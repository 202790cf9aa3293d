/*  groups_server — the groups service's parts: the dispatch table, the
    service context, the activity and session records handlers work on,
    the event helper, and the handlers each concern file provides. */
#ifndef GROUPS_SERVER_H
#define GROUPS_SERVER_H

#include "groups_rules.h"
#include "groups_schedule.h"
#include "kp_calendar.h"
#include "kp_check.h"
#include "kp_ids.h"
#include "kp_service.h"
#include "kp_row.h"

extern const kp_service_def_t groups_service;
extern const kp_stmt_t groups_statements [];

//  The rows the statements return (groups_sql.c; kp_db holds each spec
//  against its statement when it prepares it). An activity's columns
//  come first in every row that has them, so one reader takes an
//  activity from an activity row and from a session row alike.
#define GROUPS_ACTIVITY_ROW(C) \
    C (ACTIVITY_ID, "activity_id", "text") \
    C (ACTIVITY_KIND, "kind", "text") \
    C (ACTIVITY_ORGANISER_ORG, "organiser_org", "text") \
    C (ACTIVITY_MUNICIPALITY, "municipality", "text") \
    C (ACTIVITY_VENUE, "venue", "text") \
    C (ACTIVITY_CAPACITY, "capacity", "int4") \
    C (ACTIVITY_CLOSED, "closed", "bool") \
    C (ACTIVITY_COMPENSATION_CENTS, "compensation_cents", "int8") \
    C (ACTIVITY_ENROLLED_COUNT, "enrolled_count", "int4") \
    C (ACTIVITY_CALLER_MANAGES, "caller_manages", "bool")
//  What a session's load adds to its activity.
#define GROUPS_SESSION_LOAD_MORE(C) \
    C (LOADED_SESSION_ID, "session_id", "text") \
    C (LOADED_SERIES_ID, "series_id", "text") \
    C (LOADED_SESSION_DATE, "session_date", "text") \
    C (LOADED_CANCELLED, "cancelled", "bool") \
    C (LOADED_HELD, "held", "bool")
enum { GROUPS_ACTIVITY_ROW (KP_ROW_INDEX) GROUPS_SESSION_LOAD_MORE (KP_ROW_INDEX) };
#define GROUPS_ACTIVITY_VIEW_ROW(C) \
    C (VIEW_ACTIVITY_ID, "activity_id", "text") \
    C (VIEW_ORGANISER_ORG, "organiser_org", "text") \
    C (VIEW_KIND, "kind", "text") \
    C (VIEW_TITLE, "title", "text") \
    C (VIEW_MUNICIPALITY, "municipality", "text") \
    C (VIEW_AREA, "area", "text") \
    C (VIEW_VENUE, "venue", "text") \
    C (VIEW_CAPACITY, "capacity", "int4") \
    C (VIEW_AUDIENCE, "audience", "text") \
    C (VIEW_CLOSED, "closed", "bool") \
    C (VIEW_COMPENSATION_CENTS, "compensation_cents", "int8") \
    C (VIEW_MIN_MEETINGS, "min_meetings", "int4") \
    C (VIEW_ENROLLED_COUNT, "enrolled_count", "int4") \
    C (VIEW_WAITLISTED, "waitlisted", "int8")
enum { GROUPS_ACTIVITY_VIEW_ROW (KP_ROW_INDEX) };
#define GROUPS_ORG_ROW(C) \
    C (ORG_ID, "org_id", "text") \
    C (ORG_ROLE, "role", "text")
enum { GROUPS_ORG_ROW (KP_ROW_INDEX) };
#define GROUPS_PARTICIPANT_ROW(C) \
    C (PARTICIPANT_CLIENT_ID, "client_id", "text") \
    C (PARTICIPANT_DISPLAY_NAME, "display_name", "text") \
    C (PARTICIPANT_STATUS, "status", "text") \
    C (PARTICIPANT_WAITLIST_POSITION, "waitlist_position", "int8")
enum { GROUPS_PARTICIPANT_ROW (KP_ROW_INDEX) };
#define GROUPS_SESSION_ROW(C) \
    C (SESSION_ID, "session_id", "text") \
    C (SESSION_ACTIVITY_ID, "activity_id", "text") \
    C (SESSION_SERIES_ID, "series_id", "text") \
    C (SESSION_DATE, "session_date", "text") \
    C (SESSION_START_TIME, "start_time", "text") \
    C (SESSION_END_TIME, "end_time", "text") \
    C (SESSION_STARTS_AT, "starts_at", "int8") \
    C (SESSION_ENDS_AT, "ends_at", "int8") \
    C (SESSION_VENUE, "venue", "text") \
    C (SESSION_CANCELLED, "cancelled", "bool") \
    C (SESSION_FACILITATORS, "facilitators", "text")
enum { GROUPS_SESSION_ROW (KP_ROW_INDEX) };
#define GROUPS_SERIES_ROW(C) \
    C (SERIES_SESSION_ID, "session_id", "text") \
    C (SERIES_DATE, "session_date", "text") \
    C (SERIES_START_TIME, "start_time", "text") \
    C (SERIES_END_TIME, "end_time", "text") \
    C (SERIES_VENUE, "venue", "text")
enum { GROUPS_SERIES_ROW (KP_ROW_INDEX) };
#define GROUPS_CONFLICT_ROW(C) \
    C (CONFLICT_KIND, "conflict", "text") \
    C (CONFLICT_SESSION_ID, "session_id", "text") \
    C (CONFLICT_PARTY, "party", "text")
enum { GROUPS_CONFLICT_ROW (KP_ROW_INDEX) };
#define GROUPS_OTHER_SESSION_ROW(C) \
    C (OTHER_SESSION_ID, "session_id", "text") \
    C (OTHER_SESSION_DATE, "session_date", "text")
enum { GROUPS_OTHER_SESSION_ROW (KP_ROW_INDEX) };
#define GROUPS_ENROL_CONFLICT_ROW(C) \
    C (ENROL_CONFLICT_DATE, "session_date", "text") \
    C (ENROL_CONFLICT_OTHER_SESSION_ID, "other_session_id", "text")
enum { GROUPS_ENROL_CONFLICT_ROW (KP_ROW_INDEX) };
#define GROUPS_PARTICIPATION_ROW(C) \
    C (PARTICIPATION_ACTIVITY_ID, "activity_id", "text") \
    C (PARTICIPATION_KIND, "kind", "text") \
    C (PARTICIPATION_STATUS, "status", "text") \
    C (PARTICIPATION_PRESENT, "present", "int8") \
    C (PARTICIPATION_RECORDED, "recorded", "int8")
enum { GROUPS_PARTICIPATION_ROW (KP_ROW_INDEX) };
#define GROUPS_ATTENDANCE_ROW(C) \
    C (ATTENDANCE_ATTENDANCE, "attendance", "text") \
    C (ATTENDANCE_MINUTES, "minutes", "int4")
enum { GROUPS_ATTENDANCE_ROW (KP_ROW_INDEX) };
#define GROUPS_HEADCOUNT_ROW(C) \
    C (HEADCOUNT_HEADCOUNT, "headcount", "int4") \
    C (HEADCOUNT_FOLLOW_UPS, "follow_ups", "int4") \
    C (HEADCOUNT_TALLIES, "tallies", "text")
enum { GROUPS_HEADCOUNT_ROW (KP_ROW_INDEX) };
#define GROUPS_PLACEMENT_ROW(C) \
    C (PLACEMENT_ID, "placement_id", "text") \
    C (PLACEMENT_CLIENT_ID, "client_id", "text") \
    C (PLACEMENT_MUNICIPALITY, "municipality", "text") \
    C (PLACEMENT_PLACING_ORG, "placing_org", "text") \
    C (PLACEMENT_ORGANISER_ORG, "organiser_org", "text") \
    C (PLACEMENT_START_DATE, "start_date", "text") \
    C (PLACEMENT_END_DATE, "end_date", "text") \
    C (PLACEMENT_COMPENSATION_CENTS, "compensation_cents", "int8") \
    C (PLACEMENT_INTERIM_EVALUATION, "interim_evaluation", "text") \
    C (PLACEMENT_FINAL_EVALUATION, "final_evaluation", "text") \
    C (PLACEMENT_DAYS_RECORDED, "days_recorded", "int8") \
    C (PLACEMENT_MINUTES_RECORDED, "minutes_recorded", "int8") \
    C (PLACEMENT_COMPENSATION_PAID, "compensation_paid", "numeric")
enum { GROUPS_PLACEMENT_ROW (KP_ROW_INDEX) };
#define GROUPS_REMINDER_ROW(C) \
    C (REMINDER_PLACEMENT_ID, "placement_id", "text") \
    C (REMINDER_STEP, "step", "text") \
    C (REMINDER_DUE, "due", "text") \
    C (REMINDER_CLIENT_ID, "client_id", "text") \
    C (REMINDER_MUNICIPALITY, "municipality", "text") \
    C (REMINDER_ORGANISER_ORG, "organiser_org", "text")
enum { GROUPS_REMINDER_ROW (KP_ROW_INDEX) };
//  One-column rows (groups_scalar and the like) are read at KP_ROW_ONLY.

//  Text limits (bytes); the migration's CHECKs say the same.
#define GROUPS_TITLE_MAX    200
#define GROUPS_TEXT_MAX     200
#define GROUPS_NAME_MAX     64
#define GROUPS_ORG_MAX      64
#define GROUPS_ORGS_MAX     20
#define GROUPS_COMPENSATION_MAX 100000

//  The service context (call->service): the evaluation reminder timer.
typedef struct {
    kp_db_t *db;
    zloop_t *loop;
    int reminder_timer;
} groups_context_t;

groups_context_t *groups_context_new (kp_server_t *server, const kp_config_t *config);
void groups_context_destroy (groups_context_t **self_p);

//  An activity as the rules need it.
typedef struct {
    char id [KP_ID_LEN + 1];
    char kind [32];
    char organiser_org [GROUPS_ORG_MAX + 1];
    char municipality [8];
    char venue [GROUPS_TEXT_MAX + 1];
    int capacity;
    bool closed;
    int64_t compensation_cents;
    int enrolled;
    bool caller_manages;            //  organiser, co-organiser or facilitator org
} groups_activity_t;

//  A session with its activity.
typedef struct {
    char id [KP_ID_LEN + 1];
    char series_id [KP_ID_LEN + 1];
    char date [11];
    bool cancelled;
    bool held;                      //  its date is today or past
    groups_activity_t activity;
} groups_session_t;

//  groups_activity: loading and who may do what. Each returns 0 with the
//  record filled, or -1 with the call failed (NOT_FOUND for an activity
//  the caller may not even see, FORBIDDEN for one it sees but does not
//  manage). field is the request's path of the id.
int groups_activity_load (kp_call_t *call, const char *id, const char *field, bool lock,
                          bool manage, groups_activity_t *activity);
int groups_session_load (kp_call_t *call, const char *id, const char *field, bool lock,
                         groups_session_t *session);

//  groups_access: the authorisation rules, one function each.
bool groups_access_may_create (const kp_identity_t *who, const char *municipality);
bool groups_access_may_see (const kp_identity_t *who, const groups_activity_t *activity);
bool groups_access_sees_client (const kp_identity_t *who, const char *client_municipality);

//  groups_event: one GroupsEvent for the activity, in the call's
//  transaction; fill sets the topic's own fields. 0 or -1.
int groups_event_emit (kp_db_t *db, const char *topic, const groups_activity_t *activity,
                       Kumppani__V1__GroupsEvent *payload);
//  One event each for count sessions of the activity (session_id and
//  session_date set), in one round trip.
int groups_event_emit_sessions (kp_db_t *db, const char *topic, const groups_activity_t *activity,
                                char *const *session_ids, char *const *dates, size_t count);
//  An event about a placement (no activity).
int groups_event_emit_placement (kp_db_t *db, const char *topic, const char *municipality,
                                 const char *organiser_org, Kumppani__V1__GroupsEvent *payload);

//  Helpers every handler uses (groups_activity.c).
char *groups_path (kp_call_t *call, const char *body, const char *field);
int groups_invalid (kp_call_t *call, const char *code, const char *body, const char *field,
                    const char *message);
//  The first column of the first row as an integer; -1 on error, 0 on no row.
int64_t groups_scalar (kp_db_t *db, const char *name, int nparams, const char *const *values);
//  Does intake know this client? 1 with municipality set, 0, -1 on error.
int groups_client_municipality (kp_db_t *db, const char *client_id, char *municipality);

//  Handlers.
int groups_create_activity (kp_call_t *call);
int groups_update_activity (kp_call_t *call);
int groups_get_activity (kp_call_t *call);
int groups_schedule_sessions (kp_call_t *call);
int groups_change_session (kp_call_t *call);
int groups_list_sessions (kp_call_t *call);
int groups_assign_facilitator (kp_call_t *call);
int groups_enrol (kp_call_t *call);
int groups_withdraw (kp_call_t *call);
int groups_get_participation (kp_call_t *call);
int groups_record_attendance (kp_call_t *call);
int groups_record_headcount (kp_call_t *call);
int groups_record_staffing (kp_call_t *call);
int groups_create_placement (kp_call_t *call);
int groups_record_placement_day (kp_call_t *call);
int groups_report_absence (kp_call_t *call);

//  groups_enrol: gives freed seats to the waitlist, first come first
//  served, with a groups.promoted event each. Returns how many, or -1.
//  promoted (may be NULL) gets the first promoted client's id.
int groups_enrol_promote (kp_call_t *call, groups_activity_t *activity, char *promoted);
//  groups_reminder: sends due evaluation reminders; returns how many.
int groups_reminder_tick (kp_db_t *db);

#endif
