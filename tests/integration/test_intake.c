/*  The intake service through real CURVE sockets against the test cluster:
    the whole client journey, henkilötunnus handling, the process's state
    machine, referrals turned into cases exactly once, review reminders
    exactly once across a restart, anonymous contacts kept apart, and every
    other organisation type refused. */
#include "harness.h"
#include "kp_calendar.h"
#include "kp_codec.h"
#include "kp_hetu.h"
#include "kp_ids.h"

#include <criterion/criterion.h>
#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TestSuite (intake, .init = kpt_setup, .fini = kpt_teardown, .timeout = 90);

#define ROLE(name) KUMPPANI__V1__ROLE__ROLE_ ## name
#define STATUS(name) KUMPPANI__V1__STATUS__STATUS_ ## name
#define BODY(name) KUMPPANI__V1__REQUEST__BODY_ ## name

static const char *const s_fast_poll [] = { "KUMPPANI_POLL_MS=50", NULL };

static void
s_start (void)
{
    kpt_service_start ("stream", NULL);
    kpt_service_start ("intake", s_fast_poll);
}

//  One call. Every body of the oneof is a pointer in one union, so the
//  body is set through the first member whatever its type.
static Kumppani__V1__Reply *
s_call (kp_client_t *client, Kumppani__V1__Role role, int body_case, void *body)
{
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    bool reading = body_case == BODY (GET_CLIENT) || body_case == BODY (FIND_CLIENT_BY_HETU)
                || body_case == BODY (LIST_CONSENTS) || body_case == BODY (GET_CASE)
                || body_case == BODY (GET_OUTCOME_CHANGE);
    kpt_request (&request, &actor, role, !reading);
    request.body_case = body_case;
    request.health = body;
    Kumppani__V1__Reply *reply = kpt_call (client, &request);
    cr_assert_not_null (reply, "no reply to body %d", body_case);
    return reply;
}

static void
s_expect (Kumppani__V1__Reply *reply, Kumppani__V1__Status status, const char *code, const char *field)
{
    cr_assert_eq (reply->status, status, "status %d, expected %d (%s: %s)", reply->status, status,
                  reply->error ? reply->error->code : "", reply->error ? reply->error->message : "");
    if (code)
        cr_assert_str_eq (reply->error->code, code);
    if (field)
        cr_assert_str_eq (reply->error->field, field);
}

//  A valid henkilötunnus: DDMMYY, sign, NNN, check character.
static void
s_hetu (char *out, const char *date, char sign, int number)
{
    char digits [10];
    snprintf (digits, sizeof digits, "%s%03d", date, number);
    snprintf (out, 12, "%s%c%03d%c", date, sign, number,
              "0123456789ABCDEFHJKLMNPRSTUVWXY" [strtol (digits, NULL, 10) % 31]);
}

static Kumppani__V1__Reply *
s_register (kp_client_t *client, const char *hetu)
{
    Kumppani__V1__ClientAttributes attributes = KUMPPANI__V1__CLIENT_ATTRIBUTES__INIT;
    attributes.gender = KUMPPANI__V1__GENDER__GENDER_NON_BINARY;
    attributes.language = "fi";
    attributes.labour_market_status = KUMPPANI__V1__LABOUR_MARKET_STATUS__LABOUR_MARKET_STATUS_LONG_TERM_UNEMPLOYED;
    attributes.education_level = KUMPPANI__V1__EDUCATION_LEVEL__EDUCATION_LEVEL_ISCED_3_4;
    attributes.living_alone = KUMPPANI__V1__ANSWER__ANSWER_YES;
    attributes.disability = KUMPPANI__V1__ANSWER__ANSWER_PREFERS_NOT_TO_SAY;
    Kumppani__V1__RegisterClient body = KUMPPANI__V1__REGISTER_CLIENT__INIT;
    body.hetu = (char *) (hetu ? hetu : "");
    body.attributes = &attributes;
    return s_call (client, ROLE (SOCIAL_WORKER), BODY (REGISTER_CLIENT), &body);
}

