/*  reporting_table — a report under construction: labels, figures, counts
    of people and statistics over them, and which counts add up. On reply
    every count goes through reporting_suppress and a statistic is hidden
    with the counts it is computed from; a hidden cell has no value. Only
    a table whose suppression passed the audit leaves: with the lines it
    was audited against, so that a reader can audit it again. */
#include "reporting_heading.h"
#include "reporting_scope.h"
#include "reporting_suppress.h"
#include "reporting_table.h"
#include "kp_alloc.h"
#include "kp_log.h"
#include "kp_organiser.h"
#include "kp_server.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *text;                     //  the value as published (NULL: empty)
    int count;                      //  reporting_suppress cell, or -1
    int base, base2;                //  a statistic's count columns, or -1
    bool figure;                    //  a number, not a label such as a code
} s_cell_t;

struct _reporting_table_t {
    const reporting_scope_t *scope;
    const char *const *columns;     //  borrowed, NULL-terminated
    size_t n_columns;
    s_cell_t *cells;                //  rows × n_columns
    size_t n_rows, max_rows;
    reporting_suppress_t *rule;
};

reporting_table_t *
reporting_table_new (const reporting_scope_t *scope, const char *const *columns)
{
    reporting_table_t *self = kp_calloc (1, sizeof (reporting_table_t));
    if (!self)
        return NULL;
    self->scope = scope;
    self->columns = columns;
    while (columns [self->n_columns])
        self->n_columns++;
    self->rule = reporting_suppress_new (scope->threshold);
    if (!self->rule)
        reporting_table_destroy (&self);
    return self;
}

void
reporting_table_destroy (reporting_table_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        reporting_table_t *self = *self_p;
        for (size_t index = 0; index < self->n_rows * self->n_columns; index++)
            free (self->cells [index].text);
        free (self->cells);
        reporting_suppress_destroy (&self->rule);
        free (self);
        *self_p = NULL;
    }
}

int
reporting_table_row (reporting_table_t *self)
{
    assert (self);
    if (self->n_rows == self->max_rows) {
        size_t wanted = self->max_rows ? self->max_rows * 2 : 16;
        s_cell_t *grown = kp_realloc (self->cells, wanted * self->n_columns * sizeof (s_cell_t));
        if (!grown)
            return -1;
        self->cells = grown;
        self->max_rows = wanted;
    }
    for (size_t column = 0; column < self->n_columns; column++)
        self->cells [self->n_rows * self->n_columns + column] = (s_cell_t) { NULL, -1, -1, -1 };
    self->n_rows++;
    return 0;
}

static s_cell_t *
s_cell (reporting_table_t *self, int column)
{
    assert (self->n_rows > 0);
    assert (column >= 0 && (size_t) column < self->n_columns);
    return &self->cells [(self->n_rows - 1) * self->n_columns + (size_t) column];
}

//  gcc 12's analyzer loses a pointer stored at a computed index into the
//  table's cells and reports the copy as leaked; the table owns it and
//  reporting_table_destroy frees it.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
int
reporting_table_text (reporting_table_t *self, int column, const char *text)
{
    s_cell_t *cell = s_cell (self, column);
    free (cell->text);
    cell->text = kp_strdup (text);
    cell->figure = false;
    return cell->text ? 0 : -1;
}
#pragma GCC diagnostic pop

int
reporting_table_figure (reporting_table_t *self, int column, int64_t value)
{
    char text [24];
    snprintf (text, sizeof text, "%" PRId64, value);
    if (reporting_table_text (self, column, text))
        return -1;
    s_cell (self, column)->figure = true;
    return 0;
}

int
reporting_table_count (reporting_table_t *self, int column, int64_t people)
{
    if (reporting_table_figure (self, column, people))
        return -1;
    s_cell_t *cell = s_cell (self, column);
    cell->count = reporting_suppress_cell (self->rule, people);
    return cell->count;
}

