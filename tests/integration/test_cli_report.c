/*  `kumppani report`, `client` and `case` against the real services: the
    same table as CSV, JSON, the funder's HTML page and its PDF. Headless
    Chromium renders the page (a screenshot, a quiet console) and a layout
    script measures it at a 1280 px screen and at A4's printable width (no
    table wider than the page, no code left unnamed); the PDF's pages are
    A4 and its text extracts (poppler-utils). Then the client and case
    shortcuts' happy paths and their refusals. */
#include "harness.h"

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

TestSuite (cli_report, .init = kpt_setup, .fini = kpt_teardown, .timeout = 180);

//  Observations in muni-091 over a year of the 1990s no other suite uses,
//  one year per test: each report holds exactly these: housing 7 + 6,
//  loneliness 9, debt 2.
static void
s_observe (int year, const char *theme, int clients)
{
    char body [512], out [4096];
    snprintf (body, sizeof body, "{\"theme\": \"%s\", \"area\": \"091\", \"period_start\": \"%d-02-01\","
              " \"period_end\": \"%d-02-28\", \"description\": \"Seen in the winter.\","
              " \"clients_concerned\": %d}", theme, year, year, clients);
    const char *args [] = { "call", "reporting", "submit_observation", "--role", "social_worker",
                            "--body", body, NULL };
    cr_assert_eq (kpt_cli_run ("muni-091", out, sizeof out, args), 0, "%s", out);
}

static void
s_seed (int year)
{
    kpt_service_start ("reporting", NULL);
    s_observe (year, "housing", 7);
    s_observe (year, "housing", 6);
    s_observe (year, "loneliness", 9);
    s_observe (year, "debt", 2);
}

static void s_field (const char *json, const char *key, char *value, size_t size);
static size_t s_audit_cli_json (const char *json);

#define S_PERIOD(year) "--from", #year "-01-01", "--to", #year "-12-31"

//  Debt's 2 is under the threshold; loneliness (9), the smallest other
//  cell, goes with it, or the total 24 would give debt's 2 back.
Test (cli_report, csv_keeps_the_disclosure_control)
{
    s_seed (1990);
    char out [8192];
    const char *csv [] = { "report", "social_reporting", S_PERIOD (1990), "--format", "csv", NULL };
    cr_assert_eq (kpt_cli_run ("muni-091", out, sizeof out, csv), 0, "%s", out);
    cr_assert_str_eq (out,
        "theme,area,observations,clients_concerned\r\n"
        "debt,Helsinki,1,..\r\n"          //  the municipality's name, not 091
        "housing,Helsinki,2,13\r\n"
        "loneliness,Helsinki,1,..\r\n"
        "all,all,4,24\r\n");
    //  The default format is CSV.
    const char *plain [] = { "report", "social_reporting", S_PERIOD (1990), NULL };
    char again [8192];
    cr_assert_eq (kpt_cli_run ("muni-091", again, sizeof again, plain), 0, "%s", again);
    cr_assert_str_eq (again, out);
    //  The same table as JSON passes the audit from what the CLI prints:
    //  the two hidden cells are exactly the CSV's two "..".
    const char *json [] = { "report", "social_reporting", S_PERIOD (1990), "--format", "json", NULL };
    cr_assert_eq (kpt_cli_run ("muni-091", again, sizeof again, json), 0, "%s", again);
    cr_assert_eq (s_audit_cli_json (again), 2);
}

Test (cli_report, json_has_null_for_suppressed_cells)
{
    s_seed (1991);
    char out [16384];
    const char *json [] = { "report", "social_reporting", S_PERIOD (1991), "--format", "json", NULL };
    cr_assert_eq (kpt_cli_run ("muni-091", out, sizeof out, json), 0, "%s", out);
    cJSON *report = cJSON_Parse (out);
    cr_assert_not_null (report, "not JSON: %s", out);
    cr_assert_str_eq (cJSON_GetObjectItem (report, "report")->valuestring, "social_reporting");
    cr_assert_eq (cJSON_GetObjectItem (report, "threshold")->valueint, 5);
    cr_assert_eq (cJSON_GetObjectItem (report, "suppressed_cells")->valueint, 2);
    cJSON *rows = cJSON_GetObjectItem (report, "rows");
    cr_assert_eq (cJSON_GetArraySize (rows), 4);
    cJSON *debt = cJSON_GetArrayItem (rows, 0);
    cr_assert_str_eq (cJSON_GetObjectItem (debt, "theme")->valuestring, "debt");
    //  "091" is a code, not a number: it stays a string.
    cr_assert_str_eq (cJSON_GetObjectItem (debt, "area")->valuestring, "091");
    cr_assert (cJSON_IsNull (cJSON_GetObjectItem (debt, "clients_concerned")));
    cJSON *housing = cJSON_GetArrayItem (rows, 1);
    cr_assert_eq (cJSON_GetObjectItem (housing, "clients_concerned")->valueint, 13);
    cr_assert_eq (cJSON_GetObjectItem (cJSON_GetArrayItem (rows, 3), "clients_concerned")->valueint, 24);
    cJSON_Delete (report);
}