//  Registers a client and returns its id (static buffer of a small ring).
static const char *
s_new_client (kp_client_t *client, const char *hetu)
{
    static char ids [4][KP_ID_LEN + 1];
    static int next;
    Kumppani__V1__Reply *reply = s_register (client, hetu);
    s_expect (reply, STATUS (OK), NULL, NULL);
    char *id = ids [next++ % 4];
    snprintf (id, KP_ID_LEN + 1, "%s", reply->client->client_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    return id;
}

static Kumppani__V1__Reply *
s_open_case (kp_client_t *client, const char *client_id)
{
    Kumppani__V1__OpenCase body = KUMPPANI__V1__OPEN_CASE__INIT;
    body.client_id = (char *) client_id;
    body.channel = KUMPPANI__V1__CASE_CHANNEL__CASE_CHANNEL_OWN_CONTACT;
    body.responsible_worker = "sw-omatyontekija";
    return s_call (client, ROLE (SOCIAL_WORKER), BODY (OPEN_CASE), &body);
}

static const char *
s_new_case (kp_client_t *client, const char *client_id)
{
    static char ids [4][KP_ID_LEN + 1];
    static int next;
    Kumppani__V1__Reply *reply = s_open_case (client, client_id);
    s_expect (reply, STATUS (OK), NULL, NULL);
    cr_assert_eq (reply->intake_case->state_enum, KUMPPANI__V1__CASE_STATE__CASE_STATE_OPENED);
    char *id = ids [next++ % 4];
    snprintf (id, KP_ID_LEN + 1, "%s", reply->intake_case->case_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    return id;
}

static Kumppani__V1__Reply *
s_case_step (kp_client_t *client, int body_case, const char *case_id)
{
    //  StartAssessment and GetCase are both { string case_id = 1; }.
    Kumppani__V1__StartAssessment body = KUMPPANI__V1__START_ASSESSMENT__INIT;
    body.case_id = (char *) case_id;
    if (body_case == BODY (GET_CASE)) {
        Kumppani__V1__GetCase get = KUMPPANI__V1__GET_CASE__INIT;
        get.case_id = (char *) case_id;
        return s_call (client, ROLE (SOCIAL_WORKER), body_case, &get);
    }
    return s_call (client, ROLE (SOCIAL_WORKER), body_case, &body);
}

static Kumppani__V1__Reply *
s_complete (kp_client_t *client, const char *case_id)
{
    static const char *const needs [] = {
        "Rent arrears of two months.", "Lost contact with siblings.", "Vocational school unfinished.",
        "Consumer debts in enforcement.", "Sleep problems.", "", "Few people to call on."
    };
    static const char *const strengths [] = {
        "Keeps the flat tidy; wants to stay.", "Close to one sister.", "Practical skills in carpentry.",
        "Keeps a budget when supported.", "Walks daily.", "No substance use.", "Active in a parish group."
    };
    Kumppani__V1__SurveyEntry entries [7], *pointers [7];
    for (int index = 0; index < 7; index++) {
        kumppani__v1__survey_entry__init (&entries [index]);
        entries [index].domain = index + 1;
        entries [index].need = (char *) needs [index];
        entries [index].strengths = (char *) strengths [index];
        pointers [index] = &entries [index];
    }
    Kumppani__V1__CompleteAssessment body = KUMPPANI__V1__COMPLETE_ASSESSMENT__INIT;
    body.case_id = (char *) case_id;
    body.survey = pointers;
    body.n_survey = 7;
    body.summary = "Needs support with debts and daily structure.";
    return s_call (client, ROLE (SOCIAL_WORKER), BODY (COMPLETE_ASSESSMENT), &body);
}

static Kumppani__V1__Reply *
s_plan (kp_client_t *client, int body_case, const char *case_id, const char *review_date)
{
    static char *participants [] = { "client", "sister", "debt counsellor" };
    Kumppani__V1__Plan plan = KUMPPANI__V1__PLAN__INIT;
    plan.goals = "Debts under a payment plan; weekly routine.";
    plan.situational_factors = "Enforcement ongoing; lives alone.";
    plan.services = "Debt counselling; peer-support group.";
    plan.methods = "Budget coaching every two weeks.";
    plan.participants = participants;
    plan.n_participants = 3;
    plan.evaluation_method = "AVAIN and Kykyviisari at start and end.";
    plan.next_review_date = (char *) (review_date ? review_date : "");
    plan.client_view = "Wants help with debts first.";
    plan.worker_view = "Daily structure first, then debts.";
    if (body_case == BODY (REVIEW_PLAN)) {
        Kumppani__V1__ReviewPlan body = KUMPPANI__V1__REVIEW_PLAN__INIT;
        body.case_id = (char *) case_id;
        body.plan = &plan;
        body.evaluation = "Payment plan agreed; routine improving.";
        return s_call (client, ROLE (SOCIAL_WORKER), body_case, &body);
    }
    Kumppani__V1__MakePlan body = KUMPPANI__V1__MAKE_PLAN__INIT;
    body.case_id = (char *) case_id;
    body.plan = &plan;
    return s_call (client, ROLE (SOCIAL_WORKER), body_case, &body);
}

//  Moves a fresh case to plan_made.
static void
s_to_plan (kp_client_t *client, const char *case_id)
{
    Kumppani__V1__Reply *reply = s_case_step (client, BODY (START_ASSESSMENT), case_id);
    s_expect (reply, STATUS (OK), NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_complete (client, case_id);
    s_expect (reply, STATUS (OK), NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_plan (client, BODY (MAKE_PLAN), case_id, NULL);
    s_expect (reply, STATUS (OK), NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

static Kumppani__V1__Reply *
s_measurement (kp_client_t *client, const char *case_id, const char *measure_id,
               Kumppani__V1__Timepoint timepoint, const int *scores)
{
    static const char *const items [] = { "overall", "mental_wellbeing", "social_participation",
                                          "physical_functioning", "skills", "everyday_coping" };
    Kumppani__V1__ItemScore entries [6], *pointers [6];
    for (int index = 0; index < 6; index++) {
        kumppani__v1__item_score__init (&entries [index]);
        entries [index].item_code = (char *) items [index];
        entries [index].score = scores [index];
        pointers [index] = &entries [index];
    }
    Kumppani__V1__RecordMeasurement body = KUMPPANI__V1__RECORD_MEASUREMENT__INIT;
    body.case_id = (char *) case_id;
    body.measure_id = (char *) measure_id;
    body.instrument = "kykyviisari";
    body.timepoint = timepoint;
    body.scores = pointers;
    body.n_scores = 6;
    return s_call (client, ROLE (SOCIAL_WORKER), BODY (RECORD_MEASUREMENT), &body);
}

static long long
s_count_events (const char *topic, const char *aggregate)
{
    char sql [200];
    snprintf (sql, sizeof sql, "SELECT count(*) FROM kp.events WHERE topic = '%s' AND aggregate_id = $1", topic);
    return kpt_scalar (sql, aggregate);
}

//  Polls (bounded) until the query's scalar reaches want.
static long long
s_wait_for (const char *sql, const char *param, long long want)
{
    long long value = -1;
    for (int attempt = 0; attempt < 200; attempt++) {
        value = kpt_scalar (sql, param);
        if (value >= want)
            break;
        zclock_sleep (25);
    }
    return value;
}

//  --------------------------------------------------------------------------

Test (intake, the_whole_client_journey)
{
    s_start ();
    kp_client_t *muni = kpt_client ("intake", "muni-743");
    char hetu [12];
    s_hetu (hetu, "150385", '-', 321);
    const char *client_id = s_new_client (muni, hetu);

    //  Consent to debt counselling, listed back.
    Kumppani__V1__RecordConsent consent = KUMPPANI__V1__RECORD_CONSENT__INIT;
    consent.client_id = (char *) client_id;
    consent.counterparty_org = "debt-743";
    consent.scope = "case";
    Kumppani__V1__Reply *reply = s_call (muni, ROLE (SOCIAL_WORKER), BODY (RECORD_CONSENT), &consent);
    s_expect (reply, STATUS (OK), NULL, NULL);
    cr_assert_not_null (reply->consent->consent);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    Kumppani__V1__ListConsents list = KUMPPANI__V1__LIST_CONSENTS__INIT;
    list.client_id = (char *) client_id;
    reply = s_call (muni, ROLE (SOCIAL_INSTRUCTOR), BODY (LIST_CONSENTS), &list);
    s_expect (reply, STATUS (OK), NULL, NULL);
    cr_assert_eq (reply->consent_list->n_consents, 1);
    cr_assert_str_eq (reply->consent_list->consents [0]->counterparty_org, "debt-743");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Case → assessment with strengths → ecomap.
    const char *case_id = s_new_case (muni, client_id);
    reply = s_case_step (muni, BODY (START_ASSESSMENT), case_id);
    s_expect (reply, STATUS (OK), NULL, NULL);
    cr_assert_eq (reply->intake_case->state_enum, KUMPPANI__V1__CASE_STATE__CASE_STATE_ASSESSMENT_STARTED);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_complete (muni, case_id);
    s_expect (reply, STATUS (OK), NULL, NULL);
    cr_assert_eq (reply->intake_case->state_enum, KUMPPANI__V1__CASE_STATE__CASE_STATE_ASSESSMENT_COMPLETED);
    cr_assert_eq (reply->intake_case->n_survey, 7);
    cr_assert_str_eq (reply->intake_case->survey [5]->strengths, "No substance use.");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    Kumppani__V1__EcomapEntry entry = KUMPPANI__V1__ECOMAP_ENTRY__INIT;
    entry.kind = KUMPPANI__V1__ECOMAP_KIND__ECOMAP_KIND_PERSON;
    entry.label = "sister";
    entry.direction = KUMPPANI__V1__ECOMAP_DIRECTION__ECOMAP_DIRECTION_MUTUAL;
    entry.strength = 3;
    entry.role = KUMPPANI__V1__ECOMAP_ROLE__ECOMAP_ROLE_RESOURCE;
    Kumppani__V1__AddEcomapEntry ecomap = KUMPPANI__V1__ADD_ECOMAP_ENTRY__INIT;
    ecomap.case_id = (char *) case_id;
    ecomap.entry = &entry;
    reply = s_call (muni, ROLE (SOCIAL_WORKER), BODY (ADD_ECOMAP_ENTRY), &ecomap);
    s_expect (reply, STATUS (INVALID), "intake.ecomap_strength", "add_ecomap_entry.entry.strength");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    entry.strength = 2;
    reply = s_call (muni, ROLE (SOCIAL_WORKER), BODY (ADD_ECOMAP_ENTRY), &ecomap);
    s_expect (reply, STATUS (OK), NULL, NULL);
    cr_assert_eq (reply->intake_case->n_ecomap, 1);
    cr_assert_eq (reply->intake_case->ecomap [0]->strength, 2);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Plan: more than 12 months ahead is refused; the default is 12 months.
    char too_late [11];
    kp_date_format (kp_date_today () + 400, too_late);
    reply = s_plan (muni, BODY (MAKE_PLAN), case_id, too_late);
    s_expect (reply, STATUS (INVALID), "intake.review_date", "make_plan.plan.next_review_date");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_plan (muni, BODY (MAKE_PLAN), case_id, NULL);
    s_expect (reply, STATUS (OK), NULL, NULL);
    cr_assert_eq (reply->intake_case->state_enum, KUMPPANI__V1__CASE_STATE__CASE_STATE_PLAN_MADE);
    kp_date_t review;
    cr_assert_eq (kp_date_parse (reply->intake_case->next_review_date, &review), 0);
    cr_assert (review > kp_date_today () + 360 && review <= kp_date_today () + 366);
    cr_assert_eq (reply->intake_case->plan->n_participants, 3);
    cr_assert_str_eq (reply->intake_case->plan->worker_view, "Daily structure first, then debts.");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  A measure, measured at start and end; a score off the scale is named.
    Kumppani__V1__Measure measure = KUMPPANI__V1__MEASURE__INIT;
    measure.kind = KUMPPANI__V1__MEASURE_KIND__MEASURE_KIND_GROUP;
    measure.description = "Peer-support group, 8 meetings.";
    measure.responsible_person = "instructor-2";
    Kumppani__V1__AddMeasure add = KUMPPANI__V1__ADD_MEASURE__INIT;
    add.case_id = (char *) case_id;
    add.measure = &measure;
    reply = s_call (muni, ROLE (SOCIAL_WORKER), BODY (ADD_MEASURE), &add);
    s_expect (reply, STATUS (OK), NULL, NULL);
    char measure_id [KP_ID_LEN + 1];
    snprintf (measure_id, sizeof measure_id, "%s", reply->intake_case->created_id);
    cr_assert (kp_id_valid (measure_id));
    kumppani__v1__reply__free_unpacked (reply, NULL);

    const int off_scale [] = { 4, 5, 11, 5, 6, 4 };
    reply = s_measurement (muni, case_id, measure_id, KUMPPANI__V1__TIMEPOINT__TIMEPOINT_START, off_scale);
    s_expect (reply, STATUS (INVALID), "intake.score_out_of_scale", "record_measurement.scores[2]");
    cr_assert (strstr (reply->error->message, "social_participation"), "%s", reply->error->message);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    const int start [] = { 4, 5, 3, 6, 6, 4 }, end [] = { 6, 6, 5, 6, 7, 7 };
    reply = s_measurement (muni, case_id, measure_id, KUMPPANI__V1__TIMEPOINT__TIMEPOINT_START, start);
    s_expect (reply, STATUS (OK), NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_measurement (muni, case_id, measure_id, KUMPPANI__V1__TIMEPOINT__TIMEPOINT_END, end);
    s_expect (reply, STATUS (OK), NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    Kumppani__V1__GetOutcomeChange change = KUMPPANI__V1__GET_OUTCOME_CHANGE__INIT;
    change.case_id = (char *) case_id;
    change.measure_id = measure_id;
    change.instrument = "kykyviisari";
    reply = s_call (muni, ROLE (SOCIAL_WORKER), BODY (GET_OUTCOME_CHANGE), &change);
    s_expect (reply, STATUS (OK), NULL, NULL);
    cr_assert_eq (reply->outcome_change->n_items, 6);
    for (int index = 0; index < 6; index++) {
        Kumppani__V1__ItemChange *item = reply->outcome_change->items [index];
        cr_assert (item->has_start && item->has_end);
        cr_assert_eq (item->change, end [index] - start [index], "%s", item->item_code);
    }
    cr_assert_str_eq (reply->outcome_change->items [0]->item_code, "overall");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Review, then closure with a reason.
    reply = s_plan (muni, BODY (REVIEW_PLAN), case_id, NULL);
    s_expect (reply, STATUS (OK), NULL, NULL);
    cr_assert_eq (reply->intake_case->state_enum, KUMPPANI__V1__CASE_STATE__CASE_STATE_REVIEWED);
    cr_assert_eq (reply->intake_case->plan->version, 2);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    Kumppani__V1__CloseCase close = KUMPPANI__V1__CLOSE_CASE__INIT;
    close.case_id = (char *) case_id;
    reply = s_call (muni, ROLE (SOCIAL_WORKER), BODY (CLOSE_CASE), &close);
    s_expect (reply, STATUS (INVALID), "intake.closure_reason", "close_case.reason");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    close.reason = KUMPPANI__V1__CLOSURE_REASON__CLOSURE_REASON_GOALS_REACHED;
    close.final_evaluation = "Payment plan in place; attends the group.";
    reply = s_call (muni, ROLE (SOCIAL_WORKER), BODY (CLOSE_CASE), &close);
    s_expect (reply, STATUS (OK), NULL, NULL);
    cr_assert_eq (reply->intake_case->state_enum, KUMPPANI__V1__CASE_STATE__CASE_STATE_CLOSED);
    cr_assert_eq (reply->intake_case->closure_reason_enum, KUMPPANI__V1__CLOSURE_REASON__CLOSURE_REASON_GOALS_REACHED);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  One event per step, scoped to the municipality, no henkilötunnus.
    const char *topics [] = { "intake.case_opened", "intake.assessment_started", "intake.assessment_completed",
                              "intake.plan_made", "intake.plan_reviewed", "intake.case_closed" };
    for (int index = 0; index < 6; index++)
        cr_assert_eq (s_count_events (topics [index], case_id), 1, "%s", topics [index]);
    cr_assert_eq (s_count_events ("intake.client_registered", client_id), 1);
    Kumppani__V1__Event *event = kpt_event_about ("intake.case_closed", case_id, true);
    cr_assert_str_eq (event->intake->client_id, client_id);
    cr_assert_eq (event->intake->closure_reason_enum, KUMPPANI__V1__CLOSURE_REASON__CLOSURE_REASON_GOALS_REACHED);
    cr_assert_str_eq (event->intake->municipality, "743");
    kumppani__v1__event__free_unpacked (event, NULL);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.events WHERE position(convert_to($1, 'UTF8') in payload) > 0",
                              hetu), 0, "an event carries the henkilötunnus");
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM intake.clients WHERE position(convert_to($1, 'UTF8') in hetu_box) > 0",
                              hetu), 0, "the henkilötunnus is stored in clear");
    //  Every read and write was audited against the pseudonymous id.
    cr_assert_geq (kpt_scalar ("SELECT count(*) FROM kp.audit_log WHERE client_ref = $1", client_id), 14);
    kp_client_destroy (&muni);
}

Test (intake, duplicate_registration_returns_the_existing_client)
{
    s_start ();
    kp_client_t *muni = kpt_client ("intake", "muni-743");
    char hetu [12];
    s_hetu (hetu, "010203", 'A', 456);
    Kumppani__V1__Reply *first = s_register (muni, hetu);
    s_expect (first, STATUS (OK), NULL, NULL);
    cr_assert_not (first->client->existing);
    cr_assert (first->client->has_hetu);
    cr_assert_str_eq (first->client->attributes->birth_date, "2003-02-01");
    //  Counted by this person's key: intake's consumer registers other
    //  suites' clients beside this test at any moment.
    const char *same_person = "SELECT count(*) FROM intake.clients WHERE hetu_hash ="
                              " (SELECT hetu_hash FROM intake.clients WHERE client_id = $1)";
    cr_assert_eq (kpt_scalar (same_person, first->client->client_id), 1);
    Kumppani__V1__Reply *second = s_register (muni, hetu);
    s_expect (second, STATUS (OK), NULL, NULL);
    cr_assert (second->client->existing);
    cr_assert_str_eq (second->client->client_id, first->client->client_id);
    cr_assert_eq (kpt_scalar (same_person, first->client->client_id), 1, "a duplicate was stored");
    cr_assert_eq (s_count_events ("intake.client_registered", first->client->client_id), 1);

    //  Found by henkilötunnus by a social worker; a benefit processor may not identify.
    Kumppani__V1__FindClientByHetu find = KUMPPANI__V1__FIND_CLIENT_BY_HETU__INIT;
    find.hetu = hetu;
    Kumppani__V1__Reply *found = s_call (muni, ROLE (SOCIAL_WORKER), BODY (FIND_CLIENT_BY_HETU), &find);
    s_expect (found, STATUS (OK), NULL, NULL);
    cr_assert_str_eq (found->client->client_id, first->client->client_id);
    kumppani__v1__reply__free_unpacked (found, NULL);
    found = s_call (muni, ROLE (BENEFIT_PROCESSOR), BODY (FIND_CLIENT_BY_HETU), &find);
    s_expect (found, STATUS (FORBIDDEN), NULL, NULL);
    kumppani__v1__reply__free_unpacked (found, NULL);

    //  Clients without a henkilötunnus are distinct people.
    const char *anonymous_a = s_new_client (muni, NULL);
    const char *anonymous_b = s_new_client (muni, NULL);
    cr_assert_str_neq (anonymous_a, anonymous_b);
    kumppani__v1__reply__free_unpacked (first, NULL);
    kumppani__v1__reply__free_unpacked (second, NULL);
    kp_client_destroy (&muni);
}

Test (intake, henkilotunnus_variants)
{
    s_start ();
    kp_client_t *muni = kpt_client ("intake", "muni-743");
    const char signs [] = "+-YXWVUABCDEF";
    for (int index = 0; signs [index]; index++) {
        char hetu [12];
        s_hetu (hetu, "010203", signs [index], 200 + index);
        Kumppani__V1__Reply *reply = s_register (muni, hetu);
        s_expect (reply, STATUS (OK), NULL, NULL);
        cr_assert_not (reply->client->existing, "%s taken for an earlier sign", hetu);
        kumppani__v1__reply__free_unpacked (reply, NULL);
    }
    char hetu [12];
    s_hetu (hetu, "150385", '-', 321);
    hetu [10] = hetu [10] == 'A' ? 'B' : 'A';          //  wrong check character
    Kumppani__V1__Reply *reply = s_register (muni, hetu);
    s_expect (reply, STATUS (INVALID), "hetu.bad_check", "register_client.hetu");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    s_hetu (hetu, "310285", '-', 321);                  //  31 February
    reply = s_register (muni, hetu);
    s_expect (reply, STATUS (INVALID), "hetu.bad_date", "register_client.hetu");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    s_hetu (hetu, "150385", 'G', 321);                  //  no such century sign
    reply = s_register (muni, hetu);
    s_expect (reply, STATUS (INVALID), NULL, "register_client.hetu");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_register (muni, "150385-32");
    s_expect (reply, STATUS (INVALID), "hetu.bad_length", "register_client.hetu");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    Kumppani__V1__FindClientByHetu find = KUMPPANI__V1__FIND_CLIENT_BY_HETU__INIT;
    find.hetu = "not-a-hetu!";
    reply = s_call (muni, ROLE (SOCIAL_WORKER), BODY (FIND_CLIENT_BY_HETU), &find);
    s_expect (reply, STATUS (INVALID), NULL, "find_client_by_hetu.hetu");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&muni);
}

Test (intake, illegal_transitions_are_conflicts)
{
    s_start ();
    kp_client_t *muni = kpt_client ("intake", "muni-743");
    const char *client_id = s_new_client (muni, NULL);
    const char *case_id = s_new_case (muni, client_id);
    Kumppani__V1__Reply *reply = s_plan (muni, BODY (MAKE_PLAN), case_id, NULL);
    s_expect (reply, STATUS (CONFLICT), "intake.illegal_transition", NULL);
    cr_assert (strstr (reply->error->message, "opened"), "%s", reply->error->message);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_complete (muni, case_id);
    s_expect (reply, STATUS (CONFLICT), "intake.illegal_transition", NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_case_step (muni, BODY (START_ASSESSMENT), case_id);
    s_expect (reply, STATUS (OK), NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_case_step (muni, BODY (START_ASSESSMENT), case_id);
    s_expect (reply, STATUS (CONFLICT), "intake.illegal_transition", NULL);
    cr_assert (strstr (reply->error->message, "assessment_started"), "%s", reply->error->message);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    Kumppani__V1__CloseCase close = KUMPPANI__V1__CLOSE_CASE__INIT;
    close.case_id = (char *) case_id;
    close.reason = KUMPPANI__V1__CLOSURE_REASON__CLOSURE_REASON_CLIENT_DECLINES;
    reply = s_call (muni, ROLE (SOCIAL_WORKER), BODY (CLOSE_CASE), &close);
    s_expect (reply, STATUS (OK), NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_call (muni, ROLE (SOCIAL_WORKER), BODY (CLOSE_CASE), &close);
    s_expect (reply, STATUS (CONFLICT), "intake.illegal_transition", NULL);
    cr_assert (strstr (reply->error->message, "closed"), "%s", reply->error->message);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_plan (muni, BODY (REVIEW_PLAN), case_id, NULL);
    s_expect (reply, STATUS (CONFLICT), "intake.illegal_transition", NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (s_count_events ("intake.case_closed", case_id), 1);
    kp_client_destroy (&muni);
}

static long long
s_append_received (const char *referral_id)
{
    Kumppani__V1__ReferralEvent referral = KUMPPANI__V1__REFERRAL_EVENT__INIT;
    referral.referral_id = (char *) referral_id;
    referral.kind = KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_SOCIAL_WORK_NEED;
    referral.state = KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_RECEIVED;
    referral.municipality = "743";
    referral.sender_org = "kela";
    referral.sender_type = "kela";
    referral.recipient_org = "muni-743";
    referral.recipient_type = "municipality";
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.topic = "referral.received";
    event.aggregate_id = (char *) referral_id;
    event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_REFERRAL;
    event.referral = &referral;
    return kpt_append_event (kpt_admin (), &event, "743", "kela", "muni-743");
}

Test (intake, referral_opens_one_case_even_when_delivered_twice)
{
    s_start ();
    kp_client_t *muni = kpt_client ("intake", "muni-743");
    //  Other suites' referrals may have registered clients before this one;
    //  the consumer (beside the requests) first catches up with them, and
    //  the count is taken after that (bounded).
    char head [24];
    snprintf (head, sizeof head, "%lld", kpt_scalar ("SELECT last_seq FROM kp.event_counter", NULL));
    for (int attempt = 0; attempt < 300 && kpt_scalar ("SELECT count(*) FROM kp.consumer_cursors"
         " WHERE consumer = 'intake.referrals' AND last_seq >= $1::int8", head) < 1; attempt++)
        zclock_sleep (50);
    long long registered_by_referrals = kpt_scalar (
        "SELECT count(*) FROM intake.clients WHERE created_by_org = 'kela'", NULL);
    long long parked_before = kpt_scalar (
        "SELECT count(*) FROM kp.parked_events WHERE consumer = 'intake.referrals'", NULL);
    //  The person is already a client: the referral must find them by hash.
    //  The referral row goes straight into the referral service's table
    //  (its view referral.intake_referral_clients is what intake reads).
    char hetu [12];
    s_hetu (hetu, "230477", '-', 812);
    const char *client_id = s_new_client (muni, hetu);
    kp_hetu_keys_t *keys = kp_hetu_keys_load (kpt_cert_dir ("hetu.keys"));
    cr_assert_not_null (keys);
    uint8_t hash [KP_HETU_HASH_BYTES];
    kp_hetu_lookup_hash (keys, hetu, hash);
    size_t box_size;
    uint8_t *box = kp_hetu_encrypt (keys, hetu, &box_size);
    char referral_id [KP_ID_LEN + 1];
    kp_id_new (referral_id);
    const char *values [] = { referral_id, (const char *) hash, (const char *) box };
    const int lengths [] = { 0, KP_HETU_HASH_BYTES, (int) box_size };
    const int formats [] = { 0, 1, 1 };
    PGresult *result = PQexecParams (kpt_admin (),
        "INSERT INTO referral.referrals (referral_id, kind, state, sender_org, sender_type, sender_person,"
        " recipient_org, recipient_type, municipality, reason_category, legal_basis, notifier_may_be_named,"
        " urgent, hetu_hash, hetu_box, received_on) VALUES ($1, 'social_work_need', 'received', 'kela',"
        " 'kela', 'kela-officer-1', 'muni-743', 'municipality', '743', 'life_management', 'consent', true, false, $2, $3, current_date)",
        3, NULL, values, lengths, formats, 0);
    cr_assert_eq (PQresultStatus (result), PGRES_COMMAND_OK, "%s", PQresultErrorMessage (result));
    PQclear (result);
    free (box);
    kp_hetu_keys_destroy (&keys);

    //  The same event twice: a redelivery must not open a second case.
    s_append_received (referral_id);
    long long second = s_append_received (referral_id);
    char second_text [24];
    snprintf (second_text, sizeof second_text, "%lld", second);
    cr_assert_geq (s_wait_for ("SELECT coalesce(max(last_seq), 0) FROM kp.consumer_cursors"
                               " WHERE consumer = 'intake.referrals' AND last_seq >= $1::int8",
                               second_text, second), second, "the consumer never got past the events");
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.parked_events WHERE consumer = 'intake.referrals'", NULL),
                  parked_before, "handling the referral parked an event");
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM intake.case_referrals WHERE referral_id = $1", referral_id), 1);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM intake.cases WHERE client_id = $1", client_id), 1,
                  "a second case was opened");
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM intake.clients WHERE created_by_org = 'kela'", NULL),
                  registered_by_referrals, "the known person was registered again");

    PGresult *row = PQexecParams (kpt_admin (), "SELECT case_id, channel::text FROM intake.case_referrals"
                                  " JOIN intake.cases USING (case_id) WHERE referral_id = $1",
                                  1, NULL, (const char *[]) { referral_id }, NULL, NULL, 0);
    cr_assert_eq (PQntuples (row), 1);
    char case_id [KP_ID_LEN + 1];
    snprintf (case_id, sizeof case_id, "%s", PQgetvalue (row, 0, 0));
    cr_assert_str_eq (PQgetvalue (row, 0, 1), "kela_notice");
    PQclear (row);
    cr_assert_eq (s_count_events ("intake.case_opened", case_id), 1);
    //  A case a referral opened has its ESF start snapshot, once, and no exit.
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM intake.participant_snapshots WHERE case_id = $1"
                              " AND kind = 'start'", case_id), 1);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM intake.participant_snapshots WHERE case_id = $1"
                              " AND kind = 'exit'", case_id), 0);

    //  Starting the assessment names the referral: it stops Kela's clock.
    Kumppani__V1__Reply *reply = s_case_step (muni, BODY (START_ASSESSMENT), case_id);
    s_expect (reply, STATUS (OK), NULL, NULL);
    cr_assert_eq (reply->intake_case->n_referral_ids, 1);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    Kumppani__V1__Event *event = kpt_event_about ("intake.assessment_started", case_id, true);
    cr_assert_eq (event->intake->n_referral_ids, 1);
    cr_assert_str_eq (event->intake->referral_ids [0], referral_id);
    cr_assert_eq (event->intake->channel, KUMPPANI__V1__CASE_CHANNEL__CASE_CHANNEL_KELA_NOTICE);
    cr_assert_str_eq (event->intake->client_id, client_id);
    kumppani__v1__event__free_unpacked (event, NULL);
    kp_client_destroy (&muni);
}

