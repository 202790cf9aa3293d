/*  kp_consumer with a batch function (set-based folds), and what a batch
    does when one of its events fails. Like test_consumer: a consumer in
    this process against a real stream process, each handled event one
    row in reporting.consumer_test_batch_effects written in the
    consumer's transaction with its id, whether the batch function wrote
    it (in one statement for all it claims) or the handler. Shown: the
    batch function and the handler share one transaction per page, in
    seq order; a poison event in a batch is parked while the events
    around it still commit in batches; and a connection killed in the
    middle of a batch loses and duplicates nothing. */
#include "harness.h"
#include "harness_consumer.h"

#include <criterion/criterion.h>
#include <czmq.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TestSuite (consumer_batch, .init = kpt_setup, .fini = kpt_teardown, .timeout = 240);

//  Fixed before the consumer starts, except the counters the consumer's
//  thread moves (atomics: the test's thread reads them).
typedef struct {
    char name [64];
    char topic [96];
    char poison [32];               //  aggregate id the handler calls poison, or ""
    bool gate;                      //  the first batch waits on the gate row (a kill mid-batch)
    atomic_int batches;             //  calls of the batch function
    atomic_int out_of_order;        //  events it was given not in ascending seq
    atomic_int claimed;
} s_scenario_t;

static const kp_stmt_t s_statements [] = {
    { "batch_test_effect",
      "INSERT INTO reporting.consumer_test_batch_effects (consumer, seq, txid, by_batch)"
      " VALUES ($1::text, $2::int8, txid_current (), false)" },
    { "batch_test_effects",
      "INSERT INTO reporting.consumer_test_batch_effects (consumer, seq, txid, by_batch)"
      " SELECT $1::text, seq, txid_current (), true FROM unnest ($2::int8[]) AS seq" },
    //  Waits while the test holds the gate row.
    { "batch_test_gate",
      "SELECT 1 AS consumer_test_gate FROM kp.consumer_cursors WHERE consumer = $1::text FOR UPDATE" },
    { NULL }
};

static int
s_handler (kp_db_t *db, const Kumppani__V1__Event *event, void *arg, char *error, size_t size)
{
    s_scenario_t *scenario = arg;
    char seq [24];
    snprintf (seq, sizeof seq, "%" PRIu64, event->seq);
    const char *values [] = { scenario->name, seq };
    if (kp_db_run (db, "batch_test_effect", 2, values))
        return -1;
    //  After its effect: the batch it was in must leave nothing of it.
    if (*scenario->poison && strcmp (event->aggregate_id, scenario->poison) == 0) {
        snprintf (error, size, "%s is poison", event->aggregate_id);
        return -2;
    }
    return 0;
}

//  Claims the events whose aggregate number is even, in one statement.
static int
s_batch (kp_db_t *db, Kumppani__V1__Event *const *events, size_t count, bool *done, void *arg)
{
    s_scenario_t *scenario = arg;
    atomic_fetch_add (&scenario->batches, 1);
    char *seqs = zmalloc (24 * count + 3);
    size_t used = 0;
    for (size_t index = 0; index < count; index++) {
        if (index && events [index]->seq <= events [index - 1]->seq)
            atomic_fetch_add (&scenario->out_of_order, 1);
        if (atoi (events [index]->aggregate_id + 1) % 2 == 0) {
            used += (size_t) sprintf (seqs + used, "%s%" PRIu64, used ? "," : "{", events [index]->seq);
            done [index] = true;
        }
    }
    sprintf (seqs + used, used ? "}" : "{}");
    const char *values [] = { scenario->name, seqs };
    int rc = kp_db_run (db, "batch_test_effects", 2, values);
    free (seqs);
    if (rc == 0 && scenario->gate) {
        char gate [80];
        snprintf (gate, sizeof gate, "%s-gate", scenario->name);
        const char *gate_values [] = { gate };
        scenario->gate = false;
        rc = kp_db_run (db, "batch_test_gate", 1, gate_values);
    }
    if (rc == 0)
        for (size_t index = 0; index < count; index++)
            atomic_fetch_add (&scenario->claimed, done [index]);
    return rc;
}

#define S_EFFECTS "reporting.consumer_test_batch_effects"

