/*  referral_server — the referral service's parts: the dispatch table,
    the service context, the referral record every handler works on, and
    the handlers each concern file provides. */
#ifndef REFERRAL_SERVER_H
#define REFERRAL_SERVER_H

#include "kp_calendar.h"
#include "kp_check.h"
#include "kp_consumer.h"
#include "kp_hetu.h"
#include "kp_ids.h"
#include "kp_outbox.h"
#include "kp_row.h"
#include "kp_service.h"
#include "referral_fsm.h"

extern const kp_service_def_t referral_service;
extern const kp_stmt_t referral_statements [];

//  The rows the statements return (referral_sql.c selects them; kp_db
//  holds each spec against its statement when it prepares it). A
//  referral's rule columns come first in every row that has them, so
//  referral_record_from_row reads the rules from a view row as well.
#define REFERRAL_RULE_ROW(C) \
    C (REF_ID, "referral_id", "text") \
    C (REF_KIND, "kind", "referral.referral_kind") \
    C (REF_STATE, "state", "referral.referral_state") \
    C (REF_SENDER_ORG, "sender_org", "text") \
    C (REF_SENDER_TYPE, "sender_type", "text") \
    C (REF_RECIPIENT_ORG, "recipient_org", "text") \
    C (REF_RECIPIENT_TYPE, "recipient_type", "text") \
    C (REF_MUNICIPALITY, "municipality", "text") \
    C (REF_LEGAL_BASIS, "legal_basis", "referral.legal_basis") \
    C (REF_CLIENT_REF, "client_ref", "text") \
    C (REF_DEADLINE, "deadline", "text") \
    C (REF_DEADLINE_KIND, "deadline_kind", "text") \
    C (REF_URGENT, "urgent", "bool") \
    C (REF_CLOCK_RUNNING, "clock_running", "bool") \
    C (REF_CONSENT_WITHDRAWN, "consent_withdrawn", "bool") \
    REFERRAL_CHAIN_HOLD_ROW(C)
//  The chain and the hold (migration 0023), part of the rules' row.
#define REFERRAL_CHAIN_HOLD_ROW(C) \
    C (REF_PARENT_ID, "parent_referral_id", "text") \
    C (REF_ROOT_ID, "root_referral_id", "text") \
    C (REF_ROOT_SENDER_ORG, "root_sender_org", "text") \
    C (REF_HELD_FROM, "held_from", "referral.referral_state") \
    C (REF_HELD_SINCE, "held_since", "text") \
    C (REF_HELD_DAYS, "held_working_days", "int4")
//  What a view adds to the rules.
#define REFERRAL_VIEW_MORE(C) \
    C (REF_REASON_CATEGORY, "reason_category", "referral.reason_category") \
    C (REF_CONSENT_REF, "consent_ref", "text") \
    C (REF_NOTIFIER_MAY_BE_NAMED, "notifier_may_be_named", "bool") \
    C (REF_FREE_TEXT, "free_text", "text") \
    C (REF_SENDER_CONTACT, "sender_contact", "text") \
    C (REF_HETU_BOX, "hetu_box", "bytea") \
    C (REF_KELA_DECISION_ID, "kela_decision_id", "text") \
    C (REF_BENEFIT_PERIOD_START, "benefit_period_start", "text") \
    C (REF_BENEFIT_PERIOD_END, "benefit_period_end", "text") \
    C (REF_CLIENT_REQUESTED_TRANSFER, "client_requested_transfer", "bool") \
    C (REF_ASSISTANCE_TYPE, "assistance_type", "referral.assistance_type") \
    C (REF_REDUCTION_PERCENT, "reduction_percent", "int4") \
    C (REF_RECEIVED_ON, "received_on", "text") \
    C (REF_DEADLINE_STATE, "deadline_state", "referral.deadline_state") \
    C (REF_ASSIGNED_WORKER, "assigned_worker", "text") \
    C (REF_ASSESSMENT_STARTED_AT, "assessment_started_at", "int8") \
    C (REF_OUTCOME_CODE, "outcome_code", "text") \
    C (REF_STATEMENT, "statement", "text") \
    C (REF_DECISION, "decision", "referral.application_decision") \
    C (REF_DECISION_ID, "decision_id", "text") \
    C (REF_CREATED_AT, "created_at", "int8")
