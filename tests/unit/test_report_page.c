/*  The funder's page from tables built here: what it does with a report,
    column or code it has no name for (another change's addition renders,
    marked), with a wide table (parts that repeat the label columns), with
    suppressed figures in a chart (left out, said so) and with months and
    decimals in Finnish. */
#include "../../cli/cli_report_html.c"
#include "../../cli/cli_report_text.c"
#include "../../cli/cli_report_labels.c"
#include "../../cli/cli_report_texts.c"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

//  A table of rows × columns whose cells are "label:text", "n:figure" or
//  "..": a suppressed count.
typedef struct {
    Kumppani__V1__ReportTable table;
    Kumppani__V1__ReportRow *rows [16];
    Kumppani__V1__ReportRow row_data [16];
    Kumppani__V1__ReportCell *cells [16][20];
    Kumppani__V1__ReportCell cell_data [16][20];
} s_table_t;

static void
s_build (s_table_t *self, const char *report, const char *const *columns, size_t n_columns,
         const char *const *values, size_t n_rows)
{
    memset (self, 0, sizeof *self);
    kumppani__v1__report_table__init (&self->table);
    self->table.report = (char *) report;
    self->table.columns = (char **) columns;
    self->table.n_columns = n_columns;
    self->table.period_start = "2026-01-01";
    self->table.period_end = "2026-12-31";
    self->table.threshold = 5;
    self->table.rows = self->rows;
    self->table.n_rows = n_rows;
    for (size_t row = 0; row < n_rows; row++) {
        kumppani__v1__report_row__init (&self->row_data [row]);
        self->rows [row] = &self->row_data [row];
        self->row_data [row].cells = self->cells [row];
        self->row_data [row].n_cells = n_columns;
        for (size_t column = 0; column < n_columns; column++) {
            Kumppani__V1__ReportCell *cell = &self->cell_data [row][column];
            kumppani__v1__report_cell__init (cell);
            const char *value = values [row * n_columns + column];
            if (strcmp (value, "..") == 0) {
                cell->suppressed = true;
                cell->value = "";
            }
            else
            if (strncmp (value, "n:", 2) == 0)
                cell->value = (char *) value + 2;
            else {
                cell->label = true;
                cell->value = (char *) value;
            }
            self->cells [row][column] = cell;
        }
    }
}

static char *
s_page (Kumppani__V1__ReportTable *table, cli_lang_t lang)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    cr_assert_not_null (out);
    Kumppani__V1__ReportTable *tables [] = { table };
    cr_assert_eq (cli_report_write_html (out, tables, 1, lang), 0);
    fclose (out);
    return text;
}

static size_t
s_count (const char *text, const char *what)
{
    size_t count = 0;
    for (const char *at = text; (at = strstr (at, what)); at += strlen (what))
        count++;
    return count;
}

Test (report_page, unknown_report_column_and_code_render_marked)
{
    static const char *const columns [] = { "star_sign", "category", "in_education_6m", "participants_total" };
    static const char *const values [] = {
        "disadvantage", "homeless", "n:12", "n:30",
        "disadvantage", "yes", "n:7", "n:9",
        "all", "all", "n:19", "n:39",
    };
    s_table_t built;
    s_build (&built, "horoscope", columns, 4, values, 3);
    char *page = s_page (&built.table, CLI_LANG_FI);
    //  The report's title is its code, marked; its columns and codes too,
    //  and the known ones have their names.
    cr_assert (strstr (page, "<h2><span class=\"unlabelled\" data-code=\"horoscope\""), "%s", page);
    cr_assert (strstr (page, "data-code=\"in_education_6m\""), "%s", page);
    cr_assert (strstr (page, "data-code=\"star_sign\""), "%s", page);
    cr_assert (strstr (page, "data-code=\"disadvantage\""), "%s", page);
    cr_assert (strstr (page, "<td>Asunnottomuus</td>"), "%s", page);
    cr_assert (strstr (page, "<td>Kyllä</td>"), "%s", page);
    cr_assert (strstr (page, "<td>Yhteensä</td>"), "%s", page);
    //  A chart of its first figure column, without the totals row.
    cr_assert (strstr (page, "<svg"), "%s", page);
    cr_assert_eq (s_count (page, "<rect "), 2, "%s", page);
    //  No counting rules are written for it: none shown, nothing invented.
    cr_assert_null (strstr (page, "Miten luvut lasketaan"));
    free (page);
}

Test (report_page, wide_table_in_parts_that_repeat_the_labels)
{
    static const char *const columns [] = {
        "dimension", "municipality", "worker", "month", "open_cases", "opened", "closed",
        "contacts_meeting", "contacts_phone", "contacts_home_visit", "contacts_network_meeting",
        "contacts_digital", "assessments_in_time", "assessments_late", "reviews_overdue"
    };
    static const char *const values [] = {
        "organisation", "091", "all", "2026-01", "n:40", "n:6", "n:5", "n:30", "n:20", "n:7", "n:5", "n:9", "n:6", "..", "..",
        "organisation", "091", "all", "2026-02", "n:41", "n:7", "n:6", "n:31", "n:21", "n:8", "n:6", "n:9", "n:7", "..", "..",
    };
    s_table_t built;
    s_build (&built, "workload", columns, 15, values, 2);
    char *page = s_page (&built.table, CLI_LANG_FI);
    //  "worker" says "all" in every row: no column for it. Three label
    //  columns stay; the 11 figures go in parts of at most five.
    cr_assert_null (strstr (page, ">Työntekijä</th>"), "%s", page);
    size_t parts = s_count (page, "<table>");
    cr_assert_eq (parts, 3, "%zu parts", parts);
    cr_assert_eq (s_count (page, "<th scope=\"col\">Kunta</th>"), 3);
    cr_assert (strstr (page, "Asiakastyön määrä, osa 3/3"));
    //  No part wider than eight columns.
    for (const char *at = page; (at = strstr (at, "<colgroup>")); at++) {
        const char *end = strstr (at, "</colgroup>");
        size_t cols = 0;
        for (const char *col = at; (col = strstr (col, "<col ")) && col < end; col++)
            cols++;
        cr_assert_leq (cols, 8);
    }
    //  Months by name, the municipality's code as it is (no name given).
    cr_assert (strstr (page, "<td>tammikuu 2026</td>"), "%s", page);
    cr_assert (strstr (page, "<td>091</td>"), "%s", page);
    free (page);
}

