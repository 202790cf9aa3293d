/*  The counting rules of the README, one scenario each, through the real
    reporting (and intake) services against the test cluster; every
    expected figure is worked out by hand in the comment beside it.
    - entry once per operation: a returning client is no second entrant,
      in the participants start block or in the participants target;
    - a meeting held is one somebody attended: a session with every
      enrolled client absent, or a headcount of 0, is not one;
    - a notice whose assessment started without an acknowledgement counts
      as acknowledged, on the day the assessment started;
    - the resource-based assessment target counts people whose assessment
      was completed with strengths recorded, not start measurements;
    - talousneuvola visits per area over the period, and anonymous contacts
      walk-in versus phone;
    - a notice case's start snapshot holds the attributes recorded in its
      entry window; RegisterClient of a known person applies the
      attributes sent and names them.
    Where a figure is a count of people in a table with totals, disclosure
    control may hide it (it never shows a wrong one): s_shown_is accepts a
    hidden cell only where the scenario cannot avoid small neighbours. */
#include "test_reporting.h"

TestSuite (reporting_rules, .init = kpt_setup_own_database, .fini = kpt_teardown_own_database, .timeout = 120);

#define LABOUR(name) KUMPPANI__V1__LABOUR_MARKET_STATUS__LABOUR_MARKET_STATUS_ ## name

//  A shown count equals the expected one; a hidden one is accepted.
static void
s_shown_is (const char *shown, long expected, const char *what)
{
    if (strcmp (shown, "*") != 0)
        cr_assert_eq (strtol (shown, NULL, 10), expected, "%s: %s, expected %ld", what, shown, expected);
}

//  The row whose first columns are dimension/category (or snapshot/
//  dimension/category: prefix), or -1.
static long
s_find (const Kumppani__V1__ReportTable *table, const char *const *columns, const char *const *values, int count)
{
    for (size_t row = 0; row < table->n_rows; row++) {
        int matched = 0;
        for (int index = 0; index < count; index++)
            matched += strcmp (s_cell (table, row, columns [index]), values [index]) == 0;
        if (matched == count)
            return (long) row;
    }
    return -1;
}

//  The target row's actual figure (a single count: nothing hides a
//  figure of 5 or more).
static const char *
s_target_actual (const Kumppani__V1__ReportTable *table, const char *code)
{
    const char *columns [] = { "target" }, *values [] = { code };
    long row = s_find (table, columns, values, 1);
    cr_assert_geq (row, 0, "no target %s", code);
    return s_cell (table, (size_t) row, "actual");
}

static Kumppani__V1__ProjectTarget
s_target (const char *code, const char *metric, int64_t min, uint32_t parameter, char **kinds, size_t n_kinds)
{
    Kumppani__V1__ProjectTarget target = KUMPPANI__V1__PROJECT_TARGET__INIT;
    target.code = (char *) code;
    target.description = (char *) code;
    target.metric = (char *) metric;
    target.min = min;
    target.parameter = parameter;
    target.activity_kinds = kinds;
    target.n_activity_kinds = n_kinds;
    return target;
}

