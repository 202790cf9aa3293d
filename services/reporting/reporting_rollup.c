/*  reporting_rollup — folds one referral.* or groups.* event into the
    rollup tables (either copy). The stream consumer calls it for the live
    copy, in the transaction that moves its cursor, so each event counts
    exactly once; the rebuild calls it for every stored event again. An
    event that breaks the groups contract is poison: refused before any
    SQL, the same way in both, so live and rebuilt stay comparable. */
#include "reporting_fold.h"
#include "reporting_rollup.h"
#include "kp_calendar.h"
#include "kp_check.h"
#include "kp_db.h"
#include "kp_enum.h"
#include "kp_organiser.h"
#include "kp_server.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define ROLLUP_TEXT_MAX 64

static int
s_poison (const Kumppani__V1__Event *event, const char *why, char *error, size_t error_size)
{
    snprintf (error, error_size, "%s: %s", event->topic, why);
    return -2;
}

// ---------------------------------------------------------------------
// referral.*: notices to a municipality's social services for their
// statutory clocks; every referral for the partner SLA. Written at once
// (the handler, the rebuild) or collected for a batch's set-based
// statements (reporting_fold), by the same code, so both fold alike.

typedef struct {
    kp_db_t *db;                    //  at once, or
    reporting_fold_t *fold;         //  collected
} s_sink_t;

static int
s_run (s_sink_t *sink, const char *statement, int nparams, const char *const *values)
{
    return sink->fold ? reporting_fold_add (sink->fold, statement, nparams, values)
                      : kp_db_run (sink->db, statement, nparams, values);
}

//  The partner SLA's rollup of every referral (reporting_partner_sla):
//  received, the first acceptance or decline, the outcome.
static int
s_response (s_sink_t *sink, const char *copy, const Kumppani__V1__Event *event, const char *kind,
            const char *state, const char *occurred)
{
    const Kumppani__V1__ReferralEvent *referral = event->referral;
    if (strcmp (event->topic, "referral.received") == 0) {
        //  Unlike a notice to a municipality, a partner's referral may
        //  lack what only a statutory clock needs; the keys must be there.
        if (strlen (referral->recipient_type) > ROLLUP_TEXT_MAX || strlen (referral->municipality) > ROLLUP_TEXT_MAX
        ||  strlen (referral->sender_org) > ROLLUP_TEXT_MAX)
            return 0;
        const char *values [] = {
            copy, referral->referral_id, kind, referral->recipient_type, referral->municipality,
            referral->sender_org, occurred
        };
        return s_run (sink, "rollup_response_received", 7, values);
    }
    bool outcome = strcmp (event->topic, "referral.outcome_recorded") == 0;
    const char *values [] = { copy, referral->referral_id, state, occurred, outcome ? "true" : "false" };
    return s_run (sink, "rollup_response_moved", 5, values);
}

static int
s_referral (s_sink_t *sink, const char *copy, const Kumppani__V1__Event *event, char *error, size_t error_size)
{
    const Kumppani__V1__ReferralEvent *referral = event->referral;
    if (event->payload_case != KUMPPANI__V1__EVENT__PAYLOAD_REFERRAL || !referral
    ||  !*referral->referral_id || strlen (referral->referral_id) > ROLLUP_TEXT_MAX)
        return s_poison (event, "no referral payload", error, error_size);
    kp_date_t deadline;
    if (*referral->deadline && kp_date_parse (referral->deadline, &deadline))
        return s_poison (event, "deadline is not a date", error, error_size);
    char occurred [24], kind_code [KP_ENUM_CODE_MAX], previous_code [KP_ENUM_CODE_MAX];
    char state_code [KP_ENUM_CODE_MAX];
    snprintf (occurred, sizeof occurred, "%" PRId64, event->occurred_at);
    //  As the database stores them; NULL for UNSPECIFIED (a submission's
    //  previous state) or a value this build does not know.
    const char *kind = kp_enum_code (&kumppani__v1__referral_kind__descriptor, (int) referral->kind,
                                     kind_code, sizeof kind_code);
    const char *previous = kp_enum_code (&kumppani__v1__referral_state__descriptor,
                                         (int) referral->previous_state, previous_code, sizeof previous_code);
    const char *state = kp_enum_code (&kumppani__v1__referral_state__descriptor, (int) referral->state,
                                      state_code, sizeof state_code);
    //  The partner SLA's row is written only once the event is known not
    //  to be poison, so a parked event leaves nothing behind.
    if (strcmp (event->topic, "referral.received") == 0) {
        if (!kp_org_type_in (referral->recipient_type, KP_ORGANISER_TYPES))
            return s_response (sink, copy, event, kind, state, occurred);     //  no statutory clock here
        if (!*referral->municipality || strlen (referral->municipality) > ROLLUP_TEXT_MAX
        ||  strlen (referral->sender_org) > ROLLUP_TEXT_MAX)
            return s_poison (event, "no municipality", error, error_size);
        if (s_response (sink, copy, event, kind, state, occurred))
            return -1;
        const char *values [] = {
            copy, referral->referral_id, referral->municipality, kind, referral->sender_org,
            occurred, referral->deadline
        };
        return s_run (sink, "rollup_notice_received", 7, values);
    }
    //  A child's news told again to the chain's first sender: counted once, as the child's.
    if (strcmp (event->topic, "referral.chain_updated") == 0)
        return 0;
    bool held = strcmp (event->topic, "referral.held") == 0;
    if (held || referral->held_working_days > 0) {
        char days [16];
        snprintf (days, sizeof days, "%u", referral->held_working_days);
        const char *hold [] = { copy, referral->referral_id, held ? "true" : "false", days, referral->deadline };
        if (s_run (sink, "rollup_notice_held", 5, hold))
            return -1;
    }
    if (s_response (sink, copy, event, kind, state, occurred))
        return -1;
    bool breach = strcmp (event->topic, "referral.deadline_breached") == 0;
    const char *values [] = {
        copy, referral->referral_id, previous, state, occurred, referral->deadline, breach ? "true" : "false"
    };
    return s_run (sink, "rollup_notice_moved", 7, values);
}

