/*  intake_snapshot — a case's participant snapshots (intake_snapshot.c):
    the client's ESF attributes as they were at opening and at exit. */
#ifndef INTAKE_SNAPSHOT_H
#define INTAKE_SNAPSHOT_H

#include "kp_db.h"

//  Stores the client's ESF attributes as the case's participant snapshot
//  of kind "start" (at opening) or "exit" (after the close), in the
//  caller's transaction. 0 or -1 (database error, or nothing to snapshot).
int intake_snapshot_take (kp_db_t *db, const char *case_id, const char *kind);
//  Retakes the start snapshots of the client's notice cases whose entry
//  window is open (migration 0025), after its attributes were recorded;
//  the number retaken, or -1.
int intake_snapshot_retake (kp_db_t *db, const char *client_id);

#endif
