/*  groups_placement_path — the path of a rehabilitative work activity
    placement (SOS, figure 6): the municipality records the activation
    plan it made with the TE office and the client, the organiser its
    agreement with the client (tasks, weekdays, hours, start and end);
    only then are days recorded. The organiser records the interim and
    final evaluations (the client's self-evaluation and its own, on 1-5
    scales); the municipality ends the placement with its reason and a
    follow-up plan, never before the final evaluation, and no day after
    the end is recorded. Each step is written once: the same record again
    is a success that changes nothing, a different one CONFLICT. */
#include "groups_helpers.h"
#include "groups_limits.h"
#include "groups_placement.h"
#include "groups_rules.h"
#include "kp_calendar.h"
#include "kp_check.h"
#include "kp_db.h"
#include "kp_ids.h"
#include "kp_row.h"
#include "kp_server.h"

#include <stdio.h>
#include <string.h>

static void
s_date (const PGresult *result, int column, kp_date_t *date)
{
    if (kp_date_parse (kp_row_text (result, 0, column), date))
        *date = 0;
}

int
groups_path_load (kp_call_t *call, groups_placement_rec_t *placement)
{
    const char *values [] = { placement->id };
    if (kp_db_run (call->db, "groups_path_lock", 1, values))
        return kp_call_db_fail (call);
    PGresult *result = kp_db_exec (call->db, "groups_path_load", 1, values);
    if (!result)
        return kp_call_db_fail (call);
    groups_path_t *path = &placement->path;
    memset (path, 0, sizeof *path);
    if (PQntuples (result) == 1) {
        path->has_plan = kp_row_bool (result, 0, PATH_HAS_PLAN);
        path->plan_days = (int) kp_row_int (result, 0, PATH_PLAN_DAYS);
        s_date (result, PATH_PLAN_VALID_UNTIL, &path->plan_valid_until);
        path->has_agreement = kp_row_bool (result, 0, PATH_HAS_AGREEMENT);
        s_date (result, PATH_AGREEMENT_START, &path->agreement_start);
        s_date (result, PATH_AGREEMENT_END, &path->agreement_end);
        path->has_interim = kp_row_bool (result, 0, PATH_HAS_INTERIM);
        path->has_final = kp_row_bool (result, 0, PATH_HAS_FINAL);
        s_date (result, PATH_ENDED_ON, &path->ended_on);
        path->ended = path->ended_on != 0;
        snprintf (path->end_reason, sizeof path->end_reason, "%s", kp_row_text (result, 0, PATH_END_REASON));
        s_date (result, PATH_LAST_DAY, &path->last_day);
    }
    PQclear (result);
    Kumppani__V1__PlacementReply *reply = call->reply->placement;
    if (reply) {
        reply->activation_plan_recorded = path->has_plan;
        reply->agreement_recorded = path->has_agreement;
        reply->evaluations = kp_call_alloc (call, 2 * sizeof (char *));
        reply->n_evaluations = 0;
        if (path->has_interim)
            reply->evaluations [reply->n_evaluations++] = (char *) "interim";
        if (path->has_final)
            reply->evaluations [reply->n_evaluations++] = (char *) "final";
        char ended [11] = "";
        if (path->ended)
            kp_date_format (path->ended_on, ended);
        reply->ended_on = kp_call_strdup (call, ended);
        reply->end_reason = kp_call_strdup (call, path->end_reason);
    }
    return 0;
}

static int
s_conflict (kp_call_t *call, const char *code, const char *field, const char *message)
{
    return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, code, field, message);
}

//  The caller must be the placement's organiser (or, with placing, its
//  municipality). Anyone else got NOT_FOUND from the load already.
static int
s_caller (kp_call_t *call, const groups_placement_rec_t *placement, bool placing, const char *field,
          const char *message)
{
    const char *org = placing ? placement->placing_org : placement->organiser_org;
    if (strcmp (call->identity->org_id, org) != 0)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, "groups.forbidden", field, message);
    return 0;
}