enum { REFERRAL_RULE_ROW (KP_ROW_INDEX) REFERRAL_VIEW_MORE (KP_ROW_INDEX) REF_VIEW_END };
//  One entry of a referral's history, oldest first.
#define REFERRAL_HISTORY_ROW(C) \
    C (HISTORY_OPERATION, "operation", "text") \
    C (HISTORY_FROM_STATE, "from_state", "referral.referral_state") \
    C (HISTORY_TO_STATE, "to_state", "referral.referral_state") \
    C (HISTORY_ACTOR_ORG, "actor_org", "text") \
    C (HISTORY_ACTOR_PERSON, "actor_person", "text") \
    C (HISTORY_ACTOR_ROLE, "actor_role", "text") \
    C (HISTORY_REASON_CODE, "reason_code", "text") \
    C (HISTORY_NOTE, "note", "text") \
    C (HISTORY_AT, "at", "int8")
enum { REFERRAL_HISTORY_ROW (KP_ROW_INDEX) };
//  One referral forwarded on from another (referral_chain).
#define REFERRAL_CHAIN_ROW(C) \
    C (CHAIN_ID, "referral_id", "text") \
    C (CHAIN_PARENT_ID, "parent_referral_id", "text") \
    C (CHAIN_SENDER_ORG, "sender_org", "text") \
    C (CHAIN_RECIPIENT_ORG, "recipient_org", "text") \
    C (CHAIN_RECIPIENT_TYPE, "recipient_type", "text") \
    C (CHAIN_STATE, "state", "referral.referral_state") \
    C (CHAIN_OUTCOME_CODE, "outcome_code", "text") \
    C (CHAIN_WITHHELD, "withheld", "bool") \
    C (CHAIN_CREATED_AT, "created_at", "int8") \
    C (CHAIN_UPDATED_AT, "updated_at", "int8")
enum { REFERRAL_CHAIN_ROW (KP_ROW_INDEX) };
//  A referral whose deadline notice is due.
#define REFERRAL_DUE_ROW(C) C (DUE_REFERRAL_ID, "referral_id", "text")
enum { REFERRAL_DUE_ROW (KP_ROW_INDEX) };

//  Statement requests and messages (referral_exchange_sql.c, migration 0024).
#define REFERRAL_STATEMENT_REQUEST_ROW(C) \
    C (SR_REQUEST_ID, "request_id", "text") \
    C (SR_REQUESTED_BY_ORG, "requested_by_org", "text") \
    C (SR_DUE_ON, "due_on", "text") \
    C (SR_REQUESTED_AT, "requested_at", "int8") \
    C (SR_ANSWERED_AT, "answered_at", "int8") \
    C (SR_STATE, "state", "text") \
    C (SR_NOTE, "note", "text") \
    C (SR_BREACH_NOTIFIED, "breach_notified", "bool")
enum { REFERRAL_STATEMENT_REQUEST_ROW (KP_ROW_INDEX) };
#define REFERRAL_STATEMENT_DUE_ROW(C) \
    C (SD_REQUEST_ID, "request_id", "text") \
    C (SD_REFERRAL_ID, "referral_id", "text") \
    C (SD_DUE_ON, "due_on", "text")
enum { REFERRAL_STATEMENT_DUE_ROW (KP_ROW_INDEX) };
#define REFERRAL_MESSAGE_ROW(C) \
    C (MSG_ID, "message_id", "text") \
    C (MSG_AUTHOR_ORG, "author_org", "text") \
    C (MSG_AUTHOR_ROLE, "author_role", "text") \
    C (MSG_AUTHOR_PERSON, "author_person", "text") \
    C (MSG_BODY, "body", "text") \
    C (MSG_LENGTH, "length", "int4") \
    C (MSG_POSTED_AT, "posted_at", "int8")
