/*  intake_referrals_batch — the referral consumer's batch function: one
    statement finds which of a batch's notices already have their case
    (a replay, a second instance's work, the report bench's generated
    notices), and those, with the notices to partners, are done without
    a statement each. Every other notice goes to intake_referrals_handle. */
#ifndef INTAKE_REFERRALS_BATCH_H
#define INTAKE_REFERRALS_BATCH_H

#include "kp_db.h"
#include "kumppani/v1/envelope.pb-c.h"

#include <stdbool.h>
#include <stddef.h>

extern const kp_stmt_t intake_referrals_batch_statements [];

//  kp_consumer_batch_fn; arg is the intake_t.
int intake_referrals_on_batch (kp_db_t *db, Kumppani__V1__Event *const *events, size_t count,
                               bool *done, void *arg);

#endif
