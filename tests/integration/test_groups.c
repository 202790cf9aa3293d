/*  The groups service's promises through real CURVE sockets and the test
    cluster: recurrences in Europe/Helsinki across DST and Finnish
    holidays, venue / facilitator / client conflicts refused or reported,
    series moved and cancelled, attendance and headcounts recorded once
    with the ledger never doubled, the absence chain in order, evaluation
    reminders, other organisations refused, bad input named by field, and
    no display name anywhere but the organisers' own view. The last seat
    under 50 concurrent enrolments is in test_groups_capacity.c. */
#include "test_groups.h"

TestSuite (groups, .init = gt_setup, .fini = kpt_teardown, .timeout = 120);

//  Microseconds since the epoch of a UTC civil time.
static int64_t
s_utc (int year, int month, int day, int hour, int minute)
{
    struct tm tm = { .tm_year = year - 1900, .tm_mon = month - 1, .tm_mday = day,
                     .tm_hour = hour, .tm_min = minute };
    return (int64_t) timegm (&tm) * 1000000;
}

Test (groups, recurrence_across_dst_and_holidays)
{
    const char *spring = gt_activity ("ngo-743", "peer_support", true, 10, 900);
    //  Mondays 17-19 from the week before DST starts (29 March 2026); Easter Monday 6 April skipped.
    Kumppani__V1__Reply *reply = gt_schedule ("ngo-743", spring, "2026-03-23", "17:00", "19:00", 1, 0, 4,
                                              false, GT_REFUSE);
    gt_expect (reply, GT_OK, NULL, NULL);
    Kumppani__V1__SessionListReply *list = reply->session_list;
    cr_assert_eq (list->n_sessions, 4);
    const char *dates [] = { "2026-03-23", "2026-03-30", "2026-04-13", "2026-04-20" };
    for (int index = 0; index < 4; index++) {
        cr_assert_str_eq (list->sessions [index]->date, dates [index]);
        cr_assert_str_eq (list->sessions [index]->start_time, "17:00");
    }
    cr_assert_eq (list->n_skipped_holidays, 1);
    cr_assert_str_eq (list->skipped_holidays [0], "2026-04-06");
    //  17:00 local is 15:00 UTC in winter time and 14:00 UTC in summer time.
    cr_assert_eq (list->sessions [0]->starts_at, s_utc (2026, 3, 23, 15, 0));
    cr_assert_eq (list->sessions [1]->starts_at, s_utc (2026, 3, 30, 14, 0));
    cr_assert_eq (list->sessions [1]->ends_at, s_utc (2026, 3, 30, 16, 0));
    Kumppani__V1__Event *events [8];
    int count = gt_event_list (spring, "groups.session_scheduled", events, 8);
    cr_assert_eq (count, 4);
    for (int index = 0; index < count; index++) {
        cr_assert_str_eq (events [index]->groups->session_id, list->sessions [index]->session_id);
        cr_assert_str_eq (events [index]->groups->session_date, dates [index]);
        cr_assert_str_eq (events [index]->groups->activity_kind, "peer_support");
        cr_assert_str_eq (events [index]->groups->municipality, "743");
        cr_assert_str_eq (events [index]->groups->organiser_org, "ngo-743");
    }
    gt_events_free (events, count);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  DST ends on 25 October 2026: back from 14:00 to 15:00 UTC.
    const char *autumn = gt_activity ("ngo-743", "discussion_cafe", false, 0, 0);
    reply = gt_schedule ("ngo-743", autumn, "2026-10-19", "17:00", "19:00", 1, 0, 2, false, GT_REFUSE);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert_eq (reply->session_list->sessions [0]->starts_at, s_utc (2026, 10, 19, 14, 0));
    cr_assert_eq (reply->session_list->sessions [1]->starts_at, s_utc (2026, 10, 26, 15, 0));
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Fridays over Midsummer: Midsummer Eve 19 June 2026 is skipped.
    const char *summer = gt_activity ("ngo-743", "nature_based", false, 0, 0);
    Kumppani__V1__ScheduleSessions body;
    gt_schedule_body (&body, summer, "2026-06-12", "10:00", "12:00", 1, 0, 0, false, GT_REFUSE);
    body.until_date = "2026-06-26";
    reply = gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_SCHEDULE_SESSIONS, &body, NULL);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert_eq (reply->session_list->n_sessions, 2);
    cr_assert_str_eq (reply->session_list->sessions [1]->date, "2026-06-26");
    cr_assert_str_eq (reply->session_list->skipped_holidays [0], "2026-06-19");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Thursdays over Christmas: Christmas Eve skipped, the count still met.
    const char *winter = gt_activity ("ngo-743", "upcycling", true, 6, 0);
    reply = gt_schedule ("ngo-743", winter, "2026-12-17", "12:00", "15:00", 1, 4, 3, false, GT_REFUSE);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert_str_eq (reply->session_list->sessions [1]->date, "2026-12-31");
    cr_assert_str_eq (reply->session_list->sessions [2]->date, "2027-01-07");
    cr_assert_str_eq (reply->session_list->skipped_holidays [0], "2026-12-24");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Told not to skip: Easter Monday is kept.
    const char *kept = gt_activity ("ngo-743", "exercise", false, 0, 0);
    reply = gt_schedule ("ngo-743", kept, "2026-03-30", "09:00", "10:00", 1, 0, 2, true, GT_REFUSE);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert_str_eq (reply->session_list->sessions [1]->date, "2026-04-06");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  A one-off on Christmas Day without the override schedules nothing.
    reply = gt_schedule ("ngo-743", kept, "2026-12-25", "09:00", "10:00", 0, 0, 0, false, GT_REFUSE);
    gt_expect (reply, GT_INVALID, "groups.no_sessions", "schedule_sessions.first_date");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (gt_events (kept, "groups.session_scheduled"), 2);
}

