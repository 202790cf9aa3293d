/*  chaos — the client side of the chaos run (chaos/run.sh kills services
    and restarts PostgreSQL around it). Three modes:

      chaos drive referral|intake SECONDS ACKS
          submits referrals as Kela (or registers clients as muni-743) one
          after another for SECONDS, Lazy Pirate style: on a timeout the
          socket is rebuilt and the same request, same idempotency key, is
          sent again; UNAVAILABLE is retried the same way. After SECONDS the
          request in hand is still retried until answered. Every answer is
          written to ACKS as "KIND KEY ID", then a "# totals" line.
      chaos subscribe RECORD HEADFILE
          follows the stream as the operator (kp_subscriber: live + replay)
          and writes "seq topic aggregate_id" per event to RECORD, until
          HEADFILE names a seq it has reached.
      chaos verify RECORD AUDIT ACKS…
          checks the acknowledgements and the subscriber's record against
          the database and prints the figures, ending with the CHAOS line.

    Settings: KUMPPANI_*_ENDPOINT, KUMPPANI_DB_ADMIN_CONNINFO, and CHAOS_CERTS
    (a directory with services/NAME.cert and clients/ORG.cert[_secret]). */
#include "kp_client.h"
#include "kp_ids.h"
#include "kp_subscriber.h"

#include <czmq.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHAOS_TIMEOUT_MS    1000        //  per attempt: a killed service answers nothing
#define CHAOS_SETTLE_MS     120000      //  the last request may wait this long after the run
#define CHAOS_MAX_RECORD    200000      //  events the verifier can hold

static const char *
s_env (const char *name)
{
    const char *value = getenv (name);
    if (!value || !*value) {
        fprintf (stderr, "chaos: set %s\n", name);
        exit (2);
    }
    return value;
}

static const char *
s_cert (const char *kind, const char *name)
{
    static char paths [2][512];
    static int next;
    char *path = paths [next++ % 2];
    snprintf (path, 512, "%s/%s/%s.cert", s_env ("CHAOS_CERTS"), kind, name);
    return path;
}

//  --------------------------------------------------------------------------
//  drive

typedef struct {
    long submitted, acknowledged, retried, rejected;
} s_totals_t;

static void
s_fill_referral (Kumppani__V1__Request *request, Kumppani__V1__SubmitReferral *body, const char *key)
{
    static char client_ref [64];
    snprintf (client_ref, sizeof client_ref, "chaos-%s", key);
    kumppani__v1__submit_referral__init (body);
    body->kind = KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_SOCIAL_WORK_NEED;
    body->recipient_org = "muni-743";
    body->recipient_type = "municipality";
    body->municipality = "743";
    body->client_ref = client_ref;          //  ties the row to this submission
    body->reason_category = KUMPPANI__V1__REASON_CATEGORY__REASON_CATEGORY_INCOME;
    body->legal_basis = KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CLIENT_REQUEST;
    request->body_case = KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL;
    request->submit_referral = body;
}

static void
s_fill_client (Kumppani__V1__Request *request, Kumppani__V1__RegisterClient *body,
               Kumppani__V1__ClientAttributes *attributes)
{
    kumppani__v1__client_attributes__init (attributes);
    attributes->gender = KUMPPANI__V1__GENDER__GENDER_NOT_TOLD;
    attributes->language = "fi";
    kumppani__v1__register_client__init (body);
    body->attributes = attributes;          //  no henkilötunnus: a new client every time
    request->body_case = KUMPPANI__V1__REQUEST__BODY_REGISTER_CLIENT;
    request->register_client = body;
}

//  The id the reply names, "" if none.
static const char *
s_reply_id (const Kumppani__V1__Reply *reply)
{
    if (reply->body_case == KUMPPANI__V1__REPLY__BODY_REFERRAL && reply->referral)
        return reply->referral->referral ? reply->referral->referral->referral_id : "";
    if (reply->body_case == KUMPPANI__V1__REPLY__BODY_CLIENT && reply->client)
        return reply->client->client_id;
    return "";
}

static bool
s_retryable (const Kumppani__V1__Reply *reply)
{
    return !reply
        || reply->status == KUMPPANI__V1__STATUS__STATUS_UNAVAILABLE
        || reply->status == KUMPPANI__V1__STATUS__STATUS_INTERNAL;
}

