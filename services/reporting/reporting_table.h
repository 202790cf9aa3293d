/*  reporting_table — a report under construction (reporting_table.c):
    rows of cells, each count through disclosure control, the additive
    lines the audit proves suppression against, and the reply. */
#ifndef REPORTING_TABLE_H
#define REPORTING_TABLE_H

#include "reporting_scope.h"
#include "kp_server.h"

#include <stddef.h>
#include <stdint.h>

//  reporting_table: a report under construction (see reporting_table.c).
typedef struct _reporting_table_t reporting_table_t;

reporting_table_t *reporting_table_new (const reporting_scope_t *scope, const char *const *columns);
void reporting_table_destroy (reporting_table_t **self_p);
//  Starts a row; the cells below fill it. Each returns 0 or -1 (memory).
int reporting_table_row (reporting_table_t *self);
int reporting_table_text (reporting_table_t *self, int column, const char *text);
//  A figure that counts no people (a plan, a number of observations).
int reporting_table_figure (reporting_table_t *self, int column, int64_t value);
//  A count of people: goes through disclosure control. Returns its cell
//  id for reporting_table_line, or -1.
int reporting_table_count (reporting_table_t *self, int column, int64_t people);
//  The count just set in column of the current row is 0 by construction
//  (no session held, a closed group): shown as a structural zero, never
//  suppressed nor a complement. 0; -1 when it counts anybody.
int reporting_table_structural_zero (reporting_table_t *self, int column);
//  A count of people that is not published but from which a published
//  one could be derived (n - improved); -1 on failure.
int reporting_table_unpublished (reporting_table_t *self, int64_t people);
//  A statistic over the people of the row's count in base (and base2, or
//  -1): hidden whenever one of them is.
int reporting_table_statistic (reporting_table_t *self, int column, const char *text,
                               int base, int base2);
//  Count cells that add up (a column with its total, a row with its total):
//  the parts, then the total last. These lines are the table's additive
//  relations: the disclosure audit proves suppression against them, and
//  the reply publishes them (ReportTable.relations).
int reporting_table_line (reporting_table_t *self, const int *cells, size_t count);
//  The current row is hidden whole when people is under the threshold.
int reporting_table_row_people (reporting_table_t *self, int64_t people);
//  The cell id of a count in the current row's column, -1 if none.
int reporting_table_cell_of (reporting_table_t *self, int row, int column);
//  Applies disclosure control and sets the call's reply; a table whose
//  suppression does not pass the audit is refused (INTERNAL
//  reporting.disclosure_unproven), never sent. 0 or -1.
int reporting_table_reply (reporting_table_t *self, kp_call_t *call);

#endif
