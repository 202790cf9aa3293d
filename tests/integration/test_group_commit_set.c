/*  Set-based submission (issue 23): in a batch's fast path Kela's notices
    are staged and written by one statement (referral_submit_set) instead
    of one each. What a user sees must not change: every field reads back
    as sent, over the socket and in SQL, exactly as the same notice sent
    alone; refusals get the answers they get alone; retries the stored
    reply. kumppani_set_written_total shows the set path was taken, so
    these tests fail if staging silently stops happening. */
#include "harness.h"
#include "kp_codec.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

TestSuite (group_commit_set, .init = kpt_setup, .fini = kpt_teardown, .timeout = 120);

#define S_SET_WRITTEN "kumppani_set_written_total{service=\"referral\"}"

//  Every character a literal must carry through an array: quotes,
//  backslashes, commas, braces, newlines, the word NULL, non-ASCII.
static const char s_free_text [] =
    "Äänekoski ”lainaus” \\ {x,y} \"quoted\", NULL\nrivi 2\t\\\\ {} ,";

typedef enum { S_TRANSFER, S_REDUCTION, S_UNKNOWN_MUNICIPALITY, S_BAD_HETU } s_kind_t;

//  A Kela notice with every optional field its kind allows set.
static void
s_fill (Kumppani__V1__SubmitReferral *notice, s_kind_t kind, const char *hetu, const char *contact)
{
    *notice = (Kumppani__V1__SubmitReferral) KUMPPANI__V1__SUBMIT_REFERRAL__INIT;
    notice->kind = kind == S_REDUCTION ? KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_BASIC_AMOUNT_REDUCTION
                                       : KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_APPLICATION_TRANSFER;
    notice->recipient_org = "muni-743";
    notice->recipient_type = "municipality";
    notice->municipality = kind == S_UNKNOWN_MUNICIPALITY ? "999" : "743";
    notice->hetu = kind == S_BAD_HETU ? "010190-900X" : (char *) hetu;
    notice->client_ref = "client-set.1";
    notice->reason_category = KUMPPANI__V1__REASON_CATEGORY__REASON_CATEGORY_LIFE_MANAGEMENT;
    notice->legal_basis = KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CONSENT;
    notice->consent_ref = "consent-set_7";
    notice->notifier_may_be_named = true;
    notice->urgent = true;
    notice->free_text = (char *) s_free_text;
    notice->sender_contact = (char *) contact;
    if (kind == S_REDUCTION)
        notice->reduction_percent = 40;
    else {
        notice->kela_decision_id = "KELA-DEC-2026.001";
        notice->benefit_period_start = "2026-11-01";
        notice->benefit_period_end = "2026-12-31";
        notice->client_requested_transfer = true;
        notice->assistance_type = KUMPPANI__V1__ASSISTANCE_TYPE__ASSISTANCE_TYPE_PREVENTIVE;
    }
}

static void
s_send (kp_client_t *client, Kumppani__V1__SubmitReferral *notice, const char *key, const char *correlation)
{
    size_t size;
    uint8_t *packed = kpt_pack_kela_submit (notice, key, correlation, &size);
    cr_assert_eq (kp_client_send_bytes (client, packed, size), 0);
    free (packed);
}

//  The notice sent alone, its reply awaited: what a batch must equal.
static Kumppani__V1__Reply *
s_alone (kp_client_t *client, Kumppani__V1__SubmitReferral *notice, const char *key)
{
    s_send (client, notice, key, "alone");
    Kumppani__V1__Reply *reply = kp_client_recv (client, 10000);
    cr_assert_not_null (reply);
    cr_assert_str_eq (reply->correlation_id, "alone");
    return reply;
}

//  The view's bytes with what differs between two referrals (their id
//  and creation time) cleared; caller frees.
static uint8_t *
s_view_bytes (Kumppani__V1__ReferralView *view, size_t *size)
{
    char *id = view->referral_id;
    int64_t created = view->created_at;
    view->referral_id = "";
    view->created_at = 0;
    *size = protobuf_c_message_get_packed_size (&view->base);
    uint8_t *bytes = malloc (*size ? *size : 1);
    cr_assert_eq (protobuf_c_message_pack (&view->base, bytes), *size);
    view->referral_id = id;
    view->created_at = created;
    return bytes;
}

