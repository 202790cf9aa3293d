/*  groups_participant_measure — AVAIN and Kykyviisari for participants
    without a case: the organiser records the form a participant filled in
    at the start and at the end of one of its groups. The scales and their
    check are intake's (kp_instrument); one start and one end per
    participant, group and instrument version, the end after the start:
    the pair the outcomes report counts as it counts a case measure's.
    No event, as intake emits none for a client's measurement; the audit
    names the record and the measurement, never a score. */
#include "groups_activity.h"
#include "groups_helpers.h"
#include "groups_participant.h"
#include "kp_db.h"
#include "kp_enum.h"
#include "kp_ids.h"
#include "kp_instrument.h"
#include "kp_row.h"
#include "kp_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GROUPS_MEASURED_ROW(C) \
    C (PM_MUNICIPALITY, "municipality", "text") \
    C (PM_CONSENT_WITHDRAWN_ON, "consent_withdrawn_on", "text")
enum { GROUPS_MEASURED_ROW (KP_ROW_INDEX) };

static const kp_col_t s_measured_row [] = { GROUPS_MEASURED_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_timepoint_row [] = { { "timepoint", "text" }, { NULL } };
static const kp_col_t s_one_row [] = { { "one", "int4" }, { NULL } };

const kp_stmt_t groups_measure_statements [] = {
    //  The record, if it is $2's; locked, so two forms of one person wait
    //  for each other.
    { "groups_measure_participant",
      "SELECT municipality, coalesce (consent_withdrawn_on::text, '') AS consent_withdrawn_on"
      " FROM groups.pseudonymous_participants WHERE participant_id = $1::text AND organiser_org = $2::text"
      " FOR UPDATE", s_measured_row },
    //  What is recorded of the pair: $1 participant, $2 activity, $3 code, $4 version.
    { "groups_measure_recorded",
      "SELECT timepoint::text AS timepoint FROM groups.participant_measurements"
      " WHERE participant_id = $1::text AND activity_id = $2::text AND code = $3::text AND version = $4::int4",
      s_timepoint_row },
    { "groups_measure_insert",
      "INSERT INTO groups.participant_measurements (measurement_id, participant_id, activity_id, code, version,"
      " timepoint, recorded_by, recorded_by_org) VALUES ($1::text, $2::text, $3::text, $4::text, $5::int4,"
      " $6::text::intake.timepoint, $7::text, $8::text) ON CONFLICT DO NOTHING RETURNING 1 AS one", s_one_row },
    { "groups_measure_score_insert",
      "INSERT INTO groups.participant_measurement_scores (measurement_id, code, version, item_code, score)"
      " VALUES ($1::text, $2::text, $3::int4, $4::text, $5::int4)" },
    { NULL }
};

//  The caller's record: 0 with its consent state, -1 the call failed
//  (NOT_FOUND for anyone else's: the answer an unknown id gets).
static int
s_participant (kp_call_t *call, const char *id, bool *withdrawn)
{
    const char *field = "record_participant_measurement.participant_id";
    if (!kp_id_valid (id))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "groups.bad_participant_id", field,
                             "a participant id (26 characters)");
    const char *values [] = { id, call->identity->org_id };
    PGresult *result = kp_db_exec (call->db, "groups_measure_participant", 2, values);
    if (!result)
        return kp_call_db_fail (call);
    bool found = PQntuples (result) == 1;
    *withdrawn = found && *kp_row_text (result, 0, PM_CONSENT_WITHDRAWN_ON);
    PQclear (result);
    if (!found)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_NOT_FOUND, "groups.participant_not_found", field,
                             "no such participant of yours");
    return 0;
}

//  Enrolled in the activity: 1, 0 not (never, or only waitlisted), -1 error.
//  A start wants them enrolled; an end may come as they leave (withdrawn).
static int
s_enrolled (kp_call_t *call, const char *activity_id, const char *participant_id, bool start)
{
    const char *values [] = { activity_id, participant_id };
    PGresult *result = kp_db_exec (call->db, "groups_enrolment_get", 2, values);
    if (!result)
        return -1;
    const char *status = PQntuples (result) == 1 ? kp_row_text (result, 0, KP_ROW_ONLY) : "";
    int enrolled = strcmp (status, "enrolled") == 0 || (!start && strcmp (status, "withdrawn") == 0);
    PQclear (result);
    return enrolled;
}

//  Which of the pair is recorded: bit 1 the start, bit 2 the end; -1 error.
static int
s_recorded (kp_call_t *call, const char *participant_id, const char *activity_id, const char *code,
            const char *version)
{
    const char *values [] = { participant_id, activity_id, code, version };
    PGresult *result = kp_db_exec (call->db, "groups_measure_recorded", 4, values);
    if (!result)
        return -1;
    int recorded = 0;
    for (int row = 0; row < PQntuples (result); row++)
        recorded |= strcmp (kp_row_text (result, row, KP_ROW_ONLY), "start") == 0 ? 1 : 2;
    PQclear (result);
    return recorded;
}

