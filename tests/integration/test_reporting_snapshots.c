/*  ESF start and exit snapshots end to end: clients registered, cases
    opened, attributes changed and cases closed through the real intake
    service; the participants report from the real reporting service.
    The start rows show each person as they were when their first case
    opened, the exit rows as they were when their last case closed; a
    person with two cases counts once in each; people still open count at
    start only. Every figure is computed here from the scenario's own
    record. The snapshot rows hold no identity, and refused or repeated
    closes write no second exit snapshot. */
#include "test_reporting.h"

#include <unistd.h>

TestSuite (reporting_snapshots, .init = kpt_setup, .fini = kpt_teardown, .timeout = 120);

#define THRESHOLD 5
#define LABOUR(name) KUMPPANI__V1__LABOUR_MARKET_STATUS__LABOUR_MARKET_STATUS_ ## name

// ---------------------------------------------------------------------
// The record: what the scenario did to each person, as the report should
// see it. Everyone is a woman born 1980-05-05 with ISCED 3-4, so the
// labour-market and municipality blocks carry the story.

typedef struct {
    char client_id [KP_ID_LEN + 1];
    char hetu [64];
    const char *start_labour, *start_municipality;   //  at the first case's opening
    const char *exit_labour, *exit_municipality;     //  at the last case's closing
    bool exited;                                     //  no case left open
} s_person_t;

enum { MOVERS = 5, STILL_OPEN = 5, STAYERS_091 = 5, STAYERS_743 = 5 };
#define PEOPLE (MOVERS + STILL_OPEN + STAYERS_091 + STAYERS_743)

static s_person_t s_people [PEOPLE];

//  Expected count for a report row and gender column, from the record.
static long
s_expected (const char *snapshot, const char *dimension, const char *category, const char *gender)
{
    bool exit = strcmp (snapshot, "exit") == 0;
    if (strcmp (gender, "woman") != 0 && strcmp (gender, "total") != 0)
        return 0;
    long count = 0;
    for (int index = 0; index < PEOPLE; index++) {
        const s_person_t *person = &s_people [index];
        if (exit && !person->exited)
            continue;
        const char *value = strcmp (dimension, "all") == 0 ? "all"
                          : strcmp (dimension, "age_band") == 0 ? "30_54"
                          : strcmp (dimension, "education_level") == 0 ? "isced_3_4"
                          : strcmp (dimension, "labour_market_status") == 0
                            ? (exit ? person->exit_labour : person->start_labour)
                          : strcmp (dimension, "municipality") == 0
                            ? (exit ? person->exit_municipality : person->start_municipality)
                          : "";             //  target groups: no one is under 34
        count += strcmp (value, category) == 0;
    }
    return count;
}

//  Every cell: shown equals the record, under the threshold hidden.
static void
s_check_table (const Kumppani__V1__ReportTable *table)
{
    static const char *genders [] = { "woman", "man", "non_binary", "not_told", "total" };
    size_t rows = 0;
    for (size_t row = 0; row < table->n_rows; row++) {
        const char *snapshot = s_cell (table, row, "snapshot");
        const char *dimension = s_cell (table, row, "dimension");
        const char *category = s_cell (table, row, "category");
        if (strcmp (dimension, "plan") == 0)
            continue;
        rows++;
        for (int gender = 0; gender < 5; gender++) {
            long want = s_expected (snapshot, dimension, category, genders [gender]);
            const char *got = s_cell (table, row, genders [gender]);
            if (want < THRESHOLD)
                cr_assert_str_eq (got, "*", "%s/%s/%s/%s: %s shown, %ld people", snapshot, dimension,
                                  category, genders [gender], got, want);
            else
            if (strcmp (got, "*") != 0)
                cr_assert_eq (atol (got), want, "%s/%s/%s/%s: %s, expected %ld", snapshot, dimension,
                              category, genders [gender], got, want);
        }
    }
    //  Both snapshots have the same 21 rows: all, 5 age bands, 7 statuses,
    //  4 education levels, the project's 2 areas, 2 target groups.
    cr_assert_eq (rows, 2 * 21);
}

