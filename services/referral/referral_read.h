/*  referral_read — a referral as a caller may see it, into the reply
    (referral_read.c): the henkilötunnus only for those entitled. */
#ifndef REFERRAL_READ_H
#define REFERRAL_READ_H

#include "referral_record.h"
#include "kp_server.h"

#include <stdbool.h>

//  referral_read: the view a caller may see (hetu only when entitled).
//  0, or -1 with the call failed.
int referral_read_view (kp_call_t *call, const referral_t *referral, bool with_history);
//  The same from row 0 of a result that starts with the view's columns
//  (without history); the caller keeps the result.
int referral_read_view_of_row (kp_call_t *call, const referral_t *referral, PGresult *result);
//  The same from row `row` of a result of many (the set-based submit).
int referral_read_view_of_row_at (kp_call_t *call, const referral_t *referral, PGresult *result, int row);

#endif
