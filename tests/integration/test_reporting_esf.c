/*  ESF+ common indicators end to end, through the real intake, groups and
    reporting services: participants by the disadvantage dimensions and
    language, their entry route (a case, or only groups / only the
    talousneuvola when the project counts them, each person once), and
    the results at exit and six months after leaving recorded through
    intake. Every expected figure is computed by hand below from the
    scenario; the requests' refusals (malformed, unauthorised, duplicate,
    out of order) are checked to write nothing. */
#include "test_reporting.h"
#include "test_groups.h"

#include <unistd.h>

TestSuite (reporting_esf, .init = kpt_setup, .fini = kpt_teardown, .timeout = 180);

#define THRESHOLD 5
#define ANSWER(name) KUMPPANI__V1__ANSWER__ANSWER_ ## name
#define ESF_STATUS(name) KUMPPANI__V1__ESF_RESULT_STATUS__ESF_RESULT_STATUS_ ## name
#define EMPLOYMENT(name) KUMPPANI__V1__ESF_EMPLOYMENT__ESF_EMPLOYMENT_ ## name

// ---------------------------------------------------------------------
// The scenario, as groups of five or six alike people:
//   A  5 women, foreign background yes, disability no, homelessness
//      prefers not to say, living alone yes, language "ar" (other); case
//      closed seven months ago; at exit employed; six months after
//      self-employed with an improved situation. The first of them also
//      goes to the peer-support group: still a case participant, once.
//   B  5 men, foreign background no, disability yes, homelessness no, not
//      living alone, "fi"; case closed seven months ago; at exit not
//      employed but in education, with a qualification, job searching; six
//      months after not reached.
//   C  5 women, prefers not to say (foreign background, disability, living
//      alone), homeless, "sv"; case still open.
//   F  5 women, no / no / no / not alone, "fi"; case closed today; at exit
//      declined to say; the six-month result is not due yet.
//   D  6 men, no / no / no / living alone, "fi"; no case: the
//      peer-support group only.
//   T  5 women, nothing asked (all unknown); no case: the talousneuvola only.

enum { GROUP_A, GROUP_B, GROUP_C, GROUP_F, GROUP_D, GROUP_T, GROUPS };
static const struct {
    int size;
    bool woman;
    int foreign, disability, homeless, alone;
    const char *language;
    const char *language_category;
} s_groups [GROUPS] = {
    { 5, true,  ANSWER (YES), ANSWER (NO), ANSWER (PREFERS_NOT_TO_SAY), ANSWER (YES), "ar", "other" },
    { 5, false, ANSWER (NO), ANSWER (YES), ANSWER (NO), ANSWER (NO), "fi", "fi" },
    { 5, true,  ANSWER (PREFERS_NOT_TO_SAY), ANSWER (PREFERS_NOT_TO_SAY), ANSWER (YES),
                ANSWER (PREFERS_NOT_TO_SAY), "sv", "sv" },
    { 5, true,  ANSWER (NO), ANSWER (NO), ANSWER (NO), ANSWER (NO), "fi", "fi" },
    { 6, false, ANSWER (NO), ANSWER (NO), ANSWER (NO), ANSWER (YES), "fi", "fi" },
    { 5, true,  0, 0, 0, 0, "", "unknown" },
};
#define PEOPLE_MAX 6

static char s_clients [GROUPS][PEOPLE_MAX][KP_ID_LEN + 1];
static char s_cases [GROUPS][PEOPLE_MAX][KP_ID_LEN + 1];

static const char *
s_answer_name (int answer)
{
    return answer == ANSWER (YES) ? "yes" : answer == ANSWER (NO) ? "no"
         : answer == ANSWER (PREFERS_NOT_TO_SAY) ? "prefers_not_to_say" : "unknown";
}

static bool
s_has_case (int group)
{
    return group != GROUP_D && group != GROUP_T;
}

static bool
s_left (int group)
{
    return group == GROUP_A || group == GROUP_B || group == GROUP_F;
}

//  esf_participants, by hand: people of the group in this snapshot whose
//  dimension is category, in gender column ("total" for all).
static long
s_participants_expected (const char *snapshot, const char *dimension, const char *category,
                         const char *gender, bool count_groups)
{
    bool exit = strcmp (snapshot, "exit") == 0;
    long count = 0;
    for (int group = 0; group < GROUPS; group++) {
        if (exit ? !s_left (group) : (!s_has_case (group) && !count_groups))
            continue;
        if (strcmp (gender, "total") != 0 && strcmp (gender, s_groups [group].woman ? "woman" : "man") != 0)
            continue;
        const char *value = "all";
        if (strcmp (dimension, "entry_route") == 0)
            value = group == GROUP_D ? "groups" : group == GROUP_T ? "talousneuvola" : "case";
        else if (strcmp (dimension, "foreign_background") == 0)
            value = s_answer_name (s_groups [group].foreign);
        else if (strcmp (dimension, "disability") == 0)
            value = s_answer_name (s_groups [group].disability);
        else if (strcmp (dimension, "homelessness") == 0)
            value = s_answer_name (s_groups [group].homeless);
        else if (strcmp (dimension, "living_alone") == 0)
            value = s_answer_name (s_groups [group].alone);
        else if (strcmp (dimension, "language") == 0)
            value = s_groups [group].language_category;
        if (strcmp (value, category) == 0)
            count += s_groups [group].size;
    }
    return count;
}

