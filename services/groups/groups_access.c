/*  groups_access — who may create an activity, who may see one, and whose
    clients' participation a caller may read. Which organisation types may
    call an operation at all is groups_server.c's route table; managing an
    activity (its organiser, co-organisers and facilitating organisations)
    is decided by groups_activity_load from the activity's own rows. */
#include "groups_access.h"
#include "groups_activity.h"
#include "kp_admitted.h"
#include "kp_organiser.h"
#include "kp_server.h"

#include <string.h>

//  Organisations that run groups.
#define GROUPS_ORGANISERS KP_ORGANISER_TYPES " ngo parish debt_counselling"

//  A municipality organises in its own area only; NGOs, parishes and debt
//  counselling work across municipalities.
bool
groups_access_may_create (const kp_identity_t *who, const char *municipality)
{
    if (!kp_org_type_in (who->org_type, GROUPS_ORGANISERS))
        return false;
    return !kp_org_type_in (who->org_type, KP_ORGANISER_TYPES) || kp_organiser_of (who, municipality);
}

//  Its own organisations see an activity; so does the municipality it
//  runs in (its social workers refer clients to it). Nobody else learns
//  that it exists.
bool
groups_access_may_see (const kp_identity_t *who, const groups_activity_t *activity)
{
    return activity->caller_manages || kp_organiser_of (who, activity->municipality);
}

//  A municipality's social workers see the participation of the clients
//  of their own municipality.
bool
groups_access_sees_client (const kp_identity_t *who, const char *client_municipality)
{
    return kp_organiser_of (who, client_municipality);
}
