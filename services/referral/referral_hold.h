/*  referral_hold — ending a referral's hold (referral_hold.c), shared
    with the steps that end one on the way (a cancel). */
#ifndef REFERRAL_HOLD_H
#define REFERRAL_HOLD_H

#include "referral_record.h"
#include "kp_db.h"

//  referral_hold: ends the hold (held days counted, a running clock's
//  deadline moved by them). 0 or -1 (database).
int referral_hold_end (kp_db_t *db, referral_t *referral);

#endif
