/*  Issue 20 part B through real CURVE sockets, real processes and the test
    cluster: Kela's statement request and its own clock (one breach when
    unanswered, across a restart; none when answered in time; a late
    answer shows as such), the message thread between the two parties
    (in order to both, refused to a third organisation without an
    existence signal, bounded and checked, idempotent, its texts in no
    event, audit row or log line), and the partner SLA report against a
    scenario counted by hand. Business days move with KUMPPANI_CLOCK_FILE
    in 1998, a year no other suite writes to, since the cluster is shared;
    a past year also leaves the statutory clocks of the other suites'
    referrals running (a future day would breach them all at once and keep
    the deadline watch busy for seconds). */
#define _GNU_SOURCE
#include "harness.h"
#include "kp_calendar.h"
#include "kp_codec.h"

#include <criterion/criterion.h>
#include <czmq.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TestSuite (referral_exchange, .init = kpt_setup_own_database, .fini = kpt_teardown_own_database, .timeout = 180);

#define ST(name) KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_##name
#define KD(name) KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_##name
#define STATUS(name) KUMPPANI__V1__STATUS__STATUS_##name
#define SRS(name) KUMPPANI__V1__STATEMENT_REQUEST_STATE__STATEMENT_REQUEST_STATE_##name
#define HETU "131052-308T"

static char s_clock_path [600];
static char s_clock_env [640];

//  Noon in Helsinki (10:00 UTC) on day.
static void
s_set_day (const char *day)
{
    kp_date_t date;
    cr_assert_eq (kp_date_parse (day, &date), 0);
    FILE *file = fopen (s_clock_path, "w");
    cr_assert_not_null (file);
    fprintf (file, "%" PRId64 "\n", ((int64_t) date * 86400 + 36000) * 1000000);
    fclose (file);
}

static const char **
s_env (void)
{
    static const char *env [4];
    env [0] = "KUMPPANI_POLL_MS=100";
    env [1] = s_clock_env;
    env [2] = "KUMPPANI_LOG_LEVEL=debug";
    env [3] = NULL;
    return env;
}

//  Starts a service with its stderr (the log) appended to log_fd.
static void
s_start_logged (const char *service, int log_fd)
{
    int saved = dup (STDERR_FILENO);
    fflush (stderr);
    dup2 (log_fd, STDERR_FILENO);
    kpt_service_start (service, s_env ());
    fflush (stderr);
    dup2 (saved, STDERR_FILENO);
    close (saved);
}

static int s_log_fd = -1;
static char s_log_path [640];

static void
s_start (const char *day, bool reporting)
{
    snprintf (s_clock_path, sizeof s_clock_path, "%s/clock", kpt_cert_dir ("."));
    snprintf (s_clock_env, sizeof s_clock_env, "KUMPPANI_CLOCK_FILE=%s", s_clock_path);
    snprintf (s_log_path, sizeof s_log_path, "%s/services.log", kpt_cert_dir ("."));
    s_log_fd = open (s_log_path, O_CREAT | O_WRONLY | O_APPEND, 0600);
    cr_assert_geq (s_log_fd, 0);
    s_set_day (day);
    s_start_logged ("stream", s_log_fd);
    s_start_logged ("referral", s_log_fd);
    if (reporting)
        s_start_logged ("reporting", s_log_fd);
}

static Kumppani__V1__Role
s_role (const char *org)
{
    if (strcmp (org, "kela") == 0)
        return KUMPPANI__V1__ROLE__ROLE_KELA_OFFICER;
    if (strncmp (org, "muni-", 5) == 0)
        return KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER;
    return kpt_role_of (org);
}

//  One request as org; key NULL: a fresh one for a mutating body.
static Kumppani__V1__Reply *
s_call_to (const char *service, const char *org, int body_case, void *body, const char *key)
{
    bool mutating = body_case != KUMPPANI__V1__REQUEST__BODY_GET_REFERRAL
                 && body_case != KUMPPANI__V1__REQUEST__BODY_LIST_REFERRAL_MESSAGES
                 && body_case != KUMPPANI__V1__REQUEST__BODY_RUN_REPORT
                 && body_case != KUMPPANI__V1__REQUEST__BODY_REPLAY;
    kp_client_t *client = kpt_client (service, org);
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, s_role (org), mutating);
    if (key)
        request.idempotency_key = (char *) key;
    request.body_case = (Kumppani__V1__Request__BodyCase) body_case;
    const ProtobufCFieldDescriptor *field =
        protobuf_c_message_descriptor_get_field (&kumppani__v1__request__descriptor, (unsigned) body_case);
    *(void **) ((char *) &request + field->offset) = body;
    Kumppani__V1__Reply *reply = kpt_call (client, &request);
    kp_client_destroy (&client);
    cr_assert_not_null (reply, "no reply from %s", service);
    return reply;
}

static Kumppani__V1__Reply *
s_call (const char *org, int body_case, void *body)
{
    return s_call_to ("referral", org, body_case, body, NULL);
}

static void
s_expect (Kumppani__V1__Reply *reply, Kumppani__V1__Status status, const char *code)
{
    cr_assert_eq (reply->status, status, "status %d (%s: %s), expected %d", reply->status,
                  reply->error ? reply->error->code : "", reply->error ? reply->error->message : "", status);
    if (code)
        cr_assert_str_eq (reply->error->code, code);
}

