/*  intake_server — operation → handler, and which organisation types may
    call it: the first half of intake's authorisation matrix. The second
    half (role, municipality, consent) is intake_access_check, because it
    depends on the client. Reads admit every organisation here so that a
    consent can disclose them; the access check refuses the rest. */
#include "intake_caseload.h"
#include "intake_consumer.h"
#include "intake_context.h"
#include "intake_esf.h"
#include "intake_handlers.h"
#include "intake_server.h"
#include "intake_sql.h"
#include "kp_config.h"
#include "kp_db.h"
#include "kp_disclosure.h"
#include "kp_instrument.h"
#include "kp_organiser.h"
#include "kp_server.h"
#include "kp_service.h"

#include <ctype.h>
#include <string.h>

//  Municipal social services (since 2023 the wellbeing services county).
#define INTAKE_MUNICIPAL KP_ORGANISER_TYPES
//  Who staffs a talousneuvola session and may record an anonymous visit
//  (DOMAIN.md): social work, debt counselling,
//  enforcement, diaconia, social credit, NGO peer experts. Kela is a
//  partner at the sessions but records no visits.
#define INTAKE_TALOUSNEUVOLA KP_ORGANISER_TYPES " debt_counselling enforcement parish social_credit ngo"

#define MUTATING KP_ROUTE_MUTATING
#define BODY(name) KUMPPANI__V1__REQUEST__BODY_ ## name

static const kp_route_t s_routes [] = {
    { BODY (REGISTER_CLIENT),        "intake.register_client",       MUTATING, INTAKE_MUNICIPAL, intake_client_register },
    { BODY (UPDATE_CLIENT),          "intake.update_client",         MUTATING, INTAKE_MUNICIPAL, intake_client_update },
    { BODY (GET_CLIENT),             "intake.get_client",            0,        NULL,             intake_client_get },
    { BODY (FIND_CLIENT_BY_HETU),    "intake.find_client_by_hetu",   0,        INTAKE_MUNICIPAL, intake_client_find_by_hetu },
    { BODY (RECORD_CONSENT),         "intake.record_consent",        MUTATING, INTAKE_MUNICIPAL, intake_consent_record },
    { BODY (WITHDRAW_CONSENT),       "intake.withdraw_consent",      MUTATING, INTAKE_MUNICIPAL, intake_consent_withdraw },
    { BODY (LIST_CONSENTS),          "intake.list_consents",         0,        INTAKE_MUNICIPAL, intake_consent_list },
    { BODY (RECORD_DISCLOSURE_BAN),  "intake.record_disclosure_ban", MUTATING, INTAKE_MUNICIPAL, intake_consent_ban },
    { BODY (GET_DISCLOSURE_LOG),     "intake.get_disclosure_log",    0,        INTAKE_MUNICIPAL, intake_disclosures_get },
    { BODY (OPEN_CASE),              "intake.open_case",             MUTATING, INTAKE_MUNICIPAL, intake_case_open },
    { BODY (START_ASSESSMENT),       "intake.start_assessment",      MUTATING, INTAKE_MUNICIPAL, intake_case_start_assessment },
    { BODY (COMPLETE_ASSESSMENT),    "intake.complete_assessment",   MUTATING, INTAKE_MUNICIPAL, intake_case_complete_assessment },
    { BODY (MAKE_PLAN),              "intake.make_plan",             MUTATING, INTAKE_MUNICIPAL, intake_case_make_plan },
    { BODY (REVIEW_PLAN),            "intake.review_plan",           MUTATING, INTAKE_MUNICIPAL, intake_case_review_plan },
    { BODY (CLOSE_CASE),             "intake.close_case",            MUTATING, INTAKE_MUNICIPAL, intake_case_close },
    { BODY (GET_CASE),               "intake.get_case",              0,        NULL,             intake_case_get },
    { BODY (ADD_ECOMAP_ENTRY),       "intake.add_ecomap_entry",      MUTATING, INTAKE_MUNICIPAL, intake_ecomap_add },
    { BODY (ADD_MEASURE),            "intake.add_measure",           MUTATING, INTAKE_MUNICIPAL, intake_measure_add },
    { BODY (RECORD_MEASUREMENT),     "intake.record_measurement",    MUTATING, INTAKE_MUNICIPAL, intake_outcome_record },
    { BODY (GET_OUTCOME_CHANGE),     "intake.get_outcome_change",    0,        INTAKE_MUNICIPAL, intake_outcome_change },
    { BODY (RECORD_ANONYMOUS_CONTACT), "intake.record_anonymous_contact", MUTATING, INTAKE_TALOUSNEUVOLA, intake_anonymous_record },
    { BODY (LIST_CASES),             "intake.list_cases",            0,        INTAKE_MUNICIPAL, intake_caseload_list },
    { BODY (FIND_CASE),              "intake.find_case",             0,        INTAKE_MUNICIPAL, intake_caseload_find },
    { BODY (REASSIGN_CASE),          "intake.reassign_case",         MUTATING, INTAKE_MUNICIPAL, intake_caseload_reassign },
    { BODY (RECORD_CONTACT),         "intake.record_contact",        MUTATING, INTAKE_MUNICIPAL, intake_contact_record },
    { BODY (END_MEASURE),            "intake.end_measure",           MUTATING, INTAKE_MUNICIPAL, intake_measure_end },
    { BODY (RECORD_EXIT_RESULT),     "intake.record_exit_result",    MUTATING, INTAKE_MUNICIPAL, intake_esf_record_exit },
    { BODY (RECORD_LONGER_TERM_RESULT), "intake.record_longer_term_result", MUTATING, INTAKE_MUNICIPAL, intake_esf_record_longer_term },
    { 0 }
};

static const kp_stmt_t *const s_statements [] = {
    intake_statements, intake_caseload_statements, intake_esf_statements, kp_disclosure_statements,
    intake_placement_statements, kp_instrument_statements, NULL
};

KP_SERVICE_CONTEXT (intake_t, intake_new, intake_destroy)

const kp_service_def_t intake_service = {
    .service = KP_SERVICE_INTAKE,
    .routes = s_routes,
    .statements = s_statements,
    .context_new = s_context_new,
    .context_destroy = s_context_destroy
};

