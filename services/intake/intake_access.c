/*  intake_access — who may read or write a client's data, in one function.
      municipality of the client's municipality:
          social worker, social instructor     read and write
          benefit processor                    read only
          (identifying by henkilötunnus: social workers and instructors only)
      any other organisation (kela, ngo, debt counselling, another
      municipality, integrators, …)            a read only where an active
                                               consent for that organisation
                                               and scope discloses it and no
                                               ban forbids it; never a write
    Every allowed read or write is audited with the client's pseudonymous id,
    and a disclosure names its basis and recipient (Act 703/2023). */
#include "intake_server.h"

#include <stdio.h>
#include <string.h>

static int
s_forbidden (kp_call_t *call)
{
    return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, "intake.forbidden", NULL,
                         "you may not see or change this client's data");
}

int
intake_access_check (kp_call_t *call, const char *client_id, const char *client_municipality,
                     intake_access_t access, const char *scope,
                     const char **basis, const char **recipient)
{
    const kp_identity_t *identity = call->identity;
    Kumppani__V1__Role role = call->request->actor ? call->request->actor->role
                                                   : KUMPPANI__V1__ROLE__ROLE_UNSPECIFIED;
    *basis = NULL;
    *recipient = NULL;
    bool own_municipality = strcmp (identity->org_type, "municipality") == 0
                         && *identity->municipality
                         && strcmp (identity->municipality, client_municipality) == 0;
    if (own_municipality) {
        if (role == KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER
        ||  role == KUMPPANI__V1__ROLE__ROLE_SOCIAL_INSTRUCTOR)
            return 0;
        if (role == KUMPPANI__V1__ROLE__ROLE_BENEFIT_PROCESSOR && access == INTAKE_READ)
            return 0;
        return s_forbidden (call);
    }
    if (access != INTAKE_READ || !scope)
        return s_forbidden (call);
    //  A disclosure to another organisation: consent and no ban.
    const char *values [] = { client_id, identity->org_id, scope };
    PGresult *result = kp_db_exec (call->db, "disclosure_permitted", 3, values);
    if (!result)
        return kp_call_db_fail (call);
    bool permitted = PQntuples (result) > 0;
    PQclear (result);
    if (!permitted)
        return s_forbidden (call);
    *basis = "consent";
    *recipient = identity->org_id;
    return 0;
}

int
intake_client_municipality (kp_call_t *call, const char *client_id, char *municipality, size_t size)
{
    const char *values [] = { client_id };
    PGresult *result = kp_db_exec (call->db, "client_municipality", 1, values);
    if (!result) {
        kp_call_db_fail (call);
        return -1;
    }
    int found = PQntuples (result) > 0;
    if (found)
        snprintf (municipality, size, "%s", PQgetvalue (result, 0, 0));
    PQclear (result);
    if (!found) {
        kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_NOT_FOUND, "intake.unknown_client",
                      NULL, "no such client");
        return 1;
    }
    return 0;
}

int
intake_access_audit (kp_call_t *call, const char *client_id, intake_access_t access,
                     const char *scope, const char *detail)
{
    char municipality [16];
    if (intake_client_municipality (call, client_id, municipality, sizeof municipality))
        return -1;
    const char *basis, *recipient;
    if (intake_access_check (call, client_id, municipality, access, scope, &basis, &recipient))
        return -1;
    if (kp_call_audit (call, client_id, basis, recipient, detail))
        return kp_call_db_fail (call);
    return 0;
}
