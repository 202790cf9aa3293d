/*  referral_clock — the deadline watch, one tick of the context's timer
    (referral_clock.c). */
#ifndef REFERRAL_CLOCK_H
#define REFERRAL_CLOCK_H

#include "kp_db.h"

//  referral_clock: sends due warnings and breaches; returns how many.
int referral_clock_tick (kp_db_t *db);

#endif
