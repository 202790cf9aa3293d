/*  referral_exchange — Kela's statement requests and the messages on a
    referral: their statements and rows (referral_exchange_sql.c,
    migration 0024) and their bounds. */
#ifndef REFERRAL_EXCHANGE_H
#define REFERRAL_EXCHANGE_H

#include "kp_db.h"

//  Statement requests and messages (referral_exchange_sql.c, migration 0024).
#define REFERRAL_STATEMENT_REQUEST_ROW(C) \
    C (SR_REQUEST_ID, "request_id", "text") \
    C (SR_REQUESTED_BY_ORG, "requested_by_org", "text") \
    C (SR_DUE_ON, "due_on", "text") \
    C (SR_REQUESTED_AT, "requested_at", "int8") \
    C (SR_ANSWERED_AT, "answered_at", "int8") \
    C (SR_STATE, "state", "text") \
    C (SR_NOTE, "note", "text") \
    C (SR_BREACH_NOTIFIED, "breach_notified", "bool") \
    C (SR_STATEMENT, "statement", "text")
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

#endif
