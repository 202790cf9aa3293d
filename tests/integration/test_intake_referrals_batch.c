/*  Intake's referral consumer opening a backlog of Kela notices in one
    batch (intake_referrals_batch.c: the notices about persons it does
    not know yet open their clients and cases set-based): every notice
    gets its client, case, start snapshot, assessment clock, link, audit
    row and events as the handler gives them; a poison notice in the
    same batch is parked and the others still open; two notices about
    one person in the batch give one client and one case with both
    referrals; a notice about a known client joins that client's case.

    The backlog is made while intake is stopped, so it meets the notices
    as one page behind the head: the batched path, not one at a time. */
#include "harness.h"

#include <criterion/criterion.h>
#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TestSuite (intake_referrals_batch, .init = kpt_setup, .fini = kpt_teardown, .timeout = 180);

#define NOTICES 6

//  A valid henkilötunnus no other test uses: born 2.2.1991, an
//  individual number from the pid and a salt, the check character mod 31.
static void
s_unique_hetu (char *hetu, int salt)        //  16 bytes
{
    int number = 2 + (int) ((getpid () * 7 + salt) % 897);
    long long digits = 20291LL * 1000 + number;           //  020291NNN
    snprintf (hetu, 16, "020291-%03d%c", number, "0123456789ABCDEFHJKLMNPRSTUVWXY" [digits % 31]);
}

//  Kela's notice about hetu to Seinäjoki; its id into referral_id (64).
static void
s_kela_notice (const char *hetu, char *referral_id)
{
    Kumppani__V1__SubmitReferral notice = KUMPPANI__V1__SUBMIT_REFERRAL__INIT;
    notice.kind = KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_SOCIAL_WORK_NEED;
    notice.recipient_org = "muni-743";
    notice.recipient_type = "municipality";
    notice.municipality = "743";
    notice.hetu = (char *) hetu;
    notice.reason_category = KUMPPANI__V1__REASON_CATEGORY__REASON_CATEGORY_LIFE_MANAGEMENT;
    notice.legal_basis = KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CLIENT_REQUEST;
    notice.consent_ref = "";
    notice.free_text = "";
    kp_client_t *client = kpt_client ("referral", "kela");
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, KUMPPANI__V1__ROLE__ROLE_KELA_OFFICER, true);
    request.body_case = KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL;
    request.submit_referral = &notice;
    Kumppani__V1__Reply *reply = kpt_call (client, &request);
    kp_client_destroy (&client);
    cr_assert_not_null (reply);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK, "%s", reply->error ? reply->error->code : "");
    snprintf (referral_id, 64, "%s", reply->referral->referral->referral_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

//  Starts intake and waits (bounded) for its referral cursor to reach head.
static void
s_intake_catches_up (long long head)
{
    const char *fast [] = { "KUMPPANI_POLL_MS=100", NULL };
    kpt_service_start ("intake", fast);
    char head_text [24];
    snprintf (head_text, sizeof head_text, "%lld", head);
    for (int attempt = 0; attempt < 600 && kpt_scalar ("SELECT count(*) FROM kp.consumer_cursors"
         " WHERE consumer = 'intake.referrals' AND last_seq >= $1::int8", head_text) < 1; attempt++)
        zclock_sleep (100);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.consumer_cursors"
                              " WHERE consumer = 'intake.referrals' AND last_seq >= $1::int8", head_text), 1,
                  "intake did not reach the backlog's end");
}

static long long
s_of (const char *sql, const char *referral_id)
{
    return kpt_scalar (sql, referral_id);
}

