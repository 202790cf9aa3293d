/*  A placement is a measure of the client's intake case: through the real
    groups, stream and intake services, the agreement creates the measure
    (or attaches the open one the worker added, linked to nothing), a
    Kykyviisari start and end measurement belong to it, and the ending
    ends it (interrupted: the client moved to work). A client with no open
    case gets no measure. */
#include "test_groups.h"

TestSuite (groups_rehab_measure, .init = kpt_setup, .fini = kpt_teardown, .timeout = 180);

static void
s_day (int offset, char *text)
{
    kp_date_format (kp_date_today () + offset, text);
}

static void
s_sql (const char *sql, const char *a, const char *b)
{
    const char *values [] = { a, b };
    PGresult *result = PQexecParams (kpt_admin (), sql, b ? 2 : 1, NULL, values, NULL, NULL, 0);
    cr_assert_eq (PQresultStatus (result), PGRES_COMMAND_OK, "%s", PQresultErrorMessage (result));
    PQclear (result);
}

//  A case of client with a plan (as MakePlan leaves it); its id into id.
static void
s_case (const char *client, char *id)
{
    kp_id_new (id);
    s_sql ("INSERT INTO intake.cases (case_id, client_id, municipality, channel, responsible_worker, state,"
           " opened_by_org) VALUES ($1, $2, '743', 'own_contact', 'sw-1', 'plan_made', 'muni-743')", id, client);
}

//  A placement of client with ngo-743 through its plan and agreement
//  (from 60 days ago); its id into id.
static void
s_placement (const char *client, char *id)
{
    char start [11], end [11];
    s_day (-100, start);
    s_day (83, end);
    Kumppani__V1__CreatePlacement body = KUMPPANI__V1__CREATE_PLACEMENT__INIT;
    body.client_id = (char *) client;
    body.organiser_org = "ngo-743";
    body.days_per_week = 3;
    body.hours_per_day = 6;
    body.start_date = start;
    body.end_date = end;
    body.compensation_cents_per_day = 900;
    body.interim_evaluation_date = "";
    Kumppani__V1__Reply *reply = gt_call ("muni-743", KUMPPANI__V1__REQUEST__BODY_CREATE_PLACEMENT, &body, NULL);
    gt_expect (reply, GT_OK, NULL, NULL);
    snprintf (id, KP_ID_LEN + 1, "%s", reply->placement->placement_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    char agreed [11];
    s_day (-60, agreed);
    gt_placement_path (id, agreed, end);
}

//  Waits (bounded) until intake's placement consumer has every event so far.
static void
s_consumed (void)
{
    long long head = kpt_scalar ("SELECT max (seq) FROM kp.events", NULL), cursor = -1;
    for (int waited = 0; waited < 200 && cursor < head; waited++) {
        cursor = kpt_scalar ("SELECT coalesce (max (last_seq), 0) FROM kp.consumer_cursors"
                             " WHERE consumer = 'intake.placements'", NULL);
        if (cursor < head)
            zclock_sleep (100);
    }
    cr_assert_geq (cursor, head, "intake never caught up with the placements");
}

static Kumppani__V1__Reply *
s_measurement (const char *case_id, const char *measure_id, Kumppani__V1__Timepoint timepoint, const int *scores)
{
    static const char *const items [] = { "overall", "mental_wellbeing", "social_participation",
                                          "physical_functioning", "skills", "everyday_coping" };
    Kumppani__V1__ItemScore entries [6], *pointers [6];
    for (int index = 0; index < 6; index++) {
        kumppani__v1__item_score__init (&entries [index]);
        entries [index].item_code = (char *) items [index];
        entries [index].score = scores [index];
        pointers [index] = &entries [index];
    }
    Kumppani__V1__RecordMeasurement body = KUMPPANI__V1__RECORD_MEASUREMENT__INIT;
    body.case_id = (char *) case_id;
    body.measure_id = (char *) measure_id;
    body.instrument = "kykyviisari";
    body.timepoint = timepoint;
    body.scores = pointers;
    body.n_scores = 6;
    kp_client_t *client = kpt_client ("intake", "muni-743");
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER, true);
    request.body_case = KUMPPANI__V1__REQUEST__BODY_RECORD_MEASUREMENT;
    request.record_measurement = &body;
    Kumppani__V1__Reply *reply = kpt_call (client, &request);
    kp_client_destroy (&client);
    cr_assert_not_null (reply, "no reply from intake");
    return reply;
}

#define MEASURE_OF "SELECT count(*) FROM intake.measures WHERE kind = 'rehabilitative_work' AND linked_ref = $1"

