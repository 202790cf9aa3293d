/*  Group commit's fast path (kp_txn): writes that arrive together share
    one transaction without savepoints, and a batch in which any call is
    refused runs again the careful way. Checked through real CURVE sockets
    against the referral service: requests are pipelined so they land in
    one batch, and every one must get its own answer with exactly its own
    effects (row, history entry, audit row, event), refusals none. */
#include "harness.h"
#include "kp_codec.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

TestSuite (group_commit, .init = kpt_setup, .fini = kpt_teardown, .timeout = 60);

//  What each pipelined request is meant to test.
typedef enum { S_VALID, S_UNKNOWN_MUNICIPALITY, S_BAD_HETU, S_KEY_REUSED } s_kind_t;

static const s_kind_t s_plan [] = {
    S_VALID, S_VALID, S_UNKNOWN_MUNICIPALITY, S_VALID, S_BAD_HETU, S_VALID, S_KEY_REUSED, S_VALID
};
#define S_PLAN_SIZE (sizeof s_plan / sizeof s_plan [0])
#define S_CLIENTS 4

//  Packs a Kela notice of the given kind; free_text carries the run's
//  marker so that effects can be counted.
static uint8_t *
s_notice (s_kind_t kind, const char *marker, const char *key, const char *correlation, size_t *size)
{
    Kumppani__V1__SubmitReferral notice = KUMPPANI__V1__SUBMIT_REFERRAL__INIT;
    notice.kind = KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_SOCIAL_WORK_NEED;
    notice.recipient_org = "muni-743";
    notice.recipient_type = "municipality";
    notice.municipality = kind == S_UNKNOWN_MUNICIPALITY ? "999" : "743";
    notice.hetu = kind == S_BAD_HETU ? "010190-900X" : "";
    notice.client_ref = kind == S_BAD_HETU ? "" : "client-gc";
    notice.reason_category = KUMPPANI__V1__REASON_CATEGORY__REASON_CATEGORY_LIFE_MANAGEMENT;
    notice.legal_basis = KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CLIENT_REQUEST;
    notice.free_text = (char *) marker;
    //  A different body under a used key: the sender contact differs.
    notice.sender_contact = kind == S_KEY_REUSED ? "another body" : "";
    return kpt_pack_kela_submit (&notice, key, correlation, size);
}

static void
s_key (char *key, size_t size, int client, size_t index)
{
    //  S_KEY_REUSED takes the client's first key, whose request was valid.
    snprintf (key, size, "gc-%d-%d-%zu", (int) getpid (), client,
              s_plan [index] == S_KEY_REUSED ? 0 : index);
}

static void
s_expect_refusal (const Kumppani__V1__Reply *reply, s_kind_t kind)
{
    const char *code = kind == S_UNKNOWN_MUNICIPALITY ? "referral.unknown_municipality"
                     : kind == S_BAD_HETU ? "hetu.bad_check" : "idempotency.key_reused";
    const char *field = kind == S_UNKNOWN_MUNICIPALITY ? "submit_referral.municipality"
                      : kind == S_BAD_HETU ? "submit_referral.hetu" : "idempotency_key";
    Kumppani__V1__Status status = kind == S_KEY_REUSED ? KUMPPANI__V1__STATUS__STATUS_CONFLICT
                                                      : KUMPPANI__V1__STATUS__STATUS_INVALID;
    cr_assert_eq (reply->status, status, "kind %d: status %d (%s)", kind, reply->status,
                  reply->error ? reply->error->code : "");
    cr_assert_not_null (reply->error);
    cr_assert_str_eq (reply->error->code, code);
    cr_assert_str_eq (reply->error->field, field);
}

Test (group_commit, refusals_in_a_batch_cost_the_others_nothing)
{
    kpt_service_start ("referral", NULL);
    char marker [64];
    snprintf (marker, sizeof marker, "group commit %d", (int) getpid ());
    long long events_before = kpt_scalar ("SELECT count(*) FROM kp.events WHERE topic = 'referral.received'", NULL);
    kp_client_t *clients [S_CLIENTS];
    for (int client = 0; client < S_CLIENTS; client++) {
        clients [client] = kpt_client ("referral", "kela");
        for (size_t index = 0; index < S_PLAN_SIZE; index++) {
            char key [48], correlation [32];
            s_key (key, sizeof key, client, index);
            snprintf (correlation, sizeof correlation, "gc-%d-%zu", client, index);
            size_t size;
            uint8_t *packed = s_notice (s_plan [index], marker, key, correlation, &size);
            cr_assert_eq (kp_client_send_bytes (clients [client], packed, size), 0);
            free (packed);
        }
    }
    int valid = 0;
    for (int client = 0; client < S_CLIENTS; client++) {
        for (size_t received = 0; received < S_PLAN_SIZE; received++) {
            Kumppani__V1__Reply *reply = kp_client_recv (clients [client], 10000);
            cr_assert_not_null (reply, "client %d got %zu of %zu replies", client, received, S_PLAN_SIZE);
            size_t index = 0;
            cr_assert_eq (sscanf (reply->correlation_id, "gc-%*d-%zu", &index), 1);
            cr_assert_lt (index, S_PLAN_SIZE);
            if (s_plan [index] != S_VALID) {
                s_expect_refusal (reply, s_plan [index]);
                kumppani__v1__reply__free_unpacked (reply, NULL);
                continue;
            }
            cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK, "%s",
                          reply->error ? reply->error->code : "");
            const char *id = reply->referral->referral->referral_id;
            cr_assert_str_eq (reply->referral->referral->free_text, marker);
            //  Exactly its own effects, all committed before the answer.
            cr_assert_eq (kpt_scalar ("SELECT count(*) FROM referral.referrals WHERE referral_id = $1", id), 1);
            cr_assert_eq (kpt_scalar ("SELECT count(*) FROM referral.referral_history WHERE referral_id = $1", id), 1);
            cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.audit_log WHERE detail = $1"
                                      " AND action = 'referral.submit_referral'", id), 1);
            cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.events WHERE aggregate_id = $1"
                                      " AND topic = 'referral.received'", id), 1);
            valid++;
            kumppani__v1__reply__free_unpacked (reply, NULL);
        }
    }
    int valid_planned = 0;
    for (size_t index = 0; index < S_PLAN_SIZE; index++)
        valid_planned += s_plan [index] == S_VALID;
    cr_assert_eq (valid, S_CLIENTS * valid_planned);
    //  Refused requests left nothing behind.
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM referral.referrals WHERE free_text = $1", marker), valid);
    cr_assert_geq (kpt_scalar ("SELECT count(*) FROM kp.events WHERE topic = 'referral.received'", NULL),
                   events_before + valid);

    //  A refused request retried with its key gets the stored refusal.
    char key [48];
    s_key (key, sizeof key, 0, 2);
    cr_assert_eq (s_plan [2], S_UNKNOWN_MUNICIPALITY);
    size_t size;
    uint8_t *packed = s_notice (S_UNKNOWN_MUNICIPALITY, marker, key, "gc-retry-2", &size);
    cr_assert_eq (kp_client_send_bytes (clients [0], packed, size), 0);
    free (packed);
    Kumppani__V1__Reply *reply = kp_client_recv (clients [0], 10000);
    cr_assert_not_null (reply);
    cr_assert_str_eq (reply->correlation_id, "gc-retry-2");
    s_expect_refusal (reply, S_UNKNOWN_MUNICIPALITY);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    for (int client = 0; client < S_CLIENTS; client++)
        kp_client_destroy (&clients [client]);
}

