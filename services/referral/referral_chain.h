/*  referral_chain — referrals forwarded on from one (referral_chain.c):
    the chain in its reply, and its events for the first sender. */
#ifndef REFERRAL_CHAIN_H
#define REFERRAL_CHAIN_H

#include "referral_record.h"
#include "kp_db.h"
#include "kp_server.h"
#include "kumppani/v1/referral.pb-c.h"

//  referral_chain: the referrals forwarded on from one, into its reply. 0 or -1.
int referral_chain_read (kp_call_t *call, const referral_t *referral, Kumppani__V1__ReferralReply *reply);
//  A child's event again for the chain's first sender (referral.chain_updated). 0 or -1.
int referral_chain_emit (kp_db_t *db, const referral_t *referral, const char *topic,
                         Kumppani__V1__ReferralState previous, const char *reason_code);

#endif
