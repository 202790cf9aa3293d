/*  kp_organiser — who organises social services for a municipality: the
    one decision that access to a client, the recipient of a notice and
    the linking of a referral's client to a case all rest on. Today each
    municipality organisation's certificate names its one municipality;
    wellbeing services counties (one organiser, several municipalities)
    and an organisation registry replace this function, and only it. */
#ifndef KP_ORGANISER_H
#define KP_ORGANISER_H

#include "kp_server.h"

#include <stdbool.h>

//  True when org (an admitted certificate's identity) organises social
//  services in municipality (a Statistics Finland code).
bool kp_organiser_of (const kp_identity_t *org, const char *municipality);

#endif
