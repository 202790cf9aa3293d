/*  reporting_heading — what a report is about, for the top of a page a
    funder reads: the project's name, owner and period when the report has
    one, and the areas in scope with their names and organisers. Only names
    and codes the registry already publishes; nothing about a client. */
#include "reporting_heading.h"
#include "reporting_scope.h"
#include "kp_db.h"
#include "kp_row.h"
#include "kp_server.h"

#include <stdio.h>
#include <string.h>

#define HEADING_PROJECT_ROW(C) \
    C (HEADING_PROJECT_NAME, "name", "text") \
    C (HEADING_PROJECT_OWNER, "owner_org", "text") \
    C (HEADING_PROJECT_OWNER_NAME, "owner_name", "text") \
    C (HEADING_PROJECT_START, "period_start", "text") \
    C (HEADING_PROJECT_END, "period_end", "text")
enum { HEADING_PROJECT_ROW (KP_ROW_INDEX) };
static const kp_col_t s_project_row [] = { HEADING_PROJECT_ROW (KP_ROW_COLUMN) { NULL } };

#define HEADING_AREA_ROW(C) \
    C (HEADING_AREA_CODE, "code", "text") \
    C (HEADING_AREA_NAME, "name", "text") \
    C (HEADING_AREA_NAME_SV, "name_sv", "text") \
    C (HEADING_AREA_ORGANISER, "organiser", "text") \
    C (HEADING_AREA_ORGANISER_NAME, "organiser_name", "text") \
    C (HEADING_AREA_ORGANISER_NAME_SV, "organiser_name_sv", "text")
enum { HEADING_AREA_ROW (KP_ROW_INDEX) };
static const kp_col_t s_area_row [] = { HEADING_AREA_ROW (KP_ROW_COLUMN) { NULL } };

const kp_stmt_t reporting_heading_statements [] = {
    { "heading_project",
      "SELECT p.name, p.owner_org, coalesce (g.name, '') AS owner_name,"
      " p.period_start::text AS period_start, p.period_end::text AS period_end"
      " FROM reporting.projects p LEFT JOIN kp.organisations g ON g.org_id = p.owner_org"
      " WHERE p.project_id = $1::text", s_project_row },
    //  $1 the scope's area (a code, an organiser or ''), $2 the project's
    //  municipalities (space-separated) for a scope without one.
    { "heading_areas",
      "SELECT m.code, m.name, coalesce (m.name_sv, '') AS name_sv,"
      " coalesce (m.organiser, '') AS organiser, coalesce (o.name_fi, '') AS organiser_name,"
      " coalesce (o.name_sv, '') AS organiser_name_sv"
      " FROM kp.municipalities m LEFT JOIN kp.organisers o ON o.organiser = m.organiser"
      " WHERE ($1::text ~ '^[0-9]{3}$' AND m.code = $1::text)"
      "    OR ($1::text ~ '^[A-Z]{2,3}$' AND m.organiser = $1::text)"
      "    OR ($1::text = '' AND m.code = ANY (string_to_array ($2::text, ' ')))"
      " ORDER BY m.code", s_area_row },
    { NULL }
};

int
reporting_heading_fill (kp_call_t *call, const reporting_scope_t *scope, Kumppani__V1__ReportTable *table)
{
    Kumppani__V1__ReportHeading *heading = kp_call_alloc (call, sizeof *heading);
    kumppani__v1__report_heading__init (heading);
    table->heading = heading;
    if (scope->project) {
        const char *values [] = { scope->project->id };
        PGresult *result = kp_db_exec (call->db, "heading_project", 1, values);
        if (!result)
            return -1;
        if (PQntuples (result) == 1) {
            heading->project_id = kp_call_strdup (call, scope->project->id);
            heading->project_name = kp_call_strdup (call, kp_row_text (result, 0, HEADING_PROJECT_NAME));
            heading->owner_org = kp_call_strdup (call, kp_row_text (result, 0, HEADING_PROJECT_OWNER));
            heading->owner_name = kp_call_strdup (call, kp_row_text (result, 0, HEADING_PROJECT_OWNER_NAME));
            heading->project_start = kp_call_strdup (call, kp_row_text (result, 0, HEADING_PROJECT_START));
            heading->project_end = kp_call_strdup (call, kp_row_text (result, 0, HEADING_PROJECT_END));
        }
        PQclear (result);
    }
    const char *values [] = { scope->municipality, scope->project ? scope->project->municipalities : "" };
    PGresult *result = kp_db_exec (call->db, "heading_areas", 2, values);
    if (!result)
        return -1;
    size_t count = (size_t) PQntuples (result);
    heading->areas = kp_call_alloc (call, sizeof (Kumppani__V1__ReportArea *) * (count + 1));
    for (size_t row = 0; row < count; row++) {
        Kumppani__V1__ReportArea *area = kp_call_alloc (call, sizeof *area);
        kumppani__v1__report_area__init (area);
        area->code = kp_call_strdup (call, kp_row_text (result, (int) row, HEADING_AREA_CODE));
        area->name = kp_call_strdup (call, kp_row_text (result, (int) row, HEADING_AREA_NAME));
        area->name_sv = kp_call_strdup (call, kp_row_text (result, (int) row, HEADING_AREA_NAME_SV));
        area->organiser = kp_call_strdup (call, kp_row_text (result, (int) row, HEADING_AREA_ORGANISER));
        area->organiser_name = kp_call_strdup (call, kp_row_text (result, (int) row, HEADING_AREA_ORGANISER_NAME));
        area->organiser_name_sv = kp_call_strdup (call, kp_row_text (result, (int) row, HEADING_AREA_ORGANISER_NAME_SV));
        heading->areas [row] = area;
    }
    heading->n_areas = count;
    PQclear (result);
    return 0;
}
