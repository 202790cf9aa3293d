/*  The rollup consumer's set-based fold (reporting_fold) against its
    per-event fold (reporting_rollup_fold, what the handler and the
    rebuild run), on the real rollup tables as the reporting role: the
    same events, several of each referral in one batch and interleaved
    with others', folded one way into the live copy and the other into
    the rebuilt copy, leave the same rows. All in one transaction rolled
    back at the end, so the shared cluster keeps nothing. The module is
    compiled in here, as the unit tests do. */
#include "harness.h"
#include "../../services/reporting/reporting_rollup.c"
#include "../../services/reporting/reporting_fold.c"
#include "../../services/reporting/reporting_rollup_sql.c"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

TestSuite (reporting_fold, .init = kpt_setup, .fini = kpt_teardown, .timeout = 120);

#define FOLD_EVENTS 400
#define S_ST(name) KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_ ## name

typedef struct {
    Kumppani__V1__ReferralEvent payload;
    Kumppani__V1__Event event;
    char id [48], deadline [16];
} s_event_t;

//  One event of referral number, the step-th of its life (by number % 5,
//  five lives: acknowledged then started, held and resumed, breached,
//  a partner's accepted with an outcome, declined; each received twice,
//  as a redelivery would).
static bool
s_make (s_event_t *out, int number, int step)
{
    static const struct { const char *topic; int previous, state; unsigned held; bool dated; } lives [5][6] = {
        { { "referral.received", 0, S_ST (RECEIVED), 0, true }, { "referral.received", 0, S_ST (RECEIVED), 0, true },
          { "referral.acknowledged", S_ST (RECEIVED), S_ST (ACKNOWLEDGED), 0, true },
          { "referral.status_changed", S_ST (ACKNOWLEDGED), S_ST (ASSESSMENT_STARTED), 0, false },
          { "referral.chain_updated", S_ST (ACKNOWLEDGED), S_ST (ASSESSMENT_STARTED), 0, false } },
        { { "referral.received", 0, S_ST (RECEIVED), 0, true },
          { "referral.held", S_ST (RECEIVED), S_ST (ON_HOLD), 0, true },
          { "referral.resumed", S_ST (ON_HOLD), S_ST (RECEIVED), 3, true },
          { "referral.received", 0, S_ST (RECEIVED), 0, true },
          { "referral.status_changed", S_ST (RECEIVED), S_ST (ASSESSMENT_STARTED), 3, false } },
        { { "referral.received", 0, S_ST (RECEIVED), 0, true },
          { "referral.deadline_warning", S_ST (RECEIVED), S_ST (RECEIVED), 0, true },
          { "referral.deadline_breached", S_ST (RECEIVED), S_ST (RECEIVED), 0, true },
          { "referral.acknowledged", S_ST (RECEIVED), S_ST (ACKNOWLEDGED), 0, true },
          { "referral.received", 0, S_ST (RECEIVED), 0, true } },
        { { "referral.received", 0, S_ST (RECEIVED), 0, false },
          { "referral.accepted", S_ST (RECEIVED), S_ST (ACCEPTED), 0, false },
          { "referral.outcome_recorded", S_ST (ACCEPTED), S_ST (ACCEPTED), 0, false },
          { "referral.declined", S_ST (ACCEPTED), S_ST (DECLINED), 0, false } },
        { { "referral.received", 0, S_ST (RECEIVED), 0, true },
          { "referral.declined", S_ST (RECEIVED), S_ST (DECLINED), 0, false } },
    };
    int life = number % 5;
    if (step >= 6 || !lives [life][step].topic)
        return false;
    Kumppani__V1__ReferralEvent init = KUMPPANI__V1__REFERRAL_EVENT__INIT;
    out->payload = init;
    snprintf (out->id, sizeof out->id, "foldtest-%d-%d", (int) getpid (), number);
    //  The resume moves the deadline by the held days.
    snprintf (out->deadline, sizeof out->deadline, "%s", lives [life][step].held ? "2024-03-13" : "2024-03-10");
    out->payload.referral_id = out->id;
    out->payload.kind = life == 3 ? KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_PARTNER
                                  : KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_SOCIAL_WORK_NEED;
    out->payload.recipient_type = life == 3 ? "ngo" : "municipality";
    out->payload.municipality = number % 2 ? "743" : "091";
    out->payload.sender_org = "kela";
    out->payload.previous_state = lives [life][step].previous;
    out->payload.state = lives [life][step].state;
    out->payload.held_working_days = lives [life][step].held;
    out->payload.deadline = lives [life][step].dated ? out->deadline : "";
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    out->event = event;
    out->event.topic = (char *) lives [life][step].topic;
    out->event.aggregate_id = out->id;
    //  A day apart, so each fact's day says which event set it.
    out->event.occurred_at = (1709251200LL + 86400LL * step) * 1000000LL;
    out->event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_REFERRAL;
    out->event.referral = &out->payload;
    return true;
}

