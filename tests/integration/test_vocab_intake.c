/*  Intake's replies and events in one vocabulary (issue 19): each typed
    twin says what its deprecated text field says, and each time is the
    database's own instant in microseconds UTC. The text fields are read
    here on purpose (that is the comparison), hence the pragma below. */
#include "harness.h"
#include "kp_enum.h"
#include "kp_ids.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

//  This suite compares the deprecated text fields with their twins.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

TestSuite (vocab_intake, .init = kpt_setup, .fini = kpt_teardown, .timeout = 90);

#define ROLE(name) KUMPPANI__V1__ROLE__ROLE_ ## name
#define STATUS(name) KUMPPANI__V1__STATUS__STATUS_ ## name
#define BODY(name) KUMPPANI__V1__REQUEST__BODY_ ## name

//  The instant a PostgreSQL text (timestamptz output) names, in µs.
static long long
s_text_us (const char *text)
{
    return kpt_scalar ("SELECT (extract (epoch FROM $1::timestamptz) * 1000000)::int8", text);
}

//  A stored timestamptz, in µs (sql has one parameter, the row's id).
static long long
s_stored_us (const char *sql, const char *id)
{
    long long us = kpt_scalar (sql, id);
    cr_assert_gt (us, 0, "%s (%s)", sql, id);
    return us;
}

//  A case's typed fields against its text ones and against the row.
static void
s_check_case (const Kumppani__V1__CaseReply *reply, Kumppani__V1__CaseState state)
{
    cr_assert_eq (reply->state_enum, state, "state_enum %d, state '%s'", reply->state_enum, reply->state);
    cr_assert_eq (reply->state_enum, kp_enum_value (&kumppani__v1__case_state__descriptor, reply->state));
    cr_assert_eq (reply->closure_reason_enum,
                  kp_enum_value (&kumppani__v1__closure_reason__descriptor, reply->closure_reason));
    long long opened = s_stored_us ("SELECT (extract (epoch FROM opened_at) * 1000000)::int8"
                                    " FROM intake.cases WHERE case_id = $1", reply->case_id);
    cr_assert_eq (reply->opened_at_us, opened);
    cr_assert_eq (reply->opened_at_us, s_text_us (reply->opened_at), "opened_at '%s'", reply->opened_at);
    if (*reply->closed_at) {
        cr_assert_eq (reply->closed_at_us, s_stored_us ("SELECT (extract (epoch FROM closed_at) * 1000000)::int8"
                                                        " FROM intake.cases WHERE case_id = $1", reply->case_id));
        cr_assert_eq (reply->closed_at_us, s_text_us (reply->closed_at));
    }
    else
        cr_assert_eq (reply->closed_at_us, 0);
    for (size_t index = 0; index < reply->n_worker_history; index++) {
        const Kumppani__V1__WorkerPeriod *period = reply->worker_history [index];
        //  The text form is RFC 3339 to the second; the twin keeps the µs.
        cr_assert_eq (period->assigned_at_us / 1000000, s_text_us (period->assigned_at) / 1000000,
                      "assigned_at '%s' vs %lld", period->assigned_at, (long long) period->assigned_at_us);
        cr_assert_gt (period->assigned_at_us, 0);
    }
}

