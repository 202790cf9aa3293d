/*  reporting_talousneuvola — the walk-in financial clinic from the groups
    rollups: sessions held, visitors and follow-ups agreed by area and
    month with their total; visitors per topic (a visit may touch several
    topics, so these do not add up); staffing by organisation type (staff
    are workers, not clients: published as they are). */
#include "reporting_server.h"
#include "kp_alloc.h"

#include <stdlib.h>

enum { COL_DIMENSION, COL_CATEGORY, COL_MONTH, COL_SESSIONS, COL_VISITORS, COL_FOLLOW_UPS, COL_STAFF };
static const char *const s_columns [] = {
    "dimension", "category", "month", "sessions_held", "visits", "follow_ups", "staff", NULL
};

static int
s_label (reporting_table_t *table, const char *dimension, const char *category, const char *month)
{
    return reporting_table_row (table)
        || reporting_table_text (table, COL_DIMENSION, dimension)
        || reporting_table_text (table, COL_CATEGORY, category)
        || reporting_table_text (table, COL_MONTH, month);
}

//  Visits by area and month, then their total; each count column a line.
static int
s_visits (reporting_table_t *table, PGresult *visits)
{
    int rows = PQntuples (visits);
    int *visitors = kp_calloc ((size_t) rows + 1, sizeof (int));
    int *follow_ups = kp_calloc ((size_t) rows + 1, sizeof (int));
    int64_t sessions = 0, people = 0, agreed = 0;
    int rc = -1;
    if (!visitors || !follow_ups)
        goto cleanup;
    for (int row = 0; row <= rows; row++) {
        bool total = row == rows;
        int64_t held = total ? sessions : kp_row_int (visits, row, VISITS_SESSIONS);
        int64_t came = total ? people : kp_row_int (visits, row, VISITS_VISITORS);
        int64_t followed = total ? agreed : kp_row_int (visits, row, VISITS_FOLLOW_UPS);
        sessions += total ? 0 : held;
        people += total ? 0 : came;
        agreed += total ? 0 : followed;
        if (s_label (table, "visits", total ? "all" : kp_row_text (visits, row, VISITS_MUNICIPALITY),
                     total ? "all" : kp_row_text (visits, row, VISITS_MONTH))
        ||  reporting_table_figure (table, COL_SESSIONS, held)
        ||  (visitors [row] = reporting_table_count (table, COL_VISITORS, came)) < 0
        ||  (follow_ups [row] = reporting_table_count (table, COL_FOLLOW_UPS, followed)) < 0
        ||  reporting_table_row_people (table, came))
            goto cleanup;
    }
    rc = reporting_table_line (table, visitors, (size_t) rows + 1)
      || reporting_table_line (table, follow_ups, (size_t) rows + 1) ? -1 : 0;

cleanup:
    free (visitors);
    free (follow_ups);
    return rc;
}

int
reporting_talousneuvola_report (kp_call_t *call, const reporting_scope_t *scope)
{
    PGresult *visits = reporting_scope_query (call, scope, "report_talousneuvola_visits");
    PGresult *topics = visits ? reporting_scope_query (call, scope, "report_talousneuvola_topics") : NULL;
    PGresult *staffing = topics ? reporting_scope_query (call, scope, "report_talousneuvola_staffing") : NULL;
    if (!staffing) {
        PQclear (visits);
        PQclear (topics);
        return -1;
    }
    int rc = -1;
    reporting_table_t *table = reporting_table_new (scope, s_columns);
    if (!table || s_visits (table, visits))
        goto cleanup;
    for (int row = 0; row < PQntuples (topics); row++)
        if (s_label (table, "topic", kp_row_text (topics, row, TOPICS_TOPIC), "all")
        ||  reporting_table_count (table, COL_VISITORS, kp_row_int (topics, row, TOPICS_VISITORS)) < 0)
            goto cleanup;
    for (int row = 0; row < PQntuples (staffing); row++)
        if (s_label (table, "staffing", kp_row_text (staffing, row, STAFFING_ORG_TYPE), "all")
        ||  reporting_table_figure (table, COL_SESSIONS, kp_row_int (staffing, row, STAFFING_SESSIONS))
        ||  reporting_table_figure (table, COL_STAFF, kp_row_int (staffing, row, STAFFING_STAFF)))
            goto cleanup;
    rc = reporting_table_reply (table, call);

cleanup:
    reporting_table_destroy (&table);
    PQclear (visits);
    PQclear (topics);
    PQclear (staffing);
    return rc;
}
