/*  groups_followup — what follows a group: at its end each participant's
    follow-up plan (what next; the referral when it is one), recorded once
    by the activity's organisations for a client enrolled in it; and
    anonymous feedback forms, of a session or of the group, on four fixed
    1-5 scales (all in all, the group's social meaning, the variety of
    what was done, usefulness: what the SOS groups' feedback asked). A
    form carries no client and no respondent, and leaves only as
    aggregates under disclosure control (reporting's `feedback` report). */
#include "groups_activity.h"
#include "groups_event.h"
#include "groups_helpers.h"
#include "groups_placement.h"
#include "groups_rules.h"
#include "kp_calendar.h"
#include "kp_db.h"
#include "kp_disclosure.h"
#include "kp_ids.h"
#include "kp_organiser.h"
#include "kp_row.h"
#include "kp_server.h"

#include <stdio.h>
#include <string.h>

static const kp_col_t s_one_row [] = { { "one", "int4" }, { NULL } };
static const kp_col_t s_count_row [] = { { "count", "int8" }, { NULL } };
static const kp_col_t s_status_row [] = { { "status", "text" }, { NULL } };

const kp_stmt_t groups_followup_statements [] = {
    { "groups_followup_enrolment",
      "SELECT status::text AS status FROM groups.enrolments WHERE activity_id = $1::text AND client_id = $2::text", s_status_row },
    //  $1 activity, $2 client, $3 next step, $4 referral, $5 follow-up date ('' none), $6 recorded by.
    { "groups_followup_insert",
      "INSERT INTO groups.group_follow_ups (activity_id, client_id, next_step, referral_id, follow_up_date,"
      " recorded_by) VALUES ($1::text, $2::text, $3::text, $4::text, nullif ($5::text, '')::date, $6::text)"
      " ON CONFLICT DO NOTHING RETURNING 1 AS one", s_one_row },
    { "groups_followup_same",
      "SELECT count(*) FROM groups.group_follow_ups WHERE activity_id = $1::text AND client_id = $2::text"
      " AND next_step = $3::text AND referral_id = $4::text"
      " AND follow_up_date IS NOT DISTINCT FROM nullif ($5::text, '')::date", s_count_row },
    //  $1 id, $2 activity, $3 session ('' none), $4-$7 scales, $8 day, $9 recorded by.
    { "groups_feedback_insert",
      "INSERT INTO groups.feedback (feedback_id, activity_id, session_id, overall, social, variety, usefulness,"
      " recorded_on, recorded_by) VALUES ($1::text, $2::text, nullif ($3::text, ''), $4::int2, $5::int2,"
      " $6::int2, $7::int2, $8::date, $9::text)" },
    { NULL }
};

//  The client's consent to an outside organiser still holds (as for
//  attendance). 0, or -1 with the refusal.
static int
s_still_disclosed (kp_call_t *call, const groups_activity_t *activity, const char *client_id)
{
    char municipality [8];
    int known = groups_client_municipality (call->db, client_id, municipality);
    if (known < 0)
        return kp_call_db_fail (call);
    if (!known || kp_organiser_org_organises (activity->organiser_org, municipality))
        return 0;
    kp_disclosure_t disclosure = {
        .client_id = client_id, .recipient_org = activity->organiser_org, .scope = "enrolment",
        .basis = KP_DISCLOSURE_CONSENT, .consent_ref = "", .object_id = activity->id
    };
    kp_disclosure_verdict_t verdict;
    if (kp_disclosure_check (call->db, &disclosure, &verdict))
        return kp_call_db_fail (call);
    if (!verdict.refusal)
        return 0;
    kp_call_reset_reply (call);
    return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, verdict.refusal,
                         "record_group_follow_up.client_id",
                         "the client's consent to this group's organiser no longer holds");
}

