/*  groups_placement — rehabilitative work activity (kuntouttava
    työtoiminta): the municipality places its client with an organiser
    within the law's bounds, the organiser records attended days (each
    earning the day's expense compensation once), and an absence runs its
    notification chain client → organiser → social instructor → TE office,
    one event per step, strictly in that order. */
#include "groups_access.h"
#include "groups_event.h"
#include "groups_handlers.h"
#include "groups_helpers.h"
#include "groups_limits.h"
#include "groups_placement.h"
#include "groups_rules.h"
#include "groups_sql.h"
#include "kp_calendar.h"
#include "kp_db.h"
#include "kp_disclosure.h"
#include "kp_ids.h"
#include "kp_organiser.h"
#include "kp_row.h"
#include "kp_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef groups_placement_rec_t s_placement_t;

//  True when the organiser is the client's own organiser (the placing
//  municipality's organisation, or its county): no disclosure.
static bool
s_organises (const s_placement_t *placement)
{
    return kp_organiser_org_organises (placement->organiser_org, placement->municipality);
}

//  Loads the placement and the reply's view of it. Only the placing
//  municipality and the organiser know it exists. 0, or -1 (call failed).
int
groups_placement_load (kp_call_t *call, const char *id, const char *field, s_placement_t *placement)
{
    if (!kp_id_valid (id))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "groups.bad_id", field,
                             "a placement id (26 characters)");
    const char *values [] = { id };
    PGresult *result = kp_db_exec (call->db, "groups_placement_load", 1, values);
    if (!result)
        return kp_call_db_fail (call);
    bool found = PQntuples (result) == 1;
    if (found) {
        memset (placement, 0, sizeof *placement);
        snprintf (placement->id, sizeof placement->id, "%s", kp_row_text (result, 0, PLACEMENT_ID));
        snprintf (placement->client_id, sizeof placement->client_id, "%s",
                  kp_row_text (result, 0, PLACEMENT_CLIENT_ID));
        snprintf (placement->municipality, sizeof placement->municipality, "%s",
                  kp_row_text (result, 0, PLACEMENT_MUNICIPALITY));
        snprintf (placement->placing_org, sizeof placement->placing_org, "%s",
                  kp_row_text (result, 0, PLACEMENT_PLACING_ORG));
        snprintf (placement->organiser_org, sizeof placement->organiser_org, "%s",
                  kp_row_text (result, 0, PLACEMENT_ORGANISER_ORG));
        kp_date_parse (kp_row_text (result, 0, PLACEMENT_START_DATE), &placement->start);
        kp_date_parse (kp_row_text (result, 0, PLACEMENT_END_DATE), &placement->end);
        placement->compensation_cents = kp_row_int (result, 0, PLACEMENT_COMPENSATION_CENTS);
        Kumppani__V1__PlacementReply *reply = kp_call_alloc (call, sizeof *reply);
        kumppani__v1__placement_reply__init (reply);
        reply->placement_id = kp_call_strdup (call, placement->id);
        reply->client_id = kp_call_strdup (call, placement->client_id);
        reply->organiser_org = kp_call_strdup (call, placement->organiser_org);
        reply->start_date = kp_call_strdup (call, kp_row_text (result, 0, PLACEMENT_START_DATE));
        reply->end_date = kp_call_strdup (call, kp_row_text (result, 0, PLACEMENT_END_DATE));
        reply->interim_evaluation_date = kp_call_strdup (call, kp_row_text (result, 0, PLACEMENT_INTERIM_EVALUATION));
        reply->final_evaluation_date = kp_call_strdup (call, kp_row_text (result, 0, PLACEMENT_FINAL_EVALUATION));
        reply->days_recorded = (uint32_t) kp_row_int (result, 0, PLACEMENT_DAYS_RECORDED);
        reply->minutes_recorded = (uint32_t) kp_row_int (result, 0, PLACEMENT_MINUTES_RECORDED);
        reply->compensation_cents = kp_row_int (result, 0, PLACEMENT_COMPENSATION_PAID);
        call->reply->body_case = KUMPPANI__V1__REPLY__BODY_PLACEMENT;
        call->reply->placement = reply;
    }
    PQclear (result);
    const char *org = call->identity->org_id;
    if (!found || (strcmp (org, placement->placing_org) != 0 && strcmp (org, placement->organiser_org) != 0))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_NOT_FOUND, "groups.placement_not_found",
                             field, "no such placement");
    //  An outside organiser sees the placement (the client in it) only
    //  while the basis holds: a withdrawal or ban reaches every placement
    //  the moment it is recorded, however many.
    if (strcmp (org, placement->organiser_org) == 0 && !s_organises (placement)) {
        kp_disclosure_t disclosure = {
            .client_id = placement->client_id, .recipient_org = placement->organiser_org,
            .scope = "placement", .basis = KP_DISCLOSURE_CONSENT, .consent_ref = "",
            .object_id = placement->id
        };
        kp_disclosure_verdict_t verdict;
        if (kp_disclosure_check (call->db, &disclosure, &verdict))
            return kp_call_db_fail (call);
        if (verdict.refusal) {
            kp_call_reset_reply (call);
            return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, verdict.refusal, field,
                                 "the client's consent to this organiser no longer holds");
        }
    }
    return groups_path_load (call, placement);
}

