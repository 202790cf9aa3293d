/*  One self-contained HTML page for report tables: inline CSS, an inline
    SVG bar chart above each table, no script and nothing fetched, so the
    file can be mailed or archived as it is. Suppressed cells stay ".." in
    the tables and are left out of the charts. */
#include "cli_report.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

//  What to chart for a report: the rows where filter_column has
//  filter_value ("!value": does not have it; any row when NULL),
//  labelled by the label columns, one
//  stacked bar segment per series column. Reports not listed get a bar of
//  their first numeric column.
typedef struct {
    const char *report;
    const char *title;
    const char *chart;
    const char *filter_column;
    const char *filter_value;
    const char *labels [3];
    const char *series [5];
} s_spec_t;

static const s_spec_t s_specs [] = {
    { "participants", "Participants (ESF)", "Participants by gender and age band",
      "dimension", "age_band", { "snapshot", "category" }, { "woman", "man", "non_binary", "not_told" } },
    { "referral_sla", "Referral SLA", "Referral SLA by month: within the deadline and breaches",
      NULL, NULL, { "municipality", "month", "kind" }, { "within_deadline", "breaches" } },
    { "groups", "Group activities", "Visitors by month: attendances and anonymous headcounts",
      "month", "!all", { "municipality", "activity_kind", "month" }, { "attendances", "headcount" } },
    { "talousneuvola", "Talousneuvola (financial counselling clinic)", "Visits by month",
      "dimension", "visits", { "category", "month" }, { "visits" } },
    { "outcomes", "Outcomes", "Clients improved per item",
      NULL, NULL, { "instrument", "item" }, { "improved" } },
    { "social_reporting", "Social reporting (sosiaalinen raportointi)", "Clients concerned by theme and area",
      NULL, NULL, { "theme", "area" }, { "clients_concerned" } },
    { "targets", "Targets", NULL, NULL, NULL, { NULL }, { NULL } },
    { "workload", "Workload", "Cases by month: open, opened and closed",
      "dimension", "organisation", { "municipality", "month" }, { "open_cases", "opened", "closed" } },
    { NULL }
};

static const char *s_colours [] = { "#1f6f8b", "#e07a5f", "#81b29a", "#f2cc8f", "#6d597a" };

#define S_CHART_ROWS   40           //  more bars than this do not read
#define S_LABEL_WIDTH  220
#define S_BAR_WIDTH    520

static void
s_escape (FILE *out, const char *text)
{
    for (; *text; text++)
        switch (*text) {
            case '<': fputs ("&lt;", out); break;
            case '>': fputs ("&gt;", out); break;
            case '&': fputs ("&amp;", out); break;
            case '"': fputs ("&quot;", out); break;
            case '\'': fputs ("&#39;", out); break;
            default:  fputc (*text, out);
        }
}

static int
s_column (const Kumppani__V1__ReportTable *table, const char *name)
{
    for (size_t column = 0; name && column < table->n_columns; column++)
        if (strcmp (table->columns [column], name) == 0)
            return (int) column;
    return -1;
}

static const Kumppani__V1__ReportCell *
s_cell (const Kumppani__V1__ReportTable *table, size_t row, int column)
{
    const Kumppani__V1__ReportRow *cells = table->rows [row];
    return column >= 0 && (size_t) column < cells->n_cells ? cells->cells [column] : NULL;
}

static const s_spec_t *
s_spec_of (const char *report)
{
    for (const s_spec_t *spec = s_specs; spec->report; spec++)
        if (strcmp (spec->report, report) == 0)
            return spec;
    return NULL;
}

//  The chart's shape resolved against the table's actual columns.
typedef struct {
    const char *title;
    int filter;
    const char *filter_value;
    int labels [3];
    size_t n_labels;
    int series [5];
    size_t n_series;
} s_chart_t;

//  Without a spec (or when its columns are missing): the leading text
//  columns label a bar of the first numeric column.
static void
s_chart_fallback (const Kumppani__V1__ReportTable *table, s_chart_t *chart)
{
    memset (chart, 0, sizeof *chart);
    chart->filter = -1;
    for (size_t column = 0; column < table->n_columns && table->n_rows; column++) {
        const Kumppani__V1__ReportCell *cell = s_cell (table, 0, (int) column);
        bool number = cell && (cell->suppressed || (!cell->label && cli_report_is_number (cell->value)));
        if (number && column > 0) {
            chart->series [chart->n_series++] = (int) column;
            break;
        }
        if (chart->n_labels < 3)
            chart->labels [chart->n_labels++] = (int) column;
    }
}

