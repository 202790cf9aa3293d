/*  kp_alloc — the one out-of-memory policy, czmq's: an allocation that
    fails ends the process with a log line saying where (abort, so a core
    and the supervisor's restart follow). Memory is not a request error:
    no caller checks for NULL, and no reply ever guesses at a cause. Every
    malloc, calloc, realloc and strdup in common/ and services/ goes
    through these; libsodium's guarded memory (kp_hetu) and the libraries'
    own allocations are theirs. */
#ifndef KP_ALLOC_H
#define KP_ALLOC_H

#include <stddef.h>

#define kp_malloc(size)          kp_alloc_malloc ((size), __FILE__, __LINE__)
#define kp_calloc(count, size)   kp_alloc_calloc ((count), (size), __FILE__, __LINE__)
#define kp_realloc(ptr, size)    kp_alloc_realloc ((ptr), (size), __FILE__, __LINE__)
#define kp_strdup(text)          kp_alloc_strdup ((text), __FILE__, __LINE__)

//  Never NULL (a zero size gets a valid block of its own).
void *kp_alloc_malloc (size_t size, const char *file, int line);
void *kp_alloc_calloc (size_t count, size_t size, const char *file, int line);
void *kp_alloc_realloc (void *ptr, size_t size, const char *file, int line);
char *kp_alloc_strdup (const char *text, const char *file, int line);

#endif
