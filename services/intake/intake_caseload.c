/*  intake_caseload — a worker's caseload: ListCases (filters, keyset
    pages with a cursor bound to its query), FindCase by a referral id (a
    municipality without a stream consumer finds the case a notice
    opened), ReassignCase (the responsible worker changes; the history is
    kept), and what the case and client replies gain: the worker history,
    the last contact, the assessment clock, the client's case ids. Only
    cases the caller may see are listed: those of the municipalities it
    organises, for the roles that work them (intake_access). */
#include "intake_access.h"
#include "intake_case_row.h"
#include "intake_caseload.h"
#include "kp_calendar.h"
#include "kp_check.h"
#include "kp_db.h"
#include "kp_enum.h"
#include "kp_ids.h"
#include "kp_organiser.h"
#include "kp_outbox.h"
#include "kp_reply_vocab.h"
#include "kp_row.h"
#include "kp_server.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_DEFAULT    50
#define PAGE_MAX        100
#define NAME_MAX_LEN    200
#define REFERRALS_MAX   64
#define CURSOR_HASH_LEN 16

//  --------------------------------------------------------------------------
//  Events

int
intake_caseload_emit (kp_db_t *db, const char *case_id, const char *topic,
                      Kumppani__V1__IntakeEvent *payload)
{
    const char *values [] = { case_id };
    PGresult *row = kp_db_exec (db, "caseload_event_case", 1, values);
    PGresult *links = row ? kp_db_exec (db, "case_referral_ids", 1, values) : NULL;
    int rc = -1;
    if (!row || !links || PQntuples (row) == 0)
        goto cleanup;
    char *referral_ids [REFERRALS_MAX];
    size_t count = 0;
    for (int index = 0; index < PQntuples (links) && count < REFERRALS_MAX; index++)
        referral_ids [count++] = (char *) kp_row_text (links, index, KP_ROW_ONLY);
    payload->case_id = (char *) case_id;
    payload->client_id = (char *) kp_row_text (row, 0, EVENT_CASE_CLIENT_ID);
    payload->municipality = (char *) kp_row_text (row, 0, EVENT_CASE_MUNICIPALITY);
    payload->channel = kp_row_enum (row, 0, EVENT_CASE_CHANNEL, &kumppani__v1__case_channel__descriptor);
KP_LEGACY_FIELDS_BEGIN
    payload->state = (char *) kp_row_text (row, 0, EVENT_CASE_STATE);
    payload->closure_reason = (char *) kp_row_text (row, 0, EVENT_CASE_CLOSURE_REASON);
KP_LEGACY_FIELDS_END
    payload->state_enum = kp_row_enum (row, 0, EVENT_CASE_STATE, &kumppani__v1__case_state__descriptor);
    payload->closure_reason_enum = kp_row_enum (row, 0, EVENT_CASE_CLOSURE_REASON,
                                                &kumppani__v1__closure_reason__descriptor);
    payload->review_date = (char *) kp_row_text (row, 0, EVENT_CASE_REVIEW_DATE);
    payload->referral_ids = referral_ids;
    payload->n_referral_ids = count;
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.topic = (char *) topic;
    event.aggregate_id = (char *) case_id;
    event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_INTAKE;
    event.intake = payload;
    kp_event_scope_t scope = { .municipality = payload->municipality };
    rc = kp_outbox_append (db, &event, &scope) < 0 ? -1 : 0;
cleanup:
    PQclear (row);
    PQclear (links);
    return rc;
}

//  --------------------------------------------------------------------------
//  What the case and client replies gain

static void
s_measure_times (kp_call_t *call, Kumppani__V1__CaseReply *reply, PGresult *times)
{
    for (int row = 0; row < PQntuples (times); row++)
        for (size_t index = 0; index < reply->n_measures; index++) {
            Kumppani__V1__Measure *measure = reply->measures [index];
            if (strcmp (measure->measure_id, kp_row_text (times, row, TIMES_MEASURE_ID)) != 0)
                continue;
            measure->start_date = kp_call_strdup (call, kp_row_text (times, row, TIMES_START_DATE));
            measure->planned_end = kp_call_strdup (call, kp_row_text (times, row, TIMES_PLANNED_END));
            measure->ended_at = kp_call_strdup (call, kp_row_text (times, row, TIMES_ENDED_ON));
            measure->status = kp_row_enum (times, row, TIMES_STATUS, &kumppani__v1__measure_status__descriptor);
            measure->outcome = kp_row_enum (times, row, TIMES_OUTCOME, &kumppani__v1__measure_outcome__descriptor);
        }
}

