/*  Outcome measurements of participants without a case (issue 22),
    through the real groups and reporting services: ngo-743 records AVAIN
    at the start and the end of its peer-support group for people intake
    does not know; the outcomes report counts their pairs as it counts a
    case measure's (kind "group"), not once their consent is withdrawn,
    and a participant linked to a client whose own pair is in the report
    gives way to it. Figures by hand from the scenario. Every refusal
    writes nothing; no other organisation learns that a record exists. */
#include "test_reporting.h"
#include "test_groups.h"

TestSuite (groups_participant_measure, .init = kpt_setup, .fini = kpt_teardown, .timeout = 180);

#define MEASURE  KUMPPANI__V1__REQUEST__BODY_RECORD_PARTICIPANT_MEASUREMENT
#define START    KUMPPANI__V1__TIMEPOINT__TIMEPOINT_START
#define END      KUMPPANI__V1__TIMEPOINT__TIMEPOINT_END

static void
s_today (int offset, char *text)
{
    kp_date_format (kp_date_today () + offset, text);
}

//  A participant of ngo-743 in 743, consented ten days ago; id into id.
static void
s_participant (const char *org, char *id)
{
    static int next;
    char reference [80], given [11];
    snprintf (reference, sizeof reference, "M-%lld-%d", (long long) zclock_usecs (), next++);
    s_today (-10, given);
    Kumppani__V1__PseudonymousParticipantFields fields = KUMPPANI__V1__PSEUDONYMOUS_PARTICIPANT_FIELDS__INIT;
    fields.reference = reference;
    fields.birth_year = 1988;
    fields.municipality = "743";
    fields.consent_given_on = given;
    fields.consent_purpose = "esf_reporting";
    Kumppani__V1__CreatePseudonymousParticipant body = KUMPPANI__V1__CREATE_PSEUDONYMOUS_PARTICIPANT__INIT;
    body.participant = &fields;
    Kumppani__V1__Reply *reply = gt_call (org, KUMPPANI__V1__REQUEST__BODY_CREATE_PSEUDONYMOUS_PARTICIPANT,
                                          &body, NULL);
    gt_expect (reply, GT_OK, NULL, NULL);
    snprintf (id, KP_ID_LEN + 1, "%s", reply->pseudonymous_participant->participant_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

//  One form: items[i] scored scores[i].
static Kumppani__V1__Reply *
s_measure_as (const char *org, const char *participant, const char *activity, const char *instrument,
              Kumppani__V1__Timepoint timepoint, const char *const *items, const int *scores, size_t count)
{
    Kumppani__V1__ItemScore score [8], *pointers [8];
    cr_assert_leq (count, 8);
    for (size_t index = 0; index < count; index++) {
        kumppani__v1__item_score__init (&score [index]);
        score [index].item_code = (char *) items [index];
        score [index].score = scores [index];
        pointers [index] = &score [index];
    }
    Kumppani__V1__RecordParticipantMeasurement body = KUMPPANI__V1__RECORD_PARTICIPANT_MEASUREMENT__INIT;
    body.participant_id = (char *) participant;
    body.activity_id = (char *) activity;
    body.instrument = (char *) instrument;
    body.timepoint = timepoint;
    body.scores = pointers;
    body.n_scores = count;
    return gt_call (org, MEASURE, &body, NULL);
}

//  AVAIN goals only, as ngo-743; expects OK.
static void
s_goals (const char *participant, const char *activity, Kumppani__V1__Timepoint timepoint, int goals)
{
    static const char *const items [] = { "goals" };
    Kumppani__V1__Reply *reply = s_measure_as ("ngo-743", participant, activity, "avain", timepoint, items,
                                               &goals, 1);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert_eq (strlen (reply->measurement->measurement_id), KP_ID_LEN);
    cr_assert_str_eq (reply->measurement->instrument, "avain");
    cr_assert_eq (reply->measurement->instrument_version, 1);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

static void
s_withdraw (const char *participant, const char *day)
{
    Kumppani__V1__WithdrawParticipantConsent body = KUMPPANI__V1__WITHDRAW_PARTICIPANT_CONSENT__INIT;
    body.participant_id = (char *) participant;
    body.withdrawn_on = (char *) day;
    gt_done (gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_WITHDRAW_PARTICIPANT_CONSENT, &body, NULL),
             GT_OK, NULL, NULL);
}

static void
s_link_client (const char *participant, const char *client)
{
    Kumppani__V1__LinkParticipantToClient body = KUMPPANI__V1__LINK_PARTICIPANT_TO_CLIENT__INIT;
    body.participant_id = (char *) participant;
    body.client_id = (char *) client;
    gt_done (gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_LINK_PARTICIPANT_TO_CLIENT, &body, NULL),
             GT_OK, NULL, NULL);
}

static long long
s_measurements (void)
{
    return kpt_scalar ("SELECT (SELECT count(*) FROM groups.participant_measurements)"
                       " + (SELECT count(*) FROM groups.participant_measurement_scores)", NULL);
}

// ---------------------------------------------------------------------
// The scenario, AVAIN goals (1-5, higher is better), all in ngo-743's
// peer-support group, linked to a project that counts group participants:
//   P1-P7  start 2, end 4 (improved, +2 each)
//   P8-P12 start 2, end 2 (not improved)
//   P13    start 2, end 5, then withdraws consent: not counted
// Report 1: group n 12, improved 7, change 14: mean 1.17, share 0.58.
// Then P1-P5 become clients C1-C5 (linked), whose cases in the project
// have their own AVAIN goals pair, 2 to 2; P6 becomes C6, with no pair.
// Report 2: case n 5 (C1-C5), improved 0, change 0; group n 7 (P6-P12:
// P1-P5 give way, P6 counts still), improved 2, change 4: mean 0.57;
// all n 12, improved 2, change 4: mean 0.33.

#define PEOPLE 13

Test (groups_participant_measure, measured_and_reported_once)
{
    static const char *fast [] = { "KUMPPANI_POLL_MS=100", NULL };
    kpt_service_start ("groups", fast);
    kpt_service_start ("stream", NULL);
    kpt_service_start ("reporting", fast);
    char from [11], to [11], today [11];
    s_today (-30, from);
    s_today (30, to);
    s_today (0, today);

    char activity [KP_ID_LEN + 1];
    snprintf (activity, sizeof activity, "%s", gt_activity ("ngo-743", "peer_support", true, 30, 0));
    char ids [PEOPLE][KP_ID_LEN + 1];
    for (int index = 0; index < PEOPLE; index++) {
        s_participant ("ngo-743", ids [index]);
        gt_done (gt_enrol ("ngo-743", activity, ids [index], "", GT_REFUSE), GT_OK, NULL, NULL);
        s_goals (ids [index], activity, START, 2);
    }
    for (int index = 0; index < PEOPLE; index++)
        s_goals (ids [index], activity, END, index < 7 ? 4 : index < 12 ? 2 : 5);
    s_withdraw (ids [12], today);
    //  What was measured stays, as the attributes do; the report stops reading it.
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM groups.participant_measurements WHERE participant_id = $1",
                              ids [12]), 2);

    //  Ids only: no event for a measurement (intake has none for a
    //  client's), and the audit names the participant and the measurement.
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.events WHERE aggregate_id IN"
                              " (SELECT measurement_id FROM groups.participant_measurements)"
                              " OR topic LIKE 'groups.%measur%'", NULL), 0);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM kp.audit_log a JOIN groups.participant_measurements m"
                              " ON m.measurement_id = a.detail AND m.participant_id = a.client_ref"
                              " WHERE a.client_ref = $1", ids [0]), 2);

    kp_client_t *ngo = kpt_client ("reporting", "ngo-743");
    char *areas [] = { "743" };
    Kumppani__V1__DefineProject define = KUMPPANI__V1__DEFINE_PROJECT__INIT;
    define.name = "peer support, measured";
    define.period_start = from;
    define.period_end = to;
    define.municipalities = areas;
    define.n_municipalities = 1;
    define.planned_participants = 20;
    define.count_group_participants = true;
    Kumppani__V1__Reply *reply = s_call (ngo, ROLE (COORDINATOR), BODY (DEFINE_PROJECT), &define);
    s_expect (reply, STATUS (OK), NULL, NULL);
    char project [KP_ID_LEN + 1];
    snprintf (project, sizeof project, "%s", reply->project->project_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    char *activities [] = { activity };
    Kumppani__V1__LinkToProject link = KUMPPANI__V1__LINK_TO_PROJECT__INIT;
    link.project_id = project;
    link.activity_ids = activities;
    link.n_activity_ids = 1;
    reply = s_call (ngo, ROLE (COORDINATOR), BODY (LINK_TO_PROJECT), &link);
    s_expect (reply, STATUS (OK), NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Report 1: twelve pairs, P13 left out (13, 8 and 17 if counted).
    reply = s_report (ngo, ROLE (COORDINATOR), "outcomes", from, to, project, NULL);
    s_expect (reply, STATUS (OK), NULL, NULL);
    const char *first [] = { "avain|goals|group|12|7|1.17|0.58", "avain|goals|all|12|7|1.17|0.58" };
    s_table_is (reply->report_table, first, 2);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  P1-P6 become intake's clients; C1-C5 are measured in their cases.
    kp_client_t *muni = kpt_client ("reporting", "muni-743");
    char cases [5][KP_ID_LEN + 1];
    char *case_ids [5];
    for (int index = 0; index < 6; index++) {
        const char *client = gt_client ("743");
        s_link_client (ids [index], client);
        if (index == 5)
            break;
        kp_id_new (cases [index]);
        case_ids [index] = cases [index];
        s_sql ("INSERT INTO intake.cases (case_id, client_id, municipality, channel, responsible_worker,"
               " opened_at, opened_by_org) VALUES ('%s', '%s', '743', 'own_contact', 'w1', now (), 'muni-743')",
               cases [index], client);
        s_measure (cases [index], NULL, "start", today, 2, 0, 0);
        s_measure (cases [index], NULL, "end", today, 2, 0, 0);
    }
    reply = s_link (muni, project, case_ids, 5);
    s_expect (reply, STATUS (OK), NULL, NULL);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  Report 2: each person once. improved 0 of the case pairs is hidden
    //  with its not-improved 5 (they give each other away), and the
    //  group's 2 with its 5 and the all row's 2 (2 + 0); the n and means
    //  stay (group 12 and all 17 had P1-P5 counted twice).
    reply = s_report (ngo, ROLE (COORDINATOR), "outcomes", from, to, project, NULL);
    s_expect (reply, STATUS (OK), NULL, NULL);
    const char *second [] = {
        "avain|goals|case|5|*|0.00|*", "avain|goals|group|7|*|0.57|*", "avain|goals|all|12|*|0.33|*"
    };
    s_table_is (reply->report_table, second, 3);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    kp_client_destroy (&muni);
    kp_client_destroy (&ngo);
}

//  Each refusal, and that none of them wrote anything.
Test (groups_participant_measure, refusals_write_nothing)
{
    static const char *fast [] = { "KUMPPANI_POLL_MS=100", NULL };
    kpt_service_start ("groups", fast);
    char activity [KP_ID_LEN + 1], other [KP_ID_LEN + 1], id [KP_ID_LEN + 1], idle [KP_ID_LEN + 1];
    char theirs [KP_ID_LEN + 1], unknown [KP_ID_LEN + 1], withdrawn [KP_ID_LEN + 1], today [11];
    s_today (0, today);
    snprintf (activity, sizeof activity, "%s", gt_activity ("ngo-743", "peer_support", true, 30, 0));
    snprintf (other, sizeof other, "%s", gt_activity ("debt-743", "peer_support", true, 30, 0));
    s_participant ("ngo-743", id);
    s_participant ("ngo-743", idle);            //  enrolled in none of ngo-743's groups
    s_participant ("ngo-743", withdrawn);
    s_participant ("debt-743", theirs);
    kp_id_new (unknown);
    gt_done (gt_enrol ("ngo-743", activity, id, "", GT_REFUSE), GT_OK, NULL, NULL);
    gt_done (gt_enrol ("ngo-743", activity, withdrawn, "", GT_REFUSE), GT_OK, NULL, NULL);
    gt_done (gt_enrol ("debt-743", other, theirs, "", GT_REFUSE), GT_OK, NULL, NULL);
    s_withdraw (withdrawn, today);
    long long before = s_measurements ();

    static const char *const goals [] = { "goals" }, *const twice [] = { "goals", "goals" },
                             *const bogus [] = { "mood" }, *const overall [] = { "overall" };
    const int two [] = { 2, 3 }, six [] = { 6 }, zero [] = { 0 }, minus [] = { -1 }, eleven [] = { 11 };
    const char *b = "record_participant_measurement.";
    struct {
        const char *participant, *activity, *instrument;
        Kumppani__V1__Timepoint timepoint;
        const char *const *items;
        const int *scores;
        size_t count;
        Kumppani__V1__Status status;
        const char *code, *field;
    } cases [] = {
        //  Malformed.
        { "short", activity, "avain", START, goals, two, 1, GT_INVALID, "groups.bad_participant_id", "participant_id" },
        { id, activity, "avain", KUMPPANI__V1__TIMEPOINT__TIMEPOINT_INTERIM, goals, two, 1, GT_INVALID,
          "groups.bad_timepoint", "timepoint" },
        { id, activity, "avain", 0, goals, two, 1, GT_INVALID, "groups.bad_timepoint", "timepoint" },
        { id, activity, "avain", 9, goals, two, 1, GT_INVALID, "groups.bad_timepoint", "timepoint" },
        { id, activity, "phq9", START, goals, two, 1, GT_INVALID, "groups.unknown_instrument", "instrument" },
        { id, activity, "AVAIN; --", START, goals, two, 1, GT_INVALID, "groups.unknown_instrument", "instrument" },
        { id, activity, "avain", START, goals, two, 0, GT_INVALID, "groups.scores", "scores" },
        { id, activity, "avain", START, bogus, two, 1, GT_INVALID, "groups.unknown_item", "scores[0]" },
        { id, activity, "avain", START, twice, two, 2, GT_INVALID, "groups.unknown_item", "scores[1]" },
        { id, activity, "kykyviisari", START, goals, two, 1, GT_INVALID, "groups.unknown_item", "scores[0]" },
        //  Out of the item's scale: AVAIN 1-5, Kykyviisari 0-10, as intake's.
        { id, activity, "avain", START, goals, six, 1, GT_INVALID, "groups.score_out_of_scale", "scores[0]" },
        { id, activity, "avain", START, goals, zero, 1, GT_INVALID, "groups.score_out_of_scale", "scores[0]" },
        { id, activity, "kykyviisari", START, overall, minus, 1, GT_INVALID, "groups.score_out_of_scale", "scores[0]" },
        { id, activity, "kykyviisari", START, overall, eleven, 1, GT_INVALID, "groups.score_out_of_scale",
          "scores[0]" },
        //  Another organisation's participant, or one nobody has: the same.
        { theirs, activity, "avain", START, goals, two, 1, GT_NOT_FOUND, "groups.participant_not_found",
          "participant_id" },
        { unknown, activity, "avain", START, goals, two, 1, GT_NOT_FOUND, "groups.participant_not_found",
          "participant_id" },
        //  Not enrolled in any of its groups; a group that is not its own.
        { idle, activity, "avain", START, goals, two, 1, GT_CONFLICT, "groups.not_enrolled", "participant_id" },
        { id, other, "avain", START, goals, two, 1, GT_NOT_FOUND, NULL, "activity_id" },
        //  No use of the answers once the consent is withdrawn.
        { withdrawn, activity, "avain", START, goals, two, 1, GT_CONFLICT, "groups.consent_withdrawn",
          "participant_id" },
        //  An end before a start.
        { id, activity, "avain", END, goals, two, 1, GT_CONFLICT, "groups.no_start_measurement", "timepoint" },
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases [0]; index++) {
        char field [96];
        snprintf (field, sizeof field, "%s%s", b, cases [index].field);
        Kumppani__V1__Reply *reply = s_measure_as ("ngo-743", cases [index].participant, cases [index].activity,
                                                   cases [index].instrument, cases [index].timepoint,
                                                   cases [index].items, cases [index].scores,
                                                   cases [index].count);
        cr_assert_eq (reply->status, cases [index].status, "case %zu: status %d", index, reply->status);
        if (cases [index].code)
            gt_expect (reply, cases [index].status, cases [index].code, field);
        else
            cr_assert_str_eq (reply->error->field, field, "case %zu", index);
        kumppani__v1__reply__free_unpacked (reply, NULL);
    }
    cr_assert_eq (s_measurements (), before, "no refusal wrote a measurement");

    //  Duplicates: one start and one end per participant, group and instrument.
    s_goals (id, activity, START, 3);
    gt_done (s_measure_as ("ngo-743", id, activity, "avain", START, goals, two, 1), GT_CONFLICT,
             "groups.measurement_recorded", "record_participant_measurement.timepoint");
    s_goals (id, activity, END, 4);
    gt_done (s_measure_as ("ngo-743", id, activity, "avain", END, goals, two, 1), GT_CONFLICT,
             "groups.measurement_recorded", "record_participant_measurement.timepoint");
    //  Another instrument is a pair of its own.
    static const char *const both [] = { "overall", "skills" };
    const int scores [] = { 0, 10 };
    gt_done (s_measure_as ("ngo-743", id, activity, "kykyviisari", START, both, scores, 2), GT_OK, NULL, NULL);
    cr_assert_eq (s_measurements (), before + 7, "3 forms, 4 scores");
    cr_assert_eq (kpt_scalar ("SELECT score FROM groups.participant_measurement_scores s"
                              " JOIN groups.participant_measurements m USING (measurement_id)"
                              " WHERE m.participant_id = $1 AND m.timepoint = 'end'", id), 4);
}
