/*  kp_array — PostgreSQL array literals for set-based statements: one
    text parameter ($n::text[], $n::bytea[] …) carries a column of many
    rows, so a batch writes them in one statement (kp_batch, kp_idem, the
    referral flush, intake's case opening). Every element is quoted, so
    no value needs to be known safe; NULL stays a NULL element, bytea
    goes as \x hex. A literal is built on
    the stack, element by element, and freed with kp_array_free. */
#ifndef KP_ARRAY_H
#define KP_ARRAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

//  A value type, not a class: it lives in its user's struct or on the
//  stack, zeroed ({ 0 }) before its first element.
typedef struct {
    char *text;                     //  the literal so far; NULL before the first element
    size_t length, max;
    size_t count;                   //  elements so far
    bool closed;                    //  kp_array_end has put the closing brace
} kp_array_t;

//  One text element; NULL is a NULL element, "" an empty string.
void kp_array_text (kp_array_t *self, const char *value);
//  One bytea element; NULL bytes is a NULL element.
void kp_array_bytes (kp_array_t *self, const uint8_t *bytes, size_t size);
//  The finished literal ("{}" when empty), borrowed until kp_array_free.
const char *kp_array_end (kp_array_t *self);
//  Frees the text and zeroes *self for another literal; safe twice.
void kp_array_free (kp_array_t *self);

#endif