// ---------------------------------------------------------------------
// groups.*: the contract in proto/kumppani/v1/groups.proto.

static const char *const s_activity_kinds [] = {
    "talousneuvola", "peer_support", "nature_based", "upcycling", "developer_clients",
    "discussion_cafe", "meeting_place", "group_rehabilitative_work", "exercise", "other", NULL
};

bool
reporting_rollup_is_activity_kind (const char *kind)
{
    for (int index = 0; s_activity_kinds [index]; index++)
        if (strcmp (s_activity_kinds [index], kind) == 0)
            return true;
    return false;
}

static bool
s_is_id (const char *text)
{
    return *text && strlen (text) <= ROLLUP_TEXT_MAX;
}

//  What every groups event naming an activity must carry.
static const char *
s_activity_fault (const Kumppani__V1__GroupsEvent *groups)
{
    if (!s_is_id (groups->activity_id))
        return "no activity_id";
    if (!reporting_rollup_is_activity_kind (groups->activity_kind))
        return "activity_kind is not one of the contract's";
    if (!s_is_id (groups->municipality) || !s_is_id (groups->organiser_org))
        return "no municipality or organiser_org";
    return NULL;
}

static const char *
s_session_fault (const Kumppani__V1__GroupsEvent *groups)
{
    kp_date_t date;
    const char *fault = s_activity_fault (groups);
    if (fault)
        return fault;
    if (!s_is_id (groups->session_id))
        return "no session_id";
    if (kp_date_parse (groups->session_date, &date))
        return "session_date is not a date";
    return NULL;
}

static int
s_activity_seen (kp_db_t *db, const char *copy, const Kumppani__V1__GroupsEvent *groups, const char *statement)
{
    const char *values [] = {
        copy, groups->activity_id, groups->activity_kind, groups->municipality, groups->organiser_org
    };
    return kp_db_run (db, statement, 5, values);
}

static int
s_session (kp_db_t *db, const char *copy, const Kumppani__V1__GroupsEvent *groups, const char *statement)
{
    const char *values [] = { copy, groups->session_id, groups->activity_id, groups->session_date };
    return s_activity_seen (db, copy, groups, "rollup_activity_seen")
        || kp_db_run (db, statement, 4, values);
}

static int
s_attendance (kp_db_t *db, const char *copy, const Kumppani__V1__GroupsEvent *groups)
{
    char minutes [16], cents [24];
    snprintf (minutes, sizeof minutes, "%u", groups->minutes);
    snprintf (cents, sizeof cents, "%" PRId64, groups->compensation_cents);
    const char *values [] = {
        copy, groups->session_id, groups->activity_id, groups->session_date, groups->attendance, minutes, cents
    };
    return s_activity_seen (db, copy, groups, "rollup_activity_seen")
        || kp_db_run (db, "rollup_session_attendance", 7, values);
}

static int
s_headcount (kp_db_t *db, const char *copy, const Kumppani__V1__GroupsEvent *groups)
{
    char headcount [16], follow_ups [16];
    snprintf (headcount, sizeof headcount, "%u", groups->headcount);
    snprintf (follow_ups, sizeof follow_ups, "%u", groups->follow_ups);
    const char *values [] = {
        copy, groups->session_id, groups->activity_id, groups->session_date, headcount, follow_ups
    };
    if (s_activity_seen (db, copy, groups, "rollup_activity_seen")
    ||  kp_db_run (db, "rollup_session_headcount", 6, values))
        return -1;
    for (size_t index = 0; index < groups->n_topic_tallies; index++) {
        char count [16];
        snprintf (count, sizeof count, "%u", groups->topic_tallies [index]->count);
        const char *topic [] = { copy, groups->session_id, groups->topic_tallies [index]->topic, count };
        if (kp_db_run (db, "rollup_session_topic", 4, topic))
            return -1;
    }
    return 0;
}

