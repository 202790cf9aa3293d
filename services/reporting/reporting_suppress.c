/*  reporting_suppress — the disclosure-control rule (see the header).
    Primary: every cell under the threshold, zero included (a published
    zero says that nobody in the group has the attribute), and every row
    whose total is under it; structural zeros are not counts and stay
    shown. Secondary: while some additive line has exactly one unknown
    cell that needs protection, hide that line's smallest visible cell
    too. Then the audit (reporting_audit): while some hidden cell's
    feasible interval is narrower than the threshold, hide the smallest
    visible cell on a line through it (the nearest such lines first, the
    first of equals), and audit again. Last, complements no longer needed
    are published again, and a hidden total is traded for a part beside it
    where the audit allows. The heuristic does most of the work cheaply;
    the audit is what proves it. */
#include "reporting_audit.h"
#include "reporting_suppress.h"
#include "kp_alloc.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int64_t people;
    bool hidden;
    bool primary;
    bool structural;                //  0 by construction: shown, fixed at 0
    bool unpublished;               //  never in the table: unknown to readers
    bool total;                     //  the sum of some declared line (its last cell)
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
    bool audited;                   //  the last run's audit passed
    const char *why;                //  else why not (static text)
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
    if (count >= 2)
        self->cells [cells [count - 1]].total = true;
    return s_group_add (self, &self->lines, &self->n_lines, &self->max_lines, cells, count, 0);
}

int
reporting_suppress_row (reporting_suppress_t *self, const int *cells, size_t count, int64_t people)
{
    assert (self);
    return s_group_add (self, &self->rows, &self->n_rows, &self->max_rows, cells, count, people);
}

//  A reader cannot see it: suppressed, or never published.
static bool
s_unknown (const s_cell_t *cell)
{
    return cell->hidden || cell->unpublished;
}

//  May be hidden to protect another: shown now and a count (hiding an
//  unpublished cell or a structural zero protects nothing).
static bool
s_candidate (const s_cell_t *cell)
{
    return !cell->hidden && !cell->unpublished && !cell->structural;
}

//  Needs protection in the heuristic: hidden, or small and never
//  published (the audit itself checks every unknown cell).
static bool
s_sensitive (const s_cell_t *cell, int threshold)
{
    return cell->unpublished ? !cell->structural && cell->people < threshold : cell->hidden;
}

//  One pass over the lines: each line whose one unknown cell needs
//  protection gets its smallest visible cell hidden as well (the first of
//  equals, so the result does not depend on anything but the declaration
//  order). Returns how many cells it hid.
static size_t
s_secondary_pass (reporting_suppress_t *self)
{
    size_t added = 0;
    for (size_t line = 0; line < self->n_lines; line++) {
        const int *cells = self->members + self->lines [line].first;
        size_t count = self->lines [line].count, unknown = 0;
        int smallest = -1, lone = -1;
        for (size_t index = 0; index < count; index++) {
            s_cell_t *cell = &self->cells [cells [index]];
            if (s_unknown (cell)) {
                unknown++;
                lone = cells [index];
            }
            else
            if (s_candidate (cell)
            &&  (smallest < 0 || cell->people < self->cells [smallest].people))
                smallest = cells [index];
        }
        if (unknown == 1 && smallest >= 0 && s_sensitive (&self->cells [lone], self->threshold)) {
            self->cells [smallest].hidden = true;
            added++;
        }
    }
    return added;
}

//  The table's connected parts: cells joined through lines. Each part is
//  audited on its own (a line never crosses parts, so neither does a
//  bound), which keeps every linear program as small as its part, and a
//  cell on no line at all needs none: nothing bounds it from above.
typedef struct {
    int *root;                      //  per cell: its part's first cell, -1 on no line
    int *cell_next;                 //  per cell: the next cell of its part, -1 last
    int *line_next;                 //  per line: the next line of its part, -1 last
    int *line_head;                 //  per root cell: its part's first line, -1 none
    int *local;                     //  per cell: its column in the part's problem
} s_parts_t;

static int
s_find (int *parent, int cell)
{
    while (parent [cell] != cell) {
        parent [cell] = parent [parent [cell]];
        cell = parent [cell];
    }
    return cell;
}

static void
s_parts_free (s_parts_t *parts)
{
    free (parts->root);
    free (parts->cell_next);
    free (parts->line_next);
    free (parts->line_head);
    free (parts->local);
}

