/*  referral_statement — Kela's statement requests as the rest of the
    service meets them (referral_statement.c): in a referral's view, and
    the watch over their due dates. */
#ifndef REFERRAL_STATEMENT_H
#define REFERRAL_STATEMENT_H

#include "kp_db.h"
#include "kp_server.h"
#include "kumppani/v1/referral.pb-c.h"

#include <stdbool.h>

//  referral_statement: the requests into a single referral's view (0, or
//  -1 with the call failed; Kela's notes only with show_notes) and the
//  breach watch (one tick: how many breaches it sent, -1 on a database
//  error). GiveStatement answers the open request in its own statement
//  (referral_set_statement).
int referral_statement_fill_view (kp_call_t *call, Kumppani__V1__ReferralView *view, bool show_notes);
int referral_statement_tick (kp_db_t *db);

#endif
