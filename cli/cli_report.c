/*  kumppani report NAME … — runs reports on the reporting service and
    writes them as CSV, JSON, one HTML page or that page as PDF; kumppani report rebuild asks
    it to recompute its rollups and compare. The tables arrive already
    through disclosure control: the writers only keep the marks. */
#include "cli.h"
#include "cli_report.h"
#include "kp_codec.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

//  The reports, in the order "all" runs them.
static const char *s_reports [] = {
    "participants", "targets", "groups", "placements", "feedback", "talousneuvola", "referral_sla",
    "referral_partner_sla", "outcomes", "social_reporting", "workload", "esf_participants", "esf_results", NULL
};

#define S_MAX_TABLES 16

static int
s_usage (FILE *out)
{
    fprintf (out,
        "usage: kumppani report NAME[,NAME…]|all [--from YYYY-MM-DD] [--to YYYY-MM-DD]\n"
        "                       [--project ID] [--municipality CODE] [--threshold N]\n"
        "                       [--format csv|json|html|pdf] [--lang fi|sv|en] [--output FILE]\n"
        "       kumppani report rebuild [--json FILE]   (operator: recompute the rollups, compare)\n"
        "Reports: participants, targets, groups, placements, feedback, talousneuvola, referral_sla,\n"
        "referral_partner_sla, outcomes, social_reporting, workload, esf_participants, esf_results.\n"
        "The period defaults to this year up to today. Counts of fewer\n"
        "people than the threshold (default 5, never below 3) are suppressed: \"..\" in CSV\n"
        "and HTML, null in JSON; a structural zero (0 by construction) is \"-\" in CSV and\n"
        "HTML, 0 in JSON (listed in structural_zeros). csv takes one report; json and html\n"
        "take several (\"all\" runs every report you may see and skips the ones you may not).\n"
        "html is one page for the funder (pdf: the same page printed by headless Chromium,\n"
        "A4), in Finnish unless --lang says sv or en.\n");
    return out == stdout ? 0 : 2;
}

//  The RunReport body for one report.
static char *
s_body (const char *report, int argc, char **argv)
{
    char today [11], year_start [11];
    time_t now = time (NULL);
    struct tm local;
    localtime_r (&now, &local);
    strftime (today, sizeof today, "%Y-%m-%d", &local);
    snprintf (year_start, sizeof year_start, "%.4s-01-01", today);
    const char *from = cli_option (argc, argv, "--from");
    const char *to = cli_option (argc, argv, "--to");
    const char *project = cli_option (argc, argv, "--project");
    const char *municipality = cli_option (argc, argv, "--municipality");
    const char *threshold = cli_option (argc, argv, "--threshold");
    cJSON *body = cJSON_CreateObject ();
    cJSON_AddStringToObject (body, "report", report);
    cJSON_AddStringToObject (body, "period_start", from ? from : year_start);
    cJSON_AddStringToObject (body, "period_end", to ? to : today);
    if (project)
        cJSON_AddStringToObject (body, "project_id", project);
    if (municipality)
        cJSON_AddStringToObject (body, "municipality", municipality);
    if (threshold)
        cJSON_AddNumberToObject (body, "threshold", atoi (threshold));
    char *text = cJSON_PrintUnformatted (body);
    cJSON_Delete (body);
    return text;
}

//  Runs one report; 0 with *table set, or the exit status of the failure.
static int
s_run (const kp_config_t *config, const char *report, int argc, char **argv,
       Kumppani__V1__Reply **reply_p)
{
    char *body = s_body (report, argc, argv);
    int rc = cli_send (config, "reporting", "run_report", body, argc, argv, reply_p);
    free (body);
    if (rc == 0 && (*reply_p)->body_case != KUMPPANI__V1__REPLY__BODY_REPORT_TABLE) {
        fprintf (stderr, "kumppani report: the reply to %s carries no table\n", report);
        kp_codec_reply_free (reply_p);
        rc = 3;
    }
    return rc;
}

