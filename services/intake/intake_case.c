/*  intake_case — the client process's steps (SOS): open a case through a
    channel with a named responsible worker (omatyöntekijä), start and
    complete the service-need assessment with its initial survey, make and
    review the client plan, close with a reason. Which step is legal when
    is intake_case_fsm's table; this file does the writing and the events. */
#include "intake_access.h"
#include "intake_case_fsm.h"
#include "intake_case_row.h"
#include "intake_caseload.h"
#include "intake_events.h"
#include "intake_handlers.h"
#include "intake_snapshot.h"
#include "intake_sql.h"
#include "kp_alloc.h"
#include "kp_calendar.h"
#include "kp_check.h"
#include "kp_db.h"
#include "kp_enum.h"
#include "kp_ids.h"
#include "kp_outbox.h"
#include "kp_reply_vocab.h"
#include "kp_row.h"
#include "kp_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_MAX        4000
#define NAME_MAX_LEN    200
#define REFERRALS_MAX   64

//  --------------------------------------------------------------------------
//  Events

//  The event of a case from what is known of it (a reply or a case_view
//  row): nothing is read for it.
static int
s_emit (kp_db_t *db, const char *topic, const Kumppani__V1__IntakeEvent *known)
{
    Kumppani__V1__IntakeEvent payload = *known;
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.topic = (char *) topic;
    event.aggregate_id = payload.case_id;
    event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_INTAKE;
    event.intake = &payload;
    kp_event_scope_t scope = { .municipality = payload.municipality };
    return kp_outbox_append (db, &event, &scope) < 0 ? -1 : 0;
}

//  Splits a case_view's space-separated referral ids in place (the
//  result's own storage: it is cleared right after).
static size_t
s_split_ids (char *ids, char **out, size_t max)
{
    size_t count = 0;
    for (char *save = NULL, *id = strtok_r (ids, " ", &save); id && count < max; id = strtok_r (NULL, " ", &save))
        out [count++] = id;
    return count;
}

int
intake_case_emit (kp_db_t *db, const char *case_id, const char *topic, const char *review_date)
{
    const char *values [] = { case_id };
    PGresult *row = kp_db_exec (db, "case_view", 1, values);
    if (!row || PQntuples (row) == 0) {
        PQclear (row);
        return -1;
    }
    int rc = intake_case_emit_view (db, row, 0, case_id, topic, review_date);
    PQclear (row);
    return rc;
}

int
intake_case_emit_view (kp_db_t *db, PGresult *view, int row_index, const char *case_id, const char *topic,
                       const char *review_date)
{
    //  The row's text is split in place: a copy of the one column.
    char *ids = kp_strdup (kp_row_text (view, row_index, CASE_REFERRAL_IDS));
    char *referral_ids [REFERRALS_MAX];
    Kumppani__V1__IntakeEvent payload = KUMPPANI__V1__INTAKE_EVENT__INIT;
    payload.case_id = (char *) case_id;
    payload.client_id = (char *) kp_row_text (view, row_index, CASE_CLIENT_ID);
    payload.municipality = (char *) kp_row_text (view, row_index, CASE_MUNICIPALITY);
    payload.channel = kp_row_enum (view, row_index, CASE_CHANNEL, &kumppani__v1__case_channel__descriptor);
KP_LEGACY_FIELDS_BEGIN
    payload.state = (char *) kp_row_text (view, row_index, CASE_STATE);
    payload.closure_reason = (char *) kp_row_text (view, row_index, CASE_CLOSURE_REASON);
KP_LEGACY_FIELDS_END
    payload.state_enum = kp_row_enum (view, row_index, CASE_STATE, &kumppani__v1__case_state__descriptor);
    payload.closure_reason_enum = kp_row_enum (view, row_index, CASE_CLOSURE_REASON, &kumppani__v1__closure_reason__descriptor);
    payload.review_date = (char *) (review_date ? review_date : kp_row_text (view, row_index, CASE_NEXT_REVIEW_DATE));
    payload.referral_ids = referral_ids;
    payload.n_referral_ids = s_split_ids (ids, referral_ids, REFERRALS_MAX);
    int rc = s_emit (db, topic, &payload);
    free (ids);
    return rc;
}

