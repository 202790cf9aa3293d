/*  stream_scope — who may see which event: the stream's entitlement rule,
    in one place. An event is addressed to audience scopes ("*" for all,
    "m:743" for a municipality, "a:EP" for the organiser of its
    municipality, "o:kela" for an organisation); a subscriber
    holds the scopes its certificate entitles it to, and sees an event when
    they share one. Live and replay both ask this module, per subscriber
    and per event, with the subscriber's own identity. */
#ifndef STREAM_SCOPE_H
#define STREAM_SCOPE_H

#include "kp_server.h"

#define STREAM_SCOPE_MAX   5
#define STREAM_SCOPE_LEN   80
//  Heartbeats go to everyone under this scope.
#define STREAM_SCOPE_PUBLIC "pub"

typedef char stream_scopes_t [STREAM_SCOPE_MAX][STREAM_SCOPE_LEN];

//  The scopes an event row is addressed to; returns how many.
int stream_scope_of_event (const char *municipality, const char *sender_org,
                           const char *recipient_org, stream_scopes_t scopes);
//  The scopes a subscriber may read; returns how many (0: nothing).
int stream_scope_of_subscriber (const kp_identity_t *identity, stream_scopes_t scopes);
//  The first of an event's scopes that a subscriber holds, or NULL: the
//  one rule both of the functions below and the relay apply.
const char *stream_scope_shared (const stream_scopes_t mine, int my_count,
                                 const stream_scopes_t theirs, int their_count);
//  The same rule for one event, for replay.
bool stream_scope_entitled (const kp_identity_t *identity, const char *municipality,
                            const char *sender_org, const char *recipient_org);

#endif