Test (intake_referrals_batch, a_backlog_opens_every_case_and_parks_only_the_poison)
{
    kpt_service_start ("stream", NULL);
    kpt_service_start ("referral", NULL);
    kpt_service_stop ("intake");
    char hetu [NOTICES][16], ids [NOTICES + 1][64];
    for (int index = 0; index < NOTICES; index++)
        s_unique_hetu (hetu [index], index * 11);
    //  Notice 0 is about a client intake knows already (an open case of
    //  its own, from an earlier notice); 4 and 5 are about one person.
    s_kela_notice (hetu [0], ids [0]);
    long long parked_before = kpt_scalar ("SELECT count(*) FROM kp.parked_events"
                                          " WHERE consumer = 'intake.referrals'", NULL);
    long long first = kpt_scalar ("SELECT last_seq FROM kp.event_counter", NULL);
    s_intake_catches_up (first);
    kpt_service_stop ("intake");
    cr_assert_eq (s_of ("SELECT count(*) FROM intake.case_referrals WHERE referral_id = $1", ids [0]), 1);

    s_kela_notice (hetu [0], ids [1]);               //  known person: joins the open case
    s_kela_notice (hetu [1], ids [2]);
    long long poison = kpt_append_unknown_referral ("no-such-batch-referral");
    s_kela_notice (hetu [2], ids [3]);
    s_kela_notice (hetu [3], ids [4]);
    s_kela_notice (hetu [4], ids [5]);
    s_kela_notice (hetu [4], ids [6]);               //  the same person again, in the batch
    s_intake_catches_up (kpt_scalar ("SELECT last_seq FROM kp.event_counter", NULL));

    //  Every notice has its case; the poison alone is parked.
    for (int index = 1; index <= NOTICES; index++)
        cr_assert_eq (s_of ("SELECT count(*) FROM intake.case_referrals WHERE referral_id = $1", ids [index]), 1,
                      "notice %d has no case", index);
    char poison_text [24];
    snprintf (poison_text, sizeof poison_text, "%lld", poison);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.parked_events WHERE consumer = 'intake.referrals'"
                              " AND seq = $1::int8", poison_text), 1);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.parked_events WHERE consumer = 'intake.referrals'", NULL),
                  parked_before + 1, "only the poison notice may be parked");

    //  The known person's notice joined the case of the first; the two
    //  notices about one person share one client and one case.
    char pair [400];
    snprintf (pair, sizeof pair, "{%s,%s}", ids [0], ids [1]);
    cr_assert_eq (kpt_scalar ("SELECT count(DISTINCT case_id) FROM intake.case_referrals"
                              " WHERE referral_id = ANY ($1::text[])", pair), 1, "the known client got a second case");
    snprintf (pair, sizeof pair, "{%s,%s}", ids [5], ids [6]);
    cr_assert_eq (kpt_scalar ("SELECT count(DISTINCT case_id) FROM intake.case_referrals"
                              " WHERE referral_id = ANY ($1::text[])", pair), 1, "one person got two cases");

    //  What each new case carries, as the handler writes it: a client of
    //  muni-743 with the birth date of the henkilötunnus (2.2.1991), a
    //  Kela notice channel, the start snapshot, the clock from the
    //  notice's receipt (7 working days), the audit row and the events.
    for (int index = 2; index <= NOTICES; index++) {
        const char *id = ids [index];
        cr_assert_eq (s_of ("SELECT count(*) FROM intake.case_referrals r JOIN intake.cases c USING (case_id)"
                            " JOIN intake.clients k ON k.client_id = c.client_id"
                            " WHERE r.referral_id = $1 AND c.channel = 'kela_notice' AND c.municipality = '743'"
                            " AND k.birth_date = date '1991-02-02' AND k.birth_year = 1991"
                            " AND k.hetu_hash IS NOT NULL AND k.created_by_org = 'kela'"
                            " AND c.opened_by_org = 'kela'", id), 1, "notice %d: case or client as not expected", index);
        cr_assert_eq (s_of ("SELECT count(*) FROM intake.case_referrals r"
                            " JOIN intake.participant_snapshots s ON s.case_id = r.case_id AND s.kind = 'start'"
                            " WHERE r.referral_id = $1", id), 1, "notice %d: no start snapshot", index);
        //  Its ESF attributes, written once per batch (migration 0041's trigger).
        cr_assert_eq (s_of ("SELECT count(*) FROM intake.case_referrals r"
                            " JOIN intake.esf_snapshots e ON e.case_id = r.case_id AND e.kind = 'start'"
                            " WHERE r.referral_id = $1 AND NOT e.backfilled", id), 1,
                      "notice %d: no ESF start snapshot", index);
        cr_assert_eq (s_of ("SELECT count(*) FROM intake.case_referrals r"
                            " JOIN intake.case_clocks cl ON cl.case_id = r.case_id"
                            " JOIN referral.referrals f ON f.referral_id = r.referral_id"
                            " WHERE r.referral_id = $1 AND cl.pending_on = f.received_on AND cl.working_days = 7"
                            " AND cl.warning_on < cl.deadline", id), 1,
                      "notice %d: the clock is not the notice's", index);
        cr_assert_eq (s_of ("SELECT count(*) FROM kp.audit_log WHERE action = 'intake.referral_received'"
                            " AND detail = $1", id), 1, "notice %d: no audit row", index);
        cr_assert_eq (s_of ("SELECT count(*) FROM kp.events e JOIN intake.case_referrals r ON r.case_id = e.aggregate_id"
                            " WHERE r.referral_id = $1 AND e.topic = 'intake.case_opened'",
                            id), 1, "notice %d: its case not opened once", index);
    }
    //  The two that joined a case say so.
    snprintf (pair, sizeof pair, "{%s,%s}", ids [1], ids [6]);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.events e WHERE e.topic = 'intake.referral_linked'"
                              " AND e.aggregate_id IN (SELECT case_id FROM intake.case_referrals"
                              " WHERE referral_id = ANY ($1::text[]))", pair), 2);
    //  One client_registered per new person (four), none for the known one.
    snprintf (pair, sizeof pair, "{%s,%s,%s,%s,%s}", ids [2], ids [3], ids [4], ids [5], ids [6]);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.events e WHERE e.topic = 'intake.client_registered'"
                              " AND e.aggregate_id IN (SELECT c.client_id FROM intake.case_referrals r"
                              " JOIN intake.cases c USING (case_id) WHERE r.referral_id = ANY ($1::text[]))", pair), 4);
}