//  Chromium headless, as root in a container: no sandbox, no GPU, a
//  private profile, and a proxy that answers nothing (the page fetches
//  nothing; if it tried, it would show).
#define S_CHROMIUM "chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage " \
                   "--proxy-server=127.0.0.1:9 --user-data-dir=\"$PWD/profile\" --enable-logging=stderr --v=0 "

static char *
s_slurp (const char *path)
{
    FILE *file = fopen (path, "rb");
    if (!file)
        return NULL;
    static char text [1 << 21];
    size_t size = fread (text, 1, sizeof text - 1, file);
    text [size] = 0;
    fclose (file);
    return text;
}

//  The disclosure audit of what the CLI printed (--format json), from
//  that output alone: each table rebuilt as a ReportTable (null =
//  suppressed, structural_zeros, relations, unpublished_counts) and
//  audited by the harness (kpt_report_audit), as kpt_call audits every
//  table a suite receives. The CLI is a process of its own, so its
//  tables never pass through kpt_call. Returns the suppressed cells.
static size_t
s_audit_cli_json (const char *json)
{
    cJSON *parsed = cJSON_Parse (json);
    cr_assert_not_null (parsed, "not JSON: %.2000s", json);
    size_t suppressed_total = 0, n_tables = cJSON_IsArray (parsed) ? (size_t) cJSON_GetArraySize (parsed) : 1;
    for (size_t index = 0; index < n_tables; index++) {
        cJSON *report = cJSON_IsArray (parsed) ? cJSON_GetArrayItem (parsed, (int) index) : parsed;
        cJSON *columns = cJSON_GetObjectItem (report, "columns"), *rows = cJSON_GetObjectItem (report, "rows");
        cJSON *relations = cJSON_GetObjectItem (report, "relations");
        cr_assert (columns && rows && relations, "a table without columns, rows or relations");
        Kumppani__V1__ReportTable table = KUMPPANI__V1__REPORT_TABLE__INIT;
        table.report = cJSON_GetObjectItem (report, "report")->valuestring;
        table.threshold = (uint32_t) cJSON_GetObjectItem (report, "threshold")->valueint;
        table.unpublished_counts = (uint32_t) cJSON_GetObjectItem (report, "unpublished_counts")->valueint;
        table.n_columns = (size_t) cJSON_GetArraySize (columns);
        table.n_rows = (size_t) cJSON_GetArraySize (rows);
        table.columns = calloc (table.n_columns + 1, sizeof (char *));
        table.rows = calloc (table.n_rows + 1, sizeof (Kumppani__V1__ReportRow *));
        size_t width = table.n_rows * table.n_columns, suppressed = 0;
        Kumppani__V1__ReportRow *row_store = calloc (table.n_rows + 1, sizeof *row_store);
        Kumppani__V1__ReportCell *cell_store = calloc (width + 1, sizeof *cell_store);
        Kumppani__V1__ReportCell **cell_pointers = calloc (width + 1, sizeof *cell_pointers);
        char (*values) [32] = calloc (width + 1, sizeof *values);
        for (size_t column = 0; column < table.n_columns; column++)
            table.columns [column] = cJSON_GetArrayItem (columns, (int) column)->valuestring;
        for (size_t row = 0; row < table.n_rows; row++) {
            cJSON *object = cJSON_GetArrayItem (rows, (int) row);
            kumppani__v1__report_row__init (&row_store [row]);
            row_store [row].n_cells = table.n_columns;
            row_store [row].cells = &cell_pointers [row * table.n_columns];
            table.rows [row] = &row_store [row];
            for (size_t column = 0; column < table.n_columns; column++) {
                size_t at = row * table.n_columns + column;
                Kumppani__V1__ReportCell *cell = &cell_store [at];
                kumppani__v1__report_cell__init (cell);
                cJSON *value = cJSON_GetObjectItem (object, table.columns [column]);
                cell->suppressed = cJSON_IsNull (value);
                suppressed += cell->suppressed;
                if (cJSON_IsNumber (value) && value->valuedouble == (double) (long long) value->valuedouble)
                    snprintf (values [at], sizeof values [at], "%lld", (long long) value->valuedouble);
                else
                if (cJSON_IsNumber (value))
                    snprintf (values [at], sizeof values [at], "%g", value->valuedouble);
                //  Labels never take part in a relation: their text does not matter here.
                cell->value = values [at];
                cell_pointers [at] = cell;
            }
        }
        cJSON *zero;
        cJSON_ArrayForEach (zero, cJSON_GetObjectItem (report, "structural_zeros")) {
            size_t row = (size_t) cJSON_GetArrayItem (zero, 0)->valueint;
            const char *name = cJSON_GetArrayItem (zero, 1)->valuestring;
            for (size_t column = 0; column < table.n_columns; column++)
                if (strcmp (table.columns [column], name) == 0)
                    cell_store [row * table.n_columns + column].structural_zero = true;
        }
        table.n_relations = (size_t) cJSON_GetArraySize (relations);
        table.relations = calloc (table.n_relations + 1, sizeof (Kumppani__V1__ReportRelation *));
        Kumppani__V1__ReportRelation *relation_store = calloc (table.n_relations + 1, sizeof *relation_store);
        for (size_t relation = 0; relation < table.n_relations; relation++) {
            cJSON *cells = cJSON_GetArrayItem (relations, (int) relation);
            kumppani__v1__report_relation__init (&relation_store [relation]);
            relation_store [relation].n_cells = (size_t) cJSON_GetArraySize (cells);
            relation_store [relation].cells = calloc (relation_store [relation].n_cells + 1, sizeof (uint32_t));
            for (size_t member = 0; member < relation_store [relation].n_cells; member++)
                relation_store [relation].cells [member] = (uint32_t) cJSON_GetArrayItem (cells, (int) member)->valueint;
            table.relations [relation] = &relation_store [relation];
        }
        cr_assert_eq (suppressed, (size_t) cJSON_GetObjectItem (report, "suppressed_cells")->valueint, "%s", table.report);
        const char *failed = kpt_report_audit (&table);
        cr_assert_null (failed, "the CLI's %s: %s", table.report, failed);
        suppressed_total += suppressed;
        for (size_t relation = 0; relation < table.n_relations; relation++)
            free (relation_store [relation].cells);
        free (relation_store);
        free (table.relations);
        free (values);
        free (cell_pointers);
        free (cell_store);
        free (row_store);
        free (table.rows);
        free (table.columns);
    }
    cJSON_Delete (parsed);
    return suppressed_total;
}