Test (groups_rehab_measure, the_placement_is_a_measure_of_the_case)
{
    static const char *fast [] = { "KUMPPANI_POLL_MS=100", NULL };
    kpt_service_start ("stream", NULL);
    kpt_service_start ("groups", fast);
    kpt_service_start ("intake", fast);

    //  A client with a case and a plan: the agreement creates the measure.
    char client [KP_ID_LEN + 1], case_id [KP_ID_LEN + 1], placement [KP_ID_LEN + 1];
    snprintf (client, sizeof client, "%s", gt_client ("743"));
    s_case (client, case_id);
    s_placement (client, placement);
    //  One whose worker added the measure by hand: it is attached, not doubled.
    char other [KP_ID_LEN + 1], other_case [KP_ID_LEN + 1], other_placement [KP_ID_LEN + 1];
    char measure_by_hand [KP_ID_LEN + 1];
    snprintf (other, sizeof other, "%s", gt_client ("743"));
    s_case (other, other_case);
    kp_id_new (measure_by_hand);
    s_sql ("INSERT INTO intake.measures (measure_id, case_id, kind, description, responsible_person, linked_ref)"
           " VALUES ($1, $2, 'rehabilitative_work', 'work activity at the recycling centre', 'sw-1', '')",
           measure_by_hand, other_case);
    s_placement (other, other_placement);
    //  And one with no case at all.
    char caseless [KP_ID_LEN + 1], caseless_placement [KP_ID_LEN + 1];
    snprintf (caseless, sizeof caseless, "%s", gt_client ("743"));
    s_placement (caseless, caseless_placement);
    s_consumed ();

    char sql [300], agreed [11];
    s_day (-60, agreed);
    snprintf (sql, sizeof sql, "SELECT count(*) FROM intake.measures WHERE linked_ref = $1 AND case_id = '%s'"
              " AND kind = 'rehabilitative_work' AND status = 'active' AND start_date = '%s'"
              " AND responsible_person = 'ngo-743'", case_id, agreed);
    cr_assert_eq (gt_scalar (sql, placement), 1, "the placement's measure");
    snprintf (sql, sizeof sql, "SELECT count(*) FROM intake.measures WHERE measure_id = '%s' AND linked_ref = $1"
              " AND start_date = '%s'", measure_by_hand, agreed);
    cr_assert_eq (gt_scalar (sql, other_placement), 1, "the worker's measure attached");
    cr_assert_eq (gt_scalar ("SELECT count(*) FROM intake.measures WHERE case_id = $1", other_case), 1);
    cr_assert_eq (gt_scalar (MEASURE_OF, caseless_placement), 0);
    cr_assert_eq (gt_scalar ("SELECT count(*) FROM kp.audit_log WHERE action = 'intake.placement_measure_created'"
                             " AND client_ref = $1", client), 1);

    //  The start measurement belongs to the measure.
    char measure [KP_ID_LEN + 1];
    const char *values [] = { placement };
    PGresult *result = PQexecParams (kpt_admin (), "SELECT measure_id FROM intake.measures WHERE linked_ref = $1",
                                     1, NULL, values, NULL, NULL, 0);
    cr_assert_eq (PQntuples (result), 1);
    snprintf (measure, sizeof measure, "%s", PQgetvalue (result, 0, 0));
    PQclear (result);
    const int start [] = { 4, 5, 3, 6, 6, 4 }, end [] = { 6, 6, 5, 6, 7, 7 };
    gt_done (s_measurement (case_id, measure, KUMPPANI__V1__TIMEPOINT__TIMEPOINT_START, start), GT_OK, NULL, NULL);

    //  The ending ends the measure: interrupted, the client moved to work.
    Kumppani__V1__RecordPlacementEvaluation evaluation = KUMPPANI__V1__RECORD_PLACEMENT_EVALUATION__INIT;
    evaluation.placement_id = placement;
    evaluation.kind = "final";
    evaluation.decision = "end";
    evaluation.self_goals = evaluation.self_daily_rhythm = evaluation.self_work_ability = 4;
    evaluation.organiser_goals = evaluation.organiser_daily_rhythm = evaluation.organiser_work_ability = 4;
    gt_done (gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_RECORD_PLACEMENT_EVALUATION, &evaluation, NULL),
             GT_OK, NULL, NULL);
    char ended_on [11];
    s_day (-5, ended_on);
    Kumppani__V1__EndPlacement ending = KUMPPANI__V1__END_PLACEMENT__INIT;
    ending.placement_id = placement;
    ending.ended_on = ended_on;
    ending.reason = "moved_to_work";
    ending.next_step = "work";
    ending.referral_id = "";
    ending.follow_up_date = "";
    gt_done (gt_call ("muni-743", KUMPPANI__V1__REQUEST__BODY_END_PLACEMENT, &ending, NULL), GT_OK, NULL, NULL);
    s_consumed ();
    snprintf (sql, sizeof sql, "SELECT count(*) FROM intake.measures WHERE linked_ref = $1 AND status = 'interrupted'"
              " AND ended_on = '%s'", ended_on);
    cr_assert_eq (gt_scalar (sql, placement), 1, "the measure ended with the placement");
    //  The end measurement too; the outcome change is the measure's.
    gt_done (s_measurement (case_id, measure, KUMPPANI__V1__TIMEPOINT__TIMEPOINT_END, end), GT_OK, NULL, NULL);
    cr_assert_eq (gt_scalar ("SELECT count(*) FROM intake.measurements WHERE measure_id = $1", measure), 2);
}
