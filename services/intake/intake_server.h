/*  intake_server — the intake service's dispatch table, its context and
    the handlers the table names. Every handler file includes this. */
#ifndef INTAKE_SERVER_H
#define INTAKE_SERVER_H

#include "kp_consumer.h"
#include "kp_hetu.h"
#include "kp_service.h"

#include <stdbool.h>

extern const kp_service_def_t intake_service;
extern const kp_stmt_t intake_statements [];

//  The service context: what handlers, the referral consumer and the
//  review timer share. One loop, so no locking.
typedef struct {
    const kp_config_t *config;
    kp_server_t *server;            //  for the admitted certificates (kp_organiser)
    kp_db_t *db;                    //  the server's connection
    zloop_t *loop;
    kp_hetu_keys_t *keys;           //  henkilötunnus encryption and lookup hash
    kp_consumer_t *referrals;       //  "intake.referrals" on referral.received
    int reminder_timer;
} intake_t;

void *intake_new (kp_server_t *server, const kp_config_t *config);
void intake_destroy (void **self_p);

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

//  Appends topic for case_id with the case as it is now (state, channel,
//  linked referral ids) in the caller's transaction. 0 or -1.
int intake_case_emit (kp_db_t *db, const char *case_id, const char *topic, const char *review_date);
//  Inserts a case and its start snapshot in the caller's transaction; the
//  caller emits. 0 or -1.
int intake_case_insert (kp_db_t *db, const char *case_id, const char *client_id,
                        const char *municipality, const char *channel,
                        const char *responsible_worker, const char *opened_by_org);
//  Stores the client's ESF attributes as the case's participant snapshot
//  of kind "start" (at opening) or "exit" (after the close), in the
//  caller's transaction. 0 or -1 (database error, or nothing to snapshot).
int intake_snapshot_take (kp_db_t *db, const char *case_id, const char *kind);
//  Emits intake.client_registered.
int intake_client_emit_registered (kp_db_t *db, const char *client_id, const char *municipality);

//  Referral consumer (intake_referrals.c) and review timer (intake_reminder.c).
kp_consumer_fn intake_referrals_handle;
int intake_reminder_start (intake_t *self);
//  Emits intake.review_due for every reached review date not yet reminded;
//  returns how many were emitted, or -1.
int intake_reminder_run (intake_t *self);

//  Handlers, one file per concern.
int intake_client_register (kp_call_t *call);
int intake_client_update (kp_call_t *call);
int intake_client_get (kp_call_t *call);
int intake_client_find_by_hetu (kp_call_t *call);
int intake_consent_record (kp_call_t *call);
int intake_consent_withdraw (kp_call_t *call);
int intake_consent_list (kp_call_t *call);
int intake_consent_ban (kp_call_t *call);
//  GetDisclosureLog (intake_disclosures.c).
int intake_disclosures_get (kp_call_t *call);
int intake_case_open (kp_call_t *call);
int intake_case_start_assessment (kp_call_t *call);
int intake_case_complete_assessment (kp_call_t *call);
int intake_case_make_plan (kp_call_t *call);
int intake_case_review_plan (kp_call_t *call);
int intake_case_close (kp_call_t *call);
int intake_case_get (kp_call_t *call);
int intake_ecomap_add (kp_call_t *call);
int intake_measure_add (kp_call_t *call);
int intake_outcome_record (kp_call_t *call);
int intake_outcome_change (kp_call_t *call);
int intake_anonymous_record (kp_call_t *call);

//  Enum value ↔ database code (intake_codes.c): NULL for 0 or unknown.
#define INTAKE_CODE_MAX 48
const char *intake_code_of (const ProtobufCEnumDescriptor *descriptor, int value, char *buffer,
                            size_t size);
//  0 for an unknown code.
int intake_value_of (const ProtobufCEnumDescriptor *descriptor, const char *code);

//  Small shared checks (intake_server.c).
bool intake_is_municipality_code (const char *text);
bool intake_is_code (const char *text, size_t max);
int intake_invalid (kp_call_t *call, const char *code, const char *field, const char *message);

#endif