static int
s_drive (const char *what, int seconds, const char *acks_path)
{
    bool referral = strcmp (what, "referral") == 0;
    const char *service = referral ? "referral" : "intake";
    const char *org = referral ? "kela" : "muni-743";
    char endpoint_var [64];
    snprintf (endpoint_var, sizeof endpoint_var, "KUMPPANI_%s_ENDPOINT", referral ? "REFERRAL" : "INTAKE");
    const char *endpoint = s_env (endpoint_var);
    FILE *acks = fopen (acks_path, "w");
    if (!acks) {
        perror (acks_path);
        return 2;
    }
    kp_client_t *client = kp_client_new (endpoint, s_cert ("services", service), s_cert ("clients", org));
    if (!client)
        return 2;
    s_totals_t totals = { 0 };
    int64_t stop_at = zclock_mono () + seconds * 1000LL;
    while (zclock_mono () < stop_at && !zsys_interrupted) {
        char key [KP_ID_LEN + 1], correlation [KP_ID_LEN + 1];
        kp_id_new (key);
        Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
        Kumppani__V1__Actor actor = KUMPPANI__V1__ACTOR__INIT;
        actor.person_id = "chaos-worker";
        actor.role = referral ? KUMPPANI__V1__ROLE__ROLE_KELA_OFFICER : KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER;
        request.actor = &actor;
        request.idempotency_key = key;
        Kumppani__V1__SubmitReferral referral_body;
        Kumppani__V1__RegisterClient client_body;
        Kumppani__V1__ClientAttributes attributes;
        if (referral)
            s_fill_referral (&request, &referral_body, key);
        else
            s_fill_client (&request, &client_body, &attributes);
        totals.submitted++;

        //  Lazy Pirate: same key until answered.
        int64_t give_up_at = stop_at + CHAOS_SETTLE_MS;
        Kumppani__V1__Reply *reply = NULL;
        for (int attempt = 0; ; attempt++) {
            kp_id_new (correlation);
            request.correlation_id = correlation;
            reply = kp_client_call (client, &request, CHAOS_TIMEOUT_MS, 0);
            if (!s_retryable (reply) || zclock_mono () > give_up_at || zsys_interrupted)
                break;
            fprintf (stderr, "chaos: %s %s attempt %d: %s\n", what, key, attempt + 1,
                     reply && reply->error ? reply->error->code : "no answer");
            if (reply)
                kumppani__v1__reply__free_unpacked (reply, NULL);
            reply = NULL;
            totals.retried++;
            //  A fresh socket: the old one may hold a half-dead connection.
            kp_client_destroy (&client);
            zclock_sleep (attempt < 5 ? 100 : 500);
            client = kp_client_new (endpoint, s_cert ("services", service), s_cert ("clients", org));
            if (!client)
                return 2;
        }
        if (reply && reply->status == KUMPPANI__V1__STATUS__STATUS_OK) {
            totals.acknowledged++;
            fprintf (acks, "%s %s %s\n", what, key, s_reply_id (reply));
        }
        else {
            totals.rejected++;
            fprintf (stderr, "chaos: %s %s not acknowledged: %s\n", what, key,
                     reply && reply->error ? reply->error->code : "no answer");
        }
        fflush (acks);
        if (reply)
            kumppani__v1__reply__free_unpacked (reply, NULL);
    }
    fprintf (acks, "# totals submitted=%ld acknowledged=%ld retried=%ld rejected=%ld\n",
             totals.submitted, totals.acknowledged, totals.retried, totals.rejected);
    fclose (acks);
    kp_client_destroy (&client);
    return totals.rejected ? 1 : 0;
}

//  --------------------------------------------------------------------------
//  subscribe

static uint64_t
s_head (const char *head_path)
{
    FILE *file = fopen (head_path, "r");
    if (!file)
        return 0;
    unsigned long long head = 0;
    if (fscanf (file, "%llu", &head) != 1)
        head = 0;
    fclose (file);
    return head;
}

