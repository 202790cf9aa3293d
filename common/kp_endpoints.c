/*  kp_endpoints — see kp_endpoints.h. */
#include "kp_endpoints.h"

#include <string.h>

//  The next endpoint of a list from *at: its length (0 at the end), with
//  *at moved past it and its comma. Empty items ("a,,b") are skipped.
static size_t
s_next (const char **at, const char **start)
{
    while (**at == ',')
        (*at)++;
    *start = *at;
    size_t len = strcspn (*at, ",");
    *at += len;
    return len;
}

int
kp_endpoints_count (const char *list)
{
    int count = 0;
    const char *start;
    for (const char *at = list ? list : ""; s_next (&at, &start); )
        count++;
    return count;
}

int
kp_endpoints_connect (zsock_t *socket, const char *list)
{
    int connected = 0;
    const char *start;
    size_t len;
    for (const char *at = list ? list : ""; (len = s_next (&at, &start)); ) {
        //  An endpoint longer than any real one is refused, not cut short.
        char endpoint [256];
        if (len >= sizeof endpoint)
            return -1;
        memcpy (endpoint, start, len);
        endpoint [len] = 0;
        if (zsock_connect (socket, "%s", endpoint) == -1)
            return -1;
        connected++;
    }
    return connected ? 0 : -1;
}