static int
s_parts_new (reporting_suppress_t *self, s_parts_t *parts)
{
    size_t cells = self->n_cells + 1, lines = self->n_lines + 1;
    *parts = (s_parts_t) {
        kp_calloc (cells, sizeof (int)), kp_calloc (cells, sizeof (int)), kp_calloc (lines, sizeof (int)),
        kp_calloc (cells, sizeof (int)), kp_calloc (cells, sizeof (int))
    };
    if (!parts->root || !parts->cell_next || !parts->line_next || !parts->line_head || !parts->local) {
        s_parts_free (parts);
        *parts = (s_parts_t) { NULL, NULL, NULL, NULL, NULL };
        return -1;
    }
    int *parent = parts->local;     //  borrowed while the parts are found
    bool *on_line = (bool *) parts->cell_next;
    for (size_t cell = 0; cell < self->n_cells; cell++) {
        parent [cell] = (int) cell;
        on_line [cell] = false;
    }
    for (size_t line = 0; line < self->n_lines; line++) {
        if (self->lines [line].count < 2)
            continue;
        const int *members = self->members + self->lines [line].first;
        for (size_t index = 0; index < self->lines [line].count; index++) {
            on_line [members [index]] = true;
            int a = s_find (parent, members [0]), b = s_find (parent, members [index]);
            //  The smaller index is the root, so a part's root is its first cell.
            if (a != b)
                parent [a > b ? a : b] = a < b ? a : b;
        }
    }
    for (size_t cell = 0; cell < self->n_cells; cell++)
        parts->root [cell] = on_line [cell] ? s_find (parent, (int) cell) : -1;
    //  Lists, in index order: built backwards so each head is the first.
    for (size_t cell = 0; cell < self->n_cells; cell++)
        parts->line_head [cell] = -1;
    int *cell_head = parts->local;  //  parent is done with
    for (size_t cell = 0; cell < self->n_cells; cell++)
        cell_head [cell] = -1;
    for (size_t cell = self->n_cells; cell-- > 0; )
        if (parts->root [cell] >= 0) {
            parts->cell_next [cell] = cell_head [parts->root [cell]];
            cell_head [parts->root [cell]] = (int) cell;
        }
    for (size_t line = self->n_lines; line-- > 0; ) {
        parts->line_next [line] = -1;
        if (self->lines [line].count < 2)
            continue;
        int root = parts->root [self->members [self->lines [line].first]];
        parts->line_next [line] = parts->line_head [root];
        parts->line_head [root] = (int) line;
    }
    for (size_t cell = 0; cell < self->n_cells; cell++)
        parts->local [cell] = -1;
    return 0;
}

//  One cell's check against a part's problem: 0 protected, 1 not (with
//  finding), -1 when the solver fails or the figures contradict the lines.
static int
s_protected (reporting_suppress_t *self, reporting_audit_t *audit, int column, int cell,
         reporting_suppress_finding_t *finding)
{
    const s_cell_t *value = &self->cells [cell];
    if (!s_unknown (value) || value->structural)
        return 0;
    int64_t lo, hi;
    if (reporting_audit_interval (audit, column, &lo, &hi))
        return -1;
    if (hi == REPORTING_AUDIT_UNBOUNDED || hi - lo >= self->threshold || lo >= self->threshold)
        return 0;
    *finding = (reporting_suppress_finding_t) { cell, lo, hi };
    return 1;
}