int
intake_caseload_case_reply (kp_call_t *call, Kumppani__V1__CaseReply *reply)
{
    char today [11], months [8];
    kp_date_format (intake_today (), today);
    snprintf (months, sizeof months, "%d", intake_contact_due_months ());
    const char *id [] = { reply->case_id };
    const char *clock_values [] = { reply->case_id, today, months };
    PGresult *workers = kp_db_exec (call->db, "caseload_workers", 1, id);
    PGresult *clock = workers ? kp_db_exec (call->db, "caseload_clock", 3, clock_values) : NULL;
    PGresult *times = clock ? kp_db_exec (call->db, "caseload_measure_times", 1, id) : NULL;
    int rc = -1;
    if (!times) {
        kp_call_db_fail (call);
        goto cleanup;
    }
    int count = PQntuples (workers);
    reply->worker_history = kp_call_alloc (call, (size_t) (count + 1) * sizeof (void *));
    for (int row = 0; row < count; row++) {
        Kumppani__V1__WorkerPeriod *period = kp_call_alloc (call, sizeof *period);
        kumppani__v1__worker_period__init (period);
        period->worker = kp_call_strdup (call, kp_row_text (workers, row, WORKER_NAME));
        period->reason = kp_row_enum (workers, row, WORKER_REASON, &kumppani__v1__reassign_reason__descriptor);
KP_LEGACY_FIELDS_BEGIN
        period->assigned_at = kp_call_strdup (call, kp_row_text (workers, row, WORKER_ASSIGNED_AT));
KP_LEGACY_FIELDS_END
        period->assigned_at_us = kp_row_int (workers, row, WORKER_ASSIGNED_AT_US);
        period->assigned_by_org = kp_call_strdup (call, kp_row_text (workers, row, WORKER_ASSIGNED_BY_ORG));
        reply->worker_history [reply->n_worker_history++] = period;
    }
    if (PQntuples (clock) > 0) {
        Kumppani__V1__AssessmentClock *out = kp_call_alloc (call, sizeof *out);
        kumppani__v1__assessment_clock__init (out);
        out->pending_on = kp_call_strdup (call, kp_row_text (clock, 0, REPLY_CLOCK_PENDING_ON));
        out->urgent = kp_row_bool (clock, 0, REPLY_CLOCK_URGENT);
KP_LEGACY_FIELDS_BEGIN
        out->priority = kp_call_strdup (call, kp_row_text (clock, 0, REPLY_CLOCK_PRIORITY));
KP_LEGACY_FIELDS_END
        out->priority_enum = kp_row_enum (clock, 0, REPLY_CLOCK_PRIORITY, &kumppani__v1__clock_priority__descriptor);
        out->working_days = (int32_t) kp_row_int (clock, 0, REPLY_CLOCK_WORKING_DAYS);
        out->deadline = kp_call_strdup (call, kp_row_text (clock, 0, REPLY_CLOCK_DEADLINE));
        out->warning_on = kp_call_strdup (call, kp_row_text (clock, 0, REPLY_CLOCK_WARNING_ON));
        out->state = kp_row_enum (clock, 0, REPLY_CLOCK_STATE, &kumppani__v1__clock_state__descriptor);
        reply->assessment_clock = out;
        reply->last_contact_on = kp_call_strdup (call, kp_row_text (clock, 0, REPLY_CLOCK_LAST_CONTACT_ON));
        reply->contact_due_on = kp_call_strdup (call, kp_row_text (clock, 0, REPLY_CLOCK_CONTACT_DUE_ON));
    }
    s_measure_times (call, reply, times);
    rc = 0;
cleanup:
    PQclear (workers);
    PQclear (clock);
    PQclear (times);
    return rc;
}