static int
s_staffing (kp_db_t *db, const char *copy, const Kumppani__V1__GroupsEvent *groups)
{
    char count [16];
    snprintf (count, sizeof count, "%u", groups->staff_count);
    const char *values [] = { copy, groups->session_id, groups->staff_org_type, count };
    return s_session (db, copy, groups, "rollup_session_dated")
        || kp_db_run (db, "rollup_session_staffing", 4, values);
}

static int
s_placement_day (kp_db_t *db, const char *copy, const Kumppani__V1__GroupsEvent *groups)
{
    char minutes [16], cents [24];
    snprintf (minutes, sizeof minutes, "%u", groups->minutes);
    snprintf (cents, sizeof cents, "%" PRId64, groups->compensation_cents);
    const char *values [] = {
        copy, groups->municipality, groups->organiser_org, groups->session_date, minutes, cents
    };
    return kp_db_run (db, "rollup_placement_day", 6, values);
}

//  A placement started (its agreement) or ended (step: the reason).
static int
s_placement_flow (kp_db_t *db, const char *copy, const Kumppani__V1__GroupsEvent *groups, const char *flow)
{
    const char *values [] = { copy, groups->municipality, groups->organiser_org, groups->session_date, flow };
    return kp_db_run (db, "rollup_placement_flow", 5, values);
}

//  An anonymous feedback form: one row per item, its score added.
static int
s_feedback (kp_db_t *db, const char *copy, const Kumppani__V1__GroupsEvent *groups)
{
    for (size_t index = 0; index < groups->n_topic_tallies; index++) {
        char score [16];
        snprintf (score, sizeof score, "%u", groups->topic_tallies [index]->count);
        const char *values [] = {
            copy, groups->municipality, groups->activity_kind, groups->session_date,
            groups->topic_tallies [index]->topic, score
        };
        if (kp_db_run (db, "rollup_group_feedback", 6, values))
            return -1;
    }
    return 0;
}

//  The feedback form's four items, each once with a 1-5 score.
static const char *
s_feedback_fault (const Kumppani__V1__GroupsEvent *groups)
{
    static const char *const items [] = { "overall", "social", "variety", "usefulness" };
    kp_date_t date;
    if (!s_is_id (groups->municipality) || !kp_check_code (groups->activity_kind, ROLLUP_TEXT_MAX))
        return "no municipality or activity_kind";
    if (kp_date_parse (groups->session_date, &date))
        return "session_date is not a date";
    if (groups->n_topic_tallies != 4)
        return "a feedback form has four items";
    for (size_t index = 0; index < 4; index++) {
        const Kumppani__V1__TopicTally *tally = groups->topic_tallies [index];
        if (!tally || strcmp (tally->topic, items [index]) != 0 || tally->count < 1 || tally->count > 5)
            return "feedback items are overall, social, variety, usefulness, each 1-5";
    }
    return NULL;
}