enum { REFERRAL_MESSAGE_ROW (KP_ROW_INDEX) };
extern const kp_stmt_t referral_exchange_statements [];
#define REFERRAL_MESSAGE_MAX    2000
//  How far ahead Kela may set a statement's due date (calendar days).
#define REFERRAL_STATEMENT_DUE_MAX_DAYS 90

//  Text limits (bytes); the migration's CHECKs say the same.
#define REFERRAL_FREE_TEXT_MAX  2000
#define REFERRAL_NOTE_MAX       2000
#define REFERRAL_STATEMENT_MAX  4000
#define REFERRAL_CONTACT_MAX    200
#define REFERRAL_CODE_MAX       64

//  Organisations that receive referrals and answer them (never Kela in
//  this exchange); also the recipient types a referral may name.
#define REFERRAL_RECEIVERS  "municipality county debt_counselling parish ngo te_office housing outreach social_credit"

//  The service context (call->service): keys for the henkilötunnus, the
//  consumer of intake's events and the deadline timer.
typedef struct {
    kp_db_t *db;
    zloop_t *loop;
    kp_hetu_keys_t *keys;
    kp_consumer_t *consumer;
    int clock_timer;
} referral_context_t;

referral_context_t *referral_context_new (kp_server_t *server, const kp_config_t *config);
void referral_context_destroy (referral_context_t **self_p);

//  A referral as the rules need it (no client data).
typedef struct {
    char id [KP_ID_LEN + 1];
    Kumppani__V1__ReferralKind kind;
    Kumppani__V1__ReferralState state;
    char sender_org [64];
    char sender_type [32];
    char recipient_org [64];
    char recipient_type [32];
    char municipality [8];
    Kumppani__V1__LegalBasis legal_basis;
    char client_ref [72];           //  pseudonymous client ref, else the referral id (for audit)
    char deadline [11];             //  "" when there is no clock
    char deadline_kind [24];
    bool urgent;
    bool clock_running;
    bool consent_withdrawn;
    char parent_id [KP_ID_LEN + 1];     //  "" unless forwarded from another referral
    char root_id [KP_ID_LEN + 1];
    char root_sender_org [64];          //  the chain's first sender: it follows the loop
    Kumppani__V1__ReferralState held_from;  //  ON_HOLD: the state to resume to
    char held_since [11];               //  ON_HOLD: the first held day, else ""
    int held_days;                      //  working days of ended holds
} referral_t;

//  Who acts, for the history.
typedef struct {
    const char *org;
    const char *person;
    const char *role;
} referral_actor_t;

//  referral_record: load, transition, history, events.
//  1 found (row locked for update when lock), 0 not found, -1 database error.
int referral_record_load (kp_db_t *db, const char *id, bool lock, referral_t *referral);
//  Row 0 of a result whose row starts with REFERRAL_RULE_ROW.
void referral_record_from_row (PGresult *result, referral_t *referral);
//  Applies transition (already found legal): state, clock, history. 0 or -1.
int referral_record_transition (kp_db_t *db, referral_t *referral,
                                const referral_transition_t *transition,
                                const referral_actor_t *actor, const char *operation,
                                const char *reason_code, const char *note);
//  The referral's client_ref for the audit: client_ref, or the id when empty.
void referral_record_set_client_ref (referral_t *referral, const char *client_ref);
//  An event about a referral, ready for kp_outbox (it points into the
//  referral, which must outlive it).
typedef struct {
    Kumppani__V1__Event event;
    Kumppani__V1__ReferralEvent payload;
    kp_event_scope_t scope;
} referral_event_t;
void referral_record_event (const referral_t *referral, const char *topic,
                            Kumppani__V1__ReferralState previous, const char *reason_code,
                            referral_event_t *out);
