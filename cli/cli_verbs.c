/*  kumppani referral|client|case|group VERB … — the everyday operations by
    name. Each verb is one row: the operation it sends, the body fields its
    positional arguments and options fill. A --json FILE (or - for stdin)
    body is the starting point and arguments are set on top, so anything
    the shortcuts lack can still be given. A henkilötunnus is never an
    argument (it would show in ps and in shell history): it goes in the
    JSON body, e.g. `kumppani client find --json -`. */
#include "cli.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { CLI_TEXT, CLI_NUMBER, CLI_SWITCH } cli_kind_t;

typedef struct {
    const char *flag;
    const char *field;
    cli_kind_t kind;                //  a switch takes no value: it sets true
} cli_option_t;

typedef struct {
    const char *noun;
    const char *verb;
    const char *service;
    const char *operation;
    const char *arguments [3];      //  positional arguments → body fields
    const cli_option_t *options;    //  CLI_OPTIONS (…) or NULL: none
    bool needs_body;                //  the rest of the body from --json
    const char *help;
    const char *fixed;              //  JSON fields the verb always sets
} cli_verb_t;

//  A verb's options: a static array the macro ends with the { NULL } entry
//  the parser stops at, so a verb can have any number of them. (A fixed
//  options [6] had no room for it once a verb had six, and the scan ran
//  past the array.)
#define CLI_OPTIONS(...) ((const cli_option_t []) { __VA_ARGS__, { NULL } })

