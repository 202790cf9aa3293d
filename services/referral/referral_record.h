/*  referral_record — a referral as the rules and the handlers share it
    (no client data), and what is done to its record (referral_record.c):
    load, transition with its history, the events about it. */
#ifndef REFERRAL_RECORD_H
#define REFERRAL_RECORD_H

#include "referral_fsm.h"
#include "kp_db.h"
#include "kp_ids.h"
#include "kp_outbox.h"
#include "kumppani/v1/envelope.pb-c.h"

#include <stdbool.h>

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
//  The same from row `row` of a result of many (the set-based submit).
void referral_record_from_row_at (PGresult *result, int row, referral_t *referral);
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

#endif
