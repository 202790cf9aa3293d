/*  referral_intake — what the referral service folds from intake's
    events (referral_intake.c), in the consumer's transaction. */
#ifndef REFERRAL_INTAKE_H
#define REFERRAL_INTAKE_H

#include "kp_db.h"
#include "kumppani/v1/envelope.pb-c.h"

#include <stddef.h>

//  referral_intake: handles intake.* events inside the consumer's transaction.
int referral_intake_on_event (kp_db_t *db, const Kumppani__V1__Event *event, void *arg,
                              char *error, size_t error_size);

#endif