//  The scenario's cursor at the head, then count events (aggregates
//  "e0", "e1", …) in one transaction, so they are contiguous.
static void
s_prepare (s_scenario_t *scenario, const char *name, int count)
{
    memset (scenario, 0, sizeof *scenario);
    snprintf (scenario->name, sizeof scenario->name, "consumer-batch-%s-%d", name, (int) getpid ());
    snprintf (scenario->topic, sizeof scenario->topic, "reporting.consumer_batch_test.%s", name);
    kpt_consumer_effects_table (S_EFFECTS, "consumer text, seq int8, txid int8, by_batch bool");
    kpt_consumer_events (scenario->name, scenario->topic, count);
}

typedef kpt_consumer_run_t s_running_t;

//  As a service runs it, batching at any lag; batch NULL: the handler alone.
static void
s_start (s_running_t *running, s_scenario_t *scenario, kp_consumer_batch_fn *batch)
{
    kpt_consumer_start (running, s_statements, scenario->name, scenario->topic, "0", s_handler, batch, scenario);
}

static long long
s_transactions (const s_scenario_t *scenario)
{
    return kpt_scalar ("SELECT count (DISTINCT txid) FROM reporting.consumer_test_batch_effects WHERE consumer = $1",
                       scenario->name);
}

//  No event handled twice, none left out, each in the transaction that
//  moved the cursor past it (the cursor is at the head).
static void
s_assert_once_each (const s_scenario_t *scenario, long long count)
{
    kpt_consumer_assert_once_each (S_EFFECTS, scenario->name, count);
    cr_assert_eq (kpt_scalar ("SELECT last_seq FROM kp.consumer_cursors WHERE consumer = $1", scenario->name),
                  kpt_consumer_head ());
}

Test (consumer_batch, the_batch_function_and_the_handler_share_a_transaction_per_page)
{
    kpt_service_start ("stream", NULL);
    s_scenario_t scenario;
    enum { EVENTS = 1500 };
    s_prepare (&scenario, "page", EVENTS);
    s_running_t running;
    s_start (&running, &scenario, s_batch);
    kpt_consumer_poll_until (&running, S_EFFECTS, scenario.name, EVENTS);
    s_assert_once_each (&scenario, EVENTS);
    //  Half by the batch function, half by the handler, and never both.
    cr_assert_eq (kpt_scalar ("SELECT count (*) FROM reporting.consumer_test_batch_effects e"
                              " JOIN kp.events v USING (seq) WHERE e.consumer = $1"
                              " AND e.by_batch = (substr (v.aggregate_id, 2)::int % 2 = 0)", scenario.name), EVENTS);
    cr_assert_eq (atomic_load (&scenario.claimed), EVENTS / 2);
    cr_assert_eq (atomic_load (&scenario.out_of_order), 0);
    //  A page (1000) per transaction: 1000 and 500, and a page boundary
    //  from other suites' events in between may split one more; without
    //  the batch function it would be 500 a transaction, 3 or 4.
    long long transactions = s_transactions (&scenario);
    cr_assert_geq (transactions, 2);
    cr_assert_leq (transactions, 3, "%lld transactions for %d events", transactions, EVENTS);
    //  More than the 500 a consumer without one takes (all 1000 unless
    //  other events split the page).
    cr_assert_gt (kpt_scalar ("SELECT max (n) FROM (SELECT count (*) AS n FROM reporting.consumer_test_batch_effects"
                              " WHERE consumer = $1 GROUP BY txid) t", scenario.name), 500);
    kpt_consumer_stop (&running);
}

