/*  Rehabilitative work activity placements: the law's bounds, attended
    days recorded once with their compensation, the absence chain taken
    step by step in order by the right organisation (one event each), and
    the interim evaluation reminder sent once by the service's timer.
    Dates are counted from today, so the suite holds on any day. */
#include "test_groups.h"

TestSuite (groups_placement, .init = gt_setup, .fini = kpt_teardown, .timeout = 120);

static void
s_day (int offset, char *text)
{
    kp_date_format (kp_date_today () + offset, text);
}

static void
s_body (Kumppani__V1__CreatePlacement *body, const char *client, char *start, char *end)
{
    kumppani__v1__create_placement__init (body);
    s_day (-100, start);
    s_day (83, end);                //  183 days: six months
    body->client_id = (char *) client;
    body->organiser_org = "ngo-743";
    body->days_per_week = 3;
    body->hours_per_day = 6;
    body->start_date = start;
    body->end_date = end;
    body->compensation_cents_per_day = 900;
}

//  A placement of a new 743 client with ngo-743; its id into id.
static const char *
s_placement (char *id)
{
    char start [11], end [11];
    Kumppani__V1__CreatePlacement body;
    s_body (&body, gt_client ("743"), start, end);
    Kumppani__V1__Reply *reply = gt_call ("muni-743", KUMPPANI__V1__REQUEST__BODY_CREATE_PLACEMENT, &body, NULL);
    gt_expect (reply, GT_OK, NULL, NULL);
    snprintf (id, KP_ID_LEN + 1, "%s", reply->placement->placement_id);
    cr_assert_str_eq (reply->placement->final_evaluation_date, end);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    return id;
}

static Kumppani__V1__Reply *
s_absence (const char *org, const char *placement, const char *date, const char *step)
{
    Kumppani__V1__ReportAbsence body = KUMPPANI__V1__REPORT_ABSENCE__INIT;
    body.placement_id = (char *) placement;
    body.absence_date = (char *) date;
    body.step = (char *) step;
    return gt_call (org, KUMPPANI__V1__REQUEST__BODY_REPORT_ABSENCE, &body, NULL);
}

static Kumppani__V1__Reply *
s_work_day (const char *org, const char *placement, const char *date, uint32_t minutes)
{
    Kumppani__V1__RecordPlacementDay body = KUMPPANI__V1__RECORD_PLACEMENT_DAY__INIT;
    body.placement_id = (char *) placement;
    body.date = (char *) date;
    body.minutes = minutes;
    return gt_call (org, KUMPPANI__V1__REQUEST__BODY_RECORD_PLACEMENT_DAY, &body, NULL);
}

Test (groups_placement, absence_chain_in_order_one_event_per_step)
{
    char placement [KP_ID_LEN + 1], day [11], tomorrow [11];
    s_placement (placement);
    s_day (-7, day);
    s_day (1, tomorrow);
    //  The organiser cannot pass on what the client never told.
    gt_done (s_absence ("ngo-743", placement, day, "organiser"), GT_CONFLICT, "groups.absence_out_of_order",
             "report_absence.step");
    gt_done (s_absence ("ngo-743", placement, day, "client"), GT_OK, NULL, NULL);
    gt_done (s_absence ("ngo-743", placement, day, "organiser"), GT_OK, NULL, NULL);
    //  The social instructor's step is the placing municipality's.
    gt_done (s_absence ("ngo-743", placement, day, "social_instructor"), GT_FORBIDDEN, "groups.forbidden",
             "report_absence.step");
    gt_done (s_absence ("muni-743", placement, day, "social_instructor"), GT_OK, NULL, NULL);
    Kumppani__V1__Reply *reply = s_absence ("muni-743", placement, day, "te_office");
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert_eq (reply->placement->n_absence_steps, 4);
    cr_assert_str_eq (reply->placement->absence_steps [3], "te_office");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  A step again: nothing new.
    reply = s_absence ("ngo-743", placement, day, "client");
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert (reply->placement->already_recorded);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    Kumppani__V1__Event *events [8];
    int count = gt_event_list (placement, "groups.absence_reported", events, 8);
    cr_assert_eq (count, 4);
    const char *order [] = { "client", "organiser", "social_instructor", "te_office" };
    for (int index = 0; index < count; index++) {
        cr_assert_str_eq (events [index]->groups->step, order [index]);
        cr_assert_str_eq (events [index]->groups->placement_id, placement);
        cr_assert_str_eq (events [index]->groups->session_date, day);
        cr_assert_str_eq (events [index]->groups->municipality, "743");
        cr_assert_str_eq (events [index]->groups->organiser_org, "ngo-743");
        cr_assert_eq (strlen (events [index]->groups->client_id), KP_ID_LEN);
    }
    gt_events_free (events, count);

    //  Not yet, not in the placement, not a step, not theirs.
    gt_done (s_absence ("ngo-743", placement, tomorrow, "client"), GT_CONFLICT, "groups.day_in_future",
             "report_absence.absence_date");
    char before [11];
    s_day (-101, before);
    gt_done (s_absence ("ngo-743", placement, before, "client"), GT_INVALID, "groups.bad_date",
             "report_absence.absence_date");
    gt_done (s_absence ("ngo-743", placement, day, "kela"), GT_INVALID, "groups.bad_step", "report_absence.step");
    gt_done (s_absence ("muni-091", placement, day, "client"), GT_NOT_FOUND, "groups.placement_not_found",
             "report_absence.placement_id");
    gt_done (s_absence ("debt-743", placement, day, "client"), GT_NOT_FOUND, "groups.placement_not_found",
             "report_absence.placement_id");
}

