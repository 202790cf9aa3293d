/*  kp_hetu — the Finnish personal identity code (henkilötunnus).
    Validation (date, century sign incl. the 2023 letters, individual number,
    check character), encryption at rest with libsodium, and a keyed hash so
    a client can be found without the code ever being stored in clear. */
#ifndef KP_HETU_H
#define KP_HETU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KP_HETU_LEN         11
#define KP_HETU_KEY_BYTES   32      //  secretbox key and hash key, each
#define KP_HETU_HASH_BYTES  32

typedef enum {
    KP_HETU_OK = 0,
    KP_HETU_BAD_LENGTH,
    KP_HETU_BAD_DATE,
    KP_HETU_BAD_CENTURY,
    KP_HETU_BAD_NUMBER,         //  individual number 000 or 001
    KP_HETU_BAD_CHECK,
    KP_HETU_BAD_CHARACTER
} kp_hetu_error_t;

//  Validates a henkilötunnus; temporary numbers 900-999 are accepted.
//  On success fills year/month/day of birth if the pointers are non-NULL.
kp_hetu_error_t kp_hetu_validate (const char *hetu, int *year, int *month, int *day);
//  Stable machine code for an error ("hetu.bad_check"); static string.
const char *kp_hetu_error_code (kp_hetu_error_t error);
//  True if text contains anything shaped like a henkilötunnus: DDMMYY
//  (day 01-31, month 01-12), a century sign (+ - A-F X Y W V U), three
//  digits and a check character (any letter or digit, so a mistyped one
//  counts too). Letters in either case. For refusing one where it must
//  not be (identifier fields), not for validating one.
bool kp_hetu_looks_like (const char *text);

typedef struct _kp_hetu_keys_t kp_hetu_keys_t;

//  Keys from 64 hex characters each (encryption key, lookup-hash key).
//  NULL if either is malformed. Keys are kept in locked, zeroed memory.
kp_hetu_keys_t *kp_hetu_keys_new (const char *enc_key_hex, const char *hash_key_hex);
//  Keys from a file holding the two hex keys on two lines; NULL on error.
kp_hetu_keys_t *kp_hetu_keys_load (const char *path);
//  Writes a fresh key file (mode 0600); 0 or -1.
int  kp_hetu_keys_generate (const char *path);
void kp_hetu_keys_destroy (kp_hetu_keys_t **self_p);

//  Keyed hash of the canonical (upper-case) code for lookup: out gets
//  KP_HETU_HASH_BYTES bytes. Same code, same key → same hash.
void kp_hetu_lookup_hash (const kp_hetu_keys_t *keys, const char *hetu, uint8_t *out);
//  Encrypts; returns a malloc'd buffer (nonce || ciphertext) and its size.
uint8_t *kp_hetu_encrypt (const kp_hetu_keys_t *keys, const char *hetu, size_t *size);
//  Decrypts into out (at least KP_HETU_LEN + 1 bytes); 0, or -1 if forged.
int  kp_hetu_decrypt (const kp_hetu_keys_t *keys, const uint8_t *box, size_t size, char *out);

//  Any bytes that may hold a henkilötunnus (a stored reply), in the same
//  box as kp_hetu_encrypt: malloc'd nonce || ciphertext, *box_size set.
uint8_t *kp_hetu_seal (const kp_hetu_keys_t *keys, const uint8_t *data, size_t size, size_t *box_size);
//  Opens kp_hetu_seal's box: malloc'd plaintext, *size set; NULL if forged.
uint8_t *kp_hetu_unseal (const kp_hetu_keys_t *keys, const uint8_t *box, size_t box_size, size_t *size);
//  Keyed hash (the lookup-hash key) of any bytes that may hold a
//  henkilötunnus, so the digest cannot be matched by guessing the code.
void kp_hetu_keyed_hash (const kp_hetu_keys_t *keys, const uint8_t *data, size_t size, uint8_t *out);

#endif
