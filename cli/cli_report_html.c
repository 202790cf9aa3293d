/*  The funder's page: report tables as one self-contained HTML page
    (inline CSS, inline SVG charts, no script and nothing fetched, so it
    can be mailed, archived or printed to PDF as it is). On top the
    project, its owner, areas and period; then each report with a chart,
    its tables and how its figures are counted; words in Finnish, Swedish
    or English (cli_report_labels.c, cli_report_texts.c), times in
    Europe/Helsinki. Wide tables are split into parts that repeat the
    label columns, and cells may wrap anywhere, so no table is wider than
    an A4 page or a 1280 px screen. Suppressed cells stay ".." in the
    tables; charts leave their rows out and say how many. Codes the label
    table does not know render as themselves, marked "unlabelled", so a
    report or column added on the service never breaks the page. */
#include "cli_report.h"
#include "cli_report_labels.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

//  What to chart for a report: the rows where filter_column has
//  filter_value ("!value": does not have it; any row when NULL),
//  labelled by the label columns, one stacked bar segment per series
//  column. Reports not listed get a bar of their first numeric column.
typedef struct {
    const char *report;
    const char *filter_column;
    const char *filter_value;
    const char *labels [3];
    const char *series [5];
    bool no_chart;                  //  reads better as a table
} s_spec_t;

static const s_spec_t s_specs [] = {
    { "participants", "dimension", "age_band", { "snapshot", "category" }, { "woman", "man", "non_binary", "not_told" } },
    { "referral_sla", NULL, NULL, { "municipality", "month", "kind" }, { "within_deadline", "breaches" } },
    { "groups", "month", "!all", { "municipality", "activity_kind", "month" }, { "attendances", "headcount" } },
    { "talousneuvola", "dimension", "visits", { "category", "month" }, { "visits" } },
    { "outcomes", NULL, NULL, { "instrument", "item" }, { "improved" } },
    { "social_reporting", NULL, NULL, { "theme", "area" }, { "clients_concerned" } },
    { "targets", NULL, NULL, { NULL }, { NULL }, true },
    { "workload", "dimension", "organisation", { "municipality", "month" }, { "open_cases", "opened", "closed" } },
    { "referral_partner_sla", NULL, NULL, { "kind", "receiver_type" }, { "accepted", "declined" } },
    { "placements", NULL, NULL, { "municipality" }, { "placements_started", "ended_completed" } },
    { "feedback", NULL, NULL, { "municipality", "activity_kind" }, { "responses" } },
    { "esf_participants", "snapshot", "start", { "dimension", "category" }, { "woman", "man", "non_binary", "not_told" } },
    { "esf_results", NULL, NULL, { "timepoint", "indicator" }, { "woman", "man", "non_binary", "not_told" } },
    { NULL }
};

static const char *s_colours [] = { "#1f6f8b", "#e07a5f", "#5b8e7d", "#c9a227", "#6d597a" };

#define S_CHART_ROWS    40          //  more bars than this do not read
#define S_CHART_WIDTH   760
#define S_LABEL_WIDTH   300
#define S_BAR_WIDTH     380
#define S_LABEL_CHARS   44          //  longer chart labels are cut (the full one is the bar's title)
#define S_PART_COLUMNS  8           //  columns per table part: fits A4 portrait
#define S_MAX_COLUMNS   64

//  Columns whose labels are free text or identifiers, shown as they are.
static const char *s_free_text [] = { "description", "worker", "target", NULL };

typedef struct {
    FILE *out;
    cli_lang_t lang;
} s_page_t;

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

