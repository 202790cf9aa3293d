/*  cli_verbs: the option parsing of `kumppani referral|client|case|group
    VERB`. The modules are compiled in (unit tests link only libkp) and
    cli_send is replaced by a recorder, so a test sees the body a verb
    would send without a service. Every verb is given all its options at
    once, which walks each option table to its end: with a fixed-size
    table a verb with as many options as slots had no end marker, and
    UBSan stopped `group schedule` there (SANITIZE=1). */
#include "../../cli/cli_args.c"
#include "../../cli/cli_verbs.c"
#include "../../cli/cli_disclosures.c"

#include <criterion/criterion.h>

TestSuite (cli_verbs);

//  What the stand-in cli_send was last given.
static struct {
    int calls;
    char service [32];
    char operation [64];
    cJSON *body;
} s_sent;

int
cli_send (const kp_config_t *config, const char *service, const char *operation,
          const char *body_json, int argc, char **argv, Kumppani__V1__Reply **reply_p)
{
    (void) config; (void) argc; (void) argv; (void) reply_p;
    s_sent.calls++;
    snprintf (s_sent.service, sizeof s_sent.service, "%s", service);
    snprintf (s_sent.operation, sizeof s_sent.operation, "%s", operation);
    cJSON_Delete (s_sent.body);
    s_sent.body = cJSON_Parse (body_json);
    return 0;
}

static void
s_reset (void)
{
    cJSON_Delete (s_sent.body);
    memset (&s_sent, 0, sizeof s_sent);
}

static int
s_run (int argc, char **argv)
{
    s_reset ();
    return cli_verbs (argc, argv, NULL);
}

static size_t
s_option_count (const cli_verb_t *verb)
{
    size_t count = 0;
    for (const cli_option_t *option = verb->options; option && option->flag; option++)
        count++;
    return count;
}

static const cli_verb_t *
s_most_options (void)
{
    const cli_verb_t *most = s_verbs;
    for (const cli_verb_t *verb = s_verbs; verb->noun; verb++)
        if (s_option_count (verb) > s_option_count (most))
            most = verb;
    return most;
}

static const cli_verb_t *
s_verb (const char *noun, const char *name)
{
    for (const cli_verb_t *verb = s_verbs; verb->noun; verb++)
        if (strcmp (verb->noun, noun) == 0 && strcmp (verb->verb, name) == 0)
            return verb;
    return NULL;
}

Test (cli_verbs, case_list_has_the_most_options)
{
    //  The verb with the most options; the generic test below gives it all
    //  of them at once, which walks its table to the end marker.
    const cli_verb_t *most = s_most_options ();
    cr_assert_str_eq (most->noun, "case");
    cr_assert_str_eq (most->verb, "list");
    cr_assert_eq (s_option_count (most), 15);
    char *argv [] = { "case", "list", "--worker", "sw-17", "--due-before", "2026-12-31", "--measurement-missing" };
    cr_assert_eq (s_run (7, argv), 0);
    cr_assert_str_eq (s_sent.operation, "list_cases");
    cr_assert_str_eq (cJSON_GetObjectItem (s_sent.body, "responsible_worker")->valuestring, "sw-17");
    cr_assert_str_eq (cJSON_GetObjectItem (s_sent.body, "due_before")->valuestring, "2026-12-31");
    cr_assert (cJSON_IsTrue (cJSON_GetObjectItem (s_sent.body, "measurement_missing")));
    cr_assert_eq (cJSON_GetArraySize (s_sent.body), 3);
    s_reset ();
}

Test (cli_verbs, group_schedule_takes_all_six_options)
{
    const cli_verb_t *most = s_verb ("group", "schedule");
    cr_assert_not_null (most);
    cr_assert_eq (s_option_count (most), 6);

    char *argv [] = { "group", "schedule", "act-1", "2025-09-01", "--start", "09:00", "--end", "10:30",
                      "--every-weeks", "2", "--until", "2025-12-19", "--count", "8", "--report-conflicts" };
    cr_assert_eq (s_run (15, argv), 0);
    cr_assert_eq (s_sent.calls, 1);
    cr_assert_str_eq (s_sent.service, "groups");
    cr_assert_str_eq (s_sent.operation, "schedule_sessions");
    cJSON *body = s_sent.body;
    cr_assert_not_null (body);
    cr_assert_str_eq (cJSON_GetObjectItem (body, "activity_id")->valuestring, "act-1");
    cr_assert_str_eq (cJSON_GetObjectItem (body, "first_date")->valuestring, "2025-09-01");
    cr_assert_str_eq (cJSON_GetObjectItem (body, "start_time")->valuestring, "09:00");
    cr_assert_str_eq (cJSON_GetObjectItem (body, "end_time")->valuestring, "10:30");
    cr_assert_eq (cJSON_GetObjectItem (body, "every_weeks")->valuedouble, 2);
    cr_assert_str_eq (cJSON_GetObjectItem (body, "until_date")->valuestring, "2025-12-19");
    cr_assert_eq (cJSON_GetObjectItem (body, "count")->valuedouble, 8);
    cr_assert_str_eq (cJSON_GetObjectItem (body, "on_conflict")->valuestring, "CONFLICT_POLICY_REPORT");
    cr_assert_eq (cJSON_GetArraySize (body), 8);
    s_reset ();
}

