/*  reporting_outcomes — change in an outcome instrument (AVAIN,
    Kykyviisari) from the start to the end measurement, per item: how many
    pairs, how many improved (in the item's good direction), the mean
    change. A pair is one case's (and measure's) first start and last end
    filled in with the same instrument; the end falls in the period. */
#include "reporting_server.h"

#include <stdio.h>
#include <stdlib.h>

enum { COL_INSTRUMENT, COL_ITEM, COL_N, COL_IMPROVED, COL_MEAN_CHANGE, COL_SHARE_IMPROVED };
static const char *const s_columns [] = {
    "instrument", "item", "n", "improved", "mean_change", "share_improved", NULL
};

int
reporting_outcomes_report (kp_call_t *call, const reporting_scope_t *scope)
{
    const char *values [REPORTING_SCOPE_PARAMS];
    reporting_scope_params (scope, values);
    PGresult *result = kp_db_exec (call->db, "report_outcomes", REPORTING_SCOPE_PARAMS, values);
    if (!result)
        return kp_call_db_fail (call);
    int rc = -1;
    reporting_table_t *table = reporting_table_new (scope, s_columns);
    if (!table)
        goto cleanup;
    for (int row = 0; row < PQntuples (result); row++) {
        int64_t pairs = strtoll (PQgetvalue (result, row, 2), NULL, 10);
        int64_t improved = strtoll (PQgetvalue (result, row, 3), NULL, 10);
        int64_t change = strtoll (PQgetvalue (result, row, 4), NULL, 10);
        char mean [32], share [32];
        snprintf (mean, sizeof mean, "%.2f", pairs ? (double) change / (double) pairs : 0.0);
        snprintf (share, sizeof share, "%.2f", pairs ? (double) improved / (double) pairs : 0.0);
        if (reporting_table_row (table)
        ||  reporting_table_text (table, COL_INSTRUMENT, PQgetvalue (result, row, 0))
        ||  reporting_table_text (table, COL_ITEM, PQgetvalue (result, row, 1)))
            goto cleanup;
        int n = reporting_table_count (table, COL_N, pairs);
        int up = reporting_table_count (table, COL_IMPROVED, improved);
        //  n and improved give "not improved" away: it is a count too.
        int rest = reporting_table_unpublished (table, pairs - improved);
        int line [] = { up, rest, n };
        if (n < 0 || up < 0 || rest < 0
        ||  reporting_table_line (table, line, 3)
        ||  reporting_table_statistic (table, COL_MEAN_CHANGE, mean, COL_N, -1)
        ||  reporting_table_statistic (table, COL_SHARE_IMPROVED, share, COL_IMPROVED, -1)
        ||  reporting_table_row_people (table, pairs))
            goto cleanup;
    }
    rc = reporting_table_reply (table, call);

cleanup:
    if (rc && call->reply->status == KUMPPANI__V1__STATUS__STATUS_OK)
        kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INTERNAL, "reporting.internal", NULL, "report failed");
    reporting_table_destroy (&table);
    PQclear (result);
    return rc;
}