//  The output of a shell command into out; its exit status.
static int
s_shell (char *out, size_t size, const char *format, ...)
{
    char command [8192];
    va_list args;
    va_start (args, format);
    vsnprintf (command, sizeof command, format, args);
    va_end (args);
    FILE *pipe = popen (command, "r");
    cr_assert_not_null (pipe, "%s", command);
    size_t used = 0, got;
    while (used + 1 < size && (got = fread (out + used, 1, size - used - 1, pipe)) > 0)
        used += got;
    out [used] = 0;
    return pclose (pipe);
}

//  What the layout script (below) measured in the page at a window
//  width: "width=… tables=… wide=[…] codes=[…] unlabelled=…". The script
//  runs in Chromium after the page's own content is laid out: every
//  table, chart, list and box must lie within the viewport, and the
//  visible text (innerText) must hold no snake_case code.
static const char s_layout_script [] =
    "<script>(function () {\n"
    "  var width = document.documentElement.clientWidth, wide = [];\n"
    "  document.querySelectorAll('table, figure, svg, dl, nav, .explain, h1, h2, p').forEach(function (e, i) {\n"
    "    var r = e.getBoundingClientRect();\n"
    "    if (r.left < -0.5 || r.right > width + 0.5) wide.push(e.tagName + i + ':' + Math.round (r.right));\n"
    "  });\n"
    "  document.querySelectorAll('table').forEach(function (t, i) {\n"
    "    if (t.scrollWidth > t.parentNode.clientWidth + 0.5) wide.push('table' + i + ':' + t.scrollWidth);\n"
    "  });\n"
    "  if (document.documentElement.scrollWidth > width) wide.push('page:' + document.documentElement.scrollWidth);\n"
    "  var codes = document.body.innerText.match(/\\b[a-z0-9]+(_[a-z0-9]+)+\\b/g) || [];\n"
    "  var out = document.createElement('pre');\n"
    "  out.id = 'layout';\n"
    "  out.textContent = 'width=' + width + ' tables=' + document.querySelectorAll('table').length\n"
    "    + ' wide=[' + wide.join(',') + '] codes=[' + codes.join(',') + ']'\n"
    "    + ' unlabelled=' + document.querySelectorAll('.unlabelled').length;\n"
    "  document.body.appendChild(out);\n"
    "})();</script>\n";

//  The page with the layout script before </body>, measured at width px:
//  the script's line into measured.
static void
s_measure (const char *dir, const char *page, int width, char *measured, size_t size)
{
    char probe [512], dom [512], log [512];
    snprintf (probe, sizeof probe, "%s/probe-%d.html", dir, width);
    snprintf (dom, sizeof dom, "%s/dom-%d.html", dir, width);
    snprintf (log, sizeof log, "%s/chromium-%d.log", dir, width);
    char *html = strdup (s_slurp (page));
    char *tail = strstr (html, "</body>");
    cr_assert_not_null (tail);
    *tail = 0;
    FILE *file = fopen (probe, "w");
    cr_assert_not_null (file);
    fprintf (file, "%s%s</body>\n</html>\n", html, s_layout_script);
    fclose (file);
    free (html);
    char out [256];
    int rc = s_shell (out, sizeof out, "cd '%s' && " S_CHROMIUM "--window-size=%d,1000 --dump-dom 'file://%s'"
                      " > '%s' 2> '%s'", dir, width, probe, dom, log);
    cr_assert_eq (rc, 0, "chromium failed: %s", s_slurp (log));
    const char *rendered = s_slurp (dom);
    const char *line = strstr (rendered, "<pre id=\"layout\">");
    cr_assert_not_null (line, "the layout script did not run: %.2000s", rendered);
    line += strlen ("<pre id=\"layout\">");
    size_t length = strcspn (line, "<");
    snprintf (measured, size, "%.*s", (int) length, line);
}

