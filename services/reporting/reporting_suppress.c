/*  reporting_suppress — the disclosure-control rule (see the header).
    Primary: every cell under the threshold, zero included (a published
    zero says that nobody in the group has the attribute), and every row
    whose total is under it. Secondary: while some additive line has
    exactly one hidden cell, hide that line's smallest visible cell too. */
#include "reporting_suppress.h"
#include "kp_alloc.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int64_t people;
    bool hidden;
    bool primary;
} s_cell_t;

//  A line or a row: a range of member indexes in self->members.
typedef struct {
    size_t first;
    size_t count;
    int64_t people;                 //  rows only
} s_group_t;

struct _reporting_suppress_t {
    int threshold;                  //  already clamped to the minimum
    s_cell_t *cells;
    size_t n_cells, max_cells;
    int *members;                   //  cell indexes of every line and row, back to back
    size_t n_members, max_members;
    s_group_t *lines;
    size_t n_lines, max_lines;
    s_group_t *rows;
    size_t n_rows, max_rows;
};

//  Grows a dynamic array to hold one more (or `more`) items.
static int
s_reserve (void **items, size_t *max, size_t used, size_t more, size_t size)
{
    if (used + more <= *max)
        return 0;
    size_t wanted = *max ? *max * 2 : 16;
    while (wanted < used + more)
        wanted *= 2;
    void *grown = kp_realloc (*items, wanted * size);
    if (!grown)
        return -1;
    *items = grown;
    *max = wanted;
    return 0;
}

reporting_suppress_t *
reporting_suppress_new (int threshold)
{
    reporting_suppress_t *self = kp_calloc (1, sizeof (reporting_suppress_t));
    if (!self)
        return NULL;
    if (threshold == 0)
        threshold = REPORTING_SUPPRESS_THRESHOLD_DEFAULT;
    self->threshold = threshold < REPORTING_SUPPRESS_THRESHOLD_MIN
                    ? REPORTING_SUPPRESS_THRESHOLD_MIN : threshold;
    return self;
}

void
reporting_suppress_destroy (reporting_suppress_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        reporting_suppress_t *self = *self_p;
        free (self->cells);
        free (self->members);
        free (self->lines);
        free (self->rows);
        free (self);
        *self_p = NULL;
    }
}

int
reporting_suppress_threshold (reporting_suppress_t *self)
{
    assert (self);
    return self->threshold;
}

int
reporting_suppress_cell (reporting_suppress_t *self, int64_t people)
{
    assert (self);
    if (s_reserve ((void **) &self->cells, &self->max_cells, self->n_cells, 1, sizeof (s_cell_t)))
        return -1;
    self->cells [self->n_cells] = (s_cell_t) { .people = people };
    return (int) self->n_cells++;
}

static int
s_group_add (reporting_suppress_t *self, s_group_t **groups, size_t *n, size_t *max,
             const int *cells, size_t count, int64_t people)
{
    if (s_reserve ((void **) groups, max, *n, 1, sizeof (s_group_t))
    ||  s_reserve ((void **) &self->members, &self->max_members, self->n_members, count, sizeof (int)))
        return -1;
    for (size_t index = 0; index < count; index++) {
        assert (cells [index] >= 0 && (size_t) cells [index] < self->n_cells);
        self->members [self->n_members + index] = cells [index];
    }
    (*groups) [(*n)++] = (s_group_t) { self->n_members, count, people };
    self->n_members += count;
    return 0;
}

int
reporting_suppress_line (reporting_suppress_t *self, const int *cells, size_t count)
{
    assert (self);
    return s_group_add (self, &self->lines, &self->n_lines, &self->max_lines, cells, count, 0);
}

int
reporting_suppress_row (reporting_suppress_t *self, const int *cells, size_t count, int64_t people)
{
    assert (self);
    return s_group_add (self, &self->rows, &self->n_rows, &self->max_rows, cells, count, people);
}

