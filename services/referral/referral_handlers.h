/*  referral_handlers — the handlers the referral dispatch table names
    (referral_server.c), by concern, one file each. */
#ifndef REFERRAL_HANDLERS_H
#define REFERRAL_HANDLERS_H

#include "kp_server.h"

//  Submitting (referral_submit.c).
int referral_submit (kp_call_t *call);
//  The same set-based, in a batch's fast path (kp_server.h: stage, flush).
int referral_submit_stage (kp_call_t *call);
int referral_submit_flush (kp_call_t **calls, size_t count);
//  The recipient's steps (referral_lifecycle.c).
int referral_acknowledge (kp_call_t *call);
int referral_assign (kp_call_t *call);
int referral_update_status (kp_call_t *call);
int referral_decline (kp_call_t *call);
int referral_accept (kp_call_t *call);
int referral_record_outcome (kp_call_t *call);
int referral_give_statement (kp_call_t *call);
int referral_record_decision (kp_call_t *call);
//  Reading (referral_read.c).
int referral_get (kp_call_t *call);
int referral_list (kp_call_t *call);
//  Kela's statement requests and the messages (referral_statement.c,
//  referral_message.c).
int referral_request_statement (kp_call_t *call);
int referral_post_message (kp_call_t *call);
int referral_list_messages (kp_call_t *call);
//  Cancelling, holding and forwarding (referral_cancel.c, referral_hold.c,
//  referral_forward.c).
int referral_cancel (kp_call_t *call);
int referral_hold (kp_call_t *call);
int referral_resume (kp_call_t *call);
int referral_forward (kp_call_t *call);

#endif
