/*  The worker's caseload (issue 18) through real processes: a Kela notice's
    case found by its referral id without a stream consumer, ListCases'
    filters against a scenario with known answers (and nothing for another
    municipality), hand-overs in both workers' lists, contact_due exactly
    once and the assessment clock's breach on the 8th working day over
    Christmas, both with time moved by KUMPPANI_TEST_TODAY (intake restarted
    on another day, never by sleeping out the months), the day counts from
    configuration, bad input refused with its field, and the workload
    report per organisation and, for the own coordinator only, per worker. */
#include "harness.h"
#include "kp_calendar.h"
#include "kp_enum.h"
#include "kp_ids.h"

#include <criterion/criterion.h>
#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TestSuite (caseload, .init = kpt_setup_own_database, .fini = kpt_teardown_own_database, .timeout = 150);

#define ROLE(name) KUMPPANI__V1__ROLE__ROLE_ ## name
#define STATUS(name) KUMPPANI__V1__STATUS__STATUS_ ## name
#define BODY(name) KUMPPANI__V1__REQUEST__BODY_ ## name
#define CHANNEL(name) KUMPPANI__V1__CASE_CHANNEL__CASE_CHANNEL_ ## name
#define CLOCK(name) KUMPPANI__V1__CLOCK_STATE__CLOCK_STATE_ ## name

//  Intake on a given day (NULL: the real one), polling fast.
static void
s_intake_on (const char *today, const char *extra)
{
    static char day [64];
    snprintf (day, sizeof day, "KUMPPANI_TEST_TODAY=%s", today ? today : "");
    const char *env [] = { "KUMPPANI_POLL_MS=50", today ? day : "KUMPPANI_LOG_LEVEL=info", extra, NULL };
    kpt_service_start ("intake", env);
}

static void
s_start (const char *today)
{
    kpt_service_start ("stream", NULL);
    s_intake_on (today, NULL);
}

//  The same process restarted on another day.
static void
s_move_to (const char *today)
{
    cr_assert_eq (kpt_service_stop ("intake"), 0);
    s_intake_on (today, NULL);
}

static Kumppani__V1__Reply *
s_call (const char *service, const char *org, Kumppani__V1__Role role, int body_case, void *body, bool mutating)
{
    kp_client_t *client = kpt_client (service, org);
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, role, mutating);
    request.body_case = body_case;
    request.health = body;              //  the body pointers share one union
    Kumppani__V1__Reply *reply = kpt_call (client, &request);
    kp_client_destroy (&client);
    cr_assert_not_null (reply, "no reply from %s to body %d", service, body_case);
    return reply;
}