static const cli_verb_t s_verbs [] = {
    { "referral", "submit", "referral", "submit_referral", { NULL }, NULL, true,
      "a SubmitReferral body (--json FILE|-)" },
    { "referral", "get", "referral", "get_referral", { "referral_id" }, NULL, false,
      "REFERRAL_ID" },
    { "referral", "list", "referral", "list_referrals", { NULL },
      CLI_OPTIONS ({ "--state", "state" }, { "--municipality", "municipality" }, { "--deadline", "deadline_state" },
        { "--page-size", "page_size", CLI_NUMBER }, { "--cursor", "cursor" }), false,
      "[--state S] [--municipality CODE] [--deadline D] [--page-size N] [--cursor C]" },
    { "referral", "ack", "referral", "acknowledge_referral", { "referral_id" },
      CLI_OPTIONS ({ "--note", "note" }), false, "REFERRAL_ID [--note TEXT]" },
    { "referral", "status", "referral", "update_referral_status", { "referral_id", "status" },
      CLI_OPTIONS ({ "--reason", "reason_code" }, { "--note", "note" }), false,
      "REFERRAL_ID STATE [--reason CODE] [--note TEXT]   (STATE e.g. REFERRAL_STATE_CLIENT_CONTACTED)" },
    { "referral", "request-statement", "referral", "request_statement", { "referral_id", "due_on" },
      CLI_OPTIONS ({ "--note", "note" }), false, "REFERRAL_ID YYYY-MM-DD [--note TEXT]   (Kela)" },
    //  A message is client data: never an argument (ps, shell history).
    { "referral", "message", "referral", "post_referral_message", { "referral_id" }, NULL, true,
      "REFERRAL_ID --json FILE|-   with {\"text\": \"…\"}" },
    { "referral", "messages", "referral", "list_referral_messages", { "referral_id" },
      CLI_OPTIONS ({ "--page-size", "page_size", CLI_NUMBER }, { "--cursor", "cursor" }), false,
      "REFERRAL_ID [--page-size N] [--cursor C]" },
    { "referral", "cancel", "referral", "cancel_referral", { "referral_id", "reason_code" },
      CLI_OPTIONS ({ "--note", "note" }), false, "REFERRAL_ID REASON_CODE [--note TEXT]   (the sender)" },
    { "referral", "hold", "referral", "hold_referral", { "referral_id", "reason_code" },
      CLI_OPTIONS ({ "--note", "note" }), false, "REFERRAL_ID REASON_CODE [--note TEXT]" },
    { "referral", "resume", "referral", "resume_referral", { "referral_id" },
      CLI_OPTIONS ({ "--note", "note" }), false, "REFERRAL_ID [--note TEXT]" },
    { "referral", "forward", "referral", "forward_referral", { "referral_id", "recipient_org", "recipient_type" },
      CLI_OPTIONS ({ "--reason", "reason_code" }, { "--municipality", "municipality" },
        { "--consent", "consent_ref" }, { "--note", "note" }), false,
      "REFERRAL_ID ORG TYPE --reason CODE [--municipality CODE] [--consent REF] [--note TEXT]" },

    { "client", "register", "intake", "register_client", { NULL }, NULL, true,
      "a RegisterClient body (--json FILE|-; the henkilötunnus goes there)" },
    { "client", "get", "intake", "get_client", { "client_id" }, NULL, false, "CLIENT_ID" },
    { "client", "find", "intake", "find_client_by_hetu", { NULL }, NULL, true,
      "--json -   with {\"hetu\": \"…\"} on stdin" },
    { "client", "update", "intake", "update_client", { "client_id" }, NULL, true,
      "CLIENT_ID --json FILE   (an UpdateClient body)" },
    { "client", "consents", "intake", "list_consents", { "client_id" }, NULL, false,
      "CLIENT_ID" },
    { "client", "consent", "intake", "record_consent", { "client_id", "counterparty_org" },
      CLI_OPTIONS ({ "--scope", "scope" }, { "--given", "given_at" }), false,
      "CLIENT_ID ORG [--scope SCOPE] [--given YYYY-MM-DD]" },

    { "case", "open", "intake", "open_case", { "client_id", "channel" },
      CLI_OPTIONS ({ "--worker", "responsible_worker" }), false,
      "CLIENT_ID CHANNEL [--worker ID]   (CHANNEL e.g. CASE_CHANNEL_OWN_CONTACT)" },
    { "case", "get", "intake", "get_case", { "case_id" }, NULL, false, "CASE_ID" },
    { "case", "list", "intake", "list_cases", { NULL },
      CLI_OPTIONS ({ "--worker", "responsible_worker" }, { "--state", "state" }, { "--channel", "channel" },
        { "--client", "client_id" }, { "--opened-from", "opened_from" }, { "--opened-to", "opened_to" },
        { "--closed-from", "closed_from" }, { "--closed-to", "closed_to" },
        { "--review-due-before", "review_due_before" }, { "--contact-due-before", "contact_due_before" },
        { "--due-before", "due_before" }, { "--clock", "clock_state" },
        { "--measurement-missing", "measurement_missing", CLI_SWITCH },
        { "--page-size", "page_size", CLI_NUMBER }, { "--cursor", "cursor" }), false,
      "[--worker ID] [--state S] [--channel C] [--client ID] [--opened-from D] [--opened-to D]\n"
      "        [--closed-from D] [--closed-to D] [--review-due-before D] [--contact-due-before D]\n"
      "        [--due-before D] [--clock CLOCK_STATE_OVERDUE] [--measurement-missing] [--page-size N] [--cursor C]" },
    { "case", "find", "intake", "find_case", { "referral_id" }, NULL, false, "REFERRAL_ID" },
    { "case", "reassign", "intake", "reassign_case", { "case_id", "responsible_worker", "reason" }, NULL, false,
      "CASE_ID WORKER REASON   (REASON e.g. REASSIGN_REASON_ABSENCE)" },
    { "case", "contact", "intake", "record_contact", { "case_id", "kind", "contact_date" },
      NULL, false,
      "CASE_ID KIND YYYY-MM-DD [--json FILE]   (KIND e.g. CONTACT_KIND_HOME_VISIT; participants in the JSON)" },
    { "case", "end-measure", "intake", "end_measure", { "case_id", "measure_id", "status" },
      CLI_OPTIONS ({ "--outcome", "outcome" }, { "--ended", "ended_at" }), false,
      "CASE_ID MEASURE_ID MEASURE_STATUS_ENDED [--outcome MEASURE_OUTCOME_ACHIEVED] [--ended YYYY-MM-DD]" },
    { "case", "start-assessment", "intake", "start_assessment", { "case_id" }, NULL, false,
      "CASE_ID" },
    { "case", "complete-assessment", "intake", "complete_assessment", { "case_id" }, NULL,
      true, "CASE_ID --json FILE   (survey entries and summary)" },
    { "case", "plan", "intake", "make_plan", { "case_id" }, NULL, true,
      "CASE_ID --json FILE   ({\"plan\": {…}}, the asiakassuunnitelma)" },
    { "case", "review", "intake", "review_plan", { "case_id" }, NULL, true,
      "CASE_ID --json FILE   ({\"plan\": {…}, \"evaluation\": …})" },
    { "case", "close", "intake", "close_case", { "case_id", "reason" },
      CLI_OPTIONS ({ "--evaluation", "final_evaluation" }), false,
      "CASE_ID REASON [--evaluation TEXT]   (REASON e.g. CLOSURE_REASON_GOALS_REACHED)" },
    { "case", "exit-result", "intake", "record_exit_result", { "case_id" }, NULL, true,
      "CASE_ID --json FILE   ({\"result\": {\"status\": \"ESF_RESULT_STATUS_KNOWN\",\n"
      "        \"employment\": \"ESF_EMPLOYMENT_NONE\", \"job_searching\": true, \"observed_on\": …}}, ESF+ upon leaving)" },
    { "case", "longer-term-result", "intake", "record_longer_term_result", { "case_id" }, NULL, true,
      "CASE_ID --json FILE   (the same, six to nine months after the case closed; \"improved_situation\")" },
    { "case", "outcome", "intake", "get_outcome_change", { "case_id" },
      CLI_OPTIONS ({ "--measure", "measure_id" }, { "--instrument", "instrument" }), false,
      "CASE_ID [--measure ID] [--instrument avain|kykyviisari]" },

    { "group", "create", "groups", "create_activity", { NULL }, NULL, true,
      "--json FILE   ({\"activity\": {\"kind\": …, \"title\": …, \"capacity\": …}})" },
    { "group", "get", "groups", "get_activity", { "activity_id" }, NULL, false, "ACTIVITY_ID" },
    { "group", "update", "groups", "update_activity", { "activity_id" }, NULL, true,
      "ACTIVITY_ID --json FILE   ({\"activity\": {…}}, the whole new description)" },
    { "group", "schedule", "groups", "schedule_sessions", { "activity_id", "first_date" },
      CLI_OPTIONS ({ "--start", "start_time" }, { "--end", "end_time" }, { "--every-weeks", "every_weeks", CLI_NUMBER },
        { "--until", "until_date" }, { "--count", "count", CLI_NUMBER }, { "--report-conflicts", "on_conflict", CLI_SWITCH }),
      false, "ACTIVITY_ID FIRST_DATE --start HH:MM --end HH:MM [--every-weeks N] [--until DATE|--count N]\n"
             "                               [--report-conflicts]   (weekdays, holidays: --json)" },
    { "group", "sessions", "groups", "list_sessions", { "activity_id" },
      CLI_OPTIONS ({ "--from", "from_date" }, { "--to", "to_date" }, { "--cancelled", "include_cancelled", CLI_SWITCH }),
      false, "ACTIVITY_ID [--from DATE] [--to DATE] [--cancelled]" },
    { "group", "cancel", "groups", "change_session", { "session_id" },
      CLI_OPTIONS ({ "--rest-of-series", "rest_of_series", CLI_SWITCH }), false,
      "SESSION_ID [--rest-of-series]", "{\"change\": \"SESSION_CHANGE_CANCEL\"}" },
    { "group", "move", "groups", "change_session", { "session_id", "new_date" },
      CLI_OPTIONS ({ "--start", "start_time" }, { "--end", "end_time" }, { "--rest-of-series", "rest_of_series", CLI_SWITCH }),
      false, "SESSION_ID NEW_DATE [--start HH:MM] [--end HH:MM] [--rest-of-series]",
      "{\"change\": \"SESSION_CHANGE_MOVE\"}" },
    { "group", "enrol", "groups", "enrol", { "activity_id", "client_id" },
      CLI_OPTIONS ({ "--name", "display_name" }), false,
      "ACTIVITY_ID CLIENT_ID [--name FIRST_NAME_OR_PSEUDONYM]" },
    { "group", "withdraw", "groups", "withdraw_enrolment", { "activity_id", "client_id" }, NULL,
      false, "ACTIVITY_ID CLIENT_ID" },
    { "group", "attend", "groups", "record_attendance", { "session_id", "client_id", "attendance" },
      CLI_OPTIONS ({ "--minutes", "minutes", CLI_NUMBER }), false,
      "SESSION_ID CLIENT_ID present|absent|excused [--minutes N]" },
    { "group", "headcount", "groups", "record_headcount", { "session_id" },
      CLI_OPTIONS ({ "--count", "headcount", CLI_NUMBER }, { "--follow-ups", "follow_ups", CLI_NUMBER }), false,
      "SESSION_ID --count N [--follow-ups N]   (topic tallies: --json)" },
    { "group", "participation", "groups", "get_participation", { "client_id" }, NULL, false,
      "CLIENT_ID   (your own clients' groups)" },
    { "group", "follow-up", "groups", "record_group_follow_up", { "activity_id", "client_id", "next_step" },
      CLI_OPTIONS ({ "--referral", "referral_id" }, { "--follow-up", "follow_up_date" }), false,
      "ACTIVITY_ID CLIENT_ID NEXT_STEP [--referral REFERRAL_ID] [--follow-up DATE]" },
    { "group", "feedback", "groups", "record_group_feedback", { "activity_id" },
      CLI_OPTIONS ({ "--session", "session_id" }, { "--overall", "overall", CLI_NUMBER },
        { "--social", "social", CLI_NUMBER }, { "--variety", "variety", CLI_NUMBER },
        { "--usefulness", "usefulness", CLI_NUMBER }), false,
      "ACTIVITY_ID [--session SESSION_ID] --overall 1-5 --social 1-5 --variety 1-5 --usefulness 1-5" },

    //  Rehabilitative work activity: the municipality places, plans and
    //  ends; the organiser agrees, keeps the days and evaluates.
    { "placement", "create", "groups", "create_placement", { NULL }, NULL, true,
      "--json FILE   ({\"client_id\": …, \"organiser_org\": …, \"days_per_week\": 3, …})" },
    { "placement", "plan", "groups", "record_activation_plan", { "placement_id" }, NULL, true,
      "PLACEMENT_ID --json FILE   ({\"te_office_org\": …, \"goals\": [\"daily_rhythm\"], \"days_per_week\": 3,\n"
      "                               \"hours_per_day\": 6, \"valid_until\": DATE})" },
    { "placement", "agree", "groups", "record_agreement", { "placement_id" }, NULL, true,
      "PLACEMENT_ID --json FILE   ({\"tasks\": …, \"weekdays\": [1, 3, 5], \"hours_per_day\": 6,\n"
      "                               \"start_date\": DATE, \"end_date\": DATE})" },
    { "placement", "day", "groups", "record_placement_day", { "placement_id", "date" },
      CLI_OPTIONS ({ "--minutes", "minutes", CLI_NUMBER }), false, "PLACEMENT_ID DATE --minutes N" },
    { "placement", "evaluate", "groups", "record_placement_evaluation", { "placement_id", "kind", "decision" },
      CLI_OPTIONS ({ "--self-goals", "self_goals", CLI_NUMBER },
        { "--self-daily-rhythm", "self_daily_rhythm", CLI_NUMBER },
        { "--self-work-ability", "self_work_ability", CLI_NUMBER },
        { "--organiser-goals", "organiser_goals", CLI_NUMBER },
        { "--organiser-daily-rhythm", "organiser_daily_rhythm", CLI_NUMBER },
        { "--organiser-work-ability", "organiser_work_ability", CLI_NUMBER }), false,
      "PLACEMENT_ID interim|final continue|change|end --self-goals 1-5 --self-daily-rhythm 1-5\n"
      "                               --self-work-ability 1-5 --organiser-goals 1-5 --organiser-daily-rhythm 1-5\n"
      "                               --organiser-work-ability 1-5" },
    { "placement", "end", "groups", "end_placement", { "placement_id", "ended_on", "reason" },
      CLI_OPTIONS ({ "--next", "next_step" }, { "--referral", "referral_id" }, { "--follow-up", "follow_up_date" }),
      false, "PLACEMENT_ID ENDED_ON REASON --next STEP [--referral REFERRAL_ID] [--follow-up DATE]" },

    //  Participants without a case: the organiser's own records. The
    //  attributes are client data, so only through --json.
    { "participant", "create", "groups", "create_pseudonymous_participant", { NULL }, NULL, true,
      "--json FILE   ({\"participant\": {\"reference\": …, \"municipality\": \"743\", \"birth_year\": 1990,\n"
      "                               \"consent_given_on\": DATE, \"consent_purpose\": \"esf_reporting\", …}})" },
    { "participant", "get", "groups", "get_pseudonymous_participant", { "participant_id" }, NULL, false,
      "PARTICIPANT_ID" },
    { "participant", "withdraw-consent", "groups", "withdraw_participant_consent", { "participant_id", "withdrawn_on" },
      NULL, false, "PARTICIPANT_ID DATE" },
    { "participant", "link", "groups", "link_participant_to_client", { "participant_id", "client_id" }, NULL, false,
      "PARTICIPANT_ID CLIENT_ID   (the person is now intake's client: counted once, as the client)" },
    { "participant", "measure", "groups", "record_participant_measurement",
      { "participant_id", "activity_id", "timepoint" }, CLI_OPTIONS ({ "--instrument", "instrument" }), true,
      "PARTICIPANT_ID ACTIVITY_ID TIMEPOINT_START|TIMEPOINT_END --instrument avain|kykyviisari --json FILE\n"
      "                               ({\"scores\": [{\"item_code\": \"goals\", \"score\": 2}, …]})" },
    { NULL }
};