//  A project of ngo-743's coordinator over areas, 2020-2023, with targets.
static void
s_project (kp_client_t *ngo, char **areas, size_t n_areas, Kumppani__V1__ProjectTarget *targets, size_t n_targets,
           char *project)
{
    Kumppani__V1__ProjectTarget *pointers [8];
    for (size_t index = 0; index < n_targets; index++)
        pointers [index] = &targets [index];
    Kumppani__V1__DefineProject define = KUMPPANI__V1__DEFINE_PROJECT__INIT;
    define.name = "rules";
    define.period_start = "2020-09-01";
    define.period_end = "2023-02-28";
    define.municipalities = areas;
    define.n_municipalities = n_areas;
    define.planned_participants = 100;
    define.targets = pointers;
    define.n_targets = n_targets;
    Kumppani__V1__Reply *reply = s_call (ngo, ROLE (COORDINATOR), BODY (DEFINE_PROJECT), &define);
    s_expect (reply, STATUS (OK), NULL, NULL);
    snprintf (project, KP_ID_LEN + 1, "%s", reply->project->project_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

//  A client of 743 (a woman born 1990, unemployed) with a case opened on
//  opened (a Helsinki date) and closed on closed (NULL: open), its
//  snapshots as intake takes them; the case id into case_id.
static void
s_entrant (const char *client_id, const char *opened, const char *closed, char *case_id)
{
    kp_id_new (case_id);
    s_sql ("INSERT INTO intake.clients (client_id, municipality, birth_year, gender, labour_market_status,"
           " created_by_org) VALUES ('%s', '743', 1990, 'woman', 'unemployed', 'muni-743')"
           " ON CONFLICT DO NOTHING", client_id);
    s_sql ("INSERT INTO intake.cases (case_id, client_id, municipality, channel, responsible_worker,"
           " opened_at, opened_by_org) VALUES ('%s', '%s', '743', 'own_contact', 'w1', '%s 12:00+02', 'muni-743')",
           case_id, client_id, opened);
    s_sql ("DO $$ BEGIN PERFORM intake.take_participant_snapshot ('%s', 'start'); END $$", case_id);
    if (closed) {
        s_sql ("UPDATE intake.cases SET state = 'closed', closed_at = '%s 12:00+02', closure_reason = 'goals_reached'"
               " WHERE case_id = '%s'", closed, case_id);
        s_sql ("DO $$ BEGIN PERFORM intake.take_participant_snapshot ('%s', 'exit'); END $$", case_id);
    }
}

//  The participants report's all/all total of a snapshot block.
static const char *
s_block_total (const Kumppani__V1__ReportTable *table, const char *snapshot)
{
    const char *columns [] = { "snapshot", "dimension", "category" }, *values [] = { snapshot, "all", "all" };
    long row = s_find (table, columns, values, 3);
    cr_assert_geq (row, 0, "no %s row", snapshot);
    return s_cell (table, (size_t) row, "total");
}

//  A block's all/all figure where all its people are women (s_entrant):
//  the total, or the woman column when the audit hides the total (its
//  zeros beside it are pinned otherwise); one of the two is always
//  shown, so the figure is checked, never skipped.
static long
s_block_people (const Kumppani__V1__ReportTable *table, const char *snapshot)
{
    const char *columns [] = { "snapshot", "dimension", "category" }, *values [] = { snapshot, "all", "all" };
    long row = s_find (table, columns, values, 3);
    cr_assert_geq (row, 0, "no %s row", snapshot);
    const char *total = s_cell (table, (size_t) row, "total"), *woman = s_cell (table, (size_t) row, "woman");
    cr_assert (strcmp (total, "*") || strcmp (woman, "*"), "%s: total and woman both hidden", snapshot);
    if (strcmp (total, "*") && strcmp (woman, "*"))
        cr_assert_str_eq (total, woman, "%s: all women, yet total %s, women %s", snapshot, total, woman);
    return strtol (strcmp (total, "*") ? total : woman, NULL, 10);
}

// ---------------------------------------------------------------------
// Entry once per operation.

Test (reporting_rules, a_returning_client_enters_once)
{
    s_start ();
    kp_client_t *ngo = kpt_client ("reporting", "ngo-743");
    kp_client_t *muni = kpt_client ("reporting", "muni-743");
    char *areas [] = { "743" };
    Kumppani__V1__ProjectTarget targets [] = { s_target ("participants", "participants", 10, 0, NULL, 0) };
    char project [KP_ID_LEN + 1];
    s_project (ngo, areas, 1, targets, 1, project);
    //  Five returning clients: a case in 2021 (closed in June), a new one
    //  opened in March 2022 and still open. Six new in April 2022.
    static char cases [16][KP_ID_LEN + 1];
    char *ids [16];
    int n_cases = 0;
    for (int person = 0; person < 11; person++) {
        char client [KP_ID_LEN + 1];
        kp_id_new (client);
        if (person < 5) {
            s_entrant (client, "2021-03-10", "2021-06-10", cases [n_cases++]);
            s_entrant (client, "2022-03-10", NULL, cases [n_cases++]);
        }
        else
            s_entrant (client, "2022-04-10", NULL, cases [n_cases++]);
    }
    for (int index = 0; index < n_cases; index++)
        ids [index] = cases [index];
    Kumppani__V1__Reply *reply = s_link (muni, project, ids, (size_t) n_cases);
    s_expect (reply, STATUS (OK), NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  2022: the start block is the six new entrants (not 6 + 5 = 11); the
    //  returning five entered in 2021. Nobody has left: no exit row counts.
    reply = s_report (ngo, ROLE (COORDINATOR), "participants", "2022-01-01", "2022-12-31", project, NULL);
    s_expect (reply, STATUS (OK), NULL, NULL);
    cr_assert_eq (s_block_people (reply->report_table, "start"), 6, "2022 start");
    cr_assert_str_neq (s_block_total (reply->report_table, "start"), "11");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  The participants target is that start block: 6 (a single figure).
    reply = s_report (ngo, ROLE (COORDINATOR), "targets", "2022-01-01", "2022-12-31", project, NULL);
    s_expect (reply, STATUS (OK), NULL, NULL);
    cr_assert_str_eq (s_target_actual (reply->report_table, "participants"), "6");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  2021: the five entered, and left in June (their exit block, 5).
    reply = s_report (ngo, ROLE (COORDINATOR), "participants", "2021-01-01", "2021-12-31", project, NULL);
    s_expect (reply, STATUS (OK), NULL, NULL);
    cr_assert_eq (s_block_people (reply->report_table, "start"), 5, "2021 start");
    cr_assert_eq (s_block_people (reply->report_table, "exit"), 5, "2021 exit");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  The whole operation: 11 people, each once; its target 11.
    reply = s_report (ngo, ROLE (COORDINATOR), "targets", "2020-09-01", "2023-02-28", project, NULL);
    s_expect (reply, STATUS (OK), NULL, NULL);
    cr_assert_str_eq (s_target_actual (reply->report_table, "participants"), "11");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  Without a project the operation is the municipality's record: the
    //  same 6 in 2022.
    reply = s_report (muni, ROLE (SOCIAL_WORKER), "participants", "2022-01-01", "2022-12-31", NULL, NULL);
    s_expect (reply, STATUS (OK), NULL, NULL);
    cr_assert_eq (s_block_people (reply->report_table, "start"), 6, "743 2022 start");
    cr_assert_str_neq (s_block_total (reply->report_table, "start"), "11");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&muni);
    kp_client_destroy (&ngo);
}

// ---------------------------------------------------------------------
// Meetings held, and talousneuvola visits and contacts.

static long long s_seq;

static Kumppani__V1__GroupsEvent
s_payload (const char *activity, const char *kind, const char *municipality)
{
    Kumppani__V1__GroupsEvent payload = KUMPPANI__V1__GROUPS_EVENT__INIT;
    payload.activity_id = (char *) activity;
    payload.activity_kind = (char *) kind;
    payload.municipality = (char *) municipality;
    payload.organiser_org = strcmp (municipality, "743") == 0 ? "ngo-743" : "muni-091";
    return payload;
}

static void
s_emit (const char *topic, Kumppani__V1__GroupsEvent *payload)
{
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.topic = (char *) topic;
    event.aggregate_id = *payload->session_id ? payload->session_id : payload->activity_id;
    event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_GROUPS;
    event.groups = payload;
    s_seq = kpt_append_event (kpt_admin (), &event, payload->municipality, payload->organiser_org, NULL);
}

//  A session on date: five enrolled clients present (or all absent), or
//  an open session's headcount (present < 0) with follow-ups.
static void
s_session (const char *activity, const char *kind, const char *municipality, const char *date, int present,
           int headcount, int follow_ups)
{
    char session [KP_ID_LEN + 1];
    kp_id_new (session);
    Kumppani__V1__GroupsEvent payload = s_payload (activity, kind, municipality);
    payload.session_id = session;
    payload.session_date = (char *) date;
    s_emit ("groups.session_scheduled", &payload);
    if (present < 0) {
        payload.headcount = (uint32_t) headcount;
        payload.follow_ups = (uint32_t) follow_ups;
        s_emit ("groups.headcount_recorded", &payload);
        return;
    }
    for (int client = 0; client < 5; client++) {
        char client_id [KP_ID_LEN + 1];
        kp_id_new (client_id);
        payload.client_id = client_id;
        payload.attendance = client < present ? "present" : "absent";
        payload.minutes = client < present ? 120 : 0;
        s_emit ("groups.attendance_recorded", &payload);
    }
}

static void
s_activity (char *activity, const char *kind, const char *municipality)
{
    kp_id_new (activity);
    Kumppani__V1__GroupsEvent payload = s_payload (activity, kind, municipality);
    s_emit ("groups.activity_created", &payload);
}

Test (reporting_rules, a_meeting_nobody_attended_is_not_held)
{
    s_start ();
    kp_client_t *ngo = kpt_client ("reporting", "ngo-743");
    //  743's peer group: seven sessions with all five present in January
    //  and February 2021, the eighth (10.2) with all five absent. A
    //  talousneuvola whose only session (3.2) had a headcount of 0.
    char peer [KP_ID_LEN + 1], clinic [KP_ID_LEN + 1];
    s_activity (peer, "peer_support", "743");
    s_activity (clinic, "talousneuvola", "743");
    const char *dates [] = { "2021-01-05", "2021-01-12", "2021-01-19", "2021-01-26", "2021-02-02", "2021-02-09",
                             "2021-02-16", "2021-02-10" };
    for (int session = 0; session < 8; session++)
        s_session (peer, "peer_support", "743", dates [session], session < 7 ? 5 : 0, 0, 0);
    s_session (clinic, "talousneuvola", "743", "2021-02-03", -1, 0, 0);
    s_rolled_up (s_seq);
    char *areas [] = { "743" }, *kinds [] = { "peer_support" };
    Kumppani__V1__ProjectTarget targets [] = {
        s_target ("meets_8", "groups_meeting_min_times_per_area", 1, 8, kinds, 1),
        s_target ("meets_7", "groups_meeting_min_times_per_area", 1, 7, kinds, 1),
        s_target ("processes", "talousneuvola_processes", 1, 0, NULL, 0),
    };
    char project [KP_ID_LEN + 1];
    s_project (ngo, areas, 1, targets, 3, project);
    char *activity_ids [] = { peer, clinic };
    Kumppani__V1__LinkToProject link = KUMPPANI__V1__LINK_TO_PROJECT__INIT;
    link.project_id = project;
    link.activity_ids = activity_ids;
    link.n_activity_ids = 2;
    Kumppani__V1__Reply *reply = s_call (ngo, ROLE (COORDINATOR), BODY (LINK_TO_PROJECT), &link);
    s_expect (reply, STATUS (OK), NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Held: 7 peer sessions (4 in January, 3 in February), so the group
    //  meets 7 times, not 8; the talousneuvola held none.
    reply = s_report (ngo, ROLE (COORDINATOR), "targets", "2021-01-01", "2021-12-31", project, NULL);
    s_expect (reply, STATUS (OK), NULL, NULL);
    cr_assert_str_eq (s_target_actual (reply->report_table, "meets_8"), "0");
    cr_assert_str_eq (s_target_actual (reply->report_table, "meets_7"), "1");
    cr_assert_str_eq (s_target_actual (reply->report_table, "processes"), "0");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_report (ngo, ROLE (COORDINATOR), "groups", "2021-01-01", "2021-12-31", project, NULL);
    s_expect (reply, STATUS (OK), NULL, NULL);
    const char *columns [] = { "activity_kind", "month" };
    const char *period [] = { "peer_support", "all" }, *february [] = { "peer_support", "2021-02" };
    long row = s_find (reply->report_table, columns, period, 2);
    cr_assert_geq (row, 0);
    cr_assert_str_eq (s_cell (reply->report_table, (size_t) row, "sessions_held"), "7");
    row = s_find (reply->report_table, columns, february, 2);
    cr_assert_geq (row, 0);
    cr_assert_str_eq (s_cell (reply->report_table, (size_t) row, "sessions_held"), "3");
    const char *clinic_period [] = { "talousneuvola", "all" };
    row = s_find (reply->report_table, columns, clinic_period, 2);
    if (row >= 0)
        cr_assert_str_eq (s_cell (reply->report_table, (size_t) row, "sessions_held"), "0");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&ngo);
}

//  n anonymous contacts through intake, the first follow_ups of them with
//  a follow-up agreed.
static void
s_contacts (kp_client_t *intake, int channel, int n, int follow_ups)
{
    for (int index = 0; index < n; index++) {
        Kumppani__V1__RecordAnonymousContact body = KUMPPANI__V1__RECORD_ANONYMOUS_CONTACT__INIT;
        char *topics [] = { "debts" };
        body.session_ref = "talousneuvola-w07";
        body.channel = channel;
        body.topics = topics;
        body.n_topics = 1;
        body.follow_up_agreed = index < follow_ups;
        Kumppani__V1__Reply *reply = s_call (intake, ROLE (SOCIAL_WORKER), BODY (RECORD_ANONYMOUS_CONTACT), &body);
        s_expect (reply, STATUS (OK), NULL, NULL);
        kumppani__v1__reply__free_unpacked (reply, NULL);
    }
}

//  Intake on a test clock at day (other suites record contacts today in
//  the same areas; a day of its own keeps this scenario's apart).
static void
s_intake_on (const char *day)
{
    static char path [300], env [340];
    snprintf (path, sizeof path, "%s/clock", kpt_cert_dir ("."));
    FILE *file = fopen (path, "w");
    cr_assert_not_null (file);
    fprintf (file, "%lld\n", (long long) s_day_us (day));
    fclose (file);
    snprintf (env, sizeof env, "KUMPPANI_CLOCK_FILE=%s", path);
    const char *extra [] = { env, NULL };
    kpt_service_start ("intake", extra);
}

Test (reporting_rules, talousneuvola_visits_per_area_and_contacts_by_channel)
{
    s_intake_on ("2016-05-17");
    s_start ();
    kp_client_t *ngo = kpt_client ("reporting", "ngo-743");
    //  Talousneuvolas in 091 and 743, January and February 2021: 091 had
    //  15 visitors (7 follow-ups) and 8 (5); 743 12 (5) and 9 (6), and a
    //  second February session nobody came to (headcount 0).
    char clinic_091 [KP_ID_LEN + 1], clinic_743 [KP_ID_LEN + 1];
    s_activity (clinic_091, "talousneuvola", "091");
    s_activity (clinic_743, "talousneuvola", "743");
    s_session (clinic_091, "talousneuvola", "091", "2021-01-14", -1, 15, 7);
    s_session (clinic_091, "talousneuvola", "091", "2021-02-11", -1, 8, 5);
    s_session (clinic_743, "talousneuvola", "743", "2021-01-13", -1, 12, 5);
    s_session (clinic_743, "talousneuvola", "743", "2021-02-10", -1, 9, 6);
    s_session (clinic_743, "talousneuvola", "743", "2021-02-24", -1, 0, 0);
    s_rolled_up (s_seq);
    //  Anonymous contacts recorded on 17.5.2016: 743 walk-in 7 (5 follow-ups), phone 5 (5); 091 walk-in
    //  6 (5), phone 5 (5).
    kp_client_t *intake_743 = kpt_client ("intake", "muni-743");
    kp_client_t *intake_091 = kpt_client ("intake", "muni-091");
    s_contacts (intake_743, KUMPPANI__V1__CONTACT_CHANNEL__CONTACT_CHANNEL_WALK_IN, 7, 5);
    s_contacts (intake_743, KUMPPANI__V1__CONTACT_CHANNEL__CONTACT_CHANNEL_PHONE, 5, 5);
    s_contacts (intake_091, KUMPPANI__V1__CONTACT_CHANNEL__CONTACT_CHANNEL_WALK_IN, 6, 5);
    s_contacts (intake_091, KUMPPANI__V1__CONTACT_CHANNEL__CONTACT_CHANNEL_PHONE, 5, 5);

    char *areas [] = { "091", "743" };
    char project [KP_ID_LEN + 1];
    s_project (ngo, areas, 2, NULL, 0, project);
    char *activity_ids [] = { clinic_091, clinic_743 };
    Kumppani__V1__LinkToProject link = KUMPPANI__V1__LINK_TO_PROJECT__INIT;
    link.project_id = project;
    link.activity_ids = activity_ids;
    link.n_activity_ids = 2;
    Kumppani__V1__Reply *reply = s_call (ngo, ROLE (COORDINATOR), BODY (LINK_TO_PROJECT), &link);
    s_expect (reply, STATUS (OK), NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  2021: the months (743's February held once: the empty session is
    //  none), the total 15 + 8 + 12 + 9 = 44 visits (7 + 5 + 5 + 6 = 23
    //  follow-ups), then each area over the period: 091 23 (12), 743 21
    //  (11). No contacts were recorded in 2021: their rows are 0, hidden.
    reply = s_report (ngo, ROLE (COORDINATOR), "talousneuvola", "2021-01-01", "2021-12-31", project, NULL);
    s_expect (reply, STATUS (OK), NULL, NULL);
    const char *year [] = {
        "visits|091|2021-01|1|15|7|", "visits|091|2021-02|1|8|5|",
        "visits|743|2021-01|1|12|5|", "visits|743|2021-02|1|9|6|",
        "visits|all|all|4|44|23|",
        "area|091|all|2|23|12|", "area|743|all|2|21|11|",
        "walk_in|all|all||*|*|", "phone|all|all||*|*|", "contacts|all|all||*|*|"
    };
    s_table_is (reply->report_table, year, 10);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  May 2016: no sessions; the contacts per channel and area, each
    //  channel's total (walk-in 6 + 7 = 13, phone 5 + 5 = 10), then all
    //  contacts per area (091 6 + 5 = 11, 743 7 + 5 = 12) and in total 23;
    //  follow-ups likewise (5 + 5 = 10 per channel, 10 per area, 20).
    reply = s_report (ngo, ROLE (COORDINATOR), "talousneuvola", "2016-05-01", "2016-05-31", project, NULL);
    s_expect (reply, STATUS (OK), NULL, NULL);
    const char *now [] = {
        "visits|all|all|0|*|*|",
        "walk_in|091|all||6|5|", "walk_in|743|all||7|5|", "walk_in|all|all||13|10|",
        "phone|091|all||5|5|", "phone|743|all||5|5|", "phone|all|all||10|10|",
        "contacts|091|all||11|10|", "contacts|743|all||12|10|", "contacts|all|all||23|20|"
    };
    s_table_is (reply->report_table, now, 10);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&intake_091);
    kp_client_destroy (&intake_743);
    kp_client_destroy (&ngo);
}

// ---------------------------------------------------------------------
// Acknowledged without an acknowledgement.

Test (reporting_rules, an_assessment_started_without_acknowledgement_acknowledges)
{
    s_start ();
    //  Five Kela notices received Monday 7.3.2016 (a month no other suite
    //  uses), none acknowledged: the assessment started straight away
    //  after 2, 3, 4, 5 and 6 working days (9.3, 10.3, 11.3, 14.3, 15.3;
    //  March 2016 has no holiday before Good Friday 25.3; the 7-working-
    //  day deadline 16.3 met by all).
    //  Each counts as acknowledged on that day: acknowledged 5, the
    //  median by nearest rank the 3rd of 2,3,4,5,6 = 4, p90 the 5th = 6;
    //  the same for the assessments; 5 within, 0 breaches (hidden, and the
    //  share with them).
    const char *started [] = { "2016-03-09", "2016-03-10", "2016-03-11", "2016-03-14", "2016-03-15" };
    long long seq = 0;
    for (int notice = 0; notice < 5; notice++) {
        char id [KP_ID_LEN + 1];
        kp_id_new (id);
        s_referral_event ("referral.received", id, "743", 1, "kela", 0, 1, "2016-03-16", "2016-03-07");
        seq = s_referral_event ("referral.status_changed", id, "743", 1, "kela", 1, 6, "", started [notice]);
    }
    s_rolled_up (seq);
    kp_client_t *muni = kpt_client ("reporting", "muni-743");
    Kumppani__V1__Reply *reply = s_report (muni, ROLE (SOCIAL_WORKER), "referral_sla", "2016-03-01", "2016-03-31",
                                           NULL, NULL);
    s_expect (reply, STATUS (OK), NULL, NULL);
    const char *rows [] = {
        //  held, held_median_days, held_p90_days (issue 20): none held, hidden
        "743|2016-03|social_work_need|5|5|4|6|5|4|6|5|*|*|*|*|*", "all|all|all|5|5|4|6|5|4|6|5|*|*|*|*|*"
    };
    s_table_is (reply->report_table, rows, 2);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&muni);
}

// ---------------------------------------------------------------------
// The resource-based assessment target.

Test (reporting_rules, assessments_completed_with_strengths_count)
{
    s_start ();
    kp_client_t *ngo = kpt_client ("reporting", "ngo-743");
    kp_client_t *muni = kpt_client ("reporting", "muni-743");
    char *areas [] = { "743" };
    Kumppani__V1__ProjectTarget targets [] = { s_target ("assessed", "clients_in_assessment", 5, 0, NULL, 0) };
    char project [KP_ID_LEN + 1];
    s_project (ngo, areas, 1, targets, 1, project);
    //  Fourteen people with cases opened 1.3.2021:
    //  0-5  assessment completed 15.3.2021 with strengths in a domain (one
    //       of them, 5, also has a second case with another such: once);
    //  6-7  completed with needs only (no strengths recorded);
    //  8-10 measured at the start (AVAIN), assessment never completed;
    //  11   completed with strengths on 15.1.2022 (outside 2021);
    //  12   assessment started, not completed, strengths nowhere;
    //  13   completed with strengths, but the case is not the project's.
    //  The 2021 target: people 0-5, 6 (not 6 + 3 measured).
    static char cases [15][KP_ID_LEN + 1];
    char *ids [15];
    int n_ids = 0;
    char second [KP_ID_LEN + 1];
    for (int person = 0; person < 14; person++) {
        char client [KP_ID_LEN + 1], *case_id = cases [person];
        kp_id_new (client);
        s_entrant (client, "2021-03-01", NULL, case_id);
        if (person != 13)
            ids [n_ids++] = case_id;
        if (person <= 5 || person == 11 || person == 13 || (person >= 6 && person <= 7))
            s_sql ("INSERT INTO intake.assessments (case_id, started_at, completed_at)"
                   " VALUES ('%s', '2021-03-02 12:00+02', '%s 12:00+02')", case_id,
                   person == 11 ? "2022-01-15" : "2021-03-15");
        if (person == 12)
            s_sql ("INSERT INTO intake.assessments (case_id, started_at) VALUES ('%s', '2021-03-02 12:00+02')",
                   case_id);
        if (person <= 5 || person == 11 || person == 13)
            s_sql ("INSERT INTO intake.assessment_domains VALUES ('%s', 'finances', 'debts', 'keeps a budget')",
                   case_id);
        if (person >= 6 && person <= 7)
            s_sql ("INSERT INTO intake.assessment_domains VALUES ('%s', 'housing', 'rent arrears', '')", case_id);
        if (person >= 8 && person <= 10)
            s_measure (case_id, NULL, "start", "2021-03-03", 2, 3, 2);
        if (person == 5) {
            s_entrant (client, "2021-03-05", NULL, second);
            s_sql ("INSERT INTO intake.assessments (case_id, started_at, completed_at)"
                   " VALUES ('%s', '2021-03-06 12:00+02', '2021-03-20 12:00+02')", second);
            s_sql ("INSERT INTO intake.assessment_domains VALUES ('%s', 'networks', '', 'a sister')", second);
            ids [n_ids++] = second;
        }
    }
    Kumppani__V1__Reply *reply = s_link (muni, project, ids, (size_t) n_ids);
    s_expect (reply, STATUS (OK), NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_report (ngo, ROLE (COORDINATOR), "targets", "2021-01-01", "2021-12-31", project, NULL);
    s_expect (reply, STATUS (OK), NULL, NULL);
    s_row_is (reply->report_table, 0, "assessed|assessed|clients_in_assessment|5||6|met");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  2021-2022: person 11 too, 7.
    reply = s_report (ngo, ROLE (COORDINATOR), "targets", "2021-01-01", "2022-12-31", project, NULL);
    s_expect (reply, STATUS (OK), NULL, NULL);
    cr_assert_str_eq (s_target_actual (reply->report_table, "assessed"), "7");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&muni);
    kp_client_destroy (&ngo);
}

// ---------------------------------------------------------------------
// Start snapshots of notice cases, and RegisterClient of a known person.

static Kumppani__V1__Reply *
s_register (kp_client_t *intake, const char *hetu, int labour, int education)
{
    Kumppani__V1__ClientAttributes attributes = KUMPPANI__V1__CLIENT_ATTRIBUTES__INIT;
    attributes.labour_market_status = labour;
    attributes.education_level = education;
    Kumppani__V1__RegisterClient body = KUMPPANI__V1__REGISTER_CLIENT__INIT;
    body.hetu = (char *) hetu;
    body.attributes = &attributes;
    Kumppani__V1__Reply *reply = s_call (intake, ROLE (SOCIAL_WORKER), BODY (REGISTER_CLIENT), &body);
    s_expect (reply, STATUS (OK), NULL, NULL);
    return reply;
}

//  A case of the client opened by a notice days ago (as intake's referral
//  consumer opens it: the client record as the notice left it), its
//  start snapshot taken then.
static void
s_notice_case (const char *client_id, const char *channel, int days_ago, char *case_id)
{
    kp_id_new (case_id);
    s_sql ("INSERT INTO intake.cases (case_id, client_id, municipality, channel, responsible_worker, opened_at,"
           " opened_by_org) VALUES ('%s', '%s', '743', '%s', '', now () - interval '%d days', 'kela')",
           case_id, client_id, channel, days_ago);
    s_sql ("DO $$ BEGIN PERFORM intake.take_participant_snapshot ('%s', 'start'); END $$", case_id);
}

static long long
s_snapshot_is (const char *case_id, const char *labour, const char *education)
{
    char sql [400];
    snprintf (sql, sizeof sql, "SELECT count(*) FROM intake.participant_snapshots WHERE case_id = $1"
              " AND kind = 'start' AND coalesce (labour_market_status::text, 'unknown') = '%s'"
              " AND coalesce (education_level::text, 'unknown') = '%s' AND age = %s", labour, education,
              "extract (year FROM age ((taken_at AT TIME ZONE 'Europe/Helsinki')::date, '1985-02-01'))");
    return kpt_scalar (sql, case_id);
}

Test (reporting_rules, notice_entrants_get_the_attributes_recorded_at_entry)
{
    kpt_service_start ("intake", NULL);
    s_start ();
    kp_client_t *intake = kpt_client ("intake", "muni-743");
    //  Eight people born 1.2.1985, registered with nothing but the
    //  henkilötunnus (as a notice leaves them). Cases:
    //  0-4 Kela notices opened 3 days ago: in the window;
    //  5   a Kela notice opened 40 days ago: the window (30 days) closed;
    //  6   an authority notice opened today: in the window;
    //  7   opened by a worker (own contact) today: no window.
    char hetus [8][16], clients [8][KP_ID_LEN + 1], cases [8][KP_ID_LEN + 1];
    for (int person = 0; person < 8; person++) {
        kpt_hetu (hetus [person], "010285", '-', 300 + person);
        Kumppani__V1__Reply *reply = s_register (intake, hetus [person], 0, 0);
        cr_assert (!reply->client->existing);
        cr_assert_eq (reply->client->n_updated_fields, 0);
        snprintf (clients [person], sizeof clients [person], "%s", reply->client->client_id);
        kumppani__v1__reply__free_unpacked (reply, NULL);
        s_notice_case (clients [person], person == 6 ? "authority_notice" : person == 7 ? "own_contact" : "kela_notice",
                       person < 5 ? 3 : person == 5 ? 40 : 0, cases [person]);
        cr_assert_eq (s_snapshot_is (cases [person], "unknown", "unknown"), 1, "person %d at opening", person);
    }
    //  At the first meeting the worker registers each again, now with
    //  labour-market status and education: the person is known, and the
    //  two attributes are applied (birth date and the rest as they were),
    //  named in the reply and in the audit.
    for (int person = 0; person < 8; person++) {
        Kumppani__V1__Reply *reply = s_register (intake, hetus [person], LABOUR (UNEMPLOYED),
                                                 KUMPPANI__V1__EDUCATION_LEVEL__EDUCATION_LEVEL_ISCED_3_4);
        cr_assert (reply->client->existing);
        cr_assert_str_eq (reply->client->client_id, clients [person]);
        cr_assert_eq (reply->client->n_updated_fields, 2, "person %d: %zu fields", person,
                      reply->client->n_updated_fields);
        cr_assert_str_eq (reply->client->updated_fields [0], "labour_market_status");
        cr_assert_str_eq (reply->client->updated_fields [1], "education_level");
        cr_assert_eq (reply->client->attributes->labour_market_status, LABOUR (UNEMPLOYED));
        cr_assert_str_eq (reply->client->attributes->birth_date, "1985-02-01");
        kumppani__v1__reply__free_unpacked (reply, NULL);
    }
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.audit_log WHERE detail ="
                              " 'already registered; updated labour_market_status education_level'", NULL), 8);
    //  The snapshots: the window's notice cases (0-4, 6) completed, the
    //  age still that of the opening day; the closed window's (5) and the
    //  worker's case (7) as taken.
    for (int person = 0; person < 8; person++) {
        bool completed = person <= 4 || person == 6;
        cr_assert_eq (s_snapshot_is (cases [person], completed ? "unemployed" : "unknown",
                                     completed ? "isced_3_4" : "unknown"), 1, "person %d", person);
        cr_assert_eq (kpt_scalar ("SELECT count(*) FROM intake.participant_snapshots WHERE case_id = $1"
                                  " AND retaken_at IS NOT NULL", cases [person]), completed ? 1 : 0);
    }
    //  The same attributes sent again change nothing, and say so: no field
    //  updated, the audit "already registered"; nothing sent is nothing lost.
    Kumppani__V1__Reply *reply = s_register (intake, hetus [0], LABOUR (UNEMPLOYED),
                                             KUMPPANI__V1__EDUCATION_LEVEL__EDUCATION_LEVEL_ISCED_3_4);
    cr_assert (reply->client->existing);
    cr_assert_eq (reply->client->n_updated_fields, 0);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_register (intake, hetus [0], 0, 0);
    cr_assert_eq (reply->client->n_updated_fields, 0);
    cr_assert_eq (reply->client->attributes->education_level,
                  KUMPPANI__V1__EDUCATION_LEVEL__EDUCATION_LEVEL_ISCED_3_4, "an attribute not sent stays");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.audit_log WHERE detail = 'already registered'"
                              " AND client_ref = $1", clients [0]), 2);
    //  A changed status is an update too (UpdateClient and RegisterClient
    //  alike retake the window's snapshot): person 6 found employed.
    reply = s_register (intake, hetus [6], LABOUR (EMPLOYED), 0);
    cr_assert_eq (reply->client->n_updated_fields, 1);
    cr_assert_str_eq (reply->client->updated_fields [0], "labour_market_status");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (s_snapshot_is (cases [6], "employed", "isced_3_4"), 1);

    //  The report over the last 60 days: all eight entered; unemployed 5
    //  (0-4), employed 1 (6), unknown 2 (5, 7).
    char start [11], today [11];
    PGresult *result = PQexec (kpt_admin (), "SELECT to_char ((now () AT TIME ZONE 'Europe/Helsinki')::date - 60,"
                                             " 'YYYY-MM-DD'), to_char ((now () AT TIME ZONE 'Europe/Helsinki')::date,"
                                             " 'YYYY-MM-DD')");
    cr_assert_eq (PQresultStatus (result), PGRES_TUPLES_OK);
    snprintf (start, sizeof start, "%s", PQgetvalue (result, 0, 0));
    snprintf (today, sizeof today, "%s", PQgetvalue (result, 0, 1));
    PQclear (result);
    //  In a project of their own (other suites open cases in 743 today).
    kp_client_t *muni = kpt_client ("reporting", "muni-743");
    kp_client_t *ngo = kpt_client ("reporting", "ngo-743");
    char *areas [] = { "743" }, project [KP_ID_LEN + 1], *ids [8];
    s_project (ngo, areas, 1, NULL, 0, project);
    for (int person = 0; person < 8; person++)
        ids [person] = cases [person];
    reply = s_link (muni, project, ids, 8);
    s_expect (reply, STATUS (OK), NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_report (ngo, ROLE (COORDINATOR), "participants", start, today, project, NULL);
    s_expect (reply, STATUS (OK), NULL, NULL);
    const char *columns [] = { "snapshot", "dimension", "category" };
    const char *unemployed [] = { "start", "labour_market_status", "unemployed" };
    long row = s_find (reply->report_table, columns, unemployed, 3);
    cr_assert_geq (row, 0);
    //  The audit may hide it among its small neighbours; the snapshot rows
    //  themselves are checked exactly above.
    s_shown_is (s_cell (reply->report_table, (size_t) row, "total"), 5, "the notice entrants' status at entry");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&ngo);
    kp_client_destroy (&muni);
    kp_client_destroy (&intake);
}

