/*  The contract between two services written apart, checked end to end:
    the groups service's own events, through the stream and the reporting
    consumer, become report figures; the operator's rebuild agrees; the
    CLI drives all of it (kumppani group …, kumppani report …). */
#include "harness.h"

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TestSuite (groups_to_reports, .init = kpt_setup, .fini = kpt_teardown, .timeout = 180);

static const char *const s_ngo [] = { "--person", "ngo-w1", "--role", "ngo_worker" };
#define S_AS_NGO s_ngo [0], s_ngo [1], s_ngo [2], s_ngo [3]

//  Runs the CLI for org; the parsed JSON reply (the test fails otherwise).
static cJSON *
s_run_json (const char *org, const char *const *args)
{
    static char out [65536];
    int rc = kpt_cli_run (org, out, sizeof out, args);
    cr_assert_eq (rc, 0, "kumppani %s %s failed: %s", args [0], args [1], out);
    cJSON *json = cJSON_Parse (out);
    cr_assert_not_null (json, "not JSON: %s", out);
    return json;
}

//  The first row of a report table where column has value, or NULL.
static const cJSON *
s_row (const cJSON *table, const char *column, const char *value)
{
    const cJSON *row;
    cJSON_ArrayForEach (row, cJSON_GetObjectItem (table, "rows")) {
        const cJSON *cell = cJSON_GetObjectItem (row, column);
        if (cJSON_IsString (cell) && strcmp (cell->valuestring, value) == 0)
            return row;
    }
    return NULL;
}

static double
s_number (const cJSON *row, const char *column)
{
    const cJSON *cell = cJSON_GetObjectItem (row, column);
    cr_assert (cJSON_IsNumber (cell), "%s is not a published number", column);
    return cell->valuedouble;
}

Test (groups_to_reports, talousneuvola_headcounts_reach_the_reports)
{
    kpt_service_start ("stream", NULL);
    kpt_service_start ("groups", NULL);
    kpt_service_start ("reporting", NULL);

    //  An open talousneuvola series in 743, three Tuesdays of March 2019
    //  (a period no other suite uses), run by the NGO.
    char path [] = "/tmp/kp-activity.XXXXXX";
    int fd = mkstemp (path);
    cr_assert (fd >= 0);
    dprintf (fd, "{\"activity\": {\"kind\": \"talousneuvola\", \"title\": \"Talousneuvola Kirkkotie\","
             " \"municipality\": \"743\", \"venue\": \"Kirkkotie 4\", \"audience\": \"open\","
             " \"closed\": false}}");
    close (fd);
    const char *create [] = { "group", "create", "--json", path, S_AS_NGO, NULL };
    cJSON *reply = s_run_json ("ngo-743", create);
    unlink (path);
    char activity [40];
    snprintf (activity, sizeof activity, "%s", cJSON_GetObjectItem (cJSON_GetObjectItem (cJSON_GetObjectItem (
        reply, "activity"), "activity"), "activity_id")->valuestring);
    cJSON_Delete (reply);

    const char *schedule [] = { "group", "schedule", activity, "2019-03-05", "--start", "10:00", "--end", "12:00",
                                "--every-weeks", "1", "--count", "3", S_AS_NGO, NULL };
    reply = s_run_json ("ngo-743", schedule);
    const cJSON *sessions = cJSON_GetObjectItem (cJSON_GetObjectItem (reply, "session_list"), "sessions");
    cr_assert_eq (cJSON_GetArraySize (sessions), 3);
    //  Visitors 12, 9 and 7; follow-ups agreed 3, 0 and 4.
    const char *counts [] = { "12", "9", "7" }, *follow_ups [] = { "3", "0", "4" };
    for (int index = 0; index < 3; index++) {
        const char *session = cJSON_GetObjectItem (cJSON_GetArrayItem (sessions, index), "session_id")->valuestring;
        const char *headcount [] = { "group", "headcount", session, "--count", counts [index],
                                     "--follow-ups", follow_ups [index], S_AS_NGO, NULL };
        cJSON_Delete (s_run_json ("ngo-743", headcount));
    }
    cJSON_Delete (reply);

    //  The consumer folds the events in as they come: ask until they are in.
    const char *report [] = { "report", "talousneuvola", "--from", "2019-03-01", "--to", "2019-03-31",
                              "--format", "json", "--role", "social_worker", NULL };
    const cJSON *row = NULL;
    cJSON *table = NULL;
    for (int attempt = 0; attempt < 50 && !row; attempt++) {
        cJSON_Delete (table);
        zclock_sleep (attempt ? 200 : 0);
        table = s_run_json ("muni-743", report);
        row = s_row (table, "category", "743");
        if (row && s_number (row, "visits") < 28)
            row = NULL;
    }
    char *last = cJSON_PrintUnformatted (table);
    cr_assert_not_null (row, "the visits never reached the report: %s", last);
    free (last);
    cr_assert_str_eq (cJSON_GetObjectItem (row, "month")->valuestring, "2019-03");
    cr_assert_eq (s_number (row, "sessions_held"), 3);
    cr_assert_eq (s_number (row, "visits"), 28);
    cr_assert_eq (s_number (row, "follow_ups"), 7);
    cJSON_Delete (table);

    //  The groups report counts the same sessions and headcounts.
    const char *groups [] = { "report", "groups", "--from", "2019-03-01", "--to", "2019-03-31",
                              "--format", "json", "--role", "social_worker", NULL };
    table = s_run_json ("muni-743", groups);
    row = NULL;
    const cJSON *candidate;
    cJSON_ArrayForEach (candidate, cJSON_GetObjectItem (table, "rows"))
        if (strcmp (cJSON_GetObjectItem (candidate, "municipality")->valuestring, "743") == 0
        &&  strcmp (cJSON_GetObjectItem (candidate, "activity_kind")->valuestring, "talousneuvola") == 0
        &&  strcmp (cJSON_GetObjectItem (candidate, "month")->valuestring, "2019-03") == 0)
            row = candidate;
    cr_assert_not_null (row, "no talousneuvola row for 743 in March 2019");
    cr_assert_eq (s_number (row, "sessions_held"), 3);
    cr_assert_eq (s_number (row, "headcount"), 28);
    cJSON_Delete (table);

    //  Nothing of the groups service's was set aside as breaking the contract.
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.parked_events WHERE consumer = $1", "reporting.rollups"), 0);

    //  The operator's rebuild from the raw events agrees with the rollups.
    const char *rebuild [] = { "report", "rebuild", NULL };
    cJSON *check = s_run_json ("operator", rebuild);
    const cJSON *tables = cJSON_GetObjectItem (cJSON_GetObjectItem (check, "rollup_check"), "tables");
    cr_assert_gt (cJSON_GetArraySize (tables), 0);
    const cJSON *entry;
    cJSON_ArrayForEach (entry, tables)
        cr_assert_null (cJSON_GetObjectItem (entry, "rows_differing"), "rollup %s differs from its rebuild",
                        cJSON_GetObjectItem (entry, "table")->valuestring);
    cJSON_Delete (check);
}