static bool
s_chart_resolve (const Kumppani__V1__ReportTable *table, const s_spec_t *spec, s_chart_t *chart)
{
    if (spec && !spec->chart)
        return false;                   //  a report that reads better as a table
    memset (chart, 0, sizeof *chart);
    chart->filter = -1;
    if (spec) {
        chart->title = spec->chart;
        chart->filter = s_column (table, spec->filter_column);
        chart->filter_value = spec->filter_value;
        for (size_t index = 0; index < 3 && spec->labels [index]; index++)
            if (s_column (table, spec->labels [index]) >= 0)
                chart->labels [chart->n_labels++] = s_column (table, spec->labels [index]);
        for (size_t index = 0; index < 5 && spec->series [index]; index++)
            if (s_column (table, spec->series [index]) >= 0)
                chart->series [chart->n_series++] = s_column (table, spec->series [index]);
        if (spec->filter_column && chart->filter < 0)
            chart->n_series = 0;        //  the rows to pick are not there
    }
    if (chart->n_series == 0 || chart->n_labels == 0) {
        const char *title = chart->title;
        s_chart_fallback (table, chart);
        chart->title = title;
    }
    return chart->n_series > 0 && chart->n_labels > 0;
}

//  A row to draw: one the filter picks, and not a totals row (labelled
//  "all" throughout), whose bar would dwarf the others.
static bool
s_chart_row (const Kumppani__V1__ReportTable *table, const s_chart_t *chart, size_t row)
{
    bool totals = true;
    for (size_t label = 0; label < chart->n_labels; label++) {
        const Kumppani__V1__ReportCell *cell = s_cell (table, row, chart->labels [label]);
        totals &= cell && !cell->suppressed && strcmp (cell->value, "all") == 0;
    }
    if (totals)
        return false;
    if (chart->filter < 0)
        return true;
    const Kumppani__V1__ReportCell *cell = s_cell (table, row, chart->filter);
    if (!cell || cell->suppressed)
        return false;
    if (chart->filter_value [0] == '!')
        return strcmp (cell->value, chart->filter_value + 1) != 0;
    return strcmp (cell->value, chart->filter_value) == 0;
}

static double
s_value (const Kumppani__V1__ReportTable *table, size_t row, int column)
{
    const Kumppani__V1__ReportCell *cell = s_cell (table, row, column);
    return cell && !cell->suppressed && cli_report_is_number (cell->value) ? atof (cell->value) : 0;
}