//  The layout holds at width: no element wider than the viewport, no
//  code left in the text, no unlabelled code.
static void
s_assert_layout (const char *dir, const char *page, int width)
{
    char measured [8192], expect [64];
    s_measure (dir, page, width, measured, sizeof measured);
    int seen = 0;
    cr_assert_eq (sscanf (measured, "width=%d", &seen), 1, "%s", measured);
    //  The viewport is the window less any scrollbar.
    cr_assert (seen <= width && seen >= width - 20, "viewport %d at window %d: %s", seen, width, measured);
    cr_assert (strstr (measured, " wide=[] "), "wider than the page at %d px: %s", width, measured);
    cr_assert (strstr (measured, " codes=[] "), "codes left in the text at %d px: %s", width, measured);
    snprintf (expect, sizeof expect, " unlabelled=0");
    cr_assert (strstr (measured, expect), "%s", measured);
    int tables = 0;
    const char *at = strstr (measured, "tables=");
    cr_assert (at && sscanf (at, "tables=%d", &tables) == 1 && tables >= 8, "%s", measured);
}

//  A project of muni-091's over 1992, with targets, and the
//  organisation's registered name; its id into id.
static void
s_project (char *id, size_t size)
{
    cr_assert_eq (kpt_scalar ("WITH u AS (UPDATE kp.organisations SET name = 'Helsingin kaupungin sosiaalipalvelut'"
                              " WHERE org_id = $1 RETURNING 1) SELECT count (*) FROM u", "muni-091"), 1);
    char out [4096];
    const char *body =
        "{\"name\": \"TASOS-koe: talous ja sosiaalinen osallisuus\", \"period_start\": \"1992-01-01\","
        " \"period_end\": \"1993-12-31\", \"municipalities\": [\"091\"], \"planned_participants\": 120,"
        " \"targets\": [{\"code\": \"talousneuvola_processes\", \"description\": \"6-10 talousneuvolaprosessia\","
        " \"min\": 6, \"max\": 10, \"metric\": \"talousneuvola_processes\"},"
        " {\"code\": \"participants\", \"description\": \"120 osallistujaa\", \"min\": 120,"
        " \"metric\": \"participants\"}]}";
    const char *args [] = { "call", "reporting", "define_project", "--role", "coordinator", "--body", body, NULL };
    cr_assert_eq (kpt_cli_run ("muni-091", out, sizeof out, args), 0, "%s", out);
    s_field (out, "project_id", id, size);
}

