/*  kp_clock — what time it is for kumppani. The process clock is the real
    one, unless the service was started with KUMPPANI_CLOCK_FILE (tests
    only: the file holds microseconds since the epoch, read on every look,
    so a test can enter a year through the API day by day). No caller of
    any service can move it; an importer's original time travels per call
    on the connection instead (kp_db_set_clock). */
#ifndef KP_CLOCK_H
#define KP_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

//  Microseconds since the epoch, UTC: the process clock.
int64_t kp_clock_now_us (void);
//  True when the process clock comes from KUMPPANI_CLOCK_FILE.
bool kp_clock_is_test (void);

#endif
