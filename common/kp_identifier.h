/*  kp_identifier — what may be in an identifier field of a request. Ids
    travel into events, stream scopes, the audit log and logs, where a
    henkilötunnus must never be; so every identifier field of every request
    is refused when it looks like one or holds a control character. One
    walk over the decoded request, called once from kp_server's checks,
    covers every service. */
#ifndef KP_IDENTIFIER_H
#define KP_IDENTIFIER_H

#include "kp_codec.h"
#include "kp_server.h"

#include <stdbool.h>

//  True if a field of this name is an identifier field (the rule and the
//  fields it covers are listed in kp_identifier.c).
bool kp_identifier_field (const char *name);
//  Checks every identifier field of message, recursively. 0, or -2 with
//  error->code "request.looks_like_hetu" or "request.control_character"
//  and error->field the field's path ("actor.person_id").
int kp_identifier_check (const ProtobufCMessage *message, kp_codec_error_t *error);
//  The same for a call's request: 0, or -1 after failing the call with
//  STATUS_INVALID. A correlation id that looks like a henkilötunnus is
//  echoed to its sender but not logged.
int kp_identifier_screen (kp_call_t *call);

#endif
