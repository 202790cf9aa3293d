/*  What follows a group: each participant's follow-up plan at the end
    (once; a referral onwards by its id), and anonymous feedback forms of
    a session or of the group, reported only as aggregates under
    disclosure control (the feedback report through the stream and the
    reporting consumer; figures by hand below). No other suite records
    feedback, so the report's 743 rows are this scenario's. */
#include "test_groups.h"

TestSuite (groups_followup, .init = kpt_setup, .fini = kpt_teardown, .timeout = 180);

static Kumppani__V1__Reply *
s_follow_up (const char *org, const char *activity, const char *client, const char *next_step,
             const char *referral)
{
    Kumppani__V1__RecordGroupFollowUp body = KUMPPANI__V1__RECORD_GROUP_FOLLOW_UP__INIT;
    body.activity_id = (char *) activity;
    body.client_id = (char *) client;
    body.next_step = (char *) next_step;
    body.referral_id = (char *) referral;
    body.follow_up_date = "";
    return gt_call (org, KUMPPANI__V1__REQUEST__BODY_RECORD_GROUP_FOLLOW_UP, &body, NULL);
}

static Kumppani__V1__Reply *
s_feedback (const char *activity, const char *session, uint32_t overall, uint32_t social, uint32_t variety,
            uint32_t usefulness)
{
    Kumppani__V1__RecordGroupFeedback body = KUMPPANI__V1__RECORD_GROUP_FEEDBACK__INIT;
    body.activity_id = (char *) activity;
    body.session_id = (char *) session;
    body.overall = overall;
    body.social = social;
    body.variety = variety;
    body.usefulness = usefulness;
    return gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_RECORD_GROUP_FEEDBACK, &body, NULL);
}

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

