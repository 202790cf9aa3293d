/*  The reporting service through real CURVE sockets against the test
    cluster: a seeded scenario (intake rows put in with the administrator
    connection, referral events appended as the referral service would) whose report figures are checked
    against values computed here; disclosure control as the tables show
    it, secondary suppression included; who is refused; bad requests. */
#include "test_reporting.h"

TestSuite (reporting, .init = kpt_setup, .fini = kpt_teardown, .timeout = 90);

// ---------------------------------------------------------------------
// Referral SLA. March 2024 has no holiday before Good Friday (29.3), so
// working days from Monday 4.3 are: 5.3 = 1, 6.3 = 2, 7.3 = 3, 8.3 = 4,
// 11.3 = 5, 12.3 = 6, 13.3 = 7 (the 7-working-day deadline), 14.3 = 8, 15.3 = 9.

//  A notice received on 4.3.2024 with the 7-working-day clock to 13.3:
//  acknowledged on acked, assessment started on assessed ("" for not yet),
//  which stops the clock. Returns the last event's seq.
static long long
s_notice (const char *municipality, int kind, const char *sender, const char *acked, const char *assessed)
{
    char id [KP_ID_LEN + 1];
    kp_id_new (id);
    long long seq = s_referral_event ("referral.received", id, municipality, kind, sender, 0, 1,
                                      "2024-03-13", "2024-03-04");
    if (*acked)
        seq = s_referral_event ("referral.acknowledged", id, municipality, kind, sender, 1, 2,
                                "2024-03-13", acked);
    if (*assessed)
        seq = s_referral_event ("referral.status_changed", id, municipality, kind, sender, *acked ? 2 : 1, 6,
                                "", assessed);
    return seq;
}