//  esf_results, by hand (see the scenario): per timepoint and indicator,
//  women and men.
static long
s_results_expected (const char *timepoint, const char *indicator, const char *gender)
{
    static const struct { const char *timepoint, *indicator; long women, men; } table [] = {
        { "exit", "left", 10, 5 },
        { "exit", "result_known", 5, 5 },           //  A, B
        { "exit", "declined", 5, 0 },               //  F
        { "exit", "in_education_or_training", 0, 5 },
        { "exit", "gained_qualification", 0, 5 },
        { "exit", "in_employment", 5, 0 },
        { "exit", "job_searching", 0, 5 },
        { "six_months", "result_known", 5, 0 },     //  A
        { "six_months", "not_reached", 0, 5 },      //  B
        { "six_months", "not_due", 5, 0 },          //  F, left today
        { "six_months", "in_employment", 5, 0 },
        { "six_months", "of_which_self_employed", 5, 0 },
        { "six_months", "improved_situation", 5, 0 },
    };
    for (size_t index = 0; index < sizeof table / sizeof table [0]; index++)
        if (strcmp (table [index].timepoint, timepoint) == 0 && strcmp (table [index].indicator, indicator) == 0)
            return strcmp (gender, "woman") == 0 ? table [index].women
                 : strcmp (gender, "man") == 0 ? table [index].men
                 : strcmp (gender, "total") == 0 ? table [index].women + table [index].men : 0;
    return 0;
}

static const char *s_gender_columns [] = { "woman", "man", "non_binary", "not_told", "total" };

//  Shown equals the record; under the threshold hidden.
static void
s_cell_matches (const char *got, long want, const char *where)
{
    if (want < THRESHOLD)
        cr_assert_str_eq (got, "*", "%s: %s shown, %ld people", where, got, want);
    else
    if (strcmp (got, "*") != 0)
        cr_assert_eq (atol (got), want, "%s: %s, expected %ld", where, got, want);
}

static void
s_check_participants (const Kumppani__V1__ReportTable *table, bool count_groups)
{
    cr_assert_eq (table->n_rows, 2 * 25, "rows: all, 3 routes, 4 dimensions of 4 answers, 5 languages; twice");
    for (size_t row = 0; row < table->n_rows; row++)
        for (int column = 0; column < 5; column++) {
            char where [160];
            snprintf (where, sizeof where, "%s/%s/%s/%s", s_cell (table, row, "snapshot"),
                      s_cell (table, row, "dimension"), s_cell (table, row, "category"), s_gender_columns [column]);
            s_cell_matches (s_cell (table, row, s_gender_columns [column]),
                            s_participants_expected (s_cell (table, row, "snapshot"), s_cell (table, row, "dimension"),
                                                     s_cell (table, row, "category"), s_gender_columns [column],
                                                     count_groups), where);
        }
}

static void
s_check_results (const Kumppani__V1__ReportTable *table)
{
    //  left; exit: 4 statuses and 5 indicators; six months: 5 and 6.
    cr_assert_eq (table->n_rows, 1 + 9 + 11);
    for (size_t row = 0; row < table->n_rows; row++)
        for (int column = 0; column < 5; column++) {
            char where [160];
            snprintf (where, sizeof where, "%s/%s/%s", s_cell (table, row, "timepoint"),
                      s_cell (table, row, "indicator"), s_gender_columns [column]);
            s_cell_matches (s_cell (table, row, s_gender_columns [column]),
                            s_results_expected (s_cell (table, row, "timepoint"), s_cell (table, row, "indicator"),
                                                s_gender_columns [column]), where);
        }
}

//  The row whose first two columns are a and b, as "c3|c4|…".
static void
s_line (const Kumppani__V1__ReportTable *table, const char *a, const char *b, const char *c, const char *expected)
{
    for (size_t row = 0; row < table->n_rows; row++) {
        const Kumppani__V1__ReportRow *cells = table->rows [row];
        if (strcmp (cells->cells [0]->value, a) == 0 && strcmp (cells->cells [1]->value, b) == 0
        &&  (!c || strcmp (cells->cells [2]->value, c) == 0)) {
            char wanted [256];
            if (c)
                snprintf (wanted, sizeof wanted, "%s|%s|%s|%s", a, b, c, expected);
            else
                snprintf (wanted, sizeof wanted, "%s|%s|%s", a, b, expected);
            s_row_is (table, row, wanted);
            return;
        }
    }
    cr_assert_fail ("no row %s/%s/%s", a, b, c ? c : "");
}