int
intake_caseload_client_cases (kp_call_t *call, const char *client_id, Kumppani__V1__ClientReply *reply)
{
    //  The organiser sees its client's cases; another organisation only
    //  under a consent that discloses cases.
    if (!kp_organiser_of (call->identity, reply->attributes ? reply->attributes->municipality : NULL)) {
        const char *values [] = { client_id, call->identity->org_id, "case" };
        PGresult *permitted = kp_db_exec (call->db, "disclosure_permitted", 3, values);
        if (!permitted)
            return kp_call_db_fail (call);
        bool disclosed = PQntuples (permitted) > 0;
        PQclear (permitted);
        if (!disclosed)
            return 0;
    }
    const char *values [] = { client_id };
    PGresult *cases = kp_db_exec (call->db, "caseload_client_cases", 1, values);
    if (!cases)
        return kp_call_db_fail (call);
    int count = PQntuples (cases);
    reply->case_ids = kp_call_alloc (call, (size_t) (count + 1) * sizeof (char *));
    for (int row = 0; row < count; row++)
        reply->case_ids [reply->n_case_ids++] = kp_call_strdup (call, kp_row_text (cases, row, KP_ROW_ONLY));
    PQclear (cases);
    return 0;
}

int
intake_caseload_date (kp_call_t *call, const char *text, const char *field, kp_date_t *date, bool *given)
{
    *given = text && *text;
    if (*given && kp_date_parse (text, date))
        return kp_check_invalid (call, "intake.bad_date", field, "a date as YYYY-MM-DD");
    return 0;
}

//  --------------------------------------------------------------------------
//  ListCases

static const char *const s_states [] = {
    "opened", "assessment_started", "assessment_completed", "plan_made", "reviewed", "closed", NULL
};

//  The roles that work a municipality's cases (intake_access).
static bool
s_works_cases (kp_call_t *call)
{
    Kumppani__V1__Role role = call->request->actor ? call->request->actor->role
                                                   : KUMPPANI__V1__ROLE__ROLE_UNSPECIFIED;
    return role == KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER || role == KUMPPANI__V1__ROLE__ROLE_SOCIAL_INSTRUCTOR
        || role == KUMPPANI__V1__ROLE__ROLE_BENEFIT_PROCESSOR;
}

//  The municipalities the caller organises as a PostgreSQL array literal.
//  One per organiser today (kp_organiser); a county lists all of its own.
//  Every municipality the caller organises: 4 bytes each, so all 309
//  of Finland fit the buffer the caller gives.
static void
s_organised (kp_call_t *call, char *out, size_t size)
{
    bool fits = kp_organiser_municipalities (call->identity, out, size);
    assert (fits);
    (void) fits;
}

//  The query a cursor belongs to: FNV-1a over the caller and every filter.
//  A cursor carries it, so a page of another query is refused rather than
//  answered from a position that means nothing there.
static void
s_query_hash (kp_call_t *call, const Kumppani__V1__ListCases *body, char out [CURSOR_HASH_LEN + 1])
{
    char channel [12], clock [12];
    snprintf (channel, sizeof channel, "%d", (int) body->channel);
    snprintf (clock, sizeof clock, "%d", (int) body->clock_state);
    const char *parts [] = {
        call->identity->org_id, body->responsible_worker, body->state, channel, body->client_id,
        body->opened_from, body->opened_to, body->closed_from, body->closed_to, body->review_due_before,
        body->contact_due_before, clock, body->measurement_missing ? "m" : "", body->due_before
    };
    uint64_t hash = 14695981039346656037ULL;
    for (size_t index = 0; index < sizeof parts / sizeof parts [0]; index++) {
        for (const char *c = parts [index]; *c; c++)
            hash = (hash ^ (unsigned char) *c) * 1099511628211ULL;
        hash = (hash ^ 0x1f) * 1099511628211ULL;
    }
    snprintf (out, CURSOR_HASH_LEN + 1, "%016llx", (unsigned long long) hash);
}

static int
s_bad_filter (kp_call_t *call, const char *field, const char *message)
{
    return kp_check_invalid (call, "intake.bad_filter", field, message);
}

