/*  kp_array — PostgreSQL array literals (see kp_array.h). Each element is
    in double quotes with " and \ escaped, which the array parser accepts
    for every value, so commas, braces, spaces and the word NULL inside a
    value need no cases of their own. */
#include "kp_array.h"
#include "kp_alloc.h"

#include <stdlib.h>
#include <string.h>

static void
s_put (kp_array_t *self, const char *bytes, size_t size)
{
    if (self->length + size + 1 > self->max) {
        size_t next = self->max ? self->max : 256;
        while (self->length + size + 1 > next)
            next *= 2;
        self->text = kp_realloc (self->text, next);
        self->max = next;
    }
    memcpy (self->text + self->length, bytes, size);
    self->length += size;
    self->text [self->length] = 0;
}

//  The brace or comma before an element.
static void
s_separate (kp_array_t *self)
{
    s_put (self, self->count++ ? "," : "{", 1);
}

void
kp_array_text (kp_array_t *self, const char *value)
{
    s_separate (self);
    if (!value) {
        s_put (self, "NULL", 4);
        return;
    }
    s_put (self, "\"", 1);
    const char *run = value;
    for (const char *at = value; *at; at++)
        if (*at == '"' || *at == '\\') {
            s_put (self, run, (size_t) (at - run));
            s_put (self, "\\", 1);
            run = at;
        }
    s_put (self, run, strlen (run));
    s_put (self, "\"", 1);
}

//  "\\x…": the array parser takes one backslash away, bytea's input the x.
void
kp_array_bytes (kp_array_t *self, const uint8_t *bytes, size_t size)
{
    s_separate (self);
    if (!bytes) {
        s_put (self, "NULL", 4);
        return;
    }
    s_put (self, "\"\\\\x", 4);
    static const char digits [] = "0123456789abcdef";
    for (size_t index = 0; index < size; index++) {
        char pair [2] = { digits [bytes [index] >> 4], digits [bytes [index] & 15] };
        s_put (self, pair, 2);
    }
    s_put (self, "\"", 1);
}

const char *
kp_array_end (kp_array_t *self)
{
    if (!self->closed) {
        if (self->count == 0)
            s_put (self, "{", 1);
        s_put (self, "}", 1);
        self->closed = true;
    }
    return self->text;
}

void
kp_array_free (kp_array_t *self)
{
    free (self->text);
    *self = (kp_array_t) { 0 };
}
