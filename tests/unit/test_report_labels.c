/*  The funder's page has a name for every code the reporting service can
    emit, in Finnish, Swedish and English. The codes are read from the
    service's own sources (the .c files of services/reporting: the string arrays —
    columns, categories — and the literal labels given to
    reporting_table_text, s_label, s_row and s_emit), so a column or
    category another change adds is caught here, listed by name; codes that
    come from the database (enum labels, instrument items, activity kinds)
    are listed below from the migrations. Also: every report has a title
    and counting rules in all three languages, and the page's sentences
    exist in all three. */
#include "../../cli/cli_report_labels.c"
#include "../../cli/cli_report_texts.c"

#include <criterion/criterion.h>
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

//  Codes that reach a report from the database, not from a literal.
static const char *const s_from_database [] = {
    //  referral.referral_kind (migration 0016), and "unspecified" for none
    "social_work_need", "personal_discussion", "application_transfer", "basic_amount_reduction",
    "partner", "section_35_notice", "unspecified",
    //  intake.measure_kind, and "case" for the plan
    "service", "guidance", "group", "referral", "rehabilitative_work", "case",
    //  intake.instruments and instrument_items (migration 0006)
    "avain", "kykyviisari", "goals", "situational_factors", "services", "methods", "overall",
    "mental_wellbeing", "social_participation", "physical_functioning", "skills", "everyday_coping",
    //  groups' activity kinds (reporting_rollup.c) and the placement days' kind
    "talousneuvola", "peer_support", "nature_based", "upcycling", "developer_clients",
    "discussion_cafe", "meeting_place", "group_rehabilitative_work", "exercise", "other",
    "work_activity_placement",
    //  staffing organisation types (groups.proto) and the topics the seeds use
    "social_work", "debt_counselling", "enforcement", "diaconia", "social_credit", "kela", "peer_expert",
    "budget", "debt", "debts", "housing", "benefits", "housing_costs",
    //  target metrics (reporting_targets.c)
    "talousneuvola_processes", "peer_support_networks", "groups_meeting_min_times_per_area",
    "clients_in_assessment", "participants",
    //  referral_partner_sla's receiver types (referral_server.h's REFERRAL_RECEIVERS)
    "municipality", "county", "debt_counselling", "parish", "ngo", "te_office", "housing", "outreach",
    "social_credit",
    //  literals the scan cannot see: esf_participants' dimension names (a
    //  struct array), esf_results' second timepoint (a conditional) and
    //  talousneuvola's contact channels (a function's own array)
    "entry_route", "six_months", "walk_in", "phone", "contacts",
    NULL
};

//  Literals in the sources that are not codes a report shows.
static const char *const s_not_codes [] = {
    "referral.", "groups.", "true", "false", NULL
};

#define S_MAX_CODES 1024
static char *s_codes [S_MAX_CODES];
static size_t s_n_codes;

static void
s_add (const char *code, size_t length)
{
    char text [128];
    if (length == 0 || length >= sizeof text)
        return;
    memcpy (text, code, length);
    text [length] = 0;
    //  A code is a word of [a-z0-9_] (a report's column or category).
    for (size_t index = 0; index < length; index++)
        if (!islower ((unsigned char) text [index]) && !isdigit ((unsigned char) text [index]) && text [index] != '_')
            return;
    for (const char *const *skip = s_not_codes; *skip; skip++)
        if (strcmp (*skip, text) == 0)
            return;
    for (size_t index = 0; index < s_n_codes; index++)
        if (strcmp (s_codes [index], text) == 0)
            return;
    if (s_n_codes < S_MAX_CODES)
        s_codes [s_n_codes++] = strdup (text);
}

//  The string literals of text from at up to the first of end.
static void
s_literals (const char *at, const char *end)
{
    while (at < end) {
        const char *open = memchr (at, '"', (size_t) (end - at));
        if (!open)
            return;
        const char *close = memchr (open + 1, '"', (size_t) (end - open - 1));
        if (!close)
            return;
        s_add (open + 1, (size_t) (close - open - 1));
        at = close + 1;
    }
}

//  The codes of one source file: its static string arrays (but the
//  statement tables and topic prefixes) and the literal label arguments.
static void
s_scan (const char *text)
{
    for (const char *at = text; (at = strstr (at, "static const char *const s_")); at++) {
        const char *open = strstr (at, "= {");
        const char *close = open ? strstr (open, "};") : NULL;
        const char *line_end = strchr (at, '\n');
        if (open && close && line_end && open < line_end + 200)
            s_literals (open, close);
    }
    static const char *const calls [] = { "reporting_table_text (", "s_label (", "s_row (", "s_emit (", NULL };
    for (const char *const *call = calls; *call; call++)
        for (const char *at = text; (at = strstr (at, *call)); at++) {
            const char *end = strchr (at, ')');
            //  Only the literal arguments of the call: up to its closing parenthesis.
            if (end)
                s_literals (at, end);
        }
}