int
groups_path_day_check (kp_call_t *call, const groups_placement_rec_t *placement, kp_date_t day)
{
    const groups_path_t *path = &placement->path;
    const char *field = "record_placement_day.date";
    if (path->ended && day > path->ended_on)
        return s_conflict (call, "groups.placement_ended", field, "the placement has ended before that day");
    if (!path->has_plan)
        return s_conflict (call, "groups.no_activation_plan", "record_placement_day.placement_id",
                           "the activation plan is recorded before the first day");
    if (!path->has_agreement)
        return s_conflict (call, "groups.no_agreement", "record_placement_day.placement_id",
                           "the agreement with the client is recorded before the first day");
    if (day < path->agreement_start || day > path->agreement_end)
        return s_conflict (call, "groups.outside_agreement", field, "the agreement does not cover that day");
    if (day > path->plan_valid_until)
        return s_conflict (call, "groups.plan_expired", field,
                           "the activation plan is no longer valid on that day: review it first");
    return 0;
}

//  Inserts a step once: 1 written, 0 the same record was there (reply
//  says already_recorded), -1 the call failed (a different record is
//  CONFLICT with code).
static int
s_once (kp_call_t *call, const char *insert, const char *same, int count, const char *const *values,
        const char *code, const char *field)
{
    int64_t written = groups_scalar (call->db, insert, count, values);
    if (written < 0)
        return kp_call_db_fail (call);
    if (written > 0)
        return 1;
    int64_t equal = groups_scalar (call->db, same, count - 1, values);
    if (equal < 0)
        return kp_call_db_fail (call);
    if (equal == 0)
        return s_conflict (call, code, field, "a different record exists; records are not corrected silently");
    call->reply->placement->already_recorded = true;
    return 0;
}

int
groups_record_activation_plan (kp_call_t *call)
{
    const Kumppani__V1__RecordActivationPlan *body = call->request->record_activation_plan;
    const char *b = "record_activation_plan";
    groups_placement_rec_t placement;
    if (groups_placement_load (call, body->placement_id, "record_activation_plan.placement_id", &placement)
    ||  s_caller (call, &placement, true, "record_activation_plan.placement_id",
                  "the placing municipality records the activation plan"))
        return -1;
    if (!kp_check_token (body->te_office_org, GROUPS_ORG_MAX))
        return groups_invalid (call, "groups.bad_org", b, "te_office_org", "the TE office's id (1-64 bytes)");
    if (groups_check_plan_goals (body->goals, body->n_goals))
        return groups_invalid (call, "groups.bad_goals", b, "goals", "1-7 distinct of " GROUPS_PLAN_GOALS);
    if (body->days_per_week < 1 || body->days_per_week > 4)
        return groups_invalid (call, "groups.placement_out_of_bounds", b, "days_per_week", "1-4 days a week");
    if (body->hours_per_day < 4 || body->hours_per_day > 8)
        return groups_invalid (call, "groups.placement_out_of_bounds", b, "hours_per_day", "4-8 hours a day");
    kp_date_t valid_until;
    if (kp_date_parse (body->valid_until, &valid_until) || valid_until < placement.start)
        return groups_invalid (call, "groups.bad_date", b, "valid_until",
                               "YYYY-MM-DD, on or after the placement's start");
    if (placement.path.ended)
        return s_conflict (call, "groups.placement_ended", "record_activation_plan.placement_id",
                           "the placement has ended");
    char goals [8 * 24] = "", days [8], hours [8];
    for (size_t index = 0; index < body->n_goals; index++) {
        if (index)
            strcat (goals, " ");
        strcat (goals, body->goals [index]);            //  each checked to be one of the list
    }
    snprintf (days, sizeof days, "%u", body->days_per_week);
    snprintf (hours, sizeof hours, "%u", body->hours_per_day);
    const char *values [] = {
        placement.id, body->te_office_org, goals, days, hours, body->valid_until, call->identity->org_id
    };
    //  A plan again: the same is a repeat; one valid for longer is the
    //  plan's review (a new version); anything else is a conflict.
    bool review = false;
    if (placement.path.has_plan) {
        int64_t same = groups_scalar (call->db, "groups_plan_same", 6, values);
        if (same < 0)
            return kp_call_db_fail (call);
        if (same > 0) {
            call->reply->placement->already_recorded = true;
            return 0;
        }
        if (valid_until <= placement.path.plan_valid_until)
            return s_conflict (call, "groups.plan_recorded", "record_activation_plan.valid_until",
                               "a different plan exists; a review extends valid_until");
        review = true;
    }
    int64_t written = groups_scalar (call->db, "groups_plan_insert", 7, values);
    if (written < 0)
        return kp_call_db_fail (call);
    if (written == 0)       //  another version went in at the same moment
        return s_conflict (call, "groups.plan_recorded", "record_activation_plan.placement_id",
                           "the plan changed meanwhile; read it and try again");
    call->reply->placement->activation_plan_recorded = true;
    if (kp_call_audit (call, placement.client_id, "activation_plan", NULL, placement.id))
        return kp_call_db_fail (call);
    Kumppani__V1__GroupsEvent payload = KUMPPANI__V1__GROUPS_EVENT__INIT;
    payload.step = (char *) (review ? "review" : "activation_plan");
    payload.session_date = (char *) body->valid_until;
    return groups_placement_emit (call, review ? "groups.activation_plan_reviewed" : "groups.activation_plan_recorded",
                                  &placement, &payload);
}