static int
s_subscribe (const char *record_path, const char *head_path)
{
    FILE *record = fopen (record_path, "w");
    if (!record) {
        perror (record_path);
        return 2;
    }
    kp_subscriber_t *subscriber = kp_subscriber_new (
        s_env ("KUMPPANI_STREAM_ENDPOINT"), s_env ("KUMPPANI_STREAM_PUB_ENDPOINT"),
        s_cert ("services", "stream"), s_cert ("clients", "operator"), NULL, 0);
    if (!subscriber)
        return 2;
    int rc = 0;
    while (!zsys_interrupted) {
        Kumppani__V1__Event *event = kp_subscriber_next (subscriber, 500);
        if (event) {
            fprintf (record, "%" PRIu64 " %s %s\n", event->seq, event->topic, event->aggregate_id);
            fflush (record);
            kumppani__v1__event__free_unpacked (event, NULL);
            continue;
        }
        uint64_t head = s_head (head_path);
        if (head > 0 && kp_subscriber_last_seq (subscriber) >= head)
            break;
    }
    //  How much came live says whether the DEALER kept its subscriptions
    //  through the stream's restarts (one the relay forgot would catch up
    //  only by replay, after each silence).
    fprintf (stderr, "chaos: subscriber reached seq %" PRIu64 " after %" PRIu64 " replays; %" PRIu64
             " events live, subscriptions sent %" PRIu64 " times\n",
             kp_subscriber_last_seq (subscriber), kp_subscriber_replays (subscriber),
             kp_subscriber_live (subscriber), kp_subscriber_subscriptions (subscriber));
    kp_subscriber_destroy (&subscriber);
    fclose (record);
    return rc;
}

//  --------------------------------------------------------------------------
//  verify

typedef struct {
    char topic [64];
    char aggregate [64];
} s_event_t;

static long long
s_count (PGconn *db, const char *sql, const char *param)
{
    const char *values [] = { param };
    PGresult *result = PQexecParams (db, sql, param ? 1 : 0, NULL, values, NULL, NULL, 0);
    long long value = -1;
    if (PQresultStatus (result) == PGRES_TUPLES_OK && PQntuples (result) == 1)
        value = strtoll (PQgetvalue (result, 0, 0), NULL, 10);
    else
        fprintf (stderr, "chaos: %s: %s", sql, PQresultErrorMessage (result));
    PQclear (result);
    return value;
}