Test (groups_placement, attended_days_once_with_their_compensation)
{
    char placement [KP_ID_LEN + 1], day [11], start [11], end [11];
    s_placement (placement);
    s_day (-100, start);
    s_day (83, end);
    gt_placement_path (placement, start, end);
    s_day (-7, day);
    Kumppani__V1__Reply *reply = s_work_day ("ngo-743", placement, day, 360);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert_eq (reply->placement->days_recorded, 1);
    cr_assert_eq (reply->placement->compensation_cents, 900);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_work_day ("ngo-743", placement, day, 360);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert (reply->placement->already_recorded);
    cr_assert_eq (reply->placement->compensation_cents, 900);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    gt_done (s_work_day ("ngo-743", placement, day, 300), GT_CONFLICT, "groups.day_recorded",
             "record_placement_day.minutes");
    gt_done (s_work_day ("muni-743", placement, day, 360), GT_FORBIDDEN, "groups.forbidden",
             "record_placement_day.placement_id");
    gt_done (s_work_day ("ngo-743", placement, day, 0), GT_INVALID, "groups.bad_minutes",
             "record_placement_day.minutes");
    char key [48];
    snprintf (key, sizeof key, "%s:%s", placement, day);
    cr_assert_eq (gt_scalar ("SELECT count(*) FROM groups.compensation_ledger WHERE source_key = $1", key), 1);
    Kumppani__V1__Event *events [4];
    int count = gt_event_list (placement, "groups.placement_day_recorded", events, 4);
    cr_assert_eq (count, 1);
    cr_assert_eq (events [0]->groups->minutes, 360);
    cr_assert_eq (events [0]->groups->compensation_cents, 900);
    cr_assert_str_eq (events [0]->groups->session_date, day);
    gt_events_free (events, count);
    cr_assert_eq (gt_events (placement, "groups.placement_created"), 1);
}

Test (groups_placement, bounds_and_who_may_place)
{
    const char *client = gt_client ("743");
    char start [11], end [11], interim [11];
    Kumppani__V1__CreatePlacement body;
    static const struct { uint32_t days, hours; int end_offset; const char *field; } cases [] = {
        { 5, 6, 83, "create_placement.days_per_week" },
        { 0, 6, 83, "create_placement.days_per_week" },
        { 3, 3, 83, "create_placement.hours_per_day" },
        { 3, 9, 83, "create_placement.hours_per_day" },
        { 3, 6, -40, "create_placement.end_date" },         //  two months
        { 3, 6, 700, "create_placement.end_date" },         //  over two years
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases [0]; index++) {
        s_body (&body, client, start, end);
        body.days_per_week = cases [index].days;
        body.hours_per_day = cases [index].hours;
        s_day (cases [index].end_offset, end);
        gt_done (gt_call ("muni-743", KUMPPANI__V1__REQUEST__BODY_CREATE_PLACEMENT, &body, NULL), GT_INVALID,
                 "groups.placement_out_of_bounds", cases [index].field);
    }
    s_body (&body, client, start, end);
    s_day (200, interim);
    body.interim_evaluation_date = interim;
    gt_done (gt_call ("muni-743", KUMPPANI__V1__REQUEST__BODY_CREATE_PLACEMENT, &body, NULL), GT_INVALID,
             "groups.placement_out_of_bounds", "create_placement.interim_evaluation_date");
    s_body (&body, client, start, end);
    //  Only the client's own municipality places; an NGO never does.
    gt_done (gt_call ("muni-091", KUMPPANI__V1__REQUEST__BODY_CREATE_PLACEMENT, &body, NULL), GT_NOT_FOUND,
             "groups.unknown_client", "create_placement.client_id");
    gt_done (gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_CREATE_PLACEMENT, &body, NULL), GT_FORBIDDEN,
             NULL, NULL);
    char unknown [KP_ID_LEN + 1];
    kp_id_new (unknown);
    body.client_id = unknown;
    gt_done (gt_call ("muni-743", KUMPPANI__V1__REQUEST__BODY_CREATE_PLACEMENT, &body, NULL), GT_NOT_FOUND,
             "groups.unknown_client", "create_placement.client_id");
    cr_assert_eq (gt_scalar ("SELECT count(*) FROM groups.placements WHERE client_id = $1", client), 0);
}

Test (groups_placement, interim_evaluation_reminded_once)
{
    char placement [KP_ID_LEN + 1];
    s_placement (placement);
    //  Halfway (nine days ago) is due; the final one, months ahead, is not yet.
    const char *sql = "SELECT count(*) FROM kp.events WHERE aggregate_id = $1 AND topic = 'groups.evaluation_due'";
    long long sent = 0;
    for (int attempt = 0; attempt < 100 && sent < 1; attempt++) {
        sent = kpt_scalar (sql, placement);
        if (sent < 1)
            zclock_sleep (100);
    }
    cr_assert_eq (sent, 1);
    Kumppani__V1__Event *events [4];
    int count = gt_event_list (placement, "groups.evaluation_due", events, 4);
    cr_assert_eq (count, 1);
    cr_assert_str_eq (events [0]->groups->step, "interim");
    char due [11];
    s_day (-9, due);
    cr_assert_str_eq (events [0]->groups->session_date, due);
    gt_events_free (events, count);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM groups.evaluation_reminders WHERE placement_id = $1"
                              " AND step = 'final'", placement), 0);
}
