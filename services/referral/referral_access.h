/*  referral_access — the referral service's authorisation rules, one
    function each (referral_access.c). */
#ifndef REFERRAL_ACCESS_H
#define REFERRAL_ACCESS_H

#include "referral_record.h"
#include "kp_admitted.h"

#include <stdbool.h>

//  referral_access: the authorisation rules, one function each.
bool referral_access_may_submit (const char *org_type, Kumppani__V1__ReferralKind kind);
bool referral_access_may_see (const kp_identity_t *who, const referral_t *referral);
bool referral_access_is_recipient (const kp_identity_t *who, const referral_t *referral);
bool referral_access_sees_hetu (const kp_identity_t *who, const referral_t *referral);
bool referral_access_disclosure_allowed (const referral_t *referral);

#endif
