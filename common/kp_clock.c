/*  kp_clock — the process clock (see kp_clock.h). */
#include "kp_clock.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>

static int64_t
s_real_us (void)
{
    struct timeval now;
    gettimeofday (&now, NULL);
    return (int64_t) now.tv_sec * 1000000 + now.tv_usec;
}

bool
kp_clock_is_test (void)
{
    const char *path = getenv ("KUMPPANI_CLOCK_FILE");
    return path && *path;
}

int64_t
kp_clock_now_us (void)
{
    if (!kp_clock_is_test ())
        return s_real_us ();
    //  A file that cannot be read keeps the real clock rather than stopping time.
    int64_t micros = 0;
    FILE *file = fopen (getenv ("KUMPPANI_CLOCK_FILE"), "r");
    if (file) {
        if (fscanf (file, "%" SCNd64, &micros) != 1)
            micros = 0;
        fclose (file);
    }
    return micros > 0 ? micros : s_real_us ();
}
