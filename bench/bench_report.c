/*  bench_report — times the ESF participants report and the referral SLA
    report over the socket (RunReport as Seinäjoki's social services, for
    2025, on what bench/report_data.sql generated) next to the best
    hand-written SQL for the same figures on the raw tables. Each is run
    BENCH_REPORT_RUNS times (default 3) and the median printed. Talks to a
    running system (`make up`); prints, never asserts.

        bench_report CLIENTS     (CLIENTS only labels the output line) */
#include "bench_samples.h"
#include "kp_client.h"
#include "kp_config.h"
#include "kp_db.h"

#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BENCH_PERIOD_START "2025-01-01"
#define BENCH_PERIOD_END   "2025-12-31"
#define BENCH_MUNICIPALITY "743"

//  The same figures in plain SQL, each in one statement: $1, $2 the period,
//  $3 the municipality. (Working days need the service's calendar; the SLA
//  statement counts calendar days, which is no cheaper for the database.)
static const kp_stmt_t s_statements [] = {
    { "bench_participants",
      "WITH person AS ("
      " SELECT DISTINCT ON (k.client_id) coalesce (s.gender::text, 'not_told') AS gender,"
      "  CASE WHEN s.age IS NULL THEN 'unknown' WHEN s.age < 18 THEN 'under_18'"
      "   WHEN s.age < 30 THEN '18_29' WHEN s.age < 55 THEN '30_54' ELSE '55_plus' END AS age_band,"
      "  coalesce (s.labour_market_status::text, 'unknown') AS labour,"
      "  coalesce (s.education_level::text, 'unknown') AS education, s.municipality"
      " FROM intake.cases k JOIN intake.participant_snapshots s ON s.case_id = k.case_id AND s.kind = 'start'"
      " WHERE (k.opened_at AT TIME ZONE 'Europe/Helsinki')::date BETWEEN $1::date AND $2::date"
      " AND k.municipality = $3::text"
      " ORDER BY k.client_id, k.opened_at, k.case_id)"
      " SELECT gender, age_band, labour, education, municipality, count (*) FROM person"
      //  One grouping: every breakdown of the report is a sum over it.
      " GROUP BY gender, age_band, labour, education, municipality" },
    { "bench_referral_sla",
      "SELECT r.municipality, to_char (r.received_on, 'YYYY-MM'), r.kind, count (*),"
      " count (a.at), percentile_disc (0.5) WITHIN GROUP (ORDER BY a.at::date - r.received_on),"
      " percentile_disc (0.9) WITHIN GROUP (ORDER BY a.at::date - r.received_on),"
      " count (r.assessment_started_at),"
      " percentile_disc (0.5) WITHIN GROUP (ORDER BY r.assessment_started_at::date - r.received_on),"
      " percentile_disc (0.9) WITHIN GROUP (ORDER BY r.assessment_started_at::date - r.received_on),"
      " count (*) FILTER (WHERE r.deadline_met),"
      " count (*) FILTER (WHERE NOT r.deadline_met OR (r.clock_stopped_at IS NULL"
      "   AND r.deadline < current_date))"
      " FROM referral.referrals r LEFT JOIN LATERAL (SELECT min (h.at) AS at"
      "   FROM referral.referral_history h WHERE h.referral_id = r.referral_id"
      "   AND h.from_state = 1 AND h.to_state <> 1) a ON true"
      " WHERE r.recipient_type = 'municipality' AND r.received_on BETWEEN $1::date AND $2::date"
      " AND r.municipality = $3::text GROUP BY 1, 2, 3" },
    { NULL }
};