int
groups_record_agreement (kp_call_t *call)
{
    const Kumppani__V1__RecordAgreement *body = call->request->record_agreement;
    const char *b = "record_agreement";
    groups_placement_rec_t placement;
    if (groups_placement_load (call, body->placement_id, "record_agreement.placement_id", &placement)
    ||  s_caller (call, &placement, false, "record_agreement.placement_id",
                  "the organiser records its agreement with the client"))
        return -1;
    if (!groups_check_text (body->tasks, GROUPS_TEXT_MAX))
        return groups_invalid (call, "groups.bad_tasks", b, "tasks", "the work tasks, 1-200 bytes of text");
    if (body->hours_per_day < 4 || body->hours_per_day > 8)
        return groups_invalid (call, "groups.placement_out_of_bounds", b, "hours_per_day", "4-8 hours a day");
    kp_date_t start, end;
    if (kp_date_parse (body->start_date, &start) || start < placement.start || start > placement.end)
        return groups_invalid (call, "groups.bad_date", b, "start_date", "YYYY-MM-DD within the placement");
    if (kp_date_parse (body->end_date, &end) || end <= start || end > placement.end)
        return groups_invalid (call, "groups.bad_date", b, "end_date",
                               "YYYY-MM-DD after the start, within the placement");
    if (placement.path.ended)
        return s_conflict (call, "groups.placement_ended", "record_agreement.placement_id",
                           "the placement has ended");
    if (!placement.path.has_plan)
        return s_conflict (call, "groups.no_activation_plan", "record_agreement.placement_id",
                           "the activation plan comes before the agreement");
    if (groups_check_weekdays (body->weekdays, body->n_weekdays, placement.path.plan_days))
        return groups_invalid (call, "groups.bad_weekdays", b, "weekdays",
                               "distinct weekdays 1-7, as many as the activation plan's days a week");
    char weekdays [16] = "", hours [8];
    for (size_t index = 0; index < body->n_weekdays; index++)
        snprintf (weekdays + strlen (weekdays), sizeof weekdays - strlen (weekdays), "%s%u",
                  index ? " " : "", body->weekdays [index]);
    snprintf (hours, sizeof hours, "%u", body->hours_per_day);
    const char *values [] = {
        placement.id, body->tasks, weekdays, hours, body->start_date, body->end_date, call->identity->org_id
    };
    int written = s_once (call, "groups_agreement_insert", "groups_agreement_same", 7, values,
                          "groups.agreement_recorded", "record_agreement.placement_id");
    if (written <= 0)
        return written;
    call->reply->placement->agreement_recorded = true;
    if (kp_call_audit (call, placement.client_id, "activation_plan", NULL, placement.id))
        return kp_call_db_fail (call);
    Kumppani__V1__GroupsEvent payload = KUMPPANI__V1__GROUPS_EVENT__INIT;
    payload.step = (char *) "agreement";
    payload.session_date = body->start_date;
    return groups_placement_emit (call, "groups.agreement_recorded", &placement, &payload);
}

