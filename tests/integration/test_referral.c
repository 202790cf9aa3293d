/*  The referral service's promises through real CURVE sockets, a real
    stream and the test cluster: each kind's lifecycle, illegal moves,
    idempotent submits, cross-organisation refusals for every operation,
    bad and oversized input, unknown municipalities, the henkilötunnus kept
    from everyone but the receiving municipality, consent withdrawal, the
    closed loop with intake, and deadline notices sent exactly once. */
#include "harness.h"
#include "kp_codec.h"
#include "kp_ids.h"

#include <criterion/criterion.h>
#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TestSuite (referral, .init = kpt_setup, .fini = kpt_teardown, .timeout = 120);

#define ST(name) KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_##name
#define KD(name) KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_##name
#define STATUS(name) KUMPPANI__V1__STATUS__STATUS_##name

//  A valid henkilötunnus (check character computed from 131052308).
#define HETU "131052-308T"

static void
s_start (void)
{
    static const char *env [] = { "KUMPPANI_POLL_MS=100", NULL };
    kpt_service_start ("stream", NULL);
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

//  One request as org. body is any body message: the request's body
//  pointers share one union, so setting one sets the case's pointer.
static Kumppani__V1__Reply *
s_call (const char *org, Kumppani__V1__Request__BodyCase body_case, void *body, const char *key)
{
    bool mutating = body_case != KUMPPANI__V1__REQUEST__BODY_GET_REFERRAL
                 && body_case != KUMPPANI__V1__REQUEST__BODY_LIST_REFERRALS;
    kp_client_t *client = kpt_client ("referral", org);
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, s_role (org), mutating);
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

//  A valid Kela notice of need for social work to muni-743.
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
    body->notifier_may_be_named = true;
    body->free_text = "Rent arrears for three months; the client asked for help with the budget.";
    body->sender_contact = "Kela Seinäjoki, 020 692 207";
}