//  Emits topic for the referral as it is now; previous is the state before.
//  Call last before commit (the outbox holds the counter lock). 0 or -1.
int referral_record_emit (kp_db_t *db, const referral_t *referral, const char *topic,
                          Kumppani__V1__ReferralState previous, const char *reason_code);
//  Name of a legal basis for the audit log ("consent", "section_35", …).
const char *referral_basis_name (Kumppani__V1__LegalBasis basis);

//  referral_access: the authorisation rules, one function each.
bool referral_access_may_submit (const char *org_type, Kumppani__V1__ReferralKind kind);
bool referral_access_may_see (const kp_identity_t *who, const referral_t *referral);
bool referral_access_is_recipient (const kp_identity_t *who, const referral_t *referral);
bool referral_access_sees_hetu (const kp_identity_t *who, const referral_t *referral);
bool referral_access_disclosure_allowed (const referral_t *referral);

//  referral_read: the view a caller may see (hetu only when entitled).
//  0, or -1 with the call failed.
int referral_read_view (kp_call_t *call, const referral_t *referral, bool with_history);
//  The same from row 0 of a result that starts with the view's columns
//  (without history); the caller keeps the result.
int referral_read_view_of_row (kp_call_t *call, const referral_t *referral, PGresult *result);

//  Handlers.
int referral_submit (kp_call_t *call);
int referral_acknowledge (kp_call_t *call);
int referral_assign (kp_call_t *call);
int referral_update_status (kp_call_t *call);
int referral_decline (kp_call_t *call);
int referral_accept (kp_call_t *call);
int referral_record_outcome (kp_call_t *call);
int referral_give_statement (kp_call_t *call);
int referral_record_decision (kp_call_t *call);
int referral_get (kp_call_t *call);
int referral_list (kp_call_t *call);
int referral_request_statement (kp_call_t *call);
int referral_post_message (kp_call_t *call);
int referral_list_messages (kp_call_t *call);

//  referral_statement: the requests into a single referral's view (0, or
//  -1 with the call failed; Kela's notes only with show_notes) and the
//  breach watch (one tick: how many breaches it sent, -1 on a database
//  error). GiveStatement answers the open request in its own statement
//  (referral_set_statement).
int referral_statement_fill_view (kp_call_t *call, Kumppani__V1__ReferralView *view, bool show_notes);
int referral_statement_tick (kp_db_t *db);
int referral_cancel (kp_call_t *call);
//  referral_cancel: the referral a request names, locked; 0, or -1 with
//  the call failed (bad id, or not found for this caller). body names
//  the request body for the error's field path.
int referral_find_for (kp_call_t *call, const char *body, const char *id, referral_t *referral);
//  A required reason code and an optional note; 0, or -1 with the call failed.
int referral_check_reason (kp_call_t *call, const char *body, const char *reason_code, const char *note);
//  referral_hold: ends the hold (held days counted, a running clock's
//  deadline moved by them). 0 or -1 (database).
int referral_hold_end (kp_db_t *db, referral_t *referral);
int referral_hold (kp_call_t *call);
int referral_resume (kp_call_t *call);
int referral_forward (kp_call_t *call);
//  referral_chain: the referrals forwarded on from one, into its reply. 0 or -1.
int referral_chain_read (kp_call_t *call, const referral_t *referral, Kumppani__V1__ReferralReply *reply);
//  A child's event again for the chain's first sender (referral.chain_updated). 0 or -1.
int referral_chain_emit (kp_db_t *db, const referral_t *referral, const char *topic,
                         Kumppani__V1__ReferralState previous, const char *reason_code);

//  referral_intake: handles intake.* events inside the consumer's transaction.
int referral_intake_on_event (kp_db_t *db, const Kumppani__V1__Event *event, void *arg,
                              char *error, size_t error_size);
//  referral_clock: sends due warnings and breaches; returns how many.
int referral_clock_tick (kp_db_t *db);

#endif