// ---------------------------------------------------------------------
// Intake, through its socket.

static void
s_hetu (char *out)
{
    static bool seeded;
    if (!seeded) {
        srandom ((unsigned) getpid () ^ (unsigned) zclock_usecs ());
        seeded = true;
    }
    char date [40], digits [64];
    snprintf (date, sizeof date, "%02d%02d%02d", 1 + randof (28), 1 + randof (12), 60 + randof (40));
    int number = 2 + randof (897);
    snprintf (digits, sizeof digits, "%s%03d", date, number);
    snprintf (out, 64, "%s-%03d%c", date, number,
              "0123456789ABCDEFHJKLMNPRSTUVWXY" [strtol (digits, NULL, 10) % 31]);
}

static void
s_register (kp_client_t *intake, int group, char *client_id)
{
    Kumppani__V1__ClientAttributes attributes = KUMPPANI__V1__CLIENT_ATTRIBUTES__INIT;
    attributes.municipality = "743";
    attributes.birth_date = "1980-05-05";
    attributes.gender = s_groups [group].woman ? KUMPPANI__V1__GENDER__GENDER_WOMAN : KUMPPANI__V1__GENDER__GENDER_MAN;
    attributes.language = (char *) s_groups [group].language;
    attributes.foreign_background = s_groups [group].foreign;
    attributes.disability = s_groups [group].disability;
    attributes.homelessness = s_groups [group].homeless;
    attributes.living_alone = s_groups [group].alone;
    char hetu [64];
    s_hetu (hetu);
    Kumppani__V1__RegisterClient body = KUMPPANI__V1__REGISTER_CLIENT__INIT;
    body.hetu = hetu;
    body.attributes = &attributes;
    Kumppani__V1__Reply *reply = s_call (intake, ROLE (SOCIAL_WORKER), BODY (REGISTER_CLIENT), &body);
    s_expect (reply, STATUS (OK), NULL, NULL);
    snprintf (client_id, KP_ID_LEN + 1, "%s", reply->client->client_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

static void
s_open (kp_client_t *intake, const char *client_id, char *case_id)
{
    Kumppani__V1__OpenCase body = KUMPPANI__V1__OPEN_CASE__INIT;
    body.client_id = (char *) client_id;
    body.channel = KUMPPANI__V1__CASE_CHANNEL__CASE_CHANNEL_OWN_CONTACT;
    body.responsible_worker = "sw-esf";
    Kumppani__V1__Reply *reply = s_call (intake, ROLE (SOCIAL_WORKER), BODY (OPEN_CASE), &body);
    s_expect (reply, STATUS (OK), NULL, NULL);
    snprintf (case_id, KP_ID_LEN + 1, "%s", reply->intake_case->case_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

static void
s_close (kp_client_t *intake, const char *case_id)
{
    Kumppani__V1__CloseCase body = KUMPPANI__V1__CLOSE_CASE__INIT;
    body.case_id = (char *) case_id;
    body.reason = KUMPPANI__V1__CLOSURE_REASON__CLOSURE_REASON_GOALS_REACHED;
    body.final_evaluation = "goals reached";
    Kumppani__V1__Reply *reply = s_call (intake, ROLE (SOCIAL_WORKER), BODY (CLOSE_CASE), &body);
    s_expect (reply, STATUS (OK), NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

//  One result request; result NULL sends none.
static Kumppani__V1__Reply *
s_result (kp_client_t *intake, Kumppani__V1__Role role, bool longer, const char *case_id,
          const Kumppani__V1__EsfResult *result)
{
    if (longer) {
        Kumppani__V1__RecordLongerTermResult body = KUMPPANI__V1__RECORD_LONGER_TERM_RESULT__INIT;
        body.case_id = (char *) case_id;
        body.result = (Kumppani__V1__EsfResult *) result;
        return s_call (intake, role, BODY (RECORD_LONGER_TERM_RESULT), &body);
    }
    Kumppani__V1__RecordExitResult body = KUMPPANI__V1__RECORD_EXIT_RESULT__INIT;
    body.case_id = (char *) case_id;
    body.result = (Kumppani__V1__EsfResult *) result;
    return s_call (intake, role, BODY (RECORD_EXIT_RESULT), &body);
}

static void
s_result_ok (kp_client_t *intake, bool longer, const char *case_id, const Kumppani__V1__EsfResult *result,
             bool unchanged)
{
    Kumppani__V1__Reply *reply = s_result (intake, ROLE (SOCIAL_WORKER), longer, case_id, result);
    cr_assert_eq (reply->status, STATUS (OK), "%s result (status %d, observed on '%s') refused: %s",
                  longer ? "longer-term" : "exit", result->status, result->observed_on,
                  reply->error ? reply->error->code : "");
    cr_assert_str_eq (reply->esf_result->timepoint, longer ? "six_months" : "exit");
    cr_assert_eq (reply->esf_result->unchanged, unchanged);
    cr_assert_eq (reply->esf_result->result->status, result->status);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

static void
s_refused (kp_client_t *intake, Kumppani__V1__Role role, bool longer, const char *case_id,
           const Kumppani__V1__EsfResult *result, Kumppani__V1__Status status, const char *code, const char *field)
{
    Kumppani__V1__Reply *reply = s_result (intake, role, longer, case_id, result);
    s_expect (reply, status, code, field);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

//  The Helsinki day a case closed.
static void
s_closed_on (const char *case_id, char *day)
{
    const char *values [] = { case_id };
    PGresult *result = PQexecParams (kpt_admin (), "SELECT ((closed_at AT TIME ZONE 'Europe/Helsinki')::date)::text"
                                     " FROM intake.cases WHERE case_id = $1", 1, NULL, values, NULL, NULL, 0);
    cr_assert_eq (PQresultStatus (result), PGRES_TUPLES_OK, "%s", PQresultErrorMessage (result));
    snprintf (day, 11, "%s", PQgetvalue (result, 0, 0));
    PQclear (result);
}

static void
s_day (int days, char *out)
{
    char sql [160];
    snprintf (sql, sizeof sql, "SELECT to_char ((now () AT TIME ZONE 'Europe/Helsinki')::date + %d,"
                               " 'YYYY-MM-DD')", days);
    PGresult *result = PQexec (kpt_admin (), sql);
    cr_assert_eq (PQresultStatus (result), PGRES_TUPLES_OK, "%s", PQresultErrorMessage (result));
    snprintf (out, 11, "%s", PQgetvalue (result, 0, 0));
    PQclear (result);
}

static long long
s_results_stored (const char *case_id)
{
    return kpt_scalar ("SELECT count(*) FROM intake.esf_results WHERE case_id = $1", case_id);
}

static long long
s_events (const char *case_id, const char *topic)
{
    char sql [200];
    snprintf (sql, sizeof sql, "SELECT count(*) FROM kp.events WHERE aggregate_id = $1 AND topic = '%s'", topic);
    return kpt_scalar (sql, case_id);
}

static char *
s_define (kp_client_t *reporting, const char *from, const char *to, bool count_groups, char *project)
{
    char *areas [] = { "743" };
    Kumppani__V1__DefineProject define = KUMPPANI__V1__DEFINE_PROJECT__INIT;
    define.name = count_groups ? "esf with groups" : "esf cases only";
    define.period_start = (char *) from;
    define.period_end = (char *) to;
    define.municipalities = areas;
    define.n_municipalities = 1;
    define.planned_participants = 40;
    define.count_group_participants = count_groups;
    Kumppani__V1__Reply *reply = s_call (reporting, ROLE (COORDINATOR), BODY (DEFINE_PROJECT), &define);
    s_expect (reply, STATUS (OK), NULL, NULL);
    snprintf (project, KP_ID_LEN + 1, "%s", reply->project->project_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    return project;
}

// ---------------------------------------------------------------------

Test (reporting_esf, indicators_from_intake_and_groups)
{
    kpt_service_start ("intake", NULL);
    static const char *fast [] = { "KUMPPANI_POLL_MS=100", NULL };
    kpt_service_start ("groups", fast);
    s_start ();
    kp_client_t *intake = kpt_client ("intake", "muni-743");

    for (int group = 0; group < GROUPS; group++)
        for (int person = 0; person < s_groups [group].size; person++) {
            s_register (intake, group, s_clients [group][person]);
            if (s_has_case (group))
                s_open (intake, s_clients [group][person], s_cases [group][person]);
            if (s_left (group))
                s_close (intake, s_cases [group][person]);
        }
    //  A and B left seven months ago (opened eight months ago): as the
    //  records of a case closed then would be.
    for (int group = GROUP_A; group <= GROUP_B; group++)
        for (int person = 0; person < 5; person++)
            s_sql ("UPDATE intake.cases SET opened_at = opened_at - interval '8 months',"
                   " closed_at = closed_at - interval '7 months' WHERE case_id = '%s'", s_cases [group][person]);

    //  The ESF+ companion of each snapshot holds the answers at the time.
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM intake.esf_snapshots e JOIN intake.participant_snapshots s"
                              " USING (case_id, kind) WHERE case_id = $1 AND e.foreign_background = 'yes'"
                              " AND e.homelessness = 'prefers_not_to_say' AND e.language = 'ar'",
                              s_cases [GROUP_A][0]), 2, "start and exit of A's first case");

    //  ---- The requests' refusals, each writing nothing ----
    Kumppani__V1__EsfResult employed = KUMPPANI__V1__ESF_RESULT__INIT;
    employed.status = ESF_STATUS (KNOWN);
    employed.employment = EMPLOYMENT (EMPLOYED);
    char a_closed [11];
    s_closed_on (s_cases [GROUP_A][0], a_closed);
    employed.observed_on = a_closed;
    const char *a0 = s_cases [GROUP_A][0];
    //  Out of order: an open case (C), the longer-term before the exit.
    s_refused (intake, ROLE (SOCIAL_WORKER), false, s_cases [GROUP_C][0], &employed, STATUS (CONFLICT),
               "intake.case_not_closed", NULL);
    Kumppani__V1__EsfResult employed_now = employed;
    employed_now.observed_on = "";  //  today: six to nine months after B left
    s_refused (intake, ROLE (SOCIAL_WORKER), true, s_cases [GROUP_B][0], &employed_now, STATUS (CONFLICT),
               "intake.esf_exit_missing", NULL);
    //  Malformed.
    s_refused (intake, ROLE (SOCIAL_WORKER), false, a0, NULL, STATUS (INVALID), "intake.esf_result",
               "record_exit_result.result");
    s_refused (intake, ROLE (SOCIAL_WORKER), false, "not-a-case", &employed, STATUS (INVALID), "intake.case_id",
               "record_exit_result.case_id");
    Kumppani__V1__EsfResult bad = employed;
    bad.status = ESF_STATUS (UNSPECIFIED);
    s_refused (intake, ROLE (SOCIAL_WORKER), false, a0, &bad, STATUS (INVALID), "intake.esf_status",
               "record_exit_result.result.status");
    bad = employed;
    bad.employment = EMPLOYMENT (UNSPECIFIED);
    s_refused (intake, ROLE (SOCIAL_WORKER), false, a0, &bad, STATUS (INVALID), "intake.esf_employment",
               "record_exit_result.result.employment");
    bad = (Kumppani__V1__EsfResult) KUMPPANI__V1__ESF_RESULT__INIT;
    bad.status = ESF_STATUS (NOT_REACHED);
    bad.job_searching = true;
    s_refused (intake, ROLE (SOCIAL_WORKER), false, a0, &bad, STATUS (INVALID), "intake.esf_not_known",
               "record_exit_result.result.job_searching");
    bad = employed;
    bad.improved_situation = true;
    s_refused (intake, ROLE (SOCIAL_WORKER), false, a0, &bad, STATUS (INVALID), "intake.esf_exit_field",
               "record_exit_result.result.improved_situation");
    bad = employed;
    bad.observed_on = "2026-13-01";
    s_refused (intake, ROLE (SOCIAL_WORKER), false, a0, &bad, STATUS (INVALID), "intake.esf_observed_on",
               "record_exit_result.result.observed_on");
    bad.observed_on = "";           //  today: seven months after leaving, not "upon leaving"
    s_refused (intake, ROLE (SOCIAL_WORKER), false, a0, &bad, STATUS (INVALID), "intake.esf_observed_on",
               "record_exit_result.result.observed_on");
    //  Unauthorised: another organiser's worker hears of no such case; a
    //  benefit processor of the client's own may read, not write.
    kp_client_t *helsinki = kpt_client ("intake", "muni-091");
    s_refused (helsinki, ROLE (SOCIAL_WORKER), false, a0, &employed, STATUS (NOT_FOUND), "intake.unknown_case", NULL);
    s_refused (helsinki, ROLE (SOCIAL_WORKER), true, a0, &employed, STATUS (NOT_FOUND), "intake.unknown_case", NULL);
    s_refused (intake, ROLE (BENEFIT_PROCESSOR), false, a0, &employed, STATUS (FORBIDDEN), "intake.forbidden", NULL);
    s_refused (intake, ROLE (BENEFIT_PROCESSOR), true, a0, &employed, STATUS (FORBIDDEN), "intake.forbidden", NULL);
    kp_client_destroy (&helsinki);
    kp_client_t *ngo_intake = kpt_client ("intake", "ngo-743");
    Kumppani__V1__Reply *reply = s_result (ngo_intake, ROLE (NGO_WORKER), false, a0, &employed);
    cr_assert_eq (reply->status, STATUS (FORBIDDEN));
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&ngo_intake);
    cr_assert_eq (s_results_stored (a0), 0, "a refusal wrote a result");
    cr_assert_eq (s_results_stored (s_cases [GROUP_B][0]), 0);

    //  ---- The results ----
    for (int person = 0; person < 5; person++) {
        char closed [11];
        //  A: employed at exit; six months after self-employed, improved.
        s_closed_on (s_cases [GROUP_A][person], closed);
        Kumppani__V1__EsfResult exit = employed;
        exit.observed_on = closed;
        s_result_ok (intake, false, s_cases [GROUP_A][person], &exit, false);
        Kumppani__V1__EsfResult later = KUMPPANI__V1__ESF_RESULT__INIT;
        later.status = ESF_STATUS (KNOWN);
        later.employment = EMPLOYMENT (SELF_EMPLOYED);
        later.improved_situation = true;
        s_result_ok (intake, true, s_cases [GROUP_A][person], &later, false);
        //  B: in education, a qualification, job searching; then not reached.
        s_closed_on (s_cases [GROUP_B][person], closed);
        exit = (Kumppani__V1__EsfResult) KUMPPANI__V1__ESF_RESULT__INIT;
        exit.status = ESF_STATUS (KNOWN);
        exit.employment = EMPLOYMENT (NONE);
        exit.in_education_or_training = exit.gained_qualification = exit.job_searching = true;
        exit.observed_on = closed;
        s_result_ok (intake, false, s_cases [GROUP_B][person], &exit, false);
        later = (Kumppani__V1__EsfResult) KUMPPANI__V1__ESF_RESULT__INIT;
        later.status = ESF_STATUS (NOT_REACHED);
        s_result_ok (intake, true, s_cases [GROUP_B][person], &later, false);
        //  F: declined at exit (today); six months after is not yet. The
        //  first through the command line, as a worker would.
        exit = (Kumppani__V1__EsfResult) KUMPPANI__V1__ESF_RESULT__INIT;
        exit.status = ESF_STATUS (DECLINED);
        if (person)
            s_result_ok (intake, false, s_cases [GROUP_F][person], &exit, false);
        else {
            char path [] = "/tmp/kp-esf-result.XXXXXX";
            int fd = mkstemp (path);
            cr_assert (fd >= 0);
            dprintf (fd, "{\"result\": {\"status\": \"ESF_RESULT_STATUS_DECLINED\"}}");
            close (fd);
            const char *args [] = { "case", "exit-result", s_cases [GROUP_F][0], "--json", path,
                                    "--person", "sw-esf", "--role", "social_worker", NULL };
            static char out [8192];
            int rc = kpt_cli_run ("muni-743", out, sizeof out, args);
            unlink (path);
            cr_assert_eq (rc, 0, "kumppani case exit-result: %s", out);
            cr_assert (strstr (out, "\"timepoint\": \"exit\"") || strstr (out, "\"timepoint\":\"exit\""), "%s", out);
        }
    }
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM intake.esf_results WHERE case_id = $1 AND status = 'declined'"
                              " AND recorded_by = 'sw-esf'", s_cases [GROUP_F][0]), 1);
    //  Out of order: six months have not passed since F left.
    Kumppani__V1__EsfResult later = KUMPPANI__V1__ESF_RESULT__INIT;
    later.status = ESF_STATUS (NOT_REACHED);
    s_refused (intake, ROLE (SOCIAL_WORKER), true, s_cases [GROUP_F][0], &later, STATUS (CONFLICT),
               "intake.esf_too_early", NULL);
    //  Duplicates: the same again changes nothing (no second row, no
    //  second event); a different one is refused and the first stands.
    s_result_ok (intake, false, a0, &employed, true);
    Kumppani__V1__EsfResult other = employed;
    other.employment = EMPLOYMENT (NONE);
    s_refused (intake, ROLE (SOCIAL_WORKER), false, a0, &other, STATUS (CONFLICT), "intake.esf_result_recorded", NULL);
    Kumppani__V1__EsfResult later_other = KUMPPANI__V1__ESF_RESULT__INIT;
    later_other.status = ESF_STATUS (DECLINED);
    s_refused (intake, ROLE (SOCIAL_WORKER), true, a0, &later_other, STATUS (CONFLICT), "intake.esf_result_recorded",
               NULL);
    cr_assert_eq (s_results_stored (a0), 2);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM intake.esf_results WHERE case_id = $1 AND timepoint = 'exit'"
                              " AND employment = 'employed'", a0), 1);
    cr_assert_eq (s_events (a0, "intake.exit_result_recorded"), 1);
    cr_assert_eq (s_events (a0, "intake.longer_term_result_recorded"), 1);
    cr_assert_eq (s_events (s_cases [GROUP_F][0], "intake.longer_term_result_recorded"), 0);
    //  Audited as every write, with the pseudonymous client: the exit,
    //  the longer-term and the repeat (a refusal's transaction, audit row
    //  included, is rolled back).
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.audit_log WHERE client_ref = $1"
                              " AND detail LIKE 'case % esf result %'", s_clients [GROUP_A][0]), 3);
    //  The events carry the case, never the person's situation.
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.events WHERE topic LIKE 'intake.%result_recorded'"
                              " AND (position ('employ' in encode (payload, 'escape')) > 0)", NULL), 0);

    //  ---- Groups: D in a peer-support group, T at the talousneuvola, A's
    //  first also in the group (a case participant still, once) ----
    char yesterday [11], from [11], to [11];
    s_day (-1, yesterday);
    s_day (-400, from);
    s_day (30, to);
    const char *peer = gt_activity ("muni-743", "peer_support", true, 20, 0);
    char peer_id [KP_ID_LEN + 1], peer_session [32], clinic_id [KP_ID_LEN + 1], clinic_session [32];
    snprintf (peer_id, sizeof peer_id, "%s", peer);
    snprintf (clinic_id, sizeof clinic_id, "%s", gt_activity ("muni-743", "talousneuvola", true, 20, 0));
    gt_one_session ("muni-743", peer_id, yesterday, "10:00", "12:00", peer_session);
    gt_one_session ("muni-743", clinic_id, yesterday, "14:00", "16:00", clinic_session);
    const char *peer_people [PEOPLE_MAX + 1];
    int n_peer = 0;
    for (int person = 0; person < s_groups [GROUP_D].size; person++)
        peer_people [n_peer++] = s_clients [GROUP_D][person];
    peer_people [n_peer++] = s_clients [GROUP_A][0];
    for (int index = 0; index < n_peer; index++) {
        gt_done (gt_enrol ("muni-743", peer_id, peer_people [index], "", GT_REFUSE), GT_OK, NULL, NULL);
        gt_done (gt_attend ("muni-743", peer_session, peer_people [index], "present", 120, NULL), GT_OK, NULL, NULL);
    }
    for (int person = 0; person < s_groups [GROUP_T].size; person++) {
        gt_done (gt_enrol ("muni-743", clinic_id, s_clients [GROUP_T][person], "", GT_REFUSE), GT_OK, NULL, NULL);
        gt_done (gt_attend ("muni-743", clinic_session, s_clients [GROUP_T][person], "present", 60, NULL),
                 GT_OK, NULL, NULL);
    }
    //  One of D also absent from a later clinic session: absent is no
    //  attendance, so D stays a groups participant.
    char later_session [32];
    gt_one_session ("muni-743", clinic_id, yesterday, "17:00", "18:00", later_session);
    gt_done (gt_enrol ("muni-743", clinic_id, s_clients [GROUP_D][0], "", GT_REFUSE), GT_OK, NULL, NULL);
    gt_done (gt_attend ("muni-743", later_session, s_clients [GROUP_D][0], "absent", 0, NULL), GT_OK, NULL, NULL);

    //  ---- Two projects over the same cases and activities: one counts
    //  group-only participants, the other does not ----
    kp_client_t *ngo = kpt_client ("reporting", "ngo-743");
    kp_client_t *muni = kpt_client ("reporting", "muni-743");
    char with_groups [KP_ID_LEN + 1], cases_only [KP_ID_LEN + 1];
    s_define (ngo, from, to, true, with_groups);
    s_define (ngo, from, to, false, cases_only);
    char *case_ids [GROUPS * PEOPLE_MAX];
    size_t n_cases = 0;
    for (int group = 0; group < GROUPS; group++)
        for (int person = 0; s_has_case (group) && person < s_groups [group].size; person++)
            case_ids [n_cases++] = s_cases [group][person];
    char *activities [] = { peer_id, clinic_id };
    const char *projects [] = { with_groups, cases_only };
    for (int index = 0; index < 2; index++) {
        reply = s_link (muni, projects [index], case_ids, n_cases);
        s_expect (reply, STATUS (OK), NULL, NULL);
        kumppani__v1__reply__free_unpacked (reply, NULL);
        Kumppani__V1__LinkToProject link = KUMPPANI__V1__LINK_TO_PROJECT__INIT;
        link.project_id = (char *) projects [index];
        link.activity_ids = activities;
        link.n_activity_ids = 2;
        reply = s_call (ngo, ROLE (COORDINATOR), BODY (LINK_TO_PROJECT), &link);
        s_expect (reply, STATUS (OK), NULL, NULL);
        kumppani__v1__reply__free_unpacked (reply, NULL);
    }

    //  Every cell is checked against the hand count (shown: equal; under
    //  the threshold: hidden); the lines below also pin what is shown
    //  today: the suppression audit hides more than the cells under the
    //  threshold wherever hidden small counts (zeros above all) would be
    //  pinned by the line's other figures. Where a hidden total could be
    //  traded for a part beside it, the total is shown (groups 6 and
    //  talousneuvola 5 here were hidden before that trade).
    //  esf_participants counting group-only people: 31 at start (A, C, F
    //  and B through cases; D through the group; T through the
    //  talousneuvola; A's first once), 15 at exit (A, B, F).
    reply = s_report (ngo, ROLE (COORDINATOR), "esf_participants", from, to, with_groups, NULL);
    s_expect (reply, STATUS (OK), NULL, NULL);
    s_check_participants (reply->report_table, true);
    s_line (reply->report_table, "start", "all", "all", "*|*|*|*|31");
    s_line (reply->report_table, "start", "entry_route", "case", "15|*|*|*|20");
    s_line (reply->report_table, "start", "entry_route", "groups", "*|*|*|*|6");
    s_line (reply->report_table, "start", "entry_route", "talousneuvola", "*|*|*|*|5");
    s_line (reply->report_table, "start", "foreign_background", "no", "*|11|*|*|16");
    s_line (reply->report_table, "start", "language", "fi", "*|11|*|*|16");
    s_line (reply->report_table, "exit", "all", "all", "10|*|*|*|*");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  The same people without the setting: cases only, as participants
    //  counts them (the two reports agree on who is there).
    reply = s_report (ngo, ROLE (COORDINATOR), "esf_participants", from, to, cases_only, NULL);
    s_expect (reply, STATUS (OK), NULL, NULL);
    s_check_participants (reply->report_table, false);
    s_line (reply->report_table, "start", "all", "all", "15|5|*|*|*");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_report (ngo, ROLE (COORDINATOR), "participants", from, to, cases_only, NULL);
    s_expect (reply, STATUS (OK), NULL, NULL);
    //  (What each shows differs with its other lines: the audit hides by
    //  the table. The case entrants above are these.)
    s_line (reply->report_table, "start", "all", "all", "15|*|*|*|20");
    s_line (reply->report_table, "exit", "all", "all", "10|*|*|*|15");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  esf_results: A, B and F left in the period.
    reply = s_report (ngo, ROLE (COORDINATOR), "esf_results", from, to, with_groups, NULL);
    s_expect (reply, STATUS (OK), NULL, NULL);
    s_check_results (reply->report_table);
    s_line (reply->report_table, "exit", "left", NULL, "10|5|*|*|*");
    s_line (reply->report_table, "exit", "result_known", NULL, "5|*|*|*|10");
    s_line (reply->report_table, "exit", "job_searching", NULL, "*|*|*|*|5");
    s_line (reply->report_table, "six_months", "not_due", NULL, "*|*|*|*|5");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  A municipality outside the project's area sees no project.
    kp_client_t *helsinki_reports = kpt_client ("reporting", "muni-091");
    reply = s_report (helsinki_reports, ROLE (SOCIAL_WORKER), "esf_results", from, to, with_groups, NULL);
    cr_assert_neq (reply->status, STATUS (OK));
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&helsinki_reports);

    kp_client_destroy (&muni);
    kp_client_destroy (&ngo);
    kp_client_destroy (&intake);
}