static int
s_write (const char *format, cli_lang_t lang, const char *path, Kumppani__V1__ReportTable *const *tables,
         size_t count)
{
    //  Into a temporary file renamed at the end: a reader never sees half a report.
    char temporary [4096];
    FILE *out = stdout;
    if (path) {
        snprintf (temporary, sizeof temporary, "%s.partial", path);
        out = fopen (temporary, "w");
        if (!out) {
            fprintf (stderr, "kumppani report: cannot write %s\n", temporary);
            return 3;
        }
    }
    int rc = strcmp (format, "csv") == 0 ? cli_report_write_csv (out, tables [0])
           : strcmp (format, "json") == 0 ? cli_report_write_json (out, tables, count)
           : strcmp (format, "pdf") == 0 ? cli_report_write_pdf (out, tables, count, lang)
           : cli_report_write_html (out, tables, count, lang);
    if (path) {
        rc |= fclose (out);
        if (rc == 0 && rename (temporary, path))
            rc = -1;
        if (rc)
            remove (temporary);
    }
    else
        fflush (stdout);
    if (rc)
        fprintf (stderr, "kumppani report: writing the report failed\n");
    return rc ? 3 : 0;
}

static int
s_rebuild (int argc, char **argv, const kp_config_t *config)
{
    char *body;
    if (cli_body (argc, argv, &body))
        return 2;
    int rc = cli_send (config, "reporting", "rebuild_rollups", body, argc, argv, NULL);
    free (body);
    return rc;
}

int
cli_report (int argc, char **argv, const kp_config_t *config)
{
    if (argc < 2 || argv [1][0] == '-' || cli_flag (argc, argv, "--help"))
        return s_usage (argc < 2 || argv [1][0] == '-' ? stderr : stdout);
    if (strcmp (argv [1], "rebuild") == 0)
        return s_rebuild (argc - 1, argv + 1, config);
    const char *format = cli_option (argc, argv, "--format");
    format = format ? format : "csv";
    if (strcmp (format, "csv") && strcmp (format, "json") && strcmp (format, "html") && strcmp (format, "pdf")) {
        fprintf (stderr, "kumppani report: --format is csv, json, html or pdf, not '%s'\n", format);
        return 2;
    }
    const char *lang_name = cli_option (argc, argv, "--lang");
    cli_lang_t lang = CLI_LANG_FI;
    if (lang_name && !cli_lang_parse (lang_name, &lang)) {
        fprintf (stderr, "kumppani report: --lang is fi, sv or en, not '%s'\n", lang_name);
        return 2;
    }
    //  The names asked for; "all" is every report, refusals skipped.
    bool all = strcmp (argv [1], "all") == 0;
    char names [512];
    snprintf (names, sizeof names, "%s", argv [1]);
    const char *wanted [S_MAX_TABLES];
    size_t n_wanted = 0;
    if (all)
        for (; s_reports [n_wanted]; n_wanted++)
            wanted [n_wanted] = s_reports [n_wanted];
    else
        for (char *saved, *name = strtok_r (names, ",", &saved); name && n_wanted < S_MAX_TABLES;
             name = strtok_r (NULL, ",", &saved))
            wanted [n_wanted++] = name;
    if (n_wanted == 0 || (n_wanted > 1 && strcmp (format, "csv") == 0)) {
        fprintf (stderr, "kumppani report: csv takes exactly one report (use json, html or pdf for several)\n");
        return 2;
    }
    Kumppani__V1__Reply *replies [S_MAX_TABLES];
    Kumppani__V1__ReportTable *tables [S_MAX_TABLES];
    size_t count = 0;
    int rc = 0;
    for (size_t index = 0; index < n_wanted; index++) {
        Kumppani__V1__Reply *reply = NULL;
        int status = s_run (config, wanted [index], argc, argv, &reply);
        if (status == 0) {
            replies [count] = reply;
            tables [count++] = reply->report_table;
        }
        else
        if (all && status == 1)
            fprintf (stderr, "kumppani report: skipped %s\n", wanted [index]);
        else {
            rc = status;
            break;
        }
    }
    if (rc == 0 && count == 0) {
        fprintf (stderr, "kumppani report: no report this certificate may see\n");
        rc = 1;
    }
    if (rc == 0)
        rc = s_write (format, lang, cli_option (argc, argv, "--output"), tables, count);
    for (size_t index = 0; index < count; index++)
        kp_codec_reply_free (&replies [index]);
    return rc;
}