//  The call's case reply, then the case's event built from it (events go
//  last: the outbox holds the stream's counter lock until commit). One
//  read of the case for both.
static int
s_reply_and_emit (kp_call_t *call, const char *case_id, const char *topic, const char *review_date)
{
    if (intake_case_reply (call, case_id, NULL))
        return -1;
    const Kumppani__V1__CaseReply *reply = call->reply->intake_case;
    Kumppani__V1__IntakeEvent payload = KUMPPANI__V1__INTAKE_EVENT__INIT;
    payload.case_id = reply->case_id;
    payload.client_id = reply->client_id;
    payload.municipality = reply->municipality;
    payload.channel = reply->channel;
KP_LEGACY_FIELDS_BEGIN
    payload.state = reply->state;
    payload.closure_reason = reply->closure_reason;
KP_LEGACY_FIELDS_END
    payload.state_enum = reply->state_enum;
    payload.closure_reason_enum = reply->closure_reason_enum;
    payload.review_date = (char *) (review_date ? review_date : reply->next_review_date);
    payload.referral_ids = reply->referral_ids;
    payload.n_referral_ids = reply->n_referral_ids < REFERRALS_MAX ? reply->n_referral_ids : REFERRALS_MAX;
    return s_emit (call->db, topic, &payload) ? kp_call_db_fail (call) : 0;
}

int
intake_case_insert (kp_db_t *db, const char *case_id, const char *client_id,
                    const char *municipality, const char *channel,
                    const char *responsible_worker, const char *opened_by_org)
{
    const char *values [] = { case_id, client_id, municipality, channel, responsible_worker, opened_by_org };
    PGresult *result = kp_db_exec (db, "case_insert", 6, values);
    PQclear (result);
    //  Every way a case opens comes through here, so every case has its
    //  start snapshot and its assessment clock.
    return result && intake_snapshot_take (db, case_id, "start") == 0
        ? intake_clock_set (db, case_id, false, false, NULL, NULL) : -1;
}

//  --------------------------------------------------------------------------
//  The reply: the case as stored, with its survey, plan, ecomap, measures.

//  A part's column in a case_details row (INTAKE_DETAILS_ROW): X of the
//  part's own spec.
static const char *
s_part (const PGresult *details, int row, int column)
{
    return kp_row_text (details, row, DETAILS_C1 + column);
}

//  The plan from a case_details row.
static Kumppani__V1__Plan *
s_plan_from (kp_call_t *call, PGresult *details, int row)
{
    Kumppani__V1__Plan *out = kp_call_alloc (call, sizeof *out);
    kumppani__v1__plan__init (out);
    out->version = atoi (s_part (details, row, PLAN_VERSION));
    out->goals = kp_call_strdup (call, s_part (details, row, PLAN_GOALS));
    out->situational_factors = kp_call_strdup (call, s_part (details, row, PLAN_SITUATIONAL_FACTORS));
    out->services = kp_call_strdup (call, s_part (details, row, PLAN_SERVICES));
    out->methods = kp_call_strdup (call, s_part (details, row, PLAN_METHODS));
    char *participants = kp_call_strdup (call, s_part (details, row, PLAN_PARTICIPANTS));
    size_t count = *participants ? 1 : 0;
    for (char *c = participants; *c; c++)
        count += *c == '\n';
    out->participants = kp_call_alloc (call, (count + 1) * sizeof (char *));
    for (char *next = participants; count && next; ) {
        out->participants [out->n_participants++] = next;
        next = strchr (next, '\n');
        if (next)
            *next++ = '\0';
    }
    out->evaluation_method = kp_call_strdup (call, s_part (details, row, PLAN_EVALUATION_METHOD));
    out->next_review_date = kp_call_strdup (call, s_part (details, row, PLAN_NEXT_REVIEW_DATE));
    out->client_view = kp_call_strdup (call, s_part (details, row, PLAN_CLIENT_VIEW));
    out->worker_view = kp_call_strdup (call, s_part (details, row, PLAN_WORKER_VIEW));
    return out;
}