Test (consumer_batch, a_poison_event_is_parked_and_the_events_around_it_still_batch)
{
    kpt_service_start ("stream", NULL);
    s_scenario_t scenario;
    enum { EVENTS = 400 };
    s_prepare (&scenario, "poison", EVENTS);
    snprintf (scenario.poison, sizeof scenario.poison, "e201");       //  odd: the handler's
    s_running_t running;
    s_start (&running, &scenario, s_batch);
    kpt_consumer_poll_until (&running, S_EFFECTS, scenario.name, EVENTS - 1);
    cr_assert_eq (kp_consumer_parked (running.consumer), 1);
    //  Its effect was rolled back with the batch's first try; it is parked
    //  with the handler's reason; every other event once.
    cr_assert_eq (kpt_scalar ("SELECT count (*) FROM reporting.consumer_test_batch_effects e JOIN kp.events v"
                              " USING (seq) WHERE e.consumer = $1 AND v.aggregate_id = 'e201'", scenario.name), 0);
    cr_assert_eq (kpt_scalar ("SELECT count (*) FROM kp.parked_events p JOIN kp.events v USING (seq)"
                              " WHERE p.consumer = $1 AND v.aggregate_id = 'e201' AND p.error LIKE '%e201 is poison%'",
                              scenario.name), 1);
    s_assert_once_each (&scenario, EVENTS - 1);
    //  e0-e200 in one transaction, the park in its own (no effect row),
    //  e202-e399 in one more: two, or three if other suites' events split
    //  the page. Before, the whole batch went one event a transaction.
    long long transactions = s_transactions (&scenario);
    cr_assert_leq (transactions, 3, "%lld transactions for %d events", transactions, EVENTS - 1);
    kpt_consumer_stop (&running);
}

Test (consumer_batch, without_a_batch_function_a_poison_event_costs_one_batch_more)
{
    kpt_service_start ("stream", NULL);
    s_scenario_t scenario;
    enum { EVENTS = 300 };
    s_prepare (&scenario, "plain", EVENTS);
    snprintf (scenario.poison, sizeof scenario.poison, "e100");
    s_running_t running;
    s_start (&running, &scenario, NULL);
    kpt_consumer_poll_until (&running, S_EFFECTS, scenario.name, EVENTS - 1);
    cr_assert_eq (kp_consumer_parked (running.consumer), 1);
    s_assert_once_each (&scenario, EVENTS - 1);
    long long transactions = s_transactions (&scenario);
    cr_assert_leq (transactions, 3, "%lld transactions for %d events", transactions, EVENTS - 1);
    kpt_consumer_stop (&running);
}

Test (consumer_batch, a_connection_killed_mid_batch_loses_and_duplicates_nothing)
{
    kpt_service_start ("stream", NULL);
    s_scenario_t scenario;
    enum { EVENTS = 600 };
    s_prepare (&scenario, "kill", EVENTS);
    scenario.gate = true;
    //  The gate: a cursor row of its own the test holds, so the first
    //  batch stops after the batch function's writes, before the
    //  handler's and the cursor move.
    char gate [80];
    snprintf (gate, sizeof gate, "%s-gate", scenario.name);
    kpt_consumer_admin ("INSERT INTO kp.consumer_cursors (consumer, service, last_seq) VALUES ($1, 'reporting', 0)", gate);
    PGconn *holder = kpt_connect_as ("reporting");
    PQclear (PQexec (holder, "BEGIN"));
    const char *values [] = { gate };
    PQclear (PQexecParams (holder, "SELECT 1 FROM kp.consumer_cursors WHERE consumer = $1 FOR UPDATE",
                           1, NULL, values, NULL, NULL, 0));
    s_running_t running;
    s_start (&running, &scenario, s_batch);
    //  The consumer's own timer starts the catch-up (a poll from here would
    //  wait for it); wait, bounded, until its batch waits at the gate.
    const char *waiting = "SELECT coalesce (max (pid), 0) FROM pg_stat_activity WHERE usename = 'reporting'"
                          " AND wait_event_type = 'Lock' AND query LIKE '%consumer_test_gate%'";
    long long pid = -1;
    for (int round = 0; round < 600 && (pid = kpt_scalar (waiting, NULL)) <= 0; round++)
        zclock_sleep (100);
    cr_assert_gt (pid, 0, "the batch never reached the gate");
    //  Killed mid-batch: its backend goes, the transaction with it.
    char pid_text [24];
    snprintf (pid_text, sizeof pid_text, "%lld", pid);
    cr_assert_eq (kpt_scalar ("SELECT count (*) FROM (SELECT pg_terminate_backend ($1::int)) t", pid_text), 1);
    PQclear (PQexec (holder, "ROLLBACK"));
    PQfinish (holder);
    kpt_consumer_poll_until (&running, S_EFFECTS, scenario.name, EVENTS);
    s_assert_once_each (&scenario, EVENTS);
    cr_assert_eq (kp_consumer_parked (running.consumer), 0, "a dead connection is not the event's fault");
    kpt_consumer_stop (&running);
}
