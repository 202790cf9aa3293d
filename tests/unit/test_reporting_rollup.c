/*  reporting_rollup: events that break the groups contract (or carry no
    payload) are poison, refused with the reason before any SQL, so the
    consumer parks them and the rebuild passes them over alike; topics no
    rollup counts are done without touching the database. The database
    side is the integration suites' (test_reporting_tasos). The module is
    compiled in here: unit tests link only libkp. The set-based fold's
    collector (reporting_fold) too: which rows go into which round, and
    how its arrays quote what they carry. */
#include "../../services/reporting/reporting_rollup.c"
#include "../../services/reporting/reporting_fold.c"

#include <criterion/criterion.h>

TestSuite (reporting_rollup);

//  A headcount event that keeps the contract; each case breaks one thing.
static Kumppani__V1__GroupsEvent
s_valid (void)
{
    Kumppani__V1__GroupsEvent groups = KUMPPANI__V1__GROUPS_EVENT__INIT;
    groups.activity_id = "a1";
    groups.activity_kind = "talousneuvola";
    groups.session_id = "s1";
    groups.municipality = "743";
    groups.organiser_org = "ngo-743";
    groups.session_date = "2021-03-04";
    groups.attendance = "present";
    groups.staff_org_type = "debt_counselling";
    return groups;
}

static int
s_fold (const char *topic, Kumppani__V1__GroupsEvent *groups, char *error, size_t size)
{
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.topic = (char *) topic;
    event.payload_case = groups ? KUMPPANI__V1__EVENT__PAYLOAD_GROUPS : KUMPPANI__V1__EVENT__PAYLOAD__NOT_SET;
    event.groups = groups;
    //  No database: a poison event must be refused before any statement.
    return reporting_rollup_fold (NULL, REPORTING_ROLLUP_LIVE, &event, error, size);
}

static Kumppani__V1__TopicTally s_bad_tally = { PROTOBUF_C_MESSAGE_INIT (&kumppani__v1__topic_tally__descriptor),
                                                "Debt; DROP", 3 };
static Kumppani__V1__TopicTally *s_bad_tallies [] = { &s_bad_tally };

static void no_activity (Kumppani__V1__GroupsEvent *g)   { g->activity_id = ""; }
static void bad_kind (Kumppani__V1__GroupsEvent *g)      { g->activity_kind = "karaoke"; }
static void no_municipality (Kumppani__V1__GroupsEvent *g) { g->municipality = ""; }
static void no_session (Kumppani__V1__GroupsEvent *g)    { g->session_id = ""; }
static void bad_date (Kumppani__V1__GroupsEvent *g)      { g->session_date = "2021-02-30"; }
static void bad_attendance (Kumppani__V1__GroupsEvent *g) { g->attendance = "maybe"; }
static void negative_cents (Kumppani__V1__GroupsEvent *g) { g->compensation_cents = -900; }
static void bad_topic (Kumppani__V1__GroupsEvent *g)     { g->topic_tallies = s_bad_tallies; g->n_topic_tallies = 1; }
static void bad_staff (Kumppani__V1__GroupsEvent *g)     { g->staff_org_type = "Debt Counselling"; }
static void long_id (Kumppani__V1__GroupsEvent *g)
{
    static char id [ROLLUP_TEXT_MAX + 2];
    memset (id, 'x', ROLLUP_TEXT_MAX + 1);
    g->activity_id = id;
}

Test (reporting_rollup, contract_breaches_are_poison_before_any_sql)
{
    const struct {
        const char *topic;
        void (*breaks) (Kumppani__V1__GroupsEvent *);
        const char *reason;
    } cases [] = {
        { "groups.activity_created",       no_activity,     "no activity_id" },
        { "groups.activity_changed",       bad_kind,        "activity_kind" },
        { "groups.activity_created",       long_id,         "no activity_id" },
        { "groups.session_scheduled",      no_session,      "no session_id" },
        { "groups.session_moved",          bad_date,        "session_date" },
        { "groups.session_cancelled",      no_municipality, "municipality" },
        { "groups.attendance_recorded",    bad_attendance,  "attendance" },
        { "groups.attendance_recorded",    negative_cents,  "negative compensation" },
        { "groups.attendance_recorded",    bad_kind,        "activity_kind" },
        { "groups.headcount_recorded",     bad_topic,       "topic" },
        { "groups.headcount_recorded",     bad_date,        "session_date" },
        { "groups.staffing_recorded",      bad_staff,       "staff_org_type" },
        { "groups.placement_day_recorded", no_municipality, "municipality" },
        { "groups.placement_day_recorded", bad_date,        "session_date" },
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases [0]; index++) {
        Kumppani__V1__GroupsEvent groups = s_valid ();
        cases [index].breaks (&groups);
        char error [256] = "";
        cr_assert_eq (s_fold (cases [index].topic, &groups, error, sizeof error), -2,
                      "case %zu (%s) was not refused", index, cases [index].topic);
        cr_assert (strstr (error, cases [index].reason), "case %zu: \"%s\" does not say %s",
                   index, error, cases [index].reason);
        cr_assert (strstr (error, cases [index].topic), "case %zu: the error names no topic", index);
    }
}

Test (reporting_rollup, a_groups_topic_without_its_payload_is_poison)
{
    char error [256] = "";
    cr_assert_eq (s_fold ("groups.attendance_recorded", NULL, error, sizeof error), -2);
    cr_assert (strstr (error, "no groups payload"));
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.topic = "referral.received";
    cr_assert_eq (reporting_rollup_fold (NULL, REPORTING_ROLLUP_LIVE, &event, error, sizeof error), -2);
    cr_assert (strstr (error, "no referral payload"));
}