//  UpdateClient in the window retakes too.
Test (reporting_rules, update_client_in_the_window_completes_the_snapshot)
{
    kpt_service_start ("intake", NULL);
    kp_client_t *intake = kpt_client ("intake", "muni-743");
    char hetu [16], client [KP_ID_LEN + 1], case_id [KP_ID_LEN + 1];
    kpt_hetu (hetu, "010285", '-', 411);
    Kumppani__V1__Reply *reply = s_register (intake, hetu, 0, 0);
    snprintf (client, sizeof client, "%s", reply->client->client_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    s_notice_case (client, "kela_notice", 10, case_id);
    Kumppani__V1__ClientAttributes attributes = KUMPPANI__V1__CLIENT_ATTRIBUTES__INIT;
    attributes.municipality = "743";
    attributes.birth_date = "1985-02-01";
    attributes.labour_market_status = LABOUR (INACTIVE);
    attributes.education_level = KUMPPANI__V1__EDUCATION_LEVEL__EDUCATION_LEVEL_ISCED_0_2;
    Kumppani__V1__UpdateClient body = KUMPPANI__V1__UPDATE_CLIENT__INIT;
    body.client_id = client;
    body.attributes = &attributes;
    reply = s_call (intake, ROLE (SOCIAL_WORKER), BODY (UPDATE_CLIENT), &body);
    s_expect (reply, STATUS (OK), NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (s_snapshot_is (case_id, "inactive", "isced_0_2"), 1);
    kp_client_destroy (&intake);
}