static int
s_usage (const char *noun, FILE *out)
{
    for (const cli_verb_t *verb = s_verbs; verb->noun; verb++)
        if (strcmp (verb->noun, noun) == 0)
            fprintf (out, "%s kumppani %s %s %s\n", verb == s_verbs || strcmp (verb [-1].noun, noun)
                     ? "usage:" : "      ", noun, verb->verb, verb->help);
    if (strcmp (noun, "client") == 0)
        fprintf (out, "       kumppani client disclosures CLIENT_ID [--format csv|json] [--output FILE]\n");
    fprintf (out, "Common options: --person ID --role ROLE --key IDEMPOTENCY_KEY (see `kumppani call --help`).\n"
                  "The reply is printed as JSON; exit 0 OK, 1 refused, 2 usage, 3 no answer.\n");
    return out == stdout ? 0 : 2;
}

//  The option flags every verb accepts besides its own.
static bool
s_is_common_flag (const char *arg)
{
    return strcmp (arg, "--json") == 0 || strcmp (arg, "--body") == 0 || strcmp (arg, "--person") == 0
        || strcmp (arg, "--role") == 0 || strcmp (arg, "--key") == 0;
}

//  The body: --json/--body as the start, the verb's arguments on top.
//  NULL (with a message) when something is missing or malformed.
static char *
s_build_body (const cli_verb_t *verb, int argc, char **argv)
{
    char *given;
    if (cli_body (argc, argv, &given))
        return NULL;
    if (verb->needs_body && !given) {
        fprintf (stderr, "kumppani %s %s: give the body with --json FILE (or - for stdin)\n",
                 verb->noun, verb->verb);
        return NULL;
    }
    cJSON *body = given ? cJSON_Parse (given) : cJSON_CreateObject ();
    free (given);
    if (!cJSON_IsObject (body)) {
        fprintf (stderr, "kumppani %s %s: the body is not a JSON object\n", verb->noun, verb->verb);
        cJSON_Delete (body);
        return NULL;
    }
    cJSON *fixed = verb->fixed ? cJSON_Parse (verb->fixed) : NULL;
    for (cJSON *field = fixed ? fixed->child : NULL; field; field = field->next) {
        cJSON_DeleteItemFromObject (body, field->string);
        cJSON_AddItemToObject (body, field->string, cJSON_Duplicate (field, true));
    }
    cJSON_Delete (fixed);
    //  argv [0] is the verb; positional arguments are what is not an option.
    int position = 0;
    for (int index = 1; index < argc; index++) {
        const char *arg = argv [index];
        if (strncmp (arg, "--", 2) == 0) {
            const cli_option_t *option = NULL;
            for (const cli_option_t *known = verb->options; known && known->flag; known++)
                if (strcmp (known->flag, arg) == 0)
                    option = known;
            if (option && option->kind == CLI_SWITCH) {
                cJSON_DeleteItemFromObject (body, option->field);
                //  on_conflict is an enum: its switch picks the non-default value.
                if (strcmp (option->field, "on_conflict") == 0)
                    cJSON_AddStringToObject (body, option->field, "CONFLICT_POLICY_REPORT");
                else
                    cJSON_AddTrueToObject (body, option->field);
                continue;
            }
            if ((!option && !s_is_common_flag (arg)) || index + 1 >= argc) {
                fprintf (stderr, "kumppani %s %s: unknown or incomplete option '%s'\n",
                         verb->noun, verb->verb, arg);
                cJSON_Delete (body);
                return NULL;
            }
            const char *value = argv [++index];
            if (option) {
                char *end;
                double number = strtod (value, &end);
                cJSON_DeleteItemFromObject (body, option->field);
                if (option->kind == CLI_NUMBER && (*end || end == value)) {
                    fprintf (stderr, "kumppani %s %s: %s takes a number\n", verb->noun, verb->verb, arg);
                    cJSON_Delete (body);
                    return NULL;
                }
                if (option->kind == CLI_NUMBER)
                    cJSON_AddNumberToObject (body, option->field, number);
                else
                    cJSON_AddStringToObject (body, option->field, value);
            }
        }
        else
        if (position < 3 && verb->arguments [position]) {
            cJSON_DeleteItemFromObject (body, verb->arguments [position]);
            cJSON_AddStringToObject (body, verb->arguments [position++], arg);
        }
        else {
            fprintf (stderr, "kumppani %s %s: unexpected argument '%s'\n", verb->noun, verb->verb, arg);
            cJSON_Delete (body);
            return NULL;
        }
    }
    if (position < 3 && verb->arguments [position]) {
        fprintf (stderr, "kumppani %s %s: missing %s\n", verb->noun, verb->verb, verb->arguments [position]);
        cJSON_Delete (body);
        return NULL;
    }
    char *text = cJSON_PrintUnformatted (body);
    cJSON_Delete (body);
    return text;
}

int
cli_verbs (int argc, char **argv, const kp_config_t *config)
{
    const char *noun = argv [0];
    if (argc < 2 || strcmp (argv [1], "--help") == 0 || strcmp (argv [1], "-h") == 0)
        return s_usage (noun, argc < 2 ? stderr : stdout);
    //  Every page, as CSV or JSON: more than one request, so not a row here.
    if (strcmp (noun, "client") == 0 && strcmp (argv [1], "disclosures") == 0)
        return cli_disclosures (argc - 1, argv + 1, config);
    const cli_verb_t *verb = s_verbs;
    while (verb->noun && (strcmp (verb->noun, noun) || strcmp (verb->verb, argv [1])))
        verb++;
    if (!verb->noun) {
        fprintf (stderr, "kumppani %s: unknown command '%s'\n", noun, argv [1]);
        return s_usage (noun, stderr);
    }
    if (cli_flag (argc, argv, "--help"))
        return s_usage (noun, stdout);
    char *body = s_build_body (verb, argc - 1, argv + 1);
    if (!body)
        return 2;
    int rc = cli_send (config, verb->service, verb->operation, body, argc, argv, NULL);
    free (body);
    return rc;
}