int
groups_record_placement_evaluation (kp_call_t *call)
{
    const Kumppani__V1__RecordPlacementEvaluation *body = call->request->record_placement_evaluation;
    const char *b = "record_placement_evaluation";
    groups_placement_rec_t placement;
    if (groups_placement_load (call, body->placement_id, "record_placement_evaluation.placement_id", &placement)
    ||  s_caller (call, &placement, false, "record_placement_evaluation.placement_id",
                  "the organiser records the evaluations"))
        return -1;
    if (!groups_rules_word_in (body->kind, "interim final"))
        return groups_invalid (call, "groups.bad_evaluation_kind", b, "kind", "interim or final");
    if (!groups_rules_word_in (body->decision, "continue change end"))
        return groups_invalid (call, "groups.bad_decision", b, "decision", "continue, change or end");
    const struct { uint32_t value; const char *field; } scales [] = {
        { body->self_goals, "self_goals" }, { body->self_daily_rhythm, "self_daily_rhythm" },
        { body->self_work_ability, "self_work_ability" }, { body->organiser_goals, "organiser_goals" },
        { body->organiser_daily_rhythm, "organiser_daily_rhythm" },
        { body->organiser_work_ability, "organiser_work_ability" }
    };
    char text [6][8];
    for (int index = 0; index < 6; index++) {
        if (!groups_check_scale (scales [index].value))
            return groups_invalid (call, "groups.bad_scale", b, scales [index].field, "1 (poorly) to 5 (very well)");
        snprintf (text [index], sizeof text [index], "%u", scales [index].value);
    }
    const char *field = "record_placement_evaluation.placement_id";
    if (placement.path.ended)
        return s_conflict (call, "groups.placement_ended", field, "the placement has ended");
    if (!placement.path.has_agreement)
        return s_conflict (call, "groups.no_agreement", field, "there is no agreement to evaluate yet");
    bool interim = strcmp (body->kind, "interim") == 0;
    if (interim && placement.path.has_final)
        return s_conflict (call, "groups.evaluation_out_of_order", "record_placement_evaluation.kind",
                           "the final evaluation is recorded already");
    char today [11];
    kp_date_format (kp_db_today (call->db), today);
    const char *values [] = {
        placement.id, body->kind, body->decision, text [0], text [1], text [2], text [3], text [4], text [5],
        call->identity->org_id, today
    };
    int64_t written = groups_scalar (call->db, "groups_evaluation_insert", 11, values);
    if (written < 0)
        return kp_call_db_fail (call);
    if (written == 0) {
        int64_t equal = groups_scalar (call->db, "groups_evaluation_same", 9, values);
        if (equal < 0)
            return kp_call_db_fail (call);
        if (equal == 0)
            return s_conflict (call, "groups.evaluation_recorded", "record_placement_evaluation.kind",
                               "a different evaluation of that kind exists; records are not corrected silently");
        call->reply->placement->already_recorded = true;
        return 0;
    }
    Kumppani__V1__PlacementReply *reply = call->reply->placement;
    reply->evaluations [reply->n_evaluations++] = (char *) (interim ? "interim" : "final");
    if (kp_call_audit (call, placement.client_id, "activation_plan", NULL, placement.id))
        return kp_call_db_fail (call);
    //  The evaluation done, its reminder is due no more (groups_reminder).
    Kumppani__V1__GroupsEvent payload = KUMPPANI__V1__GROUPS_EVENT__INIT;
    payload.step = (char *) (interim ? "interim" : "final");
    payload.session_date = today;
    return groups_placement_emit (call, "groups.placement_evaluated", &placement, &payload);
}

