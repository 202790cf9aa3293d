/*  kp_txn on its own, against the test cluster (it needs PostgreSQL, so it
    lives where scripts/test.sh provides one; no service runs): a batch of
    writes commits on the fast path, a refusal in it sends the batch the
    careful way (each call behind its savepoint, the others keep their
    answer and effect), a retried key replays its stored reply, a key used
    for another request is a conflict, and the three ways a handler fails
    are answered as kp_txn.h says. Calls are built by hand as kp_server
    would; the handler writes a probe row tagged by the request. */
#include "harness.h"
#include "kp_codec.h"
#include "kp_ids.h"
#include "kp_idem.h"
#include "kp_txn.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_BATCH 3

static kp_db_t *s_db;
static int s_runs;                  //  handler invocations in this test
static char s_org [KP_ID_LEN + 1];  //  each test its own organisation

static const kp_stmt_t s_probe_statements [] = {
    { "kpt_probe_insert", "INSERT INTO groups.kpt_txn_probe (org_id, tag) VALUES ($1::text, $2::text)" },
    { NULL }
};

static void
s_admin_sql (const char *sql)
{
    PGresult *result = PQexec (kpt_admin (), sql);
    cr_assert (PQresultStatus (result) == PGRES_COMMAND_OK, "%s: %s", sql, PQresultErrorMessage (result));
    PQclear (result);
}

static void
s_init (void)
{
    s_admin_sql ("CREATE TABLE IF NOT EXISTS groups.kpt_txn_probe (org_id text NOT NULL, tag text NOT NULL)");
    s_admin_sql ("GRANT SELECT, INSERT ON groups.kpt_txn_probe TO groups");
    char conninfo [1024];
    const char *base = getenv ("KUMPPANI_TEST_CONNINFO");
    cr_assert (base && *base, "run through scripts/test.sh integration");
    snprintf (conninfo, sizeof conninfo, "%s user=groups", base);
    s_db = kp_db_new (conninfo, 2000);
    cr_assert_not_null (s_db);
    cr_assert_eq (kp_db_register (s_db, kp_idem_statements), 0);
    cr_assert_eq (kp_db_register (s_db, s_probe_statements), 0);
    kp_id_new (s_org);
    s_runs = 0;
}

static void
s_fini (void)
{
    kp_db_destroy (&s_db);
    kpt_admin_close ();
}

TestSuite (kp_txn, .init = s_init, .fini = s_fini, .timeout = 30);

//  The tag says what the handler does: "ok:…" writes and succeeds,
//  "refuse:…" writes and refuses INVALID, "db:…" runs a failing statement
//  and returns -1, "silent:…" returns -1 with nothing failed.
static int
s_handler (kp_call_t *call)
{
    s_runs++;
    const char *tag = call->request->run_report->report;
    if (strncmp (tag, "silent:", 7) == 0)
        return -1;
    if (strncmp (tag, "db:", 3) == 0) {
        //  42704 (undefined object): an error, not a data error (22xxx
        //  would be answered INVALID, a domain outcome, and stored).
        kp_db_command (call->db, "SELECT current_setting ('kpt.no_such_setting')");
        return -1;
    }
    const char *values [] = { call->identity->org_id, tag };
    if (kp_db_run (call->db, "kpt_probe_insert", 2, values))
        return kp_call_db_fail (call);
    if (strncmp (tag, "refuse:", 7) == 0)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "test.refused", "run_report.report",
                             "refused");
    return 0;
}

static const kp_route_t s_route = {
    KUMPPANI__V1__REQUEST__BODY_RUN_REPORT, "test.write", KP_ROUTE_MUTATING, NULL, s_handler, NULL
};

//  One call as kp_server builds it; s_call_free undoes it.
typedef struct {
    kp_call_t call;
    kp_identity_t identity;
    Kumppani__V1__Request request;
    Kumppani__V1__RunReport body;
    Kumppani__V1__Reply reply;
    char key [KP_ID_LEN + 1];
    char correlation [KP_ID_LEN + 1];
    char tag [64];
} s_call_t;

static void
s_call_init (s_call_t *self, const char *key, const char *tag)
{
    memset (self, 0, sizeof *self);
    snprintf (self->identity.org_id, sizeof self->identity.org_id, "%s", s_org);
    snprintf (self->identity.org_type, sizeof self->identity.org_type, "ngo");
    snprintf (self->key, sizeof self->key, "%s", key);
    snprintf (self->tag, sizeof self->tag, "%s", tag);
    kp_id_new (self->correlation);
    kumppani__v1__request__init (&self->request);
    kumppani__v1__run_report__init (&self->body);
    self->body.report = self->tag;
    self->request.correlation_id = self->correlation;
    self->request.idempotency_key = self->key;
    self->request.body_case = KUMPPANI__V1__REQUEST__BODY_RUN_REPORT;
    self->request.run_report = &self->body;
    kumppani__v1__reply__init (&self->reply);
    self->call = (kp_call_t) {
        .db = s_db, .identity = &self->identity, .request = &self->request, .reply = &self->reply,
        .operation = s_route.operation, .route = &s_route
    };
    kp_call_reset_reply (&self->call);
}

