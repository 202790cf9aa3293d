/*  referral_deadline — which statutory clock a new referral starts and
    when it runs out, in Finnish working days (kp_calendar). Pure
    functions: no database, no clock of their own. */
#ifndef REFERRAL_DEADLINE_H
#define REFERRAL_DEADLINE_H

#include "kp_calendar.h"
#include "kumppani/v1/referral.pb-c.h"

#include <stdbool.h>

//  Working days for a decision on a transferred application and for a
//  personal discussion (Social Assistance Act §14, Kela–kunta model).
#define REFERRAL_DECISION_DAYS              7
#define REFERRAL_PERSONAL_DISCUSSION_DAYS   7
//  Urgent decisions: "the same or the next working day"; the clock allows the latest.
#define REFERRAL_URGENT_DECISION_DAYS       1
//  Service-need assessment start (Social Welfare Act §36): 7 working days
//  for the statutory groups, "without delay" for everyone else. The target
//  for the others is a municipal rule (*check*); 7 is the common choice and
//  this define is the one place to change it.
#define REFERRAL_ASSESSMENT_TARGET_DAYS     7

typedef struct {
    const char *kind;               //  "decision", "personal_discussion", "assessment_start"; NULL: no clock
    kp_date_t deadline;             //  the last day the duty may be met on
    kp_date_t warning_on;           //  the working day before the deadline
} referral_deadline_t;

//  The clock a referral received on `received` starts. Only referrals to a
//  municipality's social services carry a statutory clock.
referral_deadline_t referral_deadline_for (Kumppani__V1__ReferralKind kind, bool urgent,
                                           bool to_municipality, kp_date_t received);
//  The last working day before date (date itself is not considered).
kp_date_t referral_deadline_previous_working_day (kp_date_t date);
//  Working days a referral held from since (the first held day) to until
//  (the day it resumed) was on hold: the working days in [since, until).
//  0 when it resumed the day it was held.
int referral_deadline_held_days (kp_date_t since, kp_date_t until);
//  A deadline after held working days on hold: that many working days
//  later (a deadline that was itself no working day counts from the next).
kp_date_t referral_deadline_moved (kp_date_t deadline, int held_days);

#endif