//  Expects the status and code and frees the reply.
static void
s_refused (Kumppani__V1__Reply *reply, Kumppani__V1__Status status, const char *code)
{
    s_expect (reply, status, code);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

static void
s_notice (Kumppani__V1__SubmitReferral *body)
{
    kumppani__v1__submit_referral__init (body);
    body->kind = KD(SOCIAL_WORK_NEED);
    body->recipient_org = "muni-743";
    body->recipient_type = "municipality";
    body->municipality = "743";
    body->hetu = HETU;
    body->reason_category = KUMPPANI__V1__REASON_CATEGORY__REASON_CATEGORY_LIFE_MANAGEMENT;
    body->legal_basis = KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CONSENT;
    body->consent_ref = "consent-1";
    body->free_text = "Rent arrears.";
}

static void
s_submit (const char *org, Kumppani__V1__SubmitReferral *body, char *id)
{
    Kumppani__V1__Reply *reply = s_call (org, KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL, body);
    s_expect (reply, STATUS(OK), NULL);
    snprintf (id, 32, "%s", reply->referral->referral->referral_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

static void
s_kela_notice (char *id)
{
    Kumppani__V1__SubmitReferral body;
    s_notice (&body);
    s_submit ("kela", &body, id);
}

static Kumppani__V1__Reply *
s_simple (const char *org, int body_case, const char *id)
{
    Kumppani__V1__AcknowledgeReferral ack = KUMPPANI__V1__ACKNOWLEDGE_REFERRAL__INIT;
    Kumppani__V1__AcceptReferral accept = KUMPPANI__V1__ACCEPT_REFERRAL__INIT;
    Kumppani__V1__DeclineReferral decline = KUMPPANI__V1__DECLINE_REFERRAL__INIT;
    Kumppani__V1__RecordReferralOutcome outcome = KUMPPANI__V1__RECORD_REFERRAL_OUTCOME__INIT;
    Kumppani__V1__GiveStatement statement = KUMPPANI__V1__GIVE_STATEMENT__INIT;
    Kumppani__V1__GetReferral get = KUMPPANI__V1__GET_REFERRAL__INIT;
    void *body = NULL;
    switch (body_case) {
        case KUMPPANI__V1__REQUEST__BODY_ACKNOWLEDGE_REFERRAL: ack.referral_id = (char *) id; body = &ack; break;
        case KUMPPANI__V1__REQUEST__BODY_ACCEPT_REFERRAL: accept.referral_id = (char *) id; body = &accept; break;
        case KUMPPANI__V1__REQUEST__BODY_DECLINE_REFERRAL:
            decline.referral_id = (char *) id;
            decline.reason_code = "no_capacity";
            body = &decline;
            break;
        case KUMPPANI__V1__REQUEST__BODY_RECORD_REFERRAL_OUTCOME:
            outcome.referral_id = (char *) id;
            outcome.outcome_code = "debt_plan_made";
            body = &outcome;
            break;
        case KUMPPANI__V1__REQUEST__BODY_GIVE_STATEMENT:
            statement.referral_id = (char *) id;
            statement.statement = "Supplementary assistance is justified.";
            body = &statement;
            break;
        default: get.referral_id = (char *) id; body = &get; break;
    }
    return s_call (org, body_case, body);
}

static void
s_ok (const char *org, int body_case, const char *id)
{
    Kumppani__V1__Reply *reply = s_simple (org, body_case, id);
    s_expect (reply, STATUS(OK), NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

static Kumppani__V1__Reply *
s_request (const char *org, const char *id, const char *due, const char *note)
{
    Kumppani__V1__RequestStatement body = KUMPPANI__V1__REQUEST_STATEMENT__INIT;
    body.referral_id = (char *) id;
    body.due_on = (char *) due;
    body.note = (char *) (note ? note : "");
    return s_call (org, KUMPPANI__V1__REQUEST__BODY_REQUEST_STATEMENT, &body);
}

//  The one statement request Kela's GetReferral shows on id.
static Kumppani__V1__StatementRequestState
s_request_state (const char *id, bool *notified)
{
    Kumppani__V1__Reply *reply = s_simple ("kela", KUMPPANI__V1__REQUEST__BODY_GET_REFERRAL, id);
    s_expect (reply, STATUS(OK), NULL);
    cr_assert_eq (reply->referral->referral->n_statement_requests, 1);
    Kumppani__V1__StatementRequestState state = reply->referral->referral->statement_requests [0]->state;
    if (notified)
        *notified = reply->referral->referral->statement_requests [0]->breach_notified;
    kumppani__v1__reply__free_unpacked (reply, NULL);
    return state;
}

//  Polls a count until it reaches at least want (bounded); the last value,
//  so that a count past want fails the caller's equality too.
static long long
s_wait_for (const char *sql, const char *param, long long want)
{
    long long value = -1;
    for (int attempt = 0; attempt < 150; attempt++) {
        value = kpt_scalar (sql, param);
        if (value >= want)
            break;
        zclock_sleep (100);
    }
    return value;
}

#define OVERDUE "SELECT count(*) FROM kp.events WHERE aggregate_id = $1 AND topic = 'referral.statement_overdue'"

// ---------------------------------------------------------------------

Test (referral_exchange, a_statement_request_breaches_once_and_an_answer_in_time_never)
{
    s_start ("1998-06-01", false);               //  a Monday
    char late [32], answered [32], sentinel [32], lapsed [32];
    s_kela_notice (late);
    s_kela_notice (answered);
    s_kela_notice (lapsed);
    s_ok ("muni-743", KUMPPANI__V1__REQUEST__BODY_ACKNOWLEDGE_REFERRAL, late);
    s_ok ("muni-743", KUMPPANI__V1__REQUEST__BODY_ACKNOWLEDGE_REFERRAL, answered);
    //  Asked, then declined: no statement can follow, so no breach either.
    Kumppani__V1__Reply *asked = s_request ("kela", lapsed, "1998-06-02", NULL);
    s_expect (asked, STATUS(OK), NULL);
    kumppani__v1__reply__free_unpacked (asked, NULL);
    s_ok ("muni-743", KUMPPANI__V1__REQUEST__BODY_DECLINE_REFERRAL, lapsed);

    Kumppani__V1__Reply *reply = s_request ("kela", late, "1998-06-03", "Income 1998-05 and the plan, please.");
    s_expect (reply, STATUS(OK), NULL);
    Kumppani__V1__ReferralView *view = reply->referral->referral;
    cr_assert_eq (view->n_statement_requests, 1);
    cr_assert_str_eq (view->statement_requests [0]->due_on, "1998-06-03");
    cr_assert_eq (view->statement_requests [0]->state, SRS(OPEN));
    cr_assert_eq (view->state, ST(ACKNOWLEDGED), "asking moved the referral");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  One open request at a time.
    s_refused (s_request ("kela", late, "1998-06-04", NULL), STATUS(CONFLICT), "referral.statement_already_requested");
    reply = s_request ("kela", answered, "1998-06-03", NULL);
    s_expect (reply, STATUS(OK), NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  The receiver sees it, and Kela's note, in GetReferral.
    reply = s_simple ("muni-743", KUMPPANI__V1__REQUEST__BODY_GET_REFERRAL, late);
    s_expect (reply, STATUS(OK), NULL);
    cr_assert_eq (reply->referral->referral->n_statement_requests, 1);
    cr_assert_str_eq (reply->referral->referral->statement_requests [0]->note, "Income 1998-05 and the plan, please.");
    cr_assert_str_eq (reply->referral->referral->statement_requests [0]->requested_by_org, "kela");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.events WHERE aggregate_id = $1"
                              " AND topic = 'referral.statement_requested' AND sender_org = 'kela'", late), 1);

    //  Answered on the due date: no breach, ever.
    s_set_day ("1998-06-03");
    s_ok ("muni-743", KUMPPANI__V1__REQUEST__BODY_GIVE_STATEMENT, answered);
    cr_assert_eq (s_request_state (answered, NULL), SRS(ANSWERED));
    //  Kela sees the answer beside its request.
    reply = s_simple ("kela", KUMPPANI__V1__REQUEST__BODY_GET_REFERRAL, answered);
    s_expect (reply, STATUS(OK), NULL);
    cr_assert_str_eq (reply->referral->referral->statement, "Supplementary assistance is justified.");
    cr_assert_gt (reply->referral->referral->statement_requests [0]->answered_at, 0);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  The day after the due date the unanswered one breaches.
    s_set_day ("1998-06-04");
    cr_assert_eq (s_wait_for (OVERDUE, late, 1), 1, "not one breach for the unanswered request");
    bool notified = false;
    cr_assert_eq (s_request_state (late, &notified), SRS(OVERDUE));
    cr_assert (notified);
    //  Answered twice: the second statement is given unasked; the request
    //  keeps its first answer (in time, with its text), the history both steps.
    long long answered_at = kpt_scalar ("SELECT (extract (epoch FROM answered_at) * 1000000)::int8"
                                        " FROM referral.statement_requests WHERE referral_id = $1", answered);
    Kumppani__V1__GiveStatement corrected = KUMPPANI__V1__GIVE_STATEMENT__INIT;
    corrected.referral_id = answered;
    corrected.statement = "A corrected statement: assistance for two months.";
    reply = s_call ("muni-743", KUMPPANI__V1__REQUEST__BODY_GIVE_STATEMENT, &corrected);
    s_expect (reply, STATUS(OK), NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (s_request_state (answered, NULL), SRS(ANSWERED), "the second statement re-answered the request");
    //  The referral shows the latest statement, the request the one that
    //  answered it: the first text is not lost.
    reply = s_simple ("kela", KUMPPANI__V1__REQUEST__BODY_GET_REFERRAL, answered);
    s_expect (reply, STATUS(OK), NULL);
    cr_assert_str_eq (reply->referral->referral->statement, corrected.statement);
    cr_assert_str_eq (reply->referral->referral->statement_requests [0]->statement,
                      "Supplementary assistance is justified.");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (kpt_scalar ("SELECT (extract (epoch FROM answered_at) * 1000000)::int8"
                              " FROM referral.statement_requests WHERE referral_id = $1", answered), answered_at);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM referral.referral_history WHERE referral_id = $1"
                              " AND operation = 'referral.give_statement'", answered), 2);

    //  Restart: not again. The sentinel, due today, breaches tomorrow; the
    //  watch takes requests by due date, so the tick that sends its breach
    //  would have sent a repeat of the earlier one first.
    s_kela_notice (sentinel);
    reply = s_request ("kela", sentinel, "1998-06-04", NULL);
    s_expect (reply, STATUS(OK), NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (kpt_service_stop ("referral"), 0, "the referral service did not exit cleanly");
    s_set_day ("1998-06-05");
    s_start_logged ("referral", s_log_fd);
    cr_assert_eq (s_wait_for (OVERDUE, sentinel, 1), 1, "the restarted watch sent nothing");
    cr_assert_eq (kpt_scalar (OVERDUE, late), 1, "a second breach after the restart");
    cr_assert_eq (kpt_scalar (OVERDUE, answered), 0, "an answered request breached");
    cr_assert_eq (kpt_scalar (OVERDUE, lapsed), 0, "a request on a declined referral breached");
    cr_assert_eq (s_request_state (lapsed, NULL), SRS(LAPSED));
    //  The breach carries the request's clock, not the referral's.
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM referral.statement_requests WHERE referral_id = $1"
                              " AND breach_sent_at IS NOT NULL", late), 1);

    //  A late answer closes it as late, and sends no second breach.
    s_ok ("muni-743", KUMPPANI__V1__REQUEST__BODY_GIVE_STATEMENT, late);
    cr_assert_eq (s_request_state (late, NULL), SRS(ANSWERED_LATE));
    //  Another tick's worth: a fresh sentinel breach shows the watch ran.
    char second [32];
    s_kela_notice (second);
    reply = s_request ("kela", second, "1998-06-05", NULL);
    s_expect (reply, STATUS(OK), NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    s_set_day ("1998-06-08");
    cr_assert_eq (s_wait_for (OVERDUE, second, 1), 1);
    cr_assert_eq (kpt_scalar (OVERDUE, late), 1);
    cr_assert_eq (kpt_scalar (OVERDUE, answered), 0);
}

Test (referral_exchange, statement_request_refuses_bad_input_others_and_wrong_states)
{
    s_start ("1998-06-01", false);
    char id [32], partner [32];
    s_kela_notice (id);
    //  Malformed.
    s_refused (s_request ("kela", "nope", "1998-06-03", NULL), STATUS(INVALID), "referral.bad_id");
    s_refused (s_request ("kela", id, "1998-13-01", NULL), STATUS(INVALID), "referral.bad_due_date");
    s_refused (s_request ("kela", id, "", NULL), STATUS(INVALID), "referral.bad_due_date");
    s_refused (s_request ("kela", id, "1998-05-31", NULL), STATUS(INVALID), "referral.due_date_past");
    s_refused (s_request ("kela", id, "1998-08-31", NULL), STATUS(INVALID), "referral.due_date_too_far");
    char note [2002];
    memset (note, 'n', 2001);
    note [2001] = 0;
    s_refused (s_request ("kela", id, "1998-06-03", note), STATUS(INVALID), "referral.note_too_long");
    //  Unknown, and not Kela's: the route admits Kela only.
    s_refused (s_request ("kela", "01J0000000000000000000000Z", "1998-06-03", NULL), STATUS(NOT_FOUND),
               "referral.not_found");
    Kumppani__V1__Reply *reply = s_request ("muni-743", id, "1998-06-03", NULL);
    s_expect (reply, STATUS(FORBIDDEN), NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  Only on Kela's notices: a partner referral Kela sent is the wrong kind.
    Kumppani__V1__SubmitReferral body;
    s_notice (&body);
    body.kind = KD(PARTNER);
    body.recipient_org = "ngo-743";
    body.recipient_type = "ngo";
    body.hetu = "";
    body.client_ref = "client-9";
    body.legal_basis = KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CLIENT_REQUEST;
    body.consent_ref = "";
    s_submit ("kela", &body, partner);
    s_refused (s_request ("kela", partner, "1998-06-03", NULL), STATUS(INVALID), "referral.wrong_kind");
    //  Out of order: after a decline there is nothing to state.
    s_ok ("muni-743", KUMPPANI__V1__REQUEST__BODY_DECLINE_REFERRAL, id);
    s_refused (s_request ("kela", id, "1998-06-03", NULL), STATUS(CONFLICT), "referral.illegal_transition");
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM referral.statement_requests WHERE referral_id = $1", id), 0,
                  "a refused request left a row");
    //  The same idempotency key twice: one request, the same reply.
    char other [32];
    s_kela_notice (other);
    Kumppani__V1__RequestStatement request = KUMPPANI__V1__REQUEST_STATEMENT__INIT;
    request.referral_id = other;
    request.due_on = "1998-06-09";
    Kumppani__V1__Reply *first = s_call_to ("referral", "kela", KUMPPANI__V1__REQUEST__BODY_REQUEST_STATEMENT,
                                            &request, "stmt-key-1");
    Kumppani__V1__Reply *again = s_call_to ("referral", "kela", KUMPPANI__V1__REQUEST__BODY_REQUEST_STATEMENT,
                                            &request, "stmt-key-1");
    s_expect (first, STATUS(OK), NULL);
    s_expect (again, STATUS(OK), NULL);
    cr_assert_str_eq (first->referral->referral->statement_requests [0]->request_id,
                      again->referral->referral->statement_requests [0]->request_id);
    kumppani__v1__reply__free_unpacked (first, NULL);
    kumppani__v1__reply__free_unpacked (again, NULL);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM referral.statement_requests WHERE referral_id = $1", other), 1);
}

// ---------------------------------------------------------------------

static Kumppani__V1__Reply *
s_post_keyed (const char *org, const char *id, const char *text, const char *key)
{
    Kumppani__V1__PostReferralMessage body = KUMPPANI__V1__POST_REFERRAL_MESSAGE__INIT;
    body.referral_id = (char *) id;
    body.text = (char *) text;
    return s_call_to ("referral", org, KUMPPANI__V1__REQUEST__BODY_POST_REFERRAL_MESSAGE, &body, key);
}

static Kumppani__V1__Reply *
s_post (const char *org, const char *id, const char *text)
{
    return s_post_keyed (org, id, text, NULL);
}

static Kumppani__V1__Reply *
s_thread (const char *org, const char *id, unsigned page_size, const char *cursor)
{
    Kumppani__V1__ListReferralMessages body = KUMPPANI__V1__LIST_REFERRAL_MESSAGES__INIT;
    body.referral_id = (char *) id;
    body.page_size = page_size;
    body.cursor = (char *) (cursor ? cursor : "");
    return s_call (org, KUMPPANI__V1__REQUEST__BODY_LIST_REFERRAL_MESSAGES, &body);
}

//  Replays the stream as org from just before the referral's first event
//  to the head: how many events name needle_seen, and whether any holds
//  one of the texts.
static int
s_replay_scan (const char *org, const char *id, const char *needle_seen, const char *const *texts, int n_texts,
               bool *leaked)
{
    long long first = kpt_scalar ("SELECT min (seq) FROM kp.events WHERE aggregate_id = $1", id);
    cr_assert_gt (first, 0);
    uint64_t after = (uint64_t) first - 1;
    int seen = 0;
    *leaked = false;
    for (int page = 0; page < 100; page++) {
        Kumppani__V1__ReplayRequest body = KUMPPANI__V1__REPLAY_REQUEST__INIT;
        body.after_seq = after;
        Kumppani__V1__Reply *reply = s_call_to ("stream", org, KUMPPANI__V1__REQUEST__BODY_REPLAY, &body, NULL);
        s_expect (reply, STATUS(OK), NULL);
        for (size_t index = 0; index < reply->replay->n_events; index++) {
            const ProtobufCBinaryData *event = &reply->replay->events [index];
            if (memmem (event->data, event->len, needle_seen, strlen (needle_seen)))
                seen++;
            for (int text = 0; text < n_texts; text++)
                if (memmem (event->data, event->len, texts [text], strlen (texts [text])))
                    *leaked = true;
        }
        bool more = reply->replay->more;
        after = reply->replay->last_seq;
        kumppani__v1__reply__free_unpacked (reply, NULL);
        if (!more)
            break;
    }
    return seen;
}

//  Whether the file holds needle.
static bool
s_file_has (const char *path, const char *needle)
{
    FILE *file = fopen (path, "r");
    cr_assert_not_null (file, "%s", path);
    char *data = NULL;
    size_t size = 0;
    FILE *memory = open_memstream (&data, &size);
    char chunk [4096];
    size_t got;
    while ((got = fread (chunk, 1, sizeof chunk, file)) > 0)
        fwrite (chunk, 1, got, memory);
    fclose (file);
    fclose (memory);
    bool found = size && memmem (data, size, needle, strlen (needle)) != NULL;
    free (data);
    return found;
}

//  Every table of the database (the services' schemas, reporting's
//  rollups, the outbox, the audit log, idempotency's stored replies) that
//  holds needle in some row, as text or as bytes, "schema.table" in
//  order, comma-separated; "" when none does.
static void
s_tables_holding (const char *needle, char *tables, size_t size)
{
    const char *values [] = { needle };
    PGresult *result = PQexecParams (kpt_admin (),
        "SELECT coalesce (string_agg (name, ',' ORDER BY name), '') FROM ("
        " SELECT t.table_schema || '.' || t.table_name AS name,"
        "  (xpath ('/row/c/text()', query_to_xml (format ("
        "   'SELECT count(*) AS c FROM %I.%I x WHERE position (%L IN x::text) > 0"
        "    OR position (%L IN x::text) > 0', t.table_schema, t.table_name, $1::text,"
        "   encode (convert_to ($1::text, 'UTF8'), 'hex')), false, true, '')))[1]::text::int AS hits"
        " FROM information_schema.tables t WHERE t.table_type = 'BASE TABLE'"
        " AND t.table_schema NOT IN ('pg_catalog', 'information_schema')) found WHERE hits > 0",
        1, NULL, values, NULL, NULL, 0);
    cr_assert_eq (PQresultStatus (result), PGRES_TUPLES_OK, "%s", PQresultErrorMessage (result));
    snprintf (tables, size, "%s", PQgetvalue (result, 0, 0));
    PQclear (result);
}

Test (referral_exchange, both_parties_read_the_thread_and_its_texts_reach_no_event_audit_or_log)
{
    s_start ("1998-06-01", true);
    char id [32], marker [80], answer [80];
    s_kela_notice (id);
    //  A marker no other row or line can hold by chance.
    snprintf (marker, sizeof marker, "MARKER-%d-%ld-rent-arrears", getpid (), (long) zclock_usecs ());
    snprintf (answer, sizeof answer, "ANSWER-%d-%ld-we-call-tomorrow", getpid (), (long) zclock_usecs ());

    Kumppani__V1__Reply *reply = s_post ("kela", id, marker);
    s_expect (reply, STATUS(OK), NULL);
    cr_assert_str_eq (reply->referral_message->message->text, marker);
    cr_assert_eq (reply->referral_message->message->length, strlen (marker));
    char first_id [32];
    snprintf (first_id, sizeof first_id, "%s", reply->referral_message->message->message_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_post ("muni-743", id, answer);
    s_expect (reply, STATUS(OK), NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  Exactly 2000 bytes (1000 two-byte letters) is the limit and fits.
    char full [2002];
    for (int index = 0; index < 1000; index++)
        memcpy (full + 2 * index, "\xc3\xa4", 2);
    full [2000] = 0;
    reply = s_post ("kela", id, full);
    s_expect (reply, STATUS(OK), NULL);
    cr_assert_eq (reply->referral_message->message->length, 2000);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Both read the same thread, oldest first.
    const char *readers [] = { "kela", "muni-743" };
    for (int who = 0; who < 2; who++) {
        reply = s_thread (readers [who], id, 0, NULL);
        s_expect (reply, STATUS(OK), NULL);
        Kumppani__V1__ReferralMessageListReply *thread = reply->referral_message_list;
        cr_assert_eq (thread->n_messages, 3, "%s sees %zu", readers [who], thread->n_messages);
        cr_assert_str_eq (thread->messages [0]->text, marker);
        cr_assert_str_eq (thread->messages [0]->author_org, "kela");
        cr_assert_str_eq (thread->messages [1]->text, answer);
        cr_assert_str_eq (thread->messages [1]->author_org, "muni-743");
        cr_assert_eq (strlen (thread->messages [2]->text), 2000);
        cr_assert_str_empty (thread->next_cursor);
        kumppani__v1__reply__free_unpacked (reply, NULL);
    }
    //  Pages: one at a time, the cursor follows on.
    reply = s_thread ("kela", id, 1, NULL);
    s_expect (reply, STATUS(OK), NULL);
    cr_assert_eq (reply->referral_message_list->n_messages, 1);
    cr_assert_str_eq (reply->referral_message_list->next_cursor, first_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_thread ("kela", id, 1, first_id);
    s_expect (reply, STATUS(OK), NULL);
    cr_assert_str_eq (reply->referral_message_list->messages [0]->text, answer);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  A third organisation learns nothing: the reply an unknown id gets.
    s_refused (s_post ("muni-091", id, "hello"), STATUS(NOT_FOUND), "referral.not_found");
    s_refused (s_thread ("muni-091", id, 0, NULL), STATUS(NOT_FOUND), "referral.not_found");
    s_refused (s_post ("ngo-743", id, "hello"), STATUS(NOT_FOUND), "referral.not_found");
    s_refused (s_thread ("ngo-743", id, 0, NULL), STATUS(NOT_FOUND), "referral.not_found");
    s_refused (s_post ("kela", "01J0000000000000000000000Z", "hello"), STATUS(NOT_FOUND), "referral.not_found");
    //  An organisation type outside the exchange is refused by the route.
    reply = s_thread ("integrator-743", id, 0, NULL);
    s_expect (reply, STATUS(FORBIDDEN), NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  Bad input.
    s_refused (s_post ("kela", "nope", "hello"), STATUS(INVALID), "referral.bad_id");
    s_refused (s_post ("kela", id, ""), STATUS(INVALID), "referral.message_required");
    char over [2003];
    memcpy (over, full, 2000);
    over [2000] = 'x';
    over [2001] = 0;
    s_refused (s_post ("kela", id, over), STATUS(INVALID), "referral.message_too_long");
    s_refused (s_post ("kela", id, "bad \xff\xfe bytes"), STATUS(INVALID), "request.invalid_utf8");
    s_refused (s_thread ("kela", id, 101, NULL), STATUS(INVALID), "referral.page_size");
    s_refused (s_thread ("kela", id, 0, "01J0000000000000000000000Z"), STATUS(INVALID), "referral.bad_cursor");
    s_refused (s_thread ("kela", id, 0, "garbage"), STATUS(INVALID), "referral.bad_cursor");
    //  The same key twice is one message.
    Kumppani__V1__Reply *first = s_post_keyed ("muni-743", id, "once", "msg-key-1");
    Kumppani__V1__Reply *again = s_post_keyed ("muni-743", id, "once", "msg-key-1");
    s_expect (first, STATUS(OK), NULL);
    s_expect (again, STATUS(OK), NULL);
    cr_assert_str_eq (first->referral_message->message->message_id, again->referral_message->message->message_id);
    kumppani__v1__reply__free_unpacked (first, NULL);
    kumppani__v1__reply__free_unpacked (again, NULL);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM referral.referral_messages WHERE referral_id = $1", id), 4,
                  "refused or repeated posts changed the thread");

    //  Events say a message exists: one per post, with id, author, length.
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.events WHERE aggregate_id = $1"
                              " AND topic = 'referral.message_posted'", id), 4);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.events WHERE aggregate_id = $1"
                              " AND topic = 'referral.message_posted' AND sender_org = 'kela'"
                              " AND recipient_org = 'muni-743'", id), 4, "an event is not scoped to both parties");
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.events WHERE position (convert_to ($1, 'UTF8') IN payload) > 0",
                              first_id), 1, "the event does not name the message");
    //  The texts: in no event payload, no audit row, no log line.
    const char *texts [] = { marker, answer };
    for (int index = 0; index < 2; index++) {
        cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.events WHERE position (convert_to ($1, 'UTF8') IN payload) > 0",
                                  texts [index]), 0, "a message text is in an event");
        cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.audit_log a WHERE position ($1 IN a::text) > 0",
                                  texts [index]), 0, "a message text is in the audit log");
        cr_assert_eq (kpt_scalar ("SELECT count(*) FROM referral.referral_history h WHERE position ($1 IN h::text) > 0",
                                  texts [index]), 0, "a message text is in the history");
        //  The stored replies for retries hold it, sealed.
        cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.idempotency WHERE position (convert_to ($1, 'UTF8') IN reply) > 0",
                                  texts [index]), 0, "a message text is stored in the clear with its idempotency key");
    }
    //  What subscribers get: the stream's replay, to either party.
    for (int who = 0; who < 2; who++) {
        bool leaked = true;
        cr_assert_geq (s_replay_scan (readers [who], id, first_id, texts, 2, &leaked), 1,
                       "%s's replay does not show the message was posted", readers [who]);
        cr_assert (!leaked, "a message text is in %s's replay", readers [who]);
    }
    //  Reports: reporting folds the referral's events (its acceptance
    //  last, so every message event before it is folded too), and the
    //  texts are in the one table that keeps them and nowhere else in the
    //  database: no rollup, event, audit row, history row or stored reply.
    s_ok ("muni-743", KUMPPANI__V1__REQUEST__BODY_ACCEPT_REFERRAL, id);
    cr_assert_eq (s_wait_for ("SELECT count(*) FROM reporting.referral_responses WHERE copy = 'live'"
                              " AND referral_id = $1 AND answer = 'accepted'", id, 1), 1,
                  "reporting never folded the referral's events");
    for (int index = 0; index < 2; index++) {
        char tables [1024];
        s_tables_holding (texts [index], tables, sizeof tables);
        cr_assert_str_eq (tables, "referral.referral_messages", "a message text is stored in %s", tables);
    }
    Kumppani__V1__RunReport run = KUMPPANI__V1__RUN_REPORT__INIT;
    run.report = "referral_partner_sla";
    run.period_start = "1998-06-01";
    run.period_end = "1998-06-30";
    run.threshold = 3;                  //  the least there is; a group of one shows suppressed
    reply = s_call_to ("reporting", "muni-743", KUMPPANI__V1__REQUEST__BODY_RUN_REPORT, &run, NULL);
    s_expect (reply, STATUS(OK), NULL);
    cr_assert_geq (reply->report_table->n_rows, 1, "the report shows nothing of the referral");
    for (size_t row = 0; row < reply->report_table->n_rows; row++)
        for (size_t cell = 0; cell < reply->report_table->rows [row]->n_cells; cell++)
            for (int index = 0; index < 2; index++)
                cr_assert_null (strstr (reply->report_table->rows [row]->cells [cell]->value, texts [index]),
                                "a message text is in a report");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (kpt_service_stop ("reporting"), 0, "the reporting service did not exit cleanly");
    //  The services' own log (debug level) is whole once they stopped.
    //  A clean exit also says the sanitizers found nothing (SANITIZE=1).
    cr_assert_eq (kpt_service_stop ("referral"), 0, "the referral service did not exit cleanly");
    cr_assert_eq (kpt_service_stop ("stream"), 0, "the stream service did not exit cleanly");
    fsync (s_log_fd);
    for (int index = 0; index < 2; index++)
        cr_assert (!s_file_has (s_log_path, texts [index]), "a message text is in a service log");
    //  The search can find what is there: the message id is logged by no
    //  one either, but the operation names are.
    cr_assert (s_file_has (s_log_path, "referral.post_referral_message"), "the log search finds nothing at all");
}