//  A date filter as a parameter: NULL for none.
static int
s_date_param (kp_call_t *call, const char *text, const char *field, const char **param)
{
    kp_date_t date;
    bool given;
    if (intake_caseload_date (call, text, field, &date, &given))
        return -1;
    *param = given ? text : NULL;
    return 0;
}

static Kumppani__V1__CaseSummary *
s_summary (kp_call_t *call, PGresult *result, int row)
{
    Kumppani__V1__CaseSummary *out = kp_call_alloc (call, sizeof *out);
    kumppani__v1__case_summary__init (out);
    out->case_id = kp_call_strdup (call, kp_row_text (result, row, LIST_CASE_ID));
    out->client_id = kp_call_strdup (call, kp_row_text (result, row, LIST_CLIENT_ID));
    out->municipality = kp_call_strdup (call, kp_row_text (result, row, LIST_MUNICIPALITY));
KP_LEGACY_FIELDS_BEGIN
    out->state = kp_call_strdup (call, kp_row_text (result, row, LIST_STATE));
KP_LEGACY_FIELDS_END
    out->state_enum = kp_row_enum (result, row, LIST_STATE, &kumppani__v1__case_state__descriptor);
    out->channel = kp_row_enum (result, row, LIST_CHANNEL, &kumppani__v1__case_channel__descriptor);
    out->responsible_worker = kp_call_strdup (call, kp_row_text (result, row, LIST_RESPONSIBLE_WORKER));
    out->opened_on = kp_call_strdup (call, kp_row_text (result, row, LIST_OPENED_ON));
    out->closed_on = kp_call_strdup (call, kp_row_text (result, row, LIST_CLOSED_ON));
    out->last_contact_on = kp_call_strdup (call, kp_row_text (result, row, LIST_LAST_CONTACT_ON));
    out->next_review_date = kp_call_strdup (call, kp_row_text (result, row, LIST_REVIEW_ON));
    out->contact_due_on = kp_call_strdup (call, kp_row_text (result, row, LIST_CONTACT_DUE_ON));
    out->assessment_deadline = kp_call_strdup (call, kp_row_text (result, row, LIST_DEADLINE));
    out->clock_state = kp_row_enum (result, row, LIST_CLOCK_STATE, &kumppani__v1__clock_state__descriptor);
KP_LEGACY_FIELDS_BEGIN
    out->next_due_kind = kp_call_strdup (call, kp_row_text (result, row, LIST_NEXT_DUE_KIND));
KP_LEGACY_FIELDS_END
    out->next_due_kind_enum = kp_row_enum (result, row, LIST_NEXT_DUE_KIND, &kumppani__v1__due_kind__descriptor);
    out->next_due_on = kp_call_strdup (call, kp_row_text (result, row, LIST_NEXT_ON));
    return out;
}

