/*  kp_alloc — see kp_alloc.h. The log line is written without allocating
    (kp_log formats on the stack). */
#include "kp_alloc.h"
#include "kp_log.h"

#include <stdlib.h>
#include <string.h>

static void __attribute__ ((noreturn))
s_out_of_memory (size_t size, const char *file, int line)
{
    kp_error ("out of memory: %zu bytes at %s:%d", size, file, line);
    abort ();
}

void *
kp_alloc_malloc (size_t size, const char *file, int line)
{
    void *block = malloc (size ? size : 1);
    if (!block)
        s_out_of_memory (size, file, line);
    return block;
}

void *
kp_alloc_calloc (size_t count, size_t size, const char *file, int line)
{
    void *block = calloc (count ? count : 1, size ? size : 1);
    if (!block)
        s_out_of_memory (count * size, file, line);
    return block;
}

void *
kp_alloc_realloc (void *ptr, size_t size, const char *file, int line)
{
    void *block = realloc (ptr, size ? size : 1);
    if (!block)
        s_out_of_memory (size, file, line);
    return block;
}

char *
kp_alloc_strdup (const char *text, const char *file, int line)
{
    size_t size = strlen (text) + 1;
    char *copy = kp_alloc_malloc (size, file, line);
    memcpy (copy, text, size);
    return copy;
}
