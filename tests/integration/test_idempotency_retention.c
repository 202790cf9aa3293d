/*  Idempotency keys are kept for a retention period and then swept: a
    key older than KUMPPANI_IDEMPOTENCY_RETENTION_DAYS (default 30) is
    deleted by its own service in batches, a younger one stays and still
    replays its stored reply, another service's keys are not touched, and
    a retry after expiry is a new request (a transition already taken is
    then refused by the state machine). Ages are set by moving created_at
    back as the administrator, so nothing waits for days. */
#include "harness.h"
#include "kp_codec.h"
#include "kp_ids.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TestSuite (idempotency_retention, .init = kpt_setup, .fini = kpt_teardown, .timeout = 90);

//  More than two sweep batches of expired rows, so catching up takes turns.
#define S_EXPIRED_ROWS 1200

static Kumppani__V1__Reply *
s_call (const char *org, Kumppani__V1__Role role, Kumppani__V1__Request *request, const char *key)
{
    Kumppani__V1__Actor actor;
    kpt_request (request, &actor, role, true);
    request->idempotency_key = (char *) key;
    kp_client_t *client = kpt_client ("referral", org);
    Kumppani__V1__Reply *reply = kpt_call (client, request);
    cr_assert_not_null (reply, "referral gave no answer");
    kp_client_destroy (&client);
    return reply;
}

static Kumppani__V1__Reply *
s_submit (const char *key)
{
    Kumppani__V1__SubmitReferral notice = KUMPPANI__V1__SUBMIT_REFERRAL__INIT;
    notice.kind = KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_SOCIAL_WORK_NEED;
    notice.recipient_org = "muni-743";
    notice.recipient_type = "municipality";
    notice.municipality = "743";
    notice.client_ref = "client-retention";
    notice.reason_category = KUMPPANI__V1__REASON_CATEGORY__REASON_CATEGORY_HOUSING;
    notice.legal_basis = KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CLIENT_REQUEST;
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    request.body_case = KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL;
    request.submit_referral = &notice;
    return s_call ("kela", KUMPPANI__V1__ROLE__ROLE_KELA_OFFICER, &request, key);
}

static Kumppani__V1__Reply *
s_acknowledge (const char *referral_id, const char *key)
{
    Kumppani__V1__AcknowledgeReferral ack = KUMPPANI__V1__ACKNOWLEDGE_REFERRAL__INIT;
    ack.referral_id = (char *) referral_id;
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    request.body_case = KUMPPANI__V1__REQUEST__BODY_ACKNOWLEDGE_REFERRAL;
    request.acknowledge_referral = &ack;
    return s_call ("muni-743", KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER, &request, key);
}

static void
s_admin (const char *sql, const char *param)
{
    const char *values [] = { param };
    PGresult *result = PQexecParams (kpt_admin (), sql, param ? 1 : 0, NULL, values, NULL, NULL, 0);
    cr_assert (PQresultStatus (result) == PGRES_COMMAND_OK || PQresultStatus (result) == PGRES_TUPLES_OK,
               "%s: %s", sql, PQresultErrorMessage (result));
    PQclear (result);
}

//  Moves a key's row days back.
static void
s_age (const char *key, int days)
{
    char sql [160];
    snprintf (sql, sizeof sql, "UPDATE kp.idempotency SET created_at = now () - interval '%d days'"
              " WHERE key = $1", days);
    s_admin (sql, key);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.idempotency WHERE key = $1", key), 1);
}

static long long
s_keys (const char *key)
{
    return kpt_scalar ("SELECT count(*) FROM kp.idempotency WHERE key = $1", key);
}

//  Polls (bounded: 30 s) until the sql's count is zero; false if it never was.
static bool
s_until_none (const char *sql, const char *param)
{
    for (int attempt = 0; attempt < 300; attempt++) {
        if (kpt_scalar (sql, param) == 0)
            return true;
        zclock_sleep (100);
    }
    return false;
}