static bool
s_in (const char *const *list, const char *name)
{
    for (; *list; list++)
        if (strcmp (*list, name) == 0)
            return true;
    return false;
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

//  A code's name, or the code marked as one without a name.
static void
s_code (s_page_t *page, const char *code)
{
    const char *name = cli_label (code, page->lang);
    if (name)
        s_escape (page->out, name);
    else {
        fputs ("<span class=\"unlabelled\" data-code=\"", page->out);
        s_escape (page->out, code);
        fprintf (page->out, "\" title=\"%s\">", cli_text ("unlabelled", page->lang));
        s_escape (page->out, code);
        fputs ("</span>", page->out);
    }
}

//  YYYY-MM as "tammikuu 2026"; false if text is no month.
static bool
s_month (s_page_t *page, const char *text, char *out, size_t size)
{
    int year, month;
    char tail;
    if (strlen (text) != 7 || sscanf (text, "%4d-%2d%c", &year, &month, &tail) != 2
    ||  !cli_text_month (month, page->lang))
        return false;
    snprintf (out, size, "%s %d", cli_text_month (month, page->lang), year);
    return true;
}

//  YYYY-MM-DD as 1.12.2026 (fi, sv) or as it is (en).
static void
s_date (s_page_t *page, const char *text)
{
    int year, month, day;
    if (page->lang != CLI_LANG_EN && sscanf (text, "%4d-%2d-%2d", &year, &month, &day) == 3)
        fprintf (page->out, "%d.%d.%d", day, month, year);
    else
        s_escape (page->out, text);
}

//  A figure as readers of the language write it: 0,75 in Finnish and Swedish.
static void
s_number (s_page_t *page, const char *text)
{
    for (; *text; text++)
        if (*text == '.' && page->lang != CLI_LANG_EN)
            fputc (',', page->out);
        else
            fputc (*text, page->out);
}

//  A label cell as a reader sees it: a municipality's name, a month, a
//  category's name; free text as it is.
static void
s_label_cell (s_page_t *page, const char *column, const Kumppani__V1__ReportCell *cell)
{
    char month [64];
    if (cell->name && *cell->name)
        s_escape (page->out, cell->name);
    else
    if (strcmp (cell->value, "all") == 0)
        s_code (page, "all");
    else
    if (s_month (page, cell->value, month, sizeof month))
        s_escape (page->out, month);
    else
    if (s_in (s_free_text, column) && !cli_label (cell->value, page->lang))
        s_escape (page->out, cell->value);
    else
    if (strspn (cell->value, "0123456789") == strlen (cell->value))
        s_escape (page->out, cell->value);      //  a code without a name on the service (a new municipality)
    else
        s_code (page, cell->value);
}

//  A figure, or a decimal the service sent as text (a statistic such as
//  meetings per group): no code has a decimal point.
static bool
s_is_figure (const Kumppani__V1__ReportCell *cell)
{
    return cli_report_is_number (cell->value) && (!cell->label || strchr (cell->value, '.'));
}

//  A cell's text as s_write_cell shows it, without markup: for charts'
//  labels and for measuring columns.
static const char *
s_plain (s_page_t *page, const Kumppani__V1__ReportCell *cell, char *buffer, size_t size)
{
    if (!cell || cell->suppressed)
        return CLI_SUPPRESSED_MARK;
    if (cell->name && *cell->name)
        return cell->name;
    if (cell->label && s_month (page, cell->value, buffer, size))
        return buffer;
    const char *name = cell->label ? cli_label (cell->value, page->lang) : NULL;
    return name ? name : cell->value;
}

//  The longest word of text in characters (UTF-8), where a line may break:
//  at spaces and after hyphens and dashes.
static size_t
s_longest_word (const char *text)
{
    size_t longest = 0, word = 0;
    for (const unsigned char *at = (const unsigned char *) text; *at; at++) {
        if ((*at & 0xC0) == 0x80)
            continue;               //  a continuation byte: the same character
        if (*at == ' ' || *at == '-' || *at == '/') {
            word += *at != ' ';
            longest = word > longest ? word : longest;
            word = 0;
        }
        else
            word++;
    }
    return word > longest ? word : longest;
}

static void
s_write_cell (s_page_t *page, const Kumppani__V1__ReportTable *table, size_t row, size_t column)
{
    const Kumppani__V1__ReportCell *cell = s_cell (table, row, (int) column);
    if (!cell)
        fputs ("<td></td>", page->out);
    else
    if (cell->suppressed)
        fprintf (page->out, "<td class=\"suppressed\" title=\"%s\">" CLI_SUPPRESSED_MARK "</td>",
                 cli_text ("suppressed_cell", page->lang));
    else
    if (s_is_figure (cell)) {
        fputs ("<td class=\"number\">", page->out);
        s_number (page, cell->value);
        fputs ("</td>", page->out);
    }
    else
    if (cell->label) {
        fputs ("<td>", page->out);
        s_label_cell (page, table->columns [column], cell);
        fputs ("</td>", page->out);
    }
    else {
        fputs ("<td>", page->out);
        s_escape (page->out, cell->value);
        fputs ("</td>", page->out);
    }
}

// ---------------------------------------------------------------------
//  Charts

//  The chart's shape resolved against the table's actual columns.
typedef struct {
    int filter;
    const char *filter_value;
    int labels [3];
    size_t n_labels;
    int series [5];
    size_t n_series;
} s_chart_t;

//  Without a spec (or when its columns are missing): the leading label
//  columns label a bar of the first figure column.
static void
s_chart_fallback (const Kumppani__V1__ReportTable *table, s_chart_t *chart)
{
    memset (chart, 0, sizeof *chart);
    chart->filter = -1;
    for (size_t column = 0; column < table->n_columns && table->n_rows; column++) {
        const Kumppani__V1__ReportCell *cell = s_cell (table, 0, (int) column);
        bool figure = cell && (cell->suppressed || s_is_figure (cell));
        if (figure && column > 0) {
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
    if (spec && spec->no_chart)
        return false;
    memset (chart, 0, sizeof *chart);
    chart->filter = -1;
    if (spec) {
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
    if (chart->n_series == 0 || chart->n_labels == 0)
        s_chart_fallback (table, chart);
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

//  A chart row's label as plain text (for SVG): the label cells' names
//  joined with " · ", cut at S_LABEL_CHARS characters.
static void
s_chart_label (s_page_t *page, const Kumppani__V1__ReportTable *table, const s_chart_t *chart,
               size_t row, char *out, size_t size)
{
    size_t used = 0;
    out [0] = 0;
    for (size_t label = 0; label < chart->n_labels; label++) {
        char buffer [64];
        const char *text = s_plain (page, s_cell (table, row, chart->labels [label]), buffer, sizeof buffer);
        if (used < size)
            used += (size_t) snprintf (out + used, size - used, "%s%s", label ? " · " : "", text);
    }
    //  Cut on a character, not inside a UTF-8 sequence.
    size_t chars = 0, at = 0;
    for (; out [at] && chars < S_LABEL_CHARS; at++)
        chars += ((unsigned char) out [at] & 0xC0) != 0x80;
    while (out [at] && ((unsigned char) out [at] & 0xC0) == 0x80)
        at++;
    if (out [at] && at + 4 < size)
        memcpy (out + at, "…", sizeof "…");
}

//  A horizontal bar chart as inline SVG that scales with the page: one
//  bar per series side by side (not stacked, so a hidden figure hides
//  only its own bar). Suppressed figures are left out, and the page says
//  how many; a row whose every figure is hidden is not drawn at all.
static void
s_write_chart (s_page_t *page, const Kumppani__V1__ReportTable *table, const s_chart_t *chart)
{
    size_t rows [S_CHART_ROWS], n_rows = 0, left_out = 0;
    double largest = 0;
    for (size_t row = 0; row < table->n_rows; row++) {
        if (!s_chart_row (table, chart, row))
            continue;
        size_t shown = 0;
        for (size_t series = 0; series < chart->n_series; series++) {
            const Kumppani__V1__ReportCell *cell = s_cell (table, row, chart->series [series]);
            if (!cell || cell->suppressed)
                left_out++;
            else {
                shown++;
                double value = s_value (table, row, chart->series [series]);
                largest = n_rows < S_CHART_ROWS && value > largest ? value : largest;
            }
        }
        if (shown && n_rows < S_CHART_ROWS)
            rows [n_rows++] = row;
    }
    if (n_rows == 0 && left_out == 0)
        return;
    FILE *out = page->out;
    char key [64];
    snprintf (key, sizeof key, "chart_%s", table->report);
    const char *title = cli_text (key, page->lang);
    fputs ("<figure>\n<figcaption>", out);
    s_escape (out, strcmp (title, key) ? title
                 : cli_label_report (table->report, page->lang) ? cli_label_report (table->report, page->lang)
                 : table->report);
    fputs ("</figcaption>\n", out);
    if (n_rows == 0) {
        fprintf (out, "<p class=\"chart-note\">%s</p>\n</figure>\n", cli_text ("chart_all_hidden", page->lang));
        return;
    }
    //  The legend as HTML, so it wraps with the page.
    fputs ("<ul class=\"legend\">", out);
    for (size_t series = 0; series < chart->n_series; series++) {
        fprintf (out, "<li><span class=\"swatch\" style=\"background:%s\"></span>", s_colours [series]);
        s_code (page, table->columns [chart->series [series]]);
        fputs ("</li>", out);
    }
    fputs ("</ul>\n", out);
    int bar = chart->n_series > 1 ? 10 : 16;
    int step = bar * (int) chart->n_series + 8;
    int height = 6 + step * (int) n_rows;
    fprintf (out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" role=\"img\" "
             "preserveAspectRatio=\"xMinYMin meet\">\n", S_CHART_WIDTH, height);
    for (size_t index = 0; index < n_rows; index++) {
        size_t row = rows [index];
        int y = 4 + step * (int) index;
        char label [512];
        s_chart_label (page, table, chart, row, label, sizeof label);
        fprintf (out, "<g><text x=\"%d\" y=\"%d\" text-anchor=\"end\">", S_LABEL_WIDTH - 8,
                 y + (step - 8) / 2 + 4);
        s_escape (out, label);
        fputs ("</text>", out);
        for (size_t series = 0; series < chart->n_series; series++) {
            const Kumppani__V1__ReportCell *cell = s_cell (table, row, chart->series [series]);
            if (!cell || cell->suppressed)
                continue;
            double value = s_value (table, row, chart->series [series]);
            double width = largest > 0 ? value / largest * S_BAR_WIDTH : 0;
            int top = y + bar * (int) series;
            if (width > 0)
                fprintf (out, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>",
                         S_LABEL_WIDTH, top, width, bar - 1, s_colours [series]);
            fprintf (out, "<text x=\"%.1f\" y=\"%d\" class=\"figure\">", S_LABEL_WIDTH + width + 4, top + bar - 2);
            s_number (page, cell->value);
            fputs ("</text>", out);
        }
        fputs ("</g>\n", out);
    }
    fputs ("</svg>\n", out);
    if (left_out)
        fprintf (out, "<p class=\"chart-note\">%s %zu.</p>\n", cli_text ("chart_left_out", page->lang), left_out);
    fputs ("</figure>\n", out);
}

// ---------------------------------------------------------------------
//  Tables

//  The table's label columns (its leading labels) and figure columns;
//  a label column that says "all" in every row tells nothing and goes.
static void
s_split (const Kumppani__V1__ReportTable *table, int *labels, size_t *n_labels, int *figures, size_t *n_figures)
{
    *n_labels = *n_figures = 0;
    bool leading = true;
    for (size_t column = 0; column < table->n_columns && column < S_MAX_COLUMNS; column++) {
        bool label = true, all = true;
        for (size_t row = 0; row < table->n_rows; row++) {
            const Kumppani__V1__ReportCell *cell = s_cell (table, row, (int) column);
            //  An empty cell (the plan row's snapshot) keeps a label column one.
            label &= cell && !cell->suppressed && ((cell->label && !s_is_figure (cell)) || !*cell->value);
            all &= cell && cell->label && strcmp (cell->value, "all") == 0;
        }
        leading &= label;
        if (leading && all && table->n_rows > 1)
            continue;
        if (leading)
            labels [(*n_labels)++] = (int) column;
        else
            figures [(*n_figures)++] = (int) column;
    }
}

static void
s_write_part (s_page_t *page, const Kumppani__V1__ReportTable *table, const int *labels, size_t n_labels,
              const int *figures, size_t n_figures, size_t part, size_t parts)
{
    FILE *out = page->out;
    fputs ("<div class=\"table\"><table>\n", out);
    if (parts > 1) {
        fputs ("<caption>", out);
        const char *title = cli_label_report (table->report, page->lang);
        s_escape (out, title ? title : table->report);
        fprintf (out, ", %s %zu/%zu</caption>\n", cli_text ("part", page->lang), part, parts);
    }
    //  Fixed layout with each column's share of the width by its longest
    //  word (header or cell), so the table is the page's width whatever it
    //  holds and words break only where they must.
    size_t weights [S_MAX_COLUMNS], total = 0;
    for (size_t index = 0; index < n_labels + n_figures; index++) {
        int column = index < n_labels ? labels [index] : figures [index - n_labels];
        const char *header = cli_label (table->columns [column], page->lang);
        //  In tenths of a character: headers are bold (a fifth wider), each
        //  cell has padding (two and a half characters).
        size_t weight = s_longest_word (header ? header : table->columns [column]) * 12;
        for (size_t row = 0; row < table->n_rows; row++) {
            char buffer [64];
            size_t word = s_longest_word (s_plain (page, s_cell (table, row, column), buffer, sizeof buffer)) * 10;
            weight = word > weight ? word : weight;
        }
        weight += 25;
        weights [index] = weight < 50 ? 50 : weight > 260 ? 260 : weight;
        total += weights [index];
    }
    fputs ("<colgroup>", out);
    for (size_t index = 0; index < n_labels + n_figures; index++)
        fprintf (out, "<col style=\"width:%.2f%%\">", 100.0 * (double) weights [index] / (double) total);
    fputs ("</colgroup>\n<thead><tr>", out);
    for (size_t index = 0; index < n_labels + n_figures; index++) {
        int column = index < n_labels ? labels [index] : figures [index - n_labels];
        fputs (index < n_labels ? "<th scope=\"col\">" : "<th scope=\"col\" class=\"number\">", out);
        s_code (page, table->columns [column]);
        fputs ("</th>", out);
    }
    fputs ("</tr></thead>\n<tbody>\n", out);
    for (size_t row = 0; row < table->n_rows; row++) {
        bool totals = n_labels > 0;
        for (size_t index = 0; index < n_labels; index++) {
            const Kumppani__V1__ReportCell *cell = s_cell (table, row, labels [index]);
            totals &= cell && strcmp (cell->value, "all") == 0;
        }
        fputs (totals ? "<tr class=\"totals\">" : "<tr>", out);
        for (size_t index = 0; index < n_labels + n_figures; index++)
            s_write_cell (page, table, row, (size_t) (index < n_labels ? labels [index] : figures [index - n_labels]));
        fputs ("</tr>\n", out);
    }
    fputs ("</tbody></table></div>\n", out);
}

//  The table in parts of at most S_PART_COLUMNS columns, each repeating
//  the label columns.
static void
s_write_table (s_page_t *page, const Kumppani__V1__ReportTable *table)
{
    if (table->n_rows == 0) {
        fprintf (page->out, "<p class=\"meta\">%s</p>\n", cli_text ("no_rows", page->lang));
        return;
    }
    int labels [S_MAX_COLUMNS], figures [S_MAX_COLUMNS];
    size_t n_labels, n_figures;
    s_split (table, labels, &n_labels, figures, &n_figures);
    size_t per_part = n_labels + 3 > S_PART_COLUMNS ? 3 : S_PART_COLUMNS - n_labels;
    size_t parts = n_figures ? (n_figures + per_part - 1) / per_part : 1;
    //  Even parts read better than a long one and a stub.
    per_part = n_figures ? (n_figures + parts - 1) / parts : 0;
    for (size_t part = 0; part < parts; part++) {
        size_t first = part * per_part;
        size_t count = first + per_part > n_figures ? n_figures - first : per_part;
        s_write_part (page, table, labels, n_labels, figures + first, count, part + 1, parts);
    }
}

// ---------------------------------------------------------------------
//  The page

static const char s_style [] =
    "@page { size: A4; margin: 16mm 14mm; }\n"
    "* { box-sizing: border-box; }\n"
    "html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }\n"
    "body { font-family: 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif; font-size: 14px; line-height: 1.4;"
    " margin: 0 auto; padding: 1.5em; max-width: 1200px; color: #1d1d1d; }\n"
    "h1 { font-size: 1.7em; margin: 0 0 .4em; } h2 { font-size: 1.3em; margin: 1.6em 0 .3em;"
    " border-bottom: 2px solid #1f6f8b; padding-bottom: .15em; break-after: avoid; }\n"
    "h3 { font-size: 1em; margin: 1em 0 .3em; break-after: avoid; }\n"
    "dl.heading { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1.2em; margin: 0 0 1em; }\n"
    "dl.heading dt { font-weight: bold; } dl.heading dd { margin: 0; }\n"
    ".meta, .chart-note { color: #555; font-size: .9em; }\n"
    ".explain { background: #f3f6f8; border-left: 4px solid #1f6f8b; padding: .5em .9em; margin: 1em 0; }\n"
    ".explain p { margin: .3em 0; }\n"
    "nav ol { columns: 2; margin: .3em 0 1em; }\n"
    ".table { width: 100%; margin: .6em 0 1.2em; }\n"
    "table { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: .84em;"
    " font-family: 'DejaVu Sans Condensed', 'Arial Narrow', 'Liberation Sans Narrow', sans-serif;"
    " font-stretch: condensed; }\n"
    "caption { text-align: left; font-weight: bold; padding: .2em 0; }\n"
    "th, td { border: 1px solid #c8d0d6; padding: .22em .45em; vertical-align: top;"
    " overflow-wrap: anywhere; hyphens: auto; }\n"
    "th { background: #e8eff3; text-align: left; font-weight: 600; }\n"
    "th.number, td.number { text-align: right; font-variant-numeric: tabular-nums; }\n"
    "td.suppressed { text-align: right; color: #777; background: #f2f2f2; }\n"
    "tr.totals td { font-weight: bold; background: #f7f9fa; }\n"
    "tr { break-inside: avoid; } thead { display: table-header-group; }\n"
    ".unlabelled { font-family: monospace; color: #8a4b00; }\n"
    "figure { margin: .8em 0; break-inside: avoid; } figcaption { font-weight: bold; margin-bottom: .3em; }\n"
    "figure svg { display: block; width: 100%; max-width: 760px; height: auto; }\n"
    "svg text { font-size: 12px; fill: #333; } svg text.figure { font-size: 10px; }\n"
    "ul.legend { list-style: none; padding: 0; margin: .2em 0 .4em; display: flex; flex-wrap: wrap; gap: .3em 1.2em;"
    " font-size: .9em; }\n"
    ".swatch { display: inline-block; width: .9em; height: .9em; margin-right: .35em; vertical-align: -.1em; }\n"
    "@media print { body { padding: 0; max-width: none; font-size: 10.5pt; } nav { display: none; }"
    " section.report { break-before: page; } }\n";

//  The time now in Europe/Helsinki as readers of the language write it.
static void
s_generated (s_page_t *page)
{
    const char *saved = getenv ("TZ");
    char *previous = saved ? strdup (saved) : NULL;
    setenv ("TZ", "Europe/Helsinki", 1);
    tzset ();
    time_t now = time (NULL);
    struct tm local;
    localtime_r (&now, &local);
    char text [64];
    strftime (text, sizeof text,
              page->lang == CLI_LANG_FI ? "%-d.%-m.%Y klo %H.%M (%Z)"
            : page->lang == CLI_LANG_SV ? "%-d.%-m.%Y kl. %H.%M (%Z)"
            : "%Y-%m-%d %H:%M (%Z, Helsinki)", &local);
    if (previous)
        setenv ("TZ", previous, 1);
    else
        unsetenv ("TZ");
    tzset ();
    free (previous);
    s_escape (page->out, text);
}

static void
s_area_name (s_page_t *page, const Kumppani__V1__ReportArea *area)
{
    bool swedish = page->lang == CLI_LANG_SV;
    const char *name = swedish && *area->name_sv ? area->name_sv : *area->name ? area->name : area->code;
    const char *organiser = swedish && *area->organiser_name_sv ? area->organiser_name_sv : area->organiser_name;
    s_escape (page->out, name);
    if (*organiser) {
        fputs (" (", page->out);
        s_escape (page->out, organiser);
        fputs (")", page->out);
    }
}

static void
s_write_heading (s_page_t *page, Kumppani__V1__ReportTable *const *tables, size_t count)
{
    FILE *out = page->out;
    const Kumppani__V1__ReportHeading *heading = NULL;
    for (size_t index = 0; index < count && !heading; index++)
        heading = tables [index]->heading;
    fprintf (out, "<header>\n<h1>%s</h1>\n<dl class=\"heading\">\n", cli_text ("title", page->lang));
    fprintf (out, "<dt>%s</dt><dd>", cli_text ("project", page->lang));
    if (heading && heading->project_name && *heading->project_name)
        s_escape (out, heading->project_name);
    else
        fputs (cli_text ("no_project", page->lang), out);
    fputs ("</dd>\n", out);
    if (heading && heading->owner_org && *heading->owner_org) {
        fprintf (out, "<dt>%s</dt><dd>", cli_text ("owner", page->lang));
        s_escape (out, *heading->owner_name ? heading->owner_name : heading->owner_org);
        fputs ("</dd>\n", out);
    }
    fprintf (out, "<dt>%s</dt><dd>", cli_text ("areas", page->lang));
    if (heading && heading->n_areas)
        for (size_t index = 0; index < heading->n_areas; index++) {
            if (index)
                fputs (", ", out);
            s_area_name (page, heading->areas [index]);
        }
    else
        fputs (cli_text ("no_area", page->lang), out);
    fputs ("</dd>\n", out);
    if (count) {
        fprintf (out, "<dt>%s</dt><dd>", cli_text ("period", page->lang));
        s_date (page, tables [0]->period_start);
        fputs ("–", out);
        s_date (page, tables [0]->period_end);
        fputs ("</dd>\n", out);
    }
    if (heading && heading->project_start && *heading->project_start) {
        fprintf (out, "<dt>%s</dt><dd>", cli_text ("project_period", page->lang));
        s_date (page, heading->project_start);
        fputs ("–", out);
        s_date (page, heading->project_end);
        fputs ("</dd>\n", out);
    }
    if (count)
        fprintf (out, "<dt>%s</dt><dd>%u</dd>\n", cli_text ("threshold", page->lang), tables [0]->threshold);
    fprintf (out, "<dt>%s</dt><dd>", cli_text ("generated", page->lang));
    s_generated (page);
    fputs ("</dd>\n</dl>\n", out);
    fprintf (out, "<div class=\"explain\"><h3>%s</h3><p>%s</p></div>\n",
             cli_text ("suppression_heading", page->lang), cli_text ("suppression", page->lang));
    fprintf (out, "<nav><h3>%s</h3><ol>\n", cli_text ("contents", page->lang));
    for (size_t index = 0; index < count; index++) {
        const char *title = cli_label_report (tables [index]->report, page->lang);
        fputs ("<li><a href=\"#r-", out);
        s_escape (out, tables [index]->report);
        fputs ("\">", out);
        s_escape (out, title ? title : tables [index]->report);
        fputs ("</a></li>\n", out);
    }
    fputs ("</ol></nav>\n</header>\n", out);
}

int
cli_report_write_html (FILE *out, Kumppani__V1__ReportTable *const *tables, size_t count, cli_lang_t lang)
{
    s_page_t page = { out, lang };
    fprintf (out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
             cli_lang_code (lang));
    s_escape (out, cli_text ("title", lang));
    fprintf (out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", s_style);
    s_write_heading (&page, tables, count);
    fputs ("<main>\n", out);
    for (size_t index = 0; index < count; index++) {
        const Kumppani__V1__ReportTable *table = tables [index];
        const s_spec_t *spec = s_spec_of (table->report);
        const char *title = cli_label_report (table->report, lang);
        fputs ("<section class=\"report\" id=\"r-", out);
        s_escape (out, table->report);
        fputs ("\">\n<h2>", out);
        if (title)
            s_escape (out, title);
        else
            s_code (&page, table->report);
        fputs ("</h2>\n<p class=\"meta\">", out);
        fprintf (out, "%s ", cli_text ("period", lang));
        s_date (&page, table->period_start);
        fputs ("–", out);
        s_date (&page, table->period_end);
        fprintf (out, " · %s %u</p>\n", cli_text ("threshold", lang), table->threshold);
        s_chart_t chart;
        if (table->n_rows && s_chart_resolve (table, spec, &chart))
            s_write_chart (&page, table, &chart);
        s_write_table (&page, table);
        const char *rules = cli_text_rules (table->report, lang);
        if (rules)
            fprintf (out, "<div class=\"explain rules\"><h3>%s</h3><p>%s</p></div>\n", cli_text ("rules", lang), rules);
        fputs ("</section>\n", out);
    }
    fputs ("</main>\n</body>\n</html>\n", out);
    return ferror (out) ? -1 : 0;
}
