/*  intake_measure — the measures of a client plan: services, guidance,
    groups, referrals to partners, rehabilitative work activity, each with
    a responsible person and, where relevant, the group or referral it
    links to. Outcome measurements hang off these (intake_outcome.c). */
#include "intake_access.h"
#include "intake_case_row.h"
#include "intake_caseload.h"
#include "intake_handlers.h"
#include "kp_check.h"
#include "kp_db.h"
#include "kp_enum.h"
#include "kp_ids.h"
#include "kp_server.h"

#include <string.h>

#define TEXT_MAX 4000
#define NAME_MAX_LEN 200

int
intake_measure_add (kp_call_t *call)
{
    const Kumppani__V1__AddMeasure *body = call->request->add_measure;
    const Kumppani__V1__Measure *measure = body->measure;
    char kind [KP_ENUM_CODE_MAX];
    intake_case_row_t row;
    if (intake_case_lock (call, body->case_id, "add_measure.case_id", INTAKE_WRITE, "measure", &row))
        return -1;
    if (!measure)
        return kp_check_invalid (call, "intake.measure", "add_measure.measure", "the measure is missing");
    if (!kp_enum_code (&kumppani__v1__measure_kind__descriptor, (int) measure->kind, kind, sizeof kind))
        return kp_check_invalid (call, "intake.measure_kind", "add_measure.measure.kind",
                                 "what kind of measure");
    if (!*measure->description || strlen (measure->description) > TEXT_MAX)
        return kp_check_invalid (call, "intake.measure_description", "add_measure.measure.description",
                                 "1-4000 bytes");
    if (!*measure->responsible_person || strlen (measure->responsible_person) > NAME_MAX_LEN)
        return kp_check_invalid (call, "intake.responsible_person", "add_measure.measure.responsible_person",
                                 "each measure names its responsible person");
    if (strlen (measure->linked_ref) > 64)
        return kp_check_invalid (call, "intake.linked_ref", "add_measure.measure.linked_ref", "an id");
    if (intake_measure_time_check (call, measure))
        return -1;
    //  Measures belong to a plan: none before it, none after closure.
    if (strcmp (row.state, "plan_made") != 0 && strcmp (row.state, "reviewed") != 0)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "intake.no_plan",
                             NULL, "measures are added to a case with a client plan");
    char measure_id [KP_ID_LEN + 1];
    kp_id_new (measure_id);
    const char *values [] = { measure_id, row.case_id, kind, measure->description,
                              measure->responsible_person, measure->linked_ref };
    PGresult *result = kp_db_exec (call->db, "measure_insert", 6, values);
    if (!result)
        return kp_call_db_fail (call);
    PQclear (result);
    if (intake_measure_time_store (call, measure_id, measure))
        return -1;
    return intake_case_reply (call, row.case_id, measure_id);
}
