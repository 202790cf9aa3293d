/*  intake_client — a client's recorded attributes as registration shares
    them: how many there are, and registering a person already registered
    (intake_client_apply.c). */
#ifndef INTAKE_CLIENT_H
#define INTAKE_CLIENT_H

#include "kp_server.h"

#include <stddef.h>

//  The ESF and other attributes, in client_insert / client_update order.
#define INTAKE_ATTRIBUTES 12
//  RegisterClient of a person already registered (intake_client_apply.c):
//  writes the attributes given (values, NULL = not given) that differ from
//  the record, their names into updated (n_updated of them) and the audit
//  detail. 0, or -1 with the call failed.
int intake_client_apply (kp_call_t *call, const char *client_id, const char *const *values,
                         const char **updated, size_t *n_updated, char *detail, size_t detail_size);

#endif
