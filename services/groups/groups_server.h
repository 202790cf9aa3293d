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

extern const kp_service_def_t groups_service;
extern const kp_stmt_t groups_statements [];

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
