/*  groups_activity — an activity and a session as the handlers and the
    rules share them, and their loading with who may see and manage them
    checked (groups_activity.c). */
#ifndef GROUPS_ACTIVITY_H
#define GROUPS_ACTIVITY_H

#include "groups_limits.h"
#include "kp_ids.h"
#include "kp_server.h"

#include <stdbool.h>
#include <stdint.h>

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

#endif
