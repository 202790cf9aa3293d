/*  kp_check — the checks every service makes of what a request carries,
    written once: machine codes and tokens, municipality codes, and the
    INVALID reply a failed check answers with. */
#ifndef KP_CHECK_H
#define KP_CHECK_H

#include "kp_server.h"

#include <stdbool.h>
#include <stddef.h>

//  Character classes for kp_check_word.
#define KP_CHECK_LOWER  1u          //  a-z
#define KP_CHECK_UPPER  2u          //  A-Z
#define KP_CHECK_DIGIT  4u          //  0-9

//  True if text is 1..max characters, each of classes or in punctuation.
//  NULL is not a word.
bool kp_check_word (const char *text, size_t max, unsigned classes, const char *punctuation);
//  A machine code: 1..max of [a-z0-9_] (reasons, outcomes, targets, topics).
bool kp_check_code (const char *text, size_t max);
//  A slug: 1..max of [a-z0-9_-] (intake's topics, scopes, instruments).
bool kp_check_slug (const char *text, size_t max);
//  An organisation id or a pseudonymous ref: 1..max of [A-Za-z0-9._-].
bool kp_check_token (const char *text, size_t max);
//  A Statistics Finland municipality code: exactly three digits. Whether
//  it is a known one, the database says (kp.municipalities).
bool kp_check_municipality (const char *text);
//  Fails the call INVALID with code, field and message; returns -1 for
//  `return kp_check_invalid (…)`.
int kp_check_invalid (kp_call_t *call, const char *code, const char *field, const char *message);

#endif
