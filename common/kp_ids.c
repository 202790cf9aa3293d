/*  kp_ids — ULIDs: 48-bit Unix milliseconds then 80 random bits, written
    as 26 Crockford base32 characters so that string order is time order.
    Within one millisecond the random part counts up, under a mutex. */
#include "kp_ids.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define S_RANDOM_BYTES  10
#define S_TIME_CHARS    10              //  50 bits: 2 zero bits + 48 time bits
#define S_TIME_MAX      ((UINT64_C (1) << 48) - 1)

//  Crockford's alphabet: no I, L, O or U, so ids survive being read aloud.
static const char s_alphabet [] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

//  The last id made by this process, so the next one in the same
//  millisecond can follow it. The pid tells a forked child that the state
//  is its parent's: reusing it would let both make the same id.
static pthread_mutex_t s_mutex = PTHREAD_MUTEX_INITIALIZER;
static bool     s_initialised;
static pid_t    s_pid;
static uint64_t s_last_ms;
static uint8_t  s_last_random [S_RANDOM_BYTES];

static int
s_decode (char c)
{
    const char *found = c ? strchr (s_alphabet, c) : NULL;
    return found ? (int) (found - s_alphabet) : -1;
}

//  Adds one to the big-endian random part; false when it wraps to zero.
static bool
s_increment (uint8_t *random)
{
    for (int index = S_RANDOM_BYTES - 1; index >= 0; index--)
        if (++random [index] != 0)
            return true;
    return false;
}

static void
s_encode (char *buf, uint64_t unix_ms, const uint8_t *random)
{
    unsigned __int128 value = unix_ms;
    for (int index = 0; index < S_RANDOM_BYTES; index++)
        value = (value << 8) | random [index];
    for (int index = KP_ID_LEN - 1; index >= 0; index--) {
        buf [index] = s_alphabet [(unsigned) (value & 31)];
        value >>= 5;
    }
    buf [KP_ID_LEN] = '\0';
}

//  If clamp is set, a clock that stepped back reuses the last millisecond
//  so ids keep sorting in creation order; kp_id_new_at does not clamp, its
//  caller asked for that exact time.
static void
s_new (char *buf, uint64_t unix_ms, bool clamp)
{
    pthread_mutex_lock (&s_mutex);
    if (!s_initialised) {
        //  Without a random source no id would be unique: nothing to fall back on.
        if (sodium_init () < 0)
            abort ();
        s_initialised = true;
    }
    pid_t pid = getpid ();
    bool fresh = pid != s_pid;
    s_pid = pid;
    if (clamp && unix_ms < s_last_ms)
        unix_ms = s_last_ms;
    if (!fresh && unix_ms == s_last_ms) {
        //  80 random bits will not wrap in one millisecond in practice; if
        //  they do, borrow the next millisecond rather than repeat an id.
        if (!s_increment (s_last_random)) {
            unix_ms++;
            randombytes_buf (s_last_random, sizeof s_last_random);
        }
    }
    else
        randombytes_buf (s_last_random, sizeof s_last_random);
    s_last_ms = unix_ms;
    s_encode (buf, unix_ms, s_last_random);
    pthread_mutex_unlock (&s_mutex);
}

void
kp_id_new (char *buf)
{
    struct timespec now;
    clock_gettime (CLOCK_REALTIME, &now);
    uint64_t unix_ms = (uint64_t) now.tv_sec * 1000 + (uint64_t) now.tv_nsec / 1000000;
    s_new (buf, unix_ms, true);
}

void
kp_id_new_at (char *buf, uint64_t unix_ms)
{
    //  Times past 48 bits (year 10889) cannot be encoded; keep the low bits
    //  as the ULID layout would.
    s_new (buf, unix_ms & S_TIME_MAX, false);
}

//  The first character carries the two padding bits above 128, so it
//  must be 0-7.
bool
kp_id_valid (const char *text)
{
    if (!text)
        return false;
    for (int index = 0; index < KP_ID_LEN; index++)
        if (s_decode (text [index]) < 0)
            return false;
    return text [KP_ID_LEN] == '\0' && s_decode (text [0]) < 8;
}

uint64_t
kp_id_time_ms (const char *id)
{
    if (!kp_id_valid (id))
        return 0;
    uint64_t value = 0;
    for (int index = 0; index < S_TIME_CHARS; index++)
        value = (value << 5) | (uint64_t) s_decode (id [index]);
    return value;
}