int
intake_caseload_list (kp_call_t *call)
{
    const Kumppani__V1__ListCases *body = call->request->list_cases;
    if (!s_works_cases (call))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, "intake.forbidden", NULL,
                             "case lists are for the social workers, instructors and benefit processors"
                             " of the organiser");
    if (body->page_size > PAGE_MAX)
        return s_bad_filter (call, "list_cases.page_size", "at most 100 per page");
    if (strlen (body->responsible_worker) > NAME_MAX_LEN)
        return s_bad_filter (call, "list_cases.responsible_worker", "a worker id, up to 200 bytes");
    bool state_known = !*body->state;
    for (size_t index = 0; s_states [index] && !state_known; index++)
        state_known = strcmp (body->state, s_states [index]) == 0;
    if (!state_known)
        return s_bad_filter (call, "list_cases.state",
                             "opened, assessment_started, assessment_completed, plan_made, reviewed or closed");
    char channel [KP_ENUM_CODE_MAX] = "", clock [KP_ENUM_CODE_MAX] = "";
    if (body->channel
    &&  !kp_enum_code (&kumppani__v1__case_channel__descriptor, (int) body->channel, channel, sizeof channel))
        return s_bad_filter (call, "list_cases.channel", "a CaseChannel");
    if (body->clock_state
    &&  !kp_enum_code (&kumppani__v1__clock_state__descriptor, (int) body->clock_state, clock, sizeof clock))
        return s_bad_filter (call, "list_cases.clock_state", "a ClockState");
    if (*body->client_id && !kp_id_valid (body->client_id))
        return s_bad_filter (call, "list_cases.client_id", "a client id");
    const char *dates [9];
    if (s_date_param (call, body->opened_from, "list_cases.opened_from", &dates [0])
    ||  s_date_param (call, body->opened_to, "list_cases.opened_to", &dates [1])
    ||  s_date_param (call, body->closed_from, "list_cases.closed_from", &dates [2])
    ||  s_date_param (call, body->closed_to, "list_cases.closed_to", &dates [3])
    ||  s_date_param (call, body->review_due_before, "list_cases.review_due_before", &dates [4])
    ||  s_date_param (call, body->contact_due_before, "list_cases.contact_due_before", &dates [5])
    ||  s_date_param (call, body->due_before, "list_cases.due_before", &dates [6]))
        return -1;
    char hash [CURSOR_HASH_LEN + 1], after [KP_ID_LEN + 1] = "";
    s_query_hash (call, body, hash);
    if (*body->cursor) {
        const char *dot = strchr (body->cursor, '.');
        if (!dot || (size_t) (dot - body->cursor) != CURSOR_HASH_LEN || !kp_id_valid (dot + 1))
            return kp_check_invalid (call, "intake.bad_cursor", "list_cases.cursor",
                                   "a next_cursor from an earlier page");
        if (strncmp (body->cursor, hash, CURSOR_HASH_LEN) != 0)
            return kp_check_invalid (call, "intake.bad_cursor", "list_cases.cursor",
                                   "this cursor belongs to another query: repeat its filters, or start over");
        snprintf (after, sizeof after, "%s", dot + 1);
    }
    char organised [2048];
    s_organised (call, organised, sizeof organised);
    if (*body->responsible_worker) {
        const char *values [] = { body->responsible_worker, organised };
        PGresult *known = kp_db_exec (call->db, "caseload_worker_known", 2, values);
        if (!known)
            return kp_call_db_fail (call);
        bool found = PQntuples (known) > 0;
        PQclear (known);
        if (!found)
            return kp_check_invalid (call, "intake.unknown_worker", "list_cases.responsible_worker",
                                   "no case here has ever had this responsible worker");
    }
    unsigned page = body->page_size ? body->page_size : PAGE_DEFAULT;
    char today [11], months [8], limit [8];
    kp_date_format (intake_today (), today);
    snprintf (months, sizeof months, "%d", intake_contact_due_months ());
    snprintf (limit, sizeof limit, "%u", page + 1);     //  one more tells whether a page follows
    const char *values [] = {
        organised, today, months, body->responsible_worker, body->state, channel, body->client_id,
        dates [0], dates [1], dates [2], dates [3], dates [4], dates [5], clock,
        body->measurement_missing ? "true" : "false", dates [6], after, limit
    };
    PGresult *result = kp_db_exec (call->db, "caseload_list", 18, values);
    if (!result)
        return kp_call_db_fail (call);
    int rows = PQntuples (result);
    int shown = rows > (int) page ? (int) page : rows;
    Kumppani__V1__CaseListReply *reply = kp_call_alloc (call, sizeof *reply);
    kumppani__v1__case_list_reply__init (reply);
    reply->cases = kp_call_alloc (call, sizeof (Kumppani__V1__CaseSummary *) * (size_t) (shown + 1));
    for (int row = 0; row < shown; row++) {
        //  Each listed client is a read of that client's data.
        if (kp_call_audit (call, kp_row_text (result, row, LIST_CLIENT_ID), NULL, NULL, "case list")) {
            PQclear (result);
            return kp_call_db_fail (call);
        }
        reply->cases [reply->n_cases++] = s_summary (call, result, row);
    }
    reply->next_cursor = "";
    if (rows > (int) page) {
        char *cursor = kp_call_alloc (call, CURSOR_HASH_LEN + KP_ID_LEN + 2);
        snprintf (cursor, CURSOR_HASH_LEN + KP_ID_LEN + 2, "%s.%s", hash, reply->cases [shown - 1]->case_id);
        reply->next_cursor = cursor;
    }
    PQclear (result);
    call->reply->body_case = KUMPPANI__V1__REPLY__BODY_CASE_LIST;
    call->reply->case_list = reply;
    return 0;
}