static void
s_assert_same_view (Kumppani__V1__ReferralView *one, Kumppani__V1__ReferralView *other)
{
    size_t one_size, other_size;
    uint8_t *one_bytes = s_view_bytes (one, &one_size);
    uint8_t *other_bytes = s_view_bytes (other, &other_size);
    cr_assert_eq (one_size, other_size, "%s and %s differ in size", one->referral_id, other->referral_id);
    cr_assert_eq (memcmp (one_bytes, other_bytes, one_size), 0, "%s and %s differ",
                  one->referral_id, other->referral_id);
    free (one_bytes);
    free (other_bytes);
}

//  The view as sent: every field the notice set.
static void
s_assert_as_sent (const Kumppani__V1__ReferralView *view, const Kumppani__V1__SubmitReferral *notice)
{
    cr_assert_eq (view->kind, notice->kind);
    cr_assert_str_eq (view->municipality, notice->municipality);
    cr_assert_str_eq (view->recipient_org, notice->recipient_org);
    //  The sender never sees the henkilötunnus back; its stored hash is
    //  compared with the twin sent alone (s_assert_same_rows).
    cr_assert_str_eq (view->client_ref, notice->client_ref);
    cr_assert_str_eq (view->consent_ref, notice->consent_ref);
    cr_assert_str_eq (view->free_text, notice->free_text);
    cr_assert_str_eq (view->sender_contact, notice->sender_contact);
    cr_assert_eq (view->urgent, notice->urgent);
    cr_assert_eq (view->notifier_may_be_named, notice->notifier_may_be_named);
    cr_assert_str_eq (view->kela_decision_id, notice->kela_decision_id);
    cr_assert_str_eq (view->benefit_period_start, notice->benefit_period_start);
    cr_assert_str_eq (view->benefit_period_end, notice->benefit_period_end);
    cr_assert_eq (view->client_requested_transfer, notice->client_requested_transfer);
    cr_assert_eq (view->assistance_type, notice->assistance_type);
    cr_assert_eq (view->reduction_percent, notice->reduction_percent);
}

static Kumppani__V1__Reply *
s_get (kp_client_t *client, const char *id)
{
    Kumppani__V1__GetReferral get = KUMPPANI__V1__GET_REFERRAL__INIT;
    get.referral_id = (char *) id;
    return kpt_call_ok (client, KUMPPANI__V1__ROLE__ROLE_KELA_OFFICER, KUMPPANI__V1__REQUEST__BODY_GET_REFERRAL,
                        &get, false);
}

//  A count over two referrals ($1, $2) and a text ($3), as the administrator.
static long long
s_count (const char *sql, const char *one, const char *other, const char *text)
{
    const char *values [] = { one, other, text };
    PGresult *result = PQexecParams (kpt_admin (), sql, 3, NULL, values, NULL, NULL, 0);
    cr_assert_eq (PQresultStatus (result), PGRES_TUPLES_OK, "%s", PQresultErrorMessage (result));
    long long count = atoll (PQgetvalue (result, 0, 0));
    PQclear (result);
    return count;
}

#define S_COLUMNS(t) \
    "(" t ".kind, " t ".state, " t ".sender_org, " t ".sender_type, " t ".sender_person, " t ".recipient_org," \
    " " t ".recipient_type, " t ".municipality, " t ".reason_category, " t ".legal_basis, " t ".consent_ref," \
    " " t ".notifier_may_be_named, " t ".urgent, " t ".free_text, " t ".sender_contact, " t ".hetu_hash," \
    " " t ".client_ref, " t ".kela_decision_id, " t ".benefit_period_start, " t ".benefit_period_end," \
    " " t ".assistance_type, " t ".reduction_percent, " t ".client_requested_transfer, " t ".received_on," \
    " " t ".deadline, " t ".deadline_kind, " t ".warning_on, " t ".hetu_box IS NULL)"
