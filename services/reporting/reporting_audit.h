/*  reporting_audit — the feasible interval of an unpublished count, given
    everything a table publishes: the τ-Argus audit. Each cell is a
    variable ≥ 0; a published cell (or a structural zero) is fixed to its
    value; every declared additive line (parts, then the total they add up
    to) is an equation. The interval of a hidden cell is its minimum and
    maximum over that polytope, by linear programming (GLPK's simplex).
    Integrality is relaxed; the bounds are rounded inwards (ceil, floor),
    which is still a superset of the integer interval, so a cell that
    passes here passes over the integers too. Pure C over GLPK, no
    database: the service and the tests run the same audit. */
#ifndef REPORTING_AUDIT_H
#define REPORTING_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

//  An interval's upper end when nothing published bounds the cell.
#define REPORTING_AUDIT_UNBOUNDED  INT64_MAX

typedef struct _reporting_audit_t reporting_audit_t;

//  A problem over n_cells cells (all free, ≥ 0) and n_lines lines: line i
//  is members [first [i]] … members [first [i] + count [i] - 1], its parts
//  and its total last. NULL when out of memory.
reporting_audit_t *reporting_audit_new (size_t n_cells, const int *members, const size_t *first,
                                        const size_t *count, size_t n_lines);
void reporting_audit_destroy (reporting_audit_t **self_p);

//  A published cell (or a structural zero, value 0): fixed.
void reporting_audit_fix (reporting_audit_t *self, int cell, int64_t value);
//  A hidden or never-published cell: any value ≥ 0.
void reporting_audit_free (reporting_audit_t *self, int cell);

//  The feasible interval of cell: *lo ≤ cell ≤ *hi in every table that
//  agrees with what is published (*hi REPORTING_AUDIT_UNBOUNDED when
//  nothing bounds it). 0; 1 when the published cells admit no table at
//  all (the caller's figures contradict its lines); -1 when the solver
//  fails.
int reporting_audit_interval (reporting_audit_t *self, int cell, int64_t *lo, int64_t *hi);

#endif
