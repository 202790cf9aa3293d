/*  referral_statement — Kela asks the receiving municipality for a social
    services statement (sosiaalihuollon lausunto) on one of its notices by
    a due date; GiveStatement answers the open request (a statement may
    still be given unasked). An unanswered request has its own clock: the
    breach watch sends referral.statement_overdue once the due date has
    passed, exactly once, because breach_sent_at is set in the transaction
    that appends the event (an imported request already due when it is
    imported sends none: migration 0036). The request's note and the statement are
    client data: they stay in the referral schema, never in an event. */
#include "referral_access.h"
#include "referral_exchange.h"
#include "referral_fsm.h"
#include "referral_handlers.h"
#include "referral_limits.h"
#include "referral_read.h"
#include "referral_record.h"
#include "referral_statement.h"
#include "kp_calendar.h"
#include "kp_db.h"
#include "kp_enum.h"
#include "kp_ids.h"
#include "kp_outbox.h"
#include "kp_row.h"
#include "kp_server.h"
#include "kp_watch.h"

#include <stdio.h>
#include <string.h>

#define STATEMENT_TICK_MAX 200

static const referral_actor_t s_watch = { "referral", "", "ROLE_SERVICE" };

//  An event about a request: the referral's own payload plus the
//  request's id and due date (the referral's deadline stays its own clock).
static int
s_emit (kp_db_t *db, const referral_t *referral, const char *topic, const char *request_id,
        const char *due_on)
{
    referral_event_t emitted;
    referral_record_event (referral, topic, referral->state, "", &emitted);
    emitted.payload.statement_request_id = (char *) request_id;
    emitted.payload.statement_due = (char *) due_on;
    return kp_outbox_append (db, &emitted.event, &emitted.scope) < 0 ? -1 : 0;
}

int
referral_request_statement (kp_call_t *call)
{
    const Kumppani__V1__RequestStatement *body = call->request->request_statement;
    if (!kp_id_valid (body->referral_id))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "referral.bad_id",
                             "request_statement.referral_id", "a referral id (26 characters)");
    referral_t referral;
    int found = referral_record_load (call->db, body->referral_id, true, &referral);
    if (found < 0)
        return kp_call_db_fail (call);
    //  Not found and not yours look the same: existence is not disclosed.
    if (!found || !referral_access_may_see (call->identity, &referral))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_NOT_FOUND, "referral.not_found",
                             "request_statement.referral_id", "no such referral");
    if (strcmp (call->identity->org_id, referral.sender_org) != 0)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, "referral.forbidden",
                             NULL, "only the sending Kela office may ask for a statement");
    kp_date_t today = kp_db_today (call->db), due;
    if (kp_date_parse (body->due_on, &due))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "referral.bad_due_date",
                             "request_statement.due_on", "the due date as YYYY-MM-DD");
    if (due < today)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "referral.due_date_past",
                             "request_statement.due_on", "the due date is before today");
    if (due > today + REFERRAL_STATEMENT_DUE_MAX_DAYS)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "referral.due_date_too_far",
                             "request_statement.due_on", "at most 90 days ahead");
    if (strlen (body->note) > REFERRAL_NOTE_MAX)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "referral.note_too_long",
                             "request_statement.note", "at most 2000 bytes of note");
    //  The statement would disclose the client to Kela: not asked for once
    //  it could not be given.
    if (!referral_access_disclosure_allowed (&referral))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, "referral.consent_withdrawn",
                             NULL, "the client withdrew the consent this referral rests on");
    if (!referral_fsm_kind_allows (REFERRAL_OP_REQUEST_STATEMENT, referral.kind))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "referral.wrong_kind",
                             "request_statement", "a statement is asked only on Kela's notices");
    const referral_transition_t *transition = referral_fsm_find (REFERRAL_OP_REQUEST_STATEMENT,
                                                                 referral.kind, referral.state);
    if (!transition) {
        char message [128];
        snprintf (message, sizeof message, "not possible while the referral is %s",
                  referral_state_name (referral.state));
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "referral.illegal_transition",
                             NULL, message);
    }
    char request_id [KP_ID_LEN + 1], due_text [11];
    kp_id_new (request_id);
    kp_date_format (due, due_text);
    referral_actor_t actor = {
        call->identity->org_id, call->request->actor->person_id, kp_role_name (call->request->actor->role)
    };
    //  An imported request due before the import's own day: its state
    //  shows, no breach goes out now (migration 0036).
    bool past = kp_db_imported (call->db) && due < kp_date_today ();
    const char *values [] = {
        request_id, referral.id, actor.org, actor.person, actor.role, due_text, body->note, past ? "true" : "false"
    };
    PGresult *result = kp_db_exec (call->db, "referral_statement_request_insert", 8, values);
    if (!result)
        return kp_call_db_fail (call);
    bool inserted = PQntuples (result) == 1;
    PQclear (result);
    if (!inserted)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "referral.statement_already_requested",
                             NULL, "a statement request on this referral is still unanswered");
    //  The note lives with the request; the history says only that it was asked.
    if (referral_record_transition (call->db, &referral, transition, &actor, call->operation, "statement", ""))
        return kp_call_db_fail (call);
    if (kp_call_audit (call, referral.client_ref, referral_basis_name (referral.legal_basis),
                       referral.recipient_org, request_id))
        return kp_call_db_fail (call);
    if (referral_read_view (call, &referral, false))
        return -1;
    if (s_emit (call->db, &referral, transition->topic, request_id, due_text))
        return kp_call_db_fail (call);
    return 0;
}