Test (referral_exchange, after_consent_is_withdrawn_the_thread_goes_quiet)
{
    s_start ("1998-06-01", false);
    char id [32];
    s_kela_notice (id);
    Kumppani__V1__Reply *reply = s_request ("kela", id, "1998-06-19", "Kela's words about the client");
    s_expect (reply, STATUS(OK), NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_post ("kela", id, "from kela");
    s_expect (reply, STATUS(OK), NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_post ("muni-743", id, "from the municipality");
    s_expect (reply, STATUS(OK), NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  Intake tells the referral service, as it does on a withdrawal.
    PGconn *conn = kpt_connect_as ("intake");
    Kumppani__V1__IntakeEvent intake = KUMPPANI__V1__INTAKE_EVENT__INIT;
    char *ids [] = { id };
    intake.case_id = "case-1";
    intake.municipality = "743";
    intake.referral_ids = ids;
    intake.n_referral_ids = 1;
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.topic = "intake.consent_withdrawn";
    event.aggregate_id = "case-1";
    event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_INTAKE;
    event.intake = &intake;
    kpt_append_event (conn, &event, "743", NULL, NULL);
    PQfinish (conn);
    cr_assert_eq (s_wait_for ("SELECT count(*) FROM referral.referrals WHERE referral_id = $1"
                              " AND consent_withdrawn_at IS NOT NULL", id, 1), 1,
                  "the withdrawal never reached the referral");
    s_refused (s_post ("kela", id, "more"), STATUS(FORBIDDEN), "referral.consent_withdrawn");
    s_refused (s_post ("muni-743", id, "more"), STATUS(FORBIDDEN), "referral.consent_withdrawn");
    reply = s_thread ("muni-743", id, 0, NULL);
    s_expect (reply, STATUS(OK), NULL);
    Kumppani__V1__ReferralMessageListReply *thread = reply->referral_message_list;
    cr_assert_eq (thread->n_messages, 2);
    cr_assert (thread->messages [0]->withheld, "the sender's text still reaches the receiver");
    cr_assert_str_empty (thread->messages [0]->text);
    cr_assert (!thread->messages [1]->withheld);
    cr_assert_str_eq (thread->messages [1]->text, "from the municipality");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  Kela reads its own texts still, not the municipality's.
    reply = s_thread ("kela", id, 0, NULL);
    s_expect (reply, STATUS(OK), NULL);
    cr_assert_str_eq (reply->referral_message_list->messages [0]->text, "from kela");
    cr_assert (reply->referral_message_list->messages [1]->withheld);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  Nor is a statement asked for any more; Kela's note stays with Kela.
    s_refused (s_request ("kela", id, "1998-06-19", NULL), STATUS(FORBIDDEN), "referral.consent_withdrawn");
    reply = s_simple ("muni-743", KUMPPANI__V1__REQUEST__BODY_GET_REFERRAL, id);
    s_expect (reply, STATUS(OK), NULL);
    cr_assert_eq (reply->referral->referral->n_statement_requests, 1);
    cr_assert_str_empty (reply->referral->referral->statement_requests [0]->note);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_simple ("kela", KUMPPANI__V1__REQUEST__BODY_GET_REFERRAL, id);
    s_expect (reply, STATUS(OK), NULL);
    cr_assert_str_eq (reply->referral->referral->statement_requests [0]->note, "Kela's words about the client");
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

// ---------------------------------------------------------------------

//  Submits a partner referral from muni-743 to ngo-743.
static void
s_partner (char *id)
{
    Kumppani__V1__SubmitReferral body;
    s_notice (&body);
    body.kind = KD(PARTNER);
    body.recipient_org = "ngo-743";
    body.recipient_type = "ngo";
    body.hetu = "";
    body.client_ref = "client-sla";
    body.legal_basis = KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CLIENT_REQUEST;
    body.consent_ref = "";
    s_submit ("muni-743", &body, id);
}

//  The cell under column in the row whose first cells are kind, type.
static const char *
s_cell (const Kumppani__V1__ReportTable *table, const char *kind, const char *type, const char *column,
        bool *suppressed)
{
    size_t col = 0;
    while (col < table->n_columns && strcmp (table->columns [col], column) != 0)
        col++;
    cr_assert_lt (col, table->n_columns, "no column %s", column);
    for (size_t row = 0; row < table->n_rows; row++)
        if (strcmp (table->rows [row]->cells [0]->value, kind) == 0
        &&  strcmp (table->rows [row]->cells [1]->value, type) == 0) {
            if (suppressed)
                *suppressed = table->rows [row]->cells [col]->suppressed;
            return table->rows [row]->cells [col]->value;
        }
    cr_assert_fail ("no row %s / %s", kind, type);
    return NULL;
}

Test (referral_exchange, partner_sla_agrees_with_a_scenario_counted_by_hand)
{
    //  Six referrals to the NGO received on Monday 1998-03-02. Answers:
    //  accepted the same day (0 working days), on Tuesday (1), on
    //  Thursday (3); declined on Tuesday (1), Wednesday (2) and Friday
    //  (4). Outcomes on the three accepted.
    s_start ("1998-03-02", true);
    char ngo [6][32];
    for (int index = 0; index < 6; index++)
        s_partner (ngo [index]);
    const int accept = KUMPPANI__V1__REQUEST__BODY_ACCEPT_REFERRAL;
    const int decline = KUMPPANI__V1__REQUEST__BODY_DECLINE_REFERRAL;
    s_ok ("ngo-743", accept, ngo [0]);                  //  Monday: 0
    s_set_day ("1998-03-03");
    s_ok ("ngo-743", accept, ngo [1]);                  //  Tuesday: 1
    s_ok ("ngo-743", decline, ngo [3]);                 //  1
    s_set_day ("1998-03-04");
    s_ok ("ngo-743", decline, ngo [4]);                 //  Wednesday: 2
    s_set_day ("1998-03-05");
    s_ok ("ngo-743", accept, ngo [2]);                  //  Thursday: 3
    s_set_day ("1998-03-06");
    s_ok ("ngo-743", decline, ngo [5]);                 //  Friday: 4
    for (int index = 0; index < 3; index++)
        s_ok ("ngo-743", KUMPPANI__V1__REQUEST__BODY_RECORD_REFERRAL_OUTCOME, ngo [index]);
    //  The rollup consumer has folded the last event once the last outcome is in.
    cr_assert_eq (s_wait_for ("SELECT count(*) FROM reporting.referral_responses WHERE copy = 'live'"
                              " AND referral_id = $1 AND outcome_on IS NOT NULL", ngo [2], 1), 1,
                  "the rollup never saw the outcomes");

    Kumppani__V1__RunReport run = KUMPPANI__V1__RUN_REPORT__INIT;
    run.report = "referral_partner_sla";
    run.period_start = "1998-03-01";
    run.period_end = "1998-03-31";
    run.threshold = 3;
    Kumppani__V1__Reply *reply = s_call_to ("reporting", "muni-743", KUMPPANI__V1__REQUEST__BODY_RUN_REPORT, &run, NULL);
    s_expect (reply, STATUS(OK), NULL);
    const Kumppani__V1__ReportTable *table = reply->report_table;
    //  By hand: answered days 0 1 1 2 3 4; nearest rank median = the 3rd
    //  = 1, p90 = the 6th = 4; 3 accepted, 3 declined, 3 of 6 with an outcome.
    cr_assert_str_eq (s_cell (table, "partner", "ngo", "received", NULL), "6");
    cr_assert_str_eq (s_cell (table, "partner", "ngo", "answered", NULL), "6");
    cr_assert_str_eq (s_cell (table, "partner", "ngo", "answer_median_days", NULL), "1");
    cr_assert_str_eq (s_cell (table, "partner", "ngo", "answer_p90_days", NULL), "4");
    cr_assert_str_eq (s_cell (table, "partner", "ngo", "accepted", NULL), "3");
    cr_assert_str_eq (s_cell (table, "partner", "ngo", "declined", NULL), "3");
    cr_assert_str_eq (s_cell (table, "partner", "ngo", "with_outcome", NULL), "3");
    cr_assert_str_eq (s_cell (table, "partner", "ngo", "share_with_outcome", NULL), "0.50");
    //  The one group is the whole: the totals row says the same.
    cr_assert_str_eq (s_cell (table, "all", "all", "received", NULL), "6");
    cr_assert_str_eq (s_cell (table, "all", "all", "answer_median_days", NULL), "1");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  Under a threshold above the group, nothing of it is published.
    run.threshold = 7;
    reply = s_call_to ("reporting", "muni-743", KUMPPANI__V1__REQUEST__BODY_RUN_REPORT, &run, NULL);
    s_expect (reply, STATUS(OK), NULL);
    bool suppressed = false;
    s_cell (reply->report_table, "partner", "ngo", "accepted", &suppressed);
    cr_assert (suppressed, "a count under the threshold was published");
    s_cell (reply->report_table, "partner", "ngo", "answer_median_days", &suppressed);
    cr_assert (suppressed, "the median over a hidden count was published");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    run.threshold = 3;
    //  Another municipality's report does not count them.
    reply = s_call_to ("reporting", "muni-091", KUMPPANI__V1__REQUEST__BODY_RUN_REPORT, &run, NULL);
    s_expect (reply, STATUS(OK), NULL);
    for (size_t row = 0; row < reply->report_table->n_rows; row++)
        cr_assert (strcmp (reply->report_table->rows [row]->cells [1]->value, "ngo") != 0,
                   "muni-091 sees muni-743's partners");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (kpt_service_stop ("reporting"), 0, "the reporting service did not exit cleanly");
    cr_assert_eq (kpt_service_stop ("referral"), 0, "the referral service did not exit cleanly");
}

// ---------------------------------------------------------------------

Test (referral_exchange, lifecycle_notes_reach_no_event_report_or_log)
{
    //  The free texts of hold, resume, statement request, cancel and
    //  forward are client data like a message: each is kept where its
    //  step's row is (history, the request, the child referral) and in no
    //  event, rollup, audit row, stored reply or log line.
    s_start ("1998-06-01", true);
    char id [32], partner [32], markers [5][80];
    const char *names [] = { "HOLD", "RESUME", "STATEMENT", "CANCEL", "FORWARD" };
    for (int index = 0; index < 5; index++)
        snprintf (markers [index], sizeof markers [index], "%s-NOTE-%d-%ld", names [index], getpid (),
                  (long) zclock_usecs ());
    s_kela_notice (id);
    Kumppani__V1__HoldReferral hold = KUMPPANI__V1__HOLD_REFERRAL__INIT;
    hold.referral_id = id;
    hold.reason_code = "client_in_hospital";
    hold.note = markers [0];
    Kumppani__V1__Reply *reply = s_call ("muni-743", KUMPPANI__V1__REQUEST__BODY_HOLD_REFERRAL, &hold);
    s_expect (reply, STATUS(OK), NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    Kumppani__V1__ResumeReferral resume = KUMPPANI__V1__RESUME_REFERRAL__INIT;
    resume.referral_id = id;
    resume.note = markers [1];
    reply = s_call ("muni-743", KUMPPANI__V1__REQUEST__BODY_RESUME_REFERRAL, &resume);
    s_expect (reply, STATUS(OK), NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_request ("kela", id, "1998-06-10", markers [2]);
    s_expect (reply, STATUS(OK), NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    Kumppani__V1__CancelReferral cancel = KUMPPANI__V1__CANCEL_REFERRAL__INIT;
    cancel.referral_id = id;
    cancel.reason_code = "client_moved";
    cancel.note = markers [3];
    reply = s_call ("kela", KUMPPANI__V1__REQUEST__BODY_CANCEL_REFERRAL, &cancel);
    s_expect (reply, STATUS(OK), NULL);
    cr_assert_eq (reply->referral->referral->state, ST(CANCELLED));
    kumppani__v1__reply__free_unpacked (reply, NULL);
    s_partner (partner);
    Kumppani__V1__ForwardReferral forward = KUMPPANI__V1__FORWARD_REFERRAL__INIT;
    forward.referral_id = partner;
    forward.recipient_org = "debt-743";
    forward.recipient_type = "debt_counselling";
    forward.reason_code = "debt_counselling_needed";
    forward.note = markers [4];
    reply = s_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_FORWARD_REFERRAL, &forward);
    s_expect (reply, STATUS(OK), NULL);
    char child [32];
    snprintf (child, sizeof child, "%s", reply->referral->chain [0]->referral_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  The child's acceptance is the last event: reporting, which folds in
    //  order, has folded everything before it once it shows.
    s_ok ("debt-743", KUMPPANI__V1__REQUEST__BODY_ACCEPT_REFERRAL, child);
    cr_assert_eq (s_wait_for ("SELECT count(*) FROM reporting.referral_responses WHERE copy = 'live'"
                              " AND referral_id = $1 AND answer = 'accepted'", child, 1), 1,
                  "reporting never folded the child's acceptance");
    //  Where each text may be, and nowhere else.
    const char *kept [] = {
        "referral.referral_history", "referral.referral_history", "referral.statement_requests",
        "referral.referral_history", "referral.referral_history,referral.referrals"
    };
    for (int index = 0; index < 5; index++) {
        char tables [1024];
        s_tables_holding (markers [index], tables, sizeof tables);
        cr_assert_str_eq (tables, kept [index], "the %s note is in %s", names [index], tables);
    }
    //  The receiver reads each note where it belongs (the search can find them).
    reply = s_simple ("muni-743", KUMPPANI__V1__REQUEST__BODY_GET_REFERRAL, id);
    s_expect (reply, STATUS(OK), NULL);
    cr_assert_str_eq (reply->referral->referral->statement_requests [0]->note, markers [2]);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (kpt_service_stop ("reporting"), 0, "the reporting service did not exit cleanly");
    cr_assert_eq (kpt_service_stop ("referral"), 0, "the referral service did not exit cleanly");
    cr_assert_eq (kpt_service_stop ("stream"), 0, "the stream service did not exit cleanly");
    fsync (s_log_fd);
    for (int index = 0; index < 5; index++)
        cr_assert (!s_file_has (s_log_path, markers [index]), "the %s note is in a service log", names [index]);
    cr_assert (s_file_has (s_log_path, "referral.forward_referral"), "the log search finds nothing at all");
}