Test (cli_report, html_page_for_the_funder_in_headless_chromium)
{
    s_seed (1992);
    char project [40];
    s_project (project, sizeof project);
    char dir [] = "/tmp/kp-html.XXXXXX";
    cr_assert_not_null (mkdtemp (dir));
    char page [256], png [256], log [256], out [4096];
    snprintf (page, sizeof page, "%s/report.html", dir);
    snprintf (png, sizeof png, "%s/report.png", dir);
    snprintf (log, sizeof log, "%s/chromium.log", dir);
    //  "all": every report muni-091 may see for the project, targets too
    //  (workload is an organisation's, not a project's: skipped).
    const char *html [] = { "report", "all", S_PERIOD (1992), "--project", project, "--format", "html",
                            "--output", page, NULL };
    cr_assert_eq (kpt_cli_run ("muni-091", out, sizeof out, html), 0, "%s", out);
    const char *text = s_slurp (page);
    cr_assert_not_null (text, "no page written");
    //  Every table on the page passed the audit: the same run as JSON is
    //  audited from the CLI's output (a process of its own: kpt_call never
    //  sees its tables), and the page marks exactly its hidden cells.
    static char json [1 << 20];
    const char *as_json [] = { "report", "all", S_PERIOD (1992), "--project", project, "--format", "json", NULL };
    cr_assert_eq (kpt_cli_run ("muni-091", json, sizeof json, as_json), 0, "%.2000s", json);
    size_t hidden = s_audit_cli_json (json), marked = 0;
    for (const char *at = text; (at = strstr (at, "<td class=\"suppressed\"")); at++)
        marked++;
    cr_assert_gt (hidden, 0);
    cr_assert_eq (marked, hidden, "the page marks %zu cells, the tables hide %zu", marked, hidden);
    //  On top: the project, its owner, areas, period; Finnish by default.
    cr_assert (strstr (text, "<html lang=\"fi\">"), "%.400s", text);
    cr_assert (strstr (text, "<h1>Raportti rahoittajalle</h1>"), "%.2000s", text);
    cr_assert (strstr (text, "<dd>TASOS-koe: talous ja sosiaalinen osallisuus</dd>"), "%.3000s", text);
    cr_assert (strstr (text, "<dd>Helsingin kaupungin sosiaalipalvelut</dd>"), "the owner's name: %.3000s", text);
    cr_assert (strstr (text, "<dd>Helsinki (Helsingin kaupunki)</dd>"), "the area and its organiser: %.3000s", text);
    cr_assert (strstr (text, "<dd>1.1.1992–31.12.1992</dd>"), "the period: %.3000s", text);
    cr_assert (strstr (text, "<dd>1.1.1992–31.12.1993</dd>"), "the project's period: %.3000s", text);
    //  The time it was made, in Helsinki's zone (EET or EEST), Finnish style.
    cr_assert (strstr (text, " klo ") && (strstr (text, "(EET)") || strstr (text, "(EEST)")), "%.3000s", text);
    //  Each report under its Finnish title, with its counting rules.
    static const char *const titles [] = {
        "<h2>Osallistujat (ESR)</h2>", "<h2>Tavoitteet</h2>", "<h2>Ryhmätoiminta</h2>", "<h2>Talousneuvola</h2>",
        "<h2>Yhteydenotot ja määräajat</h2>", "<h2>Sosiaalinen raportointi</h2>", NULL
    };
    for (const char *const *title = titles; *title; title++)
        cr_assert (strstr (text, *title), "no %s", *title);
    cr_assert (strstr (text, "Miten luvut lasketaan"), "no counting rules");
    cr_assert (strstr (text, "Tietosuoja: salatut luvut"), "no explanation of suppression");
    //  Names for the codes: themes, columns, the municipality, targets.
    cr_assert (strstr (text, "<td>Asuminen</td><td>Helsinki</td>"), "%.200s", strstr (text, "r-social_reporting"));
    cr_assert (strstr (text, "<td>Yksinäisyys</td>"));
    cr_assert (strstr (text, "Asiakkaita koskee"), "the column's name");
    cr_assert (strstr (text, "<td>Talousneuvolaprosessit</td>"), "the target's metric by name");
    cr_assert_null (strstr (text, "<td>housing</td>"), "a raw code");
    //  The suppressed cells stay marked; the chart leaves their rows out and says so.
    cr_assert (strstr (text, "<td class=\"suppressed\""), "the suppression marks are gone");
    const char *chart = strstr (text, "Asiakkaita koskee teemoittain ja alueittain");
    cr_assert_not_null (chart, "no chart caption");
    const char *chart_end = strstr (chart, "</figure>");
    cr_assert (chart_end && strstr (chart, "<svg") < chart_end, "no chart");
    const char *note = strstr (chart, "Kaavioon ei ole piirretty salattuja lukuja (..); niitä on 2.");
    cr_assert (note && note < chart_end, "the chart does not say what it left out: %.*s",
               (int) (chart_end - chart), chart);
    //  The one bar drawn is housing's 13; no ".." bars.
    char bar [64];
    snprintf (bar, sizeof bar, ">Asuminen · Helsinki</text>");
    cr_assert (strstr (chart, bar) && strstr (chart, bar) < chart_end);
    cr_assert_null (strstr (chart, ">..</text>"));

    //  Rendered: a screenshot at 1280 px, quiet console.
    char shot [256];
    int rc = s_shell (shot, sizeof shot, "cd '%s' && " S_CHROMIUM "--window-size=1280,2400 --screenshot='%s'"
                      " 'file://%s' > /dev/null 2> '%s'", dir, png, page, log);
    cr_assert_eq (rc, 0, "chromium failed: %s", s_slurp (log));
    FILE *image = fopen (png, "rb");
    cr_assert_not_null (image, "no screenshot");
    unsigned char magic [24] = { 0 };
    cr_assert_eq (fread (magic, 1, 24, image), 24);
    fclose (image);
    cr_assert (memcmp (magic, "\x89PNG\r\n\x1a\n", 8) == 0, "not a PNG");
    unsigned shot_width = (unsigned) magic [16] << 24 | (unsigned) magic [17] << 16 | magic [18] << 8 | magic [19];
    cr_assert_eq (shot_width, 1280, "the screenshot is %u px wide", shot_width);
    struct stat info;
    cr_assert_eq (stat (png, &info), 0);
    cr_assert_gt (info.st_size, 20000, "a blank screenshot? %ld bytes", (long) info.st_size);
    const char *console = s_slurp (log);
    cr_assert_null (strstr (console, "CONSOLE"), "console output: %s", console);
    cr_assert_null (strstr (console, "Uncaught"), "script error: %s", console);
    //  The layout, measured in the browser: at a 1280 px screen and at
    //  A4's printable width (210 mm less the page's 2 × 14 mm margins at
    //  96 px/inch: 688 px; the screen style's padding makes it stricter
    //  than print).
    s_assert_layout (dir, page, 1280);
    s_assert_layout (dir, page, 688);
    if (!getenv ("KPT_KEEP"))
        cr_assert_eq (s_shell (out, sizeof out, "rm -rf '%s'", dir), 0);
    else
        cr_log_info ("page kept in %s", dir);
}