int
groups_placement_emit (kp_call_t *call, const char *topic, const s_placement_t *placement,
                       Kumppani__V1__GroupsEvent *payload)
{
    payload->placement_id = (char *) placement->id;
    payload->client_id = (char *) placement->client_id;
    return groups_event_emit_placement (call->db, topic, placement->municipality, placement->organiser_org,
                                        payload) ? kp_call_db_fail (call) : 0;
}

//  A day of the placement, not in the future. 0, or -1 (call failed).
static int
s_day (kp_call_t *call, const s_placement_t *placement, const char *text, const char *body,
       const char *field, kp_date_t *day)
{
    if (kp_date_parse (text, day) || *day < placement->start || *day > placement->end)
        return groups_invalid (call, "groups.bad_date", body, field, "a day of the placement, YYYY-MM-DD");
    if (*day > kp_db_today (call->db))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "groups.day_in_future",
                             groups_path (call, body, field), "that day has not come yet");
    return 0;
}

int
groups_create_placement (kp_call_t *call)
{
    const Kumppani__V1__CreatePlacement *body = call->request->create_placement;
    const char *b = "create_placement";
    if (!kp_id_valid (body->client_id))
        return groups_invalid (call, "groups.bad_client_id", b, "client_id", "intake's client id (26 characters)");
    size_t len = strlen (body->organiser_org);
    if (len == 0 || len > GROUPS_ORG_MAX)
        return groups_invalid (call, "groups.bad_org", b, "organiser_org", "the organiser's id (1-64 bytes)");
    groups_placement_t rules = {
        .days_per_week = (int) body->days_per_week, .hours_per_day = (int) body->hours_per_day
    };
    if (kp_date_parse (body->start_date, &rules.start))
        return groups_invalid (call, "groups.bad_date", b, "start_date", "YYYY-MM-DD");
    if (kp_date_parse (body->end_date, &rules.end))
        return groups_invalid (call, "groups.bad_date", b, "end_date", "YYYY-MM-DD");
    if (*body->interim_evaluation_date) {
        if (kp_date_parse (body->interim_evaluation_date, &rules.interim))
            return groups_invalid (call, "groups.bad_date", b, "interim_evaluation_date", "YYYY-MM-DD");
        rules.has_interim = true;
    }
    const char *wrong = groups_rules_placement_check (&rules);
    if (wrong)
        return groups_invalid (call, "groups.placement_out_of_bounds", b, wrong,
                               "1-4 days a week, 4-8 hours a day, 3-24 months, interim evaluation within");
    if (body->compensation_cents_per_day < 0 || body->compensation_cents_per_day > GROUPS_COMPENSATION_MAX)
        return groups_invalid (call, "groups.bad_compensation", b, "compensation_cents_per_day", "0-100000 cents");
    char municipality [8];
    int known = groups_client_municipality (call->db, body->client_id, municipality);
    if (known < 0)
        return kp_call_db_fail (call);
    if (!known || !groups_access_sees_client (call->identity, municipality))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_NOT_FOUND, "groups.unknown_client",
                             "create_placement.client_id", "no such client of yours");

    char id [KP_ID_LEN + 1], days [8], hours [8], compensation [24], interim [11], final [11];
    kp_id_new (id);
    snprintf (days, sizeof days, "%d", rules.days_per_week);
    snprintf (hours, sizeof hours, "%d", rules.hours_per_day);
    snprintf (compensation, sizeof compensation, "%lld", (long long) body->compensation_cents_per_day);
    kp_date_format (groups_rules_interim (&rules), interim);
    kp_date_format (rules.end, final);
    //  A placement with an outside organiser discloses the client to it:
    //  the one check first, so a refusal leaves nothing written.
    if (!kp_organiser_org_organises (body->organiser_org, municipality)) {
        kp_disclosure_t disclosure = {
            .client_id = body->client_id, .recipient_org = body->organiser_org, .scope = "placement",
            .basis = KP_DISCLOSURE_CONSENT, .consent_ref = "", .object_id = id
        };
        if (kp_disclosure_allow (call, &disclosure, NULL))
            return -1;
    }
    const char *values [] = {
        id, body->client_id, municipality, call->identity->org_id, body->organiser_org, days, hours,
        body->start_date, body->end_date, compensation, interim, final
    };
    if (kp_db_run (call->db, "groups_placement_insert", 12, values))
        return kp_call_db_fail (call);
    s_placement_t placement;
    if (groups_placement_load (call, id, "create_placement", &placement))
        return -1;
    //  The organiser learns who its new client is: a disclosure.
    if (kp_call_audit (call, body->client_id, "activation_plan", body->organiser_org, id))
        return kp_call_db_fail (call);
    Kumppani__V1__GroupsEvent payload = KUMPPANI__V1__GROUPS_EVENT__INIT;
    return groups_placement_emit (call, "groups.placement_created", &placement, &payload);
}

