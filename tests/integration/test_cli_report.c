/*  `kumppani report`, `client` and `case` against the real services: the
    same table as CSV, JSON and an HTML page that headless Chromium renders
    with its headings, charts and no console errors; the client and case
    shortcuts' happy paths and their refusals. */
#include "harness.h"

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
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

//  Runs Chromium headless on the page: --dump-dom to out, a PNG to png.
//  Returns the exit status; its log (console messages) goes to log_path.
static int
s_chromium (const char *page, const char *png, const char *dom_path, const char *log_path)
{
    char command [4096];
    //  Root in a container: no sandbox; no GPU here; the profile is private.
    snprintf (command, sizeof command,
              "cd \"$(dirname '%s')\" && "
              "chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage "
              "--user-data-dir=\"$PWD/profile\" --enable-logging=stderr --v=0 "
              "--window-size=1200,2400 --screenshot='%s' 'file://%s' > /dev/null 2> '%s' && "
              "chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage "
              "--user-data-dir=\"$PWD/profile\" --enable-logging=stderr --v=0 "
              "--dump-dom 'file://%s' > '%s' 2>> '%s'",
              page, png, page, log_path, page, dom_path, log_path);
    return system (command);
}

static char *
s_slurp (const char *path)
{
    FILE *file = fopen (path, "rb");
    if (!file)
        return NULL;
    static char text [1 << 20];
    size_t size = fread (text, 1, sizeof text - 1, file);
    text [size] = 0;
    fclose (file);
    return text;
}

Test (cli_report, html_renders_in_headless_chromium)
{
    s_seed (1992);
    char dir [] = "/tmp/kp-html.XXXXXX";
    cr_assert_not_null (mkdtemp (dir));
    char page [256], png [256], dom [256], log [256], out [4096];
    snprintf (page, sizeof page, "%s/report.html", dir);
    snprintf (png, sizeof png, "%s/report.png", dir);
    snprintf (dom, sizeof dom, "%s/dom.html", dir);
    snprintf (log, sizeof log, "%s/chromium.log", dir);
    //  "all": every report muni-091 may see; the page gets each one.
    const char *html [] = { "report", "all", S_PERIOD (1992), "--format", "html", "--output", page, NULL };
    cr_assert_eq (kpt_cli_run ("muni-091", out, sizeof out, html), 0, "%s", out);
    struct stat info;
    cr_assert_eq (stat (page, &info), 0, "no page written");

    cr_assert_eq (s_chromium (page, png, dom, log), 0, "chromium failed: %s", s_slurp (log));
    //  A PNG came out, of some size.
    FILE *image = fopen (png, "rb");
    cr_assert_not_null (image, "no screenshot");
    unsigned char magic [8] = { 0 };
    cr_assert_eq (fread (magic, 1, 8, image), 8);
    fclose (image);
    cr_assert (memcmp (magic, "\x89PNG\r\n\x1a\n", 8) == 0, "not a PNG");
    cr_assert_eq (stat (png, &info), 0);
    cr_assert_gt (info.st_size, 10000, "a blank screenshot? %ld bytes", (long) info.st_size);
    //  What the browser built from it: the headings, a chart, the marks.
    const char *rendered = s_slurp (dom);
    cr_assert_not_null (rendered);
    cr_assert (strstr (rendered, "<h1>kumppani reports</h1>"), "%.2000s", rendered);
    cr_assert (strstr (rendered, "<h2>Social reporting (sosiaalinen raportointi)</h2>"), "%.2000s", rendered);
    cr_assert (strstr (rendered, "<h2>Participants (ESF)</h2>"), "%.2000s", rendered);
    cr_assert (strstr (rendered, "<h2>Referral SLA</h2>"), "%.2000s", rendered);
    cr_assert (strstr (rendered, "<svg"), "no chart");
    cr_assert (strstr (rendered, "Clients concerned by theme and area"), "no chart caption");
    cr_assert (strstr (rendered, "<td class=\"suppressed\""), "the suppression marks are gone");
    cr_assert (strstr (rendered, "<td>Helsinki</td>"), "the municipality's name, not its code");
    //  No script errors: the page has no script, and the console is quiet.
    const char *console = s_slurp (log);
    cr_assert_null (strstr (console, "CONSOLE"), "console output: %s", console);
    cr_assert_null (strstr (console, "Uncaught"), "script error: %s", console);
    char command [300];
    snprintf (command, sizeof command, "rm -rf '%s'", dir);
    cr_assert_eq (system (command), 0);
}

Test (cli_report, bad_requests_are_refused_with_the_reason)
{
    s_seed (1993);
    char out [8192];
    kpt_cli_merge_stderr = true;
    const char *format [] = { "report", "social_reporting", "--format", "pdf", NULL };
    cr_assert_eq (kpt_cli_run ("muni-091", out, sizeof out, format), 2, "%s", out);
    cr_assert (strstr (out, "--format is csv, json or html"), "%s", out);
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