Test (reporting_rollup, what_no_rollup_counts_needs_no_database)
{
    //  Enrolment and the placement chain are not counted; other services'
    //  topics pass by. (A referral to a partner has no statutory clock but
    //  is counted since migration 0024, for the partner SLA: the
    //  integration suite test_referral_exchange has it.)
    const char *uncounted [] = {
        "groups.enrolled", "groups.waitlisted", "groups.promoted", "groups.withdrawn",
        "groups.placement_created", "groups.absence_reported", "groups.evaluation_due"
    };
    for (size_t index = 0; index < sizeof uncounted / sizeof uncounted [0]; index++) {
        Kumppani__V1__GroupsEvent groups = s_valid ();
        char error [256] = "";
        cr_assert_eq (s_fold (uncounted [index], &groups, error, sizeof error), 0, "%s", uncounted [index]);
    }
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    char error [256] = "";
    event.topic = "intake.case_opened";
    cr_assert_eq (reporting_rollup_fold (NULL, REPORTING_ROLLUP_LIVE, &event, error, sizeof error), 0);
    cr_assert (reporting_rollup_is_activity_kind ("group_rehabilitative_work"));
    cr_assert (!reporting_rollup_is_activity_kind (""));
}

//  A referral event to a municipality's social services.
static Kumppani__V1__Event
s_referral_event (Kumppani__V1__ReferralEvent *referral, const char *topic, const char *id)
{
    Kumppani__V1__ReferralEvent init = KUMPPANI__V1__REFERRAL_EVENT__INIT;
    *referral = init;
    referral->referral_id = (char *) id;
    referral->recipient_type = "municipality";
    referral->municipality = "743";
    referral->sender_org = "kela";
    referral->state = KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_RECEIVED;
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.topic = (char *) topic;
    event.occurred_at = 1700000000000000;
    event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_REFERRAL;
    event.referral = referral;
    return event;
}

Test (reporting_rollup, a_batch_puts_each_referrals_nth_event_in_round_n)
{
    //  r1 received, acknowledged, breached; r2 received: r1's three
    //  events in rounds 0, 1, 2, r2's in round 0 beside r1's first.
    Kumppani__V1__ReferralEvent payloads [4];
    Kumppani__V1__Event events [] = {
        s_referral_event (&payloads [0], "referral.received", "r1"),
        s_referral_event (&payloads [1], "referral.acknowledged", "r1"),
        s_referral_event (&payloads [2], "referral.received", "r2"),
        s_referral_event (&payloads [3], "referral.deadline_breached", "r1"),
    };
    reporting_fold_t *fold = reporting_fold_new (REPORTING_ROLLUP_LIVE);
    for (size_t index = 0; index < 4; index++)
        cr_assert_eq (reporting_rollup_collect (fold, &events [index]), 0);
    cr_assert_eq (fold->round_count, 3);
    //  Round 0: both receipts, each writing the response and the notice.
    cr_assert_eq (fold->rounds [0]->rows [0], 2);           //  rollup_response_received
    cr_assert_eq (fold->rounds [0]->rows [1], 2);           //  rollup_notice_received
    cr_assert_eq (fold->rounds [0]->rows [4], 0);
    cr_assert_str_eq (fold->rounds [0]->columns [1][0].data, "{\"r1\",\"r2\"");
    //  Rounds 1 and 2: r1 alone, its response and its notice moved.
    for (size_t round = 1; round < 3; round++) {
        cr_assert_eq (fold->rounds [round]->rows [1], 0);
        cr_assert_eq (fold->rounds [round]->rows [3], 1);   //  rollup_response_moved
        cr_assert_eq (fold->rounds [round]->rows [4], 1);   //  rollup_notice_moved
        cr_assert_str_eq (fold->rounds [round]->columns [4][0].data, "{\"r1\"");
    }
    //  The breach is in the last round, the acknowledgement's is not.
    cr_assert_str_eq (fold->rounds [1]->columns [4][5].data, "{\"false\"");
    cr_assert_str_eq (fold->rounds [2]->columns [4][5].data, "{\"true\"");
    reporting_fold_destroy (&fold);
    cr_assert_null (fold);
}

Test (reporting_rollup, a_poison_referral_is_left_out_of_the_batch)
{
    Kumppani__V1__ReferralEvent payload;
    Kumppani__V1__Event event = s_referral_event (&payload, "referral.received", "r1");
    payload.municipality = "";              //  a notice without its municipality
    reporting_fold_t *fold = reporting_fold_new (REPORTING_ROLLUP_LIVE);
    cr_assert_eq (reporting_rollup_collect (fold, &event), -2);
    Kumppani__V1__Event bare = KUMPPANI__V1__EVENT__INIT;
    bare.topic = "referral.acknowledged";
    cr_assert_eq (reporting_rollup_collect (fold, &bare), -2);
    cr_assert_eq (fold->round_count, 0, "a poison event collected rows");
    reporting_fold_destroy (&fold);
}

Test (reporting_rollup, array_elements_keep_quotes_backslashes_and_null)
{
    s_array_t array = { 0 };
    s_element (&array, "a\"b\\c");
    s_element (&array, NULL);
    s_element (&array, "");
    s_append (&array, "}", 1);
    cr_assert_str_eq (array.data, "{\"a\\\"b\\\\c\",NULL,\"\"}");
    free (array.data);
    //  A statement with no set-based twin is refused, not dropped.
    reporting_fold_t *fold = reporting_fold_new (REPORTING_ROLLUP_LIVE);
    const char *values [] = { "live", "s1", "a1", "2021-03-04" };
    cr_assert_eq (reporting_fold_add (fold, "rollup_session_dated", 4, values), -1);
    reporting_fold_destroy (&fold);
}