Test (idempotency_retention, expired_keys_are_swept_younger_ones_replay)
{
    kpt_service_start ("referral", NULL);
    char submit_key [KP_ID_LEN + 1], ack_key [KP_ID_LEN + 1], referral_id [KP_ID_LEN + 1];
    kp_id_new (submit_key);
    kp_id_new (ack_key);
    Kumppani__V1__Reply *first = s_submit (submit_key);
    cr_assert_eq (first->status, KUMPPANI__V1__STATUS__STATUS_OK);
    snprintf (referral_id, sizeof referral_id, "%s", first->referral->referral->referral_id);
    Kumppani__V1__Reply *reply = s_acknowledge (referral_id, ack_key);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  The acknowledgement's key is past the default 30 days, the
    //  submission's not yet; many more of the service's keys have expired,
    //  and one of groups' (which is not running) has too.
    kpt_service_stop ("referral");
    s_age (ack_key, 31);
    s_age (submit_key, 29);
    char rows [16];
    snprintf (rows, sizeof rows, "%d", S_EXPIRED_ROWS);
    s_admin ("INSERT INTO kp.idempotency (service, org_id, key, operation, request_hash, reply, sealed, created_at)"
             " SELECT 'referral', 'muni-743', 'expired-' || n, 'referral.acknowledge_referral',"
             " '\\x00', '\\x00', true, now () - interval '40 days' FROM generate_series (1, $1::int) n", rows);
    s_admin ("INSERT INTO kp.idempotency (service, org_id, key, operation, request_hash, reply, created_at)"
             " VALUES ('groups', 'muni-743', 'groups-expired', 'groups.enrol', '\\x00', '\\x00',"
             " now () - interval '40 days')", NULL);
    kpt_service_start ("referral", NULL);
    cr_assert (s_until_none ("SELECT count(*) FROM kp.idempotency WHERE service = 'referral'"
                             " AND created_at < now () - interval '30 days'", NULL),
               "the expired keys were not swept (%lld left)",
               kpt_scalar ("SELECT count(*) FROM kp.idempotency WHERE key LIKE 'expired-%'", NULL));
    cr_assert_eq (s_keys (ack_key), 0);
    cr_assert_eq (s_keys (submit_key), 1, "a key within the retention period was swept");
    cr_assert_eq (s_keys ("groups-expired"), 1, "referral swept another service's key");

    //  The younger key still replays its reply: the same referral, not a second one.
    reply = s_submit (submit_key);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK);
    cr_assert_str_eq (reply->referral->referral->referral_id, referral_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  The expired one is a new request: the referral is acknowledged
    //  already, so the state machine refuses it instead of a replay.
    reply = s_acknowledge (referral_id, ack_key);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "status %d (%s)", reply->status,
                  reply->error ? reply->error->code : "-");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kumppani__v1__reply__free_unpacked (first, NULL);
    s_admin ("DELETE FROM kp.idempotency WHERE key = 'groups-expired'", NULL);
}

Test (idempotency_retention, the_period_is_configurable)
{
    static const char *const two_days [] = { "KUMPPANI_IDEMPOTENCY_RETENTION_DAYS=2", NULL };
    kpt_service_start ("referral", two_days);
    char old_key [KP_ID_LEN + 1], young_key [KP_ID_LEN + 1];
    kp_id_new (old_key);
    kp_id_new (young_key);
    Kumppani__V1__Reply *reply = s_submit (old_key);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_submit (young_key);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kpt_service_stop ("referral");
    s_age (old_key, 3);
    s_age (young_key, 1);
    kpt_service_start ("referral", two_days);
    cr_assert (s_until_none ("SELECT count(*) FROM kp.idempotency WHERE key = $1", old_key),
               "a key of three days outlived a retention of two");
    cr_assert_eq (s_keys (young_key), 1);
}
