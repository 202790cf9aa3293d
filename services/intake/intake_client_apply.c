/*  intake_client_apply — RegisterClient of a person already registered
    with the caller: the attributes sent are not dropped. Those the stored
    record lacks or holds otherwise are applied as an update (only those:
    an attribute not sent stays as it is), named in the reply's
    updated_fields and in the audit entry, and the start snapshots still in
    their entry window are retaken (intake_snapshot_retake). */
#include "intake_client.h"
#include "intake_snapshot.h"
#include "kp_db.h"
#include "kp_row.h"
#include "kp_server.h"

#include <stdio.h>
#include <string.h>

//  The attributes in the order client_apply takes them (and client_get
//  returns them: INTAKE_CLIENT_ROW).
static const char *const s_names [INTAKE_ATTRIBUTES] = {
    "municipality", "birth_date", "birth_year", "gender", "language", "labour_market_status",
    "education_level", "living_alone", "foreign_background", "disability", "homelessness",
    "other_disadvantage"
};

int
intake_client_apply (kp_call_t *call, const char *client_id, const char *const *values,
                     const char **updated, size_t *n_updated, char *detail, size_t detail_size)
{
    *n_updated = 0;
    const char *key [] = { client_id };
    PGresult *stored = kp_db_exec (call->db, "client_get", 1, key);
    if (!stored)
        return kp_call_db_fail (call);
    if (PQntuples (stored) != 1) {
        PQclear (stored);
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_NOT_FOUND, "intake.unknown_client",
                             NULL, "no such client");
    }
    //  Only what differs is written, so the audit names what changed.
    const char *changes [1 + INTAKE_ATTRIBUTES] = { client_id };
    size_t length = (size_t) snprintf (detail, detail_size, "already registered");
    for (int index = 0; index < INTAKE_ATTRIBUTES; index++) {
        const char *now = kp_row_text (stored, 0, index);
        if (!values [index] || strcmp (values [index], now) == 0)
            continue;
        changes [1 + index] = values [index];
        updated [(*n_updated)++] = s_names [index];
        if (length < detail_size)
            length += (size_t) snprintf (detail + length, detail_size - length, "%s%s",
                                         *n_updated == 1 ? "; updated " : " ", s_names [index]);
    }
    PQclear (stored);
    if (*n_updated == 0)
        return 0;
    PGresult *result = kp_db_exec (call->db, "client_apply", 1 + INTAKE_ATTRIBUTES, changes);
    if (!result)
        return kp_call_db_fail (call);
    PQclear (result);
    return intake_snapshot_retake (call->db, client_id) < 0 ? kp_call_db_fail (call) : 0;
}