Test (vocab_intake, case_consent_and_ban_replies_and_events_are_typed)
{
    kpt_service_start ("intake", NULL);
    kp_client_t *muni = kpt_client ("intake", "muni-743");

    Kumppani__V1__ClientAttributes attributes = KUMPPANI__V1__CLIENT_ATTRIBUTES__INIT;
    attributes.language = "fi";
    Kumppani__V1__RegisterClient registration = KUMPPANI__V1__REGISTER_CLIENT__INIT;
    registration.hetu = "";
    registration.attributes = &attributes;
    Kumppani__V1__Reply *reply = kpt_call_ok (muni, ROLE (SOCIAL_WORKER), BODY (REGISTER_CLIENT), &registration, true);
    char client_id [KP_ID_LEN + 1], case_id [KP_ID_LEN + 1], consent_id [KP_ID_LEN + 1];
    snprintf (client_id, sizeof client_id, "%s", reply->client->client_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    Kumppani__V1__OpenCase open = KUMPPANI__V1__OPEN_CASE__INIT;
    open.client_id = client_id;
    open.channel = KUMPPANI__V1__CASE_CHANNEL__CASE_CHANNEL_OWN_CONTACT;
    open.responsible_worker = "sw-vocab";
    reply = kpt_call_ok (muni, ROLE (SOCIAL_WORKER), BODY (OPEN_CASE), &open, true);
    snprintf (case_id, sizeof case_id, "%s", reply->intake_case->case_id);
    s_check_case (reply->intake_case, KUMPPANI__V1__CASE_STATE__CASE_STATE_OPENED);
    cr_assert_eq (reply->intake_case->closure_reason_enum, 0);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    Kumppani__V1__Event *event = kpt_event_about ("intake.case_opened", case_id, true);
    cr_assert_eq (event->intake->state_enum, KUMPPANI__V1__CASE_STATE__CASE_STATE_OPENED);
    cr_assert_eq (event->intake->state_enum, kp_enum_value (&kumppani__v1__case_state__descriptor,
                                                            event->intake->state));
    kumppani__v1__event__free_unpacked (event, NULL);

    //  An open case's next due item, both ways (the contact rule at least).
    Kumppani__V1__ListCases open_list = KUMPPANI__V1__LIST_CASES__INIT;
    open_list.client_id = client_id;
    reply = kpt_call_ok (muni, ROLE (SOCIAL_WORKER), BODY (LIST_CASES), &open_list, false);
    cr_assert_eq (reply->case_list->n_cases, 1);
    const Kumppani__V1__CaseSummary *summary = reply->case_list->cases [0];
    cr_assert_eq (summary->state_enum, KUMPPANI__V1__CASE_STATE__CASE_STATE_OPENED);
    cr_assert_str_not_empty (summary->next_due_kind);
    cr_assert_neq (summary->next_due_kind_enum, 0, "'%s'", summary->next_due_kind);
    cr_assert_eq (summary->next_due_kind_enum, kp_enum_value (&kumppani__v1__due_kind__descriptor, summary->next_due_kind));
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  A reassignment: a second worker period with its own time.
    Kumppani__V1__ReassignCase reassign = KUMPPANI__V1__REASSIGN_CASE__INIT;
    reassign.case_id = case_id;
    reassign.responsible_worker = "sw-vocab-2";
    reassign.reason = KUMPPANI__V1__REASSIGN_REASON__REASSIGN_REASON_WORKLOAD;
    reply = kpt_call_ok (muni, ROLE (SOCIAL_WORKER), BODY (REASSIGN_CASE), &reassign, true);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    event = kpt_event_about ("intake.case_reassigned", case_id, true);
    cr_assert_str_eq (event->intake->reason, "workload");
    cr_assert_eq (event->intake->reassign_reason_enum, KUMPPANI__V1__REASSIGN_REASON__REASSIGN_REASON_WORKLOAD);
    kumppani__v1__event__free_unpacked (event, NULL);
    Kumppani__V1__GetCase get = KUMPPANI__V1__GET_CASE__INIT;
    get.case_id = case_id;
    reply = kpt_call_ok (muni, ROLE (SOCIAL_WORKER), BODY (GET_CASE), &get, false);
    cr_assert_geq (reply->intake_case->n_worker_history, 2);
    s_check_case (reply->intake_case, KUMPPANI__V1__CASE_STATE__CASE_STATE_OPENED);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    Kumppani__V1__CloseCase close = KUMPPANI__V1__CLOSE_CASE__INIT;
    close.case_id = case_id;
    close.reason = KUMPPANI__V1__CLOSURE_REASON__CLOSURE_REASON_CLIENT_DECLINES;
    close.final_evaluation = "The client declines further work.";
    reply = kpt_call_ok (muni, ROLE (SOCIAL_WORKER), BODY (CLOSE_CASE), &close, true);
    s_check_case (reply->intake_case, KUMPPANI__V1__CASE_STATE__CASE_STATE_CLOSED);
    cr_assert_eq (reply->intake_case->closure_reason_enum, KUMPPANI__V1__CLOSURE_REASON__CLOSURE_REASON_CLIENT_DECLINES);
    cr_assert_gt (reply->intake_case->closed_at_us, reply->intake_case->opened_at_us - 1);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    event = kpt_event_about ("intake.case_closed", case_id, true);
    cr_assert_eq (event->intake->state_enum, KUMPPANI__V1__CASE_STATE__CASE_STATE_CLOSED);
    cr_assert_eq (event->intake->closure_reason_enum, KUMPPANI__V1__CLOSURE_REASON__CLOSURE_REASON_CLIENT_DECLINES);
    cr_assert_eq (event->intake->closure_reason_enum,
                  kp_enum_value (&kumppani__v1__closure_reason__descriptor, event->intake->closure_reason));
    kumppani__v1__event__free_unpacked (event, NULL);

    //  The case list says the state both ways.
    Kumppani__V1__ListCases list = KUMPPANI__V1__LIST_CASES__INIT;
    list.client_id = client_id;
    reply = kpt_call_ok (muni, ROLE (SOCIAL_WORKER), BODY (LIST_CASES), &list, false);
    cr_assert_eq (reply->case_list->n_cases, 1);
    cr_assert_eq (reply->case_list->cases [0]->state_enum, KUMPPANI__V1__CASE_STATE__CASE_STATE_CLOSED);
    cr_assert_str_eq (reply->case_list->cases [0]->state, "closed");
    //  Nothing falls due on a closed case; an open one is below.
    cr_assert_eq (reply->case_list->cases [0]->next_due_kind_enum,
                  kp_enum_value (&kumppani__v1__due_kind__descriptor, reply->case_list->cases [0]->next_due_kind));
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Consent: in force (0), then withdrawn at the stored instant.
    Kumppani__V1__RecordConsent consent = KUMPPANI__V1__RECORD_CONSENT__INIT;
    consent.client_id = client_id;
    consent.counterparty_org = "ngo-743";
    consent.scope = "client";
    reply = kpt_call_ok (muni, ROLE (SOCIAL_WORKER), BODY (RECORD_CONSENT), &consent, true);
    snprintf (consent_id, sizeof consent_id, "%s", reply->consent->consent->consent_id);
    cr_assert_eq (reply->consent->consent->withdrawn_at_us, 0);
    cr_assert_str_empty (reply->consent->consent->withdrawn_at);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    Kumppani__V1__WithdrawConsent withdraw = KUMPPANI__V1__WITHDRAW_CONSENT__INIT;
    withdraw.consent_id = consent_id;
    reply = kpt_call_ok (muni, ROLE (SOCIAL_WORKER), BODY (WITHDRAW_CONSENT), &withdraw, true);
    const char *withdrawn_sql = "SELECT (extract (epoch FROM withdrawn_at) * 1000000)::int8"
                                " FROM intake.consents WHERE consent_id = $1";
    cr_assert_eq (reply->consent->consent->withdrawn_at_us, s_stored_us (withdrawn_sql, consent_id));
    cr_assert_eq (reply->consent->consent->withdrawn_at_us, s_text_us (reply->consent->consent->withdrawn_at));
    kumppani__v1__reply__free_unpacked (reply, NULL);

    Kumppani__V1__RecordDisclosureBan ban = KUMPPANI__V1__RECORD_DISCLOSURE_BAN__INIT;
    ban.client_id = client_id;
    ban.counterparty_org = "debt-743";
    reply = kpt_call_ok (muni, ROLE (SOCIAL_WORKER), BODY (RECORD_DISCLOSURE_BAN), &ban, true);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    Kumppani__V1__ListConsents consents = KUMPPANI__V1__LIST_CONSENTS__INIT;
    consents.client_id = client_id;
    reply = kpt_call_ok (muni, ROLE (SOCIAL_WORKER), BODY (LIST_CONSENTS), &consents, false);
    cr_assert_eq (reply->consent_list->n_consents, 1);
    cr_assert_eq (reply->consent_list->consents [0]->withdrawn_at_us, s_stored_us (withdrawn_sql, consent_id));
    cr_assert_eq (reply->consent_list->n_bans, 1);
    const Kumppani__V1__DisclosureBan *stored_ban = reply->consent_list->bans [0];
    cr_assert_eq (stored_ban->recorded_at_us,
                  s_stored_us ("SELECT (extract (epoch FROM recorded_at) * 1000000)::int8"
                               " FROM intake.disclosure_bans WHERE ban_id = $1", stored_ban->ban_id));
    cr_assert_eq (stored_ban->recorded_at_us, s_text_us (stored_ban->recorded_at));
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&muni);
}
