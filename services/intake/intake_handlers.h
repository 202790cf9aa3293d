/*  intake_handlers — the handlers intake's dispatch table names
    (intake_server.c), by concern, one file each. The caseload's and the
    ESF+ results' handlers are declared in intake_caseload.h and
    intake_esf.h, beside the rest of their concern. */
#ifndef INTAKE_HANDLERS_H
#define INTAKE_HANDLERS_H

#include "kp_server.h"

//  Clients (intake_client.c).
int intake_client_register (kp_call_t *call);
int intake_client_update (kp_call_t *call);
int intake_client_get (kp_call_t *call);
int intake_client_find_by_hetu (kp_call_t *call);
//  Consents and disclosure bans (intake_consent.c).
int intake_consent_record (kp_call_t *call);
int intake_consent_withdraw (kp_call_t *call);
int intake_consent_list (kp_call_t *call);
int intake_consent_ban (kp_call_t *call);
//  GetDisclosureLog (intake_disclosures.c).
int intake_disclosures_get (kp_call_t *call);
//  A case's steps and its view (intake_case.c).
int intake_case_open (kp_call_t *call);
int intake_case_start_assessment (kp_call_t *call);
int intake_case_complete_assessment (kp_call_t *call);
int intake_case_make_plan (kp_call_t *call);
int intake_case_review_plan (kp_call_t *call);
int intake_case_close (kp_call_t *call);
int intake_case_get (kp_call_t *call);
//  The ecomap, measures and outcome instruments (intake_ecomap.c,
//  intake_measure.c, intake_outcome.c).
int intake_ecomap_add (kp_call_t *call);
int intake_measure_add (kp_call_t *call);
int intake_outcome_record (kp_call_t *call);
int intake_outcome_change (kp_call_t *call);
//  Talousneuvola contacts without identity (intake_anonymous.c).
int intake_anonymous_record (kp_call_t *call);

#endif
