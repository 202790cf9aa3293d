/*  groups_sql — the groups service's prepared statements (groups_sql.c)
    and the rows they return, by name: each row's columns are the enum its
    readers index with (kp_row), and kp_db checks them against the
    statement. */
#ifndef GROUPS_SQL_H
#define GROUPS_SQL_H

#include "kp_db.h"

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

#endif
