/*  intake_referrals_batch — the referral consumer's batch function: one
    statement finds which of a batch's notices already have their case
    (a replay, a second instance's work, the report bench's generated
    notices), and those, with the notices to partners, are done without
    a statement each. The notices about persons intake does not know yet
    open their clients and cases set-based, a statement per table for the
    batch. Every other notice goes to intake_referrals_handle. */
#ifndef INTAKE_REFERRALS_BATCH_H
#define INTAKE_REFERRALS_BATCH_H

#include "kp_db.h"
#include "kp_hetu.h"
#include "kumppani/v1/envelope.pb-c.h"

#include <stdbool.h>
#include <stddef.h>

extern const kp_stmt_t intake_referrals_batch_statements [];

//  kp_consumer_batch_fn; arg is the intake_t.
int intake_referrals_on_batch (kp_db_t *db, Kumppani__V1__Event *const *events, size_t count,
                               bool *done, void *arg);

//  The birth date (YYYY-MM-DD into date [11]) and year the henkilötunnus
//  in an identity box (a bytea column's text) holds; false when the box
//  does not open or holds no valid henkilötunnus (then no birth date).
bool intake_referrals_birth_date (const kp_hetu_keys_t *keys, const char *box_text, char *date, int *year);

#endif
