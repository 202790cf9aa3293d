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

//  A cell that is 0 by construction, not by count: the attendances of a
//  month with no session held, the headcount of a closed group. It is
//  published as a structural zero (never suppressed, never a complement),
//  and the audit fixes it at 0, as any reader can. 0; -1 when the cell
//  counts anybody (a caller's bug: such a cell is not structural).
int reporting_suppress_structural_zero (reporting_suppress_t *self, int cell);
//  A cell the table never publishes (a count that only ties lines
//  together, such as "not improved" = n − improved): unknown to readers,
//  so never a complement, yet protected like a hidden cell when small.
void reporting_suppress_unpublished (reporting_suppress_t *self, int cell);

//  Applies the rule: primary suppression, whole rows, secondary
//  suppression until stable, then the audit (below), hiding one more cell
//  at a time until it passes. Returns how many cells are suppressed;
//  reporting_suppress_audited says whether the result is proven.
size_t reporting_suppress_run (reporting_suppress_t *self);
//  True when the last run ended with a passing audit. False when the
//  solver failed, memory ran out, or no cell was left to hide: such a
//  table must not be published.
bool reporting_suppress_audited (reporting_suppress_t *self);
//  Why the last run is not audited (static text for the log), NULL if it is.
const char *reporting_suppress_why (reporting_suppress_t *self);
//  True when cell is suppressed (after run).
bool reporting_suppress_is_hidden (reporting_suppress_t *self, int cell);
//  Primary: suppressed for its own count (or its row's), not as a complement.
bool reporting_suppress_is_primary (reporting_suppress_t *self, int cell);
bool reporting_suppress_is_structural_zero (reporting_suppress_t *self, int cell);

//  The audit. Every cell a reader does not see (suppressed, or never
//  published) has a feasible interval [lo, hi] (reporting_audit: every
//  published cell fixed, structural zeros at 0, every cell ≥ 0, every
//  declared line an equation), and passes when hi − lo ≥ threshold or
//  lo ≥ threshold. So no count under the threshold (lo ≤ v < threshold)
//  can be narrowed to fewer than `threshold` values, and a hidden cell a
//  reader can narrow is provably no small count. The rule needs nothing
//  but the published table, so a reader can check it (harness_audit).
typedef struct {
    int cell;                       //  the first unprotected cell, or -1
    int64_t lo, hi;                 //  its interval
} reporting_suppress_finding_t;

//  Audits the cells as they are hidden now (after run, or as marked with
//  reporting_suppress_hide). 0 when every cell is protected; 1 when one is
//  not (finding says which, the first by index); -1 when the solver or
//  memory fails.
int reporting_suppress_audit (reporting_suppress_t *self, reporting_suppress_finding_t *finding);
//  The declared lines, for publishing them beside the table: how many, and
//  line `line`'s cells (parts, then the total), `*count` of them.
size_t reporting_suppress_lines (reporting_suppress_t *self);
const int *reporting_suppress_line_cells (reporting_suppress_t *self, size_t line, size_t *count);
//  Marks a cell hidden without running the rule: to audit a suppression
//  made elsewhere (a received table, an earlier version of the rule).
void reporting_suppress_hide (reporting_suppress_t *self, int cell);

//  The common case in one call: an interior table of rows × cols counts
//  (row-major) published with its row totals, column totals and grand
//  total, all computed from the unsuppressed counts. hidden receives
//  (rows + 1) × (cols + 1) flags: the interior, each row's total in the
//  last column, the column totals in the last row. Returns the number of
//  suppressed cells, or -1 when out of memory.
int reporting_suppress_cross (const int64_t *counts, size_t rows, size_t cols, int threshold,
                              bool *hidden);

#endif
