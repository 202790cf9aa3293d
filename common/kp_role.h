/*  kp_role — which roles the people of an organisation may claim. The
    organisation comes from its certificate, the role from the request;
    this table ties the two, so that a Kela certificate cannot act as a
    social worker or as another kumppani service. README.md ("Roles") and
    tests/integration/authz_matrix.h carry the same table. */
#ifndef KP_ROLE_H
#define KP_ROLE_H

#include "kumppani/v1/envelope.pb-c.h"

#include <stdbool.h>

//  True when a person of an organisation of org_type may act in role.
//  An organisation type not in the table may claim no role.
bool kp_role_allowed (const char *org_type, Kumppani__V1__Role role);
//  The role people of org_type act in when none is named (the first of
//  its row), or ROLE_UNSPECIFIED for a type not in the table.
Kumppani__V1__Role kp_role_default (const char *org_type);
//  The roles org_type may claim, as a space-separated list of short names
//  ("social_worker social_instructor"), for messages; "" if none.
const char *kp_role_list (const char *org_type);

#endif
