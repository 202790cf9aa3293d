/*  intake_ecomap — the client's network as an ECOMAP: persons and
    organisations, the direction and strength (−2 … +2) of each link, and
    whether it is a resource or a stressor. Part of the assessment. */
#include "intake_access.h"
#include "intake_case_row.h"
#include "intake_handlers.h"
#include "kp_check.h"
#include "kp_db.h"
#include "kp_enum.h"
#include "kp_ids.h"
#include "kp_server.h"

#include <stdio.h>
#include <string.h>

#define LABEL_MAX 200

int
intake_ecomap_add (kp_call_t *call)
{
    const Kumppani__V1__AddEcomapEntry *body = call->request->add_ecomap_entry;
    const Kumppani__V1__EcomapEntry *entry = body->entry;
    char kind [KP_ENUM_CODE_MAX], direction [KP_ENUM_CODE_MAX], role [KP_ENUM_CODE_MAX], strength [8];
    intake_case_row_t row;
    if (intake_case_lock (call, body->case_id, "add_ecomap_entry.case_id", INTAKE_WRITE, "ecomap", &row))
        return -1;
    if (!entry)
        return kp_check_invalid (call, "intake.ecomap_entry", "add_ecomap_entry.entry", "the entry is missing");
    if (!kp_enum_code (&kumppani__v1__ecomap_kind__descriptor, (int) entry->kind, kind, sizeof kind))
        return kp_check_invalid (call, "intake.ecomap_kind", "add_ecomap_entry.entry.kind",
                                 "a person or an organisation");
    if (!*entry->label || strlen (entry->label) > LABEL_MAX)
        return kp_check_invalid (call, "intake.ecomap_label", "add_ecomap_entry.entry.label",
                                 "1-200 bytes naming the relation");
    if (!kp_enum_code (&kumppani__v1__ecomap_direction__descriptor, (int) entry->direction,
                         direction, sizeof direction))
        return kp_check_invalid (call, "intake.ecomap_direction", "add_ecomap_entry.entry.direction",
                                 "to the client, from the client, or mutual");
    if (entry->strength < -2 || entry->strength > 2)
        return kp_check_invalid (call, "intake.ecomap_strength", "add_ecomap_entry.entry.strength",
                                 "a strength from -2 to +2");
    if (!kp_enum_code (&kumppani__v1__ecomap_role__descriptor, (int) entry->role, role, sizeof role))
        return kp_check_invalid (call, "intake.ecomap_role", "add_ecomap_entry.entry.role",
                                 "a resource or a stressor");
    if (strcmp (row.state, "closed") == 0)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "intake.case_closed",
                             NULL, "the case is closed");
    char entry_id [KP_ID_LEN + 1];
    kp_id_new (entry_id);
    snprintf (strength, sizeof strength, "%d", entry->strength);
    const char *values [] = { entry_id, row.case_id, kind, entry->label, direction, strength, role };
    PGresult *result = kp_db_exec (call->db, "ecomap_insert", 7, values);
    if (!result)
        return kp_call_db_fail (call);
    PQclear (result);
    return intake_case_reply (call, row.case_id, entry_id);
}
