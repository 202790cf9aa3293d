/*  Who may do what with an activity: its organiser, co-organisers and
    facilitating organisations manage it; the municipality it runs in sees
    it but not its participants and changes nothing; other organisations
    do not learn it exists. A social worker reads only their own
    municipality's clients' participation. Display names reach only the
    organisers' view, never an event. Bad input is refused with its field. */
#include "test_groups.h"

TestSuite (groups_access, .init = gt_setup, .fini = kpt_teardown, .timeout = 120);

typedef enum { OP_SCHEDULE, OP_UPDATE, OP_ENROL, OP_WITHDRAW, OP_ATTEND, OP_CHANGE, OP_ASSIGN, OP_GET,
               OP_LIST, OP_COUNT } s_op_t;

//  One operation on the activity (or its session) as org.
static Kumppani__V1__Reply *
s_op (const char *org, s_op_t op, const char *activity, const char *session, const char *client)
{
    Kumppani__V1__ActivityFields fields;
    Kumppani__V1__UpdateActivity update = KUMPPANI__V1__UPDATE_ACTIVITY__INIT;
    Kumppani__V1__GetActivity get = KUMPPANI__V1__GET_ACTIVITY__INIT;
    Kumppani__V1__ListSessions list = KUMPPANI__V1__LIST_SESSIONS__INIT;
    switch (op) {
        case OP_SCHEDULE:
            return gt_schedule (org, activity, "2026-08-04", "10:00", "11:00", 0, 0, 0, false, GT_REPORT);
        case OP_UPDATE:
            gt_fields (&fields, "peer_support", true, 12, 0, "room-x");
            update.activity_id = (char *) activity;
            update.activity = &fields;
            return gt_call (org, KUMPPANI__V1__REQUEST__BODY_UPDATE_ACTIVITY, &update, NULL);
        case OP_ENROL:
            return gt_enrol (org, activity, gt_client ("743"), "", GT_REPORT);
        case OP_WITHDRAW:
            return gt_withdraw (org, activity, client);
        case OP_ATTEND:
            return gt_attend (org, session, client, "present", 60, NULL);
        case OP_CHANGE:
            return gt_change (org, session, KUMPPANI__V1__SESSION_CHANGE__SESSION_CHANGE_CANCEL, false, "", "", "",
                              GT_REFUSE);
        case OP_ASSIGN:
            return gt_assign (org, session, "worker-3", "", GT_REPORT);
        case OP_GET:
            get.activity_id = (char *) activity;
            return gt_call (org, KUMPPANI__V1__REQUEST__BODY_GET_ACTIVITY, &get, NULL);
        default:
            list.activity_id = (char *) activity;
            return gt_call (org, KUMPPANI__V1__REQUEST__BODY_LIST_SESSIONS, &list, NULL);
    }
}

static bool
s_on_session (s_op_t op)
{
    return op == OP_ATTEND || op == OP_CHANGE || op == OP_ASSIGN;
}