//  Checks the event's fields for its topic: NULL when it keeps the contract.
static const char *
s_groups_fault (const char *topic, const Kumppani__V1__GroupsEvent *groups)
{
    kp_date_t date;
    if (strcmp (topic, "groups.activity_created") == 0 || strcmp (topic, "groups.activity_changed") == 0)
        return s_activity_fault (groups);
    if (strcmp (topic, "groups.attendance_recorded") == 0) {
        const char *fault = s_session_fault (groups);
        if (fault)
            return fault;
        if (strcmp (groups->attendance, "present") && strcmp (groups->attendance, "absent")
        &&  strcmp (groups->attendance, "excused"))
            return "attendance is not present, absent or excused";
        return groups->compensation_cents < 0 ? "negative compensation" : NULL;
    }
    if (strcmp (topic, "groups.headcount_recorded") == 0) {
        const char *fault = s_session_fault (groups);
        for (size_t index = 0; !fault && index < groups->n_topic_tallies; index++)
            if (!kp_check_code (groups->topic_tallies [index]->topic, ROLLUP_TEXT_MAX))
                fault = "a topic is not a code";
        return fault;
    }
    if (strcmp (topic, "groups.staffing_recorded") == 0) {
        const char *fault = s_session_fault (groups);
        return fault ? fault
             : kp_check_code (groups->staff_org_type, ROLLUP_TEXT_MAX) ? NULL : "staff_org_type is not a code";
    }
    if (strncmp (topic, "groups.session_", 15) == 0)
        return s_session_fault (groups);
    if (strcmp (topic, "groups.feedback_recorded") == 0)
        return s_feedback_fault (groups);
    if (strcmp (topic, "groups.agreement_recorded") == 0 || strcmp (topic, "groups.placement_ended") == 0) {
        if (!s_is_id (groups->municipality) || !s_is_id (groups->organiser_org))
            return "no municipality or organiser_org";
        if (kp_date_parse (groups->session_date, &date))
            return "session_date is not a date";
        if (strcmp (topic, "groups.agreement_recorded") == 0)
            return NULL;
        //  The reasons EndPlacement takes (groups_placement.h), the flows
        //  reporting.placement_flow holds.
        static const char *const reasons [] = {
            "completed", "illness", "moved_to_work", "moved_to_education", "client_decision", "no_shows", "other",
            NULL
        };
        for (int index = 0; reasons [index]; index++)
            if (strcmp (groups->step, reasons [index]) == 0)
                return NULL;
        return "step is not a reason for ending a placement";
    }
    if (strcmp (topic, "groups.placement_day_recorded") == 0) {
        if (!s_is_id (groups->municipality) || !s_is_id (groups->organiser_org))
            return "no municipality or organiser_org";
        if (kp_date_parse (groups->session_date, &date))
            return "session_date is not a date";
        return groups->compensation_cents < 0 ? "negative compensation" : NULL;
    }
    return NULL;
}

static int
s_groups (kp_db_t *db, const char *copy, const Kumppani__V1__Event *event, char *error, size_t error_size)
{
    const Kumppani__V1__GroupsEvent *groups = event->groups;
    if (event->payload_case != KUMPPANI__V1__EVENT__PAYLOAD_GROUPS || !groups)
        return s_poison (event, "no groups payload", error, error_size);
    const char *fault = s_groups_fault (event->topic, groups);
    if (fault)
        return s_poison (event, fault, error, error_size);
    const char *topic = event->topic;
    if (strcmp (topic, "groups.activity_created") == 0 || strcmp (topic, "groups.activity_changed") == 0)
        return s_activity_seen (db, copy, groups, "rollup_activity_set");
    if (strcmp (topic, "groups.session_scheduled") == 0 || strcmp (topic, "groups.session_moved") == 0)
        return s_session (db, copy, groups, "rollup_session_dated");
    if (strcmp (topic, "groups.session_cancelled") == 0)
        return s_session (db, copy, groups, "rollup_session_cancelled");
    if (strcmp (topic, "groups.attendance_recorded") == 0)
        return s_attendance (db, copy, groups);
    if (strcmp (topic, "groups.headcount_recorded") == 0)
        return s_headcount (db, copy, groups);
    if (strcmp (topic, "groups.staffing_recorded") == 0)
        return s_staffing (db, copy, groups);
    if (strcmp (topic, "groups.placement_day_recorded") == 0)
        return s_placement_day (db, copy, groups);
    if (strcmp (topic, "groups.feedback_recorded") == 0)
        return s_feedback (db, copy, groups);
    if (strcmp (topic, "groups.agreement_recorded") == 0)
        return s_placement_flow (db, copy, groups, "started");
    if (strcmp (topic, "groups.placement_ended") == 0)
        return s_placement_flow (db, copy, groups, groups->step);
    return 0;       //  enrolment, placements, absences, evaluations: no rollup counts them
}

int
reporting_rollup_fold (kp_db_t *db, const char *copy, const Kumppani__V1__Event *event,
                       char *error, size_t error_size)
{
    if (strncmp (event->topic, "referral.", 9) == 0) {
        s_sink_t sink = { db, NULL };
        return s_referral (&sink, copy, event, error, error_size);
    }
    if (strncmp (event->topic, "groups.", 7) == 0)
        return s_groups (db, copy, event, error, error_size);
    return 0;
}

int
reporting_rollup_on_event (kp_db_t *db, const Kumppani__V1__Event *event, void *arg,
                           char *error, size_t error_size)
{
    (void) arg;
    return reporting_rollup_fold (db, REPORTING_ROLLUP_LIVE, event, error, error_size);
}

int
reporting_rollup_collect (reporting_fold_t *fold, const Kumppani__V1__Event *event)
{
    char error [256];
    s_sink_t sink = { NULL, fold };
    if (strncmp (event->topic, "referral.", 9) != 0)
        return 0;
    //  The copy is the collector's: every row it runs gets that one.
    if (event->payload_case == KUMPPANI__V1__EVENT__PAYLOAD_REFERRAL && event->referral)
        reporting_fold_begin (fold, event->referral->referral_id);
    return s_referral (&sink, "", event, error, sizeof error);
}