Test (groups, venue_conflicts_refused_or_reported)
{
    char venue [40] = "hall-";
    kp_id_new (venue + 5);
    const char *first = gt_activity_at ("ngo-743", "peer_support", true, 10, 0, venue);
    const char *second = gt_activity_at ("ngo-743", "discussion_cafe", false, 0, 0, venue);
    Kumppani__V1__Reply *reply = gt_schedule ("ngo-743", first, "2026-05-05", "10:00", "12:00", 0, 0, 0,
                                              false, GT_REFUSE);
    gt_expect (reply, GT_OK, NULL, NULL);
    char taken [32];
    snprintf (taken, sizeof taken, "%s", reply->session_list->sessions [0]->session_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Same venue, overlapping: refused, nothing scheduled.
    reply = gt_schedule ("ngo-743", second, "2026-05-05", "11:00", "13:00", 0, 0, 0, false, GT_REFUSE);
    gt_expect (reply, GT_CONFLICT, "groups.venue_conflict", "schedule_sessions.first_date");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (gt_scalar ("SELECT count(*) FROM groups.sessions WHERE activity_id = $1", second), 0);
    cr_assert_eq (gt_events (second, "groups.session_scheduled"), 0);

    //  Back to back is no conflict.
    reply = gt_schedule ("ngo-743", second, "2026-05-05", "12:00", "13:00", 0, 0, 0, false, GT_REFUSE);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert_eq (reply->session_list->n_conflicts, 0);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Reported when asked: scheduled, with the clash named.
    reply = gt_schedule ("ngo-743", second, "2026-05-05", "09:00", "10:30", 0, 0, 0, false, GT_REPORT);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert_eq (reply->session_list->n_sessions, 1);
    cr_assert_eq (reply->session_list->n_conflicts, 1);
    cr_assert_eq (reply->session_list->conflicts [0]->kind_enum, KUMPPANI__V1__CONFLICT_KIND__CONFLICT_KIND_VENUE);
    cr_assert_str_eq (reply->session_list->conflicts [0]->other_session_id, taken);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

Test (groups, facilitator_conflicts_refused_or_reported)
{
    const char *morning = gt_activity ("ngo-743", "peer_support", true, 10, 0);
    const char *other = gt_activity ("ngo-743", "exercise", false, 0, 0);
    char a [32], b [32];
    gt_one_session ("ngo-743", morning, "2026-05-06", "10:00", "12:00", a);
    gt_one_session ("ngo-743", other, "2026-05-06", "11:30", "12:30", b);   //  another venue
    Kumppani__V1__Reply *reply = gt_assign ("ngo-743", a, "worker-7", "", GT_REFUSE);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert_eq (reply->session_list->sessions [0]->n_facilitator_ids, 1);
    cr_assert_str_eq (reply->session_list->sessions [0]->facilitator_ids [0], "worker-7");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  The same person at an overlapping session: refused.
    reply = gt_assign ("ngo-743", b, "worker-7", "", GT_REFUSE);
    gt_expect (reply, GT_CONFLICT, "groups.facilitator_conflict", "assign_facilitator.facilitator_id");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (gt_events (other, "groups.facilitator_assigned"), 0);
    //  Reported when asked.
    reply = gt_assign ("ngo-743", b, "worker-7", "", GT_REPORT);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert_eq (reply->session_list->n_conflicts, 1);
    cr_assert_eq (reply->session_list->conflicts [0]->kind_enum, KUMPPANI__V1__CONFLICT_KIND__CONFLICT_KIND_FACILITATOR);
    cr_assert_str_eq (reply->session_list->conflicts [0]->other_session_id, a);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (gt_events (other, "groups.facilitator_assigned"), 1);
    //  Assigning again changes nothing and tells nobody.
    reply = gt_assign ("ngo-743", a, "worker-7", "", GT_REFUSE);
    gt_expect (reply, GT_OK, NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (gt_events (morning, "groups.facilitator_assigned"), 1);
    //  A session moved onto the facilitator's other session clashes too.
    const char *later = gt_activity ("ngo-743", "upcycling", true, 5, 0);
    char c [32];
    gt_one_session ("ngo-743", later, "2026-05-07", "10:00", "11:00", c);
    reply = gt_assign ("ngo-743", c, "worker-7", "", GT_REFUSE);
    gt_expect (reply, GT_OK, NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = gt_change ("ngo-743", c, KUMPPANI__V1__SESSION_CHANGE__SESSION_CHANGE_MOVE, false, "2026-05-06",
                       "", "", GT_REFUSE);
    gt_expect (reply, GT_CONFLICT, "groups.facilitator_conflict", "change_session.new_date");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  A facilitator from an organisation that is not the activity's: refused.
    reply = gt_assign ("ngo-743", c, "worker-9", "debt-743", GT_REFUSE);
    gt_expect (reply, GT_INVALID, "groups.not_an_activity_org", "assign_facilitator.facilitator_org");
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

Test (groups, client_conflicts_refused_or_reported)
{
    const char *one = gt_activity ("ngo-743", "peer_support", true, 10, 0);
    const char *two = gt_activity ("ngo-743", "developer_clients", true, 10, 900);
    char s1 [32], s2 [32];
    gt_one_session ("ngo-743", one, "2026-05-11", "10:00", "12:00", s1);
    gt_one_session ("ngo-743", two, "2026-05-11", "11:00", "14:00", s2);
    const char *client = gt_client ("743");
    Kumppani__V1__Reply *reply = gt_enrol ("ngo-743", one, client, "Aino", GT_REFUSE);
    gt_expect (reply, GT_OK, NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  Enrolling the same client in a group meeting at the same time.
    reply = gt_enrol ("ngo-743", two, client, "Aino", GT_REFUSE);
    gt_expect (reply, GT_CONFLICT, "groups.client_conflict", "enrol.client_id");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (gt_events (two, "groups.enrolled"), 0);
    reply = gt_enrol ("ngo-743", two, client, "Aino", GT_REPORT);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert_eq (reply->enrolment->status_enum, KUMPPANI__V1__ENROLMENT_STATUS__ENROLMENT_STATUS_ENROLLED);
    cr_assert_eq (reply->enrolment->n_conflicts, 1);
    cr_assert_str_eq (reply->enrolment->conflicts [0]->other_session_id, s1);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  A new session clashing with an enrolled client's other group.
    reply = gt_schedule ("ngo-743", one, "2026-05-18", "10:00", "12:00", 0, 0, 0, false, GT_REFUSE);
    gt_expect (reply, GT_OK, NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    Kumppani__V1__ScheduleSessions body;
    gt_schedule_body (&body, two, "2026-05-18", "09:00", "10:30", 0, 0, 0, false, GT_REFUSE);
    body.venue = "Library room 2";
    reply = gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_SCHEDULE_SESSIONS, &body, NULL);
    gt_expect (reply, GT_CONFLICT, "groups.client_conflict", "schedule_sessions.first_date");
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

Test (groups, move_and_cancel_the_rest_of_a_series)
{
    const char *activity = gt_activity ("ngo-743", "peer_support", true, 10, 0);
    Kumppani__V1__Reply *reply = gt_schedule ("ngo-743", activity, "2026-09-01", "13:00", "15:00", 1, 0, 4,
                                              false, GT_REFUSE);
    gt_expect (reply, GT_OK, NULL, NULL);
    char ids [4][32];
    for (int index = 0; index < 4; index++)
        snprintf (ids [index], 32, "%s", reply->session_list->sessions [index]->session_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  From the second on, one day later and an hour earlier.
    reply = gt_change ("ngo-743", ids [1], KUMPPANI__V1__SESSION_CHANGE__SESSION_CHANGE_MOVE, true,
                       "2026-09-09", "12:00", "14:00", GT_REFUSE);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert_eq (reply->session_list->n_sessions, 3);
    cr_assert_str_eq (reply->session_list->sessions [0]->date, "2026-09-09");
    cr_assert_str_eq (reply->session_list->sessions [2]->date, "2026-09-23");
    cr_assert_str_eq (reply->session_list->sessions [2]->start_time, "12:00");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (gt_events (activity, "groups.session_moved"), 3);
    //  A week later: each lands where the next one was, and the series does not clash with itself.
    reply = gt_change ("ngo-743", ids [1], KUMPPANI__V1__SESSION_CHANGE__SESSION_CHANGE_MOVE, true,
                       "2026-09-16", "", "", GT_REFUSE);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert_eq (reply->session_list->n_sessions, 3);
    cr_assert_str_eq (reply->session_list->sessions [0]->date, "2026-09-16");
    cr_assert_str_eq (reply->session_list->sessions [0]->session_id, ids [1]);
    cr_assert_str_eq (reply->session_list->sessions [2]->date, "2026-09-30");
    cr_assert_str_eq (reply->session_list->sessions [2]->start_time, "12:00");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    Kumppani__V1__Event *moved [8];
    int count = gt_event_list (activity, "groups.session_moved", moved, 8);
    cr_assert_eq (count, 6);
    cr_assert_str_eq (moved [3]->groups->session_id, ids [1]);
    cr_assert_str_eq (moved [3]->groups->session_date, "2026-09-16", "a moved session's event has its new date");
    gt_events_free (moved, count);

    //  Cancel the last two.
    reply = gt_change ("ngo-743", ids [2], KUMPPANI__V1__SESSION_CHANGE__SESSION_CHANGE_CANCEL, true,
                       "", "", "", GT_REFUSE);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert_eq (reply->session_list->n_sessions, 2);
    cr_assert (reply->session_list->sessions [1]->cancelled);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (gt_events (activity, "groups.session_cancelled"), 2);

    //  Out of order: a cancelled session cannot be moved or cancelled again.
    reply = gt_change ("ngo-743", ids [3], KUMPPANI__V1__SESSION_CHANGE__SESSION_CHANGE_CANCEL, false,
                       "", "", "", GT_REFUSE);
    gt_expect (reply, GT_CONFLICT, "groups.session_cancelled", "change_session.session_id");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    Kumppani__V1__ListSessions list = KUMPPANI__V1__LIST_SESSIONS__INIT;
    list.activity_id = (char *) activity;
    reply = gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_LIST_SESSIONS, &list, NULL);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert_eq (reply->session_list->n_sessions, 2);
    cr_assert_str_eq (reply->session_list->sessions [0]->date, "2026-09-01");
    cr_assert_str_eq (reply->session_list->sessions [1]->date, "2026-09-16");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    list.include_cancelled = true;
    reply = gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_LIST_SESSIONS, &list, NULL);
    cr_assert_eq (reply->session_list->n_sessions, 4);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

Test (groups, attendance_once_and_the_ledger_never_doubled)
{
    const char *activity = gt_activity ("ngo-743", "developer_clients", true, 8, 900);
    char held [32], coming [32], today [11], future [11];
    kp_date_format (kp_date_today () - 7, today);
    kp_date_format (kp_date_today () + 30, future);
    gt_one_session ("ngo-743", activity, today, "10:00", "13:00", held);
    gt_one_session ("ngo-743", activity, future, "10:00", "13:00", coming);
    const char *client = gt_client ("743");
    const char *absent = gt_client ("743");
    const char *stranger = gt_client ("743");
    gt_done (gt_enrol ("ngo-743", activity, client, "Eero", GT_REFUSE), GT_OK, NULL, NULL);
    gt_done (gt_enrol ("ngo-743", activity, absent, "", GT_REFUSE), GT_OK, NULL, NULL);

    Kumppani__V1__Reply *reply = gt_attend ("ngo-743", held, client, "present", 180, "attend-key-1");
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert_eq (reply->attendance->compensation_cents, 900);
    cr_assert_not (reply->attendance->already_recorded);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  The same attendance again (a new request): success, nothing new.
    reply = gt_attend ("ngo-743", held, client, "present", 180, NULL);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert (reply->attendance->already_recorded);
    cr_assert_eq (reply->attendance->compensation_cents, 900);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  A retry of the first request under its key: the stored reply.
    reply = gt_attend ("ngo-743", held, client, "present", 180, "attend-key-1");
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert_not (reply->attendance->already_recorded);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  A different record for the same attendance: refused, not corrected.
    reply = gt_attend ("ngo-743", held, client, "absent", 0, NULL);
    gt_expect (reply, GT_CONFLICT, "groups.attendance_recorded", "record_attendance.attendance");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    char key [64];
    snprintf (key, sizeof key, "%s:%s", held, client);
    cr_assert_eq (gt_scalar ("SELECT count(*) FROM groups.compensation_ledger WHERE source_key = $1", key), 1);
    cr_assert_eq (gt_scalar ("SELECT sum(amount_cents) FROM groups.compensation_ledger WHERE client_id = $1",
                             client), 900);
    cr_assert_eq (gt_events (activity, "groups.attendance_recorded"), 1);

    //  Absent earns nothing and writes no ledger entry.
    reply = gt_attend ("ngo-743", held, absent, "excused", 0, NULL);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert_eq (reply->attendance->compensation_cents, 0);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (gt_scalar ("SELECT count(*) FROM groups.compensation_ledger WHERE client_id = $1", absent), 0);

    //  The event carries what reporting counts, pseudonymously.
    Kumppani__V1__Event *events [8];
    int count = gt_event_list (activity, "groups.attendance_recorded", events, 8);
    cr_assert_eq (count, 2);
    Kumppani__V1__GroupsEvent *event = events [0]->groups;
    cr_assert_str_eq (event->client_id, client);
    cr_assert_str_eq (event->session_id, held);
    cr_assert_str_eq (event->session_date, today);
    cr_assert_str_eq (event->attendance, "present");
    cr_assert_str_eq (event->activity_kind, "developer_clients");
    cr_assert_str_eq (event->municipality, "743");
    cr_assert_str_eq (event->organiser_org, "ngo-743");
    cr_assert_eq (event->minutes, 180);
    cr_assert_eq (event->compensation_cents, 900);
    cr_assert_str_eq (events [1]->groups->attendance, "excused");
    gt_events_free (events, count);

    //  Out of order and bad input.
    reply = gt_attend ("ngo-743", coming, client, "present", 180, NULL);
    gt_expect (reply, GT_CONFLICT, "groups.session_not_held", "record_attendance.session_id");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = gt_attend ("ngo-743", held, stranger, "present", 180, NULL);
    gt_expect (reply, GT_CONFLICT, "groups.not_enrolled", "record_attendance.client_id");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = gt_attend ("ngo-743", held, stranger, "here", 180, NULL);
    gt_expect (reply, GT_INVALID, "groups.bad_attendance", "record_attendance.attendance");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = gt_attend ("ngo-743", held, stranger, "present", 0, NULL);
    gt_expect (reply, GT_INVALID, "groups.bad_minutes", "record_attendance.minutes");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = gt_attend ("ngo-743", "not-an-id", client, "present", 60, NULL);
    gt_expect (reply, GT_INVALID, "groups.bad_id", "record_attendance.session_id");
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

Test (groups, headcount_and_staffing_once)
{
    const char *clinic = gt_activity ("ngo-743", "talousneuvola", false, 0, 0);
    char session [32], today [11];
    kp_date_format (kp_date_today () - 3, today);
    gt_one_session ("ngo-743", clinic, today, "14:00", "17:00", session);
    Kumppani__V1__TopicTally debt = KUMPPANI__V1__TOPIC_TALLY__INIT, housing = KUMPPANI__V1__TOPIC_TALLY__INIT;
    debt.topic = "debt";
    debt.count = 5;
    housing.topic = "housing";
    housing.count = 3;
    Kumppani__V1__TopicTally *tallies [] = { &debt, &housing }, *reversed [] = { &housing, &debt };
    Kumppani__V1__RecordHeadcount headcount = KUMPPANI__V1__RECORD_HEADCOUNT__INIT;
    headcount.session_id = session;
    headcount.headcount = 12;
    headcount.follow_ups = 2;
    headcount.n_topic_tallies = 2;
    headcount.topic_tallies = tallies;
    Kumppani__V1__Reply *reply = gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_RECORD_HEADCOUNT, &headcount, NULL);
    gt_expect (reply, GT_OK, NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  The same tallies in another order are the same record.
    headcount.topic_tallies = reversed;
    reply = gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_RECORD_HEADCOUNT, &headcount, NULL);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert (reply->attendance->already_recorded);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    headcount.headcount = 13;
    reply = gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_RECORD_HEADCOUNT, &headcount, NULL);
    gt_expect (reply, GT_CONFLICT, "groups.headcount_recorded", "record_headcount.headcount");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    debt.count = 14;
    reply = gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_RECORD_HEADCOUNT, &headcount, NULL);
    gt_expect (reply, GT_INVALID, "groups.bad_topic", "record_headcount.topic_tallies");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    Kumppani__V1__Event *events [4];
    int count = gt_event_list (clinic, "groups.headcount_recorded", events, 4);
    cr_assert_eq (count, 1);
    cr_assert_eq (events [0]->groups->headcount, 12);
    cr_assert_eq (events [0]->groups->follow_ups, 2);
    cr_assert_eq (events [0]->groups->n_topic_tallies, 2);
    cr_assert_str_eq (events [0]->groups->topic_tallies [0]->topic, "debt");
    cr_assert_eq (events [0]->groups->topic_tallies [0]->count, 5);
    cr_assert_str_eq (events [0]->groups->session_date, today);
    gt_events_free (events, count);

    Kumppani__V1__StaffCount social = KUMPPANI__V1__STAFF_COUNT__INIT, kela = KUMPPANI__V1__STAFF_COUNT__INIT;
    social.org_type = "social_work";
    social.count = 2;
    kela.org_type = "kela";
    kela.count = 1;
    Kumppani__V1__StaffCount *staff [] = { &social, &kela };
    Kumppani__V1__RecordStaffing staffing = KUMPPANI__V1__RECORD_STAFFING__INIT;
    staffing.session_id = session;
    staffing.n_staff = 2;
    staffing.staff = staff;
    reply = gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_RECORD_STAFFING, &staffing, NULL);
    gt_expect (reply, GT_OK, NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_RECORD_STAFFING, &staffing, NULL);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert (reply->attendance->already_recorded);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (gt_events (clinic, "groups.staffing_recorded"), 2);
    kela.count = 3;
    reply = gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_RECORD_STAFFING, &staffing, NULL);
    gt_expect (reply, GT_CONFLICT, "groups.staffing_recorded", "record_staffing.staff.count");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kela.org_type = "police";
    reply = gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_RECORD_STAFFING, &staffing, NULL);
    gt_expect (reply, GT_INVALID, "groups.bad_staff_type", "record_staffing.staff.org_type");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  A closed group has no headcount.
    const char *closed = gt_activity ("ngo-743", "peer_support", true, 10, 0);
    char closed_session [32];
    gt_one_session ("ngo-743", closed, today, "09:00", "10:00", closed_session);
    headcount.session_id = closed_session;
    headcount.n_topic_tallies = 0;
    reply = gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_RECORD_HEADCOUNT, &headcount, NULL);
    gt_expect (reply, GT_INVALID, "groups.closed_activity", "record_headcount.session_id");
    kumppani__v1__reply__free_unpacked (reply, NULL);
}
