/*  reporting_suppress — disclosure control for published counts of people:
    the one place the suppression rule lives. Pure C, no database, so every
    report and the unit test run exactly the same rule. */
#ifndef REPORTING_SUPPRESS_H
#define REPORTING_SUPPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

//  A cell counting fewer people than the threshold is suppressed. The
//  default is the usual one for social welfare statistics; the rule never
//  goes below 3, whatever a caller asks for.
#define REPORTING_SUPPRESS_THRESHOLD_DEFAULT  5
#define REPORTING_SUPPRESS_THRESHOLD_MIN      3

typedef struct _reporting_suppress_t reporting_suppress_t;

//  threshold 0 gives the default; anything below the minimum is raised to it.
reporting_suppress_t *reporting_suppress_new (int threshold);
void reporting_suppress_destroy (reporting_suppress_t **self_p);
int reporting_suppress_threshold (reporting_suppress_t *self);

//  Adds a cell counting `people`; returns its index (0, 1, …), or -1 when
//  out of memory.
int reporting_suppress_cell (reporting_suppress_t *self, int64_t people);
//  Declares an additive line: the cells of one row or column together with
//  the total they add up to. A published total lets a reader recover the
//  one hidden cell of a line, so no line may end with exactly one
//  suppressed cell. 0, or -1 when out of memory.
int reporting_suppress_line (reporting_suppress_t *self, const int *cells, size_t count);
//  Declares a row that is suppressed whole when `people` (its total) is
//  below the threshold. 0, or -1 when out of memory.
int reporting_suppress_row (reporting_suppress_t *self, const int *cells, size_t count,
                            int64_t people);

//  Applies the rule: primary suppression, whole rows, then secondary
//  suppression until stable. Returns how many cells are suppressed.
size_t reporting_suppress_run (reporting_suppress_t *self);
//  True when cell is suppressed (after run).
bool reporting_suppress_is_hidden (reporting_suppress_t *self, int cell);
//  Primary: suppressed for its own count (or its row's), not as a complement.
bool reporting_suppress_is_primary (reporting_suppress_t *self, int cell);

//  The common case in one call: an interior table of rows × cols counts
//  (row-major) published with its row totals, column totals and grand
//  total, all computed from the unsuppressed counts. hidden receives
//  (rows + 1) × (cols + 1) flags: the interior, each row's total in the
//  last column, the column totals in the last row. Returns the number of
//  suppressed cells, or -1 when out of memory.
int reporting_suppress_cross (const int64_t *counts, size_t rows, size_t cols, int threshold,
                              bool *hidden);

#endif