static long long
s_count (PGconn *conn, const char *sql)
{
    PGresult *result = PQexec (conn, sql);
    cr_assert_eq (PQresultStatus (result), PGRES_TUPLES_OK, "%s: %s", sql, PQresultErrorMessage (result));
    long long value = atoll (PQgetvalue (result, 0, 0));
    PQclear (result);
    return value;
}

Test (reporting_fold, a_batch_folded_set_based_leaves_the_rows_the_per_event_fold_leaves)
{
    //  Events interleaved: step 0 of every referral, then step 1, …; a
    //  poison one (a notice without its municipality) in the middle.
    static s_event_t events [FOLD_EVENTS + 1];
    Kumppani__V1__Event *batch [FOLD_EVENTS + 1];
    size_t count = 0;
    for (int step = 0; step < 6; step++)
        for (int number = 0; number < 60 && count < FOLD_EVENTS; number++)
            if (s_make (&events [count], number, step)) {
                batch [count] = &events [count].event;
                count++;
            }
    s_event_t *poison = &events [count];
    cr_assert (s_make (poison, 60, 0));
    poison->payload.municipality = "";
    memmove (batch + count / 2 + 1, batch + count / 2, (count - count / 2) * sizeof batch [0]);
    batch [count / 2] = &poison->event;
    count++;

    char conninfo [1024];
    snprintf (conninfo, sizeof conninfo, "%s user=reporting", getenv ("KUMPPANI_TEST_CONNINFO"));
    kp_db_t *db = kp_db_new (conninfo, 2000);
    cr_assert_not_null (db);
    cr_assert_eq (kp_db_register (db, reporting_rollup_statements), 0);
    cr_assert_eq (kp_db_register (db, reporting_fold_statements), 0);
    cr_assert_eq (kp_db_begin (db), 0);
    //  Per event into the rebuilt copy, as the handler would.
    int poisoned = 0;
    for (size_t index = 0; index < count; index++) {
        char error [256];
        int outcome = reporting_rollup_fold (db, REPORTING_ROLLUP_REBUILT, batch [index], error, sizeof error);
        cr_assert (outcome == 0 || outcome == -2, "%s: %s", batch [index]->topic, kp_db_message (db));
        poisoned += outcome == -2;
    }
    cr_assert_eq (poisoned, 1);
    //  The whole batch set-based into the live copy: all claimed but the poison.
    bool done [FOLD_EVENTS + 1] = { false };
    cr_assert_eq (reporting_fold_on_batch (db, batch, count, done, NULL), 0, "%s", kp_db_message (db));
    for (size_t index = 0; index < count; index++)
        cr_assert_eq (done [index], batch [index] != &poison->event, "event %zu (%s)", index, batch [index]->topic);

    PGconn *conn = kp_db_conn (db);
    char sql [1024], like [64];
    snprintf (like, sizeof like, "foldtest-%d-%%", (int) getpid ());
    const char *tables [] = { "referral_notices", "referral_responses" };
    for (size_t table = 0; table < 2; table++) {
        snprintf (sql, sizeof sql,
                  "WITH l AS (SELECT to_jsonb (t) - 'copy' AS r FROM reporting.%s t WHERE copy = 'live'"
                  "  AND referral_id LIKE '%s'),"
                  " b AS (SELECT to_jsonb (t) - 'copy' AS r FROM reporting.%s t WHERE copy = 'rebuilt'"
                  "  AND referral_id LIKE '%s')"
                  " SELECT (SELECT count (*) FROM ((SELECT r FROM l EXCEPT ALL SELECT r FROM b)"
                  "  UNION ALL (SELECT r FROM b EXCEPT ALL SELECT r FROM l)) d)",
                  tables [table], like, tables [table], like);
        cr_assert_eq (s_count (conn, sql), 0, "%s differ between the two folds", tables [table]);
    }
    //  And they are not empty or all-NULL: every fact the lives set is there.
    snprintf (sql, sizeof sql, "SELECT count (*) FILTER (WHERE acknowledged_on IS NOT NULL) * 1000000"
              " + count (*) FILTER (WHERE assessment_started_on IS NOT NULL) * 10000"
              " + count (*) FILTER (WHERE breach_notified) * 100 + count (*) FILTER (WHERE held_working_days = 3)"
              " FROM reporting.referral_notices WHERE copy = 'live' AND referral_id LIKE '%s'", like);
    //  Of 48 notices (60 referrals less the 12 partner ones) all are
    //  acknowledged (a first move out of received: acknowledged, held,
    //  declined), 24 started (lives 0 and 1), 12 breached, 12 held 3 days.
    cr_assert_eq (s_count (conn, sql), 48LL * 1000000 + 24LL * 10000 + 12LL * 100 + 12);
    snprintf (sql, sizeof sql, "SELECT count (*) FILTER (WHERE answer = 'accepted' AND outcome_on IS NOT NULL) * 100"
              " + count (*) FILTER (WHERE answer = 'declined') FROM reporting.referral_responses"
              " WHERE copy = 'live' AND referral_id LIKE '%s'", like);
    //  The partners' first answer stays (accepted, not the later decline).
    cr_assert_eq (s_count (conn, sql), 12LL * 100 + 12);
    kp_db_rollback (db);
    kp_db_destroy (&db);
}