Test (groups_access, other_organisations_refused)
{
    char activity [KP_ID_LEN + 1], session [32], day [11];
    snprintf (activity, sizeof activity, "%s", gt_activity ("ngo-743", "peer_support", true, 10, 900));
    kp_date_format (kp_date_today () - 2, day);
    gt_one_session ("ngo-743", activity, day, "10:00", "12:00", session);
    char client [KP_ID_LEN + 1];
    snprintf (client, sizeof client, "%s", gt_client ("743"));
    gt_done (gt_enrol ("ngo-743", activity, client, "Helmi", GT_REFUSE), GT_OK, NULL, NULL);
    long long events_before = kpt_scalar ("SELECT count(*) FROM kp.events WHERE aggregate_id = $1", activity);

    //  Another NGO-like organisation and another municipality: no such activity.
    const char *outsiders [] = { "debt-743", "muni-091" };
    for (int who = 0; who < 2; who++)
        for (s_op_t op = 0; op < OP_COUNT; op++) {
            Kumppani__V1__Reply *reply = s_op (outsiders [who], op, activity, session, client);
            cr_assert_eq (reply->status, GT_NOT_FOUND, "%s op %d: status %d (%s)", outsiders [who], op,
                          reply->status, reply->error ? reply->error->code : "");
            cr_assert_str_eq (reply->error->code, s_on_session (op) ? "groups.session_not_found"
                                                                    : "groups.activity_not_found");
            kumppani__v1__reply__free_unpacked (reply, NULL);
        }
    //  The municipality it runs in sees it, without participants, and changes nothing.
    for (s_op_t op = 0; op < OP_COUNT; op++) {
        Kumppani__V1__Reply *reply = s_op ("muni-743", op, activity, session, client);
        if (op == OP_GET) {
            gt_expect (reply, GT_OK, NULL, NULL);
            cr_assert_eq (reply->activity->n_participants, 0);
            cr_assert_eq (reply->activity->activity->enrolled, 1);
        }
        else
        if (op == OP_LIST)
            gt_expect (reply, GT_OK, NULL, NULL);
        else
            gt_expect (reply, GT_FORBIDDEN, "groups.forbidden", NULL);
        kumppani__v1__reply__free_unpacked (reply, NULL);
    }
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.events WHERE aggregate_id = $1", activity), events_before,
                  "a refused operation left an event");
    //  Kela may staff or facilitate groups, but sees only those it is named in;
    //  integrators cannot call these at all.
    gt_done (s_op ("kela", OP_GET, activity, session, client), GT_NOT_FOUND, "groups.activity_not_found",
             "get_activity.activity_id");
    gt_done (s_op ("integrator-743", OP_ENROL, activity, session, client), GT_FORBIDDEN, "auth.forbidden", NULL);
    Kumppani__V1__ActivityFields fields;
    gt_fields (&fields, "peer_support", true, 10, 0, "room-k");
    Kumppani__V1__CreateActivity create = KUMPPANI__V1__CREATE_ACTIVITY__INIT;
    create.activity = &fields;
    gt_done (gt_call ("kela", KUMPPANI__V1__REQUEST__BODY_CREATE_ACTIVITY, &create, NULL), GT_FORBIDDEN,
             "auth.forbidden", NULL);          //  Kela does not organise groups
    //  A municipality organises in its own area only.
    fields.municipality = "091";
    gt_done (gt_call ("muni-743", KUMPPANI__V1__REQUEST__BODY_CREATE_ACTIVITY, &create, NULL), GT_FORBIDDEN,
             "groups.forbidden", "create_activity.activity.municipality");

    //  Named a co-organiser, debt counselling manages it too.
    Kumppani__V1__ActivityFields shared;
    gt_fields (&shared, "peer_support", true, 10, 900, "room-shared");
    char *co [] = { "debt-743" };
    shared.co_organiser_orgs = co;
    shared.n_co_organiser_orgs = 1;
    Kumppani__V1__UpdateActivity update = KUMPPANI__V1__UPDATE_ACTIVITY__INIT;
    update.activity_id = activity;
    update.activity = &shared;
    gt_done (gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_UPDATE_ACTIVITY, &update, NULL), GT_OK, NULL, NULL);
    gt_done (s_op ("debt-743", OP_ATTEND, activity, session, client), GT_OK, NULL, NULL);
    Kumppani__V1__Reply *reply = s_op ("debt-743", OP_GET, activity, session, client);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert_eq (reply->activity->n_participants, 1);
    cr_assert_str_eq (reply->activity->participants [0]->display_name, "Helmi");
    cr_assert_str_eq (reply->activity->activity->fields->co_organiser_orgs [0], "debt-743");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  The display name is in no event.
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.events WHERE position (convert_to ('Helmi', 'UTF8')"
                              " IN payload) > 0", NULL), 0);
}

