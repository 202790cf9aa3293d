/*  reporting_audit — the feasible interval of a hidden count by linear
    programming (see the header). One GLPK problem per table: a row per
    line (parts minus total = 0), a column per cell; fixing and freeing a
    cell changes only its column's bounds, and each interval is two
    simplex runs from the previous basis, so a table's audit costs little
    more than its first solve. */
#include "reporting_audit.h"
#include "kp_alloc.h"

#include <assert.h>
#include <glpk.h>
#include <math.h>
#include <stdlib.h>

struct _reporting_audit_t {
    glp_prob *lp;
    size_t n_cells;
    int focus;                      //  the column with objective 1, or -1
};

//  Rounds a relaxed bound inwards to the integers it admits; the slack
//  absorbs the solver's tolerance.
#define S_SLACK 1e-6

reporting_audit_t *
reporting_audit_new (size_t n_cells, const int *members, const size_t *first, const size_t *count,
                     size_t n_lines)
{
    assert (members || n_lines == 0);
    reporting_audit_t *self = kp_calloc (1, sizeof (reporting_audit_t));
    //  One row's coefficients by column (1-based, as GLPK counts), and the
    //  columns that row touches: a cell named twice in a line (a caller's
    //  slip) adds up instead of making GLPK abort on a duplicate.
    double *coef = kp_calloc (n_cells + 1, sizeof (double));
    int *index = kp_calloc (n_cells + 1, sizeof (int));
    double *value = kp_calloc (n_cells + 1, sizeof (double));
    size_t *seen = kp_calloc (n_cells + 1, sizeof (size_t));     //  line + 1 that last touched it
    if (!self || !coef || !index || !value || !seen) {
        free (self);
        self = NULL;
        goto cleanup;
    }
    glp_term_out (GLP_OFF);         //  GLPK's chatter would go to our stdout
    self->lp = glp_create_prob ();
    self->n_cells = n_cells;
    self->focus = -1;
    if (n_cells)
        glp_add_cols (self->lp, (int) n_cells);
    for (size_t cell = 0; cell < n_cells; cell++)
        glp_set_col_bnds (self->lp, (int) cell + 1, GLP_LO, 0.0, 0.0);
    for (size_t line = 0; line < n_lines; line++) {
        if (count [line] < 2)
            continue;               //  a total of nothing says nothing
        int row = glp_add_rows (self->lp, 1), touched = 0;
        glp_set_row_bnds (self->lp, row, GLP_FX, 0.0, 0.0);
        for (size_t member = 0; member < count [line]; member++) {
            int cell = members [first [line] + member];
            assert (cell >= 0 && (size_t) cell < n_cells);
            if (seen [cell + 1] != line + 1) {
                seen [cell + 1] = line + 1;
                index [++touched] = cell + 1;
            }
            coef [cell + 1] += member + 1 == count [line] ? -1.0 : 1.0;
        }
        //  Packed in place: entry `kept` never passes entry `entry`.
        int kept = 0;
        for (int entry = 1; entry <= touched; entry++) {
            int column = index [entry];
            if (coef [column] != 0.0) {
                kept++;
                index [kept] = column;
                value [kept] = coef [column];
            }
            coef [column] = 0.0;
        }
        glp_set_mat_row (self->lp, row, kept, index, value);
    }
    glp_adv_basis (self->lp, 0);

cleanup:
    free (coef);
    free (index);
    free (value);
    free (seen);
    return self;
}

void
reporting_audit_destroy (reporting_audit_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        reporting_audit_t *self = *self_p;
        glp_delete_prob (self->lp);
        free (self);
        *self_p = NULL;
    }
}

void
reporting_audit_fix (reporting_audit_t *self, int cell, int64_t value)
{
    assert (self);
    assert (cell >= 0 && (size_t) cell < self->n_cells);
    glp_set_col_bnds (self->lp, cell + 1, GLP_FX, (double) value, (double) value);
}

void
reporting_audit_free (reporting_audit_t *self, int cell)
{
    assert (self);
    assert (cell >= 0 && (size_t) cell < self->n_cells);
    glp_set_col_bnds (self->lp, cell + 1, GLP_LO, 0.0, 0.0);
}

//  One optimum of the focus cell: 0 with *bound, 1 infeasible, 2
//  unbounded, -1 when the solver gives up.
static int
s_solve (reporting_audit_t *self, int direction, double *bound)
{
    glp_smcp parm;
    glp_init_smcp (&parm);
    parm.msg_lev = GLP_MSG_OFF;
    glp_set_obj_dir (self->lp, direction);
    int rc = glp_simplex (self->lp, &parm);
    if (rc == GLP_EFAIL || rc == GLP_ESING || rc == GLP_ECOND) {
        //  A basis gone bad after many bound changes: start afresh once.
        glp_adv_basis (self->lp, 0);
        rc = glp_simplex (self->lp, &parm);
    }
    if (rc != 0)
        return -1;
    int status = glp_get_status (self->lp);
    if (status == GLP_OPT) {
        *bound = glp_get_obj_val (self->lp);
        return 0;
    }
    if (status == GLP_NOFEAS || glp_get_prim_stat (self->lp) == GLP_NOFEAS)
        return 1;
    if (status == GLP_UNBND)
        return 2;
    return -1;
}

int
reporting_audit_interval (reporting_audit_t *self, int cell, int64_t *lo, int64_t *hi)
{
    assert (self);
    assert (cell >= 0 && (size_t) cell < self->n_cells);
    assert (lo && hi);
    if (self->focus != cell) {
        if (self->focus >= 0)
            glp_set_obj_coef (self->lp, self->focus + 1, 0.0);
        glp_set_obj_coef (self->lp, cell + 1, 1.0);
        self->focus = cell;
    }
    double low = 0, high = 0;
    int rc = s_solve (self, GLP_MIN, &low);
    if (rc == 2)
        return -1;                  //  a cell ≥ 0 cannot fall without end
    if (rc)
        return rc;
    rc = s_solve (self, GLP_MAX, &high);
    if (rc < 0 || rc == 1)
        return rc;
    *lo = (int64_t) ceil (low - S_SLACK);
    *hi = rc == 2 ? REPORTING_AUDIT_UNBOUNDED : (int64_t) floor (high + S_SLACK);
    return 0;
}