//  Audits one part (by its root cell): 0, 1 with finding, -1 (see
//  reporting_suppress_audit). Cells before `from` are taken as checked
//  (they passed, and hiding more since only widened their intervals);
//  `near`, when not -1, has its lines' cells checked first, where a
//  failure shows soonest after a change to it.
static int
s_audit_part (reporting_suppress_t *self, s_parts_t *parts, int root, int from, int near,
              reporting_suppress_finding_t *finding)
{
    size_t cells = 0, lines = 0, used = 0;
    for (int cell = root; cell >= 0; cell = parts->cell_next [cell])
        parts->local [cell] = (int) cells++;
    for (int line = parts->line_head [root]; line >= 0; line = parts->line_next [line]) {
        lines++;
        used += self->lines [line].count;
    }
    int *members = kp_calloc (used + 1, sizeof (int));
    size_t *first = kp_calloc (lines + 1, sizeof (size_t));
    size_t *count = kp_calloc (lines + 1, sizeof (size_t));
    reporting_audit_t *audit = NULL;
    int rc = -1;
    if (!members || !first || !count)
        goto cleanup;
    used = lines = 0;
    for (int line = parts->line_head [root]; line >= 0; line = parts->line_next [line]) {
        first [lines] = used;
        count [lines++] = self->lines [line].count;
        for (size_t index = 0; index < self->lines [line].count; index++)
            members [used++] = parts->local [self->members [self->lines [line].first + index]];
    }
    audit = reporting_audit_new (cells, members, first, count, lines);
    if (!audit)
        goto cleanup;
    for (int cell = root; cell >= 0; cell = parts->cell_next [cell]) {
        const s_cell_t *value = &self->cells [cell];
        if (value->structural)
            reporting_audit_fix (audit, parts->local [cell], 0);
        else
        if (!s_unknown (value))
            reporting_audit_fix (audit, parts->local [cell], value->people);
    }
    rc = 0;
    if (near >= 0)
        for (int line = parts->line_head [root]; line >= 0 && rc == 0; line = parts->line_next [line]) {
            const int *cells = self->members + self->lines [line].first;
            bool through = false;
            for (size_t index = 0; index < self->lines [line].count; index++)
                through |= cells [index] == near;
            for (size_t index = 0; index < self->lines [line].count && through && rc == 0; index++)
                rc = s_protected (self, audit, parts->local [cells [index]], cells [index], finding);
        }
    for (int cell = root; cell >= 0 && rc == 0; cell = parts->cell_next [cell])
        if (cell >= from)
            rc = s_protected (self, audit, parts->local [cell], cell, finding);

cleanup:
    for (int cell = root; cell >= 0; cell = parts->cell_next [cell])
        parts->local [cell] = -1;
    reporting_audit_destroy (&audit);
    free (members);
    free (first);
    free (count);
    return rc;
}

int
reporting_suppress_audit (reporting_suppress_t *self, reporting_suppress_finding_t *finding)
{
    assert (self);
    assert (finding);
    *finding = (reporting_suppress_finding_t) { -1, 0, 0 };
    s_parts_t parts;
    if (s_parts_new (self, &parts))
        return -1;
    int rc = 0;
    for (size_t cell = 0; cell < self->n_cells && rc == 0; cell++)
        if (parts.root [cell] == (int) cell)
            rc = s_audit_part (self, &parts, (int) cell, 0, -1, finding);
    s_parts_free (&parts);
    return rc;
}

//  The cell to hide for an unprotected one: the smallest candidate on a
//  line through it; when its lines have none, on a line through any
//  unknown cell of those lines, and so on outwards. -1 when the whole
//  connected part of the table is already hidden.
static int
s_complement (reporting_suppress_t *self, int start)
{
    bool *reached = kp_calloc (self->n_cells, sizeof (bool));
    bool *used = kp_calloc (self->n_lines + 1, sizeof (bool));
    int chosen = -1;
    if (!reached || !used)
        goto cleanup;
    reached [start] = true;
    for (bool grew = true; grew && chosen < 0; ) {
        //  One ring: every line through a reached cell, not yet used.
        bool *ring = kp_calloc (self->n_lines + 1, sizeof (bool));
        if (!ring)
            goto cleanup;
        for (size_t line = 0; line < self->n_lines; line++) {
            const int *cells = self->members + self->lines [line].first;
            for (size_t index = 0; index < self->lines [line].count && !used [line]; index++)
                if (reached [cells [index]])
                    ring [line] = true;
        }
        grew = false;
        for (size_t line = 0; line < self->n_lines; line++) {
            if (!ring [line])
                continue;
            used [line] = true;
            const int *cells = self->members + self->lines [line].first;
            for (size_t index = 0; index < self->lines [line].count; index++) {
                int cell = cells [index];
                if (s_candidate (&self->cells [cell])) {
                    if (chosen < 0 || self->cells [cell].people < self->cells [chosen].people
                    ||  (self->cells [cell].people == self->cells [chosen].people && cell < chosen))
                        chosen = cell;
                }
                else
                if (!reached [cell]) {
                    reached [cell] = true;
                    grew = true;
                }
            }
        }
        free (ring);
    }

cleanup:
    free (reached);
    free (used);
    return chosen;
}

//  True when complement x goes before y in s_prune: the largest count
//  first (the most worth publishing), a total before a part of the same
//  count (a total is the figure a reader asks for first), then the first
//  declared.
static bool
s_prune_before (const s_cell_t *cells, int x, int y)
{
    if (cells [x].people != cells [y].people)
        return cells [x].people > cells [y].people;
    if (cells [x].total != cells [y].total)
        return cells [x].total;
    return x < y;
}