static void
s_call_free (s_call_t *self)
{
    free (self->call.packed);
    self->call.packed = NULL;
    kp_call_arena_free (&self->call);
}

//  The answer a call got: the packed reply when there is one, else the
//  reply it failed with. Caller frees with kumppani__v1__reply__free_unpacked
//  when *unpacked.
static Kumppani__V1__Status
s_status (s_call_t *self, char *code, size_t size)
{
    Kumppani__V1__Reply *reply = &self->reply;
    Kumppani__V1__Reply *unpacked = NULL;
    if (self->call.packed) {
        unpacked = kumppani__v1__reply__unpack (NULL, self->call.packed_size, self->call.packed);
        cr_assert_not_null (unpacked);
        cr_assert_str_eq (unpacked->correlation_id, self->correlation, "a reply for another request");
        reply = unpacked;
    }
    snprintf (code, size, "%s", reply->error ? reply->error->code : "");
    Kumppani__V1__Status status = reply->status;
    if (unpacked)
        kumppani__v1__reply__free_unpacked (unpacked, NULL);
    return status;
}

static long long
s_probes (const char *tag)
{
    char sql [256];
    snprintf (sql, sizeof sql, "SELECT count(*) FROM groups.kpt_txn_probe WHERE org_id = '%s' AND tag = $1", s_org);
    return kpt_scalar (sql, tag);
}

static long long
s_stored (void)
{
    char sql [256];
    snprintf (sql, sizeof sql, "SELECT count(*) FROM kp.idempotency WHERE org_id = $1 AND service = 'groups'");
    return kpt_scalar (sql, s_org);
}

static void
s_run (s_call_t *calls, size_t count)
{
    kp_call_t *pointers [S_BATCH];
    cr_assert_leq (count, S_BATCH);
    for (size_t index = 0; index < count; index++)
        pointers [index] = &calls [index].call;
    kp_txn_run_writes (pointers, count);
}

//  S_BATCH calls, one a tag, each under a fresh key (kept in keys), run
//  as one group commit.
static void
s_run_batch (s_call_t *calls, const char *const *tags, char (*keys) [KP_ID_LEN + 1])
{
    for (size_t index = 0; index < S_BATCH; index++) {
        kp_id_new (keys [index]);
        s_call_init (&calls [index], keys [index], tags [index]);
    }
    s_run (calls, S_BATCH);
}

Test (kp_txn, a_batch_that_succeeds_commits_on_the_fast_path)
{
    s_call_t calls [S_BATCH];
    const char *tags [] = { "ok:a", "ok:b", "ok:c" };
    char keys [S_BATCH][KP_ID_LEN + 1];
    s_run_batch (calls, tags, keys);
    //  Each handler ran once: no second, careful run.
    cr_assert_eq (s_runs, S_BATCH);
    char code [64];
    for (size_t index = 0; index < S_BATCH; index++) {
        cr_assert_eq (s_status (&calls [index], code, sizeof code), KUMPPANI__V1__STATUS__STATUS_OK);
        cr_assert_eq (s_probes (tags [index]), 1);
        s_call_free (&calls [index]);
    }
    cr_assert_eq (s_stored (), S_BATCH);
}

Test (kp_txn, a_refusal_sends_the_batch_the_careful_way_and_costs_the_others_nothing)
{
    s_call_t calls [S_BATCH];
    const char *tags [] = { "ok:a", "refuse:b", "ok:c" };
    char keys [S_BATCH][KP_ID_LEN + 1];
    s_run_batch (calls, tags, keys);
    //  The fast path ran a and b (and stopped at b's refusal, rolled back);
    //  the careful way ran all three behind their savepoints.
    cr_assert_eq (s_runs, 2 + S_BATCH);
    char code [64];
    cr_assert_eq (s_status (&calls [0], code, sizeof code), KUMPPANI__V1__STATUS__STATUS_OK);
    cr_assert_eq (s_status (&calls [1], code, sizeof code), KUMPPANI__V1__STATUS__STATUS_INVALID);
    cr_assert_str_eq (code, "test.refused");
    cr_assert_eq (s_status (&calls [2], code, sizeof code), KUMPPANI__V1__STATUS__STATUS_OK);
    //  b's write went with its savepoint; a's and c's stayed, once each.
    cr_assert_eq (s_probes ("ok:a"), 1);
    cr_assert_eq (s_probes ("refuse:b"), 0);
    cr_assert_eq (s_probes ("ok:c"), 1);
    //  The refusal is stored with its key too: a retry sees it again.
    cr_assert_eq (s_stored (), S_BATCH);
    for (size_t index = 0; index < S_BATCH; index++)
        s_call_free (&calls [index]);
}

