/*  reporting_workload — the caseload report (issue 18): per organisation
    and month, the cases open at the month's end, opened and closed in
    it, contacts with clients by kind, service-need assessments started
    in time and late, and client-plan reviews overdue at the month's end.
    An organiser's rows are by municipality (a county's, one for each of
    its municipalities; a report asked for the county, EP, has them all).
    A COORDINATOR of that very organisation, asking for its own area, also
    gets the same figures per responsible worker (the worker at the
    month's end; a case's first worker from its opening); nobody else
    does, and never for another organisation's workers. Every figure
    counts clients' cases or contacts, so each goes through disclosure
    control, and the worker rows with their organisation's row form the
    lines a hidden cell could be recovered from. Read from intake's tables
    (migration 0021 grants the columns; the statement is
    reporting_workload_sql.c's). */
#include "reporting_reports.h"
#include "reporting_scope.h"
#include "reporting_sql.h"
#include "reporting_table.h"
#include "kp_alloc.h"
#include "kp_db.h"
#include "kp_organiser.h"
#include "kp_row.h"
#include "kp_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { COL_DIMENSION, COL_MUNICIPALITY, COL_WORKER, COL_MONTH, COL_FIRST_COUNT };
#define COUNTS 11
_Static_assert (WORKLOAD_REVIEWS_OVERDUE - WORKLOAD_OPEN_CASES + 1 == COUNTS,
                "the counts of REPORTING_WORKLOAD_ROW are the report's count columns");
static const char *const s_columns [] = {
    "dimension", "municipality", "worker", "month", "open_cases", "opened", "closed",
    "contacts_meeting", "contacts_phone", "contacts_home_visit", "contacts_network_meeting",
    "contacts_digital", "assessments_in_time", "assessments_late", "reviews_overdue", NULL
};

static PGresult *
s_query (kp_call_t *call, const reporting_scope_t *scope, bool by_worker)
{
    const char *values [REPORTING_SCOPE_PARAMS + 1];
    reporting_scope_params (scope, values);
    values [REPORTING_SCOPE_PARAMS] = by_worker ? "true" : "false";
    PGresult *result = kp_db_exec (call->db, "report_workload", REPORTING_SCOPE_PARAMS + 1, values);
    if (!result)
        kp_call_db_fail (call);
    return result;
}

//  One row of counts; cells receives their ids.
static int
s_row (reporting_table_t *table, PGresult *result, int row, const char *dimension, int *cells)
{
    const char *worker = kp_row_text (result, row, WORKLOAD_WORKER);
    if (reporting_table_row (table)
    ||  reporting_table_text (table, COL_DIMENSION, dimension)
    ||  reporting_table_text (table, COL_MUNICIPALITY, kp_row_text (result, row, WORKLOAD_MUNICIPALITY))
    ||  reporting_table_text (table, COL_WORKER, strcmp (dimension, "worker") ? "all"
                                                 : *worker ? worker : "unassigned")
    ||  reporting_table_text (table, COL_MONTH, kp_row_text (result, row, WORKLOAD_MONTH)))
        return -1;
    for (int count = 0; count < COUNTS; count++)
        if ((cells [count] = reporting_table_count (table, COL_FIRST_COUNT + count,
                                                    kp_row_int (result, row, WORKLOAD_OPEN_CASES + count))) < 0)
            return -1;
    return 0;
}

//  The worker rows of one organisation's month add up to its row: one
//  line per count column.
static int
s_lines (reporting_table_t *table, PGresult *orgs, const int *org_cells, PGresult *workers,
         const int *worker_cells)
{
    int rows = PQntuples (workers);
    int *line = kp_calloc ((size_t) rows + 1, sizeof (int));
    if (!line)
        return -1;
    int rc = 0;
    for (int org = 0; org < PQntuples (orgs) && rc == 0; org++)
        for (int count = 0; count < COUNTS && rc == 0; count++) {
            size_t used = 0;
            for (int row = 0; row < rows; row++)
                if (strcmp (kp_row_text (workers, row, WORKLOAD_MUNICIPALITY), kp_row_text (orgs, org, WORKLOAD_MUNICIPALITY)) == 0
                &&  strcmp (kp_row_text (workers, row, WORKLOAD_MONTH), kp_row_text (orgs, org, WORKLOAD_MONTH)) == 0)
                    line [used++] = worker_cells [row * COUNTS + count];
            line [used++] = org_cells [org * COUNTS + count];
            rc = reporting_table_line (table, line, used);
        }
    free (line);
    return rc;
}

int
reporting_workload_report (kp_call_t *call, const reporting_scope_t *scope)
{
    //  An organisation's own caseload: not Kela's, not a project's.
    if (!kp_org_type_in (call->identity->org_type, KP_ORGANISER_TYPES) || scope->project)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, "reporting.forbidden", NULL,
                             "the workload report is for an organisation's own area");
    bool by_worker = call->request->actor
                  && call->request->actor->role == KUMPPANI__V1__ROLE__ROLE_COORDINATOR
                  && *scope->municipality
                  && strcmp (scope->municipality, kp_organiser_identity_area (call->identity)) == 0;
    PGresult *orgs = s_query (call, scope, false);
    PGresult *workers = orgs && by_worker ? s_query (call, scope, true) : NULL;
    if (!orgs || (by_worker && !workers)) {
        PQclear (orgs);
        return -1;
    }
    int org_rows = PQntuples (orgs), worker_rows = workers ? PQntuples (workers) : 0;
    int *org_cells = kp_calloc ((size_t) org_rows * COUNTS + 1, sizeof (int));
    int *worker_cells = kp_calloc ((size_t) worker_rows * COUNTS + 1, sizeof (int));
    reporting_table_t *table = reporting_table_new (scope, s_columns);
    int rc = -1;
    if (!org_cells || !worker_cells || !table)
        goto cleanup;
    for (int row = 0; row < org_rows; row++)
        if (s_row (table, orgs, row, "organisation", &org_cells [row * COUNTS]))
            goto cleanup;
    for (int row = 0; row < worker_rows; row++)
        if (s_row (table, workers, row, "worker", &worker_cells [row * COUNTS]))
            goto cleanup;
    if (workers && s_lines (table, orgs, org_cells, workers, worker_cells))
        goto cleanup;
    rc = reporting_table_reply (table, call);

cleanup:
    reporting_table_destroy (&table);
    free (org_cells);
    free (worker_cells);
    PQclear (orgs);
    PQclear (workers);
    return rc;
}
