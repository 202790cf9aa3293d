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
#include "kp_service.h"
#include "referral_fsm.h"

extern const kp_service_def_t referral_service;
extern const kp_stmt_t referral_statements [];

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
//  How many columns REFERRAL_VIEW_COLUMNS (referral_sql.c) has: a result
//  with the view first has the rule columns from here on.
#define REFERRAL_VIEW_COLUMN_COUNT 35
//  Row 0 of a result holding REFERRAL_RULE_COLUMNS from column first on.
void referral_record_from_row (PGresult *result, int first, referral_t *referral);
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
//  The same from row 0 of a result that starts with REFERRAL_VIEW_COLUMNS
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

//  referral_intake: handles intake.* events inside the consumer's transaction.
int referral_intake_on_event (kp_db_t *db, const Kumppani__V1__Event *event, void *arg,
                              char *error, size_t error_size);
//  referral_clock: sends due warnings and breaches; returns how many.
int referral_clock_tick (kp_db_t *db);

#endif
