/*  kp_ids — sortable unique ids (ULID layout: 48-bit millisecond time +
    80 random bits, Crockford base32, 26 characters). Used for every
    aggregate and as pseudonymous client ids; nothing is derived from a
    person's data. */
#ifndef KP_IDS_H
#define KP_IDS_H

#include <stdbool.h>
#include <stdint.h>

#define KP_ID_LEN 26

//  Writes a new id and a terminating NUL into buf (KP_ID_LEN + 1 bytes).
//  Ids made by one process in the same millisecond still sort in order
//  of creation (monotonic random part).
void kp_id_new (char *buf);
//  Same, with an explicit time (for tests).
void kp_id_new_at (char *buf, uint64_t unix_ms);
//  True for 26 Crockford base32 characters (upper case) whose time fits 48 bits.
bool kp_id_valid (const char *text);
//  Milliseconds since epoch encoded in a valid id.
uint64_t kp_id_time_ms (const char *id);

#endif
