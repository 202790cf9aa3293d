/*  referral_cancel — what the cancel, hold and forward handlers share
    (referral_cancel.c): the referral a request names, and the reason
    given for the step. */
#ifndef REFERRAL_CANCEL_H
#define REFERRAL_CANCEL_H

#include "referral_record.h"
#include "kp_server.h"

//  referral_cancel: the referral a request names, locked; 0, or -1 with
//  the call failed (bad id, or not found for this caller). body names
//  the request body for the error's field path.
int referral_find_for (kp_call_t *call, const char *body, const char *id, referral_t *referral);
//  A required reason code and an optional note; 0, or -1 with the call failed.
int referral_check_reason (kp_call_t *call, const char *body, const char *reason_code, const char *note);

#endif
