/*  bench_report — times the ESF participants report and the referral SLA
    report over the socket (RunReport as Seinäjoki's social services, for
    2025, on what bench/report_data.sql generated and, for the SLA, what the
    reporting service folded from bench_report_events' events) next to
    the best hand-written SQL for the same figures on the raw tables. Each
    is run BENCH_REPORT_RUNS times (default 3) and the median printed, with
    agree=yes when the report's published figures are the statement's:
    the "all" row of participants, every unsuppressed cell of the SLA.
    Talks to a running system (`make up`); prints, never asserts, but
    exits 1 when a report fails or the two disagree.

        bench_report CLIENTS [REPORT...]   (CLIENTS only labels the lines;
                                            REPORTs: only these) */
#include "bench_samples.h"
#include "kp_client.h"
#include "kp_config.h"
#include "kp_db.h"

#include <czmq.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BENCH_PERIOD_START "2025-01-01"
#define BENCH_PERIOD_END   "2025-12-31"
#define BENCH_MUNICIPALITY "743"

//  A Europe/Helsinki day's working-day number in bench.calendar (loaded
//  from kp_calendar by bench_calendar): working days in (a, b] are
//  WORKING (b) - WORKING (a), as kp_calendar_working_days_between counts.
#define HELSINKI_DAY(at) "((" at ") AT TIME ZONE 'Europe/Helsinki')::date"

//  The same figures in plain SQL, each in one statement: $1, $2 the period,
//  $3 the municipality.
static const kp_stmt_t s_statements [] = {
    { "bench_participants",
      "WITH person AS ("
      " SELECT DISTINCT ON (k.client_id) coalesce (s.gender::text, 'not_told') AS gender,"
      "  CASE WHEN s.age IS NULL THEN 'unknown' WHEN s.age < 18 THEN 'under_18'"
      "   WHEN s.age < 30 THEN '18_29' WHEN s.age < 55 THEN '30_54' ELSE '55_plus' END AS age_band,"
      "  coalesce (s.labour_market_status::text, 'unknown') AS labour,"
      "  coalesce (s.education_level::text, 'unknown') AS education, s.municipality"
      " FROM intake.cases k JOIN intake.participant_snapshots s ON s.case_id = k.case_id AND s.kind = 'start'"
      " WHERE " HELSINKI_DAY ("k.opened_at") " BETWEEN $1::date AND $2::date"
      " AND k.municipality = $3::text"
      " ORDER BY k.client_id, k.opened_at, k.case_id)"
      " SELECT gender, age_band, labour, education, municipality, count (*) FROM person"
      //  One grouping: every breakdown of the report is a sum over it.
      " GROUP BY gender, age_band, labour, education, municipality" },
    //  The SLA's columns in the report's order, its cells and then (the
    //  grouping set ()) its totals row. Acknowledged: the first move out
    //  of RECEIVED; the clock's state is referral.deadline_state today,
    //  the one definition Get, List and the reports share.
    { "bench_referral_sla",
      "WITH notice AS ("
      " SELECT r.municipality, to_char (r.received_on, 'YYYY-MM') AS month, r.kind,"
      "  received.working AS received_n, acked.working - received.working AS ack_days,"
      "  assessed.working - received.working AS assess_days,"
      "  referral.deadline_state (r.deadline, r.warning_on, r.clock_stopped_at, r.deadline_met,"
      "   " HELSINKI_DAY ("now ()") ") AS state"
      " FROM referral.referrals r"
      " JOIN bench.calendar received ON received.day = r.received_on"
      " LEFT JOIN LATERAL (SELECT min (h.at) AS at FROM referral.referral_history h"
      "   WHERE h.referral_id = r.referral_id AND h.from_state = 'received' AND h.to_state <> 'received') a ON true"
      " LEFT JOIN bench.calendar acked ON acked.day = " HELSINKI_DAY ("a.at")
      " LEFT JOIN bench.calendar assessed ON assessed.day = " HELSINKI_DAY ("r.assessment_started_at")
      " WHERE r.recipient_type = 'municipality' AND r.received_on BETWEEN $1::date AND $2::date"
      " AND r.municipality = $3::text)"
      " SELECT municipality, month, kind, count (*), count (ack_days),"
      " percentile_disc (0.5) WITHIN GROUP (ORDER BY ack_days),"
      " percentile_disc (0.9) WITHIN GROUP (ORDER BY ack_days), count (assess_days),"
      " percentile_disc (0.5) WITHIN GROUP (ORDER BY assess_days),"
      " percentile_disc (0.9) WITHIN GROUP (ORDER BY assess_days),"
      " count (*) FILTER (WHERE state = 'met'), count (*) FILTER (WHERE state IN ('overdue', 'missed')),"
      " (count (*) FILTER (WHERE state = 'met'))::float8"
      "   / nullif (count (*) FILTER (WHERE state IN ('overdue', 'met', 'missed')), 0)"
      " FROM notice GROUP BY GROUPING SETS ((municipality, month, kind), ())"
      " ORDER BY GROUPING (municipality, month, kind), municipality, month, kind" },
    { NULL }
};

