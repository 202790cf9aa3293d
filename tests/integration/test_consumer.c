/*  kp_consumer's own suite: a consumer in this process (its actor, its
    own connection as the reporting role) against a real stream process
    and the test cluster. Batching while catching up, parking after
    KP_CONSUMER_TRIES failures with the effect of the failed tries rolled
    back, resuming from the stored cursor after a restart, and stepping
    back (neither blocking nor counting towards parking) while someone
    else holds the cursor. Each handled event leaves one row in
    reporting.consumer_test_effects in the handler's transaction, with the
    transaction's id: that row is the effect whose exactly-once the
    consumer promises. */
#include "harness.h"
#include "harness_consumer.h"

#include <criterion/criterion.h>
#include <czmq.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TestSuite (consumer, .init = kpt_setup, .fini = kpt_teardown, .timeout = 180);

//  What the handler does with an event; fixed before the consumer starts
//  (the handler runs on the consumer's thread and only reads it).
typedef struct {
    char name [64];                 //  the cursor, and the effects' consumer column
    char topic [96];                //  the topic prefix the test's events carry
    char failing [32];              //  aggregate id of the event that always fails (-1), or ""
} s_scenario_t;

static const kp_stmt_t s_statements [] = {
    { "consumer_test_effect",
      "INSERT INTO reporting.consumer_test_effects (consumer, seq, txid) VALUES ($1::text, $2::int8, txid_current ())" },
    { NULL }
};

static int
s_handler (kp_db_t *db, const Kumppani__V1__Event *event, void *arg, char *error, size_t size)
{
    const s_scenario_t *scenario = arg;
    char seq [24];
    snprintf (seq, sizeof seq, "%" PRIu64, event->seq);
    const char *values [] = { scenario->name, seq };
    PGresult *result = kp_db_exec (db, "consumer_test_effect", 2, values);
    if (!result)
        return -1;
    PQclear (result);
    //  After its effect: the failed tries must leave nothing behind.
    if (*scenario->failing && strcmp (event->aggregate_id, scenario->failing) == 0) {
        snprintf (error, size, "%s fails", event->aggregate_id);
        return -1;
    }
    return 0;
}

#define S_EFFECTS "reporting.consumer_test_effects"

//  The scenario's cursor at the head, then count events (aggregates
//  "e0", "e1", …) in one transaction, so they are contiguous.
static void
s_prepare (s_scenario_t *scenario, const char *name, int count)
{
    memset (scenario, 0, sizeof *scenario);
    snprintf (scenario->name, sizeof scenario->name, "consumer-test-%s-%d", name, (int) getpid ());
    //  Topics are letters only and begin with the producer (kp.events checks).
    snprintf (scenario->topic, sizeof scenario->topic, "reporting.consumer_test.%s", name);
    kpt_consumer_effects_table (S_EFFECTS, "consumer text, seq int8, txid int8");
    kpt_consumer_events (scenario->name, scenario->topic, count);
}

typedef kpt_consumer_run_t s_running_t;

//  A consumer as the reporting service would run it. batch_lag "0"
//  batches at any lag; a large one never does.
static void
s_start (s_running_t *running, s_scenario_t *scenario, const char *batch_lag)
{
    kpt_consumer_start (running, s_statements, scenario->name, scenario->topic, batch_lag,
                        s_handler, NULL, scenario);
}

static long long
s_effects (const s_scenario_t *scenario)
{
    return kpt_consumer_effects (S_EFFECTS, scenario->name);
}

static long long
s_cursor (const s_scenario_t *scenario)
{
    return kpt_scalar ("SELECT last_seq FROM kp.consumer_cursors WHERE consumer = $1", scenario->name);
}

//  No event handled twice, none left out.
static void
s_assert_once_each (const s_scenario_t *scenario, long long count)
{
    kpt_consumer_assert_once_each (S_EFFECTS, scenario->name, count);
}