Test (report_page, chart_leaves_suppressed_rows_out_and_says_so)
{
    static const char *const columns [] = { "theme", "area", "observations", "clients_concerned" };
    static const char *const values [] = {
        "debt", "091", "n:1", "..",
        "housing", "091", "n:2", "n:13",
        "loneliness", "091", "n:1", "..",
        "all", "all", "n:4", "n:24",
    };
    s_table_t built;
    s_build (&built, "social_reporting", columns, 4, values, 4);
    built.cell_data [1][1].name = "Helsinki";
    char *page = s_page (&built.table, CLI_LANG_FI);
    const char *chart = strstr (page, "<figure>");
    cr_assert_not_null (chart);
    const char *end = strstr (chart, "</figure>");
    //  One bar (housing's), no ".." among the bars, and the note.
    size_t bars = 0;
    for (const char *at = chart; (at = strstr (at, "<rect ")) && at < end; at++)
        bars++;
    cr_assert_eq (bars, 1);
    const char *mark = strstr (chart, ">..<");
    cr_assert (!mark || mark > end, "a \"..\" in the chart");
    cr_assert (strstr (chart, "Asuminen · Helsinki"), "%.*s", (int) (end - chart), chart);
    cr_assert (strstr (chart, "salattuja lukuja (..); niitä on 2."));
    free (page);
    //  All hidden: no chart, said so.
    static const char *const hidden [] = {
        "debt", "091", "n:1", "..",
        "all", "all", "n:1", "..",
    };
    s_build (&built, "social_reporting", columns, 4, hidden, 2);
    page = s_page (&built.table, CLI_LANG_EN);
    cr_assert_null (strstr (page, "<svg"));
    cr_assert (strstr (page, "No chart: every figure it would show is suppressed."), "%s", page);
    free (page);
}

Test (report_page, decimals_and_escaping)
{
    static const char *const columns [] = { "target", "description", "actual", "share_within_deadline" };
    static const char *const values [] = { "own_goal", "<b>6 & 7</b>", "n:6", "n:0.75" };
    s_table_t built;
    s_build (&built, "targets", columns, 4, values, 1);
    char *page = s_page (&built.table, CLI_LANG_FI);
    cr_assert (strstr (page, "<td class=\"number\">0,75</td>"), "%s", page);
    cr_assert (strstr (page, "&lt;b&gt;6 &amp; 7&lt;/b&gt;"), "%s", page);
    cr_assert_null (strstr (page, "<b>6"));
    //  A project's own target code is its identifier: shown as it is.
    cr_assert (strstr (page, "<td>own_goal</td>"), "%s", page);
    free (page);
    //  A decimal the service sends as text (meetings per group) is a figure too.
    built.cell_data [0][3].label = true;
    page = s_page (&built.table, CLI_LANG_EN);
    cr_assert (strstr (page, "<td class=\"number\">0.75</td>"), "%s", page);
    free (page);
}

//  Two series side by side: a hidden headcount hides only its own bar,
//  the attendances of that month are still drawn.
Test (report_page, a_hidden_figure_hides_only_its_own_bar)
{
    static const char *const columns [] = { "municipality", "activity_kind", "month", "attendances", "headcount" };
    static const char *const values [] = {
        "743", "meeting_place", "2021-01", "..", "n:25",
        "743", "meeting_place", "2021-02", "n:12", "..",
        "743", "meeting_place", "2021-03", "..", "..",
        "743", "meeting_place", "all", "n:40", "n:93",
    };
    s_table_t built;
    s_build (&built, "groups", columns, 5, values, 4);
    char *page = s_page (&built.table, CLI_LANG_FI);
    const char *chart = strstr (page, "<figure>");
    cr_assert_not_null (chart, "%s", page);
    const char *end = strstr (chart, "</figure>");
    size_t bars = 0, groups = 0;
    for (const char *at = chart; (at = strstr (at, "<rect ")) && at < end; at++)
        bars++;
    for (const char *at = chart; (at = strstr (at, "<g>")) && at < end; at++)
        groups++;
    //  January's headcount, February's attendances; March not at all; the
    //  period row ("all" month) is kept out by the groups chart's filter.
    cr_assert_eq (bars, 2, "%.*s", (int) (end - chart), chart);
    cr_assert_eq (groups, 2);
    cr_assert (strstr (chart, "niitä on 4."), "%.*s", (int) (end - chart), chart);
    cr_assert (strstr (chart, "Kohtaamispaikka · tammikuu 2021"), "%.*s", (int) (end - chart), chart);
    free (page);
}
