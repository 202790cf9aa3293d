/*  kp_reply_vocab — a stored role name to its Role, and a reply's time as
    text for people (the CLI). The other typed twins need no code of their
    own: times come from SQL as microseconds, and stored state, reason and
    kind labels map with kp_enum_value. */
#include "kp_reply_vocab.h"
#include "kp_enum.h"

#include <stdio.h>
#include <time.h>

Kumppani__V1__Role
kp_reply_vocab_role (const char *name)
{
    if (!name || !*name)
        return KUMPPANI__V1__ROLE__ROLE_UNSPECIFIED;
    const ProtobufCEnumValue *entry = protobuf_c_enum_descriptor_get_value_by_name (
        &kumppani__v1__role__descriptor, name);
    if (entry)
        return (Kumppani__V1__Role) entry->value;
    return (Kumppani__V1__Role) kp_enum_value (&kumppani__v1__role__descriptor, name);
}

const char *
kp_reply_vocab_time (int64_t us, char *buffer, size_t size)
{
    if (size == 0)
        return NULL;
    *buffer = '\0';
    //  Floor division: a time before 1970 keeps its microseconds positive.
    int64_t seconds = us / 1000000, micros = us % 1000000;
    if (micros < 0) {
        seconds--;
        micros += 1000000;
    }
    time_t whole = (time_t) seconds;
    struct tm utc;
    if (!gmtime_r (&whole, &utc) || utc.tm_year + 1900 > 9999 || utc.tm_year + 1900 < 0)
        return NULL;
    snprintf (buffer, size, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", utc.tm_year + 1900, utc.tm_mon + 1,
              utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, (int) micros);
    return buffer;
}
