/*  kp_organiser — who organises social services for a municipality: the
    one decision that access to a client, the recipient of a notice and
    the linking of a referral's client to a case all rest on. Today each
    municipality organisation's certificate names its one municipality;
    wellbeing services counties (one organiser, several municipalities)
    and an organisation registry replace these two functions, and only
    them. */
#ifndef KP_ORGANISER_H
#define KP_ORGANISER_H

#include "kp_admitted.h"

#include <stdbool.h>

//  True when org (an admitted certificate's identity) organises social
//  services in municipality (a Statistics Finland code).
bool kp_organiser_of (const kp_identity_t *org, const char *municipality);
//  True when the admitted organisation org_id organises municipality;
//  false for an organisation that is not admitted.
bool kp_organiser_is (kp_admitted_t *admitted, const char *org_id, const char *municipality);

#endif
