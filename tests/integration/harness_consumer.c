/*  harness_consumer — see harness_consumer.h. The table names come from
    the suites' own constants, never from input, so the SQL that names
    them is put together here. */
#include "harness_consumer.h"
#include "harness.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

void
kpt_consumer_admin (const char *sql, const char *param)
{
    const char *values [] = { param };
    PGresult *result = PQexecParams (kpt_admin (), sql, param ? 1 : 0, NULL, values, NULL, NULL, 0);
    cr_assert (PQresultStatus (result) == PGRES_COMMAND_OK || PQresultStatus (result) == PGRES_TUPLES_OK,
               "%s: %s", sql, PQresultErrorMessage (result));
    PQclear (result);
}

long long
kpt_consumer_head (void)
{
    return kpt_scalar ("SELECT last_seq FROM kp.event_counter", NULL);
}

void
kpt_consumer_effects_table (const char *table, const char *columns)
{
    char sql [512];
    snprintf (sql, sizeof sql, "CREATE TABLE IF NOT EXISTS %s (%s)", table, columns);
    kpt_consumer_admin (sql, NULL);
    snprintf (sql, sizeof sql, "GRANT SELECT, INSERT ON %s TO reporting", table);
    kpt_consumer_admin (sql, NULL);
}

void
kpt_consumer_events (const char *name, const char *topic, int count)
{
    char head [24];
    snprintf (head, sizeof head, "%lld", kpt_consumer_head ());
    const char *cursor [] = { name, head };
    PQclear (PQexecParams (kpt_admin (), "INSERT INTO kp.consumer_cursors (consumer, service, last_seq)"
                           " VALUES ($1, 'reporting', $2::int8)", 2, NULL, cursor, NULL, NULL, 0));
    PGconn *conn = kpt_connect_as ("reporting");
    PQclear (PQexec (conn, "BEGIN"));
    for (int index = 0; index < count; index++) {
        Kumppani__V1__ObservationRecorded recorded = KUMPPANI__V1__OBSERVATION_RECORDED__INIT;
        char aggregate [16];
        snprintf (aggregate, sizeof aggregate, "e%d", index);
        recorded.observation_id = aggregate;
        recorded.theme = "consumer";
        Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
        event.topic = (char *) topic;
        event.aggregate_id = aggregate;
        event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_OBSERVATION_RECORDED;
        event.observation_recorded = &recorded;
        kpt_append_event (conn, &event, "743", NULL, NULL);
    }
    PQclear (PQexec (conn, "COMMIT"));
    PQfinish (conn);
}

void
kpt_consumer_start (kpt_consumer_run_t *run, const kp_stmt_t *statements, const char *name,
                    const char *topic, const char *batch_lag, kp_consumer_fn *handler,
                    kp_consumer_batch_fn *batch, void *arg)
{
    char conninfo [1024];
    snprintf (conninfo, sizeof conninfo, "%s user=reporting", getenv ("KUMPPANI_TEST_CONNINFO"));
    run->db = kp_db_new (conninfo, 2000);
    cr_assert_not_null (run->db);
    cr_assert_eq (kp_db_register (run->db, statements), 0);
    setenv ("KUMPPANI_SERVICE_CERTS_DIR", kpt_cert_dir ("services"), 1);
    setenv ("KUMPPANI_STREAM_ENDPOINT", kpt_endpoint ("stream"), 1);
    setenv ("KUMPPANI_STREAM_PUB_ENDPOINT", kpt_pub_endpoint (), 1);
    setenv ("KUMPPANI_CONSUMER_BATCH_LAG", batch_lag, 1);
    run->config = kp_config_load ("reporting");
    cr_assert_not_null (run->config);
    const char *prefixes [] = { topic, NULL };
    run->consumer = kp_consumer_new_batched (NULL, run->db, run->config, name, prefixes, handler, batch, arg);
    cr_assert_not_null (run->consumer);
}

void
kpt_consumer_stop (kpt_consumer_run_t *run)
{
    kp_consumer_destroy (&run->consumer);
    kp_config_destroy (&run->config);
    kp_db_destroy (&run->db);
}

long long
kpt_consumer_effects (const char *table, const char *name)
{
    char sql [256];
    snprintf (sql, sizeof sql, "SELECT count (*) FROM %s WHERE consumer = $1", table);
    return kpt_scalar (sql, name);
}

void
kpt_consumer_poll_until (kpt_consumer_run_t *run, const char *table, const char *name, long long want)
{
    for (int round = 0; round < 50 && kpt_consumer_effects (table, name) < want; round++)
        kp_consumer_poll (run->consumer);
    cr_assert_eq (kpt_consumer_effects (table, name), want);
}

void
kpt_consumer_assert_once_each (const char *table, const char *name, long long count)
{
    char sql [256];
    snprintf (sql, sizeof sql, "SELECT count (DISTINCT seq) FROM %s WHERE consumer = $1", table);
    cr_assert_eq (kpt_scalar (sql, name), count);
    cr_assert_eq (kpt_consumer_effects (table, name), count, "an event was handled twice");
}