int
groups_record_placement_day (kp_call_t *call)
{
    const Kumppani__V1__RecordPlacementDay *body = call->request->record_placement_day;
    const char *b = "record_placement_day";
    s_placement_t placement;
    if (groups_placement_load (call, body->placement_id, "record_placement_day.placement_id", &placement))
        return -1;
    if (strcmp (call->identity->org_id, placement.organiser_org) != 0)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, "groups.forbidden",
                             "record_placement_day.placement_id", "the organiser records attended days");
    kp_date_t day;
    if (s_day (call, &placement, body->date, b, "date", &day))
        return -1;
    if (body->minutes < 1 || body->minutes > 600)
        return groups_invalid (call, "groups.bad_minutes", b, "minutes", "1-600 minutes of the day");
    if (groups_path_day_check (call, &placement, day))
        return -1;
    char minutes [16], key [KP_ID_LEN + 12], amount [24];
    snprintf (minutes, sizeof minutes, "%u", body->minutes);
    const char *values [] = { placement.id, body->date, minutes };
    int64_t existing = groups_scalar (call->db, "groups_placement_day_get", 2, values);
    if (existing < 0)
        return kp_call_db_fail (call);
    if (existing > 0 && existing != body->minutes)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "groups.day_recorded",
                             "record_placement_day.minutes",
                             "a different record exists; records are not corrected silently");
    if (existing > 0) {
        call->reply->placement->already_recorded = true;
        return 0;
    }
    snprintf (key, sizeof key, "%s:%s", placement.id, body->date);
    snprintf (amount, sizeof amount, "%lld", (long long) placement.compensation_cents);
    const char *entry [] = { "placement_day", key, placement.client_id, amount };
    if (kp_db_run (call->db, "groups_placement_day_insert", 3, values)
    ||  kp_db_run (call->db, "groups_ledger_insert", 4, entry))
        return kp_call_db_fail (call);
    Kumppani__V1__PlacementReply *reply = call->reply->placement;
    reply->days_recorded++;
    reply->minutes_recorded += body->minutes;
    reply->compensation_cents += placement.compensation_cents;
    if (kp_call_audit (call, placement.client_id, "activation_plan", NULL, placement.id))
        return kp_call_db_fail (call);
    Kumppani__V1__GroupsEvent payload = KUMPPANI__V1__GROUPS_EVENT__INIT;
    payload.session_date = (char *) body->date;
    payload.minutes = body->minutes;
    payload.compensation_cents = placement.compensation_cents;
    return groups_placement_emit (call, "groups.placement_day_recorded", &placement, &payload);
}