Test (intake, review_reminder_once_across_restart)
{
    s_start ();
    kp_client_t *muni = kpt_client ("intake", "muni-743");
    const char *first = s_new_case (muni, s_new_client (muni, NULL));
    char first_case [KP_ID_LEN + 1];
    snprintf (first_case, sizeof first_case, "%s", first);
    s_to_plan (muni, first_case);
    //  The review date passes (a plan cannot be made with a past date).
    //  Helsinki's date, as intake's today: the cluster's current_date is
    //  a day behind from 22:00 UTC.
    cr_assert_eq (kpt_scalar ("WITH moved AS (UPDATE intake.cases"
                              " SET next_review_date = (now () AT TIME ZONE 'Europe/Helsinki')::date - 30"
                              " WHERE case_id = $1 RETURNING 1) SELECT count(*) FROM moved", first_case), 1);
    cr_assert_eq (s_wait_for ("SELECT count(*) FROM intake.review_reminders WHERE case_id = $1", first_case, 1), 1);
    cr_assert_eq (s_wait_for ("SELECT count(*) FROM kp.events WHERE topic = 'intake.review_due'"
                              " AND aggregate_id = $1", first_case, 1), 1);
    Kumppani__V1__Event *event = kpt_event_about ("intake.review_due", first_case, true);
    kp_date_t due;
    cr_assert_eq (kp_date_parse (event->intake->review_date, &due), 0);
    cr_assert_eq (due, kp_date_today () - 30);
    kumppani__v1__event__free_unpacked (event, NULL);
    kp_client_destroy (&muni);

    //  Restart; a second case comes due, which proves the timer ran again.
    cr_assert_eq (kpt_service_stop ("intake"), 0);
    kpt_service_start ("intake", s_fast_poll);
    muni = kpt_client ("intake", "muni-743");
    const char *second = s_new_case (muni, s_new_client (muni, NULL));
    s_to_plan (muni, second);
    cr_assert_eq (kpt_scalar ("WITH moved AS (UPDATE intake.cases"
                              " SET next_review_date = (now () AT TIME ZONE 'Europe/Helsinki')::date - 10"
                              " WHERE case_id = $1 RETURNING 1) SELECT count(*) FROM moved", second), 1);
    cr_assert_eq (s_wait_for ("SELECT count(*) FROM kp.events WHERE topic = 'intake.review_due'"
                              " AND aggregate_id = $1", second, 1), 1);
    cr_assert_eq (s_count_events ("intake.review_due", first_case), 1, "a reminder was emitted twice");
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM intake.review_reminders WHERE case_id = $1", first_case), 1);
    kp_client_destroy (&muni);
}

