/*  referral_limits — the bounds of what a referral request may carry
    (the migrations' CHECKs say the same) and the organisation types that
    receive referrals. */
#ifndef REFERRAL_LIMITS_H
#define REFERRAL_LIMITS_H

//  Text limits (bytes); the migration's CHECKs say the same.
#define REFERRAL_FREE_TEXT_MAX  2000
#define REFERRAL_NOTE_MAX       2000
#define REFERRAL_STATEMENT_MAX  4000
#define REFERRAL_CONTACT_MAX    200
#define REFERRAL_CODE_MAX       64

//  Organisations that receive referrals and answer them (never Kela in
//  this exchange); also the recipient types a referral may name.
#define REFERRAL_RECEIVERS  "municipality county debt_counselling parish ngo te_office housing outreach social_credit"

#endif
