/*  intake_case_row — a case as the step handlers share it (intake_case.c):
    its row, loaded with access checked and audited, inserted with its
    start snapshot, and sent back in a reply. */
#ifndef INTAKE_CASE_ROW_H
#define INTAKE_CASE_ROW_H

#include "intake_access.h"
#include "kp_db.h"
#include "kp_server.h"

//  A case as the step handlers need it.
typedef struct {
    char case_id [32];
    char client_id [32];
    char municipality [16];
    char state [32];
} intake_case_row_t;

//  Loads a case (locked unless access is INTAKE_READ), checks access to
//  its client and audits; 0, or -1 with the call failed (a case the caller
//  may not see fails exactly as an unknown one). field names the case id
//  in the body for INVALID. Handlers call it before checking the rest of
//  the body.
int intake_case_lock (kp_call_t *call, const char *case_id, const char *field,
                      intake_access_t access, const char *detail, intake_case_row_t *row);
//  Fills the reply with the case as stored; created_id may be NULL.
int intake_case_reply (kp_call_t *call, const char *case_id, const char *created_id);
//  Inserts a case and its start snapshot in the caller's transaction; the
//  caller emits. 0 or -1.
int intake_case_insert (kp_db_t *db, const char *case_id, const char *client_id,
                        const char *municipality, const char *channel,
                        const char *responsible_worker, const char *opened_by_org);

#endif