//  Submits and returns the new referral's id (static buffer of a ring).
static const char *
s_submit (const char *org, Kumppani__V1__SubmitReferral *body)
{
    static char ids [4][32];
    static int next;
    Kumppani__V1__Reply *reply = s_call (org, KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL, body, NULL);
    s_expect (reply, STATUS(OK), NULL, NULL);
    cr_assert_not_null (reply->referral);
    cr_assert_eq (reply->referral->referral->state, ST(RECEIVED));
    char *id = ids [next++ % 4];
    snprintf (id, 32, "%s", reply->referral->referral->referral_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    return id;
}

//  The simple receiver operations, by name, for the table-driven tests.
typedef enum { OP_ACK, OP_ASSIGN, OP_STATUS, OP_DECLINE, OP_ACCEPT, OP_OUTCOME, OP_STATEMENT, OP_DECISION } s_op_t;

static Kumppani__V1__Reply *
s_op (const char *org, s_op_t op, const char *id, Kumppani__V1__ReferralState status)
{
    Kumppani__V1__AcknowledgeReferral ack = KUMPPANI__V1__ACKNOWLEDGE_REFERRAL__INIT;
    Kumppani__V1__AssignReferral assign = KUMPPANI__V1__ASSIGN_REFERRAL__INIT;
    Kumppani__V1__UpdateReferralStatus update = KUMPPANI__V1__UPDATE_REFERRAL_STATUS__INIT;
    Kumppani__V1__DeclineReferral decline = KUMPPANI__V1__DECLINE_REFERRAL__INIT;
    Kumppani__V1__AcceptReferral accept = KUMPPANI__V1__ACCEPT_REFERRAL__INIT;
    Kumppani__V1__RecordReferralOutcome outcome = KUMPPANI__V1__RECORD_REFERRAL_OUTCOME__INIT;
    Kumppani__V1__GiveStatement statement = KUMPPANI__V1__GIVE_STATEMENT__INIT;
    Kumppani__V1__RecordApplicationDecision decision = KUMPPANI__V1__RECORD_APPLICATION_DECISION__INIT;
    switch (op) {
        case OP_ACK:
            ack.referral_id = (char *) id;
            ack.note = "received, pending";
            return s_call (org, KUMPPANI__V1__REQUEST__BODY_ACKNOWLEDGE_REFERRAL, &ack, NULL);
        case OP_ASSIGN:
            assign.referral_id = (char *) id;
            assign.worker_id = "sw-17";
            return s_call (org, KUMPPANI__V1__REQUEST__BODY_ASSIGN_REFERRAL, &assign, NULL);
        case OP_STATUS:
            update.referral_id = (char *) id;
            update.status = status;
            return s_call (org, KUMPPANI__V1__REQUEST__BODY_UPDATE_REFERRAL_STATUS, &update, NULL);
        case OP_DECLINE:
            decline.referral_id = (char *) id;
            decline.reason_code = "not_in_service_area";
            return s_call (org, KUMPPANI__V1__REQUEST__BODY_DECLINE_REFERRAL, &decline, NULL);
        case OP_ACCEPT:
            accept.referral_id = (char *) id;
            return s_call (org, KUMPPANI__V1__REQUEST__BODY_ACCEPT_REFERRAL, &accept, NULL);
        case OP_OUTCOME:
            outcome.referral_id = (char *) id;
            outcome.outcome_code = "plan_made";
            return s_call (org, KUMPPANI__V1__REQUEST__BODY_RECORD_REFERRAL_OUTCOME, &outcome, NULL);
        case OP_STATEMENT:
            statement.referral_id = (char *) id;
            statement.statement = "Supplementary assistance is justified for the rent arrears.";
            return s_call (org, KUMPPANI__V1__REQUEST__BODY_GIVE_STATEMENT, &statement, NULL);
        case OP_DECISION:
            decision.referral_id = (char *) id;
            decision.decision = KUMPPANI__V1__APPLICATION_DECISION__APPLICATION_DECISION_GRANTED;
            decision.decision_id = "d-2026-001";
            return s_call (org, KUMPPANI__V1__REQUEST__BODY_RECORD_APPLICATION_DECISION, &decision, NULL);
    }
    return NULL;
}

//  Takes a step that must succeed and land in state.
static void
s_step (const char *org, s_op_t op, const char *id, Kumppani__V1__ReferralState status,
        Kumppani__V1__ReferralState expected)
{
    Kumppani__V1__Reply *reply = s_op (org, op, id, status);
    s_expect (reply, STATUS(OK), NULL, NULL);
    cr_assert_eq (reply->referral->referral->state, expected, "op %d: state %d, expected %d",
                  op, reply->referral->referral->state, expected);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

static Kumppani__V1__Reply *
s_get (const char *org, const char *id)
{
    Kumppani__V1__GetReferral get = KUMPPANI__V1__GET_REFERRAL__INIT;
    get.referral_id = (char *) id;
    return s_call (org, KUMPPANI__V1__REQUEST__BODY_GET_REFERRAL, &get, NULL);
}

static long long
s_events (const char *id, const char *topic)
{
    char sql [256];
    snprintf (sql, sizeof sql, "SELECT count(*) FROM kp.events WHERE aggregate_id = $1 AND topic = '%s'", topic);
    return kpt_scalar (sql, id);
}

//  Polls a count query until it reaches want (bounded); returns the last value.
static long long
s_wait_for (const char *sql, const char *param, long long want)
{
    long long value = -1;
    for (int attempt = 0; attempt < 100; attempt++) {
        value = kpt_scalar (sql, param);
        if (value == want)
            break;
        zclock_sleep (100);
    }
    return value;
}

//  Appends an intake.* event as the intake role would (kp.append_event);
//  its seq.
static long long
s_intake_event (const char *topic, const char *referral_id)
{
    PGconn *conn = kpt_connect_as ("intake");
    Kumppani__V1__IntakeEvent intake = KUMPPANI__V1__INTAKE_EVENT__INIT;
    char *ids [] = { (char *) referral_id };
    intake.case_id = "case-1";
    intake.municipality = "743";
    intake.referral_ids = ids;
    intake.n_referral_ids = 1;
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.topic = (char *) topic;
    event.aggregate_id = "case-1";
    event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_INTAKE;
    event.intake = &intake;
    long long seq = kpt_append_event (conn, &event, "743", NULL, NULL);
    PQfinish (conn);
    return seq;
}

//  Waits (bounded) until the referral service's consumer of intake's
//  events has taken seq: its cursor moves in the transaction that
//  handles the event, so whatever the event did is committed then.
static void
s_wait_consumed (long long seq)
{
    const char *cursor = "SELECT last_seq FROM kp.consumer_cursors WHERE consumer = $1";
    long long at = -1;
    for (int attempt = 0; attempt < 200; attempt++) {
        at = kpt_scalar (cursor, "referral.assessments");
        if (at >= seq)
            return;
        zclock_sleep (50);
    }
    cr_assert_fail ("the consumer never took event %lld (cursor at %lld)", seq, at);
}

static void
s_admin (const char *sql, const char *param)
{
    const char *values [] = { param };
    PGresult *result = PQexecParams (kpt_admin (), sql, 1, NULL, values, NULL, NULL, 0);
    cr_assert_eq (PQresultStatus (result), PGRES_COMMAND_OK, "%s", PQresultErrorMessage (result));
    PQclear (result);
}

Test (referral, kela_notice_lifecycle_closes_the_loop)
{
    s_start ();
    Kumppani__V1__SubmitReferral body;
    s_notice (&body);
    Kumppani__V1__Reply *reply = s_call ("kela", KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL, &body, NULL);
    s_expect (reply, STATUS(OK), NULL, NULL);
    Kumppani__V1__ReferralView *view = reply->referral->referral;
    cr_assert_str_empty (view->hetu, "the sender got the henkilötunnus back");
    cr_assert_eq (view->deadline_kind_enum, KUMPPANI__V1__DEADLINE_KIND__DEADLINE_KIND_ASSESSMENT_START);
    cr_assert_str_not_empty (view->deadline);
    cr_assert_eq (view->deadline_state, KUMPPANI__V1__DEADLINE_STATE__DEADLINE_STATE_OK);
    char id [32];
    snprintf (id, sizeof id, "%s", view->referral_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    s_step ("muni-743", OP_ACK, id, 0, ST(ACKNOWLEDGED));
    s_step ("muni-743", OP_ASSIGN, id, 0, ST(ASSIGNED));
    s_step ("muni-743", OP_STATUS, id, ST(CLIENT_CONTACTED), ST(CLIENT_CONTACTED));
    s_step ("muni-743", OP_STATUS, id, ST(ASSESSMENT_BOOKED), ST(ASSESSMENT_BOOKED));
    s_step ("muni-743", OP_STATUS, id, ST(ASSESSMENT_STARTED), ST(ASSESSMENT_STARTED));
    s_step ("muni-743", OP_STATEMENT, id, 0, ST(ASSESSMENT_STARTED));
    s_step ("muni-743", OP_STATUS, id, ST(ASSESSMENT_COMPLETED), ST(ASSESSMENT_COMPLETED));
    s_step ("muni-743", OP_ACCEPT, id, 0, ST(ACCEPTED));
    s_step ("muni-743", OP_OUTCOME, id, 0, ST(CLOSED));

    //  The receiving municipality sees the identity and its own notes.
    reply = s_get ("muni-743", id);
    s_expect (reply, STATUS(OK), NULL, NULL);
    cr_assert_str_eq (reply->referral->referral->hetu, HETU);
    cr_assert_eq (reply->referral->n_history, 10);
    cr_assert_str_eq (reply->referral->history [1]->note, "received, pending");
    cr_assert_eq (reply->referral->referral->deadline_state, KUMPPANI__V1__DEADLINE_STATE__DEADLINE_STATE_MET);
    cr_assert (reply->referral->referral->assessment_started_at > 0);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  Kela sees the closed loop: state, statement, outcome; no identity, no notes.
    reply = s_get ("kela", id);
    s_expect (reply, STATUS(OK), NULL, NULL);
    cr_assert_str_empty (reply->referral->referral->hetu);
    cr_assert_eq (reply->referral->referral->state, ST(CLOSED));
    cr_assert_str_eq (reply->referral->referral->outcome_code, "plan_made");
    cr_assert_str_not_empty (reply->referral->referral->statement);
    cr_assert_str_empty (reply->referral->referral->assigned_worker);
    cr_assert_str_empty (reply->referral->history [1]->note);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Every step is an event, scoped so Kela's stream shows it.
    cr_assert_eq (s_events (id, "referral.received"), 1);
    cr_assert_eq (s_events (id, "referral.acknowledged"), 1);
    cr_assert_eq (s_events (id, "referral.assigned"), 1);
    cr_assert_eq (s_events (id, "referral.status_changed"), 4);
    cr_assert_eq (s_events (id, "referral.statement_given"), 1);
    cr_assert_eq (s_events (id, "referral.accepted"), 1);
    cr_assert_eq (s_events (id, "referral.outcome_recorded"), 1);
    cr_assert_eq (s_events (id, "referral.closed"), 1);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.events WHERE aggregate_id = $1"
                              " AND (sender_org <> 'kela' OR recipient_org <> 'muni-743' OR municipality <> '743')", id), 0);
    //  The identity is in no event and stored only encrypted.
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.events WHERE position (convert_to ($1, 'UTF8') IN payload) > 0",
                              HETU), 0);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM referral.referrals WHERE position (convert_to ($1, 'UTF8') IN hetu_box) > 0",
                              HETU), 0);
    //  Every read and change is audited.
    cr_assert_geq (kpt_scalar ("SELECT count(*) FROM kp.audit_log WHERE detail = $1", id), 12);
}