Test (groups_followup, follow_up_plans_and_anonymous_feedback)
{
    static const char *fast [] = { "KUMPPANI_POLL_MS=100", NULL };
    kpt_service_start ("groups", fast);
    kpt_service_start ("stream", NULL);
    kpt_service_start ("reporting", fast);

    //  A closed peer-support group with a session a week ago and two
    //  enrolled clients; a third never enrolled.
    char activity [KP_ID_LEN + 1], session [32], last_week [11], next_week [11];
    snprintf (activity, sizeof activity, "%s", gt_activity ("ngo-743", "peer_support", true, 10, 0));
    kp_date_format (kp_date_today () - 7, last_week);
    kp_date_format (kp_date_today () + 7, next_week);
    gt_one_session ("ngo-743", activity, last_week, "17:00", "19:00", session);
    char a [KP_ID_LEN + 1], b [KP_ID_LEN + 1], stranger [KP_ID_LEN + 1];
    snprintf (a, sizeof a, "%s", gt_client ("743"));
    snprintf (b, sizeof b, "%s", gt_client ("743"));
    snprintf (stranger, sizeof stranger, "%s", gt_client ("743"));
    gt_done (gt_enrol ("ngo-743", activity, a, "", GT_REFUSE), GT_OK, NULL, NULL);
    gt_done (gt_enrol ("ngo-743", activity, b, "", GT_REFUSE), GT_OK, NULL, NULL);

    //  Follow-up plans: A moves on to work; B is referred onwards.
    Kumppani__V1__Reply *reply = s_follow_up ("ngo-743", activity, a, "work", "");
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert_str_eq (reply->group_follow_up->next_step, "work");
    cr_assert_not (reply->group_follow_up->already_recorded);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    char referral [KP_ID_LEN + 1];
    kp_id_new (referral);
    gt_done (s_follow_up ("ngo-743", activity, b, "other_service", referral), GT_OK, NULL, NULL);
    //  The same again changes nothing; a different one is refused.
    reply = s_follow_up ("ngo-743", activity, a, "work", "");
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert (reply->group_follow_up->already_recorded);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    gt_done (s_follow_up ("ngo-743", activity, a, "education", ""), GT_CONFLICT, "groups.follow_up_recorded",
             "record_group_follow_up.client_id");
    //  Refusals: not enrolled, not a step, not a referral id, not a party.
    gt_done (s_follow_up ("ngo-743", activity, stranger, "work", ""), GT_CONFLICT, "groups.not_enrolled",
             "record_group_follow_up.client_id");
    gt_done (s_follow_up ("ngo-743", activity, b, "holiday", ""), GT_INVALID, "groups.bad_next_step",
             "record_group_follow_up.next_step");
    gt_done (s_follow_up ("ngo-743", activity, b, "other_service", "R-1"), GT_INVALID, "groups.bad_referral_id",
             "record_group_follow_up.referral_id");
    gt_done (s_follow_up ("ngo-743", activity, "nobody", "work", ""), GT_INVALID, "groups.bad_client_id",
             "record_group_follow_up.client_id");
    gt_done (s_follow_up ("debt-743", activity, b, "work", ""), GT_NOT_FOUND, "groups.activity_not_found", NULL);
    cr_assert_eq (gt_scalar ("SELECT count(*) FROM groups.group_follow_ups WHERE activity_id = $1", activity), 2);
    cr_assert_eq (gt_scalar ("SELECT count(*) FROM groups.group_follow_ups WHERE referral_id <> ''"
                             " AND client_id = $1", b), 1);
    cr_assert_eq (gt_events (activity, "groups.follow_up_recorded"), 2);

    //  Feedback: four forms of the session, one of the group as a whole.
    //  overall 5+4+4+3+5 = 21, social 5+5+4+4+5 = 23, variety 3+3+4+2+4 = 16,
    //  usefulness 4+4+5+3+4 = 20; five forms: means 4.20, 4.60, 3.20, 4.00.
    gt_done (s_feedback (activity, session, 5, 5, 3, 4), GT_OK, NULL, NULL);
    gt_done (s_feedback (activity, session, 4, 5, 3, 4), GT_OK, NULL, NULL);
    gt_done (s_feedback (activity, session, 4, 4, 4, 5), GT_OK, NULL, NULL);
    gt_done (s_feedback (activity, session, 3, 4, 2, 3), GT_OK, NULL, NULL);
    reply = s_feedback (activity, "", 5, 5, 4, 4);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert_eq (strlen (reply->group_feedback->feedback_id), KP_ID_LEN);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  Refusals: off the scale, a session not yet held, not a party.
    gt_done (s_feedback (activity, session, 6, 5, 3, 4), GT_INVALID, "groups.bad_scale", "record_group_feedback.overall");
    gt_done (s_feedback (activity, session, 4, 0, 3, 4), GT_INVALID, "groups.bad_scale", "record_group_feedback.social");
    char later [32];
    gt_one_session ("ngo-743", activity, next_week, "17:00", "19:00", later);
    gt_done (s_feedback (activity, later, 4, 4, 4, 4), GT_CONFLICT, "groups.session_not_held",
             "record_group_feedback.session_id");
    Kumppani__V1__RecordGroupFeedback body = KUMPPANI__V1__RECORD_GROUP_FEEDBACK__INIT;
    body.activity_id = activity;
    body.session_id = "";
    body.overall = body.social = body.variety = body.usefulness = 3;
    gt_done (gt_call ("debt-743", KUMPPANI__V1__REQUEST__BODY_RECORD_GROUP_FEEDBACK, &body, NULL), GT_NOT_FOUND,
             "groups.activity_not_found", NULL);
    cr_assert_eq (gt_scalar ("SELECT count(*) FROM groups.feedback WHERE activity_id = $1", activity), 5);
    //  Never linked to a person: no client in the forms' events or audit.
    Kumppani__V1__Event *events [8];
    int count = gt_event_list (activity, "groups.feedback_recorded", events, 8);
    cr_assert_eq (count, 5);
    for (int index = 0; index < count; index++) {
        cr_assert_str_eq (events [index]->groups->client_id, "");
        cr_assert_eq (events [index]->groups->n_topic_tallies, 4);
    }
    gt_events_free (events, count);
    cr_assert_eq (gt_scalar ("SELECT count(*) FROM kp.audit_log WHERE action = 'groups.record_group_feedback'"
                             " AND client_ref IS NOT NULL AND client_ref <> ''", NULL), 0);

    //  The report, once the rollups have every event.
    long long head = kpt_scalar ("SELECT max (seq) FROM kp.events", NULL), cursor = -1;
    for (int waited = 0; waited < 200 && cursor < head; waited++) {
        cursor = kpt_scalar ("SELECT coalesce (max (last_seq), 0) FROM kp.consumer_cursors"
                             " WHERE consumer = 'reporting.rollups'", NULL);
        if (cursor < head)
            zclock_sleep (100);
    }
    cr_assert_geq (cursor, head, "the rollups never caught up");
    char from [11], to [11];
    kp_date_format (kp_date_today () - 30, from);
    kp_date_format (kp_date_today (), to);
    for (int pass = 0; pass < 2; pass++) {
        kp_client_t *client = kpt_client ("reporting", "muni-743");
        Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
        Kumppani__V1__Actor actor;
        kpt_request (&request, &actor, KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER, false);
        Kumppani__V1__RunReport run = KUMPPANI__V1__RUN_REPORT__INIT;
        run.report = "feedback";
        run.period_start = from;
        run.period_end = to;
        run.project_id = "";
        run.municipality = "743";
        run.threshold = pass == 0 ? 3 : 6;
        request.body_case = KUMPPANI__V1__REQUEST__BODY_RUN_REPORT;
        request.run_report = &run;
        reply = kpt_call (client, &request);
        kp_client_destroy (&client);
        cr_assert_not_null (reply);
        gt_expect (reply, GT_OK, NULL, NULL);
        cr_assert_eq (reply->report_table->n_rows, 2);
        if (pass == 0) {
            s_row_is (reply->report_table, 0, "743|peer_support|5|4.20|4.60|3.20|4.00");
            s_row_is (reply->report_table, 1, "all|all|5|4.20|4.60|3.20|4.00");
        }
        else {
            //  Five forms under a threshold of six: the count and every mean go.
            s_row_is (reply->report_table, 0, "743|peer_support|*|*|*|*|*");
            s_row_is (reply->report_table, 1, "all|all|*|*|*|*|*");
        }
        kumppani__v1__reply__free_unpacked (reply, NULL);
    }
}