Test (groups_access, participation_for_the_clients_own_municipality)
{
    const char *activity = gt_activity ("ngo-743", "nature_based", true, 10, 900);
    char session [32], day [11], client [KP_ID_LEN + 1];
    kp_date_format (kp_date_today () - 1, day);
    gt_one_session ("ngo-743", activity, day, "10:00", "12:00", session);
    snprintf (client, sizeof client, "%s", gt_client ("743"));
    gt_done (gt_enrol ("ngo-743", activity, client, "", GT_REFUSE), GT_OK, NULL, NULL);
    gt_done (gt_attend ("ngo-743", session, client, "present", 120, NULL), GT_OK, NULL, NULL);

    Kumppani__V1__GetParticipation get = KUMPPANI__V1__GET_PARTICIPATION__INIT;
    get.client_id = client;
    Kumppani__V1__Reply *reply = gt_call ("muni-743", KUMPPANI__V1__REQUEST__BODY_GET_PARTICIPATION, &get, NULL);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert_eq (reply->participation->n_entries, 1);
    cr_assert_str_eq (reply->participation->entries [0]->activity_kind, "nature_based");
    cr_assert_eq (reply->participation->entries [0]->status_enum, KUMPPANI__V1__ENROLMENT_STATUS__ENROLMENT_STATUS_ENROLLED);
    cr_assert_eq (reply->participation->entries [0]->meetings_present, 1);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_geq (kpt_scalar ("SELECT count(*) FROM kp.audit_log WHERE client_ref = $1"
                               " AND action = 'groups.get_participation'", client), 1);
    gt_done (gt_call ("muni-091", KUMPPANI__V1__REQUEST__BODY_GET_PARTICIPATION, &get, NULL), GT_NOT_FOUND,
             "groups.unknown_client", "get_participation.client_id");
    gt_done (gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_GET_PARTICIPATION, &get, NULL), GT_FORBIDDEN,
             "auth.forbidden", NULL);
}

