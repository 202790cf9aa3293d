/*  Cancel, hold and forward (issue 20) through real CURVE sockets and the
    test cluster: a referral forwarded from an NGO to debt counselling
    closes its loop for the original sender (its stream scope and
    GetReferral's chain); a cancel after acceptance is a conflict naming
    the state, and a cancel before it reaches the receiver and stops the
    clock; a held referral's deadline moves by its held working days over
    Christmas (the services' clock moved with KUMPPANI_CLOCK_FILE); bad,
    unauthorised, repeated and out-of-order requests for each. */
#include "harness.h"
#include "kp_codec.h"
#include "kp_ids.h"
#include "kp_subscriber.h"

#include <criterion/criterion.h>
#include <czmq.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

TestSuite (referral_lifecycle, .init = kpt_setup_own_database, .fini = kpt_teardown_own_database, .timeout = 120);

#define ST(name) KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_##name
#define KD(name) KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_##name
#define STATUS(name) KUMPPANI__V1__STATUS__STATUS_##name
#define BODY(name) KUMPPANI__V1__REQUEST__BODY_##name

static char s_clock_path [300];

//  The services' clock at a UTC time.
static void
s_set_clock (int year, int month, int day, int hour)
{
    struct tm tm = { .tm_year = year - 1900, .tm_mon = month - 1, .tm_mday = day, .tm_hour = hour };
    FILE *file = fopen (s_clock_path, "w");
    cr_assert_not_null (file);
    fprintf (file, "%" PRId64 "\n", (int64_t) timegm (&tm) * 1000000);
    fclose (file);
}

static void
s_start (bool clock)
{
    static char clock_env [340];
    const char *env [] = { "KUMPPANI_POLL_MS=100", NULL, NULL };
    if (clock) {
        snprintf (s_clock_path, sizeof s_clock_path, "%s/clock", kpt_cert_dir ("."));
        s_set_clock (2026, 12, 18, 8);
        snprintf (clock_env, sizeof clock_env, "KUMPPANI_CLOCK_FILE=%s", s_clock_path);
        env [1] = clock_env;
    }
    kpt_service_start ("stream", env);
    kpt_service_start ("referral", env);
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

//  One request as org; key NULL for a fresh idempotency key.
static Kumppani__V1__Reply *
s_call (const char *org, Kumppani__V1__Request__BodyCase body_case, void *body, const char *key)
{
    kp_client_t *client = kpt_client ("referral", org);
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, s_role (org), body_case != BODY(GET_REFERRAL));
    if (key)
        request.idempotency_key = (char *) key;
    request.body_case = body_case;
    request.submit_referral = body;
    Kumppani__V1__Reply *reply = kpt_call (client, &request);
    kp_client_destroy (&client);
    cr_assert_not_null (reply, "no reply from referral");
    return reply;
}

static void
s_expect (Kumppani__V1__Reply *reply, Kumppani__V1__Status status, const char *code, const char *field)
{
    cr_assert_eq (reply->status, status, "status %d (%s: %s), expected %d", reply->status,
                  reply->error ? reply->error->code : "", reply->error ? reply->error->message : "", status);
    if (code)
        cr_assert_str_eq (reply->error->code, code);
    if (field)
        cr_assert_str_eq (reply->error->field, field);
}