Test (cli_verbs, group_schedule_refuses_what_it_does_not_know)
{
    char *unknown [] = { "group", "schedule", "act-1", "2025-09-01", "--weekday", "MONDAY" };
    cr_assert_eq (s_run (6, unknown), 2);
    char *not_a_number [] = { "group", "schedule", "act-1", "2025-09-01", "--count", "eight" };
    cr_assert_eq (s_run (6, not_a_number), 2);
    char *no_value [] = { "group", "schedule", "act-1", "2025-09-01", "--until" };
    cr_assert_eq (s_run (5, no_value), 2);
    char *missing [] = { "group", "schedule", "act-1", "--start", "09:00" };
    cr_assert_eq (s_run (5, missing), 2);
    cr_assert_eq (s_sent.calls, 0, "nothing is sent after a usage error");
}

Test (cli_verbs, a_verb_without_options_refuses_one)
{
    char *argv [] = { "client", "get", "client-1", "--state", "OPEN" };
    cr_assert_eq (s_run (5, argv), 2);
    cr_assert_eq (s_sent.calls, 0);
}

//  Every verb with every one of its options (and an unknown one after
//  them): each option lands in its field, the unknown one is refused.
Test (cli_verbs, every_verb_takes_each_of_its_options)
{
    for (const cli_verb_t *verb = s_verbs; verb->noun; verb++) {
        char *argv [48];
        int argc = 0;
        argv [argc++] = (char *) verb->noun;
        argv [argc++] = (char *) verb->verb;
        for (int position = 0; position < 3 && verb->arguments [position]; position++)
            argv [argc++] = (char *) verb->arguments [position];    //  its own name as the value
        if (verb->needs_body) {
            argv [argc++] = "--body";
            argv [argc++] = "{}";
        }
        for (const cli_option_t *option = verb->options; option && option->flag; option++) {
            cr_assert_lt (argc, 46);
            argv [argc++] = (char *) option->flag;
            if (option->kind == CLI_NUMBER)
                argv [argc++] = "7";
            else
            if (option->kind == CLI_TEXT)
                argv [argc++] = (char *) option->field;
        }
        cr_assert_eq (s_run (argc, argv), 0, "%s %s", verb->noun, verb->verb);
        for (const cli_option_t *option = verb->options; option && option->flag; option++) {
            cJSON *field = cJSON_GetObjectItem (s_sent.body, option->field);
            cr_assert_not_null (field, "%s %s %s", verb->noun, verb->verb, option->flag);
            if (option->kind == CLI_NUMBER)
                cr_assert_eq (field->valuedouble, 7, "%s %s %s", verb->noun, verb->verb, option->flag);
            else
            if (option->kind == CLI_TEXT)
                cr_assert_str_eq (field->valuestring, option->field, "%s %s", verb->noun, verb->verb);
        }
        argv [argc++] = "--no-such-option";
        argv [argc++] = "x";
        cr_assert_eq (s_run (argc, argv), 2, "%s %s took an unknown option", verb->noun, verb->verb);
    }
    s_reset ();
}

Test (cli_verbs, placement_evaluate_and_end_build_their_bodies)
{
    char *evaluate [] = { "placement", "evaluate", "pl-1", "interim", "continue", "--self-goals", "4",
                          "--self-daily-rhythm", "3", "--self-work-ability", "3", "--organiser-goals", "4",
                          "--organiser-daily-rhythm", "5", "--organiser-work-ability", "2" };
    cr_assert_eq (s_run (17, evaluate), 0);
    cr_assert_str_eq (s_sent.service, "groups");
    cr_assert_str_eq (s_sent.operation, "record_placement_evaluation");
    cr_assert_str_eq (cJSON_GetObjectItem (s_sent.body, "placement_id")->valuestring, "pl-1");
    cr_assert_str_eq (cJSON_GetObjectItem (s_sent.body, "kind")->valuestring, "interim");
    cr_assert_str_eq (cJSON_GetObjectItem (s_sent.body, "decision")->valuestring, "continue");
    cr_assert_eq (cJSON_GetObjectItem (s_sent.body, "organiser_daily_rhythm")->valuedouble, 5);
    cr_assert_eq (cJSON_GetObjectItem (s_sent.body, "organiser_work_ability")->valuedouble, 2);
    cr_assert_eq (cJSON_GetArraySize (s_sent.body), 9);
    s_reset ();
    char *end [] = { "placement", "end", "pl-1", "2026-06-30", "moved_to_work", "--next", "work" };
    cr_assert_eq (s_run (7, end), 0);
    cr_assert_str_eq (s_sent.operation, "end_placement");
    cr_assert_str_eq (cJSON_GetObjectItem (s_sent.body, "ended_on")->valuestring, "2026-06-30");
    cr_assert_str_eq (cJSON_GetObjectItem (s_sent.body, "reason")->valuestring, "moved_to_work");
    cr_assert_str_eq (cJSON_GetObjectItem (s_sent.body, "next_step")->valuestring, "work");
    s_reset ();
    char *no_score [] = { "placement", "evaluate", "pl-1", "final", "end", "--self-goals", "four" };
    cr_assert_eq (s_run (7, no_score), 2);
    cr_assert_eq (s_sent.calls, 0);
}