//  Sections of case_details (intake_sql.c).
enum { S_SURVEY = 1, S_PLAN = 2, S_ECOMAP = 3, S_MEASURES = 4 };

int
intake_case_reply (kp_call_t *call, const char *case_id, const char *created_id)
{
    const char *values [] = { case_id };
    PGresult *row = kp_db_exec (call->db, "case_view", 1, values);
    PGresult *details = NULL;
    int rc = -1;
    if (!row || !(details = kp_db_exec (call->db, "case_details", 1, values))) {
        kp_call_db_fail (call);
        goto cleanup;
    }
    if (PQntuples (row) == 0) {
        kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_NOT_FOUND, "intake.unknown_case", NULL, "no such case");
        goto cleanup;
    }
    Kumppani__V1__CaseReply *reply = kp_call_alloc (call, sizeof *reply);
    kumppani__v1__case_reply__init (reply);
    reply->case_id = kp_call_strdup (call, case_id);
    reply->client_id = kp_call_strdup (call, kp_row_text (row, 0, CASE_CLIENT_ID));
    reply->municipality = kp_call_strdup (call, kp_row_text (row, 0, CASE_MUNICIPALITY));
    reply->channel = kp_row_enum (row, 0, CASE_CHANNEL, &kumppani__v1__case_channel__descriptor);
    reply->responsible_worker = kp_call_strdup (call, kp_row_text (row, 0, CASE_RESPONSIBLE_WORKER));
KP_LEGACY_FIELDS_BEGIN
    reply->state = kp_call_strdup (call, kp_row_text (row, 0, CASE_STATE));
    reply->opened_at = kp_call_strdup (call, kp_row_text (row, 0, CASE_OPENED_AT));
    reply->closed_at = kp_call_strdup (call, kp_row_text (row, 0, CASE_CLOSED_AT));
    reply->closure_reason = kp_call_strdup (call, kp_row_text (row, 0, CASE_CLOSURE_REASON));
KP_LEGACY_FIELDS_END
    reply->state_enum = kp_row_enum (row, 0, CASE_STATE, &kumppani__v1__case_state__descriptor);
    reply->opened_at_us = kp_row_int (row, 0, CASE_OPENED_AT_US);
    reply->closed_at_us = kp_row_int (row, 0, CASE_CLOSED_AT_US);
    reply->closure_reason_enum = kp_row_enum (row, 0, CASE_CLOSURE_REASON, &kumppani__v1__closure_reason__descriptor);
    reply->next_review_date = kp_call_strdup (call, kp_row_text (row, 0, CASE_NEXT_REVIEW_DATE));
    reply->created_id = kp_call_strdup (call, created_id ? created_id : "");

    char *ids = kp_call_strdup (call, kp_row_text (row, 0, CASE_REFERRAL_IDS));
    size_t count = *ids ? 1 : 0;
    for (const char *c = ids; *c; c++)
        count += *c == ' ';
    reply->referral_ids = kp_call_alloc (call, (count + 1) * sizeof (char *));
    reply->n_referral_ids = s_split_ids (ids, reply->referral_ids, count);

    //  Each part's rows at most: the arrays are sized by the whole result.
    size_t rows = (size_t) PQntuples (details) + 1;
    reply->survey = kp_call_alloc (call, rows * sizeof (void *));
    reply->ecomap = kp_call_alloc (call, rows * sizeof (void *));
    reply->measures = kp_call_alloc (call, rows * sizeof (void *));
    for (int index = 0; index < PQntuples (details); index++) {
        int section = (int) kp_row_int (details, index, DETAILS_SECTION);
        if (section == S_SURVEY) {
            Kumppani__V1__SurveyEntry *entry = kp_call_alloc (call, sizeof *entry);
            kumppani__v1__survey_entry__init (entry);
            entry->domain = kp_enum_value (&kumppani__v1__survey_domain__descriptor, s_part (details, index, DOMAIN_DOMAIN));
            entry->need = kp_call_strdup (call, s_part (details, index, DOMAIN_NEED));
            entry->strengths = kp_call_strdup (call, s_part (details, index, DOMAIN_STRENGTHS));
            reply->survey [reply->n_survey++] = entry;
        }
        else
        if (section == S_PLAN)
            reply->plan = s_plan_from (call, details, index);
        else
        if (section == S_ECOMAP) {
            Kumppani__V1__EcomapEntry *entry = kp_call_alloc (call, sizeof *entry);
            kumppani__v1__ecomap_entry__init (entry);
            entry->entry_id = kp_call_strdup (call, s_part (details, index, ECOMAP_ENTRY_ID));
            entry->kind = kp_enum_value (&kumppani__v1__ecomap_kind__descriptor, s_part (details, index, ECOMAP_KIND));
            entry->label = kp_call_strdup (call, s_part (details, index, ECOMAP_LABEL));
            entry->direction = kp_enum_value (&kumppani__v1__ecomap_direction__descriptor, s_part (details, index, ECOMAP_DIRECTION));
            entry->strength = atoi (s_part (details, index, ECOMAP_STRENGTH));
            entry->role = kp_enum_value (&kumppani__v1__ecomap_role__descriptor, s_part (details, index, ECOMAP_ROLE));
            reply->ecomap [reply->n_ecomap++] = entry;
        }
        else
        if (section == S_MEASURES) {
            Kumppani__V1__Measure *measure = kp_call_alloc (call, sizeof *measure);
            kumppani__v1__measure__init (measure);
            measure->measure_id = kp_call_strdup (call, s_part (details, index, MEASURE_ID));
            measure->kind = kp_enum_value (&kumppani__v1__measure_kind__descriptor, s_part (details, index, MEASURE_KIND));
            measure->description = kp_call_strdup (call, s_part (details, index, MEASURE_DESCRIPTION));
            measure->responsible_person = kp_call_strdup (call, s_part (details, index, MEASURE_RESPONSIBLE_PERSON));
            measure->linked_ref = kp_call_strdup (call, s_part (details, index, MEASURE_LINKED_REF));
            reply->measures [reply->n_measures++] = measure;
        }
    }
    if (intake_caseload_case_reply (call, reply))
        goto cleanup;
    call->reply->body_case = KUMPPANI__V1__REPLY__BODY_INTAKE_CASE;
    call->reply->intake_case = reply;
    rc = 0;