//  Migration 0040: the source lookup of a batch is estimated at one row a
//  notice (it was 1000, so a batch of 200 looked like 200,000 rows and was
//  JIT-compiled, some 240 ms a batch), and the services' connections run
//  without JIT.
Test (intake_referrals_batch, a_batch_source_lookup_is_planned_as_one_row_a_notice)
{
    const char *services [] = { "intake", "referral", "groups", "stream" };
    for (size_t index = 0; index < sizeof services / sizeof services [0]; index++) {
        PGconn *conn = kpt_connect_as (services [index]);
        PGresult *jit = PQexec (conn, "SHOW jit");
        cr_assert_eq (PQresultStatus (jit), PGRES_TUPLES_OK);
        cr_assert_str_eq (PQgetvalue (jit, 0, 0), "off", "%s runs with JIT", services [index]);
        PQclear (jit);
        PQfinish (conn);
    }
    PGconn *conn = kpt_connect_as ("intake");
    PGresult *plan = PQexec (conn, "EXPLAIN (FORMAT JSON) SELECT r.* FROM unnest"
                                   " (array (SELECT 'r' || n FROM generate_series (1, 200) n)) AS u (id)"
                                   " CROSS JOIN LATERAL intake.referral_source (u.id) r");
    cr_assert_eq (PQresultStatus (plan), PGRES_TUPLES_OK, "%s", PQerrorMessage (conn));
    const char *rows = strstr (PQgetvalue (plan, 0, 0), "\"Plan Rows\": ");
    cr_assert_not_null (rows);
    long estimate = atol (rows + strlen ("\"Plan Rows\": "));
    cr_assert_leq (estimate, 1000, "200 notices' sources estimated at %ld rows", estimate);
    PQclear (plan);
    PQfinish (conn);
}
