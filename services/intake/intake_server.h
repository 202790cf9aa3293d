/*  intake_server — the intake service's dispatch table, its context and
    the handlers the table names. Every handler file includes this. */
#ifndef INTAKE_SERVER_H
#define INTAKE_SERVER_H

#include "kp_check.h"
#include "kp_consumer.h"
#include "kp_enum.h"
#include "kp_row.h"
#include "kp_hetu.h"
#include "kp_service.h"

#include <stdbool.h>
#include <stdint.h>

extern const kp_service_def_t intake_service;
extern const kp_stmt_t intake_statements [];

//  The rows the statements return (intake_sql.c; kp_db holds each spec
//  against its statement when it prepares it). A case's lock columns
//  lead its full row, so a case reads the same from either.
#define INTAKE_CASE_LOCK_ROW(C) \
    C (CASE_CLIENT_ID, "client_id", "text") \
    C (CASE_MUNICIPALITY, "municipality", "text") \
    C (CASE_STATE, "state", "text")
#define INTAKE_CASE_MORE(C) \
    C (CASE_CHANNEL, "channel", "text") \
    C (CASE_RESPONSIBLE_WORKER, "responsible_worker", "text") \
    C (CASE_OPENED_AT, "opened_at", "text") \
    C (CASE_CLOSED_AT, "closed_at", "text") \
    C (CASE_CLOSURE_REASON, "closure_reason", "text") \
    C (CASE_NEXT_REVIEW_DATE, "next_review_date", "text") \
    C (CASE_OPENED_AT_US, "opened_at_us", "int8") \
    C (CASE_CLOSED_AT_US, "closed_at_us", "int8")
//  case_view: the full row, then the linked referral ids (space-separated).
#define INTAKE_CASE_VIEW_MORE(C) \
    C (CASE_REFERRAL_IDS, "referral_ids", "text")
enum { INTAKE_CASE_LOCK_ROW (KP_ROW_INDEX) INTAKE_CASE_MORE (KP_ROW_INDEX) INTAKE_CASE_VIEW_MORE (KP_ROW_INDEX) };
//  disclosure_log: one entry of the client's disclosure log.
#define INTAKE_DISCLOSURE_LOG_ROW(C) \
    C (LOG_SEQ, "seq", "int8") \
    C (LOG_AT, "at", "text") \
    C (LOG_SERVICE, "service", "text") \
    C (LOG_ACTOR_ORG, "actor_org", "text") \
    C (LOG_PERSON, "actor_person", "text") \
    C (LOG_RECIPIENT_ORG, "recipient_org", "text") \
    C (LOG_KIND, "kind", "text") \
    C (LOG_BASIS, "basis", "text") \
    C (LOG_CONSENT_ID, "consent_id", "text") \
    C (LOG_OBJECT_ID, "object_id", "text") \
    C (LOG_AT_US, "at_us", "int8")
enum { INTAKE_DISCLOSURE_LOG_ROW (KP_ROW_INDEX) };
#define INTAKE_CLIENT_ROW(C) \
    C (CLIENT_MUNICIPALITY, "municipality", "text") \
    C (CLIENT_BIRTH_DATE, "birth_date", "text") \
    C (CLIENT_BIRTH_YEAR, "birth_year", "int4") \
    C (CLIENT_GENDER, "gender", "text") \
    C (CLIENT_LANGUAGE, "language", "text") \
    C (CLIENT_LABOUR_MARKET_STATUS, "labour_market_status", "text") \
    C (CLIENT_EDUCATION_LEVEL, "education_level", "text") \
    C (CLIENT_LIVING_ALONE, "living_alone", "text") \
    C (CLIENT_FOREIGN_BACKGROUND, "foreign_background", "text") \
    C (CLIENT_DISABILITY, "disability", "text") \
    C (CLIENT_HOMELESSNESS, "homelessness", "text") \
    C (CLIENT_OTHER_DISADVANTAGE, "other_disadvantage", "text") \
    C (CLIENT_HAS_HETU, "has_hetu", "bool")
enum { INTAKE_CLIENT_ROW (KP_ROW_INDEX) };
#define INTAKE_CLIENT_MATCH_ROW(C) \
    C (MATCH_CLIENT_ID, "client_id", "text") \
    C (MATCH_MUNICIPALITY, "municipality", "text")
