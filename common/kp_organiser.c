/*  kp_organiser — see kp_organiser.h. One municipality per organiser until
    counties come: the organisation is a municipality's social services and
    its certificate names that municipality. */
#include "kp_organiser.h"

#include <string.h>

bool
kp_organiser_of (const kp_identity_t *org, const char *municipality)
{
    return org && municipality && *municipality
        && strcmp (org->org_type, "municipality") == 0
        && *org->municipality
        && strcmp (org->municipality, municipality) == 0;
}

bool
kp_organiser_is (kp_admitted_t *admitted, const char *org_id, const char *municipality)
{
    return admitted && org_id && *org_id
        && kp_organiser_of (kp_admitted_find_org (admitted, org_id), municipality);
}