//  ms for one RunReport; -1 if it was not answered OK.
static double
s_run_report (kp_client_t *client, const char *report)
{
    Kumppani__V1__RunReport body = KUMPPANI__V1__RUN_REPORT__INIT;
    body.report = (char *) report;
    body.period_start = BENCH_PERIOD_START;
    body.period_end = BENCH_PERIOD_END;
    body.municipality = BENCH_MUNICIPALITY;
    Kumppani__V1__Actor actor = KUMPPANI__V1__ACTOR__INIT;
    actor.person_id = "bench-analyst";
    actor.role = KUMPPANI__V1__ROLE__ROLE_COORDINATOR;
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    request.actor = &actor;
    request.body_case = KUMPPANI__V1__REQUEST__BODY_RUN_REPORT;
    request.run_report = &body;
    int64_t start = zclock_usecs ();
    Kumppani__V1__Reply *reply = kp_client_call (client, &request, 600000, 0);
    double ms = (double) (zclock_usecs () - start) / 1000.0;
    bool ok = reply && reply->status == KUMPPANI__V1__STATUS__STATUS_OK;
    if (!ok)
        fprintf (stderr, "bench_report: %s: %s\n", report,
                 reply && reply->error ? reply->error->code : "no reply");
    if (reply)
        kumppani__v1__reply__free_unpacked (reply, NULL);
    return ok ? ms : -1;
}

//  ms for the hand-written statement; -1 on a database error.
static double
s_run_sql (kp_db_t *db, const char *statement)
{
    const char *values [] = { BENCH_PERIOD_START, BENCH_PERIOD_END, BENCH_MUNICIPALITY };
    int64_t start = zclock_usecs ();
    PGresult *result = kp_db_exec (db, statement, 3, values);
    double ms = (double) (zclock_usecs () - start) / 1000.0;
    if (!result)
        fprintf (stderr, "bench_report: %s: %s\n", statement, kp_db_message (db));
    PQclear (result);
    return result ? ms : -1;
}

//  The median of the runs, or -1 if any failed.
static double
s_median (bench_samples_t *runs)
{
    bool failed = bench_samples_percentile (runs, 0.0) < 0;
    double median = bench_samples_percentile (runs, 0.5);
    bench_samples_free (runs);
    return failed ? -1 : median;
}

int
main (int argc, char **argv)
{
    long clients = argc > 1 ? atol (argv [1]) : 0;
    int count = getenv ("BENCH_REPORT_RUNS") ? atoi (getenv ("BENCH_REPORT_RUNS")) : 3;
    if (count < 1 || count > 100)
        count = 3;
    zsys_init ();
    kp_config_t *config = kp_config_load (NULL);
    const char *admin = getenv ("KUMPPANI_DB_ADMIN_CONNINFO");
    if (!config || !admin) {
        fprintf (stderr, "bench_report: no configuration (source var/kumppani.env)\n");
        return 1;
    }
    char *server_cert = kp_config_service_cert_path (config, KP_SERVICE_REPORTING);
    kp_client_t *client = kp_client_new (config->endpoints [KP_SERVICE_REPORTING], server_cert,
                                         "var/certs/clients/muni-743.cert");
    kp_db_t *db = kp_db_new (admin, 5000);
    if (!client || !db || kp_db_register (db, s_statements)) {
        fprintf (stderr, "bench_report: cannot reach the reporting service or the database\n");
        return 1;
    }
    const struct { const char *report, *statement, *label; } reports [] = {
        { "participants", "bench_participants", "participants" },
        { "referral_sla", "bench_referral_sla", "referral_sla" }
    };
    int rc = 0;
    for (size_t index = 0; index < sizeof reports / sizeof reports [0]; index++) {
        bench_samples_t kumppani = { 0 }, sql = { 0 };
        for (int run = 0; run < count; run++) {
            bench_samples_add (&kumppani, s_run_report (client, reports [index].report));
            bench_samples_add (&sql, s_run_sql (db, reports [index].statement));
        }
        double kumppani_ms = s_median (&kumppani), sql_ms = s_median (&sql);
        if (kumppani_ms < 0 || sql_ms < 0)
            rc = 1;
        printf ("BENCH report report=%s clients=%ld kumppani_ms=%.1f sql_ms=%.1f ratio=%.2f\n",
                reports [index].label, clients, kumppani_ms, sql_ms,
                sql_ms > 0 ? kumppani_ms / sql_ms : 0);
    }
    kp_db_destroy (&db);
    kp_client_destroy (&client);
    free (server_cert);
    kp_config_destroy (&config);
    return rc;
}