#define S_HISTORY(t) \
    "(" t ".operation, " t ".from_state, " t ".to_state, " t ".actor_org, " t ".actor_person, " t ".actor_role)"

//  The stored rows of two referrals equal (the sealed box aside: its nonce
//  is random), and the free text byte for byte what was sent.
static void
s_assert_same_rows (const char *one, const char *other)
{
    cr_assert_eq (s_count ("SELECT count(*) FROM referral.referrals a, referral.referrals b"
                           " WHERE a.referral_id = $1 AND b.referral_id = $2"
                           " AND " S_COLUMNS ("a") " IS NOT DISTINCT FROM " S_COLUMNS ("b")
                           " AND a.free_text = $3 AND convert_to (a.free_text, 'UTF8') = convert_to ($3, 'UTF8')",
                           one, other, s_free_text), 1, "rows of %s and %s differ", one, other);
    cr_assert_eq (s_count ("SELECT count(*) FROM referral.referral_history a, referral.referral_history b"
                           " WHERE a.referral_id = $1 AND b.referral_id = $2 AND $3 <> ''"
                           " AND " S_HISTORY ("a") " IS NOT DISTINCT FROM " S_HISTORY ("b"),
                           one, other, "x"), 1, "history of %s and %s differ", one, other);
}

static int
s_start (void)
{
    int port = kpt_free_port ();
    static char setting [64];
    snprintf (setting, sizeof setting, "KUMPPANI_REFERRAL_METRICS_PORT=%d", port);
    const char *env [] = { setting, NULL };
    kpt_service_start ("referral", env);
    return port;
}

Test (group_commit_set, a_batch_reads_back_as_sent_and_as_alone)
{
    int port = s_start ();
    enum { CLIENTS = 3, EACH = 6 };
    char hetu [16];
    kpt_hetu (hetu, "010190", '-', 123);
    kp_client_t *clients [CLIENTS];
    Kumppani__V1__SubmitReferral notices [CLIENTS][EACH];
    char contacts [CLIENTS][EACH][64];
    long long written_before = kpt_metric (port, S_SET_WRITTEN);
    cr_assert_geq (written_before, 0, "no %s series", S_SET_WRITTEN);
    for (int client = 0; client < CLIENTS; client++) {
        clients [client] = kpt_client ("referral", "kela");
        for (int index = 0; index < EACH; index++) {
            //  A contact of each its own, to tell the replies apart.
            snprintf (contacts [client][index], sizeof contacts [client][index],
                      "Kela, ”yhteys” \\ {%d,%d}", client, index);
            s_fill (&notices [client][index], index % 2 ? S_REDUCTION : S_TRANSFER, hetu,
                    contacts [client][index]);
            char key [48], correlation [32];
            snprintf (key, sizeof key, "set-%d-%d-%d", (int) getpid (), client, index);
            snprintf (correlation, sizeof correlation, "set-%d-%d", client, index);
            s_send (clients [client], &notices [client][index], key, correlation);
        }
    }
    Kumppani__V1__Reply *replies [CLIENTS][EACH] = { { NULL } };
    for (int client = 0; client < CLIENTS; client++)
        for (int received = 0; received < EACH; received++) {
            Kumppani__V1__Reply *reply = kp_client_recv (clients [client], 10000);
            cr_assert_not_null (reply, "client %d got %d of %d replies", client, received, EACH);
            int from = -1, index = -1;
            cr_assert_eq (sscanf (reply->correlation_id, "set-%d-%d", &from, &index), 2);
            cr_assert_eq (from, client);
            cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK, "%s",
                          reply->error ? reply->error->code : "");
            s_assert_as_sent (reply->referral->referral, &notices [client][index]);
            replies [client][index] = reply;
        }
    long long written = kpt_metric (port, S_SET_WRITTEN);
    cr_assert_eq (written - written_before, CLIENTS * EACH, "%lld of %d notices were written set-based",
                  written - written_before, CLIENTS * EACH);

    //  The same notices alone, then each batched one compared with its twin.
    for (int kind = 0; kind < 2; kind++) {
        Kumppani__V1__SubmitReferral notice;
        char key [48];
        snprintf (key, sizeof key, "set-alone-%d-%d", (int) getpid (), kind);
        s_fill (&notice, kind ? S_REDUCTION : S_TRANSFER, hetu, contacts [0][kind]);
        Kumppani__V1__Reply *alone = s_alone (clients [0], &notice, key);
        cr_assert_eq (alone->status, KUMPPANI__V1__STATUS__STATUS_OK);
        const char *alone_id = alone->referral->referral->referral_id;
        Kumppani__V1__Reply *alone_read = s_get (clients [0], alone_id);
        for (int client = 0; client < CLIENTS; client++)
            for (int index = kind; index < EACH; index += 2) {
                Kumppani__V1__ReferralView *view = replies [client][index]->referral->referral;
                //  The sender contact is the one thing each was given its own.
                char *contact = view->sender_contact;
                view->sender_contact = contacts [0][kind];
                s_assert_same_view (view, alone->referral->referral);
                view->sender_contact = contact;
                Kumppani__V1__Reply *read = s_get (clients [client], view->referral_id);
                s_assert_as_sent (read->referral->referral, &notices [client][index]);
                contact = read->referral->referral->sender_contact;
                read->referral->referral->sender_contact = contacts [0][kind];
                s_assert_same_view (read->referral->referral, alone_read->referral->referral);
                read->referral->referral->sender_contact = contact;
                cr_assert_eq (read->referral->n_history, alone_read->referral->n_history);
                kumppani__v1__reply__free_unpacked (read, NULL);
                if (client == 0 && index == kind)
                    s_assert_same_rows (view->referral_id, alone_id);
                cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.audit_log WHERE detail = $1"
                                          " AND action = 'referral.submit_referral'", view->referral_id), 1);
                cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.events WHERE aggregate_id = $1"
                                          " AND topic = 'referral.received'", view->referral_id), 1);
            }
        kumppani__v1__reply__free_unpacked (alone_read, NULL);
        kumppani__v1__reply__free_unpacked (alone, NULL);
    }
    for (int client = 0; client < CLIENTS; client++) {
        for (int index = 0; index < EACH; index++)
            kumppani__v1__reply__free_unpacked (replies [client][index], NULL);
        kp_client_destroy (&clients [client]);
    }
}