//  The seq stays gap-free when many batches commit back to back.
Test (group_commit, seq_stays_gap_free_under_concurrent_batches)
{
    kpt_service_start ("referral", NULL);
    long long first = kpt_scalar ("SELECT last_seq FROM kp.event_counter", NULL);
    enum { CLIENTS = 4, EACH = 10 };
    kp_client_t *clients [CLIENTS];
    char marker [64];
    snprintf (marker, sizeof marker, "gap free %d", (int) getpid ());
    for (int client = 0; client < CLIENTS; client++) {
        clients [client] = kpt_client ("referral", "kela");
        for (int index = 0; index < EACH; index++) {
            char key [48], correlation [32];
            snprintf (key, sizeof key, "gf-%d-%d-%d", (int) getpid (), client, index);
            snprintf (correlation, sizeof correlation, "gf-%d-%d", client, index);
            size_t size;
            uint8_t *packed = s_notice (S_VALID, marker, key, correlation, &size);
            cr_assert_eq (kp_client_send_bytes (clients [client], packed, size), 0);
            free (packed);
        }
    }
    for (int client = 0; client < CLIENTS; client++)
        for (int index = 0; index < EACH; index++) {
            Kumppani__V1__Reply *reply = kp_client_recv (clients [client], 10000);
            cr_assert_not_null (reply);
            cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK);
            kumppani__v1__reply__free_unpacked (reply, NULL);
        }
    long long last = kpt_scalar ("SELECT last_seq FROM kp.event_counter", NULL);
    char after [24];
    snprintf (after, sizeof after, "%lld", first);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.events WHERE seq > $1::int8", after), last - first,
                  "a hole in the seq");
    cr_assert_geq (last - first, CLIENTS * EACH);
    for (int client = 0; client < CLIENTS; client++)
        kp_client_destroy (&clients [client]);
}

//  A write that arrives while a batch's handlers run joins that batch
//  (kp_txn_run_batch) instead of waiting for a commit of its own: both
//  referrals are written by one transaction (one xmin), and both answers
//  come after its COMMIT. The handlers pause a second each (the test
//  build's "slow" fault); the second request is sent 0.2 s into the
//  first one's pause, far inside it.
Test (group_commit, writes_arriving_meanwhile_join_the_batch)
{
    const char *env [] = { "KUMPPANI_TEST_FAULT=referral.submit_referral:slow", NULL };
    kpt_service_start_test_build ("referral", env);
    char marker [64];
    snprintf (marker, sizeof marker, "joined %d", (int) getpid ());
    kp_client_t *clients [2];
    for (int client = 0; client < 2; client++) {
        clients [client] = kpt_client ("referral", "kela");
        char key [48], correlation [32];
        snprintf (key, sizeof key, "jb-%d-%d", (int) getpid (), client);
        snprintf (correlation, sizeof correlation, "jb-%d", client);
        size_t size;
        uint8_t *packed = s_notice (S_VALID, marker, key, correlation, &size);
        cr_assert_eq (kp_client_send_bytes (clients [client], packed, size), 0);
        free (packed);
        if (client == 0)
            usleep (200 * 1000);
    }
    for (int client = 0; client < 2; client++) {
        Kumppani__V1__Reply *reply = kp_client_recv (clients [client], 10000);
        cr_assert_not_null (reply, "client %d got no reply", client);
        cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK, "%s",
                      reply->error ? reply->error->code : "");
        kumppani__v1__reply__free_unpacked (reply, NULL);
        kp_client_destroy (&clients [client]);
    }
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM referral.referrals WHERE free_text = $1", marker), 2);
    cr_assert_eq (kpt_scalar ("SELECT count(DISTINCT xmin::text) FROM referral.referrals WHERE free_text = $1",
                              marker), 1, "the second write waited for a commit of its own");
}
