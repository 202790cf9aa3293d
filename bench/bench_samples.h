/*  bench_samples — a growing list of measurements (ms) and its
    percentiles, shared by the bench programs (each C file in bench/ is its
    own binary, so this is a header of small static functions). */
#ifndef BENCH_SAMPLES_H
#define BENCH_SAMPLES_H

#include <stdlib.h>
#include <string.h>

typedef struct {
    double *values;
    size_t count, room;
} bench_samples_t;

static inline void
bench_samples_add (bench_samples_t *self, double value)
{
    if (self->count == self->room) {
        self->room = self->room ? self->room * 2 : 4096;
        self->values = realloc (self->values, self->room * sizeof (double));
        if (!self->values)
            abort ();
    }
    self->values [self->count++] = value;
}

//  Moves every value of from into self.
static inline void
bench_samples_take (bench_samples_t *self, bench_samples_t *from)
{
    for (size_t index = 0; index < from->count; index++)
        bench_samples_add (self, from->values [index]);
    free (from->values);
    *from = (bench_samples_t) { 0 };
}

static inline int
bench_samples_compare (const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

//  The value below which fraction (0-1) of the samples lie; 0 when empty.
static inline double
bench_samples_percentile (bench_samples_t *self, double fraction)
{
    if (self->count == 0)
        return 0;
    qsort (self->values, self->count, sizeof (double), bench_samples_compare);
    size_t rank = (size_t) ((double) self->count * fraction);
    return self->values [rank < self->count ? rank : self->count - 1];
}

static inline void
bench_samples_free (bench_samples_t *self)
{
    free (self->values);
    *self = (bench_samples_t) { 0 };
}

#endif