enum { INTAKE_CLIENT_MATCH_ROW (KP_ROW_INDEX) };
#define INTAKE_CONSENT_ROW(C) \
    C (CONSENT_ID, "consent_id", "text") \
    C (CONSENT_CLIENT_ID, "client_id", "text") \
    C (CONSENT_COUNTERPARTY_ORG, "counterparty_org", "text") \
    C (CONSENT_SCOPE, "scope", "text") \
    C (CONSENT_GIVEN_AT, "given_at", "text") \
    C (CONSENT_WITHDRAWN_AT, "withdrawn_at", "text") \
    C (CONSENT_WITHDRAWN_AT_US, "withdrawn_at_us", "int8")
enum { INTAKE_CONSENT_ROW (KP_ROW_INDEX) };
#define INTAKE_BAN_ROW(C) \
    C (BAN_ID, "ban_id", "text") \
    C (BAN_COUNTERPARTY_ORG, "counterparty_org", "text") \
    C (BAN_SCOPE, "scope", "text") \
    C (BAN_RECORDED_AT, "recorded_at", "text") \
    C (BAN_RECORDED_AT_US, "recorded_at_us", "int8")
enum { INTAKE_BAN_ROW (KP_ROW_INDEX) };
#define INTAKE_DOMAIN_ROW(C) \
    C (DOMAIN_DOMAIN, "domain", "text") \
    C (DOMAIN_NEED, "need", "text") \
    C (DOMAIN_STRENGTHS, "strengths", "text")
enum { INTAKE_DOMAIN_ROW (KP_ROW_INDEX) };
#define INTAKE_PLAN_ROW(C) \
    C (PLAN_VERSION, "version", "int4") \
    C (PLAN_GOALS, "goals", "text") \
    C (PLAN_SITUATIONAL_FACTORS, "situational_factors", "text") \
    C (PLAN_SERVICES, "services", "text") \
    C (PLAN_METHODS, "methods", "text") \
    C (PLAN_PARTICIPANTS, "participants", "text") \
    C (PLAN_EVALUATION_METHOD, "evaluation_method", "text") \
    C (PLAN_NEXT_REVIEW_DATE, "next_review_date", "text") \
    C (PLAN_CLIENT_VIEW, "client_view", "text") \
    C (PLAN_WORKER_VIEW, "worker_view", "text")
enum { INTAKE_PLAN_ROW (KP_ROW_INDEX) };
#define INTAKE_ECOMAP_ROW(C) \
    C (ECOMAP_ENTRY_ID, "entry_id", "text") \
    C (ECOMAP_KIND, "kind", "intake.ecomap_kind") \
    C (ECOMAP_LABEL, "label", "text") \
    C (ECOMAP_DIRECTION, "direction", "intake.ecomap_direction") \
    C (ECOMAP_STRENGTH, "strength", "int2") \
    C (ECOMAP_ROLE, "role", "intake.ecomap_role")
enum { INTAKE_ECOMAP_ROW (KP_ROW_INDEX) };
#define INTAKE_MEASURE_ROW(C) \
    C (MEASURE_ID, "measure_id", "text") \
    C (MEASURE_KIND, "kind", "intake.measure_kind") \
    C (MEASURE_DESCRIPTION, "description", "text") \
    C (MEASURE_RESPONSIBLE_PERSON, "responsible_person", "text") \
    C (MEASURE_LINKED_REF, "linked_ref", "text")
enum { INTAKE_MEASURE_ROW (KP_ROW_INDEX) };
#define INTAKE_ITEM_ROW(C) \
    C (ITEM_VERSION, "version", "int4") \
    C (ITEM_CODE, "item_code", "text") \
    C (ITEM_SCALE_MIN, "scale_min", "int4") \
    C (ITEM_SCALE_MAX, "scale_max", "int4") \
    C (ITEM_HIGHER_IS_BETTER, "higher_is_better", "bool")
enum { INTAKE_ITEM_ROW (KP_ROW_INDEX) };
#define INTAKE_CHANGE_ROW(C) \
    C (CHANGE_ITEM_CODE, "item_code", "text") \
    C (CHANGE_START, "start_score", "int4") \
    C (CHANGE_END, "end_score", "int4") \
    C (CHANGE_HIGHER_IS_BETTER, "higher_is_better", "bool")
