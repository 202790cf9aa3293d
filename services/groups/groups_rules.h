/*  groups_rules — the domain's word lists and the small rules that need
    no database: who gets a seat, the order of the absence chain, whether a
    rehabilitative work activity placement is within the law's bounds. */
#ifndef GROUPS_RULES_H
#define GROUPS_RULES_H

#include "kp_calendar.h"

#include <stdbool.h>

#define GROUPS_KINDS        "talousneuvola peer_support nature_based upcycling developer_clients" \
                            " discussion_cafe meeting_place group_rehabilitative_work exercise other"
#define GROUPS_AUDIENCES    "women men mixed open"
#define GROUPS_ATTENDANCE   "present absent excused"
#define GROUPS_STAFF_TYPES  "social_work debt_counselling enforcement diaconia social_credit kela peer_expert"
//  The absence chain in its order: the client tells the organiser, the
//  organiser the social instructor, who tells the TE office when needed.
#define GROUPS_ABSENCE_STEPS "client organiser social_instructor te_office"

//  True if word is one of the space-separated words of list.
bool groups_rules_word_in (const char *word, const char *list);

typedef enum { GROUPS_SEAT, GROUPS_WAITLIST } groups_seat_t;
//  capacity 0 means no limit.
groups_seat_t groups_rules_seat (int capacity, int enrolled);

//  Position of step in the chain (0 = client), -1 if not a step.
int groups_rules_absence_step (const char *step);
//  Whether step may be recorded after `recorded` steps: the chain is taken
//  in order, one step at a time. 1 next in line, 0 already recorded, -1 out
//  of order (a later step before its predecessor).
int groups_rules_absence_next (int recorded, int step);

typedef struct {
    int days_per_week;
    int hours_per_day;
    kp_date_t start;
    kp_date_t end;
    bool has_interim;
    kp_date_t interim;
} groups_placement_t;

//  NULL if the placement is within bounds, else the offending field's
//  name (days_per_week, hours_per_day, end_date, interim_evaluation_date).
const char *groups_rules_placement_check (const groups_placement_t *placement);
//  The same civil day `months` months later (clamped to the month's end).
kp_date_t groups_rules_add_months (kp_date_t date, int months);
//  The default interim evaluation: halfway.
kp_date_t groups_rules_interim (const groups_placement_t *placement);

#endif