//  The row of snapshot/dimension/category, as "woman|...|total".
static void
s_line_is (const Kumppani__V1__ReportTable *table, const char *snapshot, const char *dimension,
           const char *category, const char *expected)
{
    char wanted [256];
    snprintf (wanted, sizeof wanted, "%s|%s|%s|%s", snapshot, dimension, category, expected);
    for (size_t row = 0; row < table->n_rows; row++)
        if (strcmp (s_cell (table, row, "snapshot"), snapshot) == 0
        &&  strcmp (s_cell (table, row, "dimension"), dimension) == 0
        &&  strcmp (s_cell (table, row, "category"), category) == 0) {
            s_row_is (table, row, wanted);
            return;
        }
    cr_assert_fail ("no row %s/%s/%s", snapshot, dimension, category);
}

//  A row of women only (everybody here is one): its figure shown as the
//  women's or as the total, never both (that would publish the other
//  columns' 0s by subtraction); which one is the audit's choice.
static void
s_women_only (const Kumppani__V1__ReportTable *table, const char *snapshot, const char *dimension,
              const char *category, const char *figure)
{
    for (size_t row = 0; row < table->n_rows; row++)
        if (strcmp (s_cell (table, row, "snapshot"), snapshot) == 0
        &&  strcmp (s_cell (table, row, "dimension"), dimension) == 0
        &&  strcmp (s_cell (table, row, "category"), category) == 0) {
            const char *woman = s_cell (table, row, "woman"), *total = s_cell (table, row, "total");
            cr_assert (strcmp (woman, "*") == 0 || strcmp (total, "*") == 0,
                       "%s/%s/%s: women %s and total %s both shown", snapshot, dimension, category, woman, total);
            const char *shown = strcmp (woman, "*") ? woman : total;
            cr_assert_str_eq (shown, figure, "%s/%s/%s", snapshot, dimension, category);
            const char *others [] = { "man", "non_binary", "not_told" };
            for (int index = 0; index < 3; index++)
                cr_assert_str_eq (s_cell (table, row, others [index]), "*");
            return;
        }
    cr_assert_fail ("no row %s/%s/%s", snapshot, dimension, category);
}

// ---------------------------------------------------------------------
// Intake, through its socket.

//  A valid henkilötunnus of the 1900s with a random date and number, so
//  runs sharing the cluster do not collide.
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
s_attributes (Kumppani__V1__ClientAttributes *attributes, const char *municipality, int labour)
{
    kumppani__v1__client_attributes__init (attributes);
    attributes->municipality = (char *) municipality;
    attributes->birth_date = "1980-05-05";
    attributes->gender = KUMPPANI__V1__GENDER__GENDER_WOMAN;
    attributes->language = "fi";
    attributes->labour_market_status = labour;
    attributes->education_level = KUMPPANI__V1__EDUCATION_LEVEL__EDUCATION_LEVEL_ISCED_3_4;
}

