/*  referral_access — who may send which kind, see which referral, see the
    henkilötunnus, and when a disclosure may still happen. The route table
    in referral_server.c says which organisation types may call at all;
    these say which referral they may touch. */
#include "referral_access.h"
#include "referral_record.h"
#include "kp_admitted.h"
#include "kp_organiser.h"
#include "kp_server.h"

#include <string.h>

//  Authorities that file §35 notices (ilmoitus sosiaalihuollon tarpeesta).
#define REFERRAL_SECTION_35_SENDERS "enforcement police health_care kela " KP_ORGANISER_TYPES

bool
referral_access_may_submit (const char *org_type, Kumppani__V1__ReferralKind kind)
{
    switch (kind) {
        case KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_SOCIAL_WORK_NEED:
        case KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_PERSONAL_DISCUSSION:
        case KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_APPLICATION_TRANSFER:
        case KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_BASIC_AMOUNT_REDUCTION:
            return strcmp (org_type, "kela") == 0;
        case KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_SECTION_35_NOTICE:
            return kp_org_type_in (org_type, REFERRAL_SECTION_35_SENDERS);
        case KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_PARTNER:
            return true;            //  the route admits only sending organisations
        default:
            return false;
    }
}

//  Kela sees what it sent; a municipality or partner what it sent or what
//  is addressed to it. Nobody else learns that the referral exists.
bool
referral_access_may_see (const kp_identity_t *who, const referral_t *referral)
{
    return strcmp (who->org_id, referral->sender_org) == 0
        || strcmp (who->org_id, referral->recipient_org) == 0;
}

bool
referral_access_is_recipient (const kp_identity_t *who, const referral_t *referral)
{
    return strcmp (who->org_id, referral->recipient_org) == 0;
}

//  Only the receiving municipality's social services get the identity
//  code back, and only while the basis for the disclosure holds.
bool
referral_access_sees_hetu (const kp_identity_t *who, const referral_t *referral)
{
    return referral_access_is_recipient (who, referral)
        && kp_org_type_in (who->org_type, KP_ORGANISER_TYPES)
        && kp_org_type_in (referral->recipient_type, KP_ORGANISER_TYPES)
        && referral_access_disclosure_allowed (referral);
}

//  A referral made on the client's consent discloses nothing more once the
//  consent is withdrawn, nor one the client's ban concerns (consent_withdrawn
//  is either: referral_intake sets neither on another basis); a §35 notice
//  does not lapse.
bool
referral_access_disclosure_allowed (const referral_t *referral)
{
    return !(referral->legal_basis != KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_SECTION_35
             && referral->consent_withdrawn);
}
