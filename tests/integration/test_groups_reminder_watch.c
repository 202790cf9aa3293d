/*  The evaluation reminder as a kp_watch (issue 22): a backlog larger
    than one tick's rounds (300 placements due at once, as after an outage)
    goes out over several ticks of two groups instances racing for it, and
    each reminder still goes out exactly once: one reminder row and one
    groups.evaluation_due event per placement, none for a step not yet
    due. The services' clock is moved to March 2019 on a database of the
    suite's own, so nobody else's placement is due. */
#include "test_groups.h"

#include <inttypes.h>

TestSuite (groups_reminder_watch, .init = kpt_setup_own_database, .fini = kpt_teardown_own_database,
           .timeout = 180);

#define BACKLOG 300

Test (groups_reminder_watch, a_backlog_goes_out_once)
{
    static char clock_path [320], clock_env [360];
    snprintf (clock_path, sizeof clock_path, "%s/clock", kpt_cert_dir ("."));
    //  2019-03-01 08:00 UTC.
    struct tm tm = { .tm_year = 119, .tm_mon = 2, .tm_mday = 1, .tm_hour = 8 };
    FILE *file = fopen (clock_path, "w");
    cr_assert_not_null (file);
    fprintf (file, "%" PRId64 "\n", (int64_t) timegm (&tm) * 1000000);
    fclose (file);
    snprintf (clock_env, sizeof clock_env, "KUMPPANI_CLOCK_FILE=%s", clock_path);
    const char *env [] = { "KUMPPANI_POLL_MS=100", clock_env, NULL };
    kpt_scale_out ();
    kpt_instance_start ("groups", 0, env);
    kpt_instance_start ("groups", 1, env);

    //  All at once, in one statement: interims due from 2019-02-19 (today
    //  is past it), finals from 2019-05-18 (not yet).
    char count [16];
    snprintf (count, sizeof count, "%d", BACKLOG);
    const char *values [] = { count };
    PGresult *result = PQexecParams (kpt_admin (),
        "INSERT INTO groups.placements (placement_id, client_id, municipality, placing_org, organiser_org,"
        " days_per_week, hours_per_day, start_date, end_date, compensation_cents, interim_evaluation,"
        " final_evaluation)"
        " SELECT upper (substr (md5 ('watch-p' || n), 1, 26)), upper (substr (md5 ('watch-c' || n), 1, 26)),"
        " '743', 'muni-743', 'muni-743', 3, 6, '2019-01-07', '2019-07-07', 900, '2019-03-05', '2019-06-01'"
        " FROM generate_series (1, $1::int4) n", 1, NULL, values, NULL, NULL, 0);
    cr_assert_eq (PQresultStatus (result), PGRES_COMMAND_OK, "%s", PQresultErrorMessage (result));
    PQclear (result);

    //  Bounded wait: 60 s of ticks for the whole backlog.
    long long sent = 0;
    for (int attempt = 0; attempt < 600 && sent < BACKLOG; attempt++) {
        sent = gt_scalar ("SELECT count(*) FROM groups.evaluation_reminders WHERE step = $1", "interim");
        if (sent < BACKLOG)
            zclock_sleep (100);
    }
    cr_assert_eq (sent, BACKLOG, "every due reminder went out (%lld of %d)", sent, BACKLOG);
    //  Let a tick or two more run: nothing is sent again.
    zclock_sleep (500);
    cr_assert_eq (gt_scalar ("SELECT count(*) FROM kp.events WHERE topic = $1", "groups.evaluation_due"), BACKLOG,
                  "one event per reminder, whichever instance sent it");
    cr_assert_eq (gt_scalar ("SELECT count(DISTINCT aggregate_id) FROM kp.events WHERE topic = $1",
                             "groups.evaluation_due"), BACKLOG, "each placement reminded once");
    cr_assert_eq (gt_scalar ("SELECT count(*) FROM groups.evaluation_reminders WHERE step <> $1", "interim"), 0,
                  "the finals are not due yet");
}
