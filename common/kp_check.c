/*  kp_check — see kp_check.h. The services' copies of these checks were
    alike but for their names; one copy cannot drift. */
#include "kp_check.h"

#include <ctype.h>
#include <string.h>

bool
kp_check_word (const char *text, size_t max, unsigned classes, const char *punctuation)
{
    size_t len = text ? strlen (text) : 0;
    if (len == 0 || len > max)
        return false;
    for (const char *c = text; *c; c++) {
        unsigned char byte = (unsigned char) *c;
        bool ok = ((classes & KP_CHECK_LOWER) && islower (byte))
               || ((classes & KP_CHECK_UPPER) && isupper (byte))
               || ((classes & KP_CHECK_DIGIT) && isdigit (byte))
               || (punctuation && strchr (punctuation, *c));
        if (!ok)
            return false;
    }
    return true;
}

bool
kp_check_code (const char *text, size_t max)
{
    return kp_check_word (text, max, KP_CHECK_LOWER | KP_CHECK_DIGIT, "_");
}

bool
kp_check_slug (const char *text, size_t max)
{
    return kp_check_word (text, max, KP_CHECK_LOWER | KP_CHECK_DIGIT, "_-");
}

bool
kp_check_token (const char *text, size_t max)
{
    return kp_check_word (text, max, KP_CHECK_LOWER | KP_CHECK_UPPER | KP_CHECK_DIGIT, "._-");
}

bool
kp_check_municipality (const char *text)
{
    return kp_check_word (text, 3, KP_CHECK_DIGIT, NULL) && strlen (text) == 3;
}

int
kp_check_invalid (kp_call_t *call, const char *code, const char *field, const char *message)
{
    return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, code, field, message);
}