//  A change that breaks the layout fails the measurement: the same page
//  with tables forced to their natural width (no wrapping, no parts'
//  width) is wider than A4. (The check can fail; it is not a tautology.)
Test (cli_report, layout_check_sees_a_table_too_wide)
{
    s_seed (1996);
    char dir [] = "/tmp/kp-wide.XXXXXX";
    cr_assert_not_null (mkdtemp (dir));
    char page [256], out [4096];
    snprintf (page, sizeof page, "%s/report.html", dir);
    const char *html [] = { "report", "social_reporting,workload,referral_sla", S_PERIOD (1996), "--format", "html",
                            "--output", page, NULL };
    cr_assert_eq (kpt_cli_run ("muni-091", out, sizeof out, html), 0, "%s", out);
    //  Break it: no wrapping anywhere, and a wide fixed table.
    char *text = strdup (s_slurp (page));
    FILE *file = fopen (page, "w");
    cr_assert_not_null (file);
    char *style = strstr (text, "</style>");
    cr_assert_not_null (style);
    *style = 0;
    fprintf (file, "%s th, td { white-space: nowrap; overflow-wrap: normal; } table { width: 1500px; }\n</style>%s",
             text, style + strlen ("</style>"));
    fclose (file);
    free (text);
    char measured [8192];
    s_measure (dir, page, 688, measured, sizeof measured);
    cr_assert_null (strstr (measured, " wide=[] "), "the check did not see it: %s", measured);
    cr_assert (strstr (measured, "TABLE"), "%s", measured);
    cr_assert_eq (s_shell (out, sizeof out, "rm -rf '%s'", dir), 0);
}

Test (cli_report, pdf_is_a4_with_its_text)
{
    s_seed (1994);
    char dir [] = "/tmp/kp-pdf.XXXXXX";
    cr_assert_not_null (mkdtemp (dir));
    //  The PDF's text (pdftotext) is read whole: a shorter buffer stops
    //  reading, and pdftotext then dies of SIGPIPE.
    static char out [1 << 18];
    char pdf [256];
    snprintf (pdf, sizeof pdf, "%s/report.pdf", dir);
    const char *args [] = { "report", "all", S_PERIOD (1994), "--format", "pdf", "--output", pdf, NULL };
    cr_assert_eq (kpt_cli_run ("muni-091", out, sizeof out, args), 0, "%s", out);
    //  The tables printed are audited ones: the same run as JSON, audited
    //  from the CLI's output.
    const char *as_json [] = { "report", "all", S_PERIOD (1994), "--format", "json", NULL };
    cr_assert_eq (kpt_cli_run ("muni-091", out, sizeof out, as_json), 0, "%.2000s", out);
    s_audit_cli_json (out);
    //  pdfinfo (poppler-utils): every page A4 (595 × 842 pt).
    cr_assert_eq (s_shell (out, sizeof out, "pdfinfo -f 1 -l 999 '%s'", pdf), 0, "%s", out);
    int pages = 0;
    const char *at = strstr (out, "Pages:");
    cr_assert (at && sscanf (at, "Pages: %d", &pages) == 1 && pages >= 2, "%s", out);
    int sizes = 0;
    for (const char *line = out; (line = strstr (line, "\nPage ")); line++) {
        double width = 0, height = 0;
        const char *size = strstr (line, " size: ");
        if (!size || size > strchr (line + 1, '\n'))
            continue;               //  a page's "rot:" line
        sizes++;
        cr_assert_eq (sscanf (size, " size: %lf x %lf", &width, &height), 2, "%.80s", size);
        //  A4 is 595.28 × 841.89 pt; Chromium rounds to its own units.
        cr_assert (width > 593 && width < 597 && height > 840 && height < 844, "not A4: %.80s", size);
    }
    cr_assert_eq (sizes, pages, "%s", out);
    //  Its text can be extracted: the Finnish titles, names, the explanation.
    cr_assert_eq (s_shell (out, sizeof out, "pdftotext -enc UTF-8 '%s' -", pdf), 0, "%s", out);
    cr_assert (strstr (out, "Raportti rahoittajalle"), "%.2000s", out);
    cr_assert (strstr (out, "Sosiaalinen raportointi"), "%.2000s", out);
    cr_assert (strstr (out, "Asuminen"), "%.2000s", out);
    cr_assert (strstr (out, "Helsinki"), "%.2000s", out);
    cr_assert (strstr (out, "salausraja"), "%.2000s", out);
    cr_assert_null (strstr (out, "clients_concerned"), "a raw code in the PDF");
    //  No word beyond the page's right edge (595 pt): nothing cut off.
    cr_assert_eq (s_shell (out, sizeof out, "pdftotext -bbox '%s' - | "
                           "awk -F'\"' '/<word/ { if ($6 + 0 > 595) n++ } END { print n + 0 }'", pdf), 0);
    cr_assert_str_eq (out, "0\n", "words past the page's edge: %s", out);
    cr_assert_eq (s_shell (out, sizeof out, "rm -rf '%s'", dir), 0);
}