Test (consumer, catching_up_batches_events_into_few_transactions)
{
    kpt_service_start ("stream", NULL);
    s_scenario_t scenario;
    enum { EVENTS = 1200 };
    s_prepare (&scenario, "batch", EVENTS);
    s_running_t running;
    s_start (&running, &scenario, "0");
    kpt_consumer_poll_until (&running, S_EFFECTS, scenario.name, EVENTS);
    s_assert_once_each (&scenario, EVENTS);
    //  Up to 500 a transaction (KP_CONSUMER_BATCH), pages of 1000: 500,
    //  500, 200; a page boundary from other suites' events in between may
    //  split one more.
    long long transactions = kpt_scalar ("SELECT count (DISTINCT txid) FROM reporting.consumer_test_effects"
                                         " WHERE consumer = $1", scenario.name);
    cr_assert_geq (transactions, 3);
    cr_assert_leq (transactions, 4, "%lld transactions for %d events", transactions, EVENTS);
    cr_assert_eq (kpt_scalar ("SELECT max (n) FROM (SELECT count (*) AS n FROM reporting.consumer_test_effects"
                              " WHERE consumer = $1 GROUP BY txid) t", scenario.name), 500);
    cr_assert_eq (s_cursor (&scenario), kpt_consumer_head ());
    cr_assert_eq (kp_consumer_cursor (running.consumer), (uint64_t) kpt_consumer_head ());
    kpt_consumer_stop (&running);
}

Test (consumer, following_closely_handles_one_event_a_transaction)
{
    kpt_service_start ("stream", NULL);
    s_scenario_t scenario;
    enum { EVENTS = 30 };
    s_prepare (&scenario, "single", EVENTS);
    s_running_t running;
    s_start (&running, &scenario, "1000000000");
    kpt_consumer_poll_until (&running, S_EFFECTS, scenario.name, EVENTS);
    s_assert_once_each (&scenario, EVENTS);
    cr_assert_eq (kpt_scalar ("SELECT count (DISTINCT txid) FROM reporting.consumer_test_effects WHERE consumer = $1",
                              scenario.name), EVENTS);
    kpt_consumer_stop (&running);
}

Test (consumer, an_event_failing_every_try_is_parked_and_its_effects_rolled_back)
{
    kpt_service_start ("stream", NULL);
    s_scenario_t scenario;
    enum { EVENTS = 5 };
    s_prepare (&scenario, "park", EVENTS);
    snprintf (scenario.failing, sizeof scenario.failing, "e2");
    s_running_t running;
    s_start (&running, &scenario, "1000000000");
    //  e2 fails each poll until its third try parks it; then e3 and e4.
    for (int round = 0; round < 50 && kp_consumer_parked (running.consumer) < 1; round++)
        kp_consumer_poll (running.consumer);
    cr_assert_eq (kp_consumer_parked (running.consumer), 1);
    kpt_consumer_poll_until (&running, S_EFFECTS, scenario.name, EVENTS - 1);
    //  e2's tries left no effect; every other event exactly one.
    cr_assert_eq (kpt_scalar ("SELECT count (*) FROM reporting.consumer_test_effects e JOIN kp.events v USING (seq)"
                              " WHERE e.consumer = $1 AND v.aggregate_id = 'e2'", scenario.name), 0);
    s_assert_once_each (&scenario, EVENTS - 1);
    cr_assert_eq (kpt_scalar ("SELECT count (*) FROM kp.parked_events p JOIN kp.events v USING (seq)"
                              " WHERE p.consumer = $1 AND v.aggregate_id = 'e2'"
                              " AND p.error LIKE '%e2 fails%'", scenario.name), 1);
    cr_assert_eq (s_cursor (&scenario), kpt_consumer_head ());
    kpt_consumer_stop (&running);
}

//  count more of the scenario's events ("later") in each of commits
//  transactions, one after the other on one connection.
static void
s_append_commits (const s_scenario_t *scenario, int commits, int count)
{
    PGconn *conn = kpt_connect_as ("reporting");
    for (int commit = 0; commit < commits; commit++) {
        PQclear (PQexec (conn, "BEGIN"));
        for (int index = 0; index < count; index++) {
            Kumppani__V1__ObservationRecorded recorded = KUMPPANI__V1__OBSERVATION_RECORDED__INIT;
            recorded.observation_id = "later";
            recorded.theme = "consumer";
            Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
            event.topic = (char *) scenario->topic;
            event.aggregate_id = "later";
            event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_OBSERVATION_RECORDED;
            event.observation_recorded = &recorded;
            kpt_append_event (conn, &event, "743", NULL, NULL);
        }
        PQclear (PQexec (conn, "COMMIT"));
    }
    PQfinish (conn);
}

