/*  groups_access — the groups service's authorisation rules, one
    function each (groups_access.c). */
#ifndef GROUPS_ACCESS_H
#define GROUPS_ACCESS_H

#include "groups_activity.h"
#include "kp_admitted.h"

#include <stdbool.h>

//  groups_access: the authorisation rules, one function each.
bool groups_access_may_create (const kp_identity_t *who, const char *municipality);
bool groups_access_may_see (const kp_identity_t *who, const groups_activity_t *activity);
bool groups_access_sees_client (const kp_identity_t *who, const char *client_municipality);

#endif