//  Stores the form; 0, or -1 with the call failed.
static int
s_store (kp_call_t *call, const Kumppani__V1__RecordParticipantMeasurement *body, const char *timepoint,
         const char *version, char *measurement_id)
{
    kp_id_new (measurement_id);
    const char *values [] = { measurement_id, body->participant_id, body->activity_id, body->instrument, version,
                              timepoint, call->request->actor->person_id, call->identity->org_id };
    int64_t written = groups_scalar (call->db, "groups_measure_insert", 8, values);
    if (written < 0)
        return kp_call_db_fail (call);
    //  The record's lock makes this the service's own check, lost only to a
    //  writer outside the service.
    if (written == 0)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "groups.measurement_recorded",
                             "record_participant_measurement.timepoint", "this form is recorded already");
    for (size_t index = 0; index < body->n_scores; index++) {
        char score [16];
        snprintf (score, sizeof score, "%d", body->scores [index]->score);
        const char *score_values [] = { measurement_id, body->instrument, version, body->scores [index]->item_code,
                                        score };
        PGresult *result = kp_db_exec (call->db, "groups_measure_score_insert", 5, score_values);
        if (!result)
            return kp_call_db_fail (call);
        PQclear (result);
    }
    return 0;
}

int
groups_record_participant_measurement (kp_call_t *call)
{
    const Kumppani__V1__RecordParticipantMeasurement *body = call->request->record_participant_measurement;
    const char *b = "record_participant_measurement";
    //  The record first: only its organiser hears about the rest.
    bool withdrawn;
    if (s_participant (call, body->participant_id, &withdrawn))
        return -1;
    bool start = body->timepoint == KUMPPANI__V1__TIMEPOINT__TIMEPOINT_START;
    if (!start && body->timepoint != KUMPPANI__V1__TIMEPOINT__TIMEPOINT_END)
        return groups_invalid (call, "groups.bad_timepoint", b, "timepoint",
                               "START or END: the pair the outcomes report counts");
    char timepoint [KP_ENUM_CODE_MAX];
    kp_enum_code (&kumppani__v1__timepoint__descriptor, (int) body->timepoint, timepoint, sizeof timepoint);
    groups_activity_t activity;
    if (groups_activity_load (call, body->activity_id, groups_path (call, b, "activity_id"), false, true,
                              &activity))
        return -1;
    PGresult *items = kp_instrument_check (call, "groups", b, body->instrument, body->scores, body->n_scores);
    if (!items)
        return -1;
    char version [16];
    snprintf (version, sizeof version, "%s", kp_row_text (items, 0, KP_ITEM_VERSION));
    PQclear (items);
    //  As for the attributes: no use of the person's answers once they
    //  withdrew their consent to it.
    if (withdrawn)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "groups.consent_withdrawn",
                             groups_path (call, b, "participant_id"),
                             "the participant withdrew their consent: no measurement is taken");
    int enrolled = s_enrolled (call, activity.id, body->participant_id, start);
    if (enrolled < 0)
        return kp_call_db_fail (call);
    if (!enrolled)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "groups.not_enrolled",
                             groups_path (call, b, "participant_id"), "the participant is not enrolled in this group");
    int recorded = s_recorded (call, body->participant_id, activity.id, body->instrument, version);
    if (recorded < 0)
        return kp_call_db_fail (call);
    if (recorded & (start ? 1 : 2))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "groups.measurement_recorded",
                             groups_path (call, b, "timepoint"),
                             "this participant's form of this instrument is recorded already for this group");
    if (!start && !(recorded & 1))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "groups.no_start_measurement",
                             groups_path (call, b, "timepoint"),
                             "an end needs the start measurement of this instrument in this group first");
    char measurement_id [KP_ID_LEN + 1];
    if (s_store (call, body, timepoint, version, measurement_id))
        return -1;
    if (kp_call_audit (call, body->participant_id, "participation", NULL, measurement_id))
        return kp_call_db_fail (call);
    Kumppani__V1__MeasurementReply *reply = kp_call_alloc (call, sizeof *reply);
    kumppani__v1__measurement_reply__init (reply);
    reply->measurement_id = kp_call_strdup (call, measurement_id);
    reply->instrument = kp_call_strdup (call, body->instrument);
    reply->instrument_version = atoi (version);
    call->reply->body_case = KUMPPANI__V1__REPLY__BODY_MEASUREMENT;
    call->reply->measurement = reply;
    return 0;
}