//  The complements hidden along the way are not all needed at the end (a
//  later one can protect what an earlier one did): each in turn is shown
//  again if its part still passes the audit without it. The result stays
//  proven; it only publishes more. Returns -1 when the solver fails.
static int
s_prune (reporting_suppress_t *self, s_parts_t *parts, int root)
{
    size_t count = 0;
    for (int cell = root; cell >= 0; cell = parts->cell_next [cell])
        count++;
    int *order = kp_calloc (count + 1, sizeof (int));
    if (!order)
        return 0;                   //  proven as it is; pruning is a bonus
    count = 0;
    for (int cell = root; cell >= 0; cell = parts->cell_next [cell]) {
        const s_cell_t *value = &self->cells [cell];
        if (value->hidden && !value->primary && !value->unpublished)
            order [count++] = cell;
    }
    //  Insertion sort: a part has few complements, and qsort would need
    //  the cells through a global (qsort_r is not portable C).
    for (size_t index = 1; index < count; index++) {
        int cell = order [index];
        size_t at = index;
        for (; at > 0 && s_prune_before (self->cells, cell, order [at - 1]); at--)
            order [at] = order [at - 1];
        order [at] = cell;
    }
    int rc = 0;
    for (size_t index = 0; index < count && rc == 0; index++) {
        reporting_suppress_finding_t finding;
        self->cells [order [index]].hidden = false;
        int audited = s_audit_part (self, parts, root, 0, order [index], &finding);
        if (audited != 0)
            self->cells [order [index]].hidden = true;
        if (audited < 0)
            rc = -1;
    }
    free (order);
    return rc;
}

//  True when line holds cell.
static bool
s_line_holds (reporting_suppress_t *self, size_t line, int cell)
{
    const int *cells = self->members + self->lines [line].first;
    for (size_t index = 0; index < self->lines [line].count; index++)
        if (cells [index] == cell)
            return true;
    return false;
}

//  After pruning, a total can still be hidden where hiding a part of no
//  greater count beside it would do (pruning only ever publishes, never
//  trades): each such total is tried against the parts on its lines,
//  smallest first, and the first trade the audit passes is kept. The
//  number of hidden cells stays the same; a total is published instead
//  of a part. Returns how many trades it made, or -1 when the solver fails.
static int
s_trade_totals (reporting_suppress_t *self, s_parts_t *parts, int root)
{
    int traded = 0;
    for (int total = root; total >= 0; total = parts->cell_next [total]) {
        s_cell_t *hidden = &self->cells [total];
        if (!hidden->hidden || hidden->primary || hidden->unpublished || !hidden->total)
            continue;
        //  The parts on its lines, smallest first (insertion order: each is
        //  tried once, whichever line it is found on first).
        bool done = false;
        for (int64_t tried = -1; !done; ) {
            int part = -1;
            for (int line = parts->line_head [root]; line >= 0; line = parts->line_next [line]) {
                if (!s_line_holds (self, (size_t) line, total))
                    continue;
                const int *cells = self->members + self->lines [line].first;
                for (size_t index = 0; index < self->lines [line].count; index++) {
                    const s_cell_t *cell = &self->cells [cells [index]];
                    if (s_candidate (cell) && !cell->total && cell->people <= hidden->people
                    &&  cell->people > tried
                    &&  (part < 0 || cell->people < self->cells [part].people
                         || (cell->people == self->cells [part].people && cells [index] < part)))
                        part = cells [index];
                }
            }
            if (part < 0)
                break;
            //  Counts tried so far are skipped by value; equal counts after
            //  the first are left untried (a rare case, and it only costs a
            //  trade, never the proof).
            tried = self->cells [part].people;
            reporting_suppress_finding_t finding;
            hidden->hidden = false;
            self->cells [part].hidden = true;
            int audited = s_audit_part (self, parts, root, 0, total, &finding);
            if (audited < 0) {
                hidden->hidden = true;
                self->cells [part].hidden = false;
                return -1;
            }
            if (audited == 0) {
                traded++;
                done = true;
            }
            else {
                hidden->hidden = true;
                self->cells [part].hidden = false;
            }
        }
    }
    return traded;
}

//  Suppressed cells of the table (never-published ones are not in it).
static size_t
s_hidden_count (reporting_suppress_t *self)
{
    size_t hidden = 0;
    for (size_t index = 0; index < self->n_cells; index++)
        hidden += self->cells [index].hidden && !self->cells [index].unpublished;
    return hidden;
}