int
reporting_table_structural_zero (reporting_table_t *self, int column)
{
    s_cell_t *cell = s_cell (self, column);
    if (cell->count < 0)
        return -1;
    return reporting_suppress_structural_zero (self->rule, cell->count);
}

int
reporting_table_unpublished (reporting_table_t *self, int64_t people)
{
    int cell = reporting_suppress_cell (self->rule, people);
    if (cell >= 0)
        reporting_suppress_unpublished (self->rule, cell);
    return cell;
}

int
reporting_table_statistic (reporting_table_t *self, int column, const char *text, int base, int base2)
{
    if (reporting_table_text (self, column, text))
        return -1;
    s_cell_t *cell = s_cell (self, column);
    cell->base = base;
    cell->base2 = base2;
    cell->figure = true;
    return 0;
}

int
reporting_table_line (reporting_table_t *self, const int *cells, size_t count)
{
    return reporting_suppress_line (self->rule, cells, count);
}

int
reporting_table_row_people (reporting_table_t *self, int64_t people)
{
    int cells [64], count = 0;
    for (size_t column = 0; column < self->n_columns && count < 64; column++) {
        s_cell_t *cell = s_cell (self, (int) column);
        if (cell->count >= 0)
            cells [count++] = cell->count;
    }
    return reporting_suppress_row (self->rule, cells, (size_t) count, people);
}

int
reporting_table_cell_of (reporting_table_t *self, int row, int column)
{
    assert (row >= 0 && (size_t) row < self->n_rows);
    return self->cells [(size_t) row * self->n_columns + (size_t) column].count;
}

static bool
s_base_hidden (reporting_table_t *self, size_t row, int base)
{
    if (base < 0)
        return false;
    int count = self->cells [row * self->n_columns + (size_t) base].count;
    return count >= 0 && reporting_suppress_is_hidden (self->rule, count);
}

//  A category that is a municipality (participants' dimension
//  "municipality", talousneuvola's "visits" by area): named like the
//  municipality columns.
static bool
s_municipality_category (reporting_table_t *self, size_t row, size_t column)
{
    if (strcmp (self->columns [column], "category"))
        return false;
    for (size_t other = 0; other < self->n_columns; other++)
        if (strcmp (self->columns [other], "dimension") == 0) {
            const char *text = self->cells [row * self->n_columns + other].text;
            return text && (strcmp (text, "municipality") == 0 || strcmp (text, "visits") == 0);
        }
    return false;
}

//  The relations as published: each line's cells by their place in the
//  table (row * columns + column), unpublished counts numbered after the
//  last cell. 0 or -1 (memory).
static int
s_relations (reporting_table_t *self, kp_call_t *call, Kumppani__V1__ReportTable *table)
{
    size_t cells = 0, lines = reporting_suppress_lines (self->rule);
    for (size_t line = 0; line < lines; line++) {
        size_t count;
        const int *members = reporting_suppress_line_cells (self->rule, line, &count);
        for (size_t index = 0; index < count; index++)
            if ((size_t) members [index] + 1 > cells)
                cells = (size_t) members [index] + 1;
    }
    uint32_t *place = kp_calloc (cells + 1, sizeof (uint32_t));
    bool *published = kp_calloc (cells + 1, sizeof (bool));
    int rc = -1;
    if (!place || !published)
        goto cleanup;
    size_t width = self->n_rows * self->n_columns;
    for (size_t index = 0; index < width; index++) {
        int count = self->cells [index].count;
        if (count >= 0 && (size_t) count < cells) {
            place [count] = (uint32_t) index;
            published [count] = true;
        }
    }
    uint32_t unpublished = 0;
    for (size_t cell = 0; cell < cells; cell++)
        if (!published [cell])
            place [cell] = (uint32_t) width + unpublished++;
    table->unpublished_counts = unpublished;
    table->n_relations = lines;
    table->relations = kp_call_alloc (call, sizeof (Kumppani__V1__ReportRelation *) * (lines + 1));
    for (size_t line = 0; line < lines; line++) {
        size_t count;
        const int *members = reporting_suppress_line_cells (self->rule, line, &count);
        Kumppani__V1__ReportRelation *relation = kp_call_alloc (call, sizeof *relation);
        kumppani__v1__report_relation__init (relation);
        relation->n_cells = count;
        relation->cells = kp_call_alloc (call, sizeof (uint32_t) * (count + 1));
        for (size_t index = 0; index < count; index++)
            relation->cells [index] = place [members [index]];
        table->relations [line] = relation;
    }
    rc = 0;

cleanup:
    free (place);
    free (published);
    return rc;
}

