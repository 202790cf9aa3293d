/*  intake_outcome — outcome instruments (AVAIN, Kykyviisari) filled in for
    a client at the start, interim and end of a measure or of the plan.
    The items and their scales are data (intake.instrument_items, checked
    by kp_instrument, as groups checks a participant's); a score outside
    its item's scale is refused naming the item. The change from
    start to end per item is what reporting publishes. */
#include "intake_access.h"
#include "intake_case_row.h"
#include "intake_handlers.h"
#include "intake_sql.h"
#include "kp_check.h"
#include "kp_db.h"
#include "kp_enum.h"
#include "kp_ids.h"
#include "kp_instrument.h"
#include "kp_row.h"
#include "kp_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

//  The measure must belong to the case ('' = the plan). 0, or -1 failed.
static int
s_measure_in_case (kp_call_t *call, const char *measure_id, const char *case_id, const char *field)
{
    if (!*measure_id)
        return 0;
    if (!kp_id_valid (measure_id))
        return kp_check_invalid (call, "intake.measure_id", field, "a measure id, or empty for the plan");
    const char *values [] = { measure_id, case_id };
    PGresult *result = kp_db_exec (call->db, "measure_in_case", 2, values);
    if (!result)
        return kp_call_db_fail (call);
    bool found = PQntuples (result) > 0;
    PQclear (result);
    if (!found)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_NOT_FOUND, "intake.unknown_measure",
                             NULL, "no such measure in this case");
    return 0;
}

int
intake_outcome_record (kp_call_t *call)
{
    const Kumppani__V1__RecordMeasurement *body = call->request->record_measurement;
    char timepoint [KP_ENUM_CODE_MAX];
    //  The case first: only a caller who may see it hears about the body.
    intake_case_row_t row;
    if (intake_case_lock (call, body->case_id, "record_measurement.case_id", INTAKE_WRITE, "measurement", &row))
        return -1;
    if (!kp_enum_code (&kumppani__v1__timepoint__descriptor, (int) body->timepoint, timepoint, sizeof timepoint))
        return kp_check_invalid (call, "intake.timepoint", "record_measurement.timepoint",
                                 "start, interim or end");
    PGresult *items = kp_instrument_check (call, "intake", "record_measurement", body->instrument,
                                           body->scores, body->n_scores);
    if (!items)
        return -1;
    int rc = -1;
    if (s_measure_in_case (call, body->measure_id, row.case_id, "record_measurement.measure_id"))
        goto cleanup;
    char measurement_id [KP_ID_LEN + 1];
    kp_id_new (measurement_id);
    const char *version = kp_row_text (items, 0, KP_ITEM_VERSION);
    const char *values [] = { measurement_id, row.client_id, row.case_id, body->measure_id,
                              body->instrument, version, timepoint, call->request->actor->person_id };
    PGresult *result = kp_db_exec (call->db, "measurement_insert", 8, values);
    if (!result) {
        kp_call_db_fail (call);
        goto cleanup;
    }
    PQclear (result);
    for (size_t index = 0; index < body->n_scores; index++) {
        char score [16];
        snprintf (score, sizeof score, "%d", body->scores [index]->score);
        const char *score_values [] = { measurement_id, body->instrument, version,
                                        body->scores [index]->item_code, score };
        result = kp_db_exec (call->db, "score_insert", 5, score_values);
        if (!result) {
            kp_call_db_fail (call);
            goto cleanup;
        }
        PQclear (result);
    }
    Kumppani__V1__MeasurementReply *reply = kp_call_alloc (call, sizeof *reply);
    kumppani__v1__measurement_reply__init (reply);
    reply->measurement_id = kp_call_strdup (call, measurement_id);
    reply->instrument = kp_call_strdup (call, body->instrument);
    reply->instrument_version = atoi (version);
    call->reply->body_case = KUMPPANI__V1__REPLY__BODY_MEASUREMENT;
    call->reply->measurement = reply;
    rc = 0;
cleanup:
    PQclear (items);
    return rc;
}

int
intake_outcome_change (kp_call_t *call)
{
    const Kumppani__V1__GetOutcomeChange *body = call->request->get_outcome_change;
    intake_case_row_t row;
    if (intake_case_lock (call, body->case_id, "get_outcome_change.case_id", INTAKE_READ, "outcome", &row))
        return -1;
    PGresult *items = kp_instrument_items (call, "intake", body->instrument, "get_outcome_change.instrument");
    if (!items)
        return -1;
    PQclear (items);
    if (s_measure_in_case (call, body->measure_id, row.case_id, "get_outcome_change.measure_id"))
        return -1;
    const char *values [] = { row.case_id, body->measure_id, body->instrument };
    PGresult *result = kp_db_exec (call->db, "outcome_change", 3, values);
    if (!result)
        return kp_call_db_fail (call);
    Kumppani__V1__OutcomeChangeReply *reply = kp_call_alloc (call, sizeof *reply);
    kumppani__v1__outcome_change_reply__init (reply);
    reply->case_id = kp_call_strdup (call, row.case_id);
    reply->measure_id = kp_call_strdup (call, body->measure_id);
    reply->instrument = kp_call_strdup (call, body->instrument);
    int count = PQntuples (result);
    reply->items = kp_call_alloc (call, (size_t) (count + 1) * sizeof (void *));
    for (int index = 0; index < count; index++) {
        Kumppani__V1__ItemChange *item = kp_call_alloc (call, sizeof *item);
        kumppani__v1__item_change__init (item);
        item->item_code = kp_call_strdup (call, kp_row_text (result, index, CHANGE_ITEM_CODE));
        item->has_start = !kp_row_null (result, index, CHANGE_START);
        item->start = (int32_t) kp_row_int (result, index, CHANGE_START);
        item->has_end = !kp_row_null (result, index, CHANGE_END);
        item->end = (int32_t) kp_row_int (result, index, CHANGE_END);
        item->change = item->has_start && item->has_end ? item->end - item->start : 0;
        item->higher_is_better = kp_row_bool (result, index, CHANGE_HIGHER_IS_BETTER);
        reply->items [reply->n_items++] = item;
    }
    PQclear (result);
    call->reply->body_case = KUMPPANI__V1__REPLY__BODY_OUTCOME_CHANGE;
    call->reply->outcome_change = reply;
    return 0;
}
