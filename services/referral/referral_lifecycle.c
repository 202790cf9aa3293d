/*  referral_lifecycle — what the receiver does with a referral: acknowledge,
    assign, report status, accept or decline, record the outcome, give Kela
    its statement, record the decision on a transferred application. Each
    is one step through referral_fsm, one history row, one event; only the
    receiving organisation may take it. */
#include "referral_access.h"
#include "referral_fsm.h"
#include "referral_handlers.h"
#include "referral_limits.h"
#include "referral_read.h"
#include "referral_record.h"
#include "kp_check.h"
#include "kp_db.h"
#include "kp_disclosure.h"
#include "kp_enum.h"
#include "kp_ids.h"
#include "kp_server.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const char *body;               //  the body's field name, for error paths
    const char *referral_id;
    referral_op_t op;
    const char *reason_code;        //  optional unless required
    bool reason_required;
    const char *note;
    bool discloses;                 //  tells the sender about the client: needs a live basis
    //  an extra column update in the same transaction ($1 is the referral id)
    const char *statement;
    int nvalues;
    const char *values [3];
    //  what the handler found wrong with the rest of its body, told only
    //  to a caller who may see the referral (code NULL: nothing wrong)
    const char *invalid_code, *invalid_field, *invalid_message;
} s_step_t;

static char *
s_path (kp_call_t *call, const char *body, const char *field)
{
    char path [96];
    snprintf (path, sizeof path, "%s.%s", body, field);
    return kp_call_strdup (call, path);
}

//  Notes what is wrong with the body for s_step to tell, after access.
static void
s_invalid (s_step_t *step, const char *code, const char *field, const char *message)
{
    step->invalid_code = code;
    step->invalid_field = field;
    step->invalid_message = message;
}

//  Every step tells the sender about the client (s_step audits it as a
//  disclosure to it). About a client intake keeps (the referral opened or
//  joined its case) it goes through the one check and is logged: the
//  sender's own consent is the sender's to hold, but the client's ban
//  binds. 0, or -1 with the call failed.
static int
s_check_disclosure (kp_call_t *call, const referral_t *referral)
{
    const char *basis = KP_DISCLOSURE_CLIENT_REQUEST;
    if (referral->legal_basis == KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CONSENT)
        basis = KP_DISCLOSURE_RECIPIENT_CONSENT;
    else
    if (referral->legal_basis == KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_SECTION_35)
        basis = KP_DISCLOSURE_SECTION_35;
    kp_disclosure_t disclosure = {
        .referral_id = referral->id, .recipient_org = referral->sender_org, .scope = "referral",
        .basis = basis, .consent_ref = "", .object_id = referral->id
    };
    return kp_disclosure_allow (call, &disclosure, NULL);
}

//  The referral first, then the body: who may not see the referral gets
//  the reply an unknown id gets, whatever else the body holds.
static int
s_step (kp_call_t *call, const s_step_t *step)
{
    if (!kp_id_valid (step->referral_id))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "referral.bad_id",
                             s_path (call, step->body, "referral_id"), "a referral id (26 characters)");
    referral_t referral;
    int found = referral_record_load (call->db, step->referral_id, true, &referral);
    if (found < 0)
        return kp_call_db_fail (call);
    //  Not found and not yours look the same: existence is not disclosed.
    if (!found || !referral_access_may_see (call->identity, &referral))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_NOT_FOUND, "referral.not_found",
                             s_path (call, step->body, "referral_id"), "no such referral");
    if (!referral_access_is_recipient (call->identity, &referral))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, "referral.forbidden",
                             NULL, "only the receiving organisation may do this");
    if (step->invalid_code)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, step->invalid_code,
                             step->invalid_field, step->invalid_message);
    if ((step->reason_required || *step->reason_code) && !kp_check_code (step->reason_code, REFERRAL_CODE_MAX))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "referral.bad_reason_code",
                             s_path (call, step->body, "reason_code"), "1-64 of a-z 0-9 _");
    if (strlen (step->note) > REFERRAL_NOTE_MAX)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "referral.note_too_long",
                             s_path (call, step->body, "note"), "at most 2000 bytes of note");
    if (s_check_disclosure (call, &referral))
        return -1;
    if (step->discloses && !referral_access_disclosure_allowed (&referral))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, "referral.consent_withdrawn",
                             NULL, "the client withdrew the consent this referral rests on");
    if (!referral_fsm_kind_allows (step->op, referral.kind))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "referral.wrong_kind",
                             step->body, "this operation does not apply to this kind of referral");
    const referral_transition_t *transition = referral_fsm_find (step->op, referral.kind, referral.state);
    if (!transition) {
        char message [128];
        snprintf (message, sizeof message, "not possible while the referral is %s",
                  referral_state_name (referral.state));
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "referral.illegal_transition",
                             NULL, message);
    }

    Kumppani__V1__ReferralState previous = referral.state;
    referral_actor_t actor = {
        call->identity->org_id, call->request->actor->person_id, kp_role_name (call->request->actor->role)
    };
    if (referral_record_transition (call->db, &referral, transition, &actor, call->operation,
                                    step->reason_code, step->note))
        return kp_call_db_fail (call);
    if (step->statement) {
        const char *values [4] = { referral.id, step->values [0], step->values [1], step->values [2] };
        PGresult *result = kp_db_exec (call->db, step->statement, step->nvalues + 1, values);
        if (!result)
            return kp_call_db_fail (call);
        PQclear (result);
    }
    //  The receiver's answer reaches the sender: a disclosure to it.
    if (kp_call_audit (call, referral.client_ref, referral_basis_name (referral.legal_basis),
                       referral.sender_org, referral.id))
        return kp_call_db_fail (call);
    if (referral_read_view (call, &referral, false))
        return -1;
    if (referral_record_emit (call->db, &referral, transition->topic, previous, step->reason_code))
        return kp_call_db_fail (call);
    return 0;
}

