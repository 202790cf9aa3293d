/*  The placements report from a scenario run through the real groups
    service, the stream and the reporting consumer: five placements in
    Helsinki (091, its own work activity unit the organiser), their days,
    and their endings by reason; the figures computed by hand below. The
    other suites place clients in 743, so 091 is this scenario's alone. */
#include "test_groups.h"

TestSuite (groups_rehab_report, .init = kpt_setup, .fini = kpt_teardown, .timeout = 180);

#define MUNI "muni-091"

static void
s_day (int offset, char *text)
{
    kp_date_format (kp_date_today () + offset, text);
}

static Kumppani__V1__Reply *
s_call (int body_case, void *body)
{
    return gt_call (MUNI, body_case, body, NULL);
}

//  A placement through its plan and agreement (start 60 days ago), with
//  a day for each offset; its id into id.
static void
s_placement (char *id, const int *days, int n_days)
{
    char start [11], end [11], agreed [11];
    s_day (-100, start);
    s_day (83, end);
    s_day (-60, agreed);
    Kumppani__V1__CreatePlacement body = KUMPPANI__V1__CREATE_PLACEMENT__INIT;
    body.client_id = (char *) gt_client ("091");
    body.organiser_org = MUNI;
    body.days_per_week = 2;
    body.hours_per_day = 5;
    body.start_date = start;
    body.end_date = end;
    body.compensation_cents_per_day = 900;
    body.interim_evaluation_date = "";
    Kumppani__V1__Reply *reply = s_call (KUMPPANI__V1__REQUEST__BODY_CREATE_PLACEMENT, &body);
    gt_expect (reply, GT_OK, NULL, NULL);
    snprintf (id, KP_ID_LEN + 1, "%s", reply->placement->placement_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    Kumppani__V1__RecordActivationPlan plan = KUMPPANI__V1__RECORD_ACTIVATION_PLAN__INIT;
    char *goals [] = { "work_experience" };
    plan.placement_id = id;
    plan.te_office_org = "te-091";
    plan.goals = goals;
    plan.n_goals = 1;
    plan.days_per_week = 2;
    plan.hours_per_day = 5;
    plan.valid_until = end;
    gt_done (s_call (KUMPPANI__V1__REQUEST__BODY_RECORD_ACTIVATION_PLAN, &plan), GT_OK, NULL, NULL);
    Kumppani__V1__RecordAgreement agreement = KUMPPANI__V1__RECORD_AGREEMENT__INIT;
    uint32_t weekdays [] = { 2, 4 };
    agreement.placement_id = id;
    agreement.tasks = "bicycle repair";
    agreement.weekdays = weekdays;
    agreement.n_weekdays = 2;
    agreement.hours_per_day = 5;
    agreement.start_date = agreed;
    agreement.end_date = end;
    gt_done (s_call (KUMPPANI__V1__REQUEST__BODY_RECORD_AGREEMENT, &agreement), GT_OK, NULL, NULL);
    for (int index = 0; index < n_days; index++) {
        char date [11];
        s_day (days [index], date);
        Kumppani__V1__RecordPlacementDay day = KUMPPANI__V1__RECORD_PLACEMENT_DAY__INIT;
        day.placement_id = id;
        day.date = date;
        day.minutes = 300;
        gt_done (s_call (KUMPPANI__V1__REQUEST__BODY_RECORD_PLACEMENT_DAY, &day), GT_OK, NULL, NULL);
    }
}

static void
s_end (const char *id, const char *reason)
{
    Kumppani__V1__RecordPlacementEvaluation evaluation = KUMPPANI__V1__RECORD_PLACEMENT_EVALUATION__INIT;
    evaluation.placement_id = (char *) id;
    evaluation.kind = "final";
    evaluation.decision = "end";
    evaluation.self_goals = evaluation.self_daily_rhythm = evaluation.self_work_ability = 3;
    evaluation.organiser_goals = evaluation.organiser_daily_rhythm = evaluation.organiser_work_ability = 4;
    gt_done (s_call (KUMPPANI__V1__REQUEST__BODY_RECORD_PLACEMENT_EVALUATION, &evaluation), GT_OK, NULL, NULL);
    char ended_on [11];
    s_day (-5, ended_on);
    Kumppani__V1__EndPlacement ending = KUMPPANI__V1__END_PLACEMENT__INIT;
    ending.placement_id = (char *) id;
    ending.ended_on = ended_on;
    ending.reason = (char *) reason;
    ending.next_step = strcmp (reason, "moved_to_work") == 0 ? "work" : "social_work";
    ending.referral_id = "";
    ending.follow_up_date = "";
    gt_done (s_call (KUMPPANI__V1__REQUEST__BODY_END_PLACEMENT, &ending), GT_OK, NULL, NULL);
}

//  A cell by column name; "*" when suppressed.
static const char *
s_cell (const Kumppani__V1__ReportTable *table, size_t row, const char *column)
{
    cr_assert_lt (row, table->n_rows);
    for (size_t index = 0; index < table->n_columns; index++)
        if (strcmp (table->columns [index], column) == 0)
            return table->rows [row]->cells [index]->suppressed ? "*" : table->rows [row]->cells [index]->value;
    cr_assert_fail ("no column %s", column);
    return NULL;
}

static void
s_row_is (const Kumppani__V1__ReportTable *table, size_t row, const char *expected)
{
    char text [512] = "";
    for (size_t index = 0; index < table->n_columns; index++) {
        strcat (text, index ? "|" : "");
        strcat (text, s_cell (table, row, table->columns [index]));
    }
    cr_assert_str_eq (text, expected, "row %zu", row);
}

Test (groups_rehab_report, placements_started_ended_by_reason_days_and_compensation)
{
    static const char *fast [] = { "KUMPPANI_POLL_MS=100", NULL };
    kpt_service_start ("groups", fast);
    kpt_service_start ("stream", NULL);
    kpt_service_start ("reporting", fast);

    //  Five placements started (agreements from 60 days ago); days:
    //  3 + 2 + 1 + 0 + 0 = 6, at 9.00 each 54.00; three moved to work,
    //  two ended by illness.
    static const int days_a [] = { -50, -30, -10 }, days_b [] = { -50, -30 }, days_c [] = { -50 };
    char ids [5][KP_ID_LEN + 1];
    s_placement (ids [0], days_a, 3);
    s_placement (ids [1], days_b, 2);
    s_placement (ids [2], days_c, 1);
    s_placement (ids [3], NULL, 0);
    s_placement (ids [4], NULL, 0);
    s_end (ids [0], "moved_to_work");
    s_end (ids [1], "moved_to_work");
    s_end (ids [2], "moved_to_work");
    s_end (ids [3], "illness");
    s_end (ids [4], "illness");

    //  Wait (bounded) for the rollup consumer to fold every event so far.
    long long head = kpt_scalar ("SELECT max (seq) FROM kp.events", NULL), cursor = -1;
    for (int waited = 0; waited < 200 && cursor < head; waited++) {
        cursor = kpt_scalar ("SELECT coalesce (max (last_seq), 0) FROM kp.consumer_cursors"
                             " WHERE consumer = 'reporting.rollups'", NULL);
        if (cursor < head)
            zclock_sleep (100);
    }
    cr_assert_geq (cursor, head, "the rollups never caught up");

    char from [11], to [11];
    s_day (-120, from);
    s_day (0, to);
    kp_client_t *client = kpt_client ("reporting", MUNI);
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER, false);
    Kumppani__V1__RunReport body = KUMPPANI__V1__RUN_REPORT__INIT;
    body.report = "placements";
    body.period_start = from;
    body.period_end = to;
    body.project_id = "";
    body.municipality = "091";
    body.threshold = 3;
    request.body_case = KUMPPANI__V1__REQUEST__BODY_RUN_REPORT;
    request.run_report = &body;
    Kumppani__V1__Reply *reply = kpt_call (client, &request);
    kp_client_destroy (&client);
    cr_assert_not_null (reply);
    gt_expect (reply, GT_OK, NULL, NULL);
    const Kumppani__V1__ReportTable *table = reply->report_table;
    cr_assert_eq (table->n_rows, 2);
    //  municipality | started | completed, illness, moved_to_work,
    //  moved_to_education, client_decision, no_shows, other | days | EUR.
    //  Under the threshold of 3 is suppressed, zeros and the two illness
    //  endings included; the total row equals the one area's, so its
    //  cells go with them.
    s_row_is (table, 0, "091|5|*|*|3|*|*|*|*|6|54.00");
    s_row_is (table, 1, "all|5|*|*|3|*|*|*|*|6|54.00");
    kumppani__v1__reply__free_unpacked (reply, NULL);
}
