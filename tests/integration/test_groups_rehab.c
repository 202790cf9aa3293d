/*  Rehabilitative work activity from the activation plan to the ending
    (SOS figure 6): the municipality's activation plan and the organiser's
    agreement before the first day, attended days, the interim evaluation
    (which clears its reminder), the final one, EndPlacement with its
    reason and follow-up plan; every refusal on the way, by code and
    field. Dates are counted from today, so the suite holds on any day. */
#include "test_groups.h"

TestSuite (groups_rehab, .init = gt_setup, .fini = kpt_teardown, .timeout = 120);

static void
s_day (int offset, char *text)
{
    kp_date_format (kp_date_today () + offset, text);
}

//  A placement of a new 743 client with ngo-743 from 100 days ago to 83
//  days ahead; interim_offset the interim evaluation's day (0 = halfway).
static void
s_placement (char *id, int interim_offset)
{
    char start [11], end [11], interim [11] = "";
    s_day (-100, start);
    s_day (83, end);
    if (interim_offset)
        s_day (interim_offset, interim);
    Kumppani__V1__CreatePlacement body = KUMPPANI__V1__CREATE_PLACEMENT__INIT;
    body.client_id = (char *) gt_client ("743");
    body.organiser_org = "ngo-743";
    body.days_per_week = 3;
    body.hours_per_day = 6;
    body.start_date = start;
    body.end_date = end;
    body.compensation_cents_per_day = 900;
    body.interim_evaluation_date = interim;
    Kumppani__V1__Reply *reply = gt_call ("muni-743", KUMPPANI__V1__REQUEST__BODY_CREATE_PLACEMENT, &body, NULL);
    gt_expect (reply, GT_OK, NULL, NULL);
    snprintf (id, KP_ID_LEN + 1, "%s", reply->placement->placement_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

static char *s_goals [] = { "daily_rhythm", "work_ability", "social_contacts" };

static void
s_plan_body (Kumppani__V1__RecordActivationPlan *body, const char *placement, char *valid_until)
{
    kumppani__v1__record_activation_plan__init (body);
    s_day (83, valid_until);
    body->placement_id = (char *) placement;
    body->te_office_org = "te-743";
    body->goals = s_goals;
    body->n_goals = 3;
    body->days_per_week = 3;
    body->hours_per_day = 6;
    body->valid_until = valid_until;
}

static uint32_t s_weekdays [] = { 1, 3, 5 };

static void
s_agreement_body (Kumppani__V1__RecordAgreement *body, const char *placement, char *start, char *end)
{
    kumppani__v1__record_agreement__init (body);
    s_day (-60, start);
    s_day (83, end);
    body->placement_id = (char *) placement;
    body->tasks = "kitchen; recycling centre sorting";
    body->weekdays = s_weekdays;
    body->n_weekdays = 3;
    body->hours_per_day = 6;
    body->start_date = start;
    body->end_date = end;
}

static void
s_evaluation_body (Kumppani__V1__RecordPlacementEvaluation *body, const char *placement, const char *kind,
                   const char *decision)
{
    kumppani__v1__record_placement_evaluation__init (body);
    body->placement_id = (char *) placement;
    body->kind = (char *) kind;
    body->decision = (char *) decision;
    body->self_goals = 4;
    body->self_daily_rhythm = 3;
    body->self_work_ability = 3;
    body->organiser_goals = 4;
    body->organiser_daily_rhythm = 4;
    body->organiser_work_ability = 3;
}

static void
s_end_body (Kumppani__V1__EndPlacement *body, const char *placement, char *ended_on, int offset)
{
    kumppani__v1__end_placement__init (body);
    s_day (offset, ended_on);
    body->placement_id = (char *) placement;
    body->ended_on = ended_on;
    body->reason = "moved_to_work";
    body->next_step = "work";
    body->referral_id = "";
    body->follow_up_date = "";
}

static Kumppani__V1__Reply *
s_work_day (const char *placement, int offset, uint32_t minutes)
{
    char date [11];
    s_day (offset, date);
    Kumppani__V1__RecordPlacementDay body = KUMPPANI__V1__RECORD_PLACEMENT_DAY__INIT;
    body.placement_id = (char *) placement;
    body.date = date;
    body.minutes = minutes;
    return gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_RECORD_PLACEMENT_DAY, &body, NULL);
}

#define PLAN    KUMPPANI__V1__REQUEST__BODY_RECORD_ACTIVATION_PLAN
#define AGREE   KUMPPANI__V1__REQUEST__BODY_RECORD_AGREEMENT
#define EVAL    KUMPPANI__V1__REQUEST__BODY_RECORD_PLACEMENT_EVALUATION
#define END     KUMPPANI__V1__REQUEST__BODY_END_PLACEMENT

static void
s_sql (const char *sql, const char *param)
{
    const char *values [] = { param };
    PGresult *result = PQexecParams (kpt_admin (), sql, 1, NULL, values, NULL, NULL, 0);
    cr_assert_eq (PQresultStatus (result), PGRES_COMMAND_OK, "%s", PQresultErrorMessage (result));
    PQclear (result);
}

Test (groups_rehab, the_whole_path)
{
    char placement [KP_ID_LEN + 1], valid [11], start [11], end [11];
    //  The interim evaluation three weeks ahead: its reminder is not due yet.
    s_placement (placement, 21);

    //  No day, and no agreement, before the activation plan.
    gt_done (s_work_day (placement, -50, 360), GT_CONFLICT, "groups.no_activation_plan",
             "record_placement_day.placement_id");
    Kumppani__V1__RecordAgreement agreement;
    s_agreement_body (&agreement, placement, start, end);
    gt_done (gt_call ("ngo-743", AGREE, &agreement, NULL), GT_CONFLICT, "groups.no_activation_plan",
             "record_agreement.placement_id");

    //  The activation plan is the placing municipality's.
    Kumppani__V1__RecordActivationPlan plan;
    s_plan_body (&plan, placement, valid);
    gt_done (gt_call ("ngo-743", PLAN, &plan, NULL), GT_FORBIDDEN, NULL, NULL);     //  an NGO never plans
    Kumppani__V1__Reply *reply = gt_call ("muni-743", PLAN, &plan, NULL);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert (reply->placement->activation_plan_recorded);
    cr_assert_not (reply->placement->agreement_recorded);
    cr_assert_not (reply->placement->already_recorded);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  The same again changes nothing; a different one is refused.
    reply = gt_call ("muni-743", PLAN, &plan, NULL);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert (reply->placement->already_recorded);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    plan.hours_per_day = 5;
    gt_done (gt_call ("muni-743", PLAN, &plan, NULL), GT_CONFLICT, "groups.plan_recorded",
             "record_activation_plan.valid_until");
    cr_assert_eq (gt_scalar ("SELECT count(*) FROM groups.activation_plans WHERE placement_id = $1"
                             " AND hours_per_day = 6 AND goals = 'daily_rhythm work_ability social_contacts'",
                             placement), 1);

    //  Still no day before the agreement.
    gt_done (s_work_day (placement, -50, 360), GT_CONFLICT, "groups.no_agreement",
             "record_placement_day.placement_id");
    //  The agreement is the organiser's; its weekdays are the plan's three.
    gt_done (gt_call ("muni-743", AGREE, &agreement, NULL), GT_FORBIDDEN, "groups.forbidden",
             "record_agreement.placement_id");
    agreement.n_weekdays = 2;
    gt_done (gt_call ("ngo-743", AGREE, &agreement, NULL), GT_INVALID, "groups.bad_weekdays",
             "record_agreement.weekdays");
    agreement.n_weekdays = 3;
    reply = gt_call ("ngo-743", AGREE, &agreement, NULL);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert (reply->placement->agreement_recorded);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Days: not before the agreement's start; three within it.
    gt_done (s_work_day (placement, -70, 360), GT_CONFLICT, "groups.outside_agreement",
             "record_placement_day.date");
    gt_done (s_work_day (placement, -50, 360), GT_OK, NULL, NULL);
    gt_done (s_work_day (placement, -30, 300), GT_OK, NULL, NULL);
    gt_done (s_work_day (placement, -10, 360), GT_OK, NULL, NULL);

    //  The interim evaluation: the organiser's, not the municipality's,
    //  and an organisation no party to it is not told it exists.
    Kumppani__V1__RecordPlacementEvaluation evaluation;
    s_evaluation_body (&evaluation, placement, "interim", "continue");
    gt_done (gt_call ("muni-743", EVAL, &evaluation, NULL), GT_FORBIDDEN, "groups.forbidden",
             "record_placement_evaluation.placement_id");
    gt_done (gt_call ("debt-743", EVAL, &evaluation, NULL), GT_NOT_FOUND, "groups.placement_not_found",
             "record_placement_evaluation.placement_id");
    reply = gt_call ("ngo-743", EVAL, &evaluation, NULL);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert_eq (reply->placement->n_evaluations, 1);
    cr_assert_str_eq (reply->placement->evaluations [0], "interim");
    cr_assert_eq (reply->placement->days_recorded, 3);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    evaluation.self_goals = 2;
    gt_done (gt_call ("ngo-743", EVAL, &evaluation, NULL), GT_CONFLICT, "groups.evaluation_recorded",
             "record_placement_evaluation.kind");

    //  The reminder is cleared. The interim day moves to ten days ago (due
    //  and overdue); a second placement's interim is nine days ago. The
    //  timer sends the earliest first, so once the second one's reminder
    //  is out, this one's would have gone before it had it not been done.
    char overdue [11], sql [160];
    s_day (-10, overdue);
    snprintf (sql, sizeof sql, "UPDATE groups.placements SET interim_evaluation = '%s' WHERE placement_id = $1",
              overdue);
    s_sql (sql, placement);
    char other [KP_ID_LEN + 1];
    s_placement (other, 0);
    long long sent = 0;
    for (int attempt = 0; attempt < 100 && sent < 1; attempt++) {
        sent = gt_events (other, "groups.evaluation_due");
        if (sent < 1)
            zclock_sleep (100);
    }
    cr_assert_eq (sent, 1);
    cr_assert_eq (gt_events (placement, "groups.evaluation_due"), 0);

    //  No ending before the final evaluation; the ending is the municipality's.
    Kumppani__V1__EndPlacement ending;
    char ended_on [11];
    s_end_body (&ending, placement, ended_on, -5);
    gt_done (gt_call ("muni-743", END, &ending, NULL), GT_CONFLICT, "groups.no_final_evaluation",
             "end_placement.placement_id");
    gt_done (gt_call ("ngo-743", END, &ending, NULL), GT_FORBIDDEN, NULL, NULL);
    s_evaluation_body (&evaluation, placement, "final", "end");
    gt_done (gt_call ("ngo-743", EVAL, &evaluation, NULL), GT_OK, NULL, NULL);
    //  An interim evaluation after the final one is out of order.
    s_evaluation_body (&evaluation, placement, "interim", "change");
    gt_done (gt_call ("ngo-743", EVAL, &evaluation, NULL), GT_CONFLICT, "groups.evaluation_out_of_order",
             "record_placement_evaluation.kind");

    //  Not ended before a day that was attended.
    char early [11];
    s_end_body (&ending, placement, early, -20);
    gt_done (gt_call ("muni-743", END, &ending, NULL), GT_CONFLICT, "groups.days_after_end",
             "end_placement.ended_on");
    s_end_body (&ending, placement, ended_on, -5);
    reply = gt_call ("muni-743", END, &ending, NULL);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert_str_eq (reply->placement->ended_on, ended_on);
    cr_assert_str_eq (reply->placement->end_reason, "moved_to_work");
    cr_assert_eq (reply->placement->n_evaluations, 2);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = gt_call ("muni-743", END, &ending, NULL);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert (reply->placement->already_recorded);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    ending.reason = "illness";
    gt_done (gt_call ("muni-743", END, &ending, NULL), GT_CONFLICT, "groups.placement_ended",
             "end_placement.placement_id");

    //  After the end: no day after it (a late entry of a day before it is
    //  fine), no evaluation, no new plan.
    gt_done (s_work_day (placement, -2, 360), GT_CONFLICT, "groups.placement_ended", "record_placement_day.date");
    gt_done (s_work_day (placement, -8, 360), GT_OK, NULL, NULL);
    s_evaluation_body (&evaluation, placement, "final", "end");
    gt_done (gt_call ("ngo-743", EVAL, &evaluation, NULL), GT_CONFLICT, "groups.placement_ended",
             "record_placement_evaluation.placement_id");
    //  No absence from a day after the end; one on the last day still
    //  starts its chain.
    Kumppani__V1__ReportAbsence absence = KUMPPANI__V1__REPORT_ABSENCE__INIT;
    char absent_on [11];
    s_day (-2, absent_on);
    absence.placement_id = placement;
    absence.absence_date = absent_on;
    absence.step = "client";
    gt_done (gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_REPORT_ABSENCE, &absence, NULL), GT_CONFLICT,
             "groups.absence_after_end", "report_absence.absence_date");
    cr_assert_eq (gt_scalar ("SELECT count(*) FROM groups.absence_steps WHERE placement_id = $1", placement), 0);
    absence.absence_date = ended_on;
    gt_done (gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_REPORT_ABSENCE, &absence, NULL), GT_OK, NULL, NULL);

    //  What was written, and the events: one per step.
    cr_assert_eq (gt_scalar ("SELECT count(*) FROM groups.placement_days WHERE placement_id = $1", placement), 4);
    cr_assert_eq (gt_scalar ("SELECT count(*) FROM groups.placement_evaluations WHERE placement_id = $1"
                             " AND self_goals = 4", placement), 2);
    cr_assert_eq (gt_scalar ("SELECT count(*) FROM groups.placement_endings WHERE placement_id = $1"
                             " AND reason = 'moved_to_work' AND next_step = 'work'", placement), 1);
    cr_assert_eq (gt_events (placement, "groups.activation_plan_recorded"), 1);
    cr_assert_eq (gt_events (placement, "groups.agreement_recorded"), 1);
    cr_assert_eq (gt_events (placement, "groups.placement_evaluated"), 2);
    cr_assert_eq (gt_events (placement, "groups.placement_day_recorded"), 4);
    Kumppani__V1__Event *events [2];
    int count = gt_event_list (placement, "groups.placement_ended", events, 2);
    cr_assert_eq (count, 1);
    cr_assert_str_eq (events [0]->groups->step, "moved_to_work");
    cr_assert_str_eq (events [0]->groups->session_date, ended_on);
    cr_assert_str_eq (events [0]->groups->municipality, "743");
    gt_events_free (events, count);
}