int
groups_record_group_follow_up (kp_call_t *call)
{
    const Kumppani__V1__RecordGroupFollowUp *body = call->request->record_group_follow_up;
    const char *b = "record_group_follow_up";
    groups_activity_t activity;
    if (groups_activity_load (call, body->activity_id, "record_group_follow_up.activity_id", false, true, &activity))
        return -1;
    if (!kp_id_valid (body->client_id))
        return groups_invalid (call, "groups.bad_client_id", b, "client_id", "intake's client id (26 characters)");
    if (!groups_rules_word_in (body->next_step, GROUPS_NEXT_STEPS))
        return groups_invalid (call, "groups.bad_next_step", b, "next_step", GROUPS_NEXT_STEPS);
    if (*body->referral_id && !kp_id_valid (body->referral_id))
        return groups_invalid (call, "groups.bad_referral_id", b, "referral_id",
                               "\"\" or the referral's id (26 characters)");
    kp_date_t follow_up;
    if (*body->follow_up_date && kp_date_parse (body->follow_up_date, &follow_up))
        return groups_invalid (call, "groups.bad_date", b, "follow_up_date", "\"\" or YYYY-MM-DD");
    const char *key [] = { activity.id, body->client_id };
    PGresult *result = kp_db_exec (call->db, "groups_followup_enrolment", 2, key);
    if (!result)
        return kp_call_db_fail (call);
    bool enrolled = PQntuples (result) == 1 && strcmp (kp_row_text (result, 0, KP_ROW_ONLY), "enrolled") == 0;
    PQclear (result);
    if (!enrolled)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "groups.not_enrolled",
                             "record_group_follow_up.client_id", "the client is not enrolled in this activity");
    if (s_still_disclosed (call, &activity, body->client_id))
        return -1;
    Kumppani__V1__GroupFollowUpReply *reply = kp_call_alloc (call, sizeof *reply);
    kumppani__v1__group_follow_up_reply__init (reply);
    reply->activity_id = kp_call_strdup (call, activity.id);
    reply->client_id = kp_call_strdup (call, body->client_id);
    reply->next_step = kp_call_strdup (call, body->next_step);
    reply->referral_id = kp_call_strdup (call, body->referral_id);
    reply->follow_up_date = kp_call_strdup (call, body->follow_up_date);
    call->reply->body_case = KUMPPANI__V1__REPLY__BODY_GROUP_FOLLOW_UP;
    call->reply->group_follow_up = reply;
    const char *values [] = {
        activity.id, body->client_id, body->next_step, body->referral_id, body->follow_up_date,
        call->identity->org_id
    };
    int64_t written = groups_scalar (call->db, "groups_followup_insert", 6, values);
    if (written < 0)
        return kp_call_db_fail (call);
    if (written == 0) {
        int64_t same = groups_scalar (call->db, "groups_followup_same", 5, values);
        if (same < 0)
            return kp_call_db_fail (call);
        if (same == 0)
            return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "groups.follow_up_recorded",
                                 "record_group_follow_up.client_id",
                                 "a different follow-up plan exists; records are not corrected silently");
        reply->already_recorded = true;
        return 0;
    }
    if (kp_call_audit (call, body->client_id, "participation", NULL, activity.id))
        return kp_call_db_fail (call);
    Kumppani__V1__GroupsEvent payload = KUMPPANI__V1__GROUPS_EVENT__INIT;
    payload.client_id = body->client_id;
    payload.step = body->next_step;
    return groups_event_emit (call->db, "groups.follow_up_recorded", &activity, &payload) ? kp_call_db_fail (call) : 0;
}

int
groups_record_group_feedback (kp_call_t *call)
{
    const Kumppani__V1__RecordGroupFeedback *body = call->request->record_group_feedback;
    const char *b = "record_group_feedback";
    groups_activity_t activity;
    if (groups_activity_load (call, body->activity_id, "record_group_feedback.activity_id", false, true, &activity))
        return -1;
    char today [11];
    kp_date_format (kp_db_today (call->db), today);
    const char *day = today;
    groups_session_t session;
    if (*body->session_id) {
        if (groups_session_load (call, body->session_id, "record_group_feedback.session_id", false, &session))
            return -1;
        if (strcmp (session.activity.id, activity.id) != 0)
            return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_NOT_FOUND, "groups.session_not_found",
                                 "record_group_feedback.session_id", "no such session of this activity");
        if (session.cancelled || !session.held)
            return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "groups.session_not_held",
                                 "record_group_feedback.session_id", "feedback is of a session that took place");
        day = session.date;
    }
    const struct { uint32_t value; const char *field, *item; } scales [] = {
        { body->overall, "overall", "overall" }, { body->social, "social", "social" },
        { body->variety, "variety", "variety" }, { body->usefulness, "usefulness", "usefulness" }
    };
    char text [4][8];
    Kumppani__V1__TopicTally tallies [4], *pointers [4];
    for (int index = 0; index < 4; index++) {
        if (!groups_check_scale (scales [index].value))
            return groups_invalid (call, "groups.bad_scale", b, scales [index].field, "1 (poorly) to 5 (very well)");
        snprintf (text [index], sizeof text [index], "%u", scales [index].value);
        kumppani__v1__topic_tally__init (&tallies [index]);
        tallies [index].topic = (char *) scales [index].item;
        tallies [index].count = scales [index].value;
        pointers [index] = &tallies [index];
    }
    char id [KP_ID_LEN + 1];
    kp_id_new (id);
    const char *values [] = {
        id, activity.id, body->session_id, text [0], text [1], text [2], text [3], day, call->identity->org_id
    };
    if (kp_db_run (call->db, "groups_feedback_insert", 9, values))
        return kp_call_db_fail (call);
    Kumppani__V1__GroupFeedbackReply *reply = kp_call_alloc (call, sizeof *reply);
    kumppani__v1__group_feedback_reply__init (reply);
    reply->activity_id = kp_call_strdup (call, activity.id);
    reply->session_id = kp_call_strdup (call, body->session_id);
    reply->feedback_id = kp_call_strdup (call, id);
    call->reply->body_case = KUMPPANI__V1__REPLY__BODY_GROUP_FEEDBACK;
    call->reply->group_feedback = reply;
    //  No client: the audit says a form was entered, of which activity.
    if (kp_call_audit (call, NULL, NULL, NULL, activity.id))
        return kp_call_db_fail (call);
    //  The scores ride as tallies (item, score): an anonymous payload.
    Kumppani__V1__GroupsEvent payload = KUMPPANI__V1__GROUPS_EVENT__INIT;
    payload.session_id = (char *) body->session_id;
    payload.session_date = (char *) day;
    payload.topic_tallies = pointers;
    payload.n_topic_tallies = 4;
    return groups_event_emit (call->db, "groups.feedback_recorded", &activity, &payload) ? kp_call_db_fail (call) : 0;
}