//  Swedish and English on request: the same page in the other languages.
Test (cli_report, page_in_swedish_and_english)
{
    s_seed (1995);
    static char out [1 << 18];
    const char *sv [] = { "report", "social_reporting", S_PERIOD (1995), "--format", "html", "--lang", "sv", NULL };
    cr_assert_eq (kpt_cli_run ("muni-091", out, sizeof out, sv), 0, "%.2000s", out);
    cr_assert (strstr (out, "<html lang=\"sv\">"));
    cr_assert (strstr (out, "<h1>Rapport till finansiären</h1>"));
    cr_assert (strstr (out, "<h2>Social rapportering</h2>"));
    cr_assert (strstr (out, "<td>Boende</td>"), "%.3000s", out);
    cr_assert (strstr (out, "Hur siffrorna räknas"));
    cr_assert (strstr (out, " kl. "));
    const char *en [] = { "report", "social_reporting", S_PERIOD (1995), "--format", "html", "--lang", "en", NULL };
    cr_assert_eq (kpt_cli_run ("muni-091", out, sizeof out, en), 0, "%.2000s", out);
    cr_assert (strstr (out, "<html lang=\"en\">"));
    cr_assert (strstr (out, "<h1>Report for the funder</h1>"));
    cr_assert (strstr (out, "<td>Housing</td>"));
    cr_assert (strstr (out, "<dd>1995-01-01–1995-12-31</dd>"), "%.3000s", out);
    //  A county's page names its municipalities with their organiser, in
    //  Swedish where the registry has it; Kela's is bound to no area.
    const char *county [] = { "report", "social_reporting", S_PERIOD (1995), "--format", "html", "--lang", "sv", NULL };
    cr_assert_eq (kpt_cli_run ("county-ep", out, sizeof out, county), 0, "%.2000s", out);
    cr_assert (strstr (out, "Seinäjoki (Södra Österbottens välfärdsområde)"), "%.3000s", out);
    const char *kela [] = { "report", "referral_sla", S_PERIOD (1995), "--format", "html", NULL };
    cr_assert_eq (kpt_cli_run ("kela", out, sizeof out, kela), 0, "%.2000s", out);
    cr_assert (strstr (out, "<dt>Alueet</dt><dd>Ei aluerajausta</dd>"), "%.3000s", out);
    kpt_cli_merge_stderr = true;
    const char *de [] = { "report", "social_reporting", S_PERIOD (1995), "--format", "html", "--lang", "de", NULL };
    cr_assert_eq (kpt_cli_run ("muni-091", out, sizeof out, de), 2, "%s", out);
    cr_assert (strstr (out, "--lang is fi, sv or en"), "%s", out);
    kpt_cli_merge_stderr = false;
}

//  Migration 0030: the reporting role runs without JIT in this database
//  (the workload report's plan took seconds to compile, past the CLI's
//  timeout, for a query of milliseconds).
Test (cli_report, reporting_runs_without_jit)
{
    cr_assert_eq (kpt_scalar ("SELECT count (*) FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase"
                              " WHERE s.setrole = $1::regrole AND d.datname = current_database ()"
                              " AND 'jit=off' = ANY (s.setconfig)", "reporting"), 1);
}

Test (cli_report, bad_requests_are_refused_with_the_reason)
{
    s_seed (1993);
    char out [8192];
    kpt_cli_merge_stderr = true;
    const char *format [] = { "report", "social_reporting", "--format", "xml", NULL };
    cr_assert_eq (kpt_cli_run ("muni-091", out, sizeof out, format), 2, "%s", out);
    cr_assert (strstr (out, "--format is csv, json, html or pdf"), "%s", out);
    const char *two_csv [] = { "report", "social_reporting,participants", "--format", "csv", NULL };
    cr_assert_eq (kpt_cli_run ("muni-091", out, sizeof out, two_csv), 2, "%s", out);
    //  The service's own refusals: exit 1 with status, code and field.
    const char *unknown [] = { "report", "horoscope", S_PERIOD (1993), NULL };
    cr_assert_eq (kpt_cli_run ("muni-091", out, sizeof out, unknown), 1, "%s", out);
    cr_assert (strstr (out, "STATUS_INVALID"), "%s", out);
    const char *backwards [] = { "report", "social_reporting", "--from", "1990-12-31", "--to", "1990-01-01", NULL };
    cr_assert_eq (kpt_cli_run ("muni-091", out, sizeof out, backwards), 1, "%s", out);
    cr_assert (strstr (out, "STATUS_INVALID"), "%s", out);
    const char *other_area [] = { "report", "social_reporting", S_PERIOD (1993), "--municipality", "743", NULL };
    cr_assert_eq (kpt_cli_run ("muni-091", out, sizeof out, other_area), 1, "%s", out);
    cr_assert (strstr (out, "STATUS_FORBIDDEN"), "%s", out);
    //  Integrators see nothing here: "all" finds nothing it may see.
    const char *all [] = { "report", "all", S_PERIOD (1993), "--format", "json", NULL };
    cr_assert_eq (kpt_cli_run ("integrator-743", out, sizeof out, all), 1, "%s", out);
    cr_assert (strstr (out, "no report this certificate may see"), "%s", out);
    //  Nothing half-written is left behind when the report fails.
    const char *partial [] = { "report", "horoscope", S_PERIOD (1993), "--format", "html", "--output",
                               "/tmp/kp-never.html", NULL };
    cr_assert_eq (kpt_cli_run ("muni-091", out, sizeof out, partial), 1, "%s", out);
    cr_assert_neq (access ("/tmp/kp-never.html", F_OK), 0);
    kpt_cli_merge_stderr = false;
}

