/*  referral_hold — the receiver pauses a referral (HoldReferral, with a
    reason) and resumes it (ResumeReferral) to the state it was held from.
    Held working days do not count: the deadline watch skips a held
    referral, and at the end of the hold a running clock's deadline moves
    by the working days it was held (kp_calendar: weekends and holidays
    are no working days either way). */
#include "referral_access.h"
#include "referral_cancel.h"
#include "referral_deadline.h"
#include "referral_fsm.h"
#include "referral_handlers.h"
#include "referral_hold.h"
#include "referral_limits.h"
#include "referral_read.h"
#include "referral_record.h"
#include "kp_calendar.h"
#include "kp_db.h"
#include "kp_enum.h"
#include "kp_server.h"

#include <stdio.h>
#include <string.h>

int
referral_hold_end (kp_db_t *db, referral_t *referral)
{
    kp_date_t since, today = kp_db_today (db);
    if (kp_date_parse (referral->held_since, &since))
        since = today;              //  the CHECK keeps held_since with held_from: not reached
    int held = referral_deadline_held_days (since, today);
    char days [16], deadline [11], warning [11];
    snprintf (days, sizeof days, "%d", held);
    kp_date_t current;
    bool move = referral->clock_running && held > 0 && kp_date_parse (referral->deadline, &current) == 0;
    if (move) {
        kp_date_t moved = referral_deadline_moved (current, held);
        kp_date_format (moved, deadline);
        kp_date_format (referral_deadline_previous_working_day (moved), warning);
    }
    const char *values [] = { referral->id, days, move ? deadline : NULL, move ? warning : NULL };
    PGresult *result = kp_db_exec (db, "referral_hold_end", 4, values);
    if (!result)
        return -1;
    PQclear (result);
    if (move)
        snprintf (referral->deadline, sizeof referral->deadline, "%s", deadline);
    referral->held_days += held;
    referral->held_since [0] = 0;
    referral->held_from = KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_UNSPECIFIED;
    return 0;
}

//  Hold and resume are the receiver's.
static int
s_receiver (kp_call_t *call, const referral_t *referral)
{
    if (referral_access_is_recipient (call->identity, referral))
        return 0;
    return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, "referral.forbidden",
                         NULL, "only the receiving organisation may do this");
}

static int
s_illegal (kp_call_t *call, const referral_t *referral)
{
    char message [128];
    snprintf (message, sizeof message, "not possible while the referral is %s",
              referral_state_name (referral->state));
    return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "referral.illegal_transition",
                         NULL, kp_call_strdup (call, message));
}

//  The step's last part: audit (the sender learns of it), view, event.
static int
s_finish (kp_call_t *call, referral_t *referral, const char *topic, Kumppani__V1__ReferralState previous,
          const char *reason_code)
{
    if (kp_call_audit (call, referral->client_ref, referral_basis_name (referral->legal_basis),
                       referral->sender_org, referral->id))
        return kp_call_db_fail (call);
    if (referral_read_view (call, referral, false))
        return -1;
    if (referral_record_emit (call->db, referral, topic, previous, reason_code))
        return kp_call_db_fail (call);
    return 0;
}

int
referral_hold (kp_call_t *call)
{
    const Kumppani__V1__HoldReferral *body = call->request->hold_referral;
    referral_t referral;
    if (referral_find_for (call, "hold_referral", body->referral_id, &referral) || s_receiver (call, &referral)
    ||  referral_check_reason (call, "hold_referral", body->reason_code, body->note))
        return -1;
    const referral_transition_t *transition = referral_fsm_find (REFERRAL_OP_HOLD, referral.kind, referral.state);
    if (!transition)
        return s_illegal (call, &referral);
    Kumppani__V1__ReferralState previous = referral.state;
    char today [11], from_code [KP_ENUM_CODE_MAX];
    kp_date_format (kp_db_today (call->db), today);
    const char *values [] = {
        referral.id, kp_enum_code (&kumppani__v1__referral_state__descriptor, (int) previous,
                                   from_code, sizeof from_code), today
    };
    referral_actor_t actor = {
        call->identity->org_id, call->request->actor->person_id, kp_role_name (call->request->actor->role)
    };
    PGresult *result = kp_db_exec (call->db, "referral_hold_start", 3, values);
    if (!result)
        return kp_call_db_fail (call);
    PQclear (result);
    if (referral_record_transition (call->db, &referral, transition, &actor, call->operation,
                                    body->reason_code, body->note))
        return kp_call_db_fail (call);
    return s_finish (call, &referral, transition->topic, previous, body->reason_code);
}

int
referral_resume (kp_call_t *call)
{
    const Kumppani__V1__ResumeReferral *body = call->request->resume_referral;
    referral_t referral;
    if (referral_find_for (call, "resume_referral", body->referral_id, &referral) || s_receiver (call, &referral))
        return -1;
    if (strlen (body->note) > REFERRAL_NOTE_MAX)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "referral.note_too_long",
                             "resume_referral.note", "at most 2000 bytes of note");
    const referral_transition_t *row = referral_fsm_find (REFERRAL_OP_RESUME, referral.kind, referral.state);
    if (!row || referral.held_from == KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_UNSPECIFIED)
        return s_illegal (call, &referral);
    //  The table's row with its target: the state the hold came from.
    referral_transition_t transition = *row;
    transition.to = referral.held_from;
    Kumppani__V1__ReferralState previous = referral.state;
    referral_actor_t actor = {
        call->identity->org_id, call->request->actor->person_id, kp_role_name (call->request->actor->role)
    };
    if (referral_hold_end (call->db, &referral)
    ||  referral_record_transition (call->db, &referral, &transition, &actor, call->operation, "", body->note))
        return kp_call_db_fail (call);
    return s_finish (call, &referral, transition.topic, previous, "");
}