Test (groups_access, bad_input_named_by_field)
{
    char big [202];
    memset (big, 'x', sizeof big - 1);
    big [sizeof big - 1] = '\0';
    Kumppani__V1__ActivityFields fields;
    Kumppani__V1__CreateActivity create = KUMPPANI__V1__CREATE_ACTIVITY__INIT;
    gt_done (gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_CREATE_ACTIVITY, &create, NULL), GT_INVALID,
             "groups.activity_required", "create_activity.activity");
    create.activity = &fields;
    static const struct { const char *field; const char *code; } cases [] = {
        { "title", "groups.bad_title" }, { "kind", "groups.bad_kind" }, { "audience", "groups.bad_audience" },
        { "municipality", "groups.unknown_municipality" }, { "capacity", "groups.bad_capacity" },
        { "compensation_cents", "groups.bad_compensation" }, { "venue", "groups.bad_venue" },
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases [0]; index++) {
        gt_fields (&fields, "peer_support", true, 10, 900, "room-y");
        const char *field = cases [index].field;
        if (strcmp (field, "title") == 0)
            fields.title = big;                 //  201 bytes, one over
        if (strcmp (field, "kind") == 0)
            fields.kind = "knitting";
        if (strcmp (field, "audience") == 0)
            fields.audience = "women men";
        if (strcmp (field, "municipality") == 0)
            fields.municipality = "999";
        if (strcmp (field, "capacity") == 0)
            fields.capacity = 20000;
        if (strcmp (field, "compensation_cents") == 0)
            fields.compensation_cents = -1;
        if (strcmp (field, "venue") == 0)
            fields.venue = big;
        char path [96];
        snprintf (path, sizeof path, "create_activity.activity.%s", field);
        gt_done (gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_CREATE_ACTIVITY, &create, NULL), GT_INVALID,
                 cases [index].code, path);
    }

    //  An idempotent retry creates nothing new.
    gt_fields (&fields, "peer_support", true, 10, 900, "room-z");
    char key [KP_ID_LEN + 1];
    kp_id_new (key);
    Kumppani__V1__Reply *first = gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_CREATE_ACTIVITY, &create, key);
    Kumppani__V1__Reply *again = gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_CREATE_ACTIVITY, &create, key);
    gt_expect (first, GT_OK, NULL, NULL);
    gt_expect (again, GT_OK, NULL, NULL);
    const char *activity = first->activity->activity->activity_id;
    cr_assert_str_eq (again->activity->activity->activity_id, activity);
    cr_assert_eq (gt_events (activity, "groups.activity_created"), 1);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM groups.activities WHERE activity_id = $1", activity), 1);

    //  Schedules.
    static const struct { const char *first, *start, *end; uint32_t every, weekday, count; const char *code, *field; }
    schedules [] = {
        { "2026-02-30", "10:00", "11:00", 1, 0, 3, "groups.bad_date", "schedule_sessions.first_date" },
        { "2026-02-02", "11:00", "10:00", 1, 0, 3, "groups.bad_time_window", "schedule_sessions.start_time" },
        { "2026-02-02", "10:00", "11:00", 1, 0, 0, "groups.unbounded_recurrence", "schedule_sessions.count" },
        { "2026-02-02", "10:00", "11:00", 1, 0, 500, "groups.too_many_sessions", "schedule_sessions.count" },
        { "2026-02-02", "10:00", "11:00", 1, 8, 3, "groups.bad_weekday", "schedule_sessions.weekdays" },
        { "2026-02-02", "10:00", "11:00", 60, 0, 3, "groups.bad_every_weeks", "schedule_sessions.every_weeks" },
    };
    for (size_t index = 0; index < sizeof schedules / sizeof schedules [0]; index++)
        gt_done (gt_schedule ("ngo-743", activity, schedules [index].first, schedules [index].start,
                              schedules [index].end, schedules [index].every, schedules [index].weekday,
                              schedules [index].count, false, GT_REFUSE),
                 GT_INVALID, schedules [index].code, schedules [index].field);
    cr_assert_eq (gt_events (activity, "groups.session_scheduled"), 0);

    //  Enrolments.
    gt_done (gt_enrol ("ngo-743", activity, "client-1", "", GT_REFUSE), GT_INVALID, "groups.bad_client_id",
             "enrol.client_id");
    char unknown [KP_ID_LEN + 1];
    kp_id_new (unknown);
    //  A partner is not told whether an id is a client's (test_existence):
    //  an id of nobody meets the disclosure check as a client who gave the
    //  partner no consent does.
    gt_done (gt_enrol ("ngo-743", activity, unknown, "", GT_REFUSE), GT_FORBIDDEN, "consent.not_found", "");
    gt_done (gt_enrol ("ngo-743", activity, gt_client ("743"), big, GT_REFUSE), GT_INVALID,
             "groups.bad_display_name", "enrol.display_name");
    gt_done (gt_enrol ("ngo-743", "01ARZ3NDEKTSV4RRFFQ69G5FAV", gt_client ("743"), "", GT_REFUSE), GT_NOT_FOUND,
             "groups.activity_not_found", "enrol.activity_id");
    const char *open = gt_activity ("ngo-743", "meeting_place", false, 0, 0);
    gt_done (gt_enrol ("ngo-743", open, gt_client ("743"), "", GT_REFUSE), GT_INVALID, "groups.open_activity",
             "enrol.activity_id");
    kumppani__v1__reply__free_unpacked (first, NULL);
    kumppani__v1__reply__free_unpacked (again, NULL);
}