cleanup:
    PQclear (row);
    PQclear (details);
    return rc;
}

//  --------------------------------------------------------------------------
//  Locking a case and checking who may touch it.

int
intake_case_lock (kp_call_t *call, const char *case_id, const char *field, intake_access_t access,
                  const char *detail, intake_case_row_t *row)
{
    if (!kp_id_valid (case_id))
        return kp_check_invalid (call, "intake.case_id", field, "a case id");
    const char *values [] = { case_id };
    PGresult *result = kp_db_exec (call->db, access == INTAKE_READ ? "case_get" : "case_lock", 1, values);
    if (!result)
        return kp_call_db_fail (call);
    if (PQntuples (result) == 0) {
        PQclear (result);
        return intake_not_found (call, INTAKE_CASE);
    }
    snprintf (row->case_id, sizeof row->case_id, "%s", case_id);
    //  case_get's row starts with case_lock's: the same indices for both.
    snprintf (row->client_id, sizeof row->client_id, "%s", kp_row_text (result, 0, CASE_CLIENT_ID));
    snprintf (row->municipality, sizeof row->municipality, "%s", kp_row_text (result, 0, CASE_MUNICIPALITY));
    snprintf (row->state, sizeof row->state, "%s", kp_row_text (result, 0, CASE_STATE));
    PQclear (result);
    const char *basis, *recipient;
    if (intake_access_check (call, row->client_id, row->municipality, access, "case", INTAKE_CASE,
                             &basis, &recipient))
        return -1;
    char audit_detail [128];
    snprintf (audit_detail, sizeof audit_detail, "case %s%s%s", case_id, detail ? " " : "", detail ? detail : "");
    if (kp_call_audit (call, row->client_id, basis, recipient, audit_detail))
        return kp_call_db_fail (call);
    return 0;
}