//  count more of the scenario's events, in one transaction.
static void
s_append (const s_scenario_t *scenario, int count)
{
    s_append_commits (scenario, 1, count);
}

//  Waits (up to 20 s, never asking the consumer) until want effects are
//  there; the count seen.
static long long
s_wait_for_effects (const s_scenario_t *scenario, long long want)
{
    for (int round = 0; round < 200 && s_effects (scenario) < want; round++)
        zclock_sleep (100);
    return s_effects (scenario);
}

Test (consumer, a_restarted_consumer_resumes_from_its_cursor)
{
    kpt_service_start ("stream", NULL);
    s_scenario_t scenario;
    enum { EVENTS = 40 };
    s_prepare (&scenario, "resume", EVENTS);
    s_running_t running;
    s_start (&running, &scenario, "1000000000");
    kpt_consumer_poll_until (&running, S_EFFECTS, scenario.name, EVENTS);
    kpt_consumer_stop (&running);
    //  More while it is away: the next life takes exactly those.
    long long first_head = kpt_consumer_head ();
    s_append (&scenario, 10);
    s_start (&running, &scenario, "1000000000");
    cr_assert_eq (kp_consumer_cursor (running.consumer), (uint64_t) first_head,
                  "the consumer did not start from its stored cursor");
    kpt_consumer_poll_until (&running, S_EFFECTS, scenario.name, EVENTS + 10);
    s_assert_once_each (&scenario, EVENTS + 10);
    kpt_consumer_stop (&running);
}

Test (consumer, a_held_cursor_is_waited_for_without_blocking_or_parking)
{
    kpt_service_start ("stream", NULL);
    s_scenario_t scenario;
    enum { EVENTS = 5 };
    s_prepare (&scenario, "held", EVENTS);
    //  As a rollup rebuild holds it: the consumer takes it NOWAIT.
    PGconn *holder = kpt_connect_as ("reporting");
    PQclear (PQexec (holder, "BEGIN"));
    const char *values [] = { scenario.name };
    PGresult *held = PQexecParams (holder, "SELECT 1 FROM kp.consumer_cursors WHERE consumer = $1"
                                   " FOR UPDATE", 1, NULL, values, NULL, NULL, 0);
    cr_assert_eq (PQntuples (held), 1);
    PQclear (held);
    s_running_t running;
    s_start (&running, &scenario, "1000000000");
    //  More polls than KP_CONSUMER_TRIES: each returns (a poll that waited
    //  on the lock would hang here until the suite's timeout), nothing is
    //  handled and nothing parked.
    for (int round = 0; round < KP_CONSUMER_TRIES + 2; round++)
        kp_consumer_poll (running.consumer);
    cr_assert_eq (s_effects (&scenario), 0);
    cr_assert_eq (kp_consumer_parked (running.consumer), 0);
    PQclear (PQexec (holder, "ROLLBACK"));
    PQfinish (holder);
    kpt_consumer_poll_until (&running, S_EFFECTS, scenario.name, EVENTS);
    s_assert_once_each (&scenario, EVENTS);
    cr_assert_eq (kp_consumer_parked (running.consumer), 0);
    kpt_consumer_stop (&running);
}

