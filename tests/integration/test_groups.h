/*  What the groups suites share: calls as any sample organisation, the
    usual bodies, clients known to intake, and the events a test caused,
    read back from kp.events and decoded. */
#ifndef TEST_GROUPS_H
#define TEST_GROUPS_H

#include "harness.h"
#include "kp_calendar.h"
#include "kp_codec.h"
#include "kp_ids.h"

#include <criterion/criterion.h>
#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GT_OK       KUMPPANI__V1__STATUS__STATUS_OK
#define GT_INVALID  KUMPPANI__V1__STATUS__STATUS_INVALID
#define GT_CONFLICT KUMPPANI__V1__STATUS__STATUS_CONFLICT
#define GT_FORBIDDEN KUMPPANI__V1__STATUS__STATUS_FORBIDDEN
#define GT_NOT_FOUND KUMPPANI__V1__STATUS__STATUS_NOT_FOUND
#define GT_REFUSE   KUMPPANI__V1__CONFLICT_POLICY__CONFLICT_POLICY_REFUSE
#define GT_REPORT   KUMPPANI__V1__CONFLICT_POLICY__CONFLICT_POLICY_REPORT

static inline void
gt_setup (void)
{
    static const char *env [] = { "KUMPPANI_POLL_MS=100", NULL };
    kpt_setup ();
    kpt_service_start ("groups", env);
}

static inline Kumppani__V1__Role
gt_role (const char *org)
{
    if (strncmp (org, "muni-", 5) == 0)
        return KUMPPANI__V1__ROLE__ROLE_SOCIAL_INSTRUCTOR;
    if (strncmp (org, "debt-", 5) == 0)
        return KUMPPANI__V1__ROLE__ROLE_DEBT_COUNSELLOR;
    if (strcmp (org, "kela") == 0)
        return KUMPPANI__V1__ROLE__ROLE_KELA_OFFICER;
    return kpt_role_of (org);
}

static inline bool
gt_is_read (Kumppani__V1__Request__BodyCase body_case)
{
    return body_case == KUMPPANI__V1__REQUEST__BODY_GET_ACTIVITY
        || body_case == KUMPPANI__V1__REQUEST__BODY_LIST_SESSIONS
        || body_case == KUMPPANI__V1__REQUEST__BODY_GET_PARTICIPATION;
}

//  One request as org; body is any body message (the body pointers share
//  one union). key NULL: a fresh idempotency key.
static inline Kumppani__V1__Reply *
gt_call (const char *org, Kumppani__V1__Request__BodyCase body_case, void *body, const char *key)
{
    kp_client_t *client = kpt_client ("groups", org);
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, gt_role (org), !gt_is_read (body_case));
    if (key)
        request.idempotency_key = (char *) key;
    request.body_case = body_case;
    request.create_activity = body;
    Kumppani__V1__Reply *reply = kpt_call (client, &request);
    kp_client_destroy (&client);
    cr_assert_not_null (reply, "no reply from groups");
    return reply;
}

static inline void
gt_expect (Kumppani__V1__Reply *reply, Kumppani__V1__Status status, const char *code, const char *field)
{
    cr_assert_eq (reply->status, status, "status %d (%s: %s, %s), expected %d", reply->status,
                  reply->error ? reply->error->code : "", reply->error ? reply->error->message : "",
                  reply->error ? reply->error->field : "", status);
    if (code)
        cr_assert_str_eq (reply->error->code, code);
    if (field)
        cr_assert_str_eq (reply->error->field, field);
}

