/*  intake_events — the events intake appends about its cases and clients,
    in the caller's transaction (intake_case.c, intake_client.c). */
#ifndef INTAKE_EVENTS_H
#define INTAKE_EVENTS_H

#include "kp_db.h"

//  Appends topic for case_id with the case as it is now (state, channel,
//  linked referral ids) in the caller's transaction. 0 or -1.
int intake_case_emit (kp_db_t *db, const char *case_id, const char *topic, const char *review_date);
//  The same from row_index of a result with case_view's columns (the
//  referral consumer's batch reads its cases' rows in one statement).
int intake_case_emit_view (kp_db_t *db, PGresult *view, int row_index, const char *case_id, const char *topic,
                           const char *review_date);
//  Emits intake.client_registered.
int intake_client_emit_registered (kp_db_t *db, const char *client_id, const char *municipality);

#endif
