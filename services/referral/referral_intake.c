/*  referral_intake — the closed loop's return path. intake.assessment_started
    names the referrals behind the case: each moves to ASSESSMENT_STARTED
    (its clock stops, Kela sees a status change). intake.consent_withdrawn
    names the referrals resting on the withdrawn consent, and
    intake.disclosure_banned those a ban concerns: they disclose nothing
    more, however many (an event names at most intake's page of ids; every
    referral that rests on the consent, or went to the banned organisation
    after the check, is reached by one statement). Replays are harmless: a
    referral already past the step is left as it is. */
#include "referral_fsm.h"
#include "referral_intake.h"
#include "referral_record.h"
#include "kp_alloc.h"
#include "kp_audit.h"
#include "kp_db.h"
#include "kp_ids.h"
#include "kp_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const referral_actor_t s_intake = { "intake", "", "ROLE_SERVICE" };

static bool
s_assessment_begun (Kumppani__V1__ReferralState state)
{
    return state == KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_ASSESSMENT_STARTED
        || state == KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_ASSESSMENT_COMPLETED
        || state == KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_ACCEPTED
        || state == KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_CLOSED;
}

static int
s_audit (kp_db_t *db, const char *action, const referral_t *referral)
{
    kp_audit_entry_t entry = {
        .org_id = s_intake.org, .person_id = "", .role = s_intake.role, .action = action,
        .client_ref = referral->client_ref, .basis = referral_basis_name (referral->legal_basis),
        .recipient_org = referral->sender_org, .detail = referral->id
    };
    return kp_audit_append (db, &entry);
}

//  Moves one referral; 0 also when there is nothing to do.
static int
s_assessment_started (kp_db_t *db, const char *id, referral_t *referral,
                      const referral_transition_t **emit, Kumppani__V1__ReferralState *before)
{
    *emit = NULL;
    int found = referral_record_load (db, id, true, referral);
    if (found <= 0)
        return found;               //  not ours (0) or a database error (-1)
    if (s_assessment_begun (referral->state))
        return 0;
    const referral_transition_t *transition =
        referral_fsm_find (REFERRAL_OP_START_ASSESSMENT, referral->kind, referral->state);
    if (!transition) {
        kp_warn ("referral %s is %s: intake's assessment start does not apply", id,
                 referral_state_name (referral->state));
        return 0;
    }
    *before = referral->state;
    if (referral_record_transition (db, referral, transition, &s_intake,
                                    "intake.assessment_started", "", "")
    ||  s_audit (db, "referral.assessment_started_by_intake", referral))
        return -1;
    *emit = transition;
    return 0;
}

//  A withdrawal or a ban: the referrals the event names (sent by the
//  counterparty about the client), and every referral the check let go
//  out that rests on the consent (withdrawal) or went to the banned
//  organisation (ban). A ban does not stop §35 notices: the law's duty.
static int
s_stop_disclosure (kp_db_t *db, const Kumppani__V1__Event *event, bool banned)
{
    const Kumppani__V1__IntakeEvent *intake = event->intake;
    //  A ban of another kind of data leaves the referrals as they are.
    if (banned && *intake->scope && strcmp (intake->scope, "referral") != 0)
        return 0;
    for (size_t index = 0; index < intake->n_referral_ids; index++) {
        const char *id = intake->referral_ids [index];
        if (!kp_id_valid (id))
            continue;               //  not a referral id: nothing of ours to stop
        if (banned) {
            referral_t referral;
            int found = referral_record_load (db, id, true, &referral);
            if (found < 0)
                return -1;
            if (!found || referral.legal_basis == KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_SECTION_35)
                continue;
        }
        const char *values [] = { id };
        PGresult *result = kp_db_exec (db, banned ? "referral_banned" : "referral_consent_withdrawn",
                                       1, values);
        if (!result)
            return -1;
        PQclear (result);
    }
    PGresult *result;
    if (banned) {
        const char *values [] = { intake->client_id, intake->counterparty_org, intake->scope };
        result = kp_db_exec (db, "referral_banned_resting", 3, values);
    }
    else {
        const char *values [] = { event->aggregate_id };
        result = kp_db_exec (db, "referral_consent_withdrawn_resting", 1, values);
    }
    if (!result)
        return -1;
    PQclear (result);
    return 0;
}

int
referral_intake_on_event (kp_db_t *db, const Kumppani__V1__Event *event, void *arg,
                          char *error, size_t error_size)
{
    (void) arg;
    if (event->payload_case != KUMPPANI__V1__EVENT__PAYLOAD_INTAKE || !event->intake) {
        snprintf (error, error_size, "%s carries no IntakeEvent", event->topic);
        return -2;
    }
    const Kumppani__V1__IntakeEvent *intake = event->intake;
    bool started = strcmp (event->topic, "intake.assessment_started") == 0;
    bool withdrawn = strcmp (event->topic, "intake.consent_withdrawn") == 0;
    bool banned = strcmp (event->topic, "intake.disclosure_banned") == 0;
    if (!started && !withdrawn && !banned)
        return 0;
    if (withdrawn || banned)
        return s_stop_disclosure (db, event, banned);
    //  Events go out last (the outbox holds the counter lock to commit),
    //  so the moves are done first and the events after.
    size_t size = intake->n_referral_ids ? intake->n_referral_ids : 1;
    referral_t *moved = kp_malloc (size * sizeof *moved);
    Kumppani__V1__ReferralState *previous = kp_malloc (size * sizeof *previous);
    const referral_transition_t **steps = kp_malloc (size * sizeof *steps);
    int rc = -1;
    if (!moved || !previous || !steps) {
        snprintf (error, error_size, "out of memory for %zu referrals", intake->n_referral_ids);
        goto cleanup;
    }
    size_t count = 0;
    for (size_t index = 0; index < intake->n_referral_ids; index++) {
        const char *id = intake->referral_ids [index];
        if (!kp_id_valid (id))
            continue;               //  not a referral id: nothing of ours to move
        if (s_assessment_started (db, id, &moved [count], &steps [count], &previous [count]))
            goto cleanup;
        if (steps [count])
            count++;
    }
    for (size_t index = 0; index < count; index++)
        if (referral_record_emit (db, &moved [index], steps [index]->topic, previous [index],
                                  "assessment_started_by_intake"))
            goto cleanup;
    rc = 0;
cleanup:
    free (moved);
    free (previous);
    free (steps);
    return rc;
}