static void
s_collect (void)
{
    DIR *dir = opendir ("services/reporting");
    cr_assert_not_null (dir, "run from the repository's root (services/reporting)");
    struct dirent *entry;
    size_t files = 0;
    while ((entry = readdir (dir))) {
        size_t length = strlen (entry->d_name);
        if (length < 3 || strcmp (entry->d_name + length - 2, ".c"))
            continue;
        char path [512];
        snprintf (path, sizeof path, "services/reporting/%s", entry->d_name);
        FILE *file = fopen (path, "rb");
        cr_assert_not_null (file, "%s", path);
        static char text [1 << 20];
        size_t size = fread (text, 1, sizeof text - 1, file);
        text [size] = 0;
        fclose (file);
        //  The rebuild's table names and the SQL files' statements are no codes.
        if (strcmp (entry->d_name, "reporting_rebuild.c") && !strstr (entry->d_name, "_sql.c"))
            s_scan (text);
        files++;
    }
    closedir (dir);
    cr_assert_gt (files, 5, "no sources read");
    for (const char *const *code = s_from_database; *code; code++)
        s_add (*code, strlen (*code));
}

Test (report_labels, every_emitted_code_has_a_name_in_three_languages)
{
    s_collect ();
    //  The scan must find what we know is there, or it finds nothing at all.
    static const char *const known [] = { "clients_concerned", "under_18", "isced_5_8", "ack_p90_days",
                                          "reviews_overdue", "meetings_per_group", "planned_participants", NULL };
    for (const char *const *code = known; *code; code++) {
        bool found = false;
        for (size_t index = 0; index < s_n_codes; index++)
            found |= strcmp (s_codes [index], *code) == 0;
        cr_assert (found, "the scan of services/reporting missed %s", *code);
    }
    char missing [8192] = "";
    size_t n_missing = 0;
    for (size_t index = 0; index < s_n_codes; index++) {
        //  A code the reports show as it is (a month "all" is labelled too).
        for (int lang = 0; lang < CLI_LANGS; lang++) {
            const char *name = cli_label (s_codes [index], (cli_lang_t) lang);
            if (!name || !*name) {
                size_t used = strlen (missing);
                snprintf (missing + used, sizeof missing - used, " %s(%s)", s_codes [index],
                          cli_lang_code ((cli_lang_t) lang));
                n_missing++;
            }
        }
    }
    cr_assert_eq (n_missing, 0, "%zu names missing in cli/cli_report_labels.c:%s", n_missing, missing);
    for (size_t index = 0; index < s_n_codes; index++)
        free (s_codes [index]);
    s_n_codes = 0;
}

//  The reports `kumppani report all` runs (cli_report.c) and the service's
//  own list (reporting_report.c): a title and counting rules for each.
Test (report_labels, every_report_has_a_title_and_rules)
{
    static const char *const reports [] = {
        "participants", "targets", "groups", "talousneuvola", "referral_sla", "outcomes",
        "social_reporting", "workload", "referral_partner_sla", "placements", "feedback", "esf_participants",
        "esf_results", NULL
    };
    for (const char *const *report = reports; *report; report++)
        for (int lang = 0; lang < CLI_LANGS; lang++) {
            cr_assert_not_null (cli_label_report (*report, (cli_lang_t) lang), "%s has no title", *report);
            cr_assert_not_null (cli_text_rules (*report, (cli_lang_t) lang), "%s has no rules", *report);
            cr_assert_gt (strlen (cli_text_rules (*report, (cli_lang_t) lang)), 80);
        }
    cr_assert_null (cli_label_report ("horoscope", CLI_LANG_FI));
}

Test (report_labels, every_sentence_in_three_languages_and_distinct)
{
    //  The table itself (this file includes it): no language left empty.
    size_t keys = 0;
    for (; cli_text_key_at (keys); keys++)
        for (int lang = 0; lang < CLI_LANGS; lang++)
            cr_assert (s_texts [keys].text [lang] && *s_texts [keys].text [lang], "%s has no %s text",
                       s_texts [keys].key, cli_lang_code ((cli_lang_t) lang));
    cr_assert_gt (keys, 20);
    //  Finnish is not English by mistake: the titles differ.
    cr_assert_str_neq (cli_text ("title", CLI_LANG_FI), cli_text ("title", CLI_LANG_EN));
    cr_assert_str_neq (cli_text ("suppression", CLI_LANG_SV), cli_text ("suppression", CLI_LANG_EN));
    //  A key the page does not have comes back as itself (and would show).
    cr_assert_str_eq (cli_text ("no_such_key", CLI_LANG_FI), "no_such_key");
}

Test (report_labels, months_and_languages)
{
    cr_assert_str_eq (cli_text_month (1, CLI_LANG_FI), "tammikuu");
    cr_assert_str_eq (cli_text_month (12, CLI_LANG_SV), "december");
    cr_assert_null (cli_text_month (13, CLI_LANG_EN));
    cli_lang_t lang = CLI_LANG_FI;
    cr_assert (cli_lang_parse ("sv", &lang) && lang == CLI_LANG_SV);
    cr_assert (!cli_lang_parse ("de", &lang));
    cr_assert (!cli_lang_parse (NULL, &lang));
    //  Codes in every entry are unique: a second entry would never be read.
    for (size_t index = 0; cli_label_at (index); index++)
        for (size_t other = index + 1; cli_label_at (other); other++)
            cr_assert_str_neq (cli_label_at (index), cli_label_at (other));
}