Test (kp_txn, a_retried_key_replays_its_reply_and_another_request_under_it_conflicts)
{
    char key [KP_ID_LEN + 1];
    kp_id_new (key);
    s_call_t first, retry, other;
    s_call_init (&first, key, "ok:first");
    s_run (&first, 1);
    cr_assert_eq (s_runs, 1);
    char code [64];
    cr_assert_eq (s_status (&first, code, sizeof code), KUMPPANI__V1__STATUS__STATUS_OK);

    //  The same request again: the stored reply, with the retry's own
    //  correlation id, and the handler does not run.
    s_call_init (&retry, key, "ok:first");
    s_run (&retry, 1);
    cr_assert_eq (s_runs, 1, "the handler ran again for a retried key");
    cr_assert_eq (s_status (&retry, code, sizeof code), KUMPPANI__V1__STATUS__STATUS_OK);
    cr_assert_eq (s_probes ("ok:first"), 1);

    //  Another request under the same key.
    s_call_init (&other, key, "ok:other");
    s_run (&other, 1);
    cr_assert_eq (s_runs, 1);
    cr_assert_eq (s_status (&other, code, sizeof code), KUMPPANI__V1__STATUS__STATUS_CONFLICT);
    cr_assert_str_eq (code, "idempotency.key_reused");
    cr_assert_eq (s_probes ("ok:other"), 0);
    cr_assert_eq (s_stored (), 1);
    s_call_free (&first);
    s_call_free (&retry);
    s_call_free (&other);
}

//  A refusal replayed from the store is the refusal, by its key alone.
Test (kp_txn, a_stored_refusal_is_replayed)
{
    char key [KP_ID_LEN + 1];
    kp_id_new (key);
    s_call_t first, retry;
    s_call_init (&first, key, "refuse:x");
    s_run (&first, 1);
    s_call_init (&retry, key, "refuse:x");
    s_run (&retry, 1);
    char code [64];
    cr_assert_eq (s_status (&retry, code, sizeof code), KUMPPANI__V1__STATUS__STATUS_INVALID);
    cr_assert_str_eq (code, "test.refused");
    cr_assert_eq (s_runs, 2, "the fast attempt and the careful one, then none for the retry");
    s_call_free (&first);
    s_call_free (&retry);
}

//  Failures that are not domain outcomes are not stored: a retry runs.
Test (kp_txn, failures_are_answered_as_they_are_and_not_stored)
{
    s_call_t calls [S_BATCH];
    const char *tags [] = { "ok:kept", "db:x", "silent:y" };
    char keys [S_BATCH][KP_ID_LEN + 1];
    s_run_batch (calls, tags, keys);
    char code [64];
    cr_assert_eq (s_status (&calls [0], code, sizeof code), KUMPPANI__V1__STATUS__STATUS_OK);
    cr_assert_eq (s_status (&calls [1], code, sizeof code), KUMPPANI__V1__STATUS__STATUS_INTERNAL);
    cr_assert_str_eq (code, "db.error");
    cr_assert_eq (s_status (&calls [2], code, sizeof code), KUMPPANI__V1__STATUS__STATUS_INTERNAL);
    cr_assert_str_eq (code, "internal.unreported");
    cr_assert_eq (s_probes ("ok:kept"), 1);
    cr_assert_eq (s_stored (), 1, "only the success is stored");
    for (size_t index = 0; index < S_BATCH; index++)
        s_call_free (&calls [index]);

    //  The silent one again under its key: it runs again (nothing stored).
    int before = s_runs;
    s_call_t again;
    s_call_init (&again, keys [2], "silent:y");
    s_run (&again, 1);
    cr_assert_gt (s_runs, before);
    cr_assert_eq (s_status (&again, code, sizeof code), KUMPPANI__V1__STATUS__STATUS_INTERNAL);
    s_call_free (&again);
}

Test (kp_txn, a_read_answers_each_failure_its_way)
{
    const char *tags [] = { "ok:read", "db:read", "silent:read" };
    const Kumppani__V1__Status expected [] = {
        KUMPPANI__V1__STATUS__STATUS_OK, KUMPPANI__V1__STATUS__STATUS_INTERNAL,
        KUMPPANI__V1__STATUS__STATUS_INTERNAL
    };
    const char *codes [] = { "", "db.error", "internal.unreported" };
    for (size_t index = 0; index < 3; index++) {
        s_call_t read;
        s_call_init (&read, "", tags [index]);
        kp_txn_run_read (&read.call);
        char code [64];
        cr_assert_eq (s_status (&read, code, sizeof code), expected [index], "%s", tags [index]);
        cr_assert_str_eq (code, codes [index]);
        s_call_free (&read);
    }
    //  A read commits what it wrote (its own transaction).
    cr_assert_eq (s_probes ("ok:read"), 1);
}