//  A horizontal stacked bar chart as inline SVG.
static void
s_write_chart (FILE *out, const Kumppani__V1__ReportTable *table, const s_chart_t *chart)
{
    size_t rows [S_CHART_ROWS], n_rows = 0;
    double largest = 0;
    for (size_t row = 0; row < table->n_rows && n_rows < S_CHART_ROWS; row++) {
        if (!s_chart_row (table, chart, row))
            continue;
        double total = 0;
        for (size_t series = 0; series < chart->n_series; series++)
            total += s_value (table, row, chart->series [series]);
        largest = total > largest ? total : largest;
        rows [n_rows++] = row;
    }
    if (n_rows == 0)
        return;
    int height = 40 + 22 * (int) n_rows;
    fprintf (out, "<figure><figcaption>");
    s_escape (out, chart->title ? chart->title : table->report);
    fprintf (out, "</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
             "role=\"img\" viewBox=\"0 0 %d %d\">\n",
             S_LABEL_WIDTH + S_BAR_WIDTH + 80, height, S_LABEL_WIDTH + S_BAR_WIDTH + 80, height);
    //  Legend
    int x = S_LABEL_WIDTH;
    for (size_t series = 0; series < chart->n_series; series++) {
        fprintf (out, "<rect x=\"%d\" y=\"4\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                 "<text x=\"%d\" y=\"15\">", x, s_colours [series], x + 16);
        s_escape (out, table->columns [chart->series [series]]);
        fprintf (out, "</text>\n");
        x += 24 + 8 * (int) strlen (table->columns [chart->series [series]]);
    }
    for (size_t index = 0; index < n_rows; index++) {
        size_t row = rows [index];
        int y = 30 + 22 * (int) index;
        fprintf (out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", S_LABEL_WIDTH - 8, y + 14);
        for (size_t label = 0; label < chart->n_labels; label++) {
            const Kumppani__V1__ReportCell *cell = s_cell (table, row, chart->labels [label]);
            if (label)
                fputs (" · ", out);
            s_escape (out, cell && !cell->suppressed ? cli_report_shown (cell) : CLI_SUPPRESSED_MARK);
        }
        fprintf (out, "</text>");
        double left = 0;
        bool hidden = false;
        for (size_t series = 0; series < chart->n_series; series++) {
            const Kumppani__V1__ReportCell *cell = s_cell (table, row, chart->series [series]);
            hidden |= !cell || cell->suppressed;
            double value = s_value (table, row, chart->series [series]);
            double width = largest > 0 ? value / largest * S_BAR_WIDTH : 0;
            if (width > 0)
                fprintf (out, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"%s\"/>",
                         S_LABEL_WIDTH + left, y, width, s_colours [series]);
            left += width;
        }
        fprintf (out, "<text x=\"%.1f\" y=\"%d\">%s</text>\n", S_LABEL_WIDTH + left + 6, y + 14,
                 hidden ? CLI_SUPPRESSED_MARK : "");
    }
    fprintf (out, "</svg></figure>\n");
}

static void
s_write_table (FILE *out, const Kumppani__V1__ReportTable *table)
{
    if (table->n_rows == 0) {
        fputs ("<p class=\"meta\">Nothing to report for this period and scope.</p>\n", out);
        return;
    }
    fputs ("<div class=\"scroll\"><table>\n<thead><tr>", out);
    for (size_t column = 0; column < table->n_columns; column++) {
        fputs ("<th>", out);
        s_escape (out, table->columns [column]);
        fputs ("</th>", out);
    }
    fputs ("</tr></thead>\n<tbody>\n", out);
    for (size_t row = 0; row < table->n_rows; row++) {
        fputs ("<tr>", out);
        for (size_t column = 0; column < table->rows [row]->n_cells; column++) {
            const Kumppani__V1__ReportCell *cell = table->rows [row]->cells [column];
            if (cell->suppressed)
                fputs ("<td class=\"suppressed\" title=\"suppressed by disclosure control\">"
                       CLI_SUPPRESSED_MARK "</td>", out);
            else {
                fputs (!cell->label && cli_report_is_number (cell->value) ? "<td class=\"number\">" : "<td>", out);
                s_escape (out, cli_report_shown (cell));
                fputs ("</td>", out);
            }
        }
        fputs ("</tr>\n", out);
    }
    fputs ("</tbody></table></div>\n", out);
}

int
cli_report_write_html (FILE *out, Kumppani__V1__ReportTable *const *tables, size_t count)
{
    char generated [32];
    time_t now = time (NULL);
    strftime (generated, sizeof generated, "%Y-%m-%d %H:%M UTC", gmtime (&now));
    fputs ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<title>kumppani reports</title>\n<style>\n"
           "body { font-family: sans-serif; margin: 2em auto; max-width: 70em; color: #222; }\n"
           "table { border-collapse: collapse; margin: 1em 0 2em; font-size: 90%; }\n"
           "th, td { border: 1px solid #ccc; padding: .25em .6em; }\n"
           "th { background: #eef3f6; text-align: left; }\n"
           "td.number { text-align: right; font-variant-numeric: tabular-nums; }\n"
           "td.suppressed { text-align: right; color: #999; background: #f6f6f6; }\n"
           "figure { margin: 1em 0; } figcaption { font-weight: bold; margin-bottom: .4em; }\n"
           "svg text { font-size: 12px; fill: #333; }\n"
           ".meta { color: #555; } .scroll { overflow-x: auto; }\n"
           "</style>\n</head>\n<body>\n<h1>kumppani reports</h1>\n", out);
    fprintf (out, "<p class=\"meta\">Generated %s. Cells marked " CLI_SUPPRESSED_MARK
             " are suppressed by disclosure control (fewer people than the threshold, or a cell "
             "that would let one be recovered from the totals).</p>\n", generated);
    for (size_t index = 0; index < count; index++) {
        const Kumppani__V1__ReportTable *table = tables [index];
        const s_spec_t *spec = s_spec_of (table->report);
        fputs ("<section>\n<h2>", out);
        s_escape (out, spec ? spec->title : table->report);
        fputs ("</h2>\n<p class=\"meta\">Period ", out);
        s_escape (out, table->period_start);
        fputs (" – ", out);
        s_escape (out, table->period_end);
        fprintf (out, " · threshold %u</p>\n", table->threshold);
        s_chart_t chart;
        if (s_chart_resolve (table, spec, &chart))
            s_write_chart (out, table, &chart);
        s_write_table (out, table);
        fputs ("</section>\n", out);
    }
    fputs ("</body>\n</html>\n", out);
    return ferror (out) ? -1 : 0;
}