Test (referral, every_kind_has_a_whole_lifecycle)
{
    s_start ();
    Kumppani__V1__SubmitReferral body;
    //  Application transfer: the decision closes the decision clock.
    s_notice (&body);
    body.kind = KD(APPLICATION_TRANSFER);
    body.kela_decision_id = "kela-dec-991";
    body.benefit_period_start = "2026-03-01";
    body.benefit_period_end = "2026-03-31";
    body.client_requested_transfer = true;
    body.assistance_type = KUMPPANI__V1__ASSISTANCE_TYPE__ASSISTANCE_TYPE_SUPPLEMENTARY;
    body.urgent = true;
    const char *id = s_submit ("kela", &body);
    s_step ("muni-743", OP_ACK, id, 0, ST(ACKNOWLEDGED));
    s_step ("muni-743", OP_DECISION, id, 0, ST(ACCEPTED));
    s_step ("muni-743", OP_OUTCOME, id, 0, ST(CLOSED));
    cr_assert_eq (s_events (id, "referral.decision_recorded"), 1);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM referral.referrals WHERE referral_id = $1"
                              " AND deadline_kind = 'decision' AND deadline_met", id), 1);

    //  Basic-amount reduction notice, 40 %.
    s_notice (&body);
    body.kind = KD(BASIC_AMOUNT_REDUCTION);
    body.reduction_percent = 40;
    id = s_submit ("kela", &body);
    s_step ("muni-743", OP_STATUS, id, ST(ASSESSMENT_STARTED), ST(ASSESSMENT_STARTED));
    s_step ("muni-743", OP_STATUS, id, ST(ASSESSMENT_COMPLETED), ST(ASSESSMENT_COMPLETED));
    s_step ("muni-743", OP_OUTCOME, id, 0, ST(CLOSED));

    //  Personal discussion: unreachable, then reached, then no need.
    s_notice (&body);
    body.kind = KD(PERSONAL_DISCUSSION);
    id = s_submit ("kela", &body);
    s_step ("muni-743", OP_ACK, id, 0, ST(ACKNOWLEDGED));
    s_step ("muni-743", OP_STATUS, id, ST(UNREACHABLE), ST(UNREACHABLE));
    s_step ("muni-743", OP_STATUS, id, ST(CLIENT_CONTACTED), ST(CLIENT_CONTACTED));
    s_step ("muni-743", OP_STATUS, id, ST(NO_NEED), ST(NO_NEED));
    s_step ("muni-743", OP_OUTCOME, id, 0, ST(CLOSED));

    //  Partner: municipality → NGO, declined with a reason; no statutory clock.
    s_notice (&body);
    body.kind = KD(PARTNER);
    body.recipient_org = "ngo-743";
    body.recipient_type = "ngo";
    //  A municipality's consent_ref is looked up (test_disclosure): the
    //  client's own request needs none.
    body.legal_basis = KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CLIENT_REQUEST;
    body.consent_ref = "";
    id = s_submit ("muni-743", &body);
    s_step ("ngo-743", OP_ACK, id, 0, ST(ACKNOWLEDGED));
    s_step ("ngo-743", OP_DECLINE, id, 0, ST(DECLINED));
    Kumppani__V1__Reply *reply = s_get ("muni-743", id);
    cr_assert_eq (reply->referral->referral->deadline_state, KUMPPANI__V1__DEADLINE_STATE__DEADLINE_STATE_NONE);
    cr_assert_str_eq (reply->referral->history [2]->reason_code, "not_in_service_area");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Partner: municipality → debt counselling, accepted and done.
    body.recipient_org = "debt-743";
    body.recipient_type = "debt_counselling";
    body.hetu = "";
    body.client_ref = "client-7731";
    id = s_submit ("muni-743", &body);
    s_step ("debt-743", OP_ACCEPT, id, 0, ST(ACCEPTED));
    s_step ("debt-743", OP_OUTCOME, id, 0, ST(CLOSED));

    //  §35 notice from another municipality, transferred elsewhere.
    s_notice (&body);
    body.kind = KD(SECTION_35_NOTICE);
    body.legal_basis = KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_SECTION_35;
    body.consent_ref = "";
    id = s_submit ("muni-091", &body);
    s_step ("muni-743", OP_STATUS, id, ST(TRANSFERRED), ST(TRANSFERRED));
    s_step ("muni-743", OP_OUTCOME, id, 0, ST(CLOSED));
}