//  gt_expect, then frees the reply.
static inline void
gt_done (Kumppani__V1__Reply *reply, Kumppani__V1__Status status, const char *code, const char *field)
{
    gt_expect (reply, status, code, field);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

static inline long long
gt_scalar (const char *sql, const char *param)
{
    return kpt_scalar (sql, param);
}

static inline long long
gt_events (const char *aggregate_id, const char *topic)
{
    char sql [256];
    snprintf (sql, sizeof sql, "SELECT count(*) FROM kp.events WHERE aggregate_id = $1 AND topic = '%s'", topic);
    return kpt_scalar (sql, aggregate_id);
}

//  The events of an aggregate with this topic (or topic prefix ending in
//  '.'), in seq order; returns how many (at most max). Free with gt_events_free.
static inline int
gt_event_list (const char *aggregate_id, const char *topic, Kumppani__V1__Event **events, int max)
{
    const char *values [] = { aggregate_id, topic };
    PGresult *result = PQexecParams (kpt_admin (),
        "SELECT payload FROM kp.events WHERE aggregate_id = $1 AND (topic = $2 OR"
        " (right ($2, 1) = '.' AND starts_with (topic, $2))) ORDER BY seq",
        2, NULL, values, NULL, NULL, 1);
    cr_assert_eq (PQresultStatus (result), PGRES_TUPLES_OK, "%s", PQresultErrorMessage (result));
    int count = 0;
    for (int row = 0; row < PQntuples (result) && count < max; row++) {
        events [count] = kumppani__v1__event__unpack (NULL, (size_t) PQgetlength (result, row, 0),
                                                     (const uint8_t *) PQgetvalue (result, row, 0));
        cr_assert_not_null (events [count]);
        cr_assert_eq (events [count]->payload_case, KUMPPANI__V1__EVENT__PAYLOAD_GROUPS);
        count++;
    }
    PQclear (result);
    return count;
}

static inline void
gt_events_free (Kumppani__V1__Event **events, int count)
{
    for (int index = 0; index < count; index++)
        kumppani__v1__event__free_unpacked (events [index], NULL);
}

//  The client's consent to the groups' outside organisers for enrolments
//  and placements (their disclosure checks: test_disclosure), as the
//  municipality records it.
#define GT_CONSENTS_SQL \
    "INSERT INTO intake.consents (consent_id, client_id, counterparty_org, scope, given_at, recorded_by_org)" \
    " SELECT md5 ($1 || o || s), $1, o, s, current_date, 'muni-743'" \
    " FROM unnest (ARRAY ['ngo-743', 'debt-743']) o, unnest (ARRAY ['enrolment', 'placement']) s"

//  A client intake knows, in municipality, who has consented to nobody;
//  a static buffer of a ring.
static inline const char *
gt_client_without_consent (const char *municipality)
{
    static char ids [16][KP_ID_LEN + 1];
    static int next;
    char *id = ids [next++ % 16];
    kp_id_new (id);
    const char *values [] = { id, municipality };
    PGresult *result = PQexecParams (kpt_admin (),
        "INSERT INTO intake.clients (client_id, municipality, created_by_org) VALUES ($1, $2, 'muni-743')",
        2, NULL, values, NULL, NULL, 0);
    cr_assert_eq (PQresultStatus (result), PGRES_COMMAND_OK, "%s", PQresultErrorMessage (result));
    PQclear (result);
    return id;
}

//  The same client, who has consented to the groups' organisers.
static inline const char *
gt_client (const char *municipality)
{
    const char *id = gt_client_without_consent (municipality);
    const char *values [] = { id };
    PGresult *result = PQexecParams (kpt_admin (), GT_CONSENTS_SQL, 1, NULL, values, NULL, NULL, 0);
    cr_assert_eq (PQresultStatus (result), PGRES_COMMAND_OK, "%s", PQresultErrorMessage (result));
    PQclear (result);
    return id;
}

static inline void
gt_fields (Kumppani__V1__ActivityFields *fields, const char *kind, bool closed, uint32_t capacity,
           int64_t compensation, const char *venue)
{
    kumppani__v1__activity_fields__init (fields);
    fields->kind = (char *) kind;
    fields->title = "Tuesday group";
    fields->municipality = "743";
    fields->area = "Keskusta";
    fields->venue = (char *) venue;
    fields->capacity = capacity;
    fields->audience = "mixed";
    fields->closed = closed;
    fields->compensation_cents = compensation;
    fields->min_meetings = 8;
}

//  Creates an activity at venue; returns its id (static buffer of a ring).
static inline const char *
gt_activity_at (const char *org, const char *kind, bool closed, uint32_t capacity, int64_t compensation,
                const char *venue)
{
    static char ids [8][KP_ID_LEN + 1];
    static int next;
    Kumppani__V1__ActivityFields fields;
    gt_fields (&fields, kind, closed, capacity, compensation, venue);
    Kumppani__V1__CreateActivity body = KUMPPANI__V1__CREATE_ACTIVITY__INIT;
    body.activity = &fields;
    Kumppani__V1__Reply *reply = gt_call (org, KUMPPANI__V1__REQUEST__BODY_CREATE_ACTIVITY, &body, NULL);
    gt_expect (reply, GT_OK, NULL, NULL);
    char *id = ids [next++ % 8];
    snprintf (id, KP_ID_LEN + 1, "%s", reply->activity->activity->activity_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    return id;
}

//  An activity at a venue of its own, so tests never clash by accident.
static inline const char *
gt_activity (const char *org, const char *kind, bool closed, uint32_t capacity, int64_t compensation)
{
    char venue [48];
    snprintf (venue, sizeof venue, "room-");
    kp_id_new (venue + 5);
    return gt_activity_at (org, kind, closed, capacity, compensation, venue);
}

static inline void
gt_schedule_body (Kumppani__V1__ScheduleSessions *body, const char *activity, const char *first,
                  const char *start, const char *end, uint32_t every_weeks, uint32_t weekday, uint32_t count,
                  bool include_holidays, Kumppani__V1__ConflictPolicy policy)
{
    static uint32_t weekdays [1];
    kumppani__v1__schedule_sessions__init (body);
    body->activity_id = (char *) activity;
    body->first_date = (char *) first;
    body->start_time = (char *) start;
    body->end_time = (char *) end;
    body->every_weeks = every_weeks;
    if (weekday) {
        weekdays [0] = weekday;
        body->weekdays = weekdays;
        body->n_weekdays = 1;
    }
    body->count = count;
    body->include_holidays = include_holidays;
    body->on_conflict = policy;
}

static inline Kumppani__V1__Reply *
gt_schedule (const char *org, const char *activity, const char *first, const char *start, const char *end,
             uint32_t every_weeks, uint32_t weekday, uint32_t count, bool include_holidays,
             Kumppani__V1__ConflictPolicy policy)
{
    Kumppani__V1__ScheduleSessions body;
    gt_schedule_body (&body, activity, first, start, end, every_weeks, weekday, count, include_holidays, policy);
    return gt_call (org, KUMPPANI__V1__REQUEST__BODY_SCHEDULE_SESSIONS, &body, NULL);
}

//  A one-off session; its id into session_id (32 bytes).
static inline void
gt_one_session (const char *org, const char *activity, const char *date, const char *start, const char *end,
                char *session_id)
{
    Kumppani__V1__Reply *reply = gt_schedule (org, activity, date, start, end, 0, 0, 0, true, GT_REFUSE);
    gt_expect (reply, GT_OK, NULL, NULL);
    snprintf (session_id, 32, "%s", reply->session_list->sessions [0]->session_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
}

static inline Kumppani__V1__Reply *
gt_change (const char *org, const char *session, Kumppani__V1__SessionChange change, bool rest,
           const char *new_date, const char *start, const char *end, Kumppani__V1__ConflictPolicy policy)
{
    Kumppani__V1__ChangeSession body = KUMPPANI__V1__CHANGE_SESSION__INIT;
    body.session_id = (char *) session;
    body.change = change;
    body.rest_of_series = rest;
    body.new_date = (char *) new_date;
    body.start_time = (char *) start;
    body.end_time = (char *) end;
    body.on_conflict = policy;
    return gt_call (org, KUMPPANI__V1__REQUEST__BODY_CHANGE_SESSION, &body, NULL);
}

static inline Kumppani__V1__Reply *
gt_assign (const char *org, const char *session, const char *person, const char *person_org,
           Kumppani__V1__ConflictPolicy policy)
{
    Kumppani__V1__AssignFacilitator body = KUMPPANI__V1__ASSIGN_FACILITATOR__INIT;
    body.session_id = (char *) session;
    body.facilitator_id = (char *) person;
    body.facilitator_org = (char *) person_org;
    body.on_conflict = policy;
    return gt_call (org, KUMPPANI__V1__REQUEST__BODY_ASSIGN_FACILITATOR, &body, NULL);
}

static inline Kumppani__V1__Reply *
gt_enrol (const char *org, const char *activity, const char *client, const char *name,
          Kumppani__V1__ConflictPolicy policy)
{
    Kumppani__V1__Enrol body = KUMPPANI__V1__ENROL__INIT;
    body.activity_id = (char *) activity;
    body.client_id = (char *) client;
    body.display_name = (char *) name;
    body.on_conflict = policy;
    return gt_call (org, KUMPPANI__V1__REQUEST__BODY_ENROL, &body, NULL);
}

static inline Kumppani__V1__Reply *
gt_withdraw (const char *org, const char *activity, const char *client)
{
    Kumppani__V1__WithdrawEnrolment body = KUMPPANI__V1__WITHDRAW_ENROLMENT__INIT;
    body.activity_id = (char *) activity;
    body.client_id = (char *) client;
    return gt_call (org, KUMPPANI__V1__REQUEST__BODY_WITHDRAW_ENROLMENT, &body, NULL);
}

static inline Kumppani__V1__Reply *
gt_attend (const char *org, const char *session, const char *client, const char *attendance,
           uint32_t minutes, const char *key)
{
    Kumppani__V1__RecordAttendance body = KUMPPANI__V1__RECORD_ATTENDANCE__INIT;
    body.session_id = (char *) session;
    body.client_id = (char *) client;
    body.attendance = (char *) attendance;
    body.minutes = minutes;
    return gt_call (org, KUMPPANI__V1__REQUEST__BODY_RECORD_ATTENDANCE, &body, key);
}

//  A 743 placement's path up to its first day, as the municipality and
//  ngo-743 record it: an activation plan of 3 days a week valid to end,
//  and an agreement Monday, Wednesday, Friday from start to end.
static inline void
gt_placement_path (const char *placement, const char *start, const char *end)
{
    Kumppani__V1__RecordActivationPlan plan = KUMPPANI__V1__RECORD_ACTIVATION_PLAN__INIT;
    char *goals [] = { "daily_rhythm", "work_ability" };
    plan.placement_id = (char *) placement;
    plan.te_office_org = "te-743";
    plan.goals = goals;
    plan.n_goals = 2;
    plan.days_per_week = 3;
    plan.hours_per_day = 6;
    plan.valid_until = (char *) end;
    gt_done (gt_call ("muni-743", KUMPPANI__V1__REQUEST__BODY_RECORD_ACTIVATION_PLAN, &plan, NULL), GT_OK,
             NULL, NULL);
    Kumppani__V1__RecordAgreement agreement = KUMPPANI__V1__RECORD_AGREEMENT__INIT;
    uint32_t weekdays [] = { 1, 3, 5 };
    agreement.placement_id = (char *) placement;
    agreement.tasks = "kitchen and recycling centre";
    agreement.weekdays = weekdays;
    agreement.n_weekdays = 3;
    agreement.hours_per_day = 6;
    agreement.start_date = (char *) start;
    agreement.end_date = (char *) end;
    gt_done (gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_RECORD_AGREEMENT, &agreement, NULL), GT_OK,
             NULL, NULL);
}

#endif
