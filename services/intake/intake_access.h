/*  intake_access — who may read, write or identify a client's data: THE
    authorisation rule for it (intake_access.c), the refusal an unknown
    object gets, and the audit row every access writes. */
#ifndef INTAKE_ACCESS_H
#define INTAKE_ACCESS_H

#include "kp_server.h"

#include <stddef.h>

//  What a caller wants to do with a client's data.
//  INTAKE_IDENTIFY: find a person by henkilötunnus.
typedef enum { INTAKE_READ, INTAKE_WRITE, INTAKE_IDENTIFY } intake_access_t;

//  What a refusal must look like: the reply an unknown id of this kind
//  gets (NOT_FOUND), or INTAKE_NO_OBJECT where nothing exists yet to hide
//  (registering, moving a client: FORBIDDEN).
typedef enum { INTAKE_NO_OBJECT, INTAKE_CLIENT, INTAKE_CASE, INTAKE_CONSENT } intake_object_t;

//  THE authorisation rule for a client's data (intake_access.c). 0 when
//  allowed, with basis and recipient set for the audit row; -1 after
//  failing the call: as intake_not_found (object) when the caller may not
//  even read the client, FORBIDDEN when it may read but not do this.
//  scope is the consent scope that would disclose this read to another
//  organisation ("client", "case").
int intake_access_check (kp_call_t *call, const char *client_id, const char *client_municipality,
                         intake_access_t access, const char *scope, intake_object_t object,
                         const char **basis, const char **recipient);
//  Fails the call as an unknown object of this kind; returns -1.
int intake_not_found (kp_call_t *call, intake_object_t object);
//  Looks up a client's municipality; 0 found, 1 not found (call failed
//  NOT_FOUND), -1 database error (call failed).
int intake_client_municipality (kp_call_t *call, const char *client_id, char *municipality,
                                size_t size);
//  Checks access to a client and writes the audit row in one step; an
//  unknown client fails as intake_not_found (object).
int intake_access_audit (kp_call_t *call, const char *client_id, intake_access_t access,
                         const char *scope, intake_object_t object, const char *detail);

#endif