int
referral_statement_fill_view (kp_call_t *call, Kumppani__V1__ReferralView *view, bool show_notes)
{
    char today [11];
    kp_date_format (kp_db_today (call->db), today);
    const char *values [] = { view->referral_id, today };
    PGresult *result = kp_db_exec (call->db, "referral_statement_requests", 2, values);
    if (!result)
        return kp_call_db_fail (call);
    int rows = PQntuples (result);
    view->statement_requests = kp_call_alloc (call, sizeof (Kumppani__V1__StatementRequest *) * (size_t) (rows + 1));
    view->n_statement_requests = (size_t) rows;
    for (int row = 0; row < rows; row++) {
        Kumppani__V1__StatementRequest *request = kp_call_alloc (call, sizeof *request);
        kumppani__v1__statement_request__init (request);
        request->request_id = kp_call_strdup (call, kp_row_text (result, row, SR_REQUEST_ID));
        request->requested_by_org = kp_call_strdup (call, kp_row_text (result, row, SR_REQUESTED_BY_ORG));
        request->due_on = kp_call_strdup (call, kp_row_text (result, row, SR_DUE_ON));
        request->requested_at = kp_row_int (result, row, SR_REQUESTED_AT);
        request->answered_at = kp_row_int (result, row, SR_ANSWERED_AT);
        request->note = show_notes ? kp_call_strdup (call, kp_row_text (result, row, SR_NOTE)) : "";
        request->breach_notified = kp_row_bool (result, row, SR_BREACH_NOTIFIED);
        //  Shown as the referral's own statement is: to both parties.
        request->statement = kp_call_strdup (call, kp_row_text (result, row, SR_STATEMENT));
        //  The SQL's label is the enum's (kp_enum: "answered_late").
        request->state = kp_enum_value (&kumppani__v1__statement_request_state__descriptor,
                                        kp_row_text (result, row, SR_STATE));
        view->statement_requests [row] = request;
    }
    PQclear (result);
    return 0;
}

//  One overdue request, in its own transaction.
static int
s_one_breach (kp_db_t *db, void *arg)
{
    bool *idle = arg;
    char today [11];
    kp_date_format (kp_date_today (), today);      //  the process clock, as referral_clock's
    const char *values [] = { today };
    PGresult *result = kp_db_exec (db, "referral_statement_due", 1, values);
    if (!result)
        return -1;
    if (PQntuples (result) == 0) {
        PQclear (result);
        *idle = true;
        return 0;
    }
    char request_id [KP_ID_LEN + 1], referral_id [KP_ID_LEN + 1], due_on [11];
    snprintf (request_id, sizeof request_id, "%s", kp_row_text (result, 0, SD_REQUEST_ID));
    snprintf (referral_id, sizeof referral_id, "%s", kp_row_text (result, 0, SD_REFERRAL_ID));
    snprintf (due_on, sizeof due_on, "%s", kp_row_text (result, 0, SD_DUE_ON));
    PQclear (result);
    const char *mark [] = { request_id };
    result = kp_db_exec (db, "referral_statement_breached", 1, mark);
    if (!result)
        return -1;
    bool first = PQntuples (result) == 1;
    PQclear (result);
    if (!first)
        return 0;                   //  answered or notified meanwhile
    referral_t referral;
    if (referral_record_load (db, referral_id, false, &referral) != 1)
        return -1;
    char state_code [KP_ENUM_CODE_MAX];
    const char *state = kp_enum_code (&kumppani__v1__referral_state__descriptor, (int) referral.state,
                                      state_code, sizeof state_code);
    const char *history [] = {
        referral.id, "referral.statement_overdue", state, state, s_watch.org, s_watch.person, s_watch.role,
        "statement", ""
    };
    if (kp_db_run (db, "referral_history_insert", 9, history))
        return -1;
    return s_emit (db, &referral, "referral.statement_overdue", request_id, due_on);
}

int
referral_statement_tick (kp_db_t *db)
{
    bool idle = false;
    return kp_watch_run (db, "statement watch", s_one_breach, &idle, &idle, STATEMENT_TICK_MAX);
}
