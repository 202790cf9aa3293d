/*  groups_event — the GroupsEvents the service appends, in the call's
    transaction (groups_event.c). */
#ifndef GROUPS_EVENT_H
#define GROUPS_EVENT_H

#include "groups_activity.h"
#include "kp_db.h"
#include "kumppani/v1/groups.pb-c.h"

#include <stddef.h>

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

#endif