int
reporting_table_reply (reporting_table_t *self, kp_call_t *call)
{
    reporting_suppress_run (self->rule);
    //  Never a table the audit did not prove: the caller gets an error,
    //  and the log says so (a report whose structure pins a count, or a
    //  solver failure, is a defect to fix, not a table to publish).
    if (!reporting_suppress_audited (self->rule)) {
        kp_error ("%s: disclosure audit failed: %s", self->scope->report, reporting_suppress_why (self->rule));
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INTERNAL, "reporting.disclosure_unproven",
                             NULL, "the report's suppression did not pass the disclosure audit");
    }
    Kumppani__V1__ReportTable *table = kp_call_alloc (call, sizeof *table);
    kumppani__v1__report_table__init (table);
    table->report = kp_call_strdup (call, self->scope->report);
    table->period_start = kp_call_strdup (call, self->scope->period_start);
    table->period_end = kp_call_strdup (call, self->scope->period_end);
    table->threshold = (uint32_t) reporting_suppress_threshold (self->rule);
    table->n_columns = self->n_columns;
    table->columns = kp_call_alloc (call, sizeof (char *) * (self->n_columns + 1));
    for (size_t column = 0; column < self->n_columns; column++)
        table->columns [column] = (char *) self->columns [column];     //  static names, packed only
    table->n_rows = self->n_rows;
    table->rows = kp_call_alloc (call, sizeof (Kumppani__V1__ReportRow *) * (self->n_rows + 1));
    for (size_t row = 0; row < self->n_rows; row++) {
        Kumppani__V1__ReportRow *out = kp_call_alloc (call, sizeof *out);
        kumppani__v1__report_row__init (out);
        out->n_cells = self->n_columns;
        out->cells = kp_call_alloc (call, sizeof (Kumppani__V1__ReportCell *) * self->n_columns);
        for (size_t column = 0; column < self->n_columns; column++) {
            const s_cell_t *cell = &self->cells [row * self->n_columns + column];
            Kumppani__V1__ReportCell *value = kp_call_alloc (call, sizeof *value);
            kumppani__v1__report_cell__init (value);
            value->structural_zero = cell->count >= 0
                                  && reporting_suppress_is_structural_zero (self->rule, cell->count);
            value->suppressed = (cell->count >= 0 && reporting_suppress_is_hidden (self->rule, cell->count))
                             || s_base_hidden (self, row, cell->base)
                             || s_base_hidden (self, row, cell->base2);
            value->value = value->suppressed || !cell->text ? "" : kp_call_strdup (call, cell->text);
            value->label = cell->text && !cell->figure;
            //  Readers see names; the code stays the value (JSON, joins).
            char name [128];
            if (value->label && !value->suppressed
            &&  (strcmp (self->columns [column], "municipality") == 0 || strcmp (self->columns [column], "area") == 0
                 || s_municipality_category (self, row, column))
            &&  kp_organiser_name_of (cell->text, name, sizeof name))
                value->name = kp_call_strdup (call, name);
            out->cells [column] = value;
        }
        table->rows [row] = out;
    }
    if (reporting_heading_fill (call, self->scope, table))
        return kp_call_db_fail (call);
    if (s_relations (self, call, table))
        return -1;
    call->reply->body_case = KUMPPANI__V1__REPLY__BODY_REPORT_TABLE;
    call->reply->report_table = table;
    return 0;
}
