/*  groups_enrol — what enrolment shares with the other handlers
    (groups_enrol.c): the waitlist's promotion when seats are freed. */
#ifndef GROUPS_ENROL_H
#define GROUPS_ENROL_H

#include "groups_activity.h"
#include "kp_server.h"

//  groups_enrol: gives freed seats to the waitlist, first come first
//  served, with a groups.promoted event each. Returns how many, or -1.
//  promoted (may be NULL) gets the first promoted client's id.
int groups_enrol_promote (kp_call_t *call, groups_activity_t *activity, char *promoted);

#endif