Test (intake, anonymous_contact_is_never_reachable_from_a_client_query)
{
    s_start ();
    kp_client_t *muni = kpt_client ("intake", "muni-743");
    kp_client_t *debt = kpt_client ("intake", "debt-743");
    const char *client_id = s_new_client (muni, NULL);
    char *topics [] = { "debts", "enforcement" };
    Kumppani__V1__RecordAnonymousContact body = KUMPPANI__V1__RECORD_ANONYMOUS_CONTACT__INIT;
    body.session_ref = "talousneuvola-2026-w07";
    body.channel = KUMPPANI__V1__CONTACT_CHANNEL__CONTACT_CHANNEL_WALK_IN;
    body.topics = topics;
    body.n_topics = 2;
    body.follow_up_agreed = true;
    Kumppani__V1__Reply *reply = s_call (debt, ROLE (DEBT_COUNSELLOR), BODY (RECORD_ANONYMOUS_CONTACT), &body);
    s_expect (reply, STATUS (OK), NULL, NULL);
    char contact_id [KP_ID_LEN + 1];
    snprintf (contact_id, sizeof contact_id, "%s", reply->anonymous_contact->contact_id);
    cr_assert_str_empty (reply->anonymous_contact->converted_case_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Naming a client without consent is refused, not quietly linked.
    body.client_id = (char *) client_id;
    reply = s_call (muni, ROLE (SOCIAL_WORKER), BODY (RECORD_ANONYMOUS_CONTACT), &body);
    s_expect (reply, STATUS (INVALID), "intake.no_consent", "record_anonymous_contact.client_id");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  No client query reaches it: not as a client, not as a case, not in the client's case.
    Kumppani__V1__GetClient get = KUMPPANI__V1__GET_CLIENT__INIT;
    get.client_id = contact_id;
    reply = s_call (muni, ROLE (SOCIAL_WORKER), BODY (GET_CLIENT), &get);
    s_expect (reply, STATUS (NOT_FOUND), NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_case_step (muni, BODY (GET_CASE), contact_id);
    s_expect (reply, STATUS (NOT_FOUND), NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'intake'"
                              " AND table_name = 'anonymous_contacts' AND column_name LIKE $1", "%client%"), 0);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM intake.anonymous_contacts WHERE contact_id = $1"
                              " AND converted_case_id IS NULL", contact_id), 1);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.audit_log WHERE client_ref = $1", contact_id), 0);

    //  With consent it becomes a talousneuvola case of that client.
    body.consent_to_convert = true;
    body.responsible_worker = "sw-1";
    reply = s_call (muni, ROLE (SOCIAL_WORKER), BODY (RECORD_ANONYMOUS_CONTACT), &body);
    s_expect (reply, STATUS (OK), NULL, NULL);
    cr_assert (kp_id_valid (reply->anonymous_contact->converted_case_id));
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM intake.cases WHERE client_id = $1"
                              " AND channel = 'talousneuvola'", client_id), 1);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM intake.participant_snapshots WHERE case_id = $1"
                              " AND kind = 'start'", reply->anonymous_contact->converted_case_id), 1,
                  "a converted contact's case has its start snapshot");
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM intake.consents WHERE client_id = $1"
                              " AND scope = 'talousneuvola_case' AND withdrawn_at IS NULL", client_id), 1,
                  "the consent to convert was not kept as a consent");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&muni);
    kp_client_destroy (&debt);
}