//  Expects a refusal and frees the reply.
static void
s_refused (Kumppani__V1__Reply *reply, Kumppani__V1__Status status, const char *code, const char *field)
{
    s_expect (reply, status, code, field);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

//  Submits and returns the id (a ring of static buffers).
static const char *
s_submit (const char *org, Kumppani__V1__SubmitReferral *body)
{
    static char ids [4][32];
    static int next;
    Kumppani__V1__Reply *reply = s_call (org, BODY(SUBMIT_REFERRAL), body, NULL);
    s_expect (reply, STATUS(OK), NULL, NULL);
    char *id = ids [next++ % 4];
    snprintf (id, 32, "%s", reply->referral->referral->referral_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    return id;
}

static const char *
s_kela_notice (void)
{
    Kumppani__V1__SubmitReferral body = KUMPPANI__V1__SUBMIT_REFERRAL__INIT;
    body.kind = KD(SOCIAL_WORK_NEED);
    body.recipient_org = "muni-743";
    body.recipient_type = "municipality";
    body.municipality = "743";
    body.client_ref = "kela-client-9";
    body.reason_category = KUMPPANI__V1__REASON_CATEGORY__REASON_CATEGORY_INCOME;
    body.legal_basis = KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CONSENT;
    body.consent_ref = "consent-1";
    return s_submit ("kela", &body);
}

static Kumppani__V1__Reply *
s_simple (const char *org, Kumppani__V1__Request__BodyCase body_case, const char *id)
{
    Kumppani__V1__AcceptReferral accept = KUMPPANI__V1__ACCEPT_REFERRAL__INIT;
    Kumppani__V1__RecordReferralOutcome outcome = KUMPPANI__V1__RECORD_REFERRAL_OUTCOME__INIT;
    Kumppani__V1__GetReferral get = KUMPPANI__V1__GET_REFERRAL__INIT;
    accept.referral_id = outcome.referral_id = get.referral_id = (char *) id;
    outcome.outcome_code = "debt_plan_made";
    void *body = body_case == BODY(ACCEPT_REFERRAL) ? (void *) &accept
               : body_case == BODY(RECORD_REFERRAL_OUTCOME) ? (void *) &outcome : (void *) &get;
    return s_call (org, body_case, body, NULL);
}

static Kumppani__V1__Reply *
s_cancel (const char *org, const char *id, const char *reason, const char *key)
{
    Kumppani__V1__CancelReferral body = KUMPPANI__V1__CANCEL_REFERRAL__INIT;
    body.referral_id = (char *) id;
    body.reason_code = (char *) reason;
    return s_call (org, BODY(CANCEL_REFERRAL), &body, key);
}

static Kumppani__V1__Reply *
s_hold (const char *org, const char *id, const char *reason)
{
    Kumppani__V1__HoldReferral body = KUMPPANI__V1__HOLD_REFERRAL__INIT;
    body.referral_id = (char *) id;
    body.reason_code = (char *) reason;
    return s_call (org, BODY(HOLD_REFERRAL), &body, NULL);
}

static Kumppani__V1__Reply *
s_resume (const char *org, const char *id, const char *key)
{
    Kumppani__V1__ResumeReferral body = KUMPPANI__V1__RESUME_REFERRAL__INIT;
    body.referral_id = (char *) id;
    return s_call (org, BODY(RESUME_REFERRAL), &body, key);
}

static Kumppani__V1__Reply *
s_forward (const char *org, const char *id, const char *to, const char *type, const char *reason, const char *key)
{
    Kumppani__V1__ForwardReferral body = KUMPPANI__V1__FORWARD_REFERRAL__INIT;
    body.referral_id = (char *) id;
    body.recipient_org = (char *) to;
    body.recipient_type = (char *) type;
    body.reason_code = (char *) reason;
    body.note = "Debts with three creditors; the client agreed to debt counselling.";
    return s_call (org, BODY(FORWARD_REFERRAL), &body, key);
}

static void
s_ok_state (Kumppani__V1__Reply *reply, Kumppani__V1__ReferralState state)
{
    s_expect (reply, STATUS(OK), NULL, NULL);
    cr_assert_eq (reply->referral->referral->state, state, "state %d, expected %d",
                  reply->referral->referral->state, state);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

//  The events org's stream gives it under prefix for aggregate, in seq
//  order, through the real stream service: their states into states
//  (at most max); returns how many came before 3 s passed with nothing new.
static size_t
s_stream_states (const char *org, const char *prefix, const char *aggregate, const char *root,
                 Kumppani__V1__ReferralState *states, size_t max)
{
    static char cert [512], stream_cert [512];
    snprintf (cert, sizeof cert, "%s", kpt_cert_path ("clients", org));
    snprintf (stream_cert, sizeof stream_cert, "%s", kpt_cert_path ("services", "stream"));
    const char *prefixes [] = { prefix, NULL };
    kp_subscriber_t *subscriber = kp_subscriber_new (kpt_endpoint ("stream"), kpt_pub_endpoint (),
                                                     stream_cert, cert, prefixes, 0);
    cr_assert_not_null (subscriber);
    size_t count = 0;
    Kumppani__V1__Event *event;
    while (count < max && (event = kp_subscriber_next (subscriber, 3000)) != NULL) {
        if (strcmp (event->aggregate_id, aggregate) == 0) {
            cr_assert_eq (event->payload_case, KUMPPANI__V1__EVENT__PAYLOAD_REFERRAL);
            if (root)
                cr_assert_str_eq (event->referral->root_referral_id, root);
            states [count++] = event->referral->state;
        }
        kp_codec_event_free (&event);
    }
    kp_subscriber_destroy (&subscriber);
    return count;
}

static long long
s_count (const char *sql, const char *param)
{
    return kpt_scalar (sql, param);
}

Test (referral_lifecycle, forward_closes_the_loop_through_the_chain)
{
    s_start (false);
    //  The municipality refers its client to an NGO on the client's request.
    Kumppani__V1__SubmitReferral body = KUMPPANI__V1__SUBMIT_REFERRAL__INIT;
    body.kind = KD(PARTNER);
    body.recipient_org = "ngo-743";
    body.recipient_type = "ngo";
    body.municipality = "743";
    body.client_ref = "muni-pseudonym-4";
    body.reason_category = KUMPPANI__V1__REASON_CATEGORY__REASON_CATEGORY_DEBT;
    body.legal_basis = KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CLIENT_REQUEST;
    body.free_text = "Wants help with a payment plan.";
    char parent [32];
    snprintf (parent, sizeof parent, "%s", s_submit ("muni-743", &body));

    //  Malformed, unauthorised and refused forwards lose nothing.
    s_refused (s_forward ("ngo-743", "not-an-id", "debt-743", "debt_counselling", "debt", NULL),
               STATUS(INVALID), "referral.bad_id", "forward_referral.referral_id");
    s_refused (s_forward ("muni-091", parent, "debt-743", "debt_counselling", "debt", NULL),
               STATUS(NOT_FOUND), "referral.not_found", NULL);
    s_refused (s_forward ("muni-743", parent, "debt-743", "debt_counselling", "debt", NULL),
               STATUS(FORBIDDEN), "referral.forbidden", NULL);
    s_refused (s_forward ("ngo-743", parent, "debt-743", "debt_counselling", "", NULL),
               STATUS(INVALID), "referral.bad_reason_code", "forward_referral.reason_code");
    s_refused (s_forward ("ngo-743", parent, "ngo-743", "ngo", "debt", NULL),
               STATUS(INVALID), "referral.self_referral", "forward_referral.recipient_org");
    s_refused (s_forward ("ngo-743", parent, "nobody-1", "debt_counselling", "debt", NULL),
               STATUS(INVALID), "referral.unknown_recipient", "forward_referral.recipient_org");
    s_refused (s_forward ("ngo-743", parent, "debt-743", "ngo", "debt", NULL),
               STATUS(INVALID), "referral.recipient_type_mismatch", "forward_referral.recipient_type");
    s_refused (s_forward ("ngo-743", parent, "debt-743", "police", "debt", NULL),
               STATUS(INVALID), "referral.bad_recipient_type", "forward_referral.recipient_type");
    cr_assert_eq (s_count ("SELECT count(*) FROM referral.referrals WHERE parent_referral_id = $1", parent), 0);

    //  The NGO forwards to debt counselling; the same key gives the same reply.
    Kumppani__V1__Reply *reply = s_forward ("ngo-743", parent, "debt-743", "debt_counselling",
                                            "debt_counselling_needed", "forward-key-1");
    s_expect (reply, STATUS(OK), NULL, NULL);
    cr_assert_eq (reply->referral->referral->state, ST(FORWARDED));
    cr_assert_eq (reply->referral->n_chain, 1);
    char child [32];
    snprintf (child, sizeof child, "%s", reply->referral->chain [0]->referral_id);
    cr_assert_eq (reply->referral->chain [0]->state, ST(RECEIVED));
    cr_assert_str_eq (reply->referral->chain [0]->recipient_org, "debt-743");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_forward ("ngo-743", parent, "debt-743", "debt_counselling", "debt_counselling_needed", "forward-key-1");
    s_expect (reply, STATUS(OK), NULL, NULL);
    cr_assert_str_eq (reply->referral->chain [0]->referral_id, child, "a repeat made another child");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (s_count ("SELECT count(*) FROM referral.referrals WHERE parent_referral_id = $1", parent), 1);
    //  Out of order: a forwarded referral is not forwarded again.
    s_refused (s_forward ("ngo-743", parent, "debt-743", "debt_counselling", "again", NULL),
               STATUS(CONFLICT), "referral.illegal_transition", NULL);

    //  The child: the forwarder is its sender, the chain named.
    reply = s_simple ("debt-743", BODY(GET_REFERRAL), child);
    s_expect (reply, STATUS(OK), NULL, NULL);
    Kumppani__V1__ReferralView *view = reply->referral->referral;
    cr_assert_str_eq (view->sender_org, "ngo-743");
    cr_assert_str_eq (view->parent_referral_id, parent);
    cr_assert_str_eq (view->root_referral_id, parent);
    cr_assert_str_eq (view->client_ref, "muni-pseudonym-4");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  The original sender is no party to the child itself.
    s_refused (s_simple ("muni-743", BODY(GET_REFERRAL), child), STATUS(NOT_FOUND), "referral.not_found", NULL);

    s_ok_state (s_simple ("debt-743", BODY(ACCEPT_REFERRAL), child), ST(ACCEPTED));
    s_ok_state (s_simple ("debt-743", BODY(RECORD_REFERRAL_OUTCOME), child), ST(CLOSED));

    //  The original sender sees acceptance and outcome through the chain.
    reply = s_simple ("muni-743", BODY(GET_REFERRAL), parent);
    s_expect (reply, STATUS(OK), NULL, NULL);
    cr_assert_eq (reply->referral->referral->state, ST(FORWARDED));
    cr_assert_eq (reply->referral->n_chain, 1);
    cr_assert_eq (reply->referral->chain [0]->state, ST(CLOSED));
    cr_assert_str_eq (reply->referral->chain [0]->outcome_code, "debt_plan_made");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  …and on its stream: the child's events again, scoped to it alone.
    const char *chain_sql = "SELECT count(*) FROM kp.events WHERE aggregate_id = $1"
                            " AND topic = 'referral.chain_updated' AND sender_org = 'muni-743'"
                            " AND recipient_org IS NULL AND municipality IS NULL";
    cr_assert_eq (s_count (chain_sql, child), 3, "received, accepted, outcome recorded");
    Kumppani__V1__ReferralState states [4];
    cr_assert_eq (s_stream_states ("muni-743", "referral.chain_updated", child, parent, states, 4), 3);
    cr_assert_eq (states [0], ST(RECEIVED));
    cr_assert_eq (states [1], ST(ACCEPTED));
    cr_assert_eq (states [2], ST(CLOSED));
    //  Another organisation's stream shows none of it.
    cr_assert_eq (s_stream_states ("muni-091", "referral.", child, NULL, states, 4), 0);
    cr_assert_eq (s_count ("SELECT count(*) FROM kp.events WHERE aggregate_id = $1 AND topic = 'referral.chain_updated'"
                           " AND sender_org <> 'muni-743'", child), 0);
    cr_assert_eq (s_count ("SELECT count(*) FROM kp.events WHERE aggregate_id = $1 AND topic = 'referral.forwarded'"
                           " AND sender_org = 'muni-743' AND recipient_org = 'ngo-743'", parent), 1);
}

Test (referral_lifecycle, statutory_notice_is_forwarded_only_to_social_services)
{
    s_start (false);
    const char *id = s_kela_notice ();
    s_refused (s_forward ("muni-743", id, "debt-743", "debt_counselling", "debt", NULL),
               STATUS(INVALID), "referral.recipient_not_municipality", "forward_referral.recipient_type");
    //  Another organiser, but not of this municipality.
    s_refused (s_forward ("muni-743", id, "muni-091", "municipality", "moved", NULL),
               STATUS(INVALID), "referral.recipient_not_organiser", "forward_referral.recipient_org");
    cr_assert_eq (s_count ("SELECT count(*) FROM referral.referrals WHERE parent_referral_id = $1", id), 0);
}

Test (referral_lifecycle, forward_needs_the_clients_consent_to_the_new_recipient)
{
    s_start (false);
    //  Kela refers on consent to the municipality, which keeps the client:
    //  forwarding needs a consent to the NGO that the client never gave.
    Kumppani__V1__SubmitReferral body = KUMPPANI__V1__SUBMIT_REFERRAL__INIT;
    body.kind = KD(PARTNER);
    body.recipient_org = "muni-743";
    body.recipient_type = "municipality";
    body.municipality = "743";
    body.client_ref = "kela-client-3";
    body.reason_category = KUMPPANI__V1__REASON_CATEGORY__REASON_CATEGORY_DEBT;
    body.legal_basis = KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CONSENT;
    body.consent_ref = "consent-7";
    const char *id = s_submit ("kela", &body);
    Kumppani__V1__Reply *reply = s_forward ("muni-743", id, "ngo-743", "ngo", "peer_support", NULL);
    s_expect (reply, STATUS(FORBIDDEN), NULL, NULL);
    cr_assert (strncmp (reply->error->code, "consent.", 8) == 0, "refused as %s", reply->error->code);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (s_count ("SELECT count(*) FROM referral.referrals WHERE parent_referral_id = $1", id), 0);
    reply = s_simple ("muni-743", BODY(GET_REFERRAL), id);
    cr_assert_eq (reply->referral->referral->state, ST(RECEIVED), "the refused forward moved the referral");
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

Test (referral_lifecycle, cancel_reaches_the_receiver_and_stops_the_clock)
{
    s_start (false);
    const char *id = s_kela_notice ();
    s_refused (s_cancel ("kela", "bad", "client_moved", NULL), STATUS(INVALID), "referral.bad_id",
               "cancel_referral.referral_id");
    s_refused (s_cancel ("muni-091", id, "client_moved", NULL), STATUS(NOT_FOUND), "referral.not_found", NULL);
    s_refused (s_cancel ("muni-743", id, "client_moved", NULL), STATUS(FORBIDDEN), "referral.forbidden", NULL);
    s_refused (s_cancel ("kela", id, "", NULL), STATUS(INVALID), "referral.bad_reason_code",
               "cancel_referral.reason_code");
    s_refused (s_cancel ("kela", id, "Client Moved!", NULL), STATUS(INVALID), "referral.bad_reason_code",
               "cancel_referral.reason_code");
    cr_assert_eq (s_count ("SELECT count(*) FROM referral.referrals WHERE referral_id = $1 AND state = 'received'"
                           " AND clock_stopped_at IS NULL", id), 1);

    Kumppani__V1__Reply *reply = s_cancel ("kela", id, "client_moved", "cancel-key-1");
    s_expect (reply, STATUS(OK), NULL, NULL);
    cr_assert_eq (reply->referral->referral->state, ST(CANCELLED));
    cr_assert_eq (reply->referral->referral->deadline_state, KUMPPANI__V1__DEADLINE_STATE__DEADLINE_STATE_MET);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  The same key: the same reply, one cancellation.
    reply = s_cancel ("kela", id, "client_moved", "cancel-key-1");
    s_expect (reply, STATUS(OK), NULL, NULL);
    cr_assert_eq (reply->referral->referral->state, ST(CANCELLED));
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  A new request is out of order now.
    s_refused (s_cancel ("kela", id, "client_moved", NULL), STATUS(CONFLICT), "referral.already_cancelled", NULL);
    s_refused (s_simple ("muni-743", BODY(ACCEPT_REFERRAL), id), STATUS(CONFLICT), "referral.illegal_transition", NULL);

    //  The receiver's stream shows it; the clock stopped; the reason is in its history.
    Kumppani__V1__ReferralState states [2];
    cr_assert_eq (s_stream_states ("muni-743", "referral.cancelled", id, NULL, states, 2), 1);
    cr_assert_eq (states [0], ST(CANCELLED));
    cr_assert_eq (s_count ("SELECT count(*) FROM kp.events WHERE aggregate_id = $1 AND topic = 'referral.cancelled'"
                           " AND recipient_org = 'muni-743' AND municipality = '743'", id), 1);
    cr_assert_eq (s_count ("SELECT count(*) FROM referral.referrals WHERE referral_id = $1"
                           " AND clock_stopped_at IS NOT NULL", id), 1);
    reply = s_simple ("muni-743", BODY(GET_REFERRAL), id);
    s_expect (reply, STATUS(OK), NULL, NULL);
    Kumppani__V1__ReferralReply *got = reply->referral;
    cr_assert_str_eq (got->history [got->n_history - 1]->reason_code, "client_moved");
    cr_assert_str_eq (got->history [got->n_history - 1]->actor_org, "kela");
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

Test (referral_lifecycle, cancel_after_accept_is_a_conflict_naming_the_state)
{
    s_start (false);
    const char *id = s_kela_notice ();
    s_ok_state (s_simple ("muni-743", BODY(ACCEPT_REFERRAL), id), ST(ACCEPTED));
    Kumppani__V1__Reply *reply = s_cancel ("kela", id, "sent_in_error", NULL);
    s_expect (reply, STATUS(CONFLICT), "referral.already_accepted", NULL);
    cr_assert (strstr (reply->error->message, "accepted"));
    kumppani__v1__reply__free_unpacked (reply, NULL);
    s_ok_state (s_simple ("muni-743", BODY(RECORD_REFERRAL_OUTCOME), id), ST(CLOSED));
    s_refused (s_cancel ("kela", id, "sent_in_error", NULL), STATUS(CONFLICT), "referral.already_closed", NULL);
    cr_assert_eq (s_count ("SELECT count(*) FROM kp.events WHERE aggregate_id = $1 AND topic = 'referral.cancelled'", id), 0);
}

Test (referral_lifecycle, held_deadline_moves_by_the_held_working_days_over_christmas)
{
    s_start (true);
    //  Fri 18 Dec 2026: 7 working days → Thu 31 Dec (24-27 Dec are no working days).
    const char *id = s_kela_notice ();
    Kumppani__V1__Reply *reply = s_simple ("muni-743", BODY(GET_REFERRAL), id);
    s_expect (reply, STATUS(OK), NULL, NULL);
    cr_assert_str_eq (reply->referral->referral->deadline, "2026-12-31");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Bad and unauthorised holds and resumes.
    s_refused (s_hold ("muni-743", id, ""), STATUS(INVALID), "referral.bad_reason_code", "hold_referral.reason_code");
    //  Kela sends, never receives: refused by the route.
    s_refused (s_hold ("kela", id, "client_in_hospital"), STATUS(FORBIDDEN), "auth.forbidden", NULL);
    s_refused (s_hold ("muni-091", id, "client_in_hospital"), STATUS(NOT_FOUND), "referral.not_found", NULL);
    s_refused (s_resume ("muni-743", id, NULL), STATUS(CONFLICT), "referral.illegal_transition", NULL);
    s_refused (s_resume ("muni-743", "x", NULL), STATUS(INVALID), "referral.bad_id", "resume_referral.referral_id");

    //  Held on Mon 21 Dec, resumed on Mon 28 Dec: 21, 22, 23 were held.
    s_set_clock (2026, 12, 21, 8);
    s_ok_state (s_hold ("muni-743", id, "client_in_hospital"), ST(ON_HOLD));
    s_refused (s_hold ("muni-743", id, "client_in_hospital"), STATUS(CONFLICT), "referral.illegal_transition", NULL);
    s_refused (s_simple ("muni-743", BODY(ACCEPT_REFERRAL), id), STATUS(CONFLICT), "referral.illegal_transition", NULL);
    s_set_clock (2026, 12, 28, 8);
    reply = s_resume ("muni-743", id, "resume-key-1");
    s_expect (reply, STATUS(OK), NULL, NULL);
    Kumppani__V1__ReferralView *view = reply->referral->referral;
    cr_assert_eq (view->state, ST(RECEIVED), "back to the state it was held from");
    cr_assert_eq (view->held_working_days, 3);
    //  31 Dec + 3 working days: 1 Jan and 6 Jan are holidays → Thu 7 Jan 2027.
    cr_assert_str_eq (view->deadline, "2027-01-07");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  The same key again: the same reply, the deadline moved once.
    reply = s_resume ("muni-743", id, "resume-key-1");
    s_expect (reply, STATUS(OK), NULL, NULL);
    cr_assert_str_eq (reply->referral->referral->deadline, "2027-01-07");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (s_count ("SELECT count(*) FROM referral.referrals WHERE referral_id = $1"
                           " AND deadline = '2027-01-07' AND warning_on = '2027-01-05' AND held_since IS NULL", id), 1);
    cr_assert_eq (s_count ("SELECT count(*) FROM kp.events WHERE aggregate_id = $1"
                           " AND topic IN ('referral.held', 'referral.resumed')", id), 2);
    //  Past the old deadline nothing is breached (the watch ticks every
    //  100 ms; 15 ticks pass); past the moved one it is, once.
    const char *breached = "SELECT count(*) FROM kp.events WHERE aggregate_id = $1"
                           " AND topic = 'referral.deadline_breached'";
    s_set_clock (2027, 1, 4, 8);
    zclock_sleep (1500);
    cr_assert_eq (s_count (breached, id), 0, "breached by the deadline before the hold");
    s_set_clock (2027, 1, 8, 8);
    long long count = 0;
    for (int attempt = 0; attempt < 100 && (count = s_count (breached, id)) == 0; attempt++)
        zclock_sleep (100);
    cr_assert_eq (count, 1, "the moved deadline was never breached");
}

Test (referral_lifecycle, the_deadline_watch_skips_a_held_referral)
{
    s_start (true);
    const char *id = s_kela_notice ();          //  due Thu 31 Dec 2026
    s_ok_state (s_hold ("muni-743", id, "client_abroad"), ST(ON_HOLD));
    //  Long past the deadline while held: no warning, no breach.
    s_set_clock (2027, 1, 15, 8);
    zclock_sleep (1500);
    cr_assert_eq (s_count ("SELECT count(*) FROM kp.events WHERE aggregate_id = $1"
                           " AND topic IN ('referral.deadline_breached', 'referral.deadline_warning')", id), 0);
    //  Cancelled while held: the hold ends, the clock stops, the receiver sees it.
    s_ok_state (s_cancel ("kela", id, "client_moved", NULL), ST(CANCELLED));
    cr_assert_eq (s_count ("SELECT count(*) FROM referral.referrals WHERE referral_id = $1 AND held_since IS NULL"
                           " AND held_working_days > 0 AND clock_stopped_at IS NOT NULL", id), 1);
}

//  A referral_sla cell of row by column name; "*" when suppressed.
static const char *
s_sla_cell (const Kumppani__V1__ReportTable *table, size_t row, const char *column)
{
    cr_assert_lt (row, table->n_rows);
    for (size_t index = 0; index < table->n_columns; index++)
        if (strcmp (table->columns [index], column) == 0)
            return table->rows [row]->cells [index]->suppressed ? "*" : table->rows [row]->cells [index]->value;
    cr_assert_fail ("no column %s", column);
    return NULL;
}

Test (referral_lifecycle, the_sla_report_says_how_long_notices_were_held)
{
    s_start (true);
    static char clock_env [340];
    snprintf (clock_env, sizeof clock_env, "KUMPPANI_CLOCK_FILE=%s", s_clock_path);
    const char *env [] = { "KUMPPANI_POLL_MS=100", clock_env, NULL };
    kpt_service_start ("reporting", env);
    //  A month of its own (the suite's other tests leave theirs): six
    //  notices on Tue 11 Apr 2028, due Mon 24 Apr (Good Friday and Easter
    //  Monday are no working days); five held Wed 12 Apr and resumed Tue
    //  18 Apr (12 and 13 held: 2 working days), due Wed 26 Apr then; the
    //  sixth never held.
    s_set_clock (2028, 4, 11, 8);
    char ids [6][32];
    for (int index = 0; index < 6; index++)
        snprintf (ids [index], sizeof ids [index], "%s", s_kela_notice ());
    s_set_clock (2028, 4, 12, 8);
    for (int index = 0; index < 5; index++)
        s_ok_state (s_hold ("muni-743", ids [index], "client_in_hospital"), ST(ON_HOLD));
    s_set_clock (2028, 4, 18, 8);
    for (int index = 0; index < 5; index++)
        s_ok_state (s_resume ("muni-743", ids [index], NULL), ST(RECEIVED));
    //  The rollup consumer has folded them.
    long long folded = 0;
    for (int attempt = 0; attempt < 100; attempt++) {
        folded = s_count ("SELECT count(*) FROM reporting.referral_notices WHERE copy = 'live' AND held"
                          " AND held_working_days = 2 AND deadline = '2028-04-26' AND $1 <> ''", "x");
        if (folded == 5)
            break;
        zclock_sleep (100);
    }
    cr_assert_eq (folded, 5, "the rollup has %lld held notices", folded);

    kp_client_t *client = kpt_client ("reporting", "muni-743");
    Kumppani__V1__RunReport body = KUMPPANI__V1__RUN_REPORT__INIT;
    body.report = "referral_sla";
    body.period_start = "2028-04-01";
    body.period_end = "2028-04-30";
    body.project_id = "";
    body.municipality = "";
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER, false);
    request.body_case = BODY(RUN_REPORT);
    request.run_report = &body;
    Kumppani__V1__Reply *reply = kpt_call (client, &request);
    kp_client_destroy (&client);
    cr_assert_not_null (reply);
    s_expect (reply, STATUS(OK), NULL, NULL);
    const Kumppani__V1__ReportTable *table = reply->report_table;
    cr_assert_geq (table->n_rows, 1);
    char text [512] = "";
    for (size_t row = 0; row < table->n_rows; row++)
        for (size_t index = 0; index < table->n_columns; index++) {
            strcat (text, s_sla_cell (table, row, table->columns [index]));
            strcat (text, index + 1 < table->n_columns ? "|" : "\n");
        }
    cr_assert_str_eq (s_sla_cell (table, 0, "kind"), "social_work_need", "%s", text);
    cr_assert_str_eq (s_sla_cell (table, 0, "received"), "6", "%s", text);
    cr_assert_str_eq (s_sla_cell (table, 0, "held"), "5");
    cr_assert_str_eq (s_sla_cell (table, 0, "held_median_days"), "2");
    cr_assert_str_eq (s_sla_cell (table, 0, "held_p90_days"), "2");
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

Test (referral_lifecycle, accepted_then_held_is_still_no_longer_cancellable)
{
    s_start (false);
    //  Accepted, then put on hold: the hold does not reopen the sender's
    //  withdrawal, which ended at the acceptance.
    const char *id = s_kela_notice ();
    s_ok_state (s_simple ("muni-743", BODY(ACCEPT_REFERRAL), id), ST(ACCEPTED));
    s_ok_state (s_hold ("muni-743", id, "client_in_hospital"), ST(ON_HOLD));
    Kumppani__V1__Reply *reply = s_cancel ("kela", id, "sent_in_error", NULL);
    s_expect (reply, STATUS(CONFLICT), "referral.already_accepted", NULL);
    cr_assert (strstr (reply->error->message, "on hold"), "%s", reply->error->message);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (s_count ("SELECT count(*) FROM kp.events WHERE aggregate_id = $1 AND topic = 'referral.cancelled'", id), 0);
    cr_assert_eq (s_count ("SELECT count(*) FROM referral.referrals WHERE referral_id = $1 AND state = 'on_hold'"
                           " AND held_from = 'accepted' AND held_since IS NOT NULL", id), 1, "the refused cancel moved it");
    //  Resumed, it is accepted again and goes on to its outcome.
    s_ok_state (s_resume ("muni-743", id, NULL), ST(ACCEPTED));
    s_ok_state (s_simple ("muni-743", BODY(RECORD_REFERRAL_OUTCOME), id), ST(CLOSED));
    //  Held before acceptance, it may still be withdrawn (the_deadline_watch_skips_a_held_referral).
}

//  A note of n bytes (static; n < 2100).
static char *
s_note (size_t n)
{
    static char note [2100];
    cr_assert_lt (n, sizeof note);
    memset (note, 'n', n);
    note [n] = 0;
    return note;
}

static long long
s_history (const char *id)
{
    return s_count ("SELECT count(*) FROM referral.referral_history WHERE referral_id = $1", id);
}

Test (referral_lifecycle, each_request_refuses_oversized_unauthorised_repeated_and_out_of_order_input)
{
    s_start (false);
    const char *id = s_kela_notice ();
    long long steps = s_history (id);

    //  Oversized: a 2001-byte note on each, refused with its path; 2000 fits (below).
    Kumppani__V1__CancelReferral cancel = KUMPPANI__V1__CANCEL_REFERRAL__INIT;
    cancel.referral_id = (char *) id;
    cancel.reason_code = "client_moved";
    cancel.note = s_note (2001);
    s_refused (s_call ("kela", BODY(CANCEL_REFERRAL), &cancel, NULL), STATUS(INVALID), "referral.note_too_long",
               "cancel_referral.note");
    Kumppani__V1__HoldReferral hold = KUMPPANI__V1__HOLD_REFERRAL__INIT;
    hold.referral_id = (char *) id;
    hold.reason_code = "client_in_hospital";
    hold.note = s_note (2001);
    s_refused (s_call ("muni-743", BODY(HOLD_REFERRAL), &hold, NULL), STATUS(INVALID), "referral.note_too_long",
               "hold_referral.note");
    //  A reason code of 65 bytes is malformed.
    hold.note = "";
    hold.reason_code = "a_reason_code_that_is_sixty_five_bytes_long_which_is_one_too_many";
    cr_assert_eq (strlen (hold.reason_code), 65);
    s_refused (s_call ("muni-743", BODY(HOLD_REFERRAL), &hold, NULL), STATUS(INVALID), "referral.bad_reason_code",
               "hold_referral.reason_code");
    Kumppani__V1__ForwardReferral forward = KUMPPANI__V1__FORWARD_REFERRAL__INIT;
    forward.referral_id = (char *) id;
    forward.recipient_org = "muni-091";
    forward.recipient_type = "municipality";
    forward.municipality = "091";
    forward.reason_code = "client_moved";
    forward.note = s_note (2001);
    s_refused (s_call ("muni-743", BODY(FORWARD_REFERRAL), &forward, NULL), STATUS(INVALID),
               "referral.note_too_long", "forward_referral.note");

    //  Kela against the receiver's operations: refused by the route.
    hold.reason_code = "client_in_hospital";
    s_refused (s_resume ("kela", id, NULL), STATUS(FORBIDDEN), "auth.forbidden", NULL);
    s_refused (s_forward ("kela", id, "muni-091", "municipality", "client_moved", NULL),
               STATUS(FORBIDDEN), "auth.forbidden", NULL);
    //  A third organisation: the reply an unknown id gets, for each.
    s_refused (s_resume ("muni-091", id, NULL), STATUS(NOT_FOUND), "referral.not_found", NULL);
    s_refused (s_hold ("debt-743", id, "client_in_hospital"), STATUS(NOT_FOUND), "referral.not_found", NULL);
    s_refused (s_forward ("debt-743", id, "muni-091", "municipality", "client_moved", NULL),
               STATUS(NOT_FOUND), "referral.not_found", NULL);
    s_refused (s_cancel ("debt-743", id, "client_moved", NULL), STATUS(NOT_FOUND), "referral.not_found", NULL);
    cr_assert_eq (s_history (id), steps, "a refused request left a history row");

    //  Held with a 2000-byte note; the same key twice is one hold.
    hold.note = s_note (2000);
    Kumppani__V1__Reply *reply = s_call ("muni-743", BODY(HOLD_REFERRAL), &hold, "hold-key-1");
    s_expect (reply, STATUS(OK), NULL, NULL);
    cr_assert_eq (reply->referral->referral->state, ST(ON_HOLD));
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_call ("muni-743", BODY(HOLD_REFERRAL), &hold, "hold-key-1");
    s_expect (reply, STATUS(OK), NULL, NULL);
    cr_assert_eq (reply->referral->referral->state, ST(ON_HOLD));
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (s_count ("SELECT count(*) FROM kp.events WHERE aggregate_id = $1 AND topic = 'referral.held'", id), 1);
    cr_assert_eq (s_history (id), steps + 1);
    //  Out of order while held: a resume's 2001-byte note refused.
    Kumppani__V1__ResumeReferral resume = KUMPPANI__V1__RESUME_REFERRAL__INIT;
    resume.referral_id = (char *) id;
    resume.note = s_note (2001);
    s_refused (s_call ("muni-743", BODY(RESUME_REFERRAL), &resume, NULL), STATUS(INVALID), "referral.note_too_long",
               "resume_referral.note");
    //  Resumed; the same resume with a new key is out of order.
    s_ok_state (s_resume ("muni-743", id, NULL), ST(RECEIVED));
    s_refused (s_resume ("muni-743", id, NULL), STATUS(CONFLICT), "referral.illegal_transition", NULL);

    //  Cancelled (a 2000-byte note fits); after that nothing moves it.
    cancel.note = s_note (2000);
    reply = s_call ("kela", BODY(CANCEL_REFERRAL), &cancel, NULL);
    s_expect (reply, STATUS(OK), NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    steps = s_history (id);
    s_refused (s_hold ("muni-743", id, "client_in_hospital"), STATUS(CONFLICT), "referral.illegal_transition", NULL);
    s_refused (s_resume ("muni-743", id, NULL), STATUS(CONFLICT), "referral.illegal_transition", NULL);
    s_refused (s_cancel ("kela", id, "client_moved", NULL), STATUS(CONFLICT), "referral.already_cancelled", NULL);
    Kumppani__V1__RequestStatement statement = KUMPPANI__V1__REQUEST_STATEMENT__INIT;
    statement.referral_id = (char *) id;
    statement.due_on = "2099-01-01";
    reply = s_call ("kela", BODY(REQUEST_STATEMENT), &statement, NULL);
    cr_assert_neq (reply->status, STATUS(OK), "a statement asked on a cancelled referral");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (s_history (id), steps, "a refused request after the cancel left a history row");
    cr_assert_eq (s_count ("SELECT count(*) FROM referral.statement_requests WHERE referral_id = $1", id), 0);
}

//  muni-743 refers a client to ngo-743 on the client's request.
static const char *
s_partner_referral (void)
{
    Kumppani__V1__SubmitReferral body = KUMPPANI__V1__SUBMIT_REFERRAL__INIT;
    body.kind = KD(PARTNER);
    body.recipient_org = "ngo-743";
    body.recipient_type = "ngo";
    body.municipality = "743";
    body.client_ref = "muni-pseudonym-8";
    body.reason_category = KUMPPANI__V1__REASON_CATEGORY__REASON_CATEGORY_DEBT;
    body.legal_basis = KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CLIENT_REQUEST;
    return s_submit ("muni-743", &body);
}

Test (referral_lifecycle, forward_cancel_and_hold_out_of_order)
{
    s_start (false);
    const char *children = "SELECT count(*) FROM referral.referrals WHERE parent_referral_id = $1";
    //  Held: not forwarded until resumed.
    char held [32];
    snprintf (held, sizeof held, "%s", s_partner_referral ());
    s_ok_state (s_hold ("ngo-743", held, "waiting_for_documents"), ST(ON_HOLD));
    s_refused (s_forward ("ngo-743", held, "debt-743", "debt_counselling", "debt", NULL),
               STATUS(CONFLICT), "referral.illegal_transition", NULL);
    cr_assert_eq (s_count (children, held), 0);
    //  Hold and resume are the receiver's: the sender is refused both.
    s_refused (s_hold ("muni-743", held, "client_in_hospital"), STATUS(FORBIDDEN), "referral.forbidden", NULL);
    s_refused (s_resume ("muni-743", held, NULL), STATUS(FORBIDDEN), "referral.forbidden", NULL);
    //  …and cancel the sender's: the receiver is refused.
    s_refused (s_cancel ("ngo-743", held, "client_moved", NULL), STATUS(FORBIDDEN), "referral.forbidden", NULL);
    s_ok_state (s_resume ("ngo-743", held, NULL), ST(RECEIVED));
    //  Forward after cancel: a conflict, no child.
    char cancelled [32];
    snprintf (cancelled, sizeof cancelled, "%s", s_partner_referral ());
    s_ok_state (s_cancel ("muni-743", cancelled, "client_moved", NULL), ST(CANCELLED));
    s_refused (s_forward ("ngo-743", cancelled, "debt-743", "debt_counselling", "debt", NULL),
               STATUS(CONFLICT), "referral.illegal_transition", NULL);
    cr_assert_eq (s_count (children, cancelled), 0);
    //  Cancel after forward: the conflict names the state; hold neither.
    char forwarded [32];
    snprintf (forwarded, sizeof forwarded, "%s", s_partner_referral ());
    Kumppani__V1__Reply *reply = s_forward ("ngo-743", forwarded, "debt-743", "debt_counselling", "debt", NULL);
    s_expect (reply, STATUS(OK), NULL, NULL);
    char child [32];
    snprintf (child, sizeof child, "%s", reply->referral->chain [0]->referral_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    s_refused (s_cancel ("muni-743", forwarded, "client_moved", NULL), STATUS(CONFLICT), "referral.already_forwarded", NULL);
    s_refused (s_hold ("ngo-743", forwarded, "client_in_hospital"), STATUS(CONFLICT), "referral.illegal_transition", NULL);
    //  The child is the forwarder's to cancel, not the first sender's.
    s_refused (s_cancel ("muni-743", child, "client_moved", NULL), STATUS(NOT_FOUND), "referral.not_found", NULL);
    s_ok_state (s_cancel ("ngo-743", child, "sent_in_error", NULL), ST(CANCELLED));
    //  …and the first sender sees the cancelled leaf through the chain.
    reply = s_simple ("muni-743", BODY(GET_REFERRAL), forwarded);
    s_expect (reply, STATUS(OK), NULL, NULL);
    cr_assert_eq (reply->referral->n_chain, 1);
    cr_assert_eq (reply->referral->chain [0]->state, ST(CANCELLED));
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (s_count ("SELECT count(*) FROM kp.events WHERE aggregate_id = $1 AND topic = 'referral.chain_updated'"
                           " AND sender_org = 'muni-743' AND payload IS NOT NULL", child), 2, "received, cancelled");
}

//  One request through the importer certificate (kumppani import), as
//  org on day (2018, 10:00 UTC).
static Kumppani__V1__Reply *
s_imported (const char *org, int month, int day, Kumppani__V1__Request__BodyCase body_case, void *body)
{
    struct tm tm = { .tm_year = 2018 - 1900, .tm_mon = month - 1, .tm_mday = day, .tm_hour = 10 };
    Kumppani__V1__ImportContext context = KUMPPANI__V1__IMPORT_CONTEXT__INIT;
    context.as_org = (char *) org;
    context.original_time = (int64_t) timegm (&tm) * 1000000;
    kp_client_t *client = kpt_client ("referral", "importer");
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, s_role (org), true);
    request.import_context = &context;
    request.body_case = body_case;
    request.submit_referral = body;
    Kumppani__V1__Reply *reply = kpt_call (client, &request);
    kp_client_destroy (&client);
    cr_assert_not_null (reply, "no reply from referral");
    cr_assert_eq (reply->status, STATUS(OK), "imported %d refused: %s %s", body_case,
                  reply->error ? reply->error->code : "", reply->error ? reply->error->message : "");
    return reply;
}

Test (referral_lifecycle, a_migrating_countys_lifecycle_history_is_imported_on_its_own_days)
{
    s_start (false);
    //  2018: Kela's notice, held and resumed, a statement asked and never
    //  answered, a message; a partner referral forwarded to a municipality
    //  (a child with a clock of its own), then cancelled by its sender.
    Kumppani__V1__SubmitReferral notice = KUMPPANI__V1__SUBMIT_REFERRAL__INIT;
    notice.kind = KD(SOCIAL_WORK_NEED);
    notice.recipient_org = "muni-743";
    notice.recipient_type = "municipality";
    notice.municipality = "743";
    notice.client_ref = "kela-client-2018";
    notice.reason_category = KUMPPANI__V1__REASON_CATEGORY__REASON_CATEGORY_INCOME;
    notice.legal_basis = KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_SECTION_35;
    Kumppani__V1__Reply *reply = s_imported ("kela", 3, 5, BODY(SUBMIT_REFERRAL), &notice);
    char id [32];
    snprintf (id, sizeof id, "%s", reply->referral->referral->referral_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    Kumppani__V1__HoldReferral hold = KUMPPANI__V1__HOLD_REFERRAL__INIT;
    hold.referral_id = id;
    hold.reason_code = "client_in_hospital";
    kumppani__v1__reply__free_unpacked (s_imported ("muni-743", 3, 6, BODY(HOLD_REFERRAL), &hold), NULL);
    Kumppani__V1__ResumeReferral resume = KUMPPANI__V1__RESUME_REFERRAL__INIT;
    resume.referral_id = id;
    reply = s_imported ("muni-743", 3, 8, BODY(RESUME_REFERRAL), &resume);
    //  Mon 5 Mar + 7 working days = Wed 14 Mar; held Tue 6 and Wed 7: Fri 16 Mar.
    cr_assert_eq (reply->referral->referral->held_working_days, 2);
    cr_assert_str_eq (reply->referral->referral->deadline, "2018-03-16");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    Kumppani__V1__RequestStatement statement = KUMPPANI__V1__REQUEST_STATEMENT__INIT;
    statement.referral_id = id;
    statement.due_on = "2018-03-16";
    kumppani__v1__reply__free_unpacked (s_imported ("kela", 3, 9, BODY(REQUEST_STATEMENT), &statement), NULL);
    Kumppani__V1__PostReferralMessage message = KUMPPANI__V1__POST_REFERRAL_MESSAGE__INIT;
    message.referral_id = id;
    message.text = "Statement in preparation.";
    kumppani__v1__reply__free_unpacked (s_imported ("muni-743", 3, 9, BODY(POST_REFERRAL_MESSAGE), &message), NULL);

    Kumppani__V1__SubmitReferral partner = KUMPPANI__V1__SUBMIT_REFERRAL__INIT;
    partner.kind = KD(PARTNER);
    partner.recipient_org = "ngo-743";
    partner.recipient_type = "ngo";
    partner.municipality = "743";
    partner.client_ref = "muni-pseudonym-2018";
    partner.reason_category = KUMPPANI__V1__REASON_CATEGORY__REASON_CATEGORY_DEBT;
    partner.legal_basis = KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CLIENT_REQUEST;
    reply = s_imported ("muni-743", 4, 2, BODY(SUBMIT_REFERRAL), &partner);
    char parent [32];
    snprintf (parent, sizeof parent, "%s", reply->referral->referral->referral_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    Kumppani__V1__ForwardReferral forward = KUMPPANI__V1__FORWARD_REFERRAL__INIT;
    forward.referral_id = parent;
    forward.recipient_org = "muni-091";
    forward.recipient_type = "municipality";
    forward.municipality = "091";
    forward.reason_code = "client_moved";
    reply = s_imported ("ngo-743", 4, 3, BODY(FORWARD_REFERRAL), &forward);
    cr_assert_eq (reply->referral->n_chain, 1);
    char child [32];
    snprintf (child, sizeof child, "%s", reply->referral->chain [0]->referral_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    Kumppani__V1__CancelReferral cancel = KUMPPANI__V1__CANCEL_REFERRAL__INIT;
    cancel.referral_id = child;
    cancel.reason_code = "sent_in_error";
    kumppani__v1__reply__free_unpacked (s_imported ("ngo-743", 4, 4, BODY(CANCEL_REFERRAL), &cancel), NULL);

    //  Each step on its own day, as the importer's, like a live one.
    cr_assert_eq (s_count ("SELECT count(*) FROM kp.events WHERE aggregate_id = $1"
                           " AND topic IN ('referral.held', 'referral.resumed', 'referral.statement_requested',"
                           " 'referral.message_posted') AND occurred_at < '2018-03-10'", id), 4);
    cr_assert_eq (s_count ("SELECT count(*) FROM referral.referral_messages WHERE referral_id = $1"
                           " AND posted_at::date = '2018-03-09'", id), 1);
    cr_assert_eq (s_count ("SELECT count(*) FROM referral.referrals WHERE referral_id = $1 AND received_on = '2018-04-03'"
                           " AND deadline = '2018-04-12' AND parent_referral_id IS NOT NULL AND state = 'cancelled'", child), 1);
    cr_assert_eq (s_count ("SELECT count(*) FROM kp.events WHERE aggregate_id = $1"
                           " AND topic = 'referral.cancelled' AND occurred_at::date = '2018-04-04'", child), 1);
    //  Years past, the watches send nothing for them: no breach of the
    //  moved deadline, none of the child's own clock, no overdue
    //  statement (the watches tick every 100 ms; 15 ticks pass). The
    //  history shows each as it stood: the request overdue, unanswered.
    zclock_sleep (1500);
    const char *notices = "SELECT count(*) FROM kp.events WHERE aggregate_id = $1 AND topic IN"
                          " ('referral.deadline_warning', 'referral.deadline_breached', 'referral.statement_overdue')";
    cr_assert_eq (s_count (notices, id), 0, "a notice for a clock that ended before the import");
    cr_assert_eq (s_count (notices, child), 0, "a notice for the imported child's past clock");
    cr_assert_eq (s_count ("SELECT count(*) FROM referral.statement_requests WHERE referral_id = $1"
                           " AND past_at_import AND answered_at IS NULL AND breach_sent_at IS NULL", id), 1);
    reply = s_simple ("kela", BODY(GET_REFERRAL), id);
    s_expect (reply, STATUS(OK), NULL, NULL);
    cr_assert_eq (reply->referral->referral->n_statement_requests, 1);
    cr_assert_eq (reply->referral->referral->statement_requests [0]->state,
                  KUMPPANI__V1__STATEMENT_REQUEST_STATE__STATEMENT_REQUEST_STATE_OVERDUE);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}