Test (referral, illegal_transitions_conflict_with_the_current_state)
{
    s_start ();
    Kumppani__V1__SubmitReferral body;
    s_notice (&body);
    const char *id = s_submit ("kela", &body);
    s_step ("muni-743", OP_ACK, id, 0, ST(ACKNOWLEDGED));
    Kumppani__V1__Reply *reply = s_op ("muni-743", OP_ACK, id, 0);
    s_expect (reply, STATUS(CONFLICT), "referral.illegal_transition", NULL);
    cr_assert (strstr (reply->error->message, "acknowledged"), "message: %s", reply->error->message);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_op ("muni-743", OP_OUTCOME, id, 0);
    s_expect (reply, STATUS(CONFLICT), "referral.illegal_transition", NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    s_step ("muni-743", OP_ACCEPT, id, 0, ST(ACCEPTED));
    reply = s_op ("muni-743", OP_DECLINE, id, 0);
    s_expect (reply, STATUS(CONFLICT), "referral.illegal_transition", NULL);
    cr_assert (strstr (reply->error->message, "accepted"), "message: %s", reply->error->message);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  A decision belongs to transferred applications only.
    reply = s_op ("muni-743", OP_DECISION, id, 0);
    s_expect (reply, STATUS(INVALID), "referral.wrong_kind", NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  Nothing of the refused steps reached the history or the stream.
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM referral.referral_history WHERE referral_id = $1", id), 3);
    cr_assert_eq (s_events (id, "referral.declined"), 0);
}

Test (referral, submit_is_idempotent_by_key)
{
    s_start ();
    Kumppani__V1__SubmitReferral body;
    s_notice (&body);
    char key [KP_ID_LEN + 1];
    kp_id_new (key);
    Kumppani__V1__Reply *first = s_call ("kela", KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL, &body, key);
    Kumppani__V1__Reply *again = s_call ("kela", KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL, &body, key);
    s_expect (first, STATUS(OK), NULL, NULL);
    s_expect (again, STATUS(OK), NULL, NULL);
    const char *id = first->referral->referral->referral_id;
    cr_assert_str_eq (again->referral->referral->referral_id, id);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM referral.referrals WHERE referral_id = $1", id), 1);
    cr_assert_eq (s_events (id, "referral.received"), 1);
    //  The same key for another body is refused.
    body.urgent = true;
    Kumppani__V1__Reply *other = s_call ("kela", KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL, &body, key);
    s_expect (other, STATUS(CONFLICT), "idempotency.key_reused", NULL);
    kumppani__v1__reply__free_unpacked (first, NULL);
    kumppani__v1__reply__free_unpacked (again, NULL);
    kumppani__v1__reply__free_unpacked (other, NULL);
}

Test (referral, other_organisations_are_refused_every_operation)
{
    s_start ();
    Kumppani__V1__SubmitReferral body;
    s_notice (&body);
    const char *kela_id = s_submit ("kela", &body);
    char id [32];
    snprintf (id, sizeof id, "%s", kela_id);
    s_op_t ops [] = { OP_ACK, OP_ASSIGN, OP_STATUS, OP_DECLINE, OP_ACCEPT, OP_OUTCOME, OP_STATEMENT, OP_DECISION };
    for (size_t index = 0; index < sizeof ops / sizeof ops [0]; index++) {
        //  Another municipality and an NGO: the referral does not exist for them.
        Kumppani__V1__Reply *reply = s_op ("muni-091", ops [index], id, ST(CLIENT_CONTACTED));
        s_expect (reply, STATUS(NOT_FOUND), "referral.not_found", NULL);
        kumppani__v1__reply__free_unpacked (reply, NULL);
        if (ops [index] != OP_STATEMENT && ops [index] != OP_DECISION) {
            reply = s_op ("ngo-743", ops [index], id, ST(CLIENT_CONTACTED));
            s_expect (reply, STATUS(NOT_FOUND), "referral.not_found", NULL);
            kumppani__v1__reply__free_unpacked (reply, NULL);
        }
        //  Kela, the sender, never answers its own referral.
        reply = s_op ("kela", ops [index], id, ST(CLIENT_CONTACTED));
        s_expect (reply, STATUS(FORBIDDEN), NULL, NULL);
        kumppani__v1__reply__free_unpacked (reply, NULL);
    }
    Kumppani__V1__Reply *reply = s_get ("muni-091", id);
    s_expect (reply, STATUS(NOT_FOUND), "referral.not_found", NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_get ("ngo-743", id);
    s_expect (reply, STATUS(NOT_FOUND), "referral.not_found", NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  A municipality's referral to an NGO: Kela cannot read it, the sender cannot answer it.
    s_notice (&body);
    body.kind = KD(PARTNER);
    body.recipient_org = "ngo-743";
    body.recipient_type = "ngo";
    body.legal_basis = KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CLIENT_REQUEST;
    body.consent_ref = "";
    const char *partner = s_submit ("muni-743", &body);
    reply = s_get ("kela", partner);
    s_expect (reply, STATUS(NOT_FOUND), "referral.not_found", NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_op ("muni-743", OP_ACK, partner, 0);
    s_expect (reply, STATUS(FORBIDDEN), "referral.forbidden", NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Lists show only one's own referrals.
    Kumppani__V1__ListReferrals list = KUMPPANI__V1__LIST_REFERRALS__INIT;
    list.page_size = 100;
    reply = s_call ("muni-091", KUMPPANI__V1__REQUEST__BODY_LIST_REFERRALS, &list, NULL);
    s_expect (reply, STATUS(OK), NULL, NULL);
    for (size_t index = 0; index < reply->referral_list->n_referrals; index++) {
        Kumppani__V1__ReferralView *view = reply->referral_list->referrals [index];
        cr_assert (strcmp (view->sender_org, "muni-091") == 0 || strcmp (view->recipient_org, "muni-091") == 0);
    }
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Who may send what.
    s_notice (&body);
    reply = s_call ("muni-091", KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL, &body, NULL);
    s_expect (reply, STATUS(FORBIDDEN), "referral.forbidden", "submit_referral.kind");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    body.kind = KD(SECTION_35_NOTICE);
    reply = s_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL, &body, NULL);
    s_expect (reply, STATUS(FORBIDDEN), "referral.forbidden", NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_call ("integrator-743", KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL, &body, NULL);
    s_expect (reply, STATUS(FORBIDDEN), "auth.forbidden", NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

Test (referral, malformed_and_oversized_fields_are_invalid_with_their_path)
{
    s_start ();
    Kumppani__V1__SubmitReferral body;
    char big [2002];
    memset (big, 'x', sizeof big - 1);
    big [sizeof big - 1] = '\0';

    s_notice (&body);
    body.free_text = big;
    Kumppani__V1__Reply *reply = s_call ("kela", KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL, &body, NULL);
    s_expect (reply, STATUS(INVALID), "referral.free_text_too_long", "submit_referral.free_text");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    big [2000] = '\0';                                      //  exactly the limit is fine
    reply = s_call ("kela", KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL, &body, NULL);
    s_expect (reply, STATUS(OK), NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    s_notice (&body);
    body.hetu = "131052-308A";
    reply = s_call ("kela", KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL, &body, NULL);
    s_expect (reply, STATUS(INVALID), NULL, "submit_referral.hetu");
    cr_assert (strncmp (reply->error->code, "hetu.", 5) == 0);
    cr_assert_null (strstr (reply->error->message, "131052"), "the message repeats the identity");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    s_notice (&body);
    body.hetu = "";
    reply = s_call ("kela", KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL, &body, NULL);
    s_expect (reply, STATUS(INVALID), "referral.client_required", NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    s_notice (&body);
    body.consent_ref = "";
    reply = s_call ("kela", KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL, &body, NULL);
    s_expect (reply, STATUS(INVALID), "referral.consent_required", "submit_referral.consent_ref");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    s_notice (&body);
    body.kind = KD(APPLICATION_TRANSFER);
    body.kela_decision_id = "kela-dec-1";
    body.benefit_period_start = "2026-03-01";
    body.benefit_period_end = "2026-03-31";
    body.assistance_type = KUMPPANI__V1__ASSISTANCE_TYPE__ASSISTANCE_TYPE_PREVENTIVE;
    reply = s_call ("kela", KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL, &body, NULL);
    s_expect (reply, STATUS(INVALID), "referral.transfer_not_requested", "submit_referral.client_requested_transfer");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    body.client_requested_transfer = true;
    body.benefit_period_end = "2026-02-30";
    reply = s_call ("kela", KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL, &body, NULL);
    s_expect (reply, STATUS(INVALID), "referral.bad_benefit_period", "submit_referral.benefit_period_end");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    s_notice (&body);
    body.kind = KD(BASIC_AMOUNT_REDUCTION);
    body.reduction_percent = 30;
    reply = s_call ("kela", KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL, &body, NULL);
    s_expect (reply, STATUS(INVALID), "referral.bad_reduction_percent", "submit_referral.reduction_percent");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    s_notice (&body);
    body.recipient_type = "ngo";
    reply = s_call ("kela", KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL, &body, NULL);
    s_expect (reply, STATUS(INVALID), "referral.recipient_not_municipality", "submit_referral.recipient_type");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    s_notice (&body);
    body.reason_category = 99;
    reply = s_call ("kela", KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL, &body, NULL);
    s_expect (reply, STATUS(INVALID), "referral.bad_reason_category", "submit_referral.reason_category");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Receiver-side bodies: a bad id, an oversized note, a missing reason.
    Kumppani__V1__AcknowledgeReferral ack = KUMPPANI__V1__ACKNOWLEDGE_REFERRAL__INIT;
    ack.referral_id = "not-an-id";
    reply = s_call ("muni-743", KUMPPANI__V1__REQUEST__BODY_ACKNOWLEDGE_REFERRAL, &ack, NULL);
    s_expect (reply, STATUS(INVALID), "referral.bad_id", "acknowledge_referral.referral_id");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    s_notice (&body);
    const char *id = s_submit ("kela", &body);
    ack.referral_id = (char *) id;
    memset (big, 'y', 2001);                                //  one byte over
    big [2001] = '\0';
    ack.note = big;
    reply = s_call ("muni-743", KUMPPANI__V1__REQUEST__BODY_ACKNOWLEDGE_REFERRAL, &ack, NULL);
    s_expect (reply, STATUS(INVALID), "referral.note_too_long", "acknowledge_referral.note");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    Kumppani__V1__DeclineReferral decline = KUMPPANI__V1__DECLINE_REFERRAL__INIT;
    decline.referral_id = (char *) id;
    reply = s_call ("muni-743", KUMPPANI__V1__REQUEST__BODY_DECLINE_REFERRAL, &decline, NULL);
    s_expect (reply, STATUS(INVALID), "referral.bad_reason_code", "decline_referral.reason_code");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    Kumppani__V1__UpdateReferralStatus update = KUMPPANI__V1__UPDATE_REFERRAL_STATUS__INIT;
    update.referral_id = (char *) id;
    update.status = ST(CLOSED);
    reply = s_call ("muni-743", KUMPPANI__V1__REQUEST__BODY_UPDATE_REFERRAL_STATUS, &update, NULL);
    s_expect (reply, STATUS(INVALID), "referral.bad_status", "update_referral_status.status");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    Kumppani__V1__ListReferrals list = KUMPPANI__V1__LIST_REFERRALS__INIT;
    list.page_size = 101;
    reply = s_call ("muni-743", KUMPPANI__V1__REQUEST__BODY_LIST_REFERRALS, &list, NULL);
    s_expect (reply, STATUS(INVALID), "referral.page_size", "list_referrals.page_size");
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

Test (referral, unknown_municipality_is_refused)
{
    s_start ();
    Kumppani__V1__SubmitReferral body;
    s_notice (&body);
    body.municipality = "999";
    Kumppani__V1__Reply *reply = s_call ("kela", KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL, &body, NULL);
    s_expect (reply, STATUS(INVALID), "referral.unknown_municipality", "submit_referral.municipality");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    body.municipality = "Seinäjoki";
    reply = s_call ("kela", KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL, &body, NULL);
    s_expect (reply, STATUS(INVALID), "referral.unknown_municipality", "submit_referral.municipality");
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

Test (referral, ngo_never_gets_the_henkilotunnus)
{
    s_start ();
    Kumppani__V1__SubmitReferral body;
    s_notice (&body);
    body.kind = KD(PARTNER);
    body.recipient_org = "ngo-743";
    body.recipient_type = "ngo";
    body.client_ref = "client-42";
    body.legal_basis = KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CLIENT_REQUEST;
    body.consent_ref = "";
    const char *id = s_submit ("muni-743", &body);
    Kumppani__V1__Reply *reply = s_get ("ngo-743", id);
    s_expect (reply, STATUS(OK), NULL, NULL);
    cr_assert_str_empty (reply->referral->referral->hetu);
    cr_assert_str_eq (reply->referral->referral->client_ref, "client-42");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_get ("muni-743", id);                 //  nor the sending municipality
    cr_assert_str_empty (reply->referral->referral->hetu);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    Kumppani__V1__ListReferrals list = KUMPPANI__V1__LIST_REFERRALS__INIT;
    reply = s_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_LIST_REFERRALS, &list, NULL);
    s_expect (reply, STATUS(OK), NULL, NULL);
    cr_assert_gt (reply->referral_list->n_referrals, 0);
    for (size_t index = 0; index < reply->referral_list->n_referrals; index++)
        cr_assert_str_empty (reply->referral_list->referrals [index]->hetu);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  The disclosure to the NGO is in the audit log with its basis (the
    //  read; the list's first page may not reach this referral when the
    //  shared cluster holds many to ngo-743).
    cr_assert_geq (kpt_scalar ("SELECT count(*) FROM kp.audit_log WHERE detail = $1 AND action = 'referral.get_referral'"
                               " AND actor_org = 'ngo-743' AND basis = 'client_request' AND recipient_org = 'ngo-743'",
                               id), 1);
}

Test (referral, list_pages_and_filters)
{
    s_start ();
    Kumppani__V1__SubmitReferral body;
    for (int index = 0; index < 5; index++) {
        s_notice (&body);
        body.recipient_org = "muni-091";
        body.municipality = "091";
        s_submit ("kela", &body);
    }
    long long total = kpt_scalar ("SELECT count(*) FROM referral.referrals"
                                  " WHERE sender_org = $1 OR recipient_org = $1", "muni-091");
    Kumppani__V1__ListReferrals list = KUMPPANI__V1__LIST_REFERRALS__INIT;
    list.page_size = 2;
    char cursor [32] = "";
    long long seen = 0;
    for (int page = 0; page < 100; page++) {
        list.cursor = cursor;
        Kumppani__V1__Reply *reply = s_call ("muni-091", KUMPPANI__V1__REQUEST__BODY_LIST_REFERRALS, &list, NULL);
        s_expect (reply, STATUS(OK), NULL, NULL);
        cr_assert_leq (reply->referral_list->n_referrals, 2);
        for (size_t index = 0; index < reply->referral_list->n_referrals; index++)
            cr_assert_gt (strcmp (reply->referral_list->referrals [index]->referral_id, cursor), 0, "pages overlap");
        seen += (long long) reply->referral_list->n_referrals;
        snprintf (cursor, sizeof cursor, "%s", reply->referral_list->next_cursor);
        kumppani__v1__reply__free_unpacked (reply, NULL);
        if (!*cursor)
            break;
    }
    cr_assert_eq (seen, total);
    //  Filters: state and municipality.
    list.page_size = 100;
    list.cursor = "";
    list.state = ST(ACKNOWLEDGED);
    Kumppani__V1__Reply *reply = s_call ("muni-091", KUMPPANI__V1__REQUEST__BODY_LIST_REFERRALS, &list, NULL);
    s_expect (reply, STATUS(OK), NULL, NULL);
    cr_assert_eq (reply->referral_list->n_referrals, 0);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    list.state = ST(RECEIVED);
    list.municipality = "091";
    list.deadline_state = KUMPPANI__V1__DEADLINE_STATE__DEADLINE_STATE_OK;
    reply = s_call ("muni-091", KUMPPANI__V1__REQUEST__BODY_LIST_REFERRALS, &list, NULL);
    s_expect (reply, STATUS(OK), NULL, NULL);
    cr_assert_geq (reply->referral_list->n_referrals, 5);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

Test (referral, withdrawn_consent_stops_further_disclosure)
{
    s_start ();
    Kumppani__V1__SubmitReferral body;
    s_notice (&body);
    const char *submitted = s_submit ("kela", &body);
    char id [32];
    snprintf (id, sizeof id, "%s", submitted);
    s_step ("muni-743", OP_ACK, id, 0, ST(ACKNOWLEDGED));
    s_intake_event ("intake.consent_withdrawn", id);
    cr_assert_eq (s_wait_for ("SELECT count(*) FROM referral.referrals WHERE referral_id = $1"
                              " AND consent_withdrawn_at IS NOT NULL", id, 1), 1,
                  "the withdrawal never reached the referral");
    Kumppani__V1__Reply *reply = s_op ("muni-743", OP_STATEMENT, id, 0);
    s_expect (reply, STATUS(FORBIDDEN), "referral.consent_withdrawn", NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_op ("muni-743", OP_OUTCOME, id, 0);
    s_expect (reply, STATUS(FORBIDDEN), "referral.consent_withdrawn", NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_get ("muni-743", id);
    s_expect (reply, STATUS(OK), NULL, NULL);
    cr_assert (reply->referral->referral->consent_withdrawn);
    cr_assert_str_empty (reply->referral->referral->hetu);
    cr_assert_str_empty (reply->referral->referral->free_text);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  A §35 notice does not rest on consent: the same event changes nothing.
    s_notice (&body);
    body.legal_basis = KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_SECTION_35;
    body.consent_ref = "";
    body.kind = KD(SECTION_35_NOTICE);
    const char *notice = s_submit ("kela", &body);
    snprintf (id, sizeof id, "%s", notice);
    s_intake_event ("intake.consent_withdrawn", id);
    s_step ("muni-743", OP_ACK, id, 0, ST(ACKNOWLEDGED));
    reply = s_get ("muni-743", id);
    cr_assert_str_eq (reply->referral->referral->hetu, HETU);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

Test (referral, intake_assessment_start_stops_the_clock_once)
{
    s_start ();
    Kumppani__V1__SubmitReferral body;
    s_notice (&body);
    const char *submitted = s_submit ("kela", &body);
    char id [32];
    snprintf (id, sizeof id, "%s", submitted);
    s_intake_event ("intake.assessment_started", id);
    cr_assert_eq (s_wait_for ("SELECT count(*) FROM referral.referrals WHERE referral_id = $1"
                              " AND state = 'assessment_started'"
                              " AND assessment_started_at IS NOT NULL AND clock_stopped_at IS NOT NULL"
                              " AND deadline_met", id, 1), 1, "intake's assessment start did not reach the referral");
    //  Kela sees it as a status change about its own notice.
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.events WHERE aggregate_id = $1"
                              " AND topic = 'referral.status_changed' AND sender_org = 'kela'", id), 1);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM referral.referral_history WHERE referral_id = $1"
                              " AND actor_org = 'intake' AND to_state = 'assessment_started'", id), 1);
    //  A replayed or repeated start changes nothing.
    s_wait_consumed (s_intake_event ("intake.assessment_started", id));
    cr_assert_eq (s_events (id, "referral.status_changed"), 1);
    //  Nothing was parked.
    kp_client_t *client = kpt_client ("referral", "operator");
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__HealthRequest health = KUMPPANI__V1__HEALTH_REQUEST__INIT;
    request.body_case = KUMPPANI__V1__REQUEST__BODY_HEALTH;
    request.health = &health;
    Kumppani__V1__Reply *reply = kpt_call (client, &request);
    cr_assert_not_null (reply);
    cr_assert_eq (reply->health->parked_events, 0);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&client);
}

Test (referral, deadline_notices_are_sent_exactly_once_across_restarts)
{
    s_start ();
    Kumppani__V1__SubmitReferral body;
    s_notice (&body);
    char late [32], soon [32], met [32], sentinel [32];
    snprintf (late, sizeof late, "%s", s_submit ("kela", &body));
    snprintf (soon, sizeof soon, "%s", s_submit ("kela", &body));
    snprintf (met, sizeof met, "%s", s_submit ("kela", &body));
    snprintf (sentinel, sizeof sentinel, "%s", s_submit ("kela", &body));
    s_step ("muni-743", OP_STATUS, met, ST(ASSESSMENT_STARTED), ST(ASSESSMENT_STARTED));
    kpt_service_stop ("referral");
    //  Move the clocks: one ran out, one runs out tomorrow, one stopped in time.
    s_admin ("UPDATE referral.referrals SET deadline = current_date - 3, warning_on = current_date - 4"
             " WHERE referral_id = $1", late);
    s_admin ("UPDATE referral.referrals SET deadline = current_date + 1, warning_on = current_date"
             " WHERE referral_id = $1", soon);
    s_admin ("UPDATE referral.referrals SET deadline = current_date - 3, warning_on = current_date - 4"
             " WHERE referral_id = $1", met);
    static const char *env [] = { "KUMPPANI_POLL_MS=100", NULL };
    kpt_service_start ("referral", env);
    const char *breaches = "SELECT count(*) FROM kp.events WHERE aggregate_id = $1 AND topic = 'referral.deadline_breached'";
    const char *warnings = "SELECT count(*) FROM kp.events WHERE aggregate_id = $1 AND topic = 'referral.deadline_warning'";
    cr_assert_eq (s_wait_for (breaches, late, 1), 1, "no breach for the late referral");
    cr_assert_eq (s_wait_for (warnings, soon, 1), 1, "no warning for the referral due tomorrow");
    //  Restart: the notices are not sent again. What the restarted watch
    //  has done is seen from a sentinel: a warning due now with the
    //  latest deadline. A tick sends every due breach before any warning,
    //  and warnings by deadline, so once the sentinel's warning is there,
    //  the tick that sent it would have sent any repeat of the others.
    kpt_service_stop ("referral");
    s_admin ("UPDATE referral.referrals SET deadline = current_date + 60, warning_on = current_date - 1"
             " WHERE referral_id = $1", sentinel);
    kpt_service_start ("referral", env);
    cr_assert_eq (s_wait_for (warnings, sentinel, 1), 1, "the restarted watch sent nothing");
    cr_assert_eq (kpt_scalar (breaches, late), 1);
    cr_assert_eq (kpt_scalar (warnings, late), 0, "a deadline already past gets no warning");
    cr_assert_eq (kpt_scalar (warnings, soon), 1);
    cr_assert_eq (kpt_scalar (breaches, soon), 0);
    cr_assert_eq (kpt_scalar (breaches, met), 0, "a met deadline was reported as breached");
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.events WHERE aggregate_id = $1 AND sender_org = 'kela'"
                              " AND topic = 'referral.deadline_breached'", late), 1, "Kela does not see its breach");
    //  And List finds it overdue.
    Kumppani__V1__ListReferrals list = KUMPPANI__V1__LIST_REFERRALS__INIT;
    list.deadline_state = KUMPPANI__V1__DEADLINE_STATE__DEADLINE_STATE_OVERDUE;
    list.page_size = 100;
    Kumppani__V1__Reply *reply = s_call ("kela", KUMPPANI__V1__REQUEST__BODY_LIST_REFERRALS, &list, NULL);
    s_expect (reply, STATUS(OK), NULL, NULL);
    bool found = false;
    for (size_t index = 0; index < reply->referral_list->n_referrals; index++)
        found = found || strcmp (reply->referral_list->referrals [index]->referral_id, late) == 0;
    cr_assert (found, "the overdue referral is not listed as overdue");
    kumppani__v1__reply__free_unpacked (reply, NULL);
}