Test (intake, every_other_organisation_is_refused)
{
    s_start ();
    kp_client_t *muni = kpt_client ("intake", "muni-743");
    char hetu [12];
    s_hetu (hetu, "111190", '-', 123);
    const char *client_id = s_new_client (muni, hetu);
    const char *case_id = s_new_case (muni, client_id);
    char case_text [KP_ID_LEN + 1];
    snprintf (case_text, sizeof case_text, "%s", case_id);

    //  Same municipality, wrong role: a benefit processor reads, never writes.
    Kumppani__V1__GetClient get = KUMPPANI__V1__GET_CLIENT__INIT;
    get.client_id = (char *) client_id;
    Kumppani__V1__Reply *reply = s_call (muni, ROLE (BENEFIT_PROCESSOR), BODY (GET_CLIENT), &get);
    s_expect (reply, STATUS (OK), NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    Kumppani__V1__StartAssessment start = KUMPPANI__V1__START_ASSESSMENT__INIT;
    start.case_id = case_text;
    reply = s_call (muni, ROLE (BENEFIT_PROCESSOR), BODY (START_ASSESSMENT), &start);
    s_expect (reply, STATUS (FORBIDDEN), NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    const struct { const char *org; Kumppani__V1__Role role; } others [] = {
        { "kela", ROLE (KELA_OFFICER) }, { "ngo-743", ROLE (NGO_WORKER) },
        { "debt-743", ROLE (DEBT_COUNSELLOR) }, { "integrator-743", ROLE (INTEGRATOR) },
        { "muni-091", ROLE (SOCIAL_WORKER) }
    };
    Kumppani__V1__GetCase get_case = KUMPPANI__V1__GET_CASE__INIT;
    get_case.case_id = case_text;
    Kumppani__V1__ListConsents list = KUMPPANI__V1__LIST_CONSENTS__INIT;
    list.client_id = (char *) client_id;
    Kumppani__V1__FindClientByHetu find = KUMPPANI__V1__FIND_CLIENT_BY_HETU__INIT;
    find.hetu = hetu;
    Kumppani__V1__UpdateClient update = KUMPPANI__V1__UPDATE_CLIENT__INIT;
    update.client_id = (char *) client_id;
    for (int index = 0; index < 5; index++) {
        kp_client_t *other = kpt_client ("intake", others [index].org);
        struct { int body_case; void *body; } calls [] = {
            { BODY (GET_CLIENT), &get }, { BODY (GET_CASE), &get_case }, { BODY (LIST_CONSENTS), &list },
            { BODY (FIND_CLIENT_BY_HETU), &find }, { BODY (START_ASSESSMENT), &start },
            { BODY (UPDATE_CLIENT), &update }
        };
        for (int call = 0; call < 6; call++) {
            reply = s_call (other, others [index].role, calls [call].body_case, calls [call].body);
            cr_assert (reply->status == STATUS (FORBIDDEN) || reply->status == STATUS (NOT_FOUND),
                       "%s got status %d for body %d", others [index].org, reply->status, calls [call].body_case);
            kumppani__v1__reply__free_unpacked (reply, NULL);
        }
        kp_client_destroy (&other);
    }
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.audit_log WHERE client_ref = $1"
                              " AND actor_org <> 'muni-743'", client_id), 0, "a refused read left a trace of access");

    //  A consent discloses the client to the NGO; a ban takes it back.
    Kumppani__V1__RecordConsent consent = KUMPPANI__V1__RECORD_CONSENT__INIT;
    consent.client_id = (char *) client_id;
    consent.counterparty_org = "ngo-743";
    consent.scope = "client";
    reply = s_call (muni, ROLE (SOCIAL_WORKER), BODY (RECORD_CONSENT), &consent);
    s_expect (reply, STATUS (OK), NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_t *ngo = kpt_client ("intake", "ngo-743");
    reply = s_call (ngo, ROLE (NGO_WORKER), BODY (GET_CLIENT), &get);
    s_expect (reply, STATUS (OK), NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.audit_log WHERE client_ref = $1 AND actor_org = 'ngo-743'"
                              " AND basis = 'consent' AND recipient_org = 'ngo-743' AND action = 'intake.get_client'",
                              client_id), 1);
    //  And the disclosure's own row, for the client's disclosure log.
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.audit_log WHERE client_ref = $1 AND actor_org = 'ngo-743'"
                              " AND recipient_org = 'ngo-743' AND action = 'intake.disclosure'", client_id), 1);
    reply = s_call (ngo, ROLE (NGO_WORKER), BODY (GET_CASE), &get_case);
    //  The consent's scope is the client only: the case is not there for it.
    s_expect (reply, STATUS (NOT_FOUND), "intake.unknown_case", NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM intake.disclosure_permissions WHERE client_id = $1"
                              " AND counterparty_org = 'ngo-743' AND active AND NOT banned", client_id), 1);
    Kumppani__V1__RecordDisclosureBan ban = KUMPPANI__V1__RECORD_DISCLOSURE_BAN__INIT;
    ban.client_id = (char *) client_id;
    reply = s_call (muni, ROLE (SOCIAL_WORKER), BODY (RECORD_DISCLOSURE_BAN), &ban);
    s_expect (reply, STATUS (OK), NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_call (ngo, ROLE (NGO_WORKER), BODY (GET_CLIENT), &get);
    s_expect (reply, STATUS (NOT_FOUND), "intake.unknown_client", NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&ngo);
    kp_client_destroy (&muni);
}
