/*  groups_handlers — the handlers the groups dispatch table names
    (groups_server.c), by concern, one file each. The placement path's and
    the follow-up's handlers are declared in groups_placement.h beside the
    rest of their concern. */
#ifndef GROUPS_HANDLERS_H
#define GROUPS_HANDLERS_H

#include "kp_server.h"

//  Activities (groups_activity.c).
int groups_create_activity (kp_call_t *call);
int groups_update_activity (kp_call_t *call);
int groups_get_activity (kp_call_t *call);
//  Sessions and their facilitators (groups_session.c).
int groups_schedule_sessions (kp_call_t *call);
int groups_change_session (kp_call_t *call);
int groups_list_sessions (kp_call_t *call);
int groups_assign_facilitator (kp_call_t *call);
//  Enrolment and the waitlist (groups_enrol.c).
int groups_enrol (kp_call_t *call);
int groups_withdraw (kp_call_t *call);
int groups_get_participation (kp_call_t *call);
//  Attendance, headcounts and staffing (groups_attendance.c).
int groups_record_attendance (kp_call_t *call);
int groups_record_headcount (kp_call_t *call);
int groups_record_staffing (kp_call_t *call);
//  Placements and their days (groups_placement.c).
int groups_create_placement (kp_call_t *call);
int groups_record_placement_day (kp_call_t *call);
int groups_report_absence (kp_call_t *call);

#endif