static void
s_register (kp_client_t *intake, s_person_t *person, const char *municipality, int labour)
{
    Kumppani__V1__ClientAttributes attributes;
    s_attributes (&attributes, municipality, labour);
    s_hetu (person->hetu);
    Kumppani__V1__RegisterClient body = KUMPPANI__V1__REGISTER_CLIENT__INIT;
    body.hetu = person->hetu;
    body.attributes = &attributes;
    Kumppani__V1__Reply *reply = s_call (intake, ROLE (SOCIAL_WORKER), BODY (REGISTER_CLIENT), &body);
    s_expect (reply, STATUS (OK), NULL, NULL);
    snprintf (person->client_id, sizeof person->client_id, "%s", reply->client->client_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

static void
s_update (kp_client_t *intake, const s_person_t *person, const char *municipality, int labour)
{
    Kumppani__V1__ClientAttributes attributes;
    s_attributes (&attributes, municipality, labour);
    Kumppani__V1__UpdateClient body = KUMPPANI__V1__UPDATE_CLIENT__INIT;
    body.client_id = (char *) person->client_id;
    body.attributes = &attributes;
    Kumppani__V1__Reply *reply = s_call (intake, ROLE (SOCIAL_WORKER), BODY (UPDATE_CLIENT), &body);
    s_expect (reply, STATUS (OK), NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

static void
s_open (kp_client_t *intake, const s_person_t *person, char *case_id)
{
    Kumppani__V1__OpenCase body = KUMPPANI__V1__OPEN_CASE__INIT;
    body.client_id = (char *) person->client_id;
    body.channel = KUMPPANI__V1__CASE_CHANNEL__CASE_CHANNEL_OWN_CONTACT;
    body.responsible_worker = "sw-omatyontekija";
    Kumppani__V1__Reply *reply = s_call (intake, ROLE (SOCIAL_WORKER), BODY (OPEN_CASE), &body);
    s_expect (reply, STATUS (OK), NULL, NULL);
    snprintf (case_id, KP_ID_LEN + 1, "%s", reply->intake_case->case_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

static Kumppani__V1__Reply *
s_close (kp_client_t *intake, const char *case_id, int reason, const char *evaluation)
{
    Kumppani__V1__CloseCase body = KUMPPANI__V1__CLOSE_CASE__INIT;
    body.case_id = (char *) case_id;
    body.reason = reason;
    body.final_evaluation = (char *) evaluation;
    return s_call (intake, ROLE (SOCIAL_WORKER), BODY (CLOSE_CASE), &body);
}

static void
s_closed (kp_client_t *intake, const char *case_id)
{
    Kumppani__V1__Reply *reply = s_close (intake, case_id, KUMPPANI__V1__CLOSURE_REASON__CLOSURE_REASON_GOALS_REACHED,
                                          "goals reached");
    s_expect (reply, STATUS (OK), NULL, NULL);
    cr_assert_eq (reply->intake_case->state_enum, KUMPPANI__V1__CASE_STATE__CASE_STATE_CLOSED);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

static long long
s_snapshots (const char *case_id, const char *kind)
{
    char sql [160];
    snprintf (sql, sizeof sql, "SELECT count(*) FROM intake.participant_snapshots"
                               " WHERE case_id = $1 AND kind = '%s'", kind);
    return kpt_scalar (sql, case_id);
}

//  A Helsinki date days from today, as YYYY-MM-DD.
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

// ---------------------------------------------------------------------

Test (reporting_snapshots, start_and_exit_from_intake)
{
    kpt_service_start ("intake", NULL);
    s_start ();
    kp_client_t *intake_743 = kpt_client ("intake", "muni-743");
    kp_client_t *intake_091 = kpt_client ("intake", "muni-091");
    static char cases [PEOPLE + 1][KP_ID_LEN + 1];
    char *cases_743 [PEOPLE + 1], *cases_091 [PEOPLE];
    size_t n_743 = 0, n_091 = 0;

    //  Movers: unemployed in 743 when the case opens; at the close
    //  employed and living in 091. The first of them had an earlier case,
    //  closed before anything changed and then "inactive" when the second
    //  opened: the start is the first case's, the exit the last case's.
    for (int index = 0; index < MOVERS; index++) {
        s_person_t *person = &s_people [index];
        *person = (s_person_t) { .start_labour = "unemployed", .start_municipality = "743",
                                 .exit_labour = "employed", .exit_municipality = "091", .exited = true };
        s_register (intake_743, person, "743", LABOUR (UNEMPLOYED));
        if (index == 0) {
            s_open (intake_743, person, cases [PEOPLE]);
            cases_743 [n_743++] = cases [PEOPLE];
            s_closed (intake_743, cases [PEOPLE]);
            s_update (intake_743, person, "743", LABOUR (INACTIVE));
        }
        s_open (intake_743, person, cases [index]);
        cases_743 [n_743++] = cases [index];
        s_update (intake_743, person, "743", LABOUR (EMPLOYED));
        //  No operation moves a client to another municipality (update_client
        //  needs the caller entitled in both), so the move is recorded as a
        //  population-register update would be: in the table.
        s_sql ("UPDATE intake.clients SET municipality = '091' WHERE client_id = '%s'", person->client_id);
        s_closed (intake_743, cases [index]);
    }
    //  Still open: long-term unemployed in 743.
    for (int index = MOVERS; index < MOVERS + STILL_OPEN; index++) {
        s_person_t *person = &s_people [index];
        *person = (s_person_t) { .start_labour = "long_term_unemployed", .start_municipality = "743" };
        s_register (intake_743, person, "743", LABOUR (LONG_TERM_UNEMPLOYED));
        s_open (intake_743, person, cases [index]);
        cases_743 [n_743++] = cases [index];
    }
    //  Students in 091 and unemployed in 743 whose cases close unchanged.
    for (int index = MOVERS + STILL_OPEN; index < PEOPLE; index++) {
        s_person_t *person = &s_people [index];
        bool in_091 = index < MOVERS + STILL_OPEN + STAYERS_091;
        const char *municipality = in_091 ? "091" : "743";
        const char *labour = in_091 ? "student" : "unemployed";
        *person = (s_person_t) { .start_labour = labour, .start_municipality = municipality,
                                 .exit_labour = labour, .exit_municipality = municipality, .exited = true };
        kp_client_t *intake = in_091 ? intake_091 : intake_743;
        s_register (intake, person, municipality, in_091 ? LABOUR (STUDENT) : LABOUR (UNEMPLOYED));
        s_open (intake, person, cases [index]);
        if (in_091)
            cases_091 [n_091++] = cases [index];
        else
            cases_743 [n_743++] = cases [index];
        s_closed (intake, cases [index]);
    }
    //  What intake stored, case by case: a start for each, an exit for each closed.
    for (int index = 0; index <= PEOPLE; index++) {
        cr_assert_eq (s_snapshots (cases [index], "start"), 1, "case %d", index);
        bool open = index >= MOVERS && index < MOVERS + STILL_OPEN;
        cr_assert_eq (s_snapshots (cases [index], "exit"), open ? 0 : 1, "case %d", index);
    }
    //  The mover's snapshots as stored: age on the day, the case's times.
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM intake.participant_snapshots s JOIN intake.cases k"
                              " USING (case_id) WHERE case_id = $1 AND ((s.kind = 'start'"
                              " AND s.labour_market_status = 'inactive' AND s.municipality = '743'"
                              " AND s.taken_at = k.opened_at) OR (s.kind = 'exit'"
                              " AND s.labour_market_status = 'employed' AND s.municipality = '091'"
                              " AND s.taken_at = k.closed_at))"
                              " AND s.gender = 'woman' AND s.education_level = 'isced_3_4'"
                              " AND s.age = extract (year FROM age ((s.taken_at AT TIME ZONE 'Europe/Helsinki')::date,"
                              " date '1980-05-05'))", cases [0]), 2, "the mover's second case");

    //  The project, and each municipality links its own cases.
    char from [11], to [11];
    s_day (-30, from);
    s_day (30, to);
    kp_client_t *ngo = kpt_client ("reporting", "ngo-743");
    kp_client_t *muni = kpt_client ("reporting", "muni-743");
    kp_client_t *helsinki = kpt_client ("reporting", "muni-091");
    char *areas [] = { "743", "091" };
    Kumppani__V1__DefineProject define = KUMPPANI__V1__DEFINE_PROJECT__INIT;
    define.name = "snapshots";
    define.period_start = from;
    define.period_end = to;
    define.municipalities = areas;
    define.n_municipalities = 2;
    define.planned_participants = 25;
    Kumppani__V1__Reply *reply = s_call (ngo, ROLE (COORDINATOR), BODY (DEFINE_PROJECT), &define);
    s_expect (reply, STATUS (OK), NULL, NULL);
    char project [KP_ID_LEN + 1];
    snprintf (project, sizeof project, "%s", reply->project->project_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_link (muni, project, cases_743, n_743);
    s_expect (reply, STATUS (OK), NULL, NULL);
    cr_assert_eq (reply->project->cases_linked, n_743);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_link (helsinki, project, cases_091, n_091);
    s_expect (reply, STATUS (OK), NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    reply = s_report (ngo, ROLE (COORDINATOR), "participants", from, to, project, NULL);
    s_expect (reply, STATUS (OK), NULL, NULL);
    const Kumppani__V1__ReportTable *table = reply->report_table;
    s_check_table (table);
    //  Once each: 20 people at start (the mover with two cases once), 15
    //  at exit (the 5 still open are not there). Everybody here is a
    //  woman, so a row publishing both its women and its total would say
    //  that its other three columns are 0 (they add up to total − women):
    //  a zero published by subtraction, which the audit does not allow,
    //  so each such row shows one of the two, never both.
    s_women_only (table, "start", "all", "all", "20");
    s_women_only (table, "exit", "all", "all", "15");
    //  The movers: unemployed in 743 at start, employed in 091 at exit.
    s_women_only (table, "start", "labour_market_status", "unemployed", "10");
    s_line_is (table, "start", "labour_market_status", "employed", "*|*|*|*|*");
    s_line_is (table, "start", "labour_market_status", "inactive", "*|*|*|*|*");
    s_women_only (table, "exit", "labour_market_status", "employed", "5");
    s_women_only (table, "exit", "labour_market_status", "unemployed", "5");
    s_women_only (table, "start", "municipality", "743", "15");
    s_line_is (table, "start", "municipality", "091", "*|*|*|*|*");
    s_line_is (table, "exit", "municipality", "743", "*|*|*|*|*");
    s_women_only (table, "exit", "municipality", "091", "10");
    //  Still open: at start, not at exit.
    s_women_only (table, "start", "labour_market_status", "long_term_unemployed", "5");
    s_line_is (table, "exit", "labour_market_status", "long_term_unemployed", "*|*|*|*|*");
    s_women_only (table, "start", "age_band", "30_54", "20");
    s_row_is (table, table->n_rows - 1, "|plan|planned_participants|||||25");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  A period that ended before any of it: nothing at start or exit.
    reply = s_report (ngo, ROLE (COORDINATOR), "participants", "2020-01-01", "2020-12-31", project, NULL);
    s_expect (reply, STATUS (OK), NULL, NULL);
    s_line_is (reply->report_table, "start", "all", "all", "*|*|*|*|*");
    s_line_is (reply->report_table, "exit", "all", "all", "*|*|*|*|*");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  No snapshot row carries a henkilötunnus or a client id.
    for (int index = 0; index < PEOPLE; index++) {
        char pattern [64];
        snprintf (pattern, sizeof pattern, "%s", s_people [index].hetu);
        cr_assert_eq (kpt_scalar ("SELECT count(*) FROM intake.participant_snapshots s"
                                  " WHERE strpos (row_to_json (s)::text, $1) > 0", pattern), 0);
        cr_assert_eq (kpt_scalar ("SELECT count(*) FROM intake.participant_snapshots s"
                                  " WHERE strpos (row_to_json (s)::text, $1) > 0", s_people [index].client_id), 0);
    }
    kp_client_destroy (&helsinki);
    kp_client_destroy (&muni);
    kp_client_destroy (&ngo);
    kp_client_destroy (&intake_091);
    kp_client_destroy (&intake_743);
}

//  The columns a snapshot has are the ESF attributes and nothing that
//  identifies a person; reporting reads them but not the backfill mark,
//  and still not the identity columns of the client.
Test (reporting_snapshots, no_identity_in_snapshots)
{
    PGresult *result = PQexec (kpt_admin (),
        "SELECT string_agg (column_name::text, ' ' ORDER BY ordinal_position) FROM information_schema.columns"
        " WHERE table_schema = 'intake' AND table_name = 'participant_snapshots'");
    cr_assert_eq (PQresultStatus (result), PGRES_TUPLES_OK);
    //  retaken_at (migration 0025): when a notice case's start snapshot
    //  was completed in its entry window; a time, no identity.
    cr_assert_str_eq (PQgetvalue (result, 0, 0), "case_id kind taken_at age gender labour_market_status"
                      " education_level municipality backfilled retaken_at");
    PQclear (result);
    PGconn *reporting = kpt_connect_as ("reporting");
    const struct { const char *sql; ExecStatusType status; } reads [] = {
        { "SELECT case_id, kind, taken_at, age, gender, labour_market_status, education_level, municipality"
          " FROM intake.participant_snapshots LIMIT 1", PGRES_TUPLES_OK },
        { "SELECT backfilled FROM intake.participant_snapshots LIMIT 1", PGRES_FATAL_ERROR },
        { "SELECT hetu_hash FROM intake.clients LIMIT 1", PGRES_FATAL_ERROR },
        { "SELECT hetu_box FROM intake.clients LIMIT 1", PGRES_FATAL_ERROR },
        { "INSERT INTO intake.participant_snapshots (case_id, kind, taken_at, municipality)"
          " VALUES ('x', 'start', now (), '743')", PGRES_FATAL_ERROR },
        { "SELECT intake.take_participant_snapshot ('x', 'start')", PGRES_FATAL_ERROR },
        { "SELECT intake.retake_start_snapshots ('x')", PGRES_FATAL_ERROR },
        { "SELECT retaken_at FROM intake.participant_snapshots LIMIT 1", PGRES_FATAL_ERROR },
    };
    for (size_t index = 0; index < sizeof reads / sizeof reads [0]; index++) {
        result = PQexec (reporting, reads [index].sql);
        cr_assert_eq (PQresultStatus (result), reads [index].status, "%s: %s", reads [index].sql,
                      PQresultErrorMessage (result));
        if (reads [index].status == PGRES_FATAL_ERROR)
            cr_assert_str_eq (PQresultErrorField (result, PG_DIAG_SQLSTATE), "42501", "%s", reads [index].sql);
        PQclear (result);
    }
    PQfinish (reporting);
    //  Intake writes a snapshot once and never changes or removes one.
    PGconn *intake = kpt_connect_as ("intake");
    const char *writes [] = {
        "UPDATE intake.participant_snapshots SET labour_market_status = 'employed'",
        "DELETE FROM intake.participant_snapshots",
    };
    for (size_t index = 0; index < 2; index++) {
        result = PQexec (intake, writes [index]);
        cr_assert_str_eq (PQresultErrorField (result, PG_DIAG_SQLSTATE), "42501", "%s", writes [index]);
        PQclear (result);
    }
    PQfinish (intake);
}

//  A close that is malformed, oversized, not the caller's, repeated with
//  the same key or out of order writes no (second) exit snapshot.
Test (reporting_snapshots, refused_closes_write_no_exit)
{
    kpt_service_start ("stream", NULL);
    kpt_service_start ("intake", NULL);
    kp_client_t *intake_743 = kpt_client ("intake", "muni-743");
    kp_client_t *intake_091 = kpt_client ("intake", "muni-091");
    s_person_t person = { .start_labour = "unemployed" };
    s_register (intake_743, &person, "743", LABOUR (UNEMPLOYED));
    char case_id [KP_ID_LEN + 1];
    s_open (intake_743, &person, case_id);
    cr_assert_eq (s_snapshots (case_id, "start"), 1);

    Kumppani__V1__Reply *reply = s_close (intake_743, case_id, 0, "");
    s_expect (reply, STATUS (INVALID), "intake.closure_reason", "close_case.reason");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    char *oversized = malloc (4002);
    memset (oversized, 'x', 4001);
    oversized [4001] = '\0';
    reply = s_close (intake_743, case_id, KUMPPANI__V1__CLOSURE_REASON__CLOSURE_REASON_NO_NEED, oversized);
    s_expect (reply, STATUS (INVALID), "intake.final_evaluation", "close_case.final_evaluation");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    free (oversized);
    reply = s_close (intake_091, case_id, KUMPPANI__V1__CLOSURE_REASON__CLOSURE_REASON_NO_NEED, "");
    s_expect (reply, STATUS (NOT_FOUND), "intake.unknown_case", NULL);      //  091 is not told it exists
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_close (intake_743, "not-an-id", KUMPPANI__V1__CLOSURE_REASON__CLOSURE_REASON_NO_NEED, "");
    s_expect (reply, STATUS (INVALID), "intake.case_id", "close_case.case_id");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (s_snapshots (case_id, "exit"), 0, "a refused close left an exit snapshot");

    //  The close, then its retry with the same key: the stored reply, once.
    Kumppani__V1__CloseCase body = KUMPPANI__V1__CLOSE_CASE__INIT;
    body.case_id = case_id;
    body.reason = KUMPPANI__V1__CLOSURE_REASON__CLOSURE_REASON_NO_NEED;
    body.final_evaluation = "";
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, ROLE (SOCIAL_WORKER), true);
    request.body_case = BODY (CLOSE_CASE);
    request.close_case = &body;
    for (int attempt = 0; attempt < 2; attempt++) {
        reply = kpt_call (intake_743, &request);
        cr_assert_not_null (reply);
        s_expect (reply, STATUS (OK), NULL, NULL);
        cr_assert_eq (reply->intake_case->state_enum, KUMPPANI__V1__CASE_STATE__CASE_STATE_CLOSED);
        kumppani__v1__reply__free_unpacked (reply, NULL);
    }
    cr_assert_eq (s_snapshots (case_id, "exit"), 1);
    //  Closing it again with a new key is out of order: CONFLICT, still one.
    reply = s_close (intake_743, case_id, KUMPPANI__V1__CLOSURE_REASON__CLOSURE_REASON_NO_NEED, "");
    s_expect (reply, STATUS (CONFLICT), "intake.illegal_transition", NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (s_snapshots (case_id, "exit"), 1);
    cr_assert_eq (s_snapshots (case_id, "start"), 1);
    kp_client_destroy (&intake_091);
    kp_client_destroy (&intake_743);
}
