/*  reporting_social — social reporting (sosiaalinen raportointi): the
    workers' observations whose period meets the report's, by theme and
    area: how many observations, how many clients they concern, and the
    totals; the clients concerned are the count that is protected. */
#include "reporting_reports.h"
#include "reporting_scope.h"
#include "reporting_sql.h"
#include "reporting_table.h"
#include "kp_alloc.h"
#include "kp_row.h"
#include "kp_server.h"

#include <stdlib.h>

enum { COL_THEME, COL_AREA, COL_OBSERVATIONS, COL_CLIENTS };
static const char *const s_columns [] = { "theme", "area", "observations", "clients_concerned", NULL };

int
reporting_social_report (kp_call_t *call, const reporting_scope_t *scope)
{
    PGresult *result = reporting_scope_query (call, scope, "report_social");
    if (!result)
        return -1;
    int rc = -1, rows = PQntuples (result);
    int *column = kp_calloc ((size_t) rows + 1, sizeof (int));
    reporting_table_t *table = reporting_table_new (scope, s_columns);
    int64_t observations = 0, clients = 0;
    if (!table || !column)
        goto cleanup;
    for (int row = 0; row < rows; row++) {
        int64_t seen = kp_row_int (result, row, SOCIAL_OBSERVATIONS);
        int64_t concerned = kp_row_int (result, row, SOCIAL_CLIENTS_CONCERNED);
        observations += seen;
        clients += concerned;
        if (reporting_table_row (table)
        ||  reporting_table_text (table, COL_THEME, kp_row_text (result, row, SOCIAL_THEME))
        ||  reporting_table_text (table, COL_AREA, kp_row_text (result, row, SOCIAL_AREA))
        ||  reporting_table_figure (table, COL_OBSERVATIONS, seen)
        ||  (column [row] = reporting_table_count (table, COL_CLIENTS, concerned)) < 0)
            goto cleanup;
    }
    //  The total is published, so the column is a line.
    if (reporting_table_row (table)
    ||  reporting_table_text (table, COL_THEME, "all")
    ||  reporting_table_text (table, COL_AREA, "all")
    ||  reporting_table_figure (table, COL_OBSERVATIONS, observations)
    ||  (column [rows] = reporting_table_count (table, COL_CLIENTS, clients)) < 0
    ||  reporting_table_line (table, column, (size_t) rows + 1))
        goto cleanup;
    rc = reporting_table_reply (table, call);

cleanup:
    reporting_table_destroy (&table);
    free (column);
    PQclear (result);
    return rc;
}