//  --------------------------------------------------------------------------
//  FindCase and ReassignCase

int
intake_caseload_find (kp_call_t *call)
{
    const Kumppani__V1__FindCase *body = call->request->find_case;
    if (!kp_id_valid (body->referral_id))
        return kp_check_invalid (call, "intake.referral_id", "find_case.referral_id", "a referral id");
    const char *values [] = { body->referral_id };
    PGresult *result = kp_db_exec (call->db, "caseload_find", 1, values);
    if (!result)
        return kp_call_db_fail (call);
    char case_id [KP_ID_LEN + 1] = "";
    if (PQntuples (result) > 0)
        snprintf (case_id, sizeof case_id, "%s", kp_row_text (result, 0, KP_ROW_ONLY));
    PQclear (result);
    if (!*case_id)
        return intake_not_found (call, INTAKE_CASE);
    //  A case the caller may not see fails exactly as no case at all.
    intake_case_row_t row;
    if (intake_case_lock (call, case_id, "find_case.referral_id", INTAKE_READ, "found by referral", &row))
        return -1;
    return intake_case_reply (call, row.case_id, NULL);
}

int
intake_caseload_reassign (kp_call_t *call)
{
    const Kumppani__V1__ReassignCase *body = call->request->reassign_case;
    intake_case_row_t row;
    if (intake_case_lock (call, body->case_id, "reassign_case.case_id", INTAKE_WRITE, "reassign", &row))
        return -1;
    if (!*body->responsible_worker || strlen (body->responsible_worker) > NAME_MAX_LEN)
        return kp_check_invalid (call, "intake.responsible_worker", "reassign_case.responsible_worker",
                               "the new responsible worker (omatyöntekijä), up to 200 bytes");
    char reason [KP_ENUM_CODE_MAX];
    if (!kp_enum_code (&kumppani__v1__reassign_reason__descriptor, (int) body->reason, reason, sizeof reason))
        return kp_check_invalid (call, "intake.reassign_reason", "reassign_case.reason", "why the case moves");
    if (strcmp (row.state, "closed") == 0)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "intake.case_closed", NULL,
                             "the case is closed");
    const char *id [] = { row.case_id };
    PGresult *current = kp_db_exec (call->db, "caseload_worker_of", 1, id);
    if (!current || PQntuples (current) == 0) {
        PQclear (current);
        return kp_call_db_fail (call);
    }
    char previous [NAME_MAX_LEN + 1];
    snprintf (previous, sizeof previous, "%s", kp_row_text (current, 0, KP_ROW_ONLY));
    PQclear (current);
    if (strcmp (previous, body->responsible_worker) == 0)
        return kp_check_invalid (call, "intake.same_worker", "reassign_case.responsible_worker",
                               "the case already has this responsible worker");
    const char *update [] = { row.case_id, body->responsible_worker };
    const char *history [] = { row.case_id, body->responsible_worker, reason, call->identity->org_id,
                               call->request->actor ? call->request->actor->person_id : "" };
    PGresult *updated = kp_db_exec (call->db, "caseload_reassign", 2, update);
    PGresult *inserted = updated ? kp_db_exec (call->db, "caseload_worker_insert", 5, history) : NULL;
    PQclear (updated);
    PQclear (inserted);
    if (!inserted)
        return kp_call_db_fail (call);
    Kumppani__V1__IntakeEvent payload = KUMPPANI__V1__INTAKE_EVENT__INIT;
    payload.responsible_worker = body->responsible_worker;
    payload.previous_worker = previous;
KP_LEGACY_FIELDS_BEGIN
    payload.reason = reason;
KP_LEGACY_FIELDS_END
    payload.reassign_reason_enum = body->reason;
    if (intake_caseload_emit (call->db, row.case_id, "intake.case_reassigned", &payload))
        return kp_call_db_fail (call);
    return intake_case_reply (call, row.case_id, NULL);
}
