/*  stream_scope — the entitlement table (see stream_scope.h).
      operator, service               everything
      municipality, integrator        its municipality's events, and its own
      county                          the events of every municipality it
                                      organises (a:EP), and its own
      everyone else (kela, ngo, …)    events it sent or that are addressed to it
    Kela thus sees the referral events about its own notices only. */
#include "stream_scope.h"
#include "kp_organiser.h"

#include <stdio.h>
#include <string.h>

int
stream_scope_of_event (const char *municipality, const char *sender_org,
                       const char *recipient_org, stream_scopes_t scopes)
{
    int count = 0;
    snprintf (scopes [count++], STREAM_SCOPE_LEN, "*");
    if (municipality && *municipality)
        snprintf (scopes [count++], STREAM_SCOPE_LEN, "m:%s", municipality);
    char organiser [8];
    if (kp_organiser_area_of (municipality, organiser, sizeof organiser))
        snprintf (scopes [count++], STREAM_SCOPE_LEN, "a:%s", organiser);
    if (sender_org && *sender_org)
        snprintf (scopes [count++], STREAM_SCOPE_LEN, "o:%s", sender_org);
    if (recipient_org && *recipient_org
    &&  !(sender_org && strcmp (sender_org, recipient_org) == 0))
        snprintf (scopes [count++], STREAM_SCOPE_LEN, "o:%s", recipient_org);
    return count;
}

int
stream_scope_of_subscriber (const kp_identity_t *identity, stream_scopes_t scopes)
{
    int count = 0;
    if (!*identity->org_id || !*identity->org_type)
        return 0;
    if (kp_org_type_in (identity->org_type, "operator service")) {
        snprintf (scopes [count++], STREAM_SCOPE_LEN, "*");
        return count;
    }
    if (kp_org_type_in (identity->org_type, "municipality integrator") && *identity->municipality)
        snprintf (scopes [count++], STREAM_SCOPE_LEN, "m:%s", identity->municipality);
    if (strcmp (identity->org_type, "county") == 0 && *identity->county)
        snprintf (scopes [count++], STREAM_SCOPE_LEN, "a:%s", identity->county);
    snprintf (scopes [count++], STREAM_SCOPE_LEN, "o:%s", identity->org_id);
    return count;
}

const char *
stream_scope_shared (const stream_scopes_t mine, int my_count,
                     const stream_scopes_t theirs, int their_count)
{
    for (int b = 0; b < their_count; b++)
        for (int a = 0; a < my_count; a++)
            if (strcmp (mine [a], theirs [b]) == 0)
                return theirs [b];
    return NULL;
}

bool
stream_scope_entitled (const kp_identity_t *identity, const char *municipality,
                       const char *sender_org, const char *recipient_org)
{
    stream_scopes_t mine, theirs;
    int my_count = stream_scope_of_subscriber (identity, mine);
    int their_count = stream_scope_of_event (municipality, sender_org, recipient_org, theirs);
    return stream_scope_shared (mine, my_count, theirs, their_count) != NULL;
}
