/*  The evaluation reminder on a moved clock (issue 22): the groups service
    runs with KUMPPANI_CLOCK_FILE set in February 2018 (a year no other
    suite places anyone in, so the timer reminds only of this suite's
    placements), and the reminders go out as that day allows, dated that
    day: the reminder row's sent_at and the event both, not the machine's
    real now. */
#include "test_groups.h"

#include <inttypes.h>

TestSuite (groups_reminder_clock, .init = kpt_setup_own_database, .fini = kpt_teardown_own_database, .timeout = 120);

static char s_clock_path [320];

//  The services' clock at 08:00 UTC (10:00 in Helsinki) of a day.
static int64_t
s_set_clock (int year, int month, int day)
{
    struct tm tm = { .tm_year = year - 1900, .tm_mon = month - 1, .tm_mday = day, .tm_hour = 8 };
    int64_t micros = (int64_t) timegm (&tm) * 1000000;
    FILE *file = fopen (s_clock_path, "w");
    cr_assert_not_null (file);
    fprintf (file, "%" PRId64 "\n", micros);
    fclose (file);
    return micros;
}

//  A placement of a new 743 client kept by the municipality itself (no
//  disclosure), 2018-01-08 to 2018-07-08, interim on the day given.
static void
s_placement (const char *interim, char *id)
{
    Kumppani__V1__CreatePlacement body = KUMPPANI__V1__CREATE_PLACEMENT__INIT;
    body.client_id = (char *) gt_client ("743");
    body.organiser_org = "muni-743";
    body.days_per_week = 3;
    body.hours_per_day = 6;
    body.start_date = "2018-01-08";
    body.end_date = "2018-07-08";
    body.compensation_cents_per_day = 900;
    body.interim_evaluation_date = (char *) interim;
    Kumppani__V1__Reply *reply = gt_call ("muni-743", KUMPPANI__V1__REQUEST__BODY_CREATE_PLACEMENT, &body, NULL);
    gt_expect (reply, GT_OK, NULL, NULL);
    snprintf (id, KP_ID_LEN + 1, "%s", reply->placement->placement_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

//  Waits (bounded: 10 s of 100 ms timer ticks) for the placement's interim reminder.
static long long
s_await_reminder (const char *placement)
{
    long long sent = 0;
    for (int attempt = 0; attempt < 100 && sent < 1; attempt++) {
        sent = gt_events (placement, "groups.evaluation_due");
        if (sent < 1)
            zclock_sleep (100);
    }
    return sent;
}

//  The Helsinki day of a timestamptz the statement returns for placement.
static void
s_day_of (const char *sql, const char *placement, char *day)
{
    const char *values [] = { placement };
    PGresult *result = PQexecParams (kpt_admin (), sql, 1, NULL, values, NULL, NULL, 0);
    cr_assert_eq (PQresultStatus (result), PGRES_TUPLES_OK, "%s", PQresultErrorMessage (result));
    cr_assert_eq (PQntuples (result), 1);
    snprintf (day, 11, "%s", PQgetvalue (result, 0, 0));
    PQclear (result);
}

#define SENT_ON "SELECT ((sent_at AT TIME ZONE 'Europe/Helsinki')::date)::text FROM groups.evaluation_reminders" \
                " WHERE placement_id = $1 AND step = 'interim'"
#define EVENT_ON "SELECT ((occurred_at AT TIME ZONE 'Europe/Helsinki')::date)::text FROM kp.events" \
                 " WHERE aggregate_id = $1 AND topic = 'groups.evaluation_due'"

Test (groups_reminder_clock, reminders_on_the_moved_day)
{
    static char clock_env [360];
    snprintf (s_clock_path, sizeof s_clock_path, "%s/clock", kpt_cert_dir ("."));
    s_set_clock (2018, 2, 10);
    snprintf (clock_env, sizeof clock_env, "KUMPPANI_CLOCK_FILE=%s", s_clock_path);
    const char *env [] = { "KUMPPANI_POLL_MS=100", clock_env, NULL };
    kpt_service_start ("groups", env);

    //  Two weeks before: the early one (interim 2018-02-19) is due on the
    //  10th, the late one (interim 2018-03-05) from the 19th.
    char early [KP_ID_LEN + 1], late [KP_ID_LEN + 1], day [11];
    s_placement ("2018-02-19", early);
    s_placement ("2018-03-05", late);
    cr_assert_eq (s_await_reminder (early), 1, "the early placement is reminded on the moved day");
    s_day_of (SENT_ON, early, day);
    cr_assert_str_eq (day, "2018-02-10", "sent_at is the moved day, not the real one");
    s_day_of (EVENT_ON, early, day);
    cr_assert_str_eq (day, "2018-02-10");
    //  The timer ran through everything due that tick: the late one was not.
    cr_assert_eq (gt_events (late, "groups.evaluation_due"), 0);
    cr_assert_eq (gt_scalar ("SELECT count(*) FROM groups.evaluation_reminders WHERE placement_id = $1", late), 0);

    //  The clock moves on to the 19th: now the late one is due, once.
    s_set_clock (2018, 2, 19);
    cr_assert_eq (s_await_reminder (late), 1, "the late placement is reminded once the clock reaches its day");
    s_day_of (SENT_ON, late, day);
    cr_assert_str_eq (day, "2018-02-19");
    s_day_of (EVENT_ON, late, day);
    cr_assert_str_eq (day, "2018-02-19");
    Kumppani__V1__Event *events [2];
    int count = gt_event_list (late, "groups.evaluation_due", events, 2);
    cr_assert_eq (count, 1);
    cr_assert_str_eq (events [0]->groups->step, "interim");
    cr_assert_str_eq (events [0]->groups->session_date, "2018-03-05");
    gt_events_free (events, count);
    cr_assert_eq (gt_events (early, "groups.evaluation_due"), 1, "each reminder goes out once");
}