//  What each role may do with the ESF+ tables: intake writes a result
//  once and never changes it; reporting reads the answers and results but
//  not the backfill mark, the henkilötunnus or the groups' display names.
Test (reporting_esf, grants)
{
    const struct { const char *role, *sql; ExecStatusType status; } cases [] = {
        { "reporting", "SELECT case_id, kind, language, foreign_background, disability, homelessness, living_alone"
                       " FROM intake.esf_snapshots LIMIT 1", PGRES_TUPLES_OK },
        { "reporting", "SELECT backfilled FROM intake.esf_snapshots LIMIT 1", PGRES_FATAL_ERROR },
        { "reporting", "SELECT case_id, timepoint, status, employment FROM intake.esf_results LIMIT 1", PGRES_TUPLES_OK },
        { "reporting", "SELECT recorded_by FROM intake.esf_results LIMIT 1", PGRES_FATAL_ERROR },
        { "reporting", "SELECT client_id, language, foreign_background FROM intake.clients LIMIT 1", PGRES_TUPLES_OK },
        { "reporting", "SELECT hetu_hash FROM intake.clients LIMIT 1", PGRES_FATAL_ERROR },
        { "reporting", "SELECT session_id, client_id, attendance FROM groups.attendance LIMIT 1", PGRES_TUPLES_OK },
        { "reporting", "SELECT display_name FROM groups.enrolments LIMIT 1", PGRES_FATAL_ERROR },
        { "reporting", "DELETE FROM intake.esf_results", PGRES_FATAL_ERROR },
        { "intake",    "UPDATE intake.esf_results SET status = 'declined'", PGRES_FATAL_ERROR },
        { "intake",    "DELETE FROM intake.esf_results", PGRES_FATAL_ERROR },
        { "intake",    "SELECT * FROM intake.esf_results LIMIT 1", PGRES_TUPLES_OK },
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases [0]; index++) {
        PGconn *conn = kpt_connect_as (cases [index].role);
        PGresult *result = PQexec (conn, cases [index].sql);
        cr_assert_eq (PQresultStatus (result), cases [index].status, "%s: %s: %s", cases [index].role,
                      cases [index].sql, PQresultErrorMessage (result));
        PQclear (result);
        PQfinish (conn);
    }
}