Test (reporting, referral_sla_by_municipality_and_kela)
{
    s_start ();
    //  743, Kela's need-for-social-work notices: acknowledged after 0-5
    //  working days, five assessments started after 4, 6, 7, 8, 9 days
    //  (met, met, met, missed, missed), one still running past 13.3.
    const char *acked [] = { "2024-03-04", "2024-03-05", "2024-03-06", "2024-03-07", "2024-03-08", "2024-03-11" };
    const char *assessed [] = { "2024-03-08", "2024-03-12", "2024-03-13", "2024-03-14", "2024-03-15", "" };
    long long seq = 0;
    for (int index = 0; index < 6; index++)
        seq = s_notice ("743", 1, "kela", acked [index], assessed [index]);
    //  743, five §35 notices from the police: 1 day, 2 days, all met.
    for (int index = 0; index < 5; index++)
        seq = s_notice ("743", 6, "police-743", "2024-03-05", "2024-03-06");
    //  091, two Kela notices never answered (overdue).
    for (int index = 0; index < 2; index++)
        seq = s_notice ("091", 1, "kela", "", "");
    s_rolled_up (seq);

    kp_client_t *muni = kpt_client ("reporting", "muni-743");
    Kumppani__V1__Reply *reply = s_report (muni, ROLE (SOCIAL_WORKER), "referral_sla",
                                           "2024-03-01", "2024-03-31", NULL, NULL);
    s_expect (reply, STATUS (OK), NULL, NULL);
    const Kumppani__V1__ReportTable *table = reply->report_table;
    cr_assert_eq (table->threshold, 5);
    cr_assert_eq (table->n_rows, 3, "743's two kinds and the totals: %zu rows", table->n_rows);
    //  Medians and p90 by nearest rank: acks 0,1,2,3,4,5 give 2 and 5;
    //  assessments 4,6,7,8,9 give 7 and 9. Within 3 and breaches 3 are
    //  under 5; the §35 row's within (5) is hidden as the complement in
    //  its column (the total 8 would give it back), its breaches (0) are
    //  small; the total of breaches (3) is small; shares go with them.
    s_row_is (table, 0, "743|2024-03|social_work_need|6|6|2|5|5|7|9|*|*|*|*|*|*");
    s_row_is (table, 1, "743|2024-03|section_35_notice|5|5|1|1|5|2|2|*|*|*|*|*|*");
    //  Totals: acks 0,1,1,1,1,1,1,2,3,4,5 (median 1, p90 4); assessments
    //  2,2,2,2,2,4,6,7,8,9 (median 2, p90 8); within 8.
    s_row_is (table, 2, "all|all|all|11|11|1|4|10|2|8|8|*|*|*|*|*");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Kela: its own notices only (not the police's), in every municipality.
    kp_client_t *kela = kpt_client ("reporting", "kela");
    reply = s_report (kela, ROLE (KELA_OFFICER), "referral_sla", "2024-03-01", "2024-03-31", NULL, NULL);
    s_expect (reply, STATUS (OK), NULL, NULL);
    table = reply->report_table;
    cr_assert_eq (table->n_rows, 3);
    //  091 has 2 notices: the row goes whole; with two rows, each of its
    //  hidden counts needs a complement in 743's row. The totals (8 = 6
    //  + 2, no police notice) stay; only within (3) is small there.
    s_row_is (table, 0, "091|2024-03|social_work_need|*|*|*|*|*|*|*|*|*|*|*|*|*");
    s_row_is (table, 1, "743|2024-03|social_work_need|*|*|*|*|*|*|*|*|*|*|*|*|*");
    s_row_is (table, 2, "all|all|all|8|6|2|5|5|7|9|*|5|*|*|*|*");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Every run is audited with the report's name.
    cr_assert_geq (kpt_scalar ("SELECT count(*) FROM kp.audit_log WHERE action = 'reporting.run_report'"
                               " AND detail = $1", "referral_sla"), 2);
    //  Kela asking for anything else, a municipality for another area:
    reply = s_report (kela, ROLE (KELA_OFFICER), "participants", "2024-03-01", "2024-03-31", NULL, NULL);
    s_expect (reply, STATUS (FORBIDDEN), "reporting.forbidden", NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_report (muni, ROLE (SOCIAL_WORKER), "referral_sla", "2024-03-01", "2024-03-31", NULL, "091");
    s_expect (reply, STATUS (FORBIDDEN), "reporting.forbidden", NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&kela);
    kp_client_destroy (&muni);
}

// ---------------------------------------------------------------------
// A project (TASOS-like) across 743 and 091, defined by an NGO's
// coordinator; each municipality links its own cases.

typedef struct {
    const char *municipality;
    const char *gender;             //  NULL: not told
    int age;                        //  at the case's opening (10.3.2024)
    const char *labour;             //  NULL: unknown
    const char *education;
} s_person_t;

static const s_person_t s_people [] = {
    { "743", "woman", 25, "unemployed", "isced_3_4" },
    { "743", "woman", 27, "unemployed", "isced_3_4" },
    { "743", "woman", 22, "long_term_unemployed", "isced_0_2" },
    { "743", "woman", 40, "long_term_unemployed", "isced_3_4" },
    { "743", "woman", 45, "unemployed", "isced_3_4" },
    { "743", "woman", 35, "inactive", "isced_0_2" },
    { "743", "woman", 60, "unemployed", "isced_5_8" },
    { "743", "man", 20, "unemployed", "isced_0_2" },
    { "743", "man", 28, "long_term_unemployed", "isced_3_4" },
    { "743", "man", 33, "unemployed", "isced_3_4" },
    { "743", "man", 50, "unemployed", "isced_0_2" },
    { "743", "man", 19, "student", "isced_3_4" },
    { "743", "non_binary", 24, "unemployed", "isced_3_4" },
    { "743", NULL, 17, NULL, NULL },
    { "091", "woman", 30, "unemployed", "isced_3_4" },
    { "091", "woman", 31, "unemployed", "isced_3_4" },
    { "091", "man", 40, "employed", "isced_5_8" },
};
#define PEOPLE (sizeof s_people / sizeof s_people [0])

static const char *
s_band (int age)
{
    return age < 18 ? "under_18" : age < 30 ? "18_29" : age < 55 ? "30_54" : "55_plus";
}

//  Expected participants for a row and a gender column ("total": all),
//  counted straight from the seed.
static long
s_expected (const char *dimension, const char *category, const char *gender, const char *only)
{
    long count = 0;
    for (size_t index = 0; index < PEOPLE; index++) {
        const s_person_t *person = &s_people [index];
        if (only && strcmp (person->municipality, only) != 0)
            continue;
        const char *their = person->gender ? person->gender : "not_told";
        if (strcmp (gender, "total") != 0 && strcmp (gender, their) != 0)
            continue;
        const char *value = strcmp (dimension, "all") == 0 ? "all"
                          : strcmp (dimension, "age_band") == 0 ? s_band (person->age)
                          : strcmp (dimension, "labour_market_status") == 0
                            ? (person->labour ? person->labour : "unknown")
                          : strcmp (dimension, "education_level") == 0
                            ? (person->education ? person->education : "unknown")
                          : strcmp (dimension, "target_group") == 0
                            ? (strcmp (category, "under_25") == 0 ? (person->age < 25 ? category : "")
                                                                  : (person->age < 34 ? category : ""))
                          : person->municipality;
        count += strcmp (value, category) == 0;
    }
    return count;
}

//  Every shown count equals the seed's (start rows; no case has closed,
//  so every exit count is 0); every count under the threshold is hidden;
//  no row and no block column has exactly one hidden cell.
static void
s_check_participants (const Kumppani__V1__ReportTable *table, const char *only, size_t rows)
{
    static const char *genders [] = { "woman", "man", "non_binary", "not_told", "total" };
    size_t checked = 0, all_rows [2] = { 0, 0 }, snapshots = 0;
    for (size_t row = 0; row < table->n_rows; row++) {
        const char *dimension = s_cell (table, row, "dimension");
        if (strcmp (dimension, "plan") == 0)
            continue;
        bool exit = strcmp (s_cell (table, row, "snapshot"), "exit") == 0;
        cr_assert (exit || strcmp (s_cell (table, row, "snapshot"), "start") == 0);
        if (strcmp (dimension, "all") == 0)
            all_rows [snapshots++] = row;
        int hidden = 0;
        long lone = 0;
        for (int gender = 0; gender < 5; gender++) {
            long want = exit ? 0 : s_expected (dimension, s_cell (table, row, "category"), genders [gender], only);
            const char *got = s_cell (table, row, genders [gender]);
            if (strcmp (got, "*") == 0) {
                hidden++;
                lone = want;
            }
            else
                cr_assert_eq (atol (got), want, "%s/%s/%s: %s, expected %ld", dimension,
                              s_cell (table, row, "category"), genders [gender], got, want);
            if (want < 5)
                cr_assert_str_eq (got, "*", "%s/%s/%s: %ld shown", dimension,
                                  s_cell (table, row, "category"), genders [gender], want);
            checked++;
        }
        //  One hidden cell alone is recovered by subtraction: allowed only
        //  for a count that could have been published (the audit hid it
        //  for another line's sake).
        cr_assert (hidden != 1 || lone >= 5, "row %zu recoverable from its total", row);
    }
    cr_assert_eq (snapshots, 2, "a start and an exit block");
    //  Columns of each block with its snapshot's "all" row.
    static const char *dimensions [] = { "age_band", "labour_market_status", "education_level", "municipality" };
    for (size_t snapshot = 0; snapshot < 2; snapshot++)
        for (int block = 0; block < 4; block++)
            for (int gender = 0; gender < 5; gender++) {
                size_t all = all_rows [snapshot];
                bool exit = snapshot == 1;
                int hidden = 0;
                long lone = 0;
                for (size_t row = all; row < table->n_rows; row++)
                    if (strcmp (s_cell (table, row, "snapshot"), s_cell (table, all, "snapshot")) == 0
                    &&  (row == all || strcmp (s_cell (table, row, "dimension"), dimensions [block]) == 0)
                    &&  strcmp (s_cell (table, row, genders [gender]), "*") == 0) {
                        hidden++;
                        lone = exit ? 0 : s_expected (s_cell (table, row, "dimension"), s_cell (table, row, "category"),
                                                      genders [gender], only);
                    }
                cr_assert (hidden != 1 || lone >= 5, "%s/%s recoverable from the totals", dimensions [block],
                           genders [gender]);
            }
    cr_assert_eq (checked, 2 * rows * 5, "%zu cells checked", checked);
}

//  Makes client and case rows; ids into cases (PEOPLE + 1: the first
//  person has a second case, counted once).
static void
s_seed_people (char cases [][KP_ID_LEN + 1])
{
    for (size_t index = 0; index <= PEOPLE; index++) {
        const s_person_t *person = &s_people [index < PEOPLE ? index : 0];
        static char client [KP_ID_LEN + 1], first [KP_ID_LEN + 1];
        if (index < PEOPLE) {
            kp_id_new (client);
            char gender [32], labour [48], education [32], birth [32];
            snprintf (gender, sizeof gender, person->gender ? "'%s'" : "NULL", person->gender);
            snprintf (labour, sizeof labour, person->labour ? "'%s'" : "NULL", person->labour);
            snprintf (education, sizeof education, person->education ? "'%s'" : "NULL", person->education);
            //  The last 743 person gives a birth year only.
            if (person->labour)
                snprintf (birth, sizeof birth, "'%d-01-01', NULL", 2024 - person->age);
            else
                snprintf (birth, sizeof birth, "NULL, %d", 2024 - person->age);
            s_sql ("INSERT INTO intake.clients (client_id, municipality, birth_date, birth_year, gender,"
                   " labour_market_status, education_level, created_by_org) VALUES ('%s', '%s', %s, %s, %s,"
                   " %s, 'muni-%s')", client, person->municipality, birth, gender, labour, education,
                   person->municipality);
            if (index == 0)
                strcpy (first, client);             //  for the second case
        }
        kp_id_new (cases [index]);
        s_sql ("INSERT INTO intake.cases (case_id, client_id, municipality, channel, responsible_worker,"
               " opened_at, opened_by_org) VALUES ('%s', '%s', '%s', 'own_contact', 'w1',"
               " '2024-03-%02d 12:00+02', 'muni-%s')", cases [index],
               index < PEOPLE ? client : first, person->municipality, index < PEOPLE ? 10 : 20,
               person->municipality);
        //  The start snapshot intake takes when it opens a case itself.
        cr_assert_eq (kpt_scalar ("SELECT intake.take_participant_snapshot ($1, 'start')", cases [index]), 1);
    }
}

Test (reporting, project_participants_outcomes_and_suppression)
{
    s_start ();
    char cases [PEOPLE + 1][KP_ID_LEN + 1];
    s_seed_people (cases);

    kp_client_t *ngo = kpt_client ("reporting", "ngo-743");
    Kumppani__V1__ProjectTarget target = KUMPPANI__V1__PROJECT_TARGET__INIT;
    target.code = "talousneuvola_processes";
    target.description = "6-10 talousneuvola group processes";
    target.min = 6;
    target.max = 10;
    Kumppani__V1__ProjectTarget *targets [] = { &target };
    char *areas [] = { "743", "091" };
    Kumppani__V1__DefineProject define = KUMPPANI__V1__DEFINE_PROJECT__INIT;
    define.name = "TASOS";
    define.period_start = "2020-09-01";
    define.period_end = "2025-02-28";
    define.municipalities = areas;
    define.n_municipalities = 2;
    define.planned_participants = 328;
    define.targets = targets;
    define.n_targets = 1;
    //  An NGO worker who is not a coordinator may not define a project.
    Kumppani__V1__Reply *reply = s_call (ngo, ROLE (NGO_WORKER), BODY (DEFINE_PROJECT), &define);
    s_expect (reply, STATUS (FORBIDDEN), "reporting.forbidden", NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_call (ngo, ROLE (COORDINATOR), BODY (DEFINE_PROJECT), &define);
    s_expect (reply, STATUS (OK), NULL, NULL);
    char project [KP_ID_LEN + 1];
    snprintf (project, sizeof project, "%s", reply->project->project_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM reporting.project_targets WHERE project_id = $1"
                              " AND min_value = 6 AND max_value = 10", project), 1);

    //  Each municipality links its own cases; 091's case is not 743's to link.
    kp_client_t *muni = kpt_client ("reporting", "muni-743");
    kp_client_t *helsinki = kpt_client ("reporting", "muni-091");
    char *ids [PEOPLE + 1];
    size_t n_743 = 0, n_091 = 0;
    char *ids_091 [PEOPLE];
    for (size_t index = 0; index <= PEOPLE; index++) {
        const s_person_t *person = &s_people [index < PEOPLE ? index : 0];
        if (strcmp (person->municipality, "743") == 0)
            ids [n_743++] = cases [index];
        else
            ids_091 [n_091++] = cases [index];
    }
    reply = s_link (muni, project, ids_091, 1);
    s_expect (reply, STATUS (NOT_FOUND), "reporting.case_not_found", "link_to_project.case_ids[0]");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_link (muni, project, ids, n_743);
    s_expect (reply, STATUS (OK), NULL, NULL);
    cr_assert_eq (reply->project->cases_linked, n_743);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_link (muni, project, ids, n_743);     //  again: nothing new
    s_expect (reply, STATUS (OK), NULL, NULL);
    cr_assert_eq (reply->project->cases_linked, 0);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_link (helsinki, project, ids_091, n_091);
    s_expect (reply, STATUS (OK), NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  The coordinator sees the whole project: 17 people, once each, at
    //  start; none has left, so the exit rows are all hidden zeros.
    reply = s_report (ngo, ROLE (COORDINATOR), "participants", "2024-01-01", "2024-12-31", project, NULL);
    s_expect (reply, STATUS (OK), NULL, NULL);
    const Kumppani__V1__ReportTable *table = reply->report_table;
    //  all, 5 age bands, 7 labour-market statuses, 4 education levels, 2
    //  areas, 2 target groups
    s_check_participants (table, NULL, 21);
    //  9 women, 6 men, 1 non-binary, 1 not telling. The rule before the
    //  audit published 9 and 6 and hid the two 1s: they add up to 17 − 15
    //  = 2, so a reader knew each to be 0, 1 or 2. The men's 6 is hidden
    //  too now; put back, the table fails the audit again. (Every
    //  complement left after the audit's pruning is needed like this.)
    s_row_is (table, 0, "start|all|all|9|*|*|*|17");
    Kumppani__V1__ReportTable *received = reply->report_table;
    cr_assert_not_null (s_audit_with (received, 0, "man", "6"), "the 6 is needed");
    s_row_is (table, 21, "exit|all|all|*|*|*|*|*");
    cr_assert_eq (table->n_rows, 2 * 21 + 1);
    //  The plan beside the actual figure.
    s_row_is (table, table->n_rows - 1, "|plan|planned_participants|||||328");
    //  Secondary suppression, visible: 091 (3 people) goes whole, and as
    //  the "all" row publishes each column's total, 743's row (7, 5, 1,
    //  1, 14: two of them large) must go with it, or 091 = all - 743.
    int found = 0;
    for (size_t row = 0; row < table->n_rows; row++)
        if (strcmp (s_cell (table, row, "dimension"), "municipality") == 0) {
            char expected [64];
            snprintf (expected, sizeof expected, "%s|municipality|%s|*|*|*|*|*", s_cell (table, row, "snapshot"),
                      strcmp (s_cell (table, row, "category"), "091") == 0 ? "091" : "743");
            s_row_is (table, row, expected);
            found++;
        }
    cr_assert_eq (found, 4);
    //  18-29: 3 women, 3 men, 1 non-binary, no one not telling: every
    //  gender cell small. Its total 7 goes as well now: with the age bands'
    //  totals published, the hidden ones added up to too little to hide
    //  the small counts in them (the audit's complement: the smallest
    //  published cell on a line through the pinned one).
    for (size_t row = 0; row < 21; row++)
        if (strcmp (s_cell (table, row, "category"), "18_29") == 0) {
            s_row_is (table, row, "start|age_band|18_29|*|*|*|*|*");
            cr_assert_not_null (s_audit_with (received, row, "total", "7"), "the 7 is needed");
        }
    //  Target groups: under 25, 5 people (each gender small); under 34, 11
    //  (5 women). The target groups overlap the age bands through counts
    //  never published (under_25 = under_18 + 18-24, under_34 = under_25 +
    //  25-33): with the under-25 total and the under-34 women shown, the
    //  audit finds those unpublished bands pinned, and both go (each
    //  needed: put back, the table fails the audit).
    for (size_t row = 0; row < 21; row++)
        if (strcmp (s_cell (table, row, "dimension"), "target_group") == 0) {
            bool under_25 = strcmp (s_cell (table, row, "category"), "under_25") == 0;
            s_row_is (table, row, under_25 ? "start|target_group|under_25|*|*|*|*|*"
                                           : "start|target_group|under_34|*|*|*|*|11");
            cr_assert_not_null (under_25 ? s_audit_with (received, row, "total", "5")
                                         : s_audit_with (received, row, "woman", "5"), "row %zu: needed", row);
        }
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  The municipality sees its own area of the project only.
    reply = s_report (muni, ROLE (SOCIAL_WORKER), "participants", "2024-01-01", "2024-12-31", project, NULL);
    s_expect (reply, STATUS (OK), NULL, NULL);
    s_check_participants (reply->report_table, "743", 20);
    //  7 women, 5 men, 1 and 1: as in the project's row above, the two 1s
    //  alone would add up to 2, so the men's 5 is hidden with them.
    s_row_is (reply->report_table, 0, "start|all|all|7|*|*|*|14");
    cr_assert_not_null (s_audit_with (reply->report_table, 0, "man", "5"), "the 5 is needed");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Outcomes: twelve 743 cases measured at the start (10.3) and end
    //  (10.6). goals: 7 of 12 from 2 to 4, 5 stay at 2: n 12, improved 7,
    //  mean 14/12. services (cases 1-6): 5 from 2 to 3, one from 3 to 2:
    //  n 6, mean 4/6, but 1 did not improve, so "improved" (5) would give
    //  that 1 away: hidden, with its share. methods (cases 1-3): n 3,
    //  the row goes whole. Six of the cases also have a group measure
    //  whose goals all went from 2 to 5.
    for (int index = 0; index < 12; index++) {
        s_measure (ids [index], NULL, "start", "2024-03-10", 2, index < 5 ? 2 : index == 5 ? 3 : 0,
                   index < 3 ? 1 : 0);
        s_measure (ids [index], NULL, "end", "2024-06-10", index < 7 ? 4 : 2,
                   index < 5 ? 3 : index == 5 ? 2 : 0, index < 3 ? 5 : 0);
        if (index < 6) {
            char measure [KP_ID_LEN + 1];
            kp_id_new (measure);
            s_sql ("INSERT INTO intake.measures (measure_id, case_id, kind, description, responsible_person,"
                   " linked_ref) VALUES ('%s', '%s', 'group', 'nature group', 'w1', '')", measure, ids [index]);
            s_measure (ids [index], measure, "start", "2024-04-01", 2, 0, 0);
            s_measure (ids [index], measure, "end", "2024-05-30", 5, 0, 0);
        }
    }
    reply = s_report (ngo, ROLE (COORDINATOR), "outcomes", "2024-01-01", "2024-12-31", project, NULL);
    s_expect (reply, STATUS (OK), NULL, NULL);
    //  goals over all: 18 pairs, 13 improved, mean (14 + 18) / 18. In the
    //  group measure all 6 improved, so its "not improved" (0) is hidden
    //  and "improved" with it; then the case measure's 7, or 13 - 7 would
    //  give the group's 6 back.
    const char *outcomes [] = {
        "avain|goals|case|12|*|1.17|*", "avain|goals|group|6|*|3.00|*", "avain|goals|all|18|13|1.78|0.72",
        "avain|services|case|6|*|0.67|*", "avain|services|all|6|*|0.67|*",
        "avain|methods|case|*|*|*|*", "avain|methods|all|*|*|*|*"
    };
    s_table_is (reply->report_table, outcomes, 7);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Social reporting, by theme and area: housing concerns 3 clients
    //  (hidden), so debt's 12 is hidden with it, or the total 35 would
    //  give the 3 back; loneliness (20) and the total stay.
    const struct { const char *theme; unsigned clients; } observed [] = {
        { "housing", 3 }, { "debt", 12 }, { "loneliness", 20 }
    };
    for (int index = 0; index < 3; index++) {
        Kumppani__V1__SubmitObservation body = KUMPPANI__V1__SUBMIT_OBSERVATION__INIT;
        body.theme = (char *) observed [index].theme;
        body.area = "091";
        body.period_start = "2024-04-01";
        body.period_end = "2024-04-30";
        body.description = "observed in the talousneuvola";
        body.clients_concerned = observed [index].clients;
        reply = s_call (helsinki, ROLE (SOCIAL_WORKER), BODY (SUBMIT_OBSERVATION), &body);
        s_expect (reply, STATUS (OK), NULL, NULL);
        kumppani__v1__reply__free_unpacked (reply, NULL);
    }
    reply = s_report (helsinki, ROLE (SOCIAL_WORKER), "social_reporting", "2024-01-01", "2024-12-31", NULL, NULL);
    s_expect (reply, STATUS (OK), NULL, NULL);
    table = reply->report_table;
    cr_assert_eq (table->n_rows, 4);
    s_row_is (table, 0, "debt|091|1|*");
    s_row_is (table, 1, "housing|091|1|*");
    s_row_is (table, 2, "loneliness|091|1|20");
    s_row_is (table, 3, "all|all|3|35");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  743 sees none of 091's observations.
    reply = s_report (muni, ROLE (SOCIAL_WORKER), "social_reporting", "2024-01-01", "2024-12-31", NULL, NULL);
    s_expect (reply, STATUS (OK), NULL, NULL);
    cr_assert_eq (reply->report_table->n_rows, 1);
    s_row_is (reply->report_table, 0, "all|all|0|*");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Nothing a report returns names a person: no case or client id.
    reply = s_report (ngo, ROLE (COORDINATOR), "participants", "2024-01-01", "2024-12-31", project, NULL);
    for (size_t row = 0; row < reply->report_table->n_rows; row++)
        for (size_t col = 0; col < reply->report_table->n_columns; col++)
            cr_assert (!kp_id_valid (reply->report_table->rows [row]->cells [col]->value));
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Another coordinator's project is not there for this one.
    kp_client_t *debt = kpt_client ("reporting", "debt-743");
    reply = s_report (debt, ROLE (COORDINATOR), "participants", "2024-01-01", "2024-12-31", project, NULL);
    s_expect (reply, STATUS (NOT_FOUND), "reporting.project_not_found", "run_report.project_id");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&debt);
    kp_client_destroy (&helsinki);
    kp_client_destroy (&muni);
    kp_client_destroy (&ngo);
}

Test (reporting, refused_and_malformed)
{
    s_start ();
    //  Integrators see nothing here; a partner without a project neither.
    kp_client_t *integrator = kpt_client ("reporting", "integrator-743");
    Kumppani__V1__Reply *reply = s_report (integrator, ROLE (INTEGRATOR), "referral_sla",
                                           "2024-01-01", "2024-12-31", NULL, NULL);
    s_expect (reply, STATUS (FORBIDDEN), "auth.forbidden", NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&integrator);
    kp_client_t *debt = kpt_client ("reporting", "debt-743");
    reply = s_report (debt, ROLE (DEBT_COUNSELLOR), "participants", "2024-01-01", "2024-12-31", NULL, NULL);
    s_expect (reply, STATUS (FORBIDDEN), "reporting.forbidden", NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&debt);

    kp_client_t *muni = kpt_client ("reporting", "muni-743");
    const struct { const char *report, *start, *end, *project, *field, *code; } cases [] = {
        { "everything", "2024-01-01", "2024-12-31", "", "run_report.report", "reporting.unknown_report" },
        { "participants", "2024-12-31", "2024-01-01", "", "run_report.period_end", "reporting.bad_period" },
        { "participants", "2024-02-30", "2024-12-31", "", "run_report.period_start", "reporting.bad_period" },
        { "participants", "2024-01-01", "2024-12-31", "not-an-id", "run_report.project_id", "reporting.bad_id" },
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases [0]; index++) {
        reply = s_report (muni, ROLE (SOCIAL_WORKER), cases [index].report, cases [index].start,
                          cases [index].end, cases [index].project, NULL);
        s_expect (reply, STATUS (INVALID), cases [index].code, cases [index].field);
        kumppani__v1__reply__free_unpacked (reply, NULL);
    }
    //  The threshold may be raised, never set below 3.
    Kumppani__V1__RunReport body = KUMPPANI__V1__RUN_REPORT__INIT;
    body.report = "participants";
    body.period_start = "2024-01-01";
    body.period_end = "2024-12-31";
    body.threshold = 2;
    reply = s_call (muni, ROLE (SOCIAL_WORKER), BODY (RUN_REPORT), &body);
    s_expect (reply, STATUS (INVALID), "reporting.bad_threshold", "run_report.threshold");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    body.threshold = 10;
    reply = s_call (muni, ROLE (SOCIAL_WORKER), BODY (RUN_REPORT), &body);
    s_expect (reply, STATUS (OK), NULL, NULL);
    cr_assert_eq (reply->report_table->threshold, 10);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  A project define with a bad area names the element.
    char *areas [] = { "743", "999" };
    Kumppani__V1__DefineProject define = KUMPPANI__V1__DEFINE_PROJECT__INIT;
    define.name = "x";
    define.period_start = "2024-01-01";
    define.period_end = "2024-12-31";
    define.municipalities = areas;
    define.n_municipalities = 2;
    reply = s_call (muni, ROLE (SOCIAL_WORKER), BODY (DEFINE_PROJECT), &define);
    s_expect (reply, STATUS (INVALID), "reporting.unknown_municipality", "define_project.municipalities[1]");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&muni);
}

//  Issue 21's attack on the rule before the audit: a month with no session
//  held publishes 0 sessions, so its attendances are 0 by construction; the
//  old rule hid that 0 as a small count beside January's 3 and thought the
//  line safe (two hidden cells), yet any reader got January back as the
//  period's 35 minus March's 12 and April's 20. Now February shows a
//  structural zero ("-"), never a protection, and March goes with
//  January. Rows go straight into the rollups (the consumer's tables).
Test (reporting, structural_zero_is_shown_and_protects_nothing)
{
    s_start ();
    s_sql ("INSERT INTO reporting.group_activities (activity_id, activity_kind, municipality, organiser_org)"
           " VALUES ('act-sz-837', 'peer_support', '837', 'muni-837')");
    const struct { const char *id, *day; int present; } sessions [] = {
        { "sz-1", "2019-01-08", 2 }, { "sz-2", "2019-01-22", 1 },      //  January: 3
        { "sz-3", "2019-02-12", 0 },                                    //  nobody came: not held
        { "sz-4", "2019-03-05", 4 }, { "sz-5", "2019-03-12", 4 }, { "sz-6", "2019-03-19", 4 },
        { "sz-7", "2019-04-02", 10 }, { "sz-8", "2019-04-16", 10 }
    };
    for (size_t index = 0; index < sizeof sessions / sizeof sessions [0]; index++)
        s_sql ("INSERT INTO reporting.group_sessions (session_id, activity_id, session_date, present)"
               " VALUES ('%s', 'act-sz-837', '%s', %d)", sessions [index].id, sessions [index].day,
               sessions [index].present);
    kp_client_t *muni = kpt_client ("reporting", "muni-837");
    Kumppani__V1__Reply *reply = s_report (muni, ROLE (SOCIAL_WORKER), "groups", "2019-01-01", "2019-04-30",
                                           NULL, "837");
    //  Gone again before anything is asserted: these rows have no events
    //  behind them, and a rebuild elsewhere in the run would differ.
    s_sql ("DELETE FROM reporting.group_sessions WHERE activity_id = 'act-sz-837'");
    s_sql ("DELETE FROM reporting.group_activities WHERE activity_id = 'act-sz-837'");
    s_expect (reply, STATUS (OK), NULL, NULL);
    const char *rows [] = {
        "837|peer_support|2019-01|1|2|||*|*|*",
        "837|peer_support|2019-02|0|0|||-|-|0.00",
        "837|peer_support|2019-03|1|3|||*|*|*",
        "837|peer_support|2019-04|1|2|||20|*|0.00",
        "837|peer_support|all|1|7|7.00|0|35|*|0.00",
        "all|all|all|1|7|7.00|0|35|*|0.00"
    };
    s_table_is (reply->report_table, rows, 6);
    //  What the old rule published (March's 12 shown, February's 0 as a
    //  hidden count) fails the audit: January is pinned to exactly 3.
    const char *failed = s_audit_with (reply->report_table, 2, "attendances", "12");
    cr_assert_not_null (failed, "March's 12 shown must fail the audit");
    cr_assert (strstr (failed, "[3, 3]"), "%s", failed);
    //  The relations came with the table: the block's months add up to its
    //  period row, the period rows to the total.
    cr_assert_geq (reply->report_table->n_relations, 4);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&muni);
}
