/*  harness_audit — the disclosure audit as a reader can run it: from a
    received ReportTable alone (its published values, suppressed and
    structural-zero flags, relations and threshold), never from what the
    service knows. Published counts are fixed, suppressed and unpublished
    ones free (≥ 0), structural zeros 0; every suppressed cell's interval
    must be at least the threshold wide. The same GLPK audit as the
    service (reporting_audit, compiled in here), fed independently. */
#include "harness.h"
#include "../../services/reporting/reporting_suppress.c"
#include "../../services/reporting/reporting_audit.c"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

//  A published count: digits only (a statistic such as "0.50" is no count
//  and never named by a relation).
static bool
s_count_of (const char *text, int64_t *value)
{
    if (!*text || strspn (text, "0123456789") != strlen (text))
        return false;
    *value = strtoll (text, NULL, 10);
    return true;
}

const char *
kpt_report_audit (const Kumppani__V1__ReportTable *table)
{
    static _Thread_local char why [256];
    if (getenv ("KPT_DUMP_REPORTS")) {          //  debugging aid: the table as received
        FILE *out = fopen (getenv ("KPT_DUMP_REPORTS"), "a");
        if (out) {
            fprintf (out, "== %s\n", table->report);
            for (size_t row = 0; row < table->n_rows; row++) {
                for (size_t column = 0; column < table->n_columns; column++) {
                    const Kumppani__V1__ReportCell *cell = table->rows [row]->cells [column];
                    fprintf (out, "%s%s", column ? "|" : "",
                             cell->suppressed ? "*" : cell->structural_zero ? "-" : cell->value);
                }
                fputc ('\n', out);
            }
            fclose (out);
        }
    }
    size_t width = table->n_rows * table->n_columns, cells = width + table->unpublished_counts;
    reporting_suppress_t *rule = reporting_suppress_new ((int) table->threshold);
    const char *failed = NULL;
    if (!rule)
        return "out of memory";
    for (size_t index = 0; index < cells; index++) {
        int64_t people = 0;
        if (index < width) {
            const Kumppani__V1__ReportCell *cell =
                table->rows [index / table->n_columns]->cells [index % table->n_columns];
            if (cell->suppressed && cell->structural_zero) {
                snprintf (why, sizeof why, "cell %zu is both suppressed and a structural zero", index);
                failed = why;
                goto cleanup;
            }
            if (!cell->suppressed && !s_count_of (cell->value, &people))
                people = 0;         //  a label or statistic: fixed, in no relation
        }
        else
            people = table->threshold;      //  unknown; only the service can judge it
        int id = reporting_suppress_cell (rule, people);
        if (id < 0) {
            failed = "out of memory";
            goto cleanup;
        }
        if (index >= width)
            reporting_suppress_unpublished (rule, id);
        else {
            const Kumppani__V1__ReportCell *cell =
                table->rows [index / table->n_columns]->cells [index % table->n_columns];
            if (cell->suppressed)
                reporting_suppress_hide (rule, id);
            if (cell->structural_zero && reporting_suppress_structural_zero (rule, id)) {
                snprintf (why, sizeof why, "structural zero %zu shows %s", index, cell->value);
                failed = why;
                goto cleanup;
            }
        }
    }
    for (size_t relation = 0; relation < table->n_relations; relation++) {
        const Kumppani__V1__ReportRelation *line = table->relations [relation];
        int members [4096];
        if (line->n_cells > 4096) {
            failed = "a relation over 4096 cells";
            goto cleanup;
        }
        for (size_t index = 0; index < line->n_cells; index++) {
            if (line->cells [index] >= cells) {
                snprintf (why, sizeof why, "relation %zu names cell %" PRIu32 " of %zu", relation,
                          line->cells [index], cells);
                failed = why;
                goto cleanup;
            }
            members [index] = (int) line->cells [index];
        }
        if (reporting_suppress_line (rule, members, line->n_cells)) {
            failed = "out of memory";
            goto cleanup;
        }
    }
    reporting_suppress_finding_t finding;
    int rc = reporting_suppress_audit (rule, &finding);
    if (rc < 0)
        failed = "the published cells contradict the relations (or the solver failed)";
    else
    if (rc == 1) {
        size_t cell = (size_t) finding.cell;
        snprintf (why, sizeof why, "suppressed cell row %zu column %s is pinned to [%" PRId64 ", %" PRId64 "],"
                  " narrower than %" PRIu32, cell / table->n_columns,
                  cell < width ? table->columns [cell % table->n_columns] : "(unpublished)",
                  finding.lo, finding.hi, table->threshold);
        failed = why;
    }

cleanup:
    reporting_suppress_destroy (&rule);
    return failed;
}