//  The value of "key":"…" in a JSON reply, into value.
static void
s_field (const char *json, const char *key, char *value, size_t size)
{
    cJSON *root = cJSON_Parse (json);
    cr_assert_not_null (root, "not JSON: %s", json);
    const cJSON *body = NULL;
    cJSON_ArrayForEach (body, root)
        if (cJSON_IsObject (body) && cJSON_GetObjectItem (body, key))
            break;
    cr_assert_not_null (body, "no %s in %s", key, json);
    snprintf (value, size, "%s", cJSON_GetObjectItem (body, key)->valuestring);
    cJSON_Delete (root);
}

Test (cli_report, client_and_case_shortcuts)
{
    kpt_service_start ("intake", NULL);
    char out [8192], client [40], case_id [40], hetu [16], path [] = "/tmp/kp-client.XXXXXX";
    kpt_hetu (hetu, "240479", '-', 100 + getpid () % 800);
    int fd = mkstemp (path);
    cr_assert (fd >= 0);
    dprintf (fd, "{\"hetu\": \"%s\", \"attributes\": {\"birth_date\": \"1979-04-24\","
             " \"gender\": \"GENDER_WOMAN\", \"language\": \"fi\"}}", hetu);
    close (fd);
    const char *sw [] = { "--person", "sw-1", "--role", "social_worker" };
    const char *reg [] = { "client", "register", "--json", path, sw [0], sw [1], sw [2], sw [3], NULL };
    cr_assert_eq (kpt_cli_run ("muni-743", out, sizeof out, reg), 0, "%s", out);
    s_field (out, "client_id", client, sizeof client);
    //  Found again by henkilötunnus, given as JSON (a file or stdin), never in argv.
    FILE *file = fopen (path, "w");
    cr_assert_not_null (file);
    fprintf (file, "{\"hetu\": \"%s\"}", hetu);
    fclose (file);
    const char *find [] = { "client", "find", "--json", path, sw [0], sw [1], sw [2], sw [3], NULL };
    cr_assert_eq (kpt_cli_run ("muni-743", out, sizeof out, find), 0, "%s", out);
    cr_assert (strstr (out, client), "%s", out);
    unlink (path);
    const char *get [] = { "client", "get", client, sw [0], sw [1], sw [2], sw [3], NULL };
    cr_assert_eq (kpt_cli_run ("muni-743", out, sizeof out, get), 0, "%s", out);
    cr_assert_null (strstr (out, hetu), "the henkilötunnus came back: %s", out);

    const char *open [] = { "case", "open", client, "CASE_CHANNEL_OWN_CONTACT", "--worker", "sw-1", sw [0], sw [1], sw [2], sw [3], NULL };
    cr_assert_eq (kpt_cli_run ("muni-743", out, sizeof out, open), 0, "%s", out);
    s_field (out, "case_id", case_id, sizeof case_id);
    const char *start [] = { "case", "start-assessment", case_id, sw [0], sw [1], sw [2], sw [3], NULL };
    cr_assert_eq (kpt_cli_run ("muni-743", out, sizeof out, start), 0, "%s", out);
    const char *get_case [] = { "case", "get", case_id, sw [0], sw [1], sw [2], sw [3], NULL };
    cr_assert_eq (kpt_cli_run ("muni-743", out, sizeof out, get_case), 0, "%s", out);
    cr_assert (strstr (out, "\"state\":\"assessment_started\""), "the case did not move: %s", out);

    kpt_cli_merge_stderr = true;
    //  Usage errors, before anything is sent: exit 2.
    const char *missing [] = { "case", "get", NULL };
    cr_assert_eq (kpt_cli_run ("muni-743", out, sizeof out, missing), 2, "%s", out);
    cr_assert (strstr (out, "missing case_id"), "%s", out);
    const char *option [] = { "case", "get", case_id, "--colour", "red", NULL };
    cr_assert_eq (kpt_cli_run ("muni-743", out, sizeof out, option), 2, "%s", out);
    cr_assert (strstr (out, "unknown or incomplete option '--colour'"), "%s", out);
    const char *extra [] = { "client", "get", client, "surplus", NULL };
    cr_assert_eq (kpt_cli_run ("muni-743", out, sizeof out, extra), 2, "%s", out);
    const char *no_body [] = { "client", "register", NULL };
    cr_assert_eq (kpt_cli_run ("muni-743", out, sizeof out, no_body), 2, "%s", out);
    const char *verb [] = { "case", "reopen", case_id, NULL };
    cr_assert_eq (kpt_cli_run ("muni-743", out, sizeof out, verb), 2, "%s", out);
    //  Refused by the service: another municipality may not see the case.
    const char *other [] = { "case", "get", case_id, sw [0], sw [1], sw [2], sw [3], NULL };
    int rc = kpt_cli_run ("muni-091", out, sizeof out, other);
    cr_assert_eq (rc, 1, "%s", out);
    cr_assert (strstr (out, "STATUS_FORBIDDEN") || strstr (out, "STATUS_NOT_FOUND"), "%s", out);
    kpt_cli_merge_stderr = false;
}