//  Locks the case, checks access and that step is legal now; sets *next.
static int
s_step (kp_call_t *call, const char *case_id, const char *field, const char *step,
        intake_case_row_t *row, const intake_case_transition_t **next)
{
    if (intake_case_lock (call, case_id, field, INTAKE_WRITE, step, row))
        return -1;
    *next = intake_case_fsm_find (row->state, step);
    if (!*next) {
        char message [160];
        snprintf (message, sizeof message, "the case is %s: %s is not allowed now", row->state, step);
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "intake.illegal_transition",
                             NULL, message);
    }
    return 0;
}

//  Moves the case to the transition's state and emits its event.
static int
s_finish (kp_call_t *call, const intake_case_row_t *row, const intake_case_transition_t *next)
{
    const char *values [] = { row->case_id, next->to };
    PGresult *result = kp_db_exec (call->db, "case_set_state", 2, values);
    if (!result)
        return kp_call_db_fail (call);
    PQclear (result);
    return s_reply_and_emit (call, row->case_id, next->topic, NULL);
}

static bool
s_text_ok (const char *text, size_t max)
{
    return strlen (text) <= max;
}

//  --------------------------------------------------------------------------
//  Handlers

int
intake_case_open (kp_call_t *call)
{
    const Kumppani__V1__OpenCase *body = call->request->open_case;
    char channel [KP_ENUM_CODE_MAX];
    if (!kp_id_valid (body->client_id))
        return kp_check_invalid (call, "intake.client_id", "open_case.client_id", "a client id");
    //  Whose client it is first: the rest of the body is checked only for
    //  a caller who may see the client (the others learn nothing).
    char municipality [16];
    if (intake_client_municipality (call, body->client_id, municipality, sizeof municipality))
        return -1;
    const char *basis, *recipient;
    if (intake_access_check (call, body->client_id, municipality, INTAKE_WRITE, NULL, INTAKE_CLIENT,
                             &basis, &recipient))
        return -1;
    if (!kp_enum_code (&kumppani__v1__case_channel__descriptor, (int) body->channel, channel, sizeof channel))
        return kp_check_invalid (call, "intake.channel", "open_case.channel", "how the case came in");
    if (!*body->responsible_worker || !s_text_ok (body->responsible_worker, NAME_MAX_LEN))
        return kp_check_invalid (call, "intake.responsible_worker", "open_case.responsible_worker",
                                 "the case needs a named responsible worker (omatyöntekijä)");
    char case_id [KP_ID_LEN + 1];
    kp_id_new (case_id);
    char detail [64];
    snprintf (detail, sizeof detail, "case %s opened", case_id);
    if (intake_case_insert (call->db, case_id, body->client_id, municipality, channel,
                            body->responsible_worker, call->identity->org_id)
    ||  ((body->urgent || body->highest_care_allowance)
         && intake_clock_set (call->db, case_id, body->urgent, body->highest_care_allowance, NULL, NULL))
    ||  kp_call_audit (call, body->client_id, basis, recipient, detail))
        return kp_call_db_fail (call);
    return s_reply_and_emit (call, case_id, "intake.case_opened", NULL);
}

int
intake_case_start_assessment (kp_call_t *call)
{
    const Kumppani__V1__StartAssessment *body = call->request->start_assessment;
    intake_case_row_t row;
    const intake_case_transition_t *next;
    if (s_step (call, body->case_id, "start_assessment.case_id", "start_assessment", &row, &next))
        return -1;
    const char *values [] = { row.case_id };
    PGresult *result = kp_db_exec (call->db, "assessment_start", 1, values);
    if (!result)
        return kp_call_db_fail (call);
    PQclear (result);
    return s_finish (call, &row, next);
}

