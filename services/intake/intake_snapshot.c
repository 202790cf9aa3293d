/*  intake_snapshot — the ESF participant snapshots: the client's gender,
    age, labour-market status, education level and municipality as they
    are when a case opens (start) and when it closes (exit), kept in the
    caller's transaction so the report sees the situation at entry and at
    exit, not today's client record. What a snapshot holds is defined once,
    in SQL (intake.take_participant_snapshot, migration 0012). A case opened
    by a notice has an entry window (migration 0025): the attributes the
    worker records in it complete its start snapshot. */
#include "intake_snapshot.h"
#include "kp_db.h"
#include "kp_log.h"
#include "kp_row.h"

#include <string.h>

int
intake_snapshot_take (kp_db_t *db, const char *case_id, const char *kind)
{
    const char *values [] = { case_id, kind };
    PGresult *result = kp_db_exec (db, "snapshot_take", 2, values);
    if (!result)
        return -1;
    //  One row, always: the case was written in this transaction, so a
    //  missing case (or an exit before the close) is our bug, not input.
    int rc = PQntuples (result) == 1 && kp_row_int (result, 0, KP_ROW_ONLY) == 1 ? 0 : -1;
    if (rc)
        kp_error ("no %s participant snapshot written for case %s", kind, case_id);
    PQclear (result);
    return rc;
}

int
intake_snapshot_retake (kp_db_t *db, const char *client_id)
{
    const char *values [] = { client_id };
    PGresult *result = kp_db_exec (db, "snapshot_retake", 1, values);
    if (!result)
        return -1;
    int retaken = PQntuples (result) == 1 ? (int) kp_row_int (result, 0, KP_ROW_ONLY) : -1;
    PQclear (result);
    return retaken;
}