//  The wake-up is PostgreSQL's notification of the writer's COMMIT: with
//  its timer an hour away (no poll would come) and no stream process at
//  all, the consumer handles new events by itself, and again after its
//  connection was cut (it reconnects and LISTENs again when it sees the
//  socket close).
Test (consumer, a_commit_with_events_wakes_the_consumer_without_its_timer_or_the_stream)
{
    s_scenario_t scenario;
    s_prepare (&scenario, "notified", 0);
    setenv ("KUMPPANI_POLL_MS", "60000", 1);
    s_running_t running;
    s_start (&running, &scenario, "0");
    unsetenv ("KUMPPANI_POLL_MS");
    kp_consumer_poll (running.consumer);        //  started, caught up, listening
    cr_assert_eq (s_effects (&scenario), 0);
    s_append (&scenario, 5);
    cr_assert_eq (s_wait_for_effects (&scenario, 5), 5, "five events committed, none woke the consumer");

    //  Its connection cut (and the harness's own as the same role: both
    //  reconnect on their next use).
    PQclear (PQexec (kpt_admin (), "SELECT pg_terminate_backend (pid) FROM pg_stat_activity"
                                   " WHERE usename = 'reporting' AND pid <> pg_backend_pid ()"));
    zclock_sleep (300);
    s_append (&scenario, 3);
    cr_assert_eq (s_wait_for_effects (&scenario, 8), 8, "after a reconnect the consumer no longer listens");
    s_assert_once_each (&scenario, 8);
    kpt_consumer_stop (&running);
}

//  Commits in quick succession, each notified: the consumer reads and
//  handles them together, at most once per KP_CONSUMER_GATHER_MS while
//  they come and once after the last, not a transaction per commit.
Test (consumer, commits_in_quick_succession_are_handled_together)
{
    s_scenario_t scenario;
    s_prepare (&scenario, "gathered", 0);
    setenv ("KUMPPANI_POLL_MS", "60000", 1);    //  notifications alone wake it
    s_running_t running;
    s_start (&running, &scenario, "0");
    unsetenv ("KUMPPANI_POLL_MS");
    kp_consumer_poll (running.consumer);
    enum { COMMITS = 60 };
    int64_t started = zclock_mono ();
    s_append_commits (&scenario, COMMITS, 1);
    int64_t took = zclock_mono () - started;
    cr_assert_eq (s_wait_for_effects (&scenario, COMMITS), COMMITS);
    s_assert_once_each (&scenario, COMMITS);
    long long transactions = kpt_scalar ("SELECT count (DISTINCT txid) FROM reporting.consumer_test_effects"
                                         " WHERE consumer = $1", scenario.name);
    //  One catch-up when the first came, one per window after, one for
    //  the last; one more should a page end between two of them.
    long long most = took / KP_CONSUMER_GATHER_MS + 3;
    cr_assert_leq (transactions, most, "%lld transactions for %d commits in %" PRId64 " ms",
                   transactions, COMMITS, took);
    cr_assert_lt (transactions, COMMITS);
    kpt_consumer_stop (&running);
}

//  Events of other topics move the stored cursor too, but not a
//  transaction per wake-up: within a second on the timer, at once on a
//  poll; the consumer's own events are handled as ever.
Test (consumer, other_topics_move_the_stored_cursor_late_but_surely)
{
    s_scenario_t scenario, other;
    s_prepare (&scenario, "idle", 0);
    s_prepare (&other, "busy", 0);
    setenv ("KUMPPANI_POLL_MS", "200", 1);
    s_running_t running;
    s_start (&running, &scenario, "0");
    unsetenv ("KUMPPANI_POLL_MS");
    kp_consumer_poll (running.consumer);
    s_append (&other, 5);
    long long head = kpt_consumer_head ();
    for (int round = 0; round < 200 && s_cursor (&scenario) < head; round++)
        zclock_sleep (100);
    cr_assert_eq (s_cursor (&scenario), head, "the stored cursor never followed other topics' events");
    cr_assert_eq (s_effects (&scenario), 0);

    s_append (&other, 5);
    kp_consumer_poll (running.consumer);
    cr_assert_eq (s_cursor (&scenario), kpt_consumer_head (), "a poll leaves the cursor stored at the head");

    s_append (&scenario, 2);
    s_append (&other, 3);
    cr_assert_eq (s_wait_for_effects (&scenario, 2), 2);
    kp_consumer_poll (running.consumer);
    s_assert_once_each (&scenario, 2);
    cr_assert_eq (s_cursor (&scenario), kpt_consumer_head ());
    kpt_consumer_stop (&running);
}