int
intake_case_complete_assessment (kp_call_t *call)
{
    const Kumppani__V1__CompleteAssessment *body = call->request->complete_assessment;
    char field [96], domain [KP_ENUM_CODE_MAX];
    unsigned seen = 0;
    intake_case_row_t row;
    const intake_case_transition_t *next;
    if (s_step (call, body->case_id, "complete_assessment.case_id", "complete_assessment", &row, &next))
        return -1;
    for (size_t index = 0; index < body->n_survey; index++) {
        const Kumppani__V1__SurveyEntry *entry = body->survey [index];
        int value = (int) entry->domain;
        if (!kp_enum_code (&kumppani__v1__survey_domain__descriptor, value, domain, sizeof domain)
        ||  (seen & (1u << value))) {
            snprintf (field, sizeof field, "complete_assessment.survey[%zu].domain", index);
            return kp_check_invalid (call, "intake.survey_domain", field, "a survey domain, each once");
        }
        seen |= 1u << value;
        //  Resource-based (voimavaralähtöinen): a domain records the need,
        //  the strengths, or both, never neither.
        if ((!*entry->need && !*entry->strengths)
        ||  !s_text_ok (entry->need, TEXT_MAX) || !s_text_ok (entry->strengths, TEXT_MAX)) {
            snprintf (field, sizeof field, "complete_assessment.survey[%zu].strengths", index);
            return kp_check_invalid (call, "intake.survey_text", field,
                                     "a need or strengths description, up to 4000 bytes each");
        }
    }
    if (!s_text_ok (body->summary, TEXT_MAX))
        return kp_check_invalid (call, "intake.summary", "complete_assessment.summary", "up to 4000 bytes");
    for (size_t index = 0; index < body->n_survey; index++) {
        const Kumppani__V1__SurveyEntry *entry = body->survey [index];
        kp_enum_code (&kumppani__v1__survey_domain__descriptor, (int) entry->domain, domain, sizeof domain);
        const char *values [] = { row.case_id, domain, entry->need, entry->strengths };
        PGresult *result = kp_db_exec (call->db, "assessment_domain_insert", 4, values);
        if (!result)
            return kp_call_db_fail (call);
        PQclear (result);
    }
    const char *values [] = { row.case_id, body->summary };
    PGresult *result = kp_db_exec (call->db, "assessment_complete", 2, values);
    if (!result)
        return kp_call_db_fail (call);
    PQclear (result);
    return s_finish (call, &row, next);
}

//  The latest review date a plan may name: twelve months ahead (the SOS
//  model reviews at least once a year); 29 February falls back to the 28th.
static kp_date_t
s_review_limit (kp_call_t *call)
{
    int year, month, day;
    kp_date_to_ymd (kp_db_today (call->db), &year, &month, &day);
    while (!kp_date_valid (year + 1, month, day))
        day--;
    return kp_date_from_ymd (year + 1, month, day);
}

//  Validates a plan; review_date gets its (defaulted) next review date and
//  participants the names joined by newlines.
static int
s_plan (kp_call_t *call, const char *body_name, const Kumppani__V1__Plan *plan,
        char *review_date, char **participants)
{
    char field [96];
    if (!plan) {
        snprintf (field, sizeof field, "%s.plan", body_name);
        return kp_check_invalid (call, "intake.plan", field, "the plan is missing");
    }
    const char *texts [] = { plan->goals, plan->situational_factors, plan->services, plan->methods,
                             plan->evaluation_method, plan->client_view, plan->worker_view };
    const char *names [] = { "goals", "situational_factors", "services", "methods",
                             "evaluation_method", "client_view", "worker_view" };
    for (int index = 0; index < 7; index++)
        if (!s_text_ok (texts [index], TEXT_MAX) || (index == 0 && !*texts [index])) {
            snprintf (field, sizeof field, "%s.plan.%s", body_name, names [index]);
            return kp_check_invalid (call, "intake.plan_text", field,
                                     index == 0 ? "the plan needs goals" : "up to 4000 bytes");
        }
    size_t size = 1;
    for (size_t index = 0; index < plan->n_participants; index++) {
        const char *name = plan->participants [index];
        if (!*name || !s_text_ok (name, NAME_MAX_LEN) || strchr (name, '\n')) {
            snprintf (field, sizeof field, "%s.plan.participants[%zu]", body_name, index);
            return kp_check_invalid (call, "intake.participant", field, "1-200 bytes on one line");
        }
        size += strlen (name) + 1;
    }
    *participants = kp_call_alloc (call, size);
    for (size_t index = 0; index < plan->n_participants; index++) {
        if (index)
            strcat (*participants, "\n");
        strcat (*participants, plan->participants [index]);
    }
    kp_date_t limit = s_review_limit (call), date = limit;
    if (*plan->next_review_date
    &&  (kp_date_parse (plan->next_review_date, &date) || date < kp_db_today (call->db) || date > limit)) {
        snprintf (field, sizeof field, "%s.plan.next_review_date", body_name);
        return kp_check_invalid (call, "intake.review_date", field,
                                 "a date from today to at most 12 months ahead");
    }
    kp_date_format (date, review_date);
    return 0;
}

