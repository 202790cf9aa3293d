/*  kp_reply_vocab — one vocabulary in replies and events: every time an
    int64 of microseconds since the epoch, UTC; every date 'YYYY-MM-DD';
    every state, reason and kind a proto enum, as in requests. Replies
    once carried some of these as PostgreSQL text or free strings; those
    fields stay, deprecated and still filled for old clients, beside a
    typed twin (numbered 500-599). This header holds what filling both
    takes: the mapping from a stored name to its enum, and the pragma
    pair that lets a service write a deprecated field on purpose. */
#ifndef KP_REPLY_VOCAB_H
#define KP_REPLY_VOCAB_H

#include "kumppani/v1/envelope.pb-c.h"

#include <stddef.h>
#include <stdint.h>

//  Around the lines that still fill a deprecated text field for old
//  clients: protobuf-c marks those fields deprecated, and filling them is
//  the point, so the warning is silenced there and only there.
#define KP_LEGACY_FIELDS_BEGIN \
    _Pragma ("GCC diagnostic push") \
    _Pragma ("GCC diagnostic ignored \"-Wdeprecated-declarations\"")
#define KP_LEGACY_FIELDS_END _Pragma ("GCC diagnostic pop")

//  The Role a stored role name denotes: the proto value name, as requests
//  record it in audit and history rows ("ROLE_SOCIAL_WORKER"); also
//  accepts the short lower-case code ("social_worker"). ROLE_UNSPECIFIED
//  for NULL, "" or a name Role does not have.
Kumppani__V1__Role kp_reply_vocab_role (const char *name);

//  Longest kp_reply_vocab_time text, with the terminator.
#define KP_REPLY_VOCAB_TIME_MAX 32
//  A reply's microseconds as RFC 3339 UTC, "2026-12-01T18:37:43.123456Z",
//  into buffer (KP_REPLY_VOCAB_TIME_MAX bytes). Returns buffer, or NULL
//  (buffer "") when the time has no four-digit year. 0 is 1970: whether
//  0 means "not set" is the field's to say.
const char *kp_reply_vocab_time (int64_t us, char *buffer, size_t size);

#endif