enum { INTAKE_CHANGE_ROW (KP_ROW_INDEX) };
#define INTAKE_SOURCE_ROW(C) \
    C (SOURCE_MUNICIPALITY, "municipality", "text") \
    C (SOURCE_CLIENT_REF, "client_ref", "text") \
    C (SOURCE_SENDER_TYPE, "sender_type", "text") \
    C (SOURCE_HAS_HETU, "has_hetu", "bool")
enum { INTAKE_SOURCE_ROW (KP_ROW_INDEX) };
#define INTAKE_REVIEW_ROW(C) \
    C (REVIEW_CASE_ID, "case_id", "text") \
    C (REVIEW_DATE, "next_review_date", "text")
enum { INTAKE_REVIEW_ROW (KP_ROW_INDEX) };
//  case_details: tagged rows (section), each part's columns as text from
//  c1 on, in the order of that part's own spec (INTAKE_DOMAIN_ROW,
//  INTAKE_PLAN_ROW, INTAKE_ECOMAP_ROW, INTAKE_MEASURE_ROW): a part's
//  column X is at DETAILS_C1 + X.
#define INTAKE_DETAILS_ROW(C) \
    C (DETAILS_SECTION, "section", "int4") \
    C (DETAILS_C1, "c1", "text") \
    C (DETAILS_C2, "c2", "text") \
    C (DETAILS_C3, "c3", "text") \
    C (DETAILS_C4, "c4", "text") \
    C (DETAILS_C5, "c5", "text") \
    C (DETAILS_C6, "c6", "text") \
    C (DETAILS_C7, "c7", "text") \
    C (DETAILS_C8, "c8", "text") \
    C (DETAILS_C9, "c9", "text") \
    C (DETAILS_C10, "c10", "text")
enum { INTAKE_DETAILS_ROW (KP_ROW_INDEX) };
//  One-column rows (a returned id, a date, a municipality) are read at KP_ROW_ONLY.

//  The service context: what handlers, the referral consumer and the
//  review timer share. One loop, so no locking.
typedef struct {
    const kp_config_t *config;
    kp_server_t *server;            //  for the admitted certificates (kp_organiser)
    kp_db_t *db;                    //  the server's connection
    zloop_t *loop;
    kp_hetu_keys_t *keys;           //  henkilötunnus encryption and lookup hash
    kp_consumer_t *referrals;       //  "intake.referrals" on referral.received
    kp_consumer_t *placements;      //  "intake.placements" on groups' placement path
    int reminder_timer;
    //  The caseload's watches (intake_clock, intake_contact): the old cases'
    //  clocks are made once; contacts fall due by the day, so one complete
    //  sweep a day finds them all.
    bool clocks_backfilled;
    int32_t contacts_swept_on;
} intake_t;

intake_t *intake_new (kp_server_t *server, const kp_config_t *config);
void intake_destroy (intake_t **self_p);

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
//  Retakes the start snapshots of the client's notice cases whose entry
//  window is open (migration 0025), after its attributes were recorded;
//  the number retaken, or -1.
int intake_snapshot_retake (kp_db_t *db, const char *client_id);
//  The ESF and other attributes, in client_insert / client_update order.
#define INTAKE_ATTRIBUTES 12
//  RegisterClient of a person already registered (intake_client_apply.c):
//  writes the attributes given (values, NULL = not given) that differ from
//  the record, their names into updated (n_updated of them) and the audit
//  detail. 0, or -1 with the call failed.
int intake_client_apply (kp_call_t *call, const char *client_id, const char *const *values,
                         const char **updated, size_t *n_updated, char *detail, size_t detail_size);
//  Emits intake.client_registered.
int intake_client_emit_registered (kp_db_t *db, const char *client_id, const char *municipality);

//  Referral consumer (intake_referrals.c) and review timer (intake_reminder.c).
kp_consumer_fn intake_referrals_handle;
//  Placements as measures of the client's case (intake_placements.c).
kp_consumer_fn intake_placements_handle;
extern const kp_stmt_t intake_placement_statements [];
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

#endif