//  ms for one RunReport; -1 if it was not answered OK. The reply goes to
//  *reply_p (the caller frees it).
static double
s_run_report (kp_client_t *client, const char *report, Kumppani__V1__Reply **reply_p)
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
    bool ok = reply && reply->status == KUMPPANI__V1__STATUS__STATUS_OK && reply->report_table;
    if (!ok)
        fprintf (stderr, "bench_report: %s: %s\n", report,
                 reply && reply->error ? reply->error->code : "no reply");
    *reply_p = reply;
    return ok ? ms : -1;
}

//  ms for the hand-written statement; -1 on a database error. The result
//  goes to *result_p (the caller clears it).
static double
s_run_sql (kp_db_t *db, const char *statement, PGresult **result_p)
{
    const char *values [] = { BENCH_PERIOD_START, BENCH_PERIOD_END, BENCH_MUNICIPALITY };
    int64_t start = zclock_usecs ();
    PGresult *result = kp_db_exec (db, statement, 3, values);
    double ms = (double) (zclock_usecs () - start) / 1000.0;
    if (!result)
        fprintf (stderr, "bench_report: %s: %s\n", statement, kp_db_message (db));
    *result_p = result;
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

//  A published cell's text; NULL when disclosure control hid it (then
//  there is nothing to compare) or the row is short.
static const char *
s_cell (const Kumppani__V1__ReportTable *table, size_t row, size_t column)
{
    if (row >= table->n_rows || column >= table->rows [row]->n_cells
    ||  table->rows [row]->cells [column]->suppressed)
        return NULL;
    return table->rows [row]->cells [column]->value;
}

static bool
s_differ (const char *report, size_t row, size_t column, const char *published, const char *computed)
{
    fprintf (stderr, "bench_report: %s row %zu column %zu: report %s, SQL %s\n",
             report, row, column, published ? published : "(missing)", computed);
    return false;
}

//  A column's index by name, -1 if the table has none.
static int
s_column (const Kumppani__V1__ReportTable *table, const char *name)
{
    for (size_t column = 0; column < table->n_columns; column++)
        if (strcmp (table->columns [column], name) == 0)
            return (int) column;
    return -1;
}

//  Participants: the start block's row of everyone (dimension "all"), by
//  gender and in total; the statement's groups add up to it.
static bool
s_participants_agree (const Kumppani__V1__ReportTable *table, PGresult *sql)
{
    static const char *const columns [] = { "woman", "man", "non_binary", "not_told", "total" };
    enum { GENDERS = 4 };
    long long expected [GENDERS + 1] = { 0 };           //  per gender, then the total
    for (int row = 0; row < PQntuples (sql); row++) {
        long long people = atoll (PQgetvalue (sql, row, 5));
        for (int gender = 0; gender < GENDERS; gender++)
            if (strcmp (PQgetvalue (sql, row, 0), columns [gender]) == 0)
                expected [gender] += people;
        expected [GENDERS] += people;
    }
    int dimension = s_column (table, "dimension"), snapshot = s_column (table, "snapshot");
    size_t everyone = table->n_rows;
    for (size_t row = 0; row < table->n_rows && everyone == table->n_rows && dimension >= 0; row++) {
        const char *kind = s_cell (table, row, (size_t) dimension);
        const char *block = snapshot >= 0 ? s_cell (table, row, (size_t) snapshot) : "start";
        if (kind && block && strcmp (kind, "all") == 0 && strcmp (block, "start") == 0)
            everyone = row;
    }
    if (everyone == table->n_rows)
        return s_differ ("participants", 0, 0, NULL, "a start row of everyone");
    for (size_t index = 0; index <= GENDERS; index++) {
        int column = s_column (table, columns [index]);
        const char *published = column >= 0 ? s_cell (table, everyone, (size_t) column) : NULL;
        char computed [24];
        snprintf (computed, sizeof computed, "%lld", expected [index]);
        if (published && strcmp (published, computed))
            return s_differ ("participants", everyone, (size_t) column, published, computed);
    }
    return true;
}

//  The SLA: row for row (cells, then the totals row the statement's empty
//  grouping set makes), every published figure. Kind is a name in the
//  report and a number here, so its column is not compared; the share
//  is a ratio printed to two decimals, so equal within rounding.
static bool
s_sla_agree (const Kumppani__V1__ReportTable *table, PGresult *sql)
{
    enum { COL_KIND = 2, COL_SHARE = 12, COLUMNS = 13 };
    if (table->n_rows != (size_t) PQntuples (sql)) {
        char rows [24];
        snprintf (rows, sizeof rows, "%d rows", PQntuples (sql));
        return s_differ ("referral_sla", table->n_rows, 0, "another row count", rows);
    }
    for (size_t row = 0; row < table->n_rows; row++) {
        bool totals = PQgetisnull (sql, (int) row, 0);
        for (size_t column = 0; column < COLUMNS; column++) {
            const char *published = s_cell (table, row, column);
            const char *computed = totals && column <= COL_KIND ? "all" : PQgetvalue (sql, (int) row, (int) column);
            if (!published || (column == COL_KIND && !totals))
                continue;
            bool same = column == COL_SHARE && *published && *computed
                      ? fabs (atof (published) - atof (computed)) < 0.0051
                      : strcmp (published, computed) == 0;
            if (!same)
                return s_differ ("referral_sla", row, column, published, computed);
        }
    }
    return true;
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
    const struct {
        const char *report, *statement;
        bool (*agree) (const Kumppani__V1__ReportTable *, PGresult *);
    } reports [] = {
        { "participants", "bench_participants", s_participants_agree },
        { "referral_sla", "bench_referral_sla", s_sla_agree }
    };
    int rc = 0;
    for (size_t index = 0; index < sizeof reports / sizeof reports [0]; index++) {
        //  Reports named after CLIENTS: only those (the SLA needs the folded events).
        bool wanted = argc <= 2;
        for (int arg = 2; arg < argc; arg++)
            wanted |= strcmp (argv [arg], reports [index].report) == 0;
        if (!wanted)
            continue;
        bench_samples_t kumppani = { 0 }, sql = { 0 };
        Kumppani__V1__Reply *reply = NULL;
        PGresult *result = NULL;
        for (int run = 0; run < count; run++) {
            //  Keep the last run's answers for the comparison.
            if (reply)
                kumppani__v1__reply__free_unpacked (reply, NULL);
            PQclear (result);
            bench_samples_add (&kumppani, s_run_report (client, reports [index].report, &reply));
            bench_samples_add (&sql, s_run_sql (db, reports [index].statement, &result));
        }
        double kumppani_ms = s_median (&kumppani), sql_ms = s_median (&sql);
        bool agree = kumppani_ms >= 0 && sql_ms >= 0 && reports [index].agree (reply->report_table, result);
        if (!agree)
            rc = 1;
        printf ("BENCH report report=%s clients=%ld kumppani_ms=%.1f sql_ms=%.1f ratio=%.2f agree=%s\n",
                reports [index].report, clients, kumppani_ms, sql_ms,
                sql_ms > 0 ? kumppani_ms / sql_ms : 0, agree ? "yes" : "no");
        if (reply)
            kumppani__v1__reply__free_unpacked (reply, NULL);
        PQclear (result);
    }
    kp_db_destroy (&db);
    kp_client_destroy (&client);
    free (server_cert);
    kp_config_destroy (&config);
    return rc;
}
