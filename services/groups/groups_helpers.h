/*  groups_helpers — the small helpers every groups handler uses
    (groups_activity.c): a request field's path, an INVALID refusal, a
    single figure from a statement, the municipality intake knows a
    client by. */
#ifndef GROUPS_HELPERS_H
#define GROUPS_HELPERS_H

#include "kp_db.h"
#include "kp_server.h"

#include <stdint.h>

//  Helpers every handler uses (groups_activity.c).
char *groups_path (kp_call_t *call, const char *body, const char *field);
int groups_invalid (kp_call_t *call, const char *code, const char *body, const char *field,
                    const char *message);
//  The first column of the first row as an integer; -1 on error, 0 on no row.
int64_t groups_scalar (kp_db_t *db, const char *name, int nparams, const char *const *values);
//  Does intake know this client? 1 with municipality set, 0, -1 on error.
int groups_client_municipality (kp_db_t *db, const char *client_id, char *municipality);

#endif