size_t
reporting_suppress_run (reporting_suppress_t *self)
{
    assert (self);
    self->audited = false;
    for (size_t index = 0; index < self->n_cells; index++) {
        s_cell_t *cell = &self->cells [index];
        cell->primary = !cell->structural && cell->people < self->threshold;
        cell->hidden = cell->primary;
    }
    for (size_t row = 0; row < self->n_rows; row++)
        if (self->rows [row].people < self->threshold)
            for (size_t index = 0; index < self->rows [row].count; index++) {
                s_cell_t *cell = &self->cells [self->members [self->rows [row].first + index]];
                if (!cell->structural)
                    cell->primary = cell->hidden = true;
            }
    //  Each pass hides at least one more cell or ends the loop, so it ends
    //  after at most n_cells passes.
    while (s_secondary_pass (self))
        ;
    //  A proof over relations that do not hold proves nothing: every
    //  declared line must add up in the true counts (a report's bug if not).
    for (size_t line = 0; line < self->n_lines; line++) {
        const int *cells = self->members + self->lines [line].first;
        size_t count = self->lines [line].count;
        int64_t sum = 0;
        for (size_t index = 0; index + 1 < count; index++)
            sum += self->cells [cells [index]].people;
        if (count >= 2 && sum != self->cells [cells [count - 1]].people) {
            self->why = "a declared line does not add up";
            return s_hidden_count (self);
        }
    }
    //  Part by part: audit, hide one more cell while it fails (each round
    //  hides one more or ends, so at most n_cells rounds), then prune.
    s_parts_t parts;
    bool proven = s_parts_new (self, &parts) == 0;
    self->why = proven ? NULL : "out of memory";
    for (size_t root = 0; proven && root < self->n_cells; root++) {
        if (parts.root [root] != (int) root)
            continue;
        //  After a complement, the audit checks the cells on its lines
        //  first, where the change shows. (All the others again too: a
        //  wider interval can stop passing by lo ≥ threshold.)
        for (int from = 0, near = -1; ; ) {
            reporting_suppress_finding_t finding;
            int rc = s_audit_part (self, &parts, (int) root, from, near, &finding);
            int complement = rc == 1 ? s_complement (self, finding.cell) : -1;
            if (complement < 0) {
                proven = rc == 0;   //  solver failure, or nothing left to hide
                if (rc == 1)
                    self->why = "a count is pinned with nothing left to hide";
                else
                if (rc < 0)
                    self->why = "the solver failed";
                break;
            }
            self->cells [complement].hidden = true;
            near = complement;
        }
        int traded = 0;
        if (proven
        &&  (s_prune (self, &parts, (int) root)
             || (traded = s_trade_totals (self, &parts, (int) root)) < 0
             || (traded > 0 && s_prune (self, &parts, (int) root)))) {
            proven = false;
            self->why = "the solver failed";
        }
    }
    s_parts_free (&parts);
    self->audited = proven;
    return s_hidden_count (self);
}

bool
reporting_suppress_audited (reporting_suppress_t *self)
{
    assert (self);
    return self->audited;
}

const char *
reporting_suppress_why (reporting_suppress_t *self)
{
    assert (self);
    return self->audited ? NULL : self->why ? self->why : "not run";
}

int
reporting_suppress_structural_zero (reporting_suppress_t *self, int cell)
{
    assert (self);
    assert (cell >= 0 && (size_t) cell < self->n_cells);
    if (self->cells [cell].people != 0)
        return -1;
    self->cells [cell].structural = true;
    return 0;
}

void
reporting_suppress_unpublished (reporting_suppress_t *self, int cell)
{
    assert (self);
    assert (cell >= 0 && (size_t) cell < self->n_cells);
    self->cells [cell].unpublished = true;
}

void
reporting_suppress_hide (reporting_suppress_t *self, int cell)
{
    assert (self);
    assert (cell >= 0 && (size_t) cell < self->n_cells);
    self->cells [cell].hidden = true;
}

size_t
reporting_suppress_lines (reporting_suppress_t *self)
{
    assert (self);
    return self->n_lines;
}

const int *
reporting_suppress_line_cells (reporting_suppress_t *self, size_t line, size_t *count)
{
    assert (self);
    assert (line < self->n_lines);
    assert (count);
    *count = self->lines [line].count;
    return self->members + self->lines [line].first;
}

bool
reporting_suppress_is_structural_zero (reporting_suppress_t *self, int cell)
{
    assert (self);
    assert (cell >= 0 && (size_t) cell < self->n_cells);
    return self->cells [cell].structural;
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