//  One pass over the lines: each line with exactly one hidden cell gets
//  its smallest visible cell hidden as well (the first of equals, so the
//  result does not depend on anything but the declaration order).
//  Returns how many cells it hid.
static size_t
s_secondary_pass (reporting_suppress_t *self)
{
    size_t added = 0;
    for (size_t line = 0; line < self->n_lines; line++) {
        const int *cells = self->members + self->lines [line].first;
        size_t count = self->lines [line].count, hidden = 0;
        int smallest = -1;
        for (size_t index = 0; index < count; index++) {
            s_cell_t *cell = &self->cells [cells [index]];
            if (cell->hidden)
                hidden++;
            else
            if (smallest < 0 || cell->people < self->cells [smallest].people)
                smallest = cells [index];
        }
        if (hidden == 1 && smallest >= 0) {
            self->cells [smallest].hidden = true;
            added++;
        }
    }
    return added;
}

size_t
reporting_suppress_run (reporting_suppress_t *self)
{
    assert (self);
    for (size_t index = 0; index < self->n_cells; index++) {
        s_cell_t *cell = &self->cells [index];
        cell->primary = cell->people < self->threshold;
        cell->hidden = cell->primary;
    }
    for (size_t row = 0; row < self->n_rows; row++)
        if (self->rows [row].people < self->threshold)
            for (size_t index = 0; index < self->rows [row].count; index++) {
                s_cell_t *cell = &self->cells [self->members [self->rows [row].first + index]];
                cell->primary = cell->hidden = true;
            }
    //  Each pass hides at least one more cell or ends the loop, so it ends
    //  after at most n_cells passes.
    while (s_secondary_pass (self))
        ;
    size_t hidden = 0;
    for (size_t index = 0; index < self->n_cells; index++)
        hidden += self->cells [index].hidden;
    return hidden;
}

bool
reporting_suppress_is_hidden (reporting_suppress_t *self, int cell)
{
    assert (self);
    assert (cell >= 0 && (size_t) cell < self->n_cells);
    return self->cells [cell].hidden;
}

bool
reporting_suppress_is_primary (reporting_suppress_t *self, int cell)
{
    assert (self);
    assert (cell >= 0 && (size_t) cell < self->n_cells);
    return self->cells [cell].primary;
}

int
reporting_suppress_cross (const int64_t *counts, size_t rows, size_t cols, int threshold, bool *hidden)
{
    assert (counts || rows * cols == 0);
    assert (hidden);
    size_t width = cols + 1, height = rows + 1;
    int64_t *table = kp_calloc (width * height, sizeof (int64_t));
    int *line = kp_malloc ((width > height ? width : height) * sizeof (int));
    reporting_suppress_t *self = reporting_suppress_new (threshold);
    int result = -1;
    if (!table || !line || !self)
        goto cleanup;
    //  The margins come from the unsuppressed counts, as they are published.
    for (size_t row = 0; row < rows; row++)
        for (size_t col = 0; col < cols; col++) {
            int64_t people = counts [row * cols + col];
            table [row * width + col] = people;
            table [row * width + cols] += people;
            table [rows * width + col] += people;
            table [rows * width + cols] += people;
        }
    //  Cell index = row * width + col, since cells are added in that order.
    for (size_t index = 0; index < width * height; index++)
        if (reporting_suppress_cell (self, table [index]) < 0)
            goto cleanup;
    for (size_t row = 0; row < height; row++) {
        for (size_t col = 0; col < width; col++)
            line [col] = (int) (row * width + col);
        if (reporting_suppress_line (self, line, width)
        ||  reporting_suppress_row (self, line, width, table [row * width + cols]))
            goto cleanup;
    }
    for (size_t col = 0; col < width; col++) {
        for (size_t row = 0; row < height; row++)
            line [row] = (int) (row * width + col);
        if (reporting_suppress_line (self, line, height))
            goto cleanup;
    }
    result = (int) reporting_suppress_run (self);
    for (size_t index = 0; index < width * height; index++)
        hidden [index] = reporting_suppress_is_hidden (self, (int) index);

cleanup:
    reporting_suppress_destroy (&self);
    free (line);
    free (table);
    return result;
}