static int
s_store_plan (kp_call_t *call, const intake_case_row_t *row, const intake_case_transition_t *next,
              const Kumppani__V1__Plan *plan, const char *review_date, const char *participants,
              const char *evaluation)
{
    const char *values [] = {
        row->case_id, plan->goals, plan->situational_factors, plan->services, plan->methods,
        participants, plan->evaluation_method, review_date, plan->client_view, plan->worker_view,
        evaluation, call->request->actor->person_id
    };
    PGresult *result = kp_db_exec (call->db, "plan_insert", 12, values);
    if (!result)
        return kp_call_db_fail (call);
    PQclear (result);
    const char *state [] = { row->case_id, next->to, review_date };
    result = kp_db_exec (call->db, "case_set_review", 3, state);
    if (!result)
        return kp_call_db_fail (call);
    PQclear (result);
    return s_reply_and_emit (call, row->case_id, next->topic, review_date);
}

int
intake_case_make_plan (kp_call_t *call)
{
    const Kumppani__V1__MakePlan *body = call->request->make_plan;
    char review_date [11], *participants;
    intake_case_row_t row;
    const intake_case_transition_t *next;
    if (s_step (call, body->case_id, "make_plan.case_id", "make_plan", &row, &next)
    ||  s_plan (call, "make_plan", body->plan, review_date, &participants))
        return -1;
    return s_store_plan (call, &row, next, body->plan, review_date, participants, "");
}

int
intake_case_review_plan (kp_call_t *call)
{
    const Kumppani__V1__ReviewPlan *body = call->request->review_plan;
    char review_date [11], *participants;
    intake_case_row_t row;
    const intake_case_transition_t *next;
    if (s_step (call, body->case_id, "review_plan.case_id", "review_plan", &row, &next))
        return -1;
    if (!*body->evaluation || !s_text_ok (body->evaluation, TEXT_MAX))
        return kp_check_invalid (call, "intake.evaluation", "review_plan.evaluation",
                                 "the joint evaluation against the goals, up to 4000 bytes");
    if (s_plan (call, "review_plan", body->plan, review_date, &participants))
        return -1;
    return s_store_plan (call, &row, next, body->plan, review_date, participants, body->evaluation);
}

int
intake_case_close (kp_call_t *call)
{
    const Kumppani__V1__CloseCase *body = call->request->close_case;
    char reason [KP_ENUM_CODE_MAX];
    intake_case_row_t row;
    const intake_case_transition_t *next;
    if (s_step (call, body->case_id, "close_case.case_id", "close", &row, &next))
        return -1;
    if (!kp_enum_code (&kumppani__v1__closure_reason__descriptor, (int) body->reason, reason, sizeof reason)
    ||  !intake_case_fsm_is_closure_reason (reason))
        return kp_check_invalid (call, "intake.closure_reason", "close_case.reason", "why the case closes");
    if (!s_text_ok (body->final_evaluation, TEXT_MAX))
        return kp_check_invalid (call, "intake.final_evaluation", "close_case.final_evaluation",
                                 "up to 4000 bytes");
    const char *values [] = { row.case_id, reason, body->final_evaluation };
    PGresult *result = kp_db_exec (call->db, "case_close", 3, values);
    if (!result)
        return kp_call_db_fail (call);
    PQclear (result);
    if (intake_snapshot_take (call->db, row.case_id, "exit"))
        return kp_call_db_fail (call);
    return s_reply_and_emit (call, row.case_id, next->topic, NULL);
}

int
intake_case_get (kp_call_t *call)
{
    const Kumppani__V1__GetCase *body = call->request->get_case;
    intake_case_row_t row;
    if (intake_case_lock (call, body->case_id, "get_case.case_id", INTAKE_READ, NULL, &row))
        return -1;
    return intake_case_reply (call, row.case_id, NULL);
}
