/*  kp_audit_canon — an audit row's canonical bytes and its chain hash,
    computed in C from the row's raw values, so `kumppani audit verify`
    trusts no function of the database it checks. This is the one
    definition of both formats; kp.audit_canonical_v2 (migration 0013)
    must produce the same bytes, and a test holds the two together. */
#ifndef KP_AUDIT_CANON_H
#define KP_AUDIT_CANON_H

#include <stddef.h>
#include <stdint.h>

#define KP_AUDIT_HASH_SIZE      32  //  SHA-256
//  Format 1 (rows before migration 0013): the fields as text joined by
//  0x1f, which a field may itself contain. Kept so old rows verify.
#define KP_AUDIT_FORMAT_V1      1
//  Format 2: fixed-width numbers and length-prefixed fields; no two
//  different rows share a canonical form.
#define KP_AUDIT_FORMAT_V2      2

//  One row of kp.audit_log. Text is UTF-8 without NUL (PostgreSQL text
//  cannot hold one); every pointer must be set ("" for an empty field).
typedef struct {
    int format;                     //  KP_AUDIT_FORMAT_*
    int64_t seq;
    int64_t at_us;                  //  microseconds since 1970-01-01 UTC
    const char *service;            //  the database role that appended it
    const char *actor_org;
    const char *actor_person;
    const char *actor_role;
    const char *action;
    const char *client_ref;
    const char *basis;
    const char *recipient_org;
    const char *detail;
} kp_audit_row_t;

//  The row's canonical bytes in *out (yours to free) and their count in
//  *size; 0, or -1 for an unknown format (or out of memory).
int kp_audit_canonical (const kp_audit_row_t *row, uint8_t **out, size_t *size);
//  SHA-256 (prev || canonical (row)) into out, as the chain links rows; 0 or -1.
int kp_audit_hash (const uint8_t prev [KP_AUDIT_HASH_SIZE], const kp_audit_row_t *row,
                   uint8_t out [KP_AUDIT_HASH_SIZE]);

#endif