int
groups_end_placement (kp_call_t *call)
{
    const Kumppani__V1__EndPlacement *body = call->request->end_placement;
    const char *b = "end_placement";
    groups_placement_rec_t placement;
    if (groups_placement_load (call, body->placement_id, "end_placement.placement_id", &placement)
    ||  s_caller (call, &placement, true, "end_placement.placement_id",
                  "the placing municipality ends the placement"))
        return -1;
    if (!groups_rules_word_in (body->reason, GROUPS_END_REASONS))
        return groups_invalid (call, "groups.bad_end_reason", b, "reason", GROUPS_END_REASONS);
    if (!groups_rules_word_in (body->next_step, GROUPS_NEXT_STEPS))
        return groups_invalid (call, "groups.bad_next_step", b, "next_step", GROUPS_NEXT_STEPS);
    if (*body->referral_id && !kp_id_valid (body->referral_id))
        return groups_invalid (call, "groups.bad_referral_id", b, "referral_id",
                               "\"\" or the referral's id (26 characters)");
    kp_date_t ended_on, follow_up;
    if (kp_date_parse (body->ended_on, &ended_on) || ended_on < placement.start || ended_on > placement.end)
        return groups_invalid (call, "groups.bad_date", b, "ended_on", "a day of the placement, YYYY-MM-DD");
    if (*body->follow_up_date && (kp_date_parse (body->follow_up_date, &follow_up) || follow_up < ended_on))
        return groups_invalid (call, "groups.bad_date", b, "follow_up_date",
                               "\"\" or YYYY-MM-DD on or after the end");
    if (ended_on > kp_db_today (call->db))
        return s_conflict (call, "groups.day_in_future", "end_placement.ended_on", "that day has not come yet");
    const char *field = "end_placement.placement_id";
    const char *values [] = {
        placement.id, body->ended_on, body->reason, body->next_step, body->referral_id, body->follow_up_date,
        call->identity->org_id
    };
    if (placement.path.ended) {
        int64_t equal = groups_scalar (call->db, "groups_ending_same", 6, values);
        if (equal < 0)
            return kp_call_db_fail (call);
        if (equal == 0)
            return s_conflict (call, "groups.placement_ended", field,
                               "the placement has ended otherwise; records are not corrected silently");
        call->reply->placement->already_recorded = true;
        return 0;
    }
    if (!placement.path.has_final)
        return s_conflict (call, "groups.no_final_evaluation", field,
                           "the organiser's final evaluation comes before the end");
    if (placement.path.last_day > ended_on)
        return s_conflict (call, "groups.days_after_end", "end_placement.ended_on",
                           "attended days are recorded after that day");
    int written = s_once (call, "groups_ending_insert", "groups_ending_same", 7, values,
                          "groups.placement_ended", field);
    if (written <= 0)
        return written;
    Kumppani__V1__PlacementReply *reply = call->reply->placement;
    reply->ended_on = kp_call_strdup (call, body->ended_on);
    reply->end_reason = kp_call_strdup (call, body->reason);
    if (kp_call_audit (call, placement.client_id, "activation_plan", NULL, placement.id))
        return kp_call_db_fail (call);
    Kumppani__V1__GroupsEvent payload = KUMPPANI__V1__GROUPS_EVENT__INIT;
    payload.step = body->reason;
    payload.session_date = body->ended_on;
    return groups_placement_emit (call, "groups.placement_ended", &placement, &payload);
}
