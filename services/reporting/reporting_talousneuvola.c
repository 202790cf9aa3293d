/*  reporting_talousneuvola — the walk-in financial clinic from the groups
    rollups: sessions held, visitors and follow-ups agreed by area and
    month with their total; visitors per topic (a visit may touch several
    topics, so these do not add up); staffing by organisation type (staff
    are workers, not clients: published as they are). Then each area over
    the whole period (the seeds' "149 visitors in 2021"), adding up to the
    total; and intake's anonymous contacts by channel, walk-in and phone,
    per area with their totals. Visits are counted, not people: a
    talousneuvola visitor is anonymous, so one who comes twice counts
    twice (README, counting rules). */
#include "reporting_reports.h"
#include "reporting_scope.h"
#include "reporting_sql.h"
#include "reporting_table.h"
#include "kp_alloc.h"
#include "kp_row.h"
#include "kp_server.h"

#include <stdlib.h>
#include <string.h>

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

//  Each area over the period: its months (rows first .. first + rows - 1
//  of the table, by area then month) add up to it, the areas to the total
//  row (first + rows). A visits count and a follow-ups count per row.
static int
s_areas (reporting_table_t *table, PGresult *visits, int first)
{
    int rows = PQntuples (visits);
    int *areas [2], n_areas = 0;
    areas [0] = kp_calloc ((size_t) rows + 2, sizeof (int));
    areas [1] = kp_calloc ((size_t) rows + 2, sizeof (int));
    int *months [2] = { kp_calloc ((size_t) rows + 2, sizeof (int)), kp_calloc ((size_t) rows + 2, sizeof (int)) };
    const int columns [2] = { COL_VISITORS, COL_FOLLOW_UPS };
    int rc = -1;
    if (!areas [0] || !areas [1] || !months [0] || !months [1])
        goto cleanup;
    for (int row = 0; row < rows; ) {
        const char *area = kp_row_text (visits, row, VISITS_MUNICIPALITY);
        int64_t held = 0, came = 0, followed = 0;
        int n_months = 0;
        for (; row < rows && strcmp (kp_row_text (visits, row, VISITS_MUNICIPALITY), area) == 0; row++) {
            held += kp_row_int (visits, row, VISITS_SESSIONS);
            came += kp_row_int (visits, row, VISITS_VISITORS);
            followed += kp_row_int (visits, row, VISITS_FOLLOW_UPS);
            for (int column = 0; column < 2; column++)
                months [column][n_months] = reporting_table_cell_of (table, first + row, columns [column]);
            n_months++;
        }
        if (s_label (table, "area", area, "all")
        ||  reporting_table_figure (table, COL_SESSIONS, held)
        ||  (months [0][n_months] = reporting_table_count (table, COL_VISITORS, came)) < 0
        ||  (months [1][n_months] = reporting_table_count (table, COL_FOLLOW_UPS, followed)) < 0
        ||  reporting_table_row_people (table, came))
            goto cleanup;
        for (int column = 0; column < 2; column++) {
            areas [column][n_areas] = months [column][n_months];
            if (reporting_table_line (table, months [column], (size_t) n_months + 1))
                goto cleanup;
        }
        n_areas++;
    }
    for (int column = 0; column < 2; column++) {
        areas [column][n_areas] = reporting_table_cell_of (table, first + rows, columns [column]);
        if (n_areas && reporting_table_line (table, areas [column], (size_t) n_areas + 1))
            goto cleanup;
    }
    rc = 0;

cleanup:
    for (int column = 0; column < 2; column++) {
        free (areas [column]);
        free (months [column]);
    }
    return rc;
}

//  Anonymous contacts (rows by area, then channel): per channel its areas
//  and the total ("all"), then all contacts per area and in total; walk-in
//  and phone add up to the area's contacts, the areas to each total.
static int
s_contacts (reporting_table_t *table, PGresult *contacts)
{
    static const char *const channels [] = { "walk_in", "phone", "contacts" };
    int rows = PQntuples (contacts);
    const char *areas [64];
    int n_areas = 0;
    for (int row = 0; row < rows; row++)
        if (!n_areas || strcmp (areas [n_areas - 1], kp_row_text (contacts, row, CONTACTS_MUNICIPALITY))) {
            if (n_areas == 64)
                return -1;      //  more areas than a line holds: fail loudly, never a wrong total
            areas [n_areas++] = kp_row_text (contacts, row, CONTACTS_MUNICIPALITY);
        }
    //  cells [channel][area or n_areas: all][count or follow-ups]
    int cells [3][65][2];
    for (int channel = 0; channel < 3; channel++)
        for (int area = 0; area <= n_areas; area++) {
            int64_t count = 0, followed = 0;
            for (int row = 0; row < rows; row++)
                if ((area == n_areas || strcmp (areas [area], kp_row_text (contacts, row, CONTACTS_MUNICIPALITY)) == 0)
                &&  (channel == 2 || strcmp (channels [channel], kp_row_text (contacts, row, CONTACTS_CHANNEL)) == 0)) {
                    count += kp_row_int (contacts, row, CONTACTS_CONTACTS);
                    followed += kp_row_int (contacts, row, CONTACTS_FOLLOW_UPS);
                }
            if (s_label (table, channels [channel], area == n_areas ? "all" : areas [area], "all")
            ||  (cells [channel][area][0] = reporting_table_count (table, COL_VISITORS, count)) < 0
            ||  (cells [channel][area][1] = reporting_table_count (table, COL_FOLLOW_UPS, followed)) < 0
            ||  reporting_table_row_people (table, count))
                return -1;
        }
    for (int value = 0; value < 2; value++) {
        for (int channel = 0; channel < 3; channel++) {
            int line [65];
            for (int area = 0; area <= n_areas; area++)
                line [area] = cells [channel][area][value];
            if (reporting_table_line (table, line, (size_t) n_areas + 1))
                return -1;
        }
        for (int area = 0; area <= n_areas; area++) {
            int line [3] = { cells [0][area][value], cells [1][area][value], cells [2][area][value] };
            if (reporting_table_line (table, line, 3))
                return -1;
        }
    }
    return 0;
}

int
reporting_talousneuvola_report (kp_call_t *call, const reporting_scope_t *scope)
{
    PGresult *visits = reporting_scope_query (call, scope, "report_talousneuvola_visits");
    PGresult *topics = visits ? reporting_scope_query (call, scope, "report_talousneuvola_topics") : NULL;
    PGresult *staffing = topics ? reporting_scope_query (call, scope, "report_talousneuvola_staffing") : NULL;
    PGresult *contacts = staffing ? reporting_scope_query (call, scope, "report_talousneuvola_contacts") : NULL;
    if (!contacts) {
        PQclear (visits);
        PQclear (topics);
        PQclear (staffing);
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
    if (s_areas (table, visits, 0) || s_contacts (table, contacts))
        goto cleanup;
    rc = reporting_table_reply (table, call);

cleanup:
    reporting_table_destroy (&table);
    PQclear (visits);
    PQclear (topics);
    PQclear (staffing);
    PQclear (contacts);
    return rc;
}