int
referral_acknowledge (kp_call_t *call)
{
    const Kumppani__V1__AcknowledgeReferral *body = call->request->acknowledge_referral;
    s_step_t step = { "acknowledge_referral", body->referral_id, REFERRAL_OP_ACKNOWLEDGE, "", false, body->note };
    return s_step (call, &step);
}

int
referral_assign (kp_call_t *call)
{
    const Kumppani__V1__AssignReferral *body = call->request->assign_referral;
    size_t len = strlen (body->worker_id);
    s_step_t step = { "assign_referral", body->referral_id, REFERRAL_OP_ASSIGN, "", false, body->note,
                      false, "referral_set_worker", 1, { body->worker_id } };
    if (len == 0 || len > 64)
        s_invalid (&step, "referral.worker_required", "assign_referral.worker_id",
                   "the responsible worker's id (1-64 bytes)");
    return s_step (call, &step);
}

int
referral_update_status (kp_call_t *call)
{
    const Kumppani__V1__UpdateReferralStatus *body = call->request->update_referral_status;
    int op = referral_fsm_status_op (body->status);
    s_step_t step = { "update_referral_status", body->referral_id, (referral_op_t) op,
                      body->reason_code, false, body->note };
    if (op < 0)
        s_invalid (&step, "referral.bad_status", "update_referral_status.status",
                   "client contacted, assessment booked / started / completed, unreachable,"
                   " no need or transferred");
    return s_step (call, &step);
}

int
referral_decline (kp_call_t *call)
{
    const Kumppani__V1__DeclineReferral *body = call->request->decline_referral;
    s_step_t step = { "decline_referral", body->referral_id, REFERRAL_OP_DECLINE,
                      body->reason_code, true, body->note };
    return s_step (call, &step);
}

int
referral_accept (kp_call_t *call)
{
    const Kumppani__V1__AcceptReferral *body = call->request->accept_referral;
    s_step_t step = { "accept_referral", body->referral_id, REFERRAL_OP_ACCEPT, "", false, body->note };
    return s_step (call, &step);
}

int
referral_record_outcome (kp_call_t *call)
{
    const Kumppani__V1__RecordReferralOutcome *body = call->request->record_referral_outcome;
    s_step_t step = { "record_referral_outcome", body->referral_id, REFERRAL_OP_RECORD_OUTCOME,
                      body->outcome_code, false, body->note, true,
                      "referral_set_outcome", 1, { body->outcome_code } };
    if (!kp_check_code (body->outcome_code, REFERRAL_CODE_MAX))
        s_invalid (&step, "referral.bad_outcome_code", "record_referral_outcome.outcome_code",
                   "1-64 of a-z 0-9 _");
    return s_step (call, &step);
}

int
referral_give_statement (kp_call_t *call)
{
    const Kumppani__V1__GiveStatement *body = call->request->give_statement;
    size_t len = strlen (body->statement);
    s_step_t step = { "give_statement", body->referral_id, REFERRAL_OP_GIVE_STATEMENT, "", false, "",
                      true, "referral_set_statement", 1, { body->statement } };
    if (len == 0 || len > REFERRAL_STATEMENT_MAX)
        s_invalid (&step, "referral.bad_statement", "give_statement.statement", "1-4000 bytes of statement");
    return s_step (call, &step);
}

int
referral_record_decision (kp_call_t *call)
{
    const Kumppani__V1__RecordApplicationDecision *body = call->request->record_application_decision;
    char decision_code [KP_ENUM_CODE_MAX];
    //  NULL for a value the enum lacks; refused below before it is used.
    const char *decision = kp_enum_code (&kumppani__v1__application_decision__descriptor,
                                         (int) body->decision, decision_code, sizeof decision_code);
    s_step_t step = { "record_application_decision", body->referral_id, REFERRAL_OP_RECORD_DECISION,
                      "", false, body->note, true,
                      "referral_set_decision", 2, { decision, body->decision_id } };
    size_t len = strlen (body->decision_id);
    if (body->decision <= KUMPPANI__V1__APPLICATION_DECISION__APPLICATION_DECISION_UNSPECIFIED
    ||  body->decision > KUMPPANI__V1__APPLICATION_DECISION__APPLICATION_DECISION_REJECTED)
        s_invalid (&step, "referral.bad_decision", "record_application_decision.decision",
                   "granted, partly granted or rejected");
    else
    if (len == 0 || len > 64)
        s_invalid (&step, "referral.decision_id_required", "record_application_decision.decision_id",
                   "the decision's id (1-64 bytes)");
    return s_step (call, &step);
}