static int
s_verify (const char *record_path, const char *audit, int ack_count, char **ack_paths)
{
    PGconn *db = PQconnectdb (s_env ("KUMPPANI_DB_ADMIN_CONNINFO"));
    if (PQstatus (db) != CONNECTION_OK) {
        fprintf (stderr, "chaos: %s", PQerrorMessage (db));
        return 2;
    }
    //  The subscriber's record, indexed by seq.
    s_event_t *seen = calloc (CHAOS_MAX_RECORD + 1, sizeof *seen);
    long long repeats = 0, beyond = 0;
    FILE *record = fopen (record_path, "r");
    char line [256];
    while (record && fgets (line, sizeof line, record)) {
        unsigned long long seq;
        char topic [64], aggregate [64];
        if (sscanf (line, "%llu %63s %63s", &seq, topic, aggregate) != 3)
            continue;
        if (seq == 0 || seq > CHAOS_MAX_RECORD) {
            beyond++;
            continue;
        }
        repeats += *seen [seq].topic != 0;
        snprintf (seen [seq].topic, sizeof seen [seq].topic, "%s", topic);
        snprintf (seen [seq].aggregate, sizeof seen [seq].aggregate, "%s", aggregate);
    }
    if (record)
        fclose (record);

    //  Every acknowledged submission exists exactly once, with one creation
    //  event; a referral also opened exactly one case on intake's side.
    s_totals_t totals = { 0 };
    long long lost = 0, duplicated = 0, unlinked = 0;
    for (int index = 0; index < ack_count; index++) {
        FILE *acks = fopen (ack_paths [index], "r");
        while (acks && fgets (line, sizeof line, acks)) {
            long submitted, acknowledged, retried, rejected;
            if (sscanf (line, "# totals submitted=%ld acknowledged=%ld retried=%ld rejected=%ld",
                        &submitted, &acknowledged, &retried, &rejected) == 4) {
                totals.submitted += submitted;
                totals.retried += retried;
                totals.rejected += rejected;
                continue;
            }
            char kind [16], key [64], id [64];
            if (sscanf (line, "%15s %63s %63s", kind, key, id) != 3)
                continue;
            totals.acknowledged++;
            bool referral = strcmp (kind, "referral") == 0;
            long long rows = s_count (db, referral
                ? "SELECT count(*) FROM referral.referrals WHERE referral_id = $1"
                : "SELECT count(*) FROM intake.clients WHERE client_id = $1", id);
            lost += rows == 0;
            duplicated += rows > 1;
            long long created = s_count (db,
                "SELECT count(*) FROM kp.events WHERE aggregate_id = $1"
                " AND topic IN ('referral.received', 'intake.client_registered')", id);
            duplicated += created > 1;
            lost += created == 0;
            if (referral) {
                char client_ref [80];
                snprintf (client_ref, sizeof client_ref, "chaos-%s", key);
                duplicated += s_count (db, "SELECT count(*) FROM referral.referrals WHERE client_ref = $1",
                                       client_ref) > 1;
                unlinked += s_count (db, "SELECT count(*) FROM intake.case_referrals WHERE referral_id = $1",
                                     id) != 1;
            }
        }
        if (acks)
            fclose (acks);
    }
    //  Effects of submissions never acknowledged would be extra rows.
    long long referrals = s_count (db, "SELECT count(*) FROM referral.referrals WHERE client_ref LIKE 'chaos-%'", NULL);
    //  (Intake also makes a client for each referral's case: not counted.)
    long long clients = s_count (db,
        "SELECT count(*) FROM intake.clients c WHERE NOT EXISTS (SELECT 1 FROM intake.cases k"
        " JOIN intake.case_referrals r USING (case_id) WHERE k.client_id = c.client_id)", NULL);

    //  The stream: the database's seq is gap-free, and the subscriber saw
    //  every event, the same one, once.
    long long head = s_count (db, "SELECT coalesce(max(seq), 0) FROM kp.events", NULL);
    long long rows = s_count (db, "SELECT count(*) FROM kp.events", NULL);
    long long gaps = (head - rows) + repeats + beyond, mismatched = 0;
    PGresult *events = PQexec (db, "SELECT seq, topic, aggregate_id FROM kp.events ORDER BY seq");
    for (int row = 0; row < PQntuples (events); row++) {
        long long seq = strtoll (PQgetvalue (events, row, 0), NULL, 10);
        if (seq < 1 || seq > CHAOS_MAX_RECORD || !*seen [seq].topic) {
            gaps++;
            continue;
        }
        mismatched += strcmp (seen [seq].topic, PQgetvalue (events, row, 1)) != 0
                   || strcmp (seen [seq].aggregate, PQgetvalue (events, row, 2)) != 0;
    }
    PQclear (events);
    PQfinish (db);
    free (seen);

    printf ("chaos: referrals in the database %lld, registered clients %lld, events %lld (head seq %lld)\n",
            referrals, clients, rows, head);
    printf ("chaos: referrals without their intake case %lld, events delivered differently %lld,"
            " not acknowledged %ld\n", unlinked, mismatched, totals.rejected);
    printf ("CHAOS submitted=%ld acknowledged=%ld retried=%ld kills=%s lost=%lld duplicated=%lld"
            " stream_gaps=%lld audit=%s\n", totals.submitted, totals.acknowledged, totals.retried,
            getenv ("CHAOS_KILLS") ? getenv ("CHAOS_KILLS") : "?", lost + unlinked,
            duplicated + (referrals + clients - totals.acknowledged), gaps + mismatched, audit);
    bool ok = totals.acknowledged == totals.submitted && lost + unlinked == 0 && duplicated == 0
           && referrals + clients == totals.acknowledged && gaps + mismatched == 0
           && strcmp (audit, "ok") == 0;
    return ok ? 0 : 1;
}

int
main (int argc, char **argv)
{
    zsys_init ();
    zsys_set_logstream (NULL);
    if (argc == 5 && strcmp (argv [1], "drive") == 0)
        return s_drive (argv [2], atoi (argv [3]), argv [4]);
    if (argc == 4 && strcmp (argv [1], "subscribe") == 0)
        return s_subscribe (argv [2], argv [3]);
    if (argc >= 5 && strcmp (argv [1], "verify") == 0)
        return s_verify (argv [2], argv [3], argc - 4, argv + 4);
    fprintf (stderr, "usage: chaos drive referral|intake SECONDS ACKS\n"
                     "       chaos subscribe RECORD HEADFILE\n"
                     "       chaos verify RECORD ok|broken ACKS…\n");
    return 2;
}