//  One notice with an unknown municipality and one refused by validation
//  among good ones: the good are answered and stored once, the refused
//  get what they get alone.
Test (group_commit_set, refusals_in_a_set_answer_as_alone)
{
    s_start ();
    char hetu [16];
    kpt_hetu (hetu, "020290", '-', 456);
    kp_client_t *client = kpt_client ("referral", "kela");
    //  Alone first: the answers to expect.
    Kumppani__V1__Reply *expected [2];
    for (int bad = 0; bad < 2; bad++) {
        Kumppani__V1__SubmitReferral notice;
        s_fill (&notice, bad ? S_BAD_HETU : S_UNKNOWN_MUNICIPALITY, hetu, "alone");
        char key [48];
        snprintf (key, sizeof key, "set-refused-alone-%d-%d", (int) getpid (), bad);
        expected [bad] = s_alone (client, &notice, key);
        cr_assert_neq (expected [bad]->status, KUMPPANI__V1__STATUS__STATUS_OK);
    }
    enum { COUNT = 8, UNKNOWN = 2, BAD = 5 };
    char marker [64];
    snprintf (marker, sizeof marker, "set refused %d", (int) getpid ());
    Kumppani__V1__SubmitReferral notices [COUNT];
    for (int index = 0; index < COUNT; index++) {
        s_fill (&notices [index], index == UNKNOWN ? S_UNKNOWN_MUNICIPALITY : index == BAD ? S_BAD_HETU
                                : S_TRANSFER, hetu, marker);
        char key [48], correlation [32];
        snprintf (key, sizeof key, "set-refused-%d-%d", (int) getpid (), index);
        snprintf (correlation, sizeof correlation, "refused-%d", index);
        s_send (client, &notices [index], key, correlation);
    }
    for (int received = 0; received < COUNT; received++) {
        Kumppani__V1__Reply *reply = kp_client_recv (client, 10000);
        cr_assert_not_null (reply);
        int index = -1;
        cr_assert_eq (sscanf (reply->correlation_id, "refused-%d", &index), 1);
        if (index == UNKNOWN || index == BAD) {
            Kumppani__V1__Reply *alone = expected [index == BAD];
            cr_assert_eq (reply->status, alone->status);
            cr_assert_not_null (reply->error);
            cr_assert_str_eq (reply->error->code, alone->error->code);
            cr_assert_str_eq (reply->error->field, alone->error->field);
            cr_assert_str_eq (reply->error->message, alone->error->message);
        }
        else {
            cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK, "%s",
                          reply->error ? reply->error->code : "");
            s_assert_as_sent (reply->referral->referral, &notices [index]);
            cr_assert_eq (kpt_scalar ("SELECT count(*) FROM referral.referral_history WHERE referral_id = $1",
                                      reply->referral->referral->referral_id), 1);
        }
        kumppani__v1__reply__free_unpacked (reply, NULL);
    }
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM referral.referrals WHERE sender_contact = $1", marker),
                  COUNT - 2);
    for (int bad = 0; bad < 2; bad++)
        kumppani__v1__reply__free_unpacked (expected [bad], NULL);
    kp_client_destroy (&client);
}