//  Malformed bodies: INVALID with the field, nothing written.
Test (groups_rehab, malformed_steps)
{
    char placement [KP_ID_LEN + 1], valid [11], start [11], end [11], ended_on [11];
    s_placement (placement, 0);
    Kumppani__V1__RecordActivationPlan plan;
    static char *unknown_goal [] = { "daily_rhythm", "happiness" };
    static char *twice [] = { "health", "health" };
    struct { int what; const char *field; } plan_cases [] = {
        { 0, "record_activation_plan.te_office_org" }, { 1, "record_activation_plan.goals" },
        { 2, "record_activation_plan.goals" }, { 3, "record_activation_plan.goals" },
        { 4, "record_activation_plan.days_per_week" }, { 5, "record_activation_plan.hours_per_day" },
        { 6, "record_activation_plan.valid_until" }, { 7, "record_activation_plan.valid_until" },
    };
    const char *plan_codes [] = {
        "groups.bad_org", "groups.bad_goals", "groups.bad_goals", "groups.bad_goals",
        "groups.placement_out_of_bounds", "groups.placement_out_of_bounds", "groups.bad_date", "groups.bad_date"
    };
    for (size_t index = 0; index < sizeof plan_cases / sizeof plan_cases [0]; index++) {
        s_plan_body (&plan, placement, valid);
        switch (plan_cases [index].what) {
            case 0: plan.te_office_org = ""; break;
            case 1: plan.n_goals = 0; break;
            case 2: plan.goals = unknown_goal; plan.n_goals = 2; break;
            case 3: plan.goals = twice; plan.n_goals = 2; break;
            case 4: plan.days_per_week = 5; break;
            case 5: plan.hours_per_day = 9; break;
            case 6: plan.valid_until = "2026-13-01"; break;
            case 7: s_day (-101, valid); break;     //  expires before the placement starts
        }
        gt_done (gt_call ("muni-743", PLAN, &plan, NULL), GT_INVALID, plan_codes [index], plan_cases [index].field);
    }
    cr_assert_eq (gt_scalar ("SELECT count(*) FROM groups.activation_plans WHERE placement_id = $1", placement), 0);
    s_plan_body (&plan, placement, valid);
    gt_done (gt_call ("muni-743", PLAN, &plan, NULL), GT_OK, NULL, NULL);

    Kumppani__V1__RecordAgreement agreement;
    uint32_t repeated [] = { 1, 1, 3 }, sunday_plus [] = { 1, 3, 8 };
    for (int what = 0; what < 6; what++) {
        s_agreement_body (&agreement, placement, start, end);
        const char *code = "groups.bad_date", *field = "record_agreement.start_date";
        switch (what) {
            case 0: agreement.tasks = ""; code = "groups.bad_tasks"; field = "record_agreement.tasks"; break;
            case 1: agreement.tasks = "line\nbreak"; code = "groups.bad_tasks"; field = "record_agreement.tasks"; break;
            case 2: agreement.weekdays = repeated; code = "groups.bad_weekdays"; field = "record_agreement.weekdays"; break;
            case 3: agreement.weekdays = sunday_plus; code = "groups.bad_weekdays"; field = "record_agreement.weekdays"; break;
            case 4: s_day (-101, start); break;
            case 5: s_day (84, end); field = "record_agreement.end_date"; break;
        }
        gt_done (gt_call ("ngo-743", AGREE, &agreement, NULL), GT_INVALID, code, field);
    }
    cr_assert_eq (gt_scalar ("SELECT count(*) FROM groups.placement_agreements WHERE placement_id = $1",
                             placement), 0);
    s_agreement_body (&agreement, placement, start, end);
    gt_done (gt_call ("ngo-743", AGREE, &agreement, NULL), GT_OK, NULL, NULL);

    Kumppani__V1__RecordPlacementEvaluation evaluation;
    s_evaluation_body (&evaluation, placement, "midway", "continue");
    gt_done (gt_call ("ngo-743", EVAL, &evaluation, NULL), GT_INVALID, "groups.bad_evaluation_kind",
             "record_placement_evaluation.kind");
    s_evaluation_body (&evaluation, placement, "interim", "stop");
    gt_done (gt_call ("ngo-743", EVAL, &evaluation, NULL), GT_INVALID, "groups.bad_decision",
             "record_placement_evaluation.decision");
    s_evaluation_body (&evaluation, placement, "interim", "continue");
    evaluation.organiser_work_ability = 6;
    gt_done (gt_call ("ngo-743", EVAL, &evaluation, NULL), GT_INVALID, "groups.bad_scale",
             "record_placement_evaluation.organiser_work_ability");
    evaluation.organiser_work_ability = 3;
    evaluation.self_goals = 0;
    gt_done (gt_call ("ngo-743", EVAL, &evaluation, NULL), GT_INVALID, "groups.bad_scale",
             "record_placement_evaluation.self_goals");
    cr_assert_eq (gt_scalar ("SELECT count(*) FROM groups.placement_evaluations WHERE placement_id = $1",
                             placement), 0);
    s_evaluation_body (&evaluation, placement, "final", "end");
    gt_done (gt_call ("ngo-743", EVAL, &evaluation, NULL), GT_OK, NULL, NULL);

    Kumppani__V1__EndPlacement ending;
    s_end_body (&ending, placement, ended_on, -5);
    ending.reason = "bored";
    gt_done (gt_call ("muni-743", END, &ending, NULL), GT_INVALID, "groups.bad_end_reason", "end_placement.reason");
    s_end_body (&ending, placement, ended_on, -5);
    ending.next_step = "elsewhere";
    gt_done (gt_call ("muni-743", END, &ending, NULL), GT_INVALID, "groups.bad_next_step",
             "end_placement.next_step");
    s_end_body (&ending, placement, ended_on, -5);
    ending.referral_id = "not-an-id";
    gt_done (gt_call ("muni-743", END, &ending, NULL), GT_INVALID, "groups.bad_referral_id",
             "end_placement.referral_id");
    s_end_body (&ending, placement, ended_on, -5);
    ending.follow_up_date = "2001-01-01";
    gt_done (gt_call ("muni-743", END, &ending, NULL), GT_INVALID, "groups.bad_date", "end_placement.follow_up_date");
    s_end_body (&ending, placement, ended_on, 2);
    gt_done (gt_call ("muni-743", END, &ending, NULL), GT_CONFLICT, "groups.day_in_future", "end_placement.ended_on");
    s_end_body (&ending, placement, ended_on, -101);
    gt_done (gt_call ("muni-743", END, &ending, NULL), GT_INVALID, "groups.bad_date", "end_placement.ended_on");
    cr_assert_eq (gt_scalar ("SELECT count(*) FROM groups.placement_endings WHERE placement_id = $1", placement), 0);
    //  Interrupted, with a referral onwards as the follow-up.
    char referral [KP_ID_LEN + 1], follow_up [11];
    kp_id_new (referral);
    s_end_body (&ending, placement, ended_on, 0);
    s_day (30, follow_up);
    ending.reason = "illness";
    ending.next_step = "other_service";
    ending.referral_id = referral;
    ending.follow_up_date = follow_up;
    gt_done (gt_call ("muni-743", END, &ending, NULL), GT_OK, NULL, NULL);
    cr_assert_eq (gt_scalar ("SELECT count(*) FROM groups.placement_endings WHERE placement_id = $1"
                             " AND reason = 'illness' AND referral_id <> '' AND follow_up_date IS NOT NULL",
                             placement), 1);
    //  A placement id nobody has: NOT_FOUND for each step.
    char nobody [KP_ID_LEN + 1];
    kp_id_new (nobody);
    s_plan_body (&plan, nobody, valid);
    gt_done (gt_call ("muni-743", PLAN, &plan, NULL), GT_NOT_FOUND, "groups.placement_not_found",
             "record_activation_plan.placement_id");
    s_end_body (&ending, nobody, ended_on, -5);
    gt_done (gt_call ("muni-743", END, &ending, NULL), GT_NOT_FOUND, "groups.placement_not_found",
             "end_placement.placement_id");
    s_end_body (&ending, "short", ended_on, -5);
    gt_done (gt_call ("muni-743", END, &ending, NULL), GT_INVALID, "groups.bad_id", "end_placement.placement_id");
}

