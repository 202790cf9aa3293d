/*  kp_disclosure — the one check before a client's data goes to another
    organisation (Act 703/2023; Social Welfare Act §35), and the audit row
    of kind SERVICE.disclosure that records each allowed disclosure for
    the client's disclosure log. The rule itself is kp.disclosure_check
    (migration 0020); every path that discloses calls kp_disclosure_allow. */
#ifndef KP_DISCLOSURE_H
#define KP_DISCLOSURE_H

#include "kp_server.h"
#include "kp_ids.h"

//  What is about to be disclosed, to whom, on what basis. The client is
//  named by any of client_id (intake's), hetu_hash (with municipality) or
//  referral_id (the referral linked to one of its cases); NULL or "" for
//  the ones not known.
typedef struct {
    const char *client_id;
    const uint8_t *hetu_hash;       //  KP_HETU_HASH_BYTES, or NULL
    const char *municipality;       //  only this municipality's client, or NULL for any
    const char *referral_id;
    const char *recipient_org;
    const char *scope;              //  kind of data: referral, statement, placement, enrolment, …
    const char *basis;              //  KP_DISCLOSURE_* below
    const char *consent_ref;        //  the consent named, or "" for any to this recipient
    const char *object_id;          //  what goes out (a referral, placement, activity id), for the log
} kp_disclosure_t;

//  The bases, as kp.disclosure_check names them.
#define KP_DISCLOSURE_CONSENT           "consent"
#define KP_DISCLOSURE_CLIENT_REQUEST    "client_request"
#define KP_DISCLOSURE_SECTION_35        "social_welfare_act_35"
//  A consent the recipient holds itself (Kela's own notices): not looked
//  up here; only a ban can stop the disclosure.
#define KP_DISCLOSURE_RECIPIENT_CONSENT "recipient_consent"

typedef struct {
    char client_id [KP_ID_LEN + 1];     //  the client intake knows, "" if none
    char consent_id [72];               //  the consent it rests on, "" if none
    const char *refusal;                //  NULL when allowed, else a code (static)
} kp_disclosure_verdict_t;

extern const kp_stmt_t kp_disclosure_statements [];

//  Asks the check; 0 with *verdict filled, -1 on a database error.
int kp_disclosure_check (kp_db_t *db, const kp_disclosure_t *disclosure, kp_disclosure_verdict_t *verdict);

//  The check that replies: 0 when allowed (and, for a client intake knows,
//  the disclosure's audit row appended in the call's transaction); -1 with
//  the call failed, FORBIDDEN and the refusal's code, or the database's
//  failure. verdict may be NULL.
int kp_disclosure_allow (kp_call_t *call, const kp_disclosure_t *disclosure,
                         kp_disclosure_verdict_t *verdict);

//  The disclosure's audit row, for a caller that checked with
//  kp_disclosure_check and was allowed: 0, or -1 with the call failed.
int kp_disclosure_record (kp_call_t *call, const kp_disclosure_t *disclosure,
                          const kp_disclosure_verdict_t *verdict);

#endif
