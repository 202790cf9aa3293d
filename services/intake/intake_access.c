/*  intake_access — who may read or write a client's data, in one function.
      the organiser of the client's municipality (kp_organiser_of):
          social worker, social instructor     read and write
          benefit processor                    read only
          (identifying by henkilötunnus: social workers and instructors only)
      any other organisation (kela, ngo, debt counselling, another
      municipality, integrators, …)            a read only where an active
                                               consent for that organisation
                                               and scope discloses it and no
                                               ban forbids it; never a write
    What a caller may not even read it is not told exists: the refusal is
    the very reply an unknown id gets (intake_not_found). Only a caller who
    may read the client but not do this hears FORBIDDEN.
    Every allowed read or write is audited with the client's pseudonymous id,
    and a disclosure names its basis and recipient (Act 703/2023). */
#include "intake_access.h"
#include "kp_admitted.h"
#include "kp_db.h"
#include "kp_disclosure.h"
#include "kp_organiser.h"
#include "kp_row.h"
#include "kp_server.h"

#include <stdio.h>
#include <string.h>

static int
s_forbidden (kp_call_t *call)
{
    return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, "intake.forbidden", NULL,
                         "you may not see or change this client's data");
}

int
intake_not_found (kp_call_t *call, intake_object_t object)
{
    switch (object) {
        case INTAKE_CASE:
            return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_NOT_FOUND, "intake.unknown_case",
                                 NULL, "no such case");
        case INTAKE_CONSENT:
            return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_NOT_FOUND, "intake.unknown_consent",
                                 NULL, "no such consent");
        case INTAKE_CLIENT:
            return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_NOT_FOUND, "intake.unknown_client",
                                 NULL, "no such client");
        default:
            return s_forbidden (call);
    }
}

int
intake_access_check (kp_call_t *call, const char *client_id, const char *client_municipality,
                     intake_access_t access, const char *scope, intake_object_t object,
                     const char **basis, const char **recipient)
{
    const kp_identity_t *identity = call->identity;
    Kumppani__V1__Role role = call->request->actor ? call->request->actor->role
                                                   : KUMPPANI__V1__ROLE__ROLE_UNSPECIFIED;
    *basis = NULL;
    *recipient = NULL;
    if (kp_organiser_of (identity, client_municipality)) {
        if (role == KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER
        ||  role == KUMPPANI__V1__ROLE__ROLE_SOCIAL_INSTRUCTOR)
            return 0;
        if (role == KUMPPANI__V1__ROLE__ROLE_BENEFIT_PROCESSOR) {
            if (access == INTAKE_READ)
                return 0;
            //  They may read this client: refusing the rest tells nothing.
            return s_forbidden (call);
        }
        return intake_not_found (call, object);
    }
    if (access == INTAKE_READ && scope && client_id) {
        //  A disclosure to another organisation: the one check (consent
        //  and no ban). Its refusal is the unknown id's reply here, as any
        //  outsider's: a caller without consent learns nothing of the client.
        kp_disclosure_t disclosure = {
            .client_id = client_id, .recipient_org = identity->org_id, .scope = scope,
            .basis = KP_DISCLOSURE_CONSENT, .consent_ref = "", .object_id = client_id
        };
        kp_disclosure_verdict_t verdict;
        if (kp_disclosure_check (call->db, &disclosure, &verdict))
            return kp_call_db_fail (call);
        if (!verdict.refusal) {
            *basis = "consent";
            *recipient = identity->org_id;
            return kp_disclosure_record (call, &disclosure, &verdict);
        }
    }
    return intake_not_found (call, object);
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
        snprintf (municipality, size, "%s", kp_row_text (result, 0, KP_ROW_ONLY));
    PQclear (result);
    if (!found) {
        intake_not_found (call, INTAKE_CLIENT);
        return 1;
    }
    return 0;
}

int
intake_access_audit (kp_call_t *call, const char *client_id, intake_access_t access,
                     const char *scope, intake_object_t object, const char *detail)
{
    char municipality [16];
    int unknown = intake_client_municipality (call, client_id, municipality, sizeof municipality);
    if (unknown)
        return unknown < 0 || object == INTAKE_CLIENT ? -1 : intake_not_found (call, object);
    const char *basis, *recipient;
    if (intake_access_check (call, client_id, municipality, access, scope, object, &basis, &recipient))
        return -1;
    if (kp_call_audit (call, client_id, basis, recipient, detail))
        return kp_call_db_fail (call);
    return 0;
}
