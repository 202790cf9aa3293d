/*  kp_audit — the append-only, hash-chained audit log: who processed which
    client's data, how, on what basis and for whom (Act 703/2023). Rows are
    appended by kp.audit_append in the caller's transaction, so an audited
    change and its audit row commit together or not at all. */
#ifndef KP_AUDIT_H
#define KP_AUDIT_H

#include "kp_db.h"

#include <stdint.h>

typedef struct {
    const char *org_id;             //  from the CURVE certificate
    const char *person_id;          //  from the request's actor
    const char *role;
    const char *action;             //  "reporting.submit_observation"
    const char *client_ref;         //  pseudonymous client id or NULL
    const char *basis;              //  consent id / statutory basis or NULL
    const char *recipient_org;      //  for disclosures, else NULL
    const char *detail;             //  ids, never personal data
} kp_audit_entry_t;

extern const kp_stmt_t kp_audit_statements [];

//  Appends in the current transaction; 0 or -1.
int kp_audit_append (kp_db_t *db, const kp_audit_entry_t *entry);
//  Recomputes the whole chain in C from the rows' raw values (both
//  formats, see kp_audit_canon.h). 0 if intact, 1 if broken (*bad_seq is
//  the first row that fails), -1 on a database error. *rows gets the count.
int kp_audit_verify (kp_db_t *db, int64_t *bad_seq, int64_t *rows);

#endif