int
groups_report_absence (kp_call_t *call)
{
    const Kumppani__V1__ReportAbsence *body = call->request->report_absence;
    const char *b = "report_absence";
    s_placement_t placement;
    if (groups_placement_load (call, body->placement_id, "report_absence.placement_id", &placement))
        return -1;
    int step = groups_rules_absence_step (body->step);
    if (step < 0)
        return groups_invalid (call, "groups.bad_step", b, "step", GROUPS_ABSENCE_STEPS);
    kp_date_t day;
    if (s_day (call, &placement, body->absence_date, b, "absence_date", &day))
        return -1;
    //  An ended placement has no days after its end to be absent from; an
    //  absence before it may still run its chain to the TE office.
    if (placement.path.ended && day > placement.path.ended_on)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "groups.absence_after_end",
                             "report_absence.absence_date", "the placement ended before that day");
    //  The organiser hears from the client and tells the social instructor;
    //  the placing municipality's instructor takes it on to the TE office.
    const char *recorder = step <= 1 ? placement.organiser_org : placement.placing_org;
    if (strcmp (call->identity->org_id, recorder) != 0)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, "groups.forbidden",
                             "report_absence.step", step <= 1 ? "the organiser records this step"
                                                              : "the placing municipality records this step");
    const char *values [] = { placement.id, body->absence_date };
    PGresult *result = kp_db_exec (call->db, "groups_absence_steps", 2, values);
    if (!result)
        return kp_call_db_fail (call);
    int recorded = PQntuples (result);
    Kumppani__V1__PlacementReply *reply = call->reply->placement;
    reply->absence_steps = kp_call_alloc (call, sizeof (char *) * 5);
    for (int row = 0; row < recorded; row++)
        reply->absence_steps [reply->n_absence_steps++] =
            kp_call_strdup (call, kp_row_text (result, row, KP_ROW_ONLY));
    PQclear (result);
    int next = groups_rules_absence_next (recorded, step);
    if (next < 0)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "groups.absence_out_of_order",
                             "report_absence.step", "the chain is client, organiser, social_instructor,"
                             " te_office: an earlier step is missing");
    if (next == 0) {
        reply->already_recorded = true;
        return 0;
    }
    char step_no [12];
    snprintf (step_no, sizeof step_no, "%d", step);
    const char *insert [] = { placement.id, body->absence_date, step_no, body->step, call->identity->org_id };
    if (kp_db_run (call->db, "groups_absence_insert", 5, insert))
        return kp_call_db_fail (call);
    reply->absence_steps [reply->n_absence_steps++] = kp_call_strdup (call, body->step);
    if (kp_call_audit (call, placement.client_id, "activation_plan", NULL, placement.id))
        return kp_call_db_fail (call);
    Kumppani__V1__GroupsEvent payload = KUMPPANI__V1__GROUPS_EVENT__INIT;
    payload.step = (char *) body->step;
    payload.session_date = (char *) body->absence_date;
    return groups_placement_emit (call, "groups.absence_reported", &placement, &payload);
}
