/*  kp_db_value — single values from prepared statements (see kp_db.h),
    so that no service keeps its own exec-read-clear helper. */
#include "kp_db.h"

#include <stdio.h>
#include <stdlib.h>

int
kp_db_run (kp_db_t *self, const char *name, int nparams, const char *const *values)
{
    PGresult *result = kp_db_exec (self, name, nparams, values);
    if (!result)
        return -1;
    PQclear (result);
    return 0;
}

int
kp_db_int64 (kp_db_t *self, const char *name, int nparams, const char *const *values, int64_t *value)
{
    PGresult *result = kp_db_exec (self, name, nparams, values);
    if (!result)
        return -1;
    int found = PQntuples (result) > 0 && PQnfields (result) > 0;
    if (found)
        *value = strtoll (PQgetvalue (result, 0, 0), NULL, 10);
    PQclear (result);
    return found;
}

int
kp_db_text (kp_db_t *self, const char *name, int nparams, const char *const *values,
            char *out, size_t size)
{
    PGresult *result = kp_db_exec (self, name, nparams, values);
    if (!result)
        return -1;
    int found = PQntuples (result) > 0 && PQnfields (result) > 0;
    snprintf (out, size, "%s", found ? PQgetvalue (result, 0, 0) : "");
    PQclear (result);
    return found;
}
