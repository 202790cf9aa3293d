/*  kp_idem on its own, against the test cluster (it needs PostgreSQL, so it
    lives where scripts/test.sh provides one; no service runs): the request
    hash, lookup and store one at a time and in batches, keys kept apart by
    organisation and by service, sealed replies that show no plaintext and
    open only with the keys, a taken key refused as a duplicate, and the
    sweep of expired keys. */
#include "harness.h"
#include "kp_ids.h"
#include "kp_idem.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static kp_db_t *s_groups;           //  connected as the groups role
static kp_db_t *s_reporting;        //  and as reporting
static kp_hetu_keys_t *s_keys;
static char s_org [KP_ID_LEN + 1];

static kp_db_t *
s_connect (const char *role)
{
    char conninfo [1024];
    const char *base = getenv ("KUMPPANI_TEST_CONNINFO");
    cr_assert (base && *base, "run through scripts/test.sh integration");
    snprintf (conninfo, sizeof conninfo, "%s user=%s", base, role);
    kp_db_t *db = kp_db_new (conninfo, 2000);
    cr_assert_not_null (db);
    cr_assert_eq (kp_db_register (db, kp_idem_statements), 0);
    return db;
}

static void
s_init (void)
{
    s_groups = s_connect ("groups");
    s_reporting = s_connect ("reporting");
    s_keys = kp_hetu_keys_new ("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                               "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210");
    cr_assert_not_null (s_keys);
    kp_id_new (s_org);
}

static void
s_fini (void)
{
    kp_db_destroy (&s_groups);
    kp_db_destroy (&s_reporting);
    kp_hetu_keys_destroy (&s_keys);
    kpt_admin_close ();
}

TestSuite (kp_idem, .init = s_init, .fini = s_fini, .timeout = 30);

//  A request body: a RunReport naming report.
static void
s_hash (const kp_hetu_keys_t *keys, const char *operation, const char *report, uint8_t *hash)
{
    Kumppani__V1__RunReport body = KUMPPANI__V1__RUN_REPORT__INIT;
    body.report = (char *) report;
    kp_idem_request_hash (keys, operation, &body.base, hash);
}

static long long
s_rows (const char *service)
{
    char sql [160];
    snprintf (sql, sizeof sql, "SELECT count(*) FROM kp.idempotency WHERE org_id = $1 AND service = '%s'",
              service);
    return kpt_scalar (sql, s_org);
}

Test (kp_idem, the_hash_is_of_operation_and_body)
{
    uint8_t a [KP_IDEM_HASH_BYTES], b [KP_IDEM_HASH_BYTES];
    s_hash (NULL, "test.op", "x", a);
    s_hash (NULL, "test.op", "x", b);
    cr_assert_arr_eq (a, b, sizeof a, "the same request hashed differently");
    s_hash (NULL, "test.other", "x", b);
    cr_assert_arr_neq (a, b, sizeof a, "the operation is not in the hash");
    s_hash (NULL, "test.op", "y", b);
    cr_assert_arr_neq (a, b, sizeof a, "the body is not in the hash");
    //  Keyed: stable with the keys, unlike the plain hash.
    s_hash (s_keys, "test.op", "x", b);
    cr_assert_arr_neq (a, b, sizeof a, "the keyed hash is the plain one");
    s_hash (s_keys, "test.op", "x", a);
    cr_assert_arr_eq (a, b, sizeof a);
}

Test (kp_idem, a_stored_reply_comes_back_for_its_key_only)
{
    uint8_t hash [KP_IDEM_HASH_BYTES], other [KP_IDEM_HASH_BYTES];
    s_hash (NULL, "test.op", "x", hash);
    s_hash (NULL, "test.op", "y", other);
    uint8_t *reply = NULL;
    size_t size = 0;
    bool same = false;
    cr_assert_eq (kp_idem_lookup (s_groups, NULL, s_org, "key-1", hash, &reply, &size, &same), 0);
    cr_assert_null (reply);
    const uint8_t stored [] = { 1, 2, 3, 0, 4 };
    cr_assert_eq (kp_idem_store (s_groups, NULL, s_org, "key-1", "test.op", hash, stored, sizeof stored), 0);

    cr_assert_eq (kp_idem_lookup (s_groups, NULL, s_org, "key-1", hash, &reply, &size, &same), 1);
    cr_assert (same);
    cr_assert_eq (size, sizeof stored);
    cr_assert_arr_eq (reply, stored, sizeof stored);
    free (reply);
    //  Another request under the key: found, not the same.
    cr_assert_eq (kp_idem_lookup (s_groups, NULL, s_org, "key-1", other, &reply, &size, &same), 1);
    cr_assert_not (same);
    free (reply);
    //  Another key, another organisation, another service: not found.
    cr_assert_eq (kp_idem_lookup (s_groups, NULL, s_org, "key-2", hash, &reply, &size, &same), 0);
    cr_assert_eq (kp_idem_lookup (s_groups, NULL, "another-org", "key-1", hash, &reply, &size, &same), 0);
    cr_assert_eq (kp_idem_lookup (s_reporting, NULL, s_org, "key-1", hash, &reply, &size, &same), 0);
    //  The key is taken: a twin's store is a duplicate, not an error.
    cr_assert_eq (kp_idem_store (s_groups, NULL, s_org, "key-1", "test.op", hash, stored, sizeof stored), -1);
    cr_assert_eq (kp_db_class (s_groups), KP_DB_DUPLICATE);
    //  The same key is free for another service.
    cr_assert_eq (kp_idem_store (s_reporting, NULL, s_org, "key-1", "test.op", hash, stored, sizeof stored), 0);
    cr_assert_eq (s_rows ("groups"), 1);
    cr_assert_eq (s_rows ("reporting"), 1);
}

Test (kp_idem, a_sealed_reply_shows_nothing_and_opens_only_with_the_keys)
{
    uint8_t hash [KP_IDEM_HASH_BYTES];
    s_hash (s_keys, "test.op", "x", hash);
    const char *plain = "reply naming 131052-308T";
    cr_assert_eq (kp_idem_store (s_groups, s_keys, s_org, "sealed", "test.op", hash,
                                 (const uint8_t *) plain, strlen (plain)), 0);
    char sql [200];
    snprintf (sql, sizeof sql, "SELECT count(*) FROM kp.idempotency WHERE org_id = $1 AND sealed"
                               " AND position ('131052'::bytea IN reply) = 0");
    cr_assert_eq (kpt_scalar (sql, s_org), 1, "the stored reply is not sealed");

    uint8_t *reply = NULL;
    size_t size = 0;
    bool same = false;
    cr_assert_eq (kp_idem_lookup (s_groups, s_keys, s_org, "sealed", hash, &reply, &size, &same), 1);
    cr_assert (same);
    cr_assert_eq (size, strlen (plain));
    cr_assert_arr_eq (reply, plain, size);
    free (reply);
    //  Without the keys it is found but does not open.
    cr_assert_eq (kp_idem_lookup (s_groups, NULL, s_org, "sealed", hash, &reply, &size, &same), 1);
    cr_assert_null (reply);
}

Test (kp_idem, batches_look_up_and_store_in_one_round_trip_each)
{
    uint8_t hashes [3][KP_IDEM_HASH_BYTES];
    const char *keys [] = { "b-1", "b-2", "b-3" };
    for (int index = 0; index < 3; index++)
        s_hash (s_keys, "test.op", keys [index], hashes [index]);
    const uint8_t first [] = "first";
    cr_assert_eq (kp_idem_store (s_groups, s_keys, s_org, "b-2", "test.op", hashes [1], first, sizeof first), 0);

    kp_idem_entry_t entries [3];
    for (int index = 0; index < 3; index++)
        entries [index] = (kp_idem_entry_t) { .org_id = s_org, .key = keys [index], .hash = hashes [index] };
    cr_assert_eq (kp_idem_lookup_batch (s_groups, s_keys, entries, 3), 0);
    cr_assert_not (entries [0].found);
    cr_assert (entries [1].found);
    cr_assert (entries [1].same_request);
    cr_assert_eq (entries [1].reply_size, sizeof first);
    cr_assert_arr_eq (entries [1].reply, first, sizeof first);
    cr_assert_not (entries [2].found);
    free (entries [1].reply);

    kp_idem_entry_t fresh [] = { entries [0], entries [2] };
    const char *operations [] = { "test.op", "test.op" };
    const uint8_t one [] = "one", three [] = "three";
    const uint8_t *replies [] = { one, three };
    const size_t sizes [] = { sizeof one, sizeof three };
    cr_assert_eq (kp_idem_store_batch (s_groups, s_keys, fresh, operations, replies, sizes, 2), 0);
    cr_assert_eq (kp_idem_lookup_batch (s_groups, s_keys, entries, 3), 0);
    cr_assert_eq (entries [2].reply_size, sizeof three);
    cr_assert_arr_eq (entries [2].reply, three, sizeof three);
    for (int index = 0; index < 3; index++) {
        cr_assert (entries [index].found, "%s", keys [index]);
        free (entries [index].reply);
    }
    //  A batch with a taken key stores nothing of it and says why.
    cr_assert_eq (kp_idem_store_batch (s_groups, s_keys, fresh, operations, replies, sizes, 2), -1);
    cr_assert_eq (kp_db_class (s_groups), KP_DB_DUPLICATE);
    cr_assert_eq (s_rows ("groups"), 3);
}

//  One statement answers the whole batch: a key asked twice gets its
//  reply twice, in the entries' own places; a key stored twice in one
//  batch refuses the batch and stores neither.
Test (kp_idem, a_batch_answers_each_entry_in_its_place_even_a_key_twice)
{
    uint8_t hash [KP_IDEM_HASH_BYTES], other [KP_IDEM_HASH_BYTES];
    s_hash (s_keys, "test.op", "twice", hash);
    s_hash (s_keys, "test.op", "else", other);
    const uint8_t stored [] = "stored";
    cr_assert_eq (kp_idem_store (s_groups, s_keys, s_org, "t-1", "test.op", hash, stored, sizeof stored), 0);
    //  Another service's row under the same organisation and key is not ours.
    cr_assert_eq (kp_idem_store (s_reporting, s_keys, s_org, "t-2", "test.op", hash, stored, sizeof stored), 0);
    kp_idem_entry_t entries [] = {
        { .org_id = s_org, .key = "t-0", .hash = hash },
        { .org_id = s_org, .key = "t-1", .hash = other },
        { .org_id = s_org, .key = "t-2", .hash = hash },
        { .org_id = s_org, .key = "t-1", .hash = hash },
    };
    cr_assert_eq (kp_idem_lookup_batch (s_groups, s_keys, entries, 4), 0);
    cr_assert_not (entries [0].found);
    cr_assert (entries [1].found);
    cr_assert_not (entries [1].same_request, "a different request under a used key");
    cr_assert_not (entries [2].found, "reporting's key is not groups'");
    cr_assert (entries [3].found);
    cr_assert (entries [3].same_request);
    cr_assert_eq (entries [3].reply_size, sizeof stored);
    cr_assert_arr_eq (entries [3].reply, stored, sizeof stored);
    free (entries [1].reply);
    free (entries [3].reply);

    kp_idem_entry_t twice [] = { entries [0], entries [0] };
    const char *operations [] = { "test.op", "test.op" };
    const uint8_t *replies [] = { stored, stored };
    const size_t sizes [] = { sizeof stored, sizeof stored };
    cr_assert_eq (kp_idem_store_batch (s_groups, s_keys, twice, operations, replies, sizes, 2), -1);
    cr_assert_eq (kp_db_class (s_groups), KP_DB_DUPLICATE);
    cr_assert_eq (s_rows ("groups"), 1);
}

Test (kp_idem, the_sweep_takes_this_services_expired_keys_only)
{
    uint8_t hash [KP_IDEM_HASH_BYTES];
    s_hash (NULL, "test.op", "x", hash);
    const uint8_t reply [] = "r";
    const char *keys [] = { "old-1", "old-2", "new-1" };
    for (int index = 0; index < 3; index++) {
        cr_assert_eq (kp_idem_store (s_groups, NULL, s_org, keys [index], "test.op", hash, reply, sizeof reply), 0);
        cr_assert_eq (kp_idem_store (s_reporting, NULL, s_org, keys [index], "test.op", hash, reply, sizeof reply), 0);
    }
    char sql [200];
    snprintf (sql, sizeof sql, "UPDATE kp.idempotency SET created_at = now () - interval '40 days'"
                               " WHERE org_id = '%s' AND key LIKE 'old-%%'", s_org);
    PGresult *result = PQexec (kpt_admin (), sql);
    cr_assert_eq (PQresultStatus (result), PGRES_COMMAND_OK, "%s", PQresultErrorMessage (result));
    PQclear (result);

    //  A limit of one takes one; the next batch the rest (other suites'
    //  expired keys in the shared cluster too); then there are none.
    cr_assert_eq (kp_idem_sweep (s_groups, 30, 1), 1);
    cr_assert_geq (kp_idem_sweep (s_groups, 30, 500), 1);
    cr_assert_eq (kp_idem_sweep (s_groups, 30, 500), 0);
    cr_assert_eq (s_rows ("groups"), 1, "a key inside the retention period went");
    cr_assert_eq (s_rows ("reporting"), 3, "another service's keys went");
}
