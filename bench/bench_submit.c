/*  bench_submit — N concurrent CURVE DEALER clients, each submitting Kela
    notices of need for social work to the referral service one at a time,
    each with a fresh idempotency key, for a fixed time. Counts only
    acknowledged (committed) replies and prints throughput and
    acknowledgement latency. Talks to a running system (`make up`;
    `source var/kumppani.env`). Prints, never asserts. */
#include "bench_samples.h"
#include "kp_client.h"
#include "kp_config.h"
#include "kp_ids.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *endpoint, *server_cert, *client_cert;
    int index;                      //  which worker: serials index, index + clients, ...
    int clients;
    long first_serial;              //  where this run's series starts
    int seconds;
    long acked, failed;
    long next_serial;               //  the first serial this worker did not use
    bench_samples_t latencies;      //  ms, one per acknowledged request
} worker_t;

//  A valid henkilötunnus for notice number serial: temporary individual
//  numbers 900-999 on birth dates 1.1.1950-28.12.1999, so 1.68 million
//  clients before one repeats (each notice about a new client, as in life
//  mostly). Never printed.
static void
s_bench_hetu (long serial, char *hetu)
{
    int number = 900 + (int) (serial % 100);
    int day = 1 + (int) (serial / 100 % 28);
    int month = 1 + (int) (serial / 2800 % 12);
    int year = 50 + (int) (serial / 33600 % 50);
    long long digits = ((long long) day * 10000 + month * 100 + year) * 1000 + number;   //  DDMMYYNNN
    snprintf (hetu, 16, "%02d%02d%02d-%03d%c", day, month, year, number,
              "0123456789ABCDEFHJKLMNPRSTUVWXY" [digits % 31]);
}

static void *
s_worker (void *arg)
{
    worker_t *self = arg;
    kp_client_t *client = kp_client_new (self->endpoint, self->server_cert, self->client_cert);
    if (!client) {
        fprintf (stderr, "bench_submit: cannot load %s or %s\n", self->server_cert, self->client_cert);
        return NULL;
    }
    int64_t end = zclock_mono () + self->seconds * 1000;
    long serial = self->first_serial + self->index;
    for (; zclock_mono () < end; serial += self->clients) {
        char hetu [16];
        s_bench_hetu (serial, hetu);
        Kumppani__V1__SubmitReferral notice = KUMPPANI__V1__SUBMIT_REFERRAL__INIT;
        notice.kind = KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_SOCIAL_WORK_NEED;
        notice.recipient_org = "muni-743";
        notice.recipient_type = "municipality";
        notice.municipality = "743";
        notice.hetu = hetu;
        notice.reason_category = KUMPPANI__V1__REASON_CATEGORY__REASON_CATEGORY_LIFE_MANAGEMENT;
        notice.legal_basis = KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CLIENT_REQUEST;
        notice.free_text = "Benchmark notice: rent arrears after benefit changes.";
        Kumppani__V1__Actor actor = KUMPPANI__V1__ACTOR__INIT;
        actor.person_id = "bench-kela-officer";
        actor.role = KUMPPANI__V1__ROLE__ROLE_KELA_OFFICER;
        char key [KP_ID_LEN + 1];
        kp_id_new (key);
        Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
        request.idempotency_key = key;
        request.actor = &actor;
        request.body_case = KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL;
        request.submit_referral = &notice;
        int64_t start = zclock_usecs ();
        Kumppani__V1__Reply *reply = kp_client_call (client, &request, 5000, 2);
        double ms = (double) (zclock_usecs () - start) / 1000.0;
        if (reply && reply->status == KUMPPANI__V1__STATUS__STATUS_OK) {
            self->acked++;
            bench_samples_add (&self->latencies, ms);
        }
        else {
            if (self->failed++ == 0)
                fprintf (stderr, "bench_submit: first refusal: %s\n",
                         reply && reply->error ? reply->error->code : "no reply");
        }
        if (reply)
            kumppani__v1__reply__free_unpacked (reply, NULL);
    }
    self->next_serial = serial;
    kp_client_destroy (&client);
    return NULL;
}

//  Where this run's henkilötunnus series starts: BENCH_SUBMIT_SERIAL, or
//  where the last run on this database left off (s_serial_file), so each
//  notice is about a person intake does not know yet, run after run: a
//  known person takes intake's slower path (it joins the open case), and
//  a series that overlapped an earlier run's made the figures depend on
//  what the database had seen.
static const char *s_serial_file = "var/bench-submit.serial";

static long
s_first_serial (void)
{
    if (getenv ("BENCH_SUBMIT_SERIAL"))
        return atol (getenv ("BENCH_SUBMIT_SERIAL"));
    long serial = 0;
    FILE *file = fopen (s_serial_file, "r");
    if (file) {
        if (fscanf (file, "%ld", &serial) != 1)
            serial = 0;
        fclose (file);
    }
    return serial;
}

static void
s_serial_save (long serial)
{
    FILE *file = fopen (s_serial_file, "w");
    if (file) {
        fprintf (file, "%ld\n", serial);
        fclose (file);
    }
}

int
main (int argc, char **argv)
{
    int clients = argc > 1 ? atoi (argv [1]) : 8;
    int seconds = argc > 2 ? atoi (argv [2]) : 5;
    const char *kela_cert = argc > 3 ? argv [3] : "var/certs/clients/kela.cert";
    if (clients < 1 || seconds < 1) {
        fprintf (stderr, "usage: bench_submit [CLIENTS] [SECONDS] [KELA_CERT]\n");
        return 2;
    }
    zsys_init ();
    kp_config_t *config = kp_config_load (NULL);
    if (!config) {
        fprintf (stderr, "bench_submit: no configuration (source var/kumppani.env)\n");
        return 1;
    }
    char *server_cert = kp_config_service_cert_path (config, KP_SERVICE_REFERRAL);
    long first_serial = s_first_serial ();
    worker_t *workers = calloc ((size_t) clients, sizeof (worker_t));
    pthread_t *threads = calloc ((size_t) clients, sizeof (pthread_t));
    for (int index = 0; index < clients; index++) {
        workers [index] = (worker_t) {
            config->endpoints [KP_SERVICE_REFERRAL], server_cert, kela_cert, index, clients, first_serial, seconds
        };
        pthread_create (&threads [index], NULL, s_worker, &workers [index]);
    }
    long acked = 0, failed = 0, next_serial = first_serial;
    bench_samples_t all = { 0 };
    for (int index = 0; index < clients; index++) {
        pthread_join (threads [index], NULL);
        acked += workers [index].acked;
        failed += workers [index].failed;
        if (workers [index].next_serial > next_serial)
            next_serial = workers [index].next_serial;
        bench_samples_take (&all, &workers [index].latencies);
    }
    double p50 = bench_samples_percentile (&all, 0.50), p99 = bench_samples_percentile (&all, 0.99);
    double max = bench_samples_percentile (&all, 1.0);
    printf ("BENCH submit n=%d seconds=%d acked=%ld failed=%ld kumppani_tps=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
            clients, seconds, acked, failed, (double) acked / seconds, p50, p99, max);
    if (!getenv ("BENCH_SUBMIT_SERIAL"))
        s_serial_save (next_serial);
    bench_samples_free (&all);
    free (workers);
    free (threads);
    free (server_cert);
    kp_config_destroy (&config);
    return failed > 0 && acked == 0;
}