static Kumppani__V1__Reply *
s_intake (int body_case, void *body, bool mutating)
{
    return s_call ("intake", "muni-743", ROLE (SOCIAL_WORKER), body_case, body, mutating);
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

static void
s_ok (Kumppani__V1__Reply *reply)
{
    s_expect (reply, STATUS (OK), NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

//  A client of muni-743 (no henkilötunnus), born on birth_date ("" unknown).
static void
s_new_client (const char *birth_date, char *id)
{
    Kumppani__V1__ClientAttributes attributes = KUMPPANI__V1__CLIENT_ATTRIBUTES__INIT;
    attributes.birth_date = (char *) birth_date;
    Kumppani__V1__RegisterClient body = KUMPPANI__V1__REGISTER_CLIENT__INIT;
    body.attributes = &attributes;
    Kumppani__V1__Reply *reply = s_intake (BODY (REGISTER_CLIENT), &body, true);
    s_expect (reply, STATUS (OK), NULL, NULL);
    snprintf (id, KP_ID_LEN + 1, "%s", reply->client->client_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

static Kumppani__V1__Reply *
s_open (const char *client_id, const char *worker, Kumppani__V1__CaseChannel channel, bool urgent, bool care)
{
    Kumppani__V1__OpenCase body = KUMPPANI__V1__OPEN_CASE__INIT;
    body.client_id = (char *) client_id;
    body.channel = channel;
    body.responsible_worker = (char *) worker;
    body.urgent = urgent;
    body.highest_care_allowance = care;
    Kumppani__V1__Reply *reply = s_intake (BODY (OPEN_CASE), &body, true);
    s_expect (reply, STATUS (OK), NULL, NULL);
    return reply;
}

//  Opens a case for a new client; its id into case_id (and the client's).
static void
s_new_case (const char *worker, Kumppani__V1__CaseChannel channel, char *case_id, char *client_id)
{
    char client [KP_ID_LEN + 1];
    s_new_client ("", client);
    Kumppani__V1__Reply *reply = s_open (client, worker, channel, false, false);
    snprintf (case_id, KP_ID_LEN + 1, "%s", reply->intake_case->case_id);
    if (client_id)
        snprintf (client_id, KP_ID_LEN + 1, "%s", client);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

static Kumppani__V1__Reply *
s_get_case (const char *case_id)
{
    Kumppani__V1__GetCase body = KUMPPANI__V1__GET_CASE__INIT;
    body.case_id = (char *) case_id;
    Kumppani__V1__Reply *reply = s_intake (BODY (GET_CASE), &body, false);
    s_expect (reply, STATUS (OK), NULL, NULL);
    return reply;
}

static void
s_step (int body_case, const char *case_id)
{
    Kumppani__V1__StartAssessment body = KUMPPANI__V1__START_ASSESSMENT__INIT;
    body.case_id = (char *) case_id;
    s_ok (s_intake (body_case, &body, true));
}

static Kumppani__V1__Reply *
s_contact (const char *case_id, Kumppani__V1__ContactKind kind, const char *date)
{
    static char *participants [] = { "municipality", "ngo" };
    Kumppani__V1__RecordContact body = KUMPPANI__V1__RECORD_CONTACT__INIT;
    body.case_id = (char *) case_id;
    body.kind = kind;
    body.contact_date = (char *) date;
    body.participants = participants;
    body.n_participants = 2;
    return s_intake (BODY (RECORD_CONTACT), &body, true);
}

static Kumppani__V1__Reply *
s_list_as (const char *org, Kumppani__V1__ListCases *body)
{
    return s_call ("intake", org, ROLE (SOCIAL_WORKER), BODY (LIST_CASES), body, false);
}

//  How many of the listed cases are among ids (count of them), and how
//  many rows there were in all.
static size_t
s_listed (Kumppani__V1__ListCases *body, const char *const *ids, size_t count, size_t *rows)
{
    Kumppani__V1__Reply *reply = s_list_as ("muni-743", body);
    s_expect (reply, STATUS (OK), NULL, NULL);
    size_t found = 0;
    for (size_t row = 0; row < reply->case_list->n_cases; row++)
        for (size_t index = 0; index < count; index++)
            found += strcmp (reply->case_list->cases [row]->case_id, ids [index]) == 0;
    if (rows)
        *rows = reply->case_list->n_cases;
    kumppani__v1__reply__free_unpacked (reply, NULL);
    return found;
}

//  The exact set: the list holds these and nothing else.
#define S_EXACTLY(body, ...) do { \
        const char *const s_ids_ [] = { __VA_ARGS__ }; \
        size_t s_rows_; \
        size_t s_count_ = sizeof s_ids_ / sizeof s_ids_ [0]; \
        cr_assert_eq (s_listed (body, s_ids_, s_count_, &s_rows_), s_count_, "not all expected cases listed"); \
        cr_assert_eq (s_rows_, s_count_, "%zu rows listed, expected %zu", s_rows_, s_count_); \
    } while (0)
#define S_NONE(body) do { \
        size_t s_rows_; \
        s_listed (body, NULL, 0, &s_rows_); \
        cr_assert_eq (s_rows_, 0, "%zu rows listed, expected none", s_rows_); \
    } while (0)

static long long
s_events (const char *topic, const char *aggregate)
{
    char sql [200];
    snprintf (sql, sizeof sql, "SELECT count(*) FROM kp.events WHERE topic = '%s' AND aggregate_id = $1", topic);
    return kpt_scalar (sql, aggregate);
}

//  Polls (bounded) until the topic's events for aggregate reach want.
static long long
s_wait_events (const char *topic, const char *aggregate, long long want)
{
    long long value = -1;
    for (int attempt = 0; attempt < 400; attempt++) {
        value = s_events (topic, aggregate);
        if (value >= want)
            break;
        zclock_sleep (25);
    }
    return value;
}

static void
s_avain (const char *case_id, const char *measure_id, Kumppani__V1__Timepoint timepoint)
{
    static const char *const items [] = { "goals", "situational_factors", "services", "methods" };
    Kumppani__V1__ItemScore entries [4], *pointers [4];
    for (int index = 0; index < 4; index++) {
        kumppani__v1__item_score__init (&entries [index]);
        entries [index].item_code = (char *) items [index];
        entries [index].score = 3;
        pointers [index] = &entries [index];
    }
    Kumppani__V1__RecordMeasurement body = KUMPPANI__V1__RECORD_MEASUREMENT__INIT;
    body.case_id = (char *) case_id;
    body.measure_id = (char *) measure_id;
    body.instrument = "avain";
    body.timepoint = timepoint;
    body.scores = pointers;
    body.n_scores = 4;
    s_ok (s_intake (BODY (RECORD_MEASUREMENT), &body, true));
}

//  Real today plus days, as YYYY-MM-DD (a plan's review date is checked
//  against the real day). Helsinki's day, as intake's: the test process's
//  local time (UTC here) is a day behind from 22:00 UTC.
static void
s_real_day (int days, char *out)
{
    kp_date_format (kp_date_today () + days, out);
}

//  Assessment, survey, plan with its review on review_date, a measure.
static void
s_to_plan_with_measure (const char *case_id, const char *review_date, char *measure_id)
{
    s_step (BODY (START_ASSESSMENT), case_id);
    Kumppani__V1__SurveyEntry entry = KUMPPANI__V1__SURVEY_ENTRY__INIT;
    entry.domain = KUMPPANI__V1__SURVEY_DOMAIN__SURVEY_DOMAIN_FINANCES;
    entry.need = "Debts.";
    entry.strengths = "Keeps a budget.";
    Kumppani__V1__SurveyEntry *entries [] = { &entry };
    Kumppani__V1__CompleteAssessment complete = KUMPPANI__V1__COMPLETE_ASSESSMENT__INIT;
    complete.case_id = (char *) case_id;
    complete.survey = entries;
    complete.n_survey = 1;
    complete.summary = "Debt support.";
    s_ok (s_intake (BODY (COMPLETE_ASSESSMENT), &complete, true));
    static char *participants [] = { "client" };
    Kumppani__V1__Plan plan = KUMPPANI__V1__PLAN__INIT;
    plan.goals = "Payment plan.";
    plan.situational_factors = "Enforcement.";
    plan.services = "Debt counselling.";
    plan.methods = "Coaching.";
    plan.participants = participants;
    plan.n_participants = 1;
    plan.evaluation_method = "AVAIN at start and end.";
    plan.next_review_date = (char *) review_date;
    plan.client_view = "Debts first.";
    plan.worker_view = "Agreed.";
    Kumppani__V1__MakePlan make = KUMPPANI__V1__MAKE_PLAN__INIT;
    make.case_id = (char *) case_id;
    make.plan = &plan;
    s_ok (s_intake (BODY (MAKE_PLAN), &make, true));
    Kumppani__V1__Measure measure = KUMPPANI__V1__MEASURE__INIT;
    measure.kind = KUMPPANI__V1__MEASURE_KIND__MEASURE_KIND_GUIDANCE;
    measure.description = "Budget coaching.";
    measure.responsible_person = "sw-coach";
    Kumppani__V1__AddMeasure add = KUMPPANI__V1__ADD_MEASURE__INIT;
    add.case_id = (char *) case_id;
    add.measure = &measure;
    Kumppani__V1__Reply *reply = s_intake (BODY (ADD_MEASURE), &add, true);
    s_expect (reply, STATUS (OK), NULL, NULL);
    snprintf (measure_id, KP_ID_LEN + 1, "%s", reply->intake_case->created_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

static void
s_end_measure (const char *case_id, const char *measure_id)
{
    Kumppani__V1__EndMeasure body = KUMPPANI__V1__END_MEASURE__INIT;
    body.case_id = (char *) case_id;
    body.measure_id = (char *) measure_id;
    body.status = KUMPPANI__V1__MEASURE_STATUS__MEASURE_STATUS_ENDED;
    body.outcome = KUMPPANI__V1__MEASURE_OUTCOME__MEASURE_OUTCOME_PARTLY_ACHIEVED;
    Kumppani__V1__Reply *reply = s_intake (BODY (END_MEASURE), &body, true);
    s_expect (reply, STATUS (OK), NULL, NULL);
    bool found = false;
    for (size_t index = 0; index < reply->intake_case->n_measures; index++) {
        Kumppani__V1__Measure *measure = reply->intake_case->measures [index];
        if (strcmp (measure->measure_id, measure_id) == 0) {
            found = true;
            cr_assert_eq (measure->status, KUMPPANI__V1__MEASURE_STATUS__MEASURE_STATUS_ENDED);
            cr_assert_str_not_empty (measure->ended_at);
            cr_assert_str_not_empty (measure->start_date);
        }
    }
    cr_assert (found);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

//  --------------------------------------------------------------------------

Test (caseload, kela_notice_case_found_by_referral_id_without_a_stream_consumer)
{
    const char *fast [] = { "KUMPPANI_POLL_MS=100", NULL };
    kpt_service_start ("stream", NULL);
    kpt_service_start ("referral", fast);
    s_intake_on (NULL, NULL);
    //  Kela's notice of need for social work about a synthetic person.
    char hetu [16];
    kpt_hetu (hetu, "020290", '-', 100 + (int) (getpid () % 800));
    Kumppani__V1__SubmitReferral notice = KUMPPANI__V1__SUBMIT_REFERRAL__INIT;
    notice.kind = KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_SOCIAL_WORK_NEED;
    notice.recipient_org = "muni-743";
    notice.recipient_type = "municipality";
    notice.municipality = "743";
    notice.hetu = hetu;
    notice.urgent = true;
    notice.reason_category = KUMPPANI__V1__REASON_CATEGORY__REASON_CATEGORY_LIFE_MANAGEMENT;
    notice.legal_basis = KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CLIENT_REQUEST;
    notice.free_text = "Rent arrears.";
    Kumppani__V1__Reply *reply = s_call ("referral", "kela", ROLE (KELA_OFFICER), BODY (SUBMIT_REFERRAL),
                                         &notice, true);
    s_expect (reply, STATUS (OK), NULL, NULL);
    char referral_id [64], received_on [11];
    snprintf (referral_id, sizeof referral_id, "%s", reply->referral->referral->referral_id);
    snprintf (received_on, sizeof received_on, "%s", reply->referral->referral->received_on);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  The municipality asks intake by the referral id, as a system with
    //  no stream consumer would, until the notice's case is there.
    Kumppani__V1__FindCase find = KUMPPANI__V1__FIND_CASE__INIT;
    find.referral_id = referral_id;
    char case_id [KP_ID_LEN + 1] = "";
    for (int attempt = 0; attempt < 200 && !*case_id; attempt++) {
        reply = s_intake (BODY (FIND_CASE), &find, false);
        if (reply->status == STATUS (OK)) {
            snprintf (case_id, sizeof case_id, "%s", reply->intake_case->case_id);
            cr_assert_eq (reply->intake_case->channel, CHANNEL (KELA_NOTICE));
            //  The notice is urgent and its day of receipt is the pending day.
            cr_assert_not_null (reply->intake_case->assessment_clock);
            cr_assert (reply->intake_case->assessment_clock->urgent);
            cr_assert_eq (reply->intake_case->assessment_clock->working_days, 1);
            cr_assert_str_eq (reply->intake_case->assessment_clock->pending_on, received_on);
        }
        else
            s_expect (reply, STATUS (NOT_FOUND), "intake.unknown_case", NULL);
        kumppani__v1__reply__free_unpacked (reply, NULL);
        if (!*case_id)
            zclock_sleep (25);
    }
    cr_assert_str_not_empty (case_id, "FindCase never found the notice's case");
    //  Another municipality and Kela find nothing, exactly as for no case.
    reply = s_call ("intake", "muni-091", ROLE (SOCIAL_WORKER), BODY (FIND_CASE), &find, false);
    s_expect (reply, STATUS (NOT_FOUND), "intake.unknown_case", NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_call ("intake", "kela", ROLE (KELA_OFFICER), BODY (FIND_CASE), &find, false);
    cr_assert_neq (reply->status, STATUS (OK));
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  The referral shows its case to the recipient, not to the sender.
    Kumppani__V1__GetReferral get = KUMPPANI__V1__GET_REFERRAL__INIT;
    get.referral_id = referral_id;
    reply = s_call ("referral", "muni-743", ROLE (SOCIAL_WORKER), BODY (GET_REFERRAL), &get, false);
    s_expect (reply, STATUS (OK), NULL, NULL);
    cr_assert_str_eq (reply->referral->referral->case_id, case_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_call ("referral", "kela", ROLE (KELA_OFFICER), BODY (GET_REFERRAL), &get, false);
    s_expect (reply, STATUS (OK), NULL, NULL);
    cr_assert_str_empty (reply->referral->referral->case_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  The assessment starts on the found case; the referral's clock is met.
    s_step (BODY (START_ASSESSMENT), case_id);
    Kumppani__V1__DeadlineState state = 0;
    for (int attempt = 0; attempt < 400 && state != KUMPPANI__V1__DEADLINE_STATE__DEADLINE_STATE_MET; attempt++) {
        reply = s_call ("referral", "kela", ROLE (KELA_OFFICER), BODY (GET_REFERRAL), &get, false);
        s_expect (reply, STATUS (OK), NULL, NULL);
        state = reply->referral->referral->deadline_state;
        kumppani__v1__reply__free_unpacked (reply, NULL);
        if (state != KUMPPANI__V1__DEADLINE_STATE__DEADLINE_STATE_MET)
            zclock_sleep (25);
    }
    cr_assert_eq (state, KUMPPANI__V1__DEADLINE_STATE__DEADLINE_STATE_MET, "the referral's clock was not met");
    reply = s_get_case (case_id);
    cr_assert_eq (reply->intake_case->assessment_clock->state, CLOCK (MET));
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

//  A scenario with known answers, on known days: opened on Mon 1.6.2026,
//  listed on 15.6. A (W1, own contact) waits for its assessment, its
//  clock overdue (deadline 10.6), met on 10.6; B (W1, outreach) has a
//  plan, a measure ended without its end measurement, no contact; C (W2)
//  closed without an assessment.
Test (caseload, list_filters_have_known_answers)
{
    s_start ("2026-06-01");
    char w1 [32], w2 [32], a [KP_ID_LEN + 1], b [KP_ID_LEN + 1], c [KP_ID_LEN + 1], client_c [KP_ID_LEN + 1];
    snprintf (w1, sizeof w1, "sw-a-%d", (int) getpid ());
    snprintf (w2, sizeof w2, "sw-b-%d", (int) getpid ());
    s_new_case (w1, CHANNEL (OWN_CONTACT), a, NULL);
    s_new_case (w1, CHANNEL (OUTREACH), b, NULL);
    s_new_case (w2, CHANNEL (OWN_CONTACT), c, client_c);
    char review [11], measure [KP_ID_LEN + 1];
    s_real_day (40, review);
    s_to_plan_with_measure (b, review, measure);
    s_avain (b, measure, KUMPPANI__V1__TIMEPOINT__TIMEPOINT_START);
    s_end_measure (b, measure);
    Kumppani__V1__CloseCase close = KUMPPANI__V1__CLOSE_CASE__INIT;
    close.case_id = c;
    close.reason = KUMPPANI__V1__CLOSURE_REASON__CLOSURE_REASON_NO_NEED;
    s_ok (s_intake (BODY (CLOSE_CASE), &close, true));
    s_move_to ("2026-06-15");
    s_ok (s_contact (a, KUMPPANI__V1__CONTACT_KIND__CONTACT_KIND_HOME_VISIT, "2026-06-10"));

    Kumppani__V1__ListCases list = KUMPPANI__V1__LIST_CASES__INIT;
    list.responsible_worker = w1;
    S_EXACTLY (&list, a, b);
    //  Each row: pseudonymous client, state, worker, dates, the next due item.
    Kumppani__V1__Reply *reply = s_list_as ("muni-743", &list);
    s_expect (reply, STATUS (OK), NULL, NULL);
    for (size_t row = 0; row < reply->case_list->n_cases; row++) {
        Kumppani__V1__CaseSummary *summary = reply->case_list->cases [row];
        cr_assert (kp_id_valid (summary->client_id));
        cr_assert_str_eq (summary->responsible_worker, w1);
        cr_assert_str_eq (summary->opened_on, "2026-06-01");
        if (strcmp (summary->case_id, a) == 0) {
            cr_assert_eq (summary->state_enum, KUMPPANI__V1__CASE_STATE__CASE_STATE_OPENED);
            cr_assert_str_eq (summary->last_contact_on, "2026-06-10");
            cr_assert_str_eq (summary->contact_due_on, "2026-12-10");
            cr_assert_str_eq (summary->assessment_deadline, "2026-06-10");
            cr_assert_eq (summary->clock_state, CLOCK (OVERDUE));
            cr_assert_eq (summary->next_due_kind_enum, KUMPPANI__V1__DUE_KIND__DUE_KIND_ASSESSMENT_START);
            cr_assert_str_eq (summary->next_due_on, "2026-06-10");
        }
        else {
            cr_assert_eq (summary->state_enum, KUMPPANI__V1__CASE_STATE__CASE_STATE_PLAN_MADE);
            cr_assert_str_eq (summary->next_review_date, review);
            cr_assert_str_eq (summary->contact_due_on, "2026-12-01");
        }
    }
    kumppani__v1__reply__free_unpacked (reply, NULL);

    list.state = "opened";
    S_EXACTLY (&list, a);
    list.state = "";
    list.channel = CHANNEL (OUTREACH);
    S_EXACTLY (&list, b);
    list.channel = 0;
    list.responsible_worker = "";
    list.client_id = client_c;
    S_EXACTLY (&list, c);
    list.client_id = "";
    list.responsible_worker = w1;
    list.opened_from = "2026-06-01";
    list.opened_to = "2026-06-01";
    S_EXACTLY (&list, a, b);
    list.opened_to = "2026-05-31";
    list.opened_from = "";
    S_NONE (&list);
    list.opened_to = "";
    //  C closed today by the real clock.
    char today [11];
    s_real_day (0, today);
    list.responsible_worker = w2;
    list.closed_from = today;
    list.closed_to = today;
    S_EXACTLY (&list, c);
    list.closed_from = list.closed_to = "";
    list.responsible_worker = w1;
    list.review_due_before = review;
    S_EXACTLY (&list, b);
    char day_before [11];
    s_real_day (39, day_before);
    list.review_due_before = day_before;
    S_NONE (&list);
    list.review_due_before = "";
    list.contact_due_before = "2026-12-05";
    S_EXACTLY (&list, b);
    list.contact_due_before = "2026-12-10";
    S_EXACTLY (&list, a, b);
    list.contact_due_before = "";
    list.clock_state = CLOCK (OVERDUE);
    S_EXACTLY (&list, a);
    //  B's assessment started on the real day, after its deadline.
    list.clock_state = CLOCK (MISSED);
    S_EXACTLY (&list, b);
    list.clock_state = 0;
    list.responsible_worker = w2;
    list.clock_state = CLOCK (STOPPED);
    S_EXACTLY (&list, c);
    list.clock_state = 0;
    list.responsible_worker = w1;
    list.due_before = "2026-06-10";
    S_EXACTLY (&list, a);
    list.due_before = "2026-12-01";
    S_EXACTLY (&list, a, b);
    list.due_before = "";
    list.measurement_missing = true;
    S_EXACTLY (&list, b);
    //  The end measurement of the instrument it started with clears it.
    s_avain (b, measure, KUMPPANI__V1__TIMEPOINT__TIMEPOINT_END);
    S_NONE (&list);
    list.measurement_missing = false;

    //  Pages of one: two pages, the cursor bound to the query.
    list.page_size = 1;
    reply = s_list_as ("muni-743", &list);
    s_expect (reply, STATUS (OK), NULL, NULL);
    cr_assert_eq (reply->case_list->n_cases, 1);
    cr_assert_str_not_empty (reply->case_list->next_cursor);
    char first [KP_ID_LEN + 1], cursor [128];
    snprintf (first, sizeof first, "%s", reply->case_list->cases [0]->case_id);
    snprintf (cursor, sizeof cursor, "%s", reply->case_list->next_cursor);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    list.cursor = cursor;
    reply = s_list_as ("muni-743", &list);
    s_expect (reply, STATUS (OK), NULL, NULL);
    cr_assert_eq (reply->case_list->n_cases, 1);
    cr_assert_str_neq (reply->case_list->cases [0]->case_id, first);
    cr_assert_str_empty (reply->case_list->next_cursor);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  The same cursor with another query's filters is refused.
    list.responsible_worker = w2;
    reply = s_list_as ("muni-743", &list);
    s_expect (reply, STATUS (INVALID), "intake.bad_cursor", "list_cases.cursor");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    list.cursor = "";
    list.page_size = 0;

    //  Another municipality's worker sees none of them, on any page, and
    //  does not know our workers.
    Kumppani__V1__ListCases other = KUMPPANI__V1__LIST_CASES__INIT;
    other.page_size = 100;
    char other_cursor [128] = "";
    for (int page = 0; page < 50; page++) {
        other.cursor = other_cursor;
        reply = s_list_as ("muni-091", &other);
        s_expect (reply, STATUS (OK), NULL, NULL);
        for (size_t row = 0; row < reply->case_list->n_cases; row++) {
            const char *id = reply->case_list->cases [row]->case_id;
            cr_assert (strcmp (id, a) && strcmp (id, b) && strcmp (id, c), "muni-091 sees a case of 743");
            cr_assert_str_eq (reply->case_list->cases [row]->municipality, "091");
        }
        snprintf (other_cursor, sizeof other_cursor, "%s", reply->case_list->next_cursor);
        kumppani__v1__reply__free_unpacked (reply, NULL);
        if (!*other_cursor)
            break;
    }
    cr_assert_str_empty (other_cursor);
    other.responsible_worker = w1;
    reply = s_list_as ("muni-091", &other);
    s_expect (reply, STATUS (INVALID), "intake.unknown_worker", "list_cases.responsible_worker");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  The client reply lists the client's case for its organiser only.
    Kumppani__V1__GetClient get = KUMPPANI__V1__GET_CLIENT__INIT;
    get.client_id = client_c;
    reply = s_intake (BODY (GET_CLIENT), &get, false);
    s_expect (reply, STATUS (OK), NULL, NULL);
    cr_assert_eq (reply->client->n_case_ids, 1);
    cr_assert_str_eq (reply->client->case_ids [0], c);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  Each listed client was audited as a read.
    cr_assert_geq (kpt_scalar ("SELECT count(*) FROM kp.audit_log WHERE client_ref = $1 AND detail = 'case list'",
                               client_c), 1);
}

Test (caseload, reassignment_moves_the_case_between_the_workers_lists)
{
    s_start (NULL);
    char w1 [32], w2 [32], moved [KP_ID_LEN + 1], stays [KP_ID_LEN + 1];
    snprintf (w1, sizeof w1, "sw-old-%d", (int) getpid ());
    snprintf (w2, sizeof w2, "sw-new-%d", (int) getpid ());
    s_new_case (w1, CHANNEL (OWN_CONTACT), moved, NULL);
    s_new_case (w1, CHANNEL (OWN_CONTACT), stays, NULL);
    Kumppani__V1__ListCases list = KUMPPANI__V1__LIST_CASES__INIT;
    list.responsible_worker = w2;
    Kumppani__V1__Reply *reply = s_list_as ("muni-743", &list);
    s_expect (reply, STATUS (INVALID), "intake.unknown_worker", "list_cases.responsible_worker");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    Kumppani__V1__ReassignCase body = KUMPPANI__V1__REASSIGN_CASE__INIT;
    body.case_id = moved;
    body.responsible_worker = w2;
    body.reason = KUMPPANI__V1__REASSIGN_REASON__REASSIGN_REASON_ABSENCE;
    reply = s_intake (BODY (REASSIGN_CASE), &body, true);
    s_expect (reply, STATUS (OK), NULL, NULL);
    cr_assert_str_eq (reply->intake_case->responsible_worker, w2);
    //  The history: the worker named at opening, then the new one and why.
    cr_assert_eq (reply->intake_case->n_worker_history, 2);
    cr_assert_str_eq (reply->intake_case->worker_history [0]->worker, w1);
    cr_assert_eq (reply->intake_case->worker_history [0]->reason, 0);
    cr_assert_str_eq (reply->intake_case->worker_history [1]->worker, w2);
    cr_assert_eq (reply->intake_case->worker_history [1]->reason,
                  KUMPPANI__V1__REASSIGN_REASON__REASSIGN_REASON_ABSENCE);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    list.responsible_worker = w1;
    S_EXACTLY (&list, stays);
    list.responsible_worker = w2;
    S_EXACTLY (&list, moved);
    //  One event, naming both workers and the reason, nothing else.
    cr_assert_eq (s_events ("intake.case_reassigned", moved), 1);
    const char *values [] = { moved };
    PGresult *result = PQexecParams (kpt_admin (),
        "SELECT payload FROM kp.events WHERE topic = 'intake.case_reassigned' AND aggregate_id = $1",
        1, NULL, values, NULL, NULL, 1);
    cr_assert_eq (PQntuples (result), 1);
    Kumppani__V1__Event *event = kumppani__v1__event__unpack (
        NULL, (size_t) PQgetlength (result, 0, 0), (const uint8_t *) PQgetvalue (result, 0, 0));
    PQclear (result);
    cr_assert_not_null (event);
    cr_assert_str_eq (event->intake->responsible_worker, w2);
    cr_assert_str_eq (event->intake->previous_worker, w1);
    cr_assert_eq (event->intake->reassign_reason_enum, KUMPPANI__V1__REASSIGN_REASON__REASSIGN_REASON_ABSENCE);
    kumppani__v1__event__free_unpacked (event, NULL);

    //  The same worker again, an unknown reason: INVALID, nothing changes.
    reply = s_intake (BODY (REASSIGN_CASE), &body, true);
    s_expect (reply, STATUS (INVALID), "intake.same_worker", "reassign_case.responsible_worker");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    body.responsible_worker = w1;
    body.reason = 0;
    reply = s_intake (BODY (REASSIGN_CASE), &body, true);
    s_expect (reply, STATUS (INVALID), "intake.reassign_reason", "reassign_case.reason");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM intake.case_workers WHERE case_id = $1", moved), 2);
    //  Another municipality cannot even tell the case exists.
    body.reason = KUMPPANI__V1__REASSIGN_REASON__REASSIGN_REASON_WORKLOAD;
    reply = s_call ("intake", "muni-091", ROLE (SOCIAL_WORKER), BODY (REASSIGN_CASE), &body, true);
    s_expect (reply, STATUS (NOT_FOUND), "intake.unknown_case", NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

//  Contacts dated 10.1, 15.1 and 16.1.2026: due on 10.7, 15.7 and 16.7.
//  Each day's run shows the case due that day and, in the same query of
//  the same tick, that the next one is not yet; the last restart shows the
//  earlier ones were not sent again.
Test (caseload, contact_due_exactly_once_as_the_days_pass)
{
    s_start ("2026-01-10");
    char x [KP_ID_LEN + 1], y [KP_ID_LEN + 1], v [KP_ID_LEN + 1];
    s_new_case ("sw-contact", CHANNEL (OWN_CONTACT), x, NULL);
    s_new_case ("sw-contact", CHANNEL (OWN_CONTACT), y, NULL);
    s_new_case ("sw-contact", CHANNEL (OWN_CONTACT), v, NULL);
    s_ok (s_contact (x, KUMPPANI__V1__CONTACT_KIND__CONTACT_KIND_MEETING, "2026-01-10"));
    s_move_to ("2026-01-16");
    s_ok (s_contact (y, KUMPPANI__V1__CONTACT_KIND__CONTACT_KIND_NETWORK_MEETING, "2026-01-15"));
    s_ok (s_contact (v, KUMPPANI__V1__CONTACT_KIND__CONTACT_KIND_DIGITAL, "2026-01-16"));
    cr_assert_eq (s_events ("intake.contact_recorded", y), 1);
    cr_assert_eq (s_events ("intake.contact_due", x), 0);

    s_move_to ("2026-07-14");
    cr_assert_eq (s_wait_events ("intake.contact_due", x, 1), 1, "no contact_due for the case due 10.7");
    cr_assert_eq (s_events ("intake.contact_due", y), 0, "contact_due a day early");
    s_move_to ("2026-07-15");
    cr_assert_eq (s_wait_events ("intake.contact_due", y, 1), 1, "no contact_due for the case due 15.7");
    cr_assert_eq (s_events ("intake.contact_due", v), 0, "contact_due a day early");
    s_move_to ("2026-07-16");
    cr_assert_eq (s_wait_events ("intake.contact_due", v, 1), 1, "no contact_due for the case due 16.7");
    cr_assert_eq (s_events ("intake.contact_due", x), 1, "contact_due sent twice");
    cr_assert_eq (s_events ("intake.contact_due", y), 1, "contact_due sent twice");
    //  The event names the day it fell due.
    const char *values [] = { y };
    PGresult *result = PQexecParams (kpt_admin (),
        "SELECT payload FROM kp.events WHERE topic = 'intake.contact_due' AND aggregate_id = $1",
        1, NULL, values, NULL, NULL, 1);
    cr_assert_eq (PQntuples (result), 1);
    Kumppani__V1__Event *event = kumppani__v1__event__unpack (
        NULL, (size_t) PQgetlength (result, 0, 0), (const uint8_t *) PQgetvalue (result, 0, 0));
    PQclear (result);
    cr_assert_str_eq (event->intake->due_date, "2026-07-15");
    kumppani__v1__event__free_unpacked (event, NULL);
}

//  Months clamp at month ends: a contact on 31.8.2026 falls due on
//  28.2.2027 (six months; the watch's index bound has slack for it), and
//  is reminded once however often intake starts. Cases due the day
//  before and the day after mark the ticks that show it was neither
//  early nor sent again. Under five months (a change of configuration)
//  the due day is 31.1., which has no reminder: one more; back at six,
//  none, while a case due that day under six marks the tick.
Test (caseload, a_month_end_contact_falls_due_on_the_last_day_and_once)
{
    s_start ("2026-09-02");
    char end [KP_ID_LEN + 1], before [KP_ID_LEN + 1], after [KP_ID_LEN + 1], later [KP_ID_LEN + 1];
    s_new_case ("sw-month-end", CHANNEL (OWN_CONTACT), end, NULL);
    s_new_case ("sw-month-end", CHANNEL (OWN_CONTACT), before, NULL);
    s_new_case ("sw-month-end", CHANNEL (OWN_CONTACT), after, NULL);
    s_new_case ("sw-month-end", CHANNEL (OWN_CONTACT), later, NULL);
    //  Opened on 2.9.: a contact before the opening is refused, so the
    //  clocks of three say they opened earlier.
    const char *earlier [] = { end, before, after };
    for (size_t index = 0; index < 3; index++)
        cr_assert_eq (kpt_scalar ("UPDATE intake.case_clocks SET opened_on = '2026-08-20'"
                                  " WHERE case_id = $1 RETURNING 1", earlier [index]), 1);
    s_ok (s_contact (end, KUMPPANI__V1__CONTACT_KIND__CONTACT_KIND_MEETING, "2026-08-31"));
    s_ok (s_contact (before, KUMPPANI__V1__CONTACT_KIND__CONTACT_KIND_PHONE, "2026-08-27"));
    s_ok (s_contact (after, KUMPPANI__V1__CONTACT_KIND__CONTACT_KIND_PHONE, "2026-09-01"));

    s_move_to ("2027-02-27");
    cr_assert_eq (s_wait_events ("intake.contact_due", before, 1), 1, "no contact_due for the case due 27.2");
    cr_assert_eq (s_events ("intake.contact_due", end), 0, "the month-end case reminded a day early");
    s_move_to ("2027-02-28");
    cr_assert_eq (s_wait_events ("intake.contact_due", end, 1), 1, "no contact_due for 31.8 + 6 months on 28.2");
    const char *values [] = { end };
    PGresult *result = PQexecParams (kpt_admin (),
        "SELECT due_on::text FROM intake.contact_reminders WHERE case_id = $1", 1, NULL, values, NULL, NULL, 0);
    cr_assert_eq (PQntuples (result), 1);
    cr_assert_str_eq (PQgetvalue (result, 0, 0), "2027-02-28");
    PQclear (result);
    s_move_to ("2027-03-01");
    cr_assert_eq (s_wait_events ("intake.contact_due", after, 1), 1, "no contact_due for the case due 1.3");
    cr_assert_eq (s_events ("intake.contact_due", end), 1, "the month-end case reminded twice");

    //  Five months: 31.8. + 5 is 31.1., not reminded yet; the later case
    //  (opened 2.9., no contact) is due 2.2.
    cr_assert_eq (kpt_service_stop ("intake"), 0);
    s_intake_on ("2027-03-02", "KUMPPANI_CONTACT_DUE_MONTHS=5");
    cr_assert_eq (s_wait_events ("intake.contact_due", end, 2), 2, "no contact_due for the due day of five months");
    cr_assert_eq (s_wait_events ("intake.contact_due", later, 1), 1);
    //  Six again: the earlier cases' due days are reminded; the later case
    //  is due today.
    cr_assert_eq (kpt_service_stop ("intake"), 0);
    s_intake_on ("2027-03-02", "KUMPPANI_CONTACT_DUE_MONTHS=6");
    cr_assert_eq (s_wait_events ("intake.contact_due", later, 2), 2, "no contact_due for the case due 2.3");
    for (size_t index = 0; index < 3; index++)
        cr_assert_eq (s_events ("intake.contact_due", earlier [index]), 2, "case %zu: a due day reminded again",
                      index);
}

//  Opened by the client's own contact on Mon 21.12.2026: Christmas Eve,
//  Christmas, Boxing Day, New Year's Day and Epiphany are not working
//  days, so the 7th working day is Mon 4.1.2027 and the breach comes on
//  Tue 5.1, the 8th. A second case opened on 22.12 is due on 5.1 and
//  breaches on 7.1: that marks the tick that shows the first is not
//  breached twice.
Test (caseload, own_contact_case_breaches_on_the_8th_working_day_over_christmas)
{
    s_start ("2026-12-21");
    char first [KP_ID_LEN + 1], second [KP_ID_LEN + 1];
    s_new_case ("sw-clock", CHANNEL (OWN_CONTACT), first, NULL);
    Kumppani__V1__Reply *reply = s_get_case (first);
    cr_assert_str_eq (reply->intake_case->assessment_clock->pending_on, "2026-12-21");
    cr_assert_str_eq (reply->intake_case->assessment_clock->deadline, "2027-01-04");
    cr_assert_str_eq (reply->intake_case->assessment_clock->warning_on, "2026-12-31");
    cr_assert_eq (reply->intake_case->assessment_clock->working_days, 7);
    cr_assert_eq (reply->intake_case->assessment_clock->state, CLOCK (RUNNING));
    kumppani__v1__reply__free_unpacked (reply, NULL);
    s_move_to ("2026-12-22");
    s_new_case ("sw-clock", CHANNEL (OWN_CONTACT), second, NULL);

    //  The 7th working day: warned, not breached.
    s_move_to ("2027-01-04");
    cr_assert_eq (s_wait_events ("intake.assessment_deadline_warning", first, 1), 1, "no warning");
    cr_assert_eq (s_events ("intake.assessment_deadline_breached", first), 0, "breached on the 7th working day");
    //  The 8th: breached, once.
    s_move_to ("2027-01-05");
    cr_assert_eq (s_wait_events ("intake.assessment_deadline_breached", first, 1), 1, "no breach on the 8th");
    cr_assert_eq (s_wait_events ("intake.assessment_deadline_warning", second, 1), 1);
    cr_assert_eq (s_events ("intake.assessment_deadline_breached", second), 0);
    s_move_to ("2027-01-07");
    cr_assert_eq (s_wait_events ("intake.assessment_deadline_breached", second, 1), 1);
    cr_assert_eq (s_events ("intake.assessment_deadline_breached", first), 1, "breached twice");
    cr_assert_eq (s_events ("intake.assessment_deadline_warning", first), 1, "warned twice");
    reply = s_get_case (first);
    cr_assert_eq (reply->intake_case->assessment_clock->state, CLOCK (OVERDUE));
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

//  KUMPPANI_ASSESSMENT_DAYS=10: a client of 80, one with the highest care
//  allowance and an urgent matter are still by the 7th (or next) day.
Test (caseload, the_day_counts_come_from_configuration)
{
    kpt_service_start ("stream", NULL);
    s_intake_on ("2026-03-02", "KUMPPANI_ASSESSMENT_DAYS=10");
    char young [KP_ID_LEN + 1], old [KP_ID_LEN + 1];
    s_new_client ("1990-05-05", young);
    s_new_client ("1946-01-01", old);
    struct { const char *client; bool urgent, care; int days; const char *priority; const char *deadline; } cases [] = {
        { young, false, false, 10, "", "2026-03-16" },
        { old, false, false, 7, "over_75", "2026-03-11" },
        { young, false, true, 7, "highest_care_allowance", "2026-03-11" },
        { young, true, false, 1, "", "2026-03-03" },
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases [0]; index++) {
        Kumppani__V1__Reply *reply = s_open (cases [index].client, "sw-days", CHANNEL (OUTREACH),
                                             cases [index].urgent, cases [index].care);
        Kumppani__V1__AssessmentClock *clock = reply->intake_case->assessment_clock;
        cr_assert_not_null (clock);
        cr_assert_eq (clock->working_days, cases [index].days, "case %zu: %d days", index, clock->working_days);
        cr_assert_eq (clock->priority_enum, kp_enum_value (&kumppani__v1__clock_priority__descriptor,
                                                           cases [index].priority), "case %zu", index);
        cr_assert_eq (clock->priority_enum != 0, *cases [index].priority != '\0', "case %zu", index);
        cr_assert_str_eq (clock->deadline, cases [index].deadline);
        kumppani__v1__reply__free_unpacked (reply, NULL);
    }
}

Test (caseload, bad_input_is_invalid_with_its_field_and_changes_nothing)
{
    s_start ("2026-04-15");
    char case_id [KP_ID_LEN + 1];
    s_new_case ("sw-bad", CHANNEL (OWN_CONTACT), case_id, NULL);
    Kumppani__V1__Reply *reply = s_contact (case_id, KUMPPANI__V1__CONTACT_KIND__CONTACT_KIND_PHONE, "2026-04-16");
    s_expect (reply, STATUS (INVALID), "intake.contact_date", "record_contact.contact_date");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_contact (case_id, KUMPPANI__V1__CONTACT_KIND__CONTACT_KIND_PHONE, "2026-04-14");
    s_expect (reply, STATUS (INVALID), "intake.contact_date", "record_contact.contact_date");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_contact (case_id, 0, "2026-04-15");
    s_expect (reply, STATUS (INVALID), "intake.contact_kind", "record_contact.kind");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    static char *names [] = { "Matti Meikäläinen" };
    Kumppani__V1__RecordContact named = KUMPPANI__V1__RECORD_CONTACT__INIT;
    named.case_id = case_id;
    named.kind = KUMPPANI__V1__CONTACT_KIND__CONTACT_KIND_MEETING;
    named.contact_date = "2026-04-15";
    named.participants = names;
    named.n_participants = 1;
    reply = s_intake (BODY (RECORD_CONTACT), &named, true);
    s_expect (reply, STATUS (INVALID), "intake.participants", "record_contact.participants[0]");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM intake.contacts WHERE case_id = $1", case_id), 0);
    cr_assert_eq (s_events ("intake.contact_recorded", case_id), 0);
    //  Today is fine, with participants or without.
    s_ok (s_contact (case_id, KUMPPANI__V1__CONTACT_KIND__CONTACT_KIND_PHONE, "2026-04-15"));
    named.n_participants = 0;
    s_ok (s_intake (BODY (RECORD_CONTACT), &named, true));
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM intake.contacts WHERE case_id = $1", case_id), 2);

    Kumppani__V1__ListCases list = KUMPPANI__V1__LIST_CASES__INIT;
    list.responsible_worker = "sw-nobody-ever";
    reply = s_list_as ("muni-743", &list);
    s_expect (reply, STATUS (INVALID), "intake.unknown_worker", "list_cases.responsible_worker");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    list.responsible_worker = "";
    list.state = "sleeping";
    reply = s_list_as ("muni-743", &list);
    s_expect (reply, STATUS (INVALID), "intake.bad_filter", "list_cases.state");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    list.state = "";
    list.due_before = "31.12.2026";
    reply = s_list_as ("muni-743", &list);
    s_expect (reply, STATUS (INVALID), "intake.bad_date", "list_cases.due_before");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    list.due_before = "";
    list.cursor = "not-a-cursor";
    reply = s_list_as ("muni-743", &list);
    s_expect (reply, STATUS (INVALID), "intake.bad_cursor", "list_cases.cursor");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    list.cursor = "";
    list.page_size = 101;
    reply = s_list_as ("muni-743", &list);
    s_expect (reply, STATUS (INVALID), "intake.bad_filter", "list_cases.page_size");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  A role that does not work cases.
    list.page_size = 0;
    reply = s_call ("intake", "muni-743", ROLE (COORDINATOR), BODY (LIST_CASES), &list, false);
    s_expect (reply, STATUS (FORBIDDEN), "intake.forbidden", NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    Kumppani__V1__FindCase find = KUMPPANI__V1__FIND_CASE__INIT;
    find.referral_id = "nope";
    reply = s_intake (BODY (FIND_CASE), &find, false);
    s_expect (reply, STATUS (INVALID), "intake.referral_id", "find_case.referral_id");
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

static Kumppani__V1__Reply *
s_workload (const char *org, Kumppani__V1__Role role, const char *municipality)
{
    Kumppani__V1__RunReport body = KUMPPANI__V1__RUN_REPORT__INIT;
    body.report = "workload";
    body.period_start = "2025-03-01";
    body.period_end = "2025-03-31";
    body.municipality = (char *) municipality;
    body.threshold = 3;
    return s_call ("reporting", org, role, BODY (RUN_REPORT), &body, false);
}

//  The row whose first cells are dimension, municipality and worker; NULL if none.
static Kumppani__V1__ReportRow *
s_report_row (Kumppani__V1__ReportTable *table, const char *dimension, const char *worker)
{
    for (size_t row = 0; row < table->n_rows; row++) {
        Kumppani__V1__ReportCell **cells = table->rows [row]->cells;
        if (strcmp (cells [0]->value, dimension) == 0 && strcmp (cells [1]->value, "743") == 0
        &&  strcmp (cells [2]->value, worker) == 0 && strcmp (cells [3]->value, "2025-03") == 0)
            return table->rows [row];
    }
    return NULL;
}

//  Six cases opened in March 2025 (the only ones in that month: the test
//  clock put them there), four for W1 and two for W2, five meetings and a
//  phone call.
Test (caseload, workload_report_per_organisation_and_per_worker_for_its_own_coordinator)
{
    kpt_service_start ("stream", NULL);
    kpt_service_start ("reporting", NULL);
    s_intake_on ("2025-03-03", NULL);
    char w1 [32], w2 [32], cases [6][KP_ID_LEN + 1];
    snprintf (w1, sizeof w1, "sw-load-a-%d", (int) getpid ());
    snprintf (w2, sizeof w2, "sw-load-b-%d", (int) getpid ());
    for (int index = 0; index < 6; index++)
        s_new_case (index < 4 ? w1 : w2, CHANNEL (OWN_CONTACT), cases [index], NULL);
    for (int index = 0; index < 5; index++)
        s_ok (s_contact (cases [index], KUMPPANI__V1__CONTACT_KIND__CONTACT_KIND_MEETING, "2025-03-03"));
    s_ok (s_contact (cases [5], KUMPPANI__V1__CONTACT_KIND__CONTACT_KIND_PHONE, "2025-03-03"));

    //  A social worker: the organisation's month, no worker rows.
    Kumppani__V1__Reply *reply = s_workload ("muni-743", ROLE (SOCIAL_WORKER), "");
    s_expect (reply, STATUS (OK), NULL, NULL);
    Kumppani__V1__ReportTable *table = reply->report_table;
    cr_assert_str_eq (table->columns [4], "open_cases");
    Kumppani__V1__ReportRow *row = s_report_row (table, "organisation", "all");
    cr_assert_not_null (row, "no row for 743 in March 2025");
    cr_assert_str_eq (row->cells [4]->value, "6");      //  open at the month's end
    cr_assert_str_eq (row->cells [5]->value, "6");      //  opened
    cr_assert (row->cells [6]->suppressed, "closed: a published zero tells too");
    cr_assert_str_eq (row->cells [7]->value, "5");      //  meetings
    cr_assert (row->cells [8]->suppressed, "a single phone call is published");
    for (size_t index = 0; index < table->n_rows; index++)
        cr_assert_str_neq (table->rows [index]->cells [0]->value, "worker", "worker rows for a social worker");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  The organisation's own coordinator: per worker, W2's two suppressed.
    reply = s_workload ("muni-743", ROLE (COORDINATOR), "");
    s_expect (reply, STATUS (OK), NULL, NULL);
    Kumppani__V1__ReportRow *first = s_report_row (reply->report_table, "worker", w1);
    Kumppani__V1__ReportRow *second = s_report_row (reply->report_table, "worker", w2);
    cr_assert_not_null (first);
    cr_assert_not_null (second);
    cr_assert (second->cells [4]->suppressed, "two open cases of one worker published");
    cr_assert_str_empty (second->cells [4]->value);
    //  W1's 4 and the organisation's 6 would give W2's 2 away: one of them goes too.
    Kumppani__V1__ReportRow *all = s_report_row (reply->report_table, "organisation", "all");
    cr_assert (first->cells [4]->suppressed || all->cells [4]->suppressed, "W2's count recoverable");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Another organisation's coordinator: never these workers, nor this area.
    reply = s_workload ("muni-091", ROLE (COORDINATOR), "");
    s_expect (reply, STATUS (OK), NULL, NULL);
    for (size_t index = 0; index < reply->report_table->n_rows; index++) {
        Kumppani__V1__ReportCell **cells = reply->report_table->rows [index]->cells;
        cr_assert_str_neq (cells [1]->value, "743");
        cr_assert (strcmp (cells [2]->value, w1) && strcmp (cells [2]->value, w2));
    }
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_workload ("muni-091", ROLE (COORDINATOR), "743");
    s_expect (reply, STATUS (FORBIDDEN), "reporting.forbidden", NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_workload ("kela", ROLE (KELA_OFFICER), "");
    s_expect (reply, STATUS (FORBIDDEN), "reporting.forbidden", NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

//  The issue's own command line, through the real binary.
Test (caseload, cli_case_list_by_worker_and_due_day)
{
    s_start ("2026-06-01");
    char worker [32], mine [KP_ID_LEN + 1], other [KP_ID_LEN + 1];
    snprintf (worker, sizeof worker, "sw-17-%d", (int) getpid ());
    s_new_case (worker, CHANNEL (OWN_CONTACT), mine, NULL);
    s_new_case ("sw-18", CHANNEL (OWN_CONTACT), other, NULL);
    char out [16384];
    const char *args [] = { "case", "list", "--worker", worker, "--due-before", "2026-12-31",
                            "--role", "social_worker", NULL };
    cr_assert_eq (kpt_cli_run ("muni-743", out, sizeof out, args), 0, "%s", out);
    cr_assert (strstr (out, mine), "%s", out);
    cr_assert (!strstr (out, other), "%s", out);
    cr_assert (strstr (out, "\"next_due_kind\""), "%s", out);
    kpt_cli_merge_stderr = true;
    const char *unknown [] = { "case", "list", "--worker", "sw-nobody-here", "--role", "social_worker", NULL };
    cr_assert_eq (kpt_cli_run ("muni-743", out, sizeof out, unknown), 1, "%s", out);
    cr_assert (strstr (out, "intake.unknown_worker"), "%s", out);
    kpt_cli_merge_stderr = false;
}

//  An urgent notice joining a case already open (non-urgent, opened today
//  by the client's own contact) brings the assessment forward to the next
//  working day.
Test (caseload, an_urgent_referral_joining_an_open_case_shortens_its_clock)
{
    const char *fast [] = { "KUMPPANI_POLL_MS=100", NULL };
    kpt_service_start ("stream", NULL);
    kpt_service_start ("referral", fast);
    s_intake_on (NULL, NULL);
    char hetu [16];
    kpt_hetu (hetu, "030385", '-', 100 + (int) (getpid () % 800));
    Kumppani__V1__RegisterClient registration = KUMPPANI__V1__REGISTER_CLIENT__INIT;
    registration.hetu = hetu;
    Kumppani__V1__Reply *reply = s_intake (BODY (REGISTER_CLIENT), &registration, true);
    s_expect (reply, STATUS (OK), NULL, NULL);
    char client [KP_ID_LEN + 1], case_id [KP_ID_LEN + 1];
    snprintf (client, sizeof client, "%s", reply->client->client_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    reply = s_open (client, "sw-urgent", CHANNEL (OWN_CONTACT), false, false);
    snprintf (case_id, sizeof case_id, "%s", reply->intake_case->case_id);
    cr_assert_eq (reply->intake_case->assessment_clock->working_days, 7);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    Kumppani__V1__SubmitReferral notice = KUMPPANI__V1__SUBMIT_REFERRAL__INIT;
    notice.kind = KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_SOCIAL_WORK_NEED;
    notice.recipient_org = "muni-743";
    notice.recipient_type = "municipality";
    notice.municipality = "743";
    notice.hetu = hetu;
    notice.urgent = true;
    notice.reason_category = KUMPPANI__V1__REASON_CATEGORY__REASON_CATEGORY_LIFE_MANAGEMENT;
    notice.legal_basis = KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CLIENT_REQUEST;
    reply = s_call ("referral", "kela", ROLE (KELA_OFFICER), BODY (SUBMIT_REFERRAL), &notice, true);
    s_expect (reply, STATUS (OK), NULL, NULL);
    char received [11];
    snprintf (received, sizeof received, "%s", reply->referral->referral->received_on);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (s_wait_events ("intake.referral_linked", case_id, 1), 1, "the notice did not join the open case");

    reply = s_get_case (case_id);
    Kumppani__V1__AssessmentClock *clock = reply->intake_case->assessment_clock;
    kp_date_t day;
    cr_assert_eq (kp_date_parse (received, &day), 0);
    char expected [11];
    kp_date_format (kp_calendar_add_working_days (day, 1), expected);
    cr_assert (clock->urgent);
    cr_assert_eq (clock->working_days, 1);
    cr_assert_str_eq (clock->deadline, expected);
    cr_assert_eq (reply->intake_case->n_referral_ids, 1);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}
