/*  referral_record — a referral's row as the rules see it, and the three
    things every change does to it: move the state (and maybe stop the
    clock), append the history, emit the event. Handlers, the intake
    consumer and the deadline clock all go through here. */
#include "referral_chain.h"
#include "referral_fsm.h"
#include "referral_record.h"
#include "referral_sql.h"
#include "kp_calendar.h"
#include "kp_db.h"
#include "kp_enum.h"
#include "kp_outbox.h"
#include "kp_reply_vocab.h"
#include "kp_row.h"

#include <stdio.h>
#include <string.h>

void
referral_record_set_client_ref (referral_t *referral, const char *client_ref)
{
    //  The audit names a client pseudonymously; without a client ref the
    //  referral id stands for the client.
    snprintf (referral->client_ref, sizeof referral->client_ref, "%s", *client_ref ? client_ref : referral->id);
}

void
referral_record_from_row_at (PGresult *result, int row, referral_t *referral)
{
    memset (referral, 0, sizeof *referral);
    snprintf (referral->id, sizeof referral->id, "%s", kp_row_text (result, row, REF_ID));
    referral->kind = kp_row_enum (result, row, REF_KIND, &kumppani__v1__referral_kind__descriptor);
    referral->state = kp_row_enum (result, row, REF_STATE, &kumppani__v1__referral_state__descriptor);
    snprintf (referral->sender_org, sizeof referral->sender_org, "%s", kp_row_text (result, row, REF_SENDER_ORG));
    snprintf (referral->sender_type, sizeof referral->sender_type, "%s", kp_row_text (result, row, REF_SENDER_TYPE));
    snprintf (referral->recipient_org, sizeof referral->recipient_org, "%s",
              kp_row_text (result, row, REF_RECIPIENT_ORG));
    snprintf (referral->recipient_type, sizeof referral->recipient_type, "%s",
              kp_row_text (result, row, REF_RECIPIENT_TYPE));
    snprintf (referral->municipality, sizeof referral->municipality, "%s",
              kp_row_text (result, row, REF_MUNICIPALITY));
    referral->legal_basis = kp_row_enum (result, row, REF_LEGAL_BASIS, &kumppani__v1__legal_basis__descriptor);
    referral_record_set_client_ref (referral, kp_row_text (result, row, REF_CLIENT_REF));
    snprintf (referral->deadline, sizeof referral->deadline, "%s", kp_row_text (result, row, REF_DEADLINE));
    snprintf (referral->deadline_kind, sizeof referral->deadline_kind, "%s",
              kp_row_text (result, row, REF_DEADLINE_KIND));
    referral->urgent = kp_row_bool (result, row, REF_URGENT);
    referral->clock_running = kp_row_bool (result, row, REF_CLOCK_RUNNING);
    referral->consent_withdrawn = kp_row_bool (result, row, REF_CONSENT_WITHDRAWN);
    snprintf (referral->parent_id, sizeof referral->parent_id, "%s", kp_row_text (result, row, REF_PARENT_ID));
    snprintf (referral->root_id, sizeof referral->root_id, "%s", kp_row_text (result, row, REF_ROOT_ID));
    snprintf (referral->root_sender_org, sizeof referral->root_sender_org, "%s",
              kp_row_text (result, row, REF_ROOT_SENDER_ORG));
    referral->held_from = kp_row_enum (result, row, REF_HELD_FROM, &kumppani__v1__referral_state__descriptor);
    snprintf (referral->held_since, sizeof referral->held_since, "%s", kp_row_text (result, row, REF_HELD_SINCE));
    referral->held_days = (int) kp_row_int (result, row, REF_HELD_DAYS);
}

void
referral_record_from_row (PGresult *result, referral_t *referral)
{
    referral_record_from_row_at (result, 0, referral);
}

int
referral_record_load (kp_db_t *db, const char *id, bool lock, referral_t *referral)
{
    const char *values [] = { id };
    PGresult *result = kp_db_exec (db, lock ? "referral_load_locked" : "referral_load", 1, values);
    if (!result)
        return -1;
    int found = PQntuples (result) == 1;
    if (found)
        referral_record_from_row (result, referral);
    PQclear (result);
    return found;
}