//  The activation plan holds until valid_until: a day after it waits for
//  the plan's review, which extends it as a new version (never an edit).
Test (groups_rehab, an_expired_plan_is_reviewed_before_more_days)
{
    char placement [KP_ID_LEN + 1], valid [11], start [11], end [11];
    s_placement (placement, 0);
    Kumppani__V1__RecordActivationPlan plan;
    s_plan_body (&plan, placement, valid);
    s_day (-40, valid);
    gt_done (gt_call ("muni-743", PLAN, &plan, NULL), GT_OK, NULL, NULL);
    Kumppani__V1__RecordAgreement agreement;
    s_agreement_body (&agreement, placement, start, end);
    gt_done (gt_call ("ngo-743", AGREE, &agreement, NULL), GT_OK, NULL, NULL);
    gt_done (s_work_day (placement, -50, 360), GT_OK, NULL, NULL);
    gt_done (s_work_day (placement, -30, 360), GT_CONFLICT, "groups.plan_expired", "record_placement_day.date");
    //  A "review" that shortens it is no review.
    s_day (-45, valid);
    gt_done (gt_call ("muni-743", PLAN, &plan, NULL), GT_CONFLICT, "groups.plan_recorded",
             "record_activation_plan.valid_until");
    s_day (83, valid);
    plan.hours_per_day = 5;
    gt_done (gt_call ("muni-743", PLAN, &plan, NULL), GT_OK, NULL, NULL);
    gt_done (s_work_day (placement, -30, 300), GT_OK, NULL, NULL);
    cr_assert_eq (gt_scalar ("SELECT count(*) FROM groups.activation_plans WHERE placement_id = $1", placement), 2);
    cr_assert_eq (gt_scalar ("SELECT max (version) FROM groups.activation_plans WHERE placement_id = $1"
                             " AND hours_per_day = 5", placement), 2);
    cr_assert_eq (gt_events (placement, "groups.activation_plan_recorded"), 1);
    cr_assert_eq (gt_events (placement, "groups.activation_plan_reviewed"), 1);
}

//  A retried request (the same idempotency key) gets the first reply and
//  writes nothing twice.
Test (groups_rehab, retried_steps_write_once)
{
    char placement [KP_ID_LEN + 1], valid [11];
    s_placement (placement, 0);
    Kumppani__V1__RecordActivationPlan plan;
    s_plan_body (&plan, placement, valid);
    char key [KP_ID_LEN + 1];
    kp_id_new (key);
    gt_done (gt_call ("muni-743", PLAN, &plan, key), GT_OK, NULL, NULL);
    Kumppani__V1__Reply *reply = gt_call ("muni-743", PLAN, &plan, key);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert_not (reply->placement->already_recorded);     //  the first reply, replayed
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (gt_events (placement, "groups.activation_plan_recorded"), 1);
}
