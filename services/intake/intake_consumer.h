/*  intake_consumer — what intake folds from other services' events
    (kp_consumer): a referral received (intake_referrals.c), and groups'
    placements as measures of the client's case (intake_placements.c). */
#ifndef INTAKE_CONSUMER_H
#define INTAKE_CONSUMER_H

#include "kp_consumer.h"
#include "kp_db.h"

//  A referral received (intake_referrals.c).
kp_consumer_fn intake_referrals_handle;
//  Placements as measures of the client's case (intake_placements.c).
kp_consumer_fn intake_placements_handle;
extern const kp_stmt_t intake_placement_statements [];

#endif