//  The same keys again, in the same batch and in a later one: the stored
//  reply each time, nothing written twice.
Test (group_commit_set, retries_get_the_stored_reply)
{
    int port = s_start ();
    char hetu [16];
    kpt_hetu (hetu, "030390", '-', 789);
    kp_client_t *client = kpt_client ("referral", "kela");
    enum { KEYS = 5, ROUNDS = 2 };
    char marker [64];
    snprintf (marker, sizeof marker, "set retried %d", (int) getpid ());
    Kumppani__V1__SubmitReferral notice;
    s_fill (&notice, S_TRANSFER, hetu, marker);
    char ids [KEYS][32] = { { 0 } };
    for (int round = 0; round < ROUNDS; round++) {
        //  Each key twice in a row: the twin joins the same batch.
        for (int index = 0; index < 2 * KEYS; index++) {
            char key [48], correlation [32];
            snprintf (key, sizeof key, "set-retry-%d-%d", (int) getpid (), index / 2);
            snprintf (correlation, sizeof correlation, "retry-%d", index / 2);
            s_send (client, &notice, key, correlation);
        }
        for (int received = 0; received < 2 * KEYS; received++) {
            Kumppani__V1__Reply *reply = kp_client_recv (client, 10000);
            cr_assert_not_null (reply);
            int index = -1;
            cr_assert_eq (sscanf (reply->correlation_id, "retry-%d", &index), 1);
            cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK, "%s",
                          reply->error ? reply->error->code : "");
            const char *id = reply->referral->referral->referral_id;
            if (!*ids [index])
                snprintf (ids [index], sizeof ids [index], "%s", id);
            cr_assert_str_eq (id, ids [index], "key %d answered with two referrals", index);
            kumppani__v1__reply__free_unpacked (reply, NULL);
        }
    }
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM referral.referrals WHERE sender_contact = $1", marker), KEYS);
    for (int index = 0; index < KEYS; index++)
        cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.events WHERE aggregate_id = $1"
                                  " AND topic = 'referral.received'", ids [index]), 1);
    //  The first round's twins meet in one batch: its stored replies
    //  collide, so it may well have gone the careful way; a batch of
    //  fresh keys alone is written set-based.
    long long written_before = kpt_metric (port, S_SET_WRITTEN);
    char key [48];
    snprintf (key, sizeof key, "set-retry-%d-fresh", (int) getpid ());
    Kumppani__V1__Reply *fresh = s_alone (client, &notice, key);
    cr_assert_eq (fresh->status, KUMPPANI__V1__STATUS__STATUS_OK);
    kumppani__v1__reply__free_unpacked (fresh, NULL);
    cr_assert_eq (kpt_metric (port, S_SET_WRITTEN), written_before + 1);
    kp_client_destroy (&client);
}