Test (groups_access, bad_input_on_sessions_named_by_field)
{
    const char *activity = gt_activity ("ngo-743", "peer_support", true, 10, 0);
    char session [32], day [11];
    kp_date_format (kp_date_today () - 1, day);
    gt_one_session ("ngo-743", activity, day, "10:00", "11:00", session);
    Kumppani__V1__GetActivity get = KUMPPANI__V1__GET_ACTIVITY__INIT;
    get.activity_id = "short";
    gt_done (gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_GET_ACTIVITY, &get, NULL), GT_INVALID,
             "groups.bad_id", "get_activity.activity_id");
    Kumppani__V1__ListSessions list = KUMPPANI__V1__LIST_SESSIONS__INIT;
    list.activity_id = (char *) activity;
    list.from_date = "yesterday";
    gt_done (gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_LIST_SESSIONS, &list, NULL), GT_INVALID,
             "groups.bad_date", "list_sessions.from_date");
    Kumppani__V1__UpdateActivity update = KUMPPANI__V1__UPDATE_ACTIVITY__INIT;
    update.activity_id = (char *) activity;
    gt_done (gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_UPDATE_ACTIVITY, &update, NULL), GT_INVALID,
             "groups.activity_required", "update_activity.activity");
    Kumppani__V1__ActivityFields fields;
    gt_fields (&fields, "exercise", true, 10, 0, "room-q");
    update.activity = &fields;
    gt_done (gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_UPDATE_ACTIVITY, &update, NULL), GT_INVALID,
             "groups.kind_fixed", "update_activity.activity.kind");

    gt_done (gt_change ("ngo-743", session, KUMPPANI__V1__SESSION_CHANGE__SESSION_CHANGE_UNSPECIFIED, false,
                        "", "", "", GT_REFUSE), GT_INVALID, "groups.bad_change", "change_session.change");
    gt_done (gt_change ("ngo-743", session, KUMPPANI__V1__SESSION_CHANGE__SESSION_CHANGE_MOVE, false,
                        "2026-13-01", "", "", GT_REFUSE), GT_INVALID, "groups.bad_date", "change_session.new_date");
    gt_done (gt_change ("ngo-743", session, KUMPPANI__V1__SESSION_CHANGE__SESSION_CHANGE_MOVE, false,
                        "2026-12-01", "12:00", "", GT_REFUSE), GT_INVALID, "groups.bad_time_window",
             "change_session.start_time");
    gt_done (gt_assign ("ngo-743", session, "", "", GT_REFUSE), GT_INVALID, "groups.bad_facilitator",
             "assign_facilitator.facilitator_id");

    //  A session with attendance took place: it is not moved or cancelled afterwards.
    const char *client = gt_client ("743");
    gt_done (gt_enrol ("ngo-743", activity, client, "", GT_REFUSE), GT_OK, NULL, NULL);
    gt_done (gt_attend ("ngo-743", session, client, "absent", 0, NULL), GT_OK, NULL, NULL);
    gt_done (gt_change ("ngo-743", session, KUMPPANI__V1__SESSION_CHANGE__SESSION_CHANGE_CANCEL, false,
                        "", "", "", GT_REFUSE), GT_CONFLICT, "groups.session_recorded", "change_session.session_id");

    //  Staffing is the talousneuvola's; a headcount names each topic once.
    Kumppani__V1__StaffCount social = KUMPPANI__V1__STAFF_COUNT__INIT;
    social.org_type = "social_work";
    social.count = 1;
    Kumppani__V1__StaffCount *staff [] = { &social };
    Kumppani__V1__RecordStaffing staffing = KUMPPANI__V1__RECORD_STAFFING__INIT;
    staffing.session_id = session;
    staffing.n_staff = 1;
    staffing.staff = staff;
    gt_done (gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_RECORD_STAFFING, &staffing, NULL), GT_INVALID,
             "groups.not_talousneuvola", "record_staffing.session_id");
    const char *cafe = gt_activity ("ngo-743", "discussion_cafe", false, 0, 0);
    char cafe_session [32];
    gt_one_session ("ngo-743", cafe, day, "10:00", "11:00", cafe_session);
    Kumppani__V1__TopicTally debt = KUMPPANI__V1__TOPIC_TALLY__INIT;
    debt.topic = "debt";
    debt.count = 1;
    Kumppani__V1__TopicTally *twice [] = { &debt, &debt };
    Kumppani__V1__RecordHeadcount headcount = KUMPPANI__V1__RECORD_HEADCOUNT__INIT;
    headcount.session_id = cafe_session;
    headcount.headcount = 4;
    headcount.n_topic_tallies = 2;
    headcount.topic_tallies = twice;
    gt_done (gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_RECORD_HEADCOUNT, &headcount, NULL), GT_INVALID,
             "groups.duplicate_topic", "record_headcount.topic_tallies");
    headcount.n_topic_tallies = 0;
    headcount.follow_ups = 5;
    gt_done (gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_RECORD_HEADCOUNT, &headcount, NULL), GT_INVALID,
             "groups.bad_follow_ups", "record_headcount.follow_ups");
    cr_assert_eq (gt_events (cafe, "groups.headcount_recorded"), 0);
}