int
referral_record_transition (kp_db_t *db, referral_t *referral,
                            const referral_transition_t *transition,
                            const referral_actor_t *actor, const char *operation,
                            const char *reason_code, const char *note)
{
    Kumppani__V1__ReferralState from = referral->state;
    Kumppani__V1__ReferralState to = referral_fsm_target (transition, from);
    bool stop = referral->clock_running && referral_fsm_stops_clock (transition, referral->deadline_kind);
    char today [11], from_code [KP_ENUM_CODE_MAX], to_code [KP_ENUM_CODE_MAX];
    kp_date_format (kp_db_today (db), today);
    //  NULL for a state the enum lacks: the column's NOT NULL refuses it.
    const char *from_text = kp_enum_code (&kumppani__v1__referral_state__descriptor, (int) from,
                                          from_code, sizeof from_code);
    const char *to_text = kp_enum_code (&kumppani__v1__referral_state__descriptor, (int) to,
                                        to_code, sizeof to_code);
    const char *move [] = { referral->id, to_text, stop ? "true" : "false", today };
    PGresult *result = kp_db_exec (db, "referral_move", 4, move);
    if (!result)
        return -1;
    PQclear (result);
    const char *history [] = {
        referral->id, operation, from_text, to_text, actor->org, actor->person, actor->role,
        reason_code ? reason_code : "", note ? note : ""
    };
    result = kp_db_exec (db, "referral_history_insert", 9, history);
    if (!result)
        return -1;
    PQclear (result);
    referral->state = to;
    if (stop)
        referral->clock_running = false;
    return 0;
}

void
referral_record_event (const referral_t *referral, const char *topic,
                       Kumppani__V1__ReferralState previous, const char *reason_code,
                       referral_event_t *out)
{
    Kumppani__V1__ReferralEvent *payload = &out->payload;
    kumppani__v1__referral_event__init (payload);
    payload->referral_id = (char *) referral->id;
    payload->kind = referral->kind;
    payload->state = referral->state;
    payload->previous_state = previous;
    payload->municipality = (char *) referral->municipality;
    payload->sender_org = (char *) referral->sender_org;
    payload->sender_type = (char *) referral->sender_type;
    payload->recipient_org = (char *) referral->recipient_org;
    payload->recipient_type = (char *) referral->recipient_type;
    payload->deadline = referral->clock_running ? (char *) referral->deadline : "";
KP_LEGACY_FIELDS_BEGIN
    payload->deadline_kind = referral->clock_running ? (char *) referral->deadline_kind : "";
KP_LEGACY_FIELDS_END
    payload->deadline_kind_enum = referral->clock_running
                                ? kp_enum_value (&kumppani__v1__deadline_kind__descriptor, referral->deadline_kind) : 0;
    payload->reason_code = (char *) (reason_code ? reason_code : "");
    payload->urgent = referral->urgent;
    payload->parent_referral_id = (char *) referral->parent_id;
    payload->root_referral_id = (char *) referral->root_id;
    payload->held_working_days = (uint32_t) referral->held_days;
    kumppani__v1__event__init (&out->event);
    out->event.topic = (char *) topic;
    out->event.aggregate_id = (char *) referral->id;
    out->event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_REFERRAL;
    out->event.referral = payload;
    //  Kela (and any sender) sees its own referrals' events on the stream.
    out->scope = (kp_event_scope_t) {
        .municipality = referral->municipality,
        .sender_org = referral->sender_org,
        .recipient_org = referral->recipient_org
    };
}

int
referral_record_emit (kp_db_t *db, const referral_t *referral, const char *topic,
                      Kumppani__V1__ReferralState previous, const char *reason_code)
{
    referral_event_t emitted;
    referral_record_event (referral, topic, previous, reason_code, &emitted);
    if (kp_outbox_append (db, &emitted.event, &emitted.scope) < 0)
        return -1;
    //  Closing is its own fact for subscribers that follow only closures.
    if (referral->state == KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_CLOSED
    &&  previous != referral->state && strcmp (topic, "referral.closed") != 0) {
        emitted.event.topic = "referral.closed";
        emitted.event.occurred_at = 0;
        if (kp_outbox_append (db, &emitted.event, &emitted.scope) < 0)
            return -1;
    }
    //  A forwarded referral's news reaches the chain's first sender too.
    return *referral->root_id ? referral_chain_emit (db, referral, topic, previous, reason_code) : 0;
}

const char *
referral_basis_name (Kumppani__V1__LegalBasis basis)
{
    switch (basis) {
        case KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CONSENT:        return "consent";
        case KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_SECTION_35:     return "social_welfare_act_35";
        case KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CLIENT_REQUEST: return "client_request";
        default:                                                    return "";
    }
}
