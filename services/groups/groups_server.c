/*  groups_server — operation → handler, and which organisation types may
    call it. Which activity an organisation may touch is decided from the
    activity's own organisations (groups_activity_load, groups_access). */
#include "groups_context.h"
#include "groups_handlers.h"
#include "groups_participant.h"
#include "groups_placement.h"
#include "groups_server.h"
#include "groups_sql.h"
#include "kp_config.h"
#include "kp_db.h"
#include "kp_disclosure.h"
#include "kp_instrument.h"
#include "kp_organiser.h"
#include "kp_server.h"
#include "kp_service.h"

//  Organisations that organise or facilitate groups, or staff them.
#define GROUPS_PARTIES  KP_ORGANISER_TYPES " ngo parish debt_counselling social_credit enforcement kela te_office"
//  Organisations that run groups (groups_access_may_create has the detail).
#define GROUPS_ORGANISERS KP_ORGANISER_TYPES " ngo parish debt_counselling"

static const kp_route_t s_routes [] = {
    { KUMPPANI__V1__REQUEST__BODY_CREATE_ACTIVITY, "groups.create_activity",
      KP_ROUTE_MUTATING, GROUPS_ORGANISERS, groups_create_activity },
    { KUMPPANI__V1__REQUEST__BODY_UPDATE_ACTIVITY, "groups.update_activity",
      KP_ROUTE_MUTATING, GROUPS_PARTIES, groups_update_activity },
    { KUMPPANI__V1__REQUEST__BODY_SCHEDULE_SESSIONS, "groups.schedule_sessions",
      KP_ROUTE_MUTATING, GROUPS_PARTIES, groups_schedule_sessions },
    { KUMPPANI__V1__REQUEST__BODY_CHANGE_SESSION, "groups.change_session",
      KP_ROUTE_MUTATING, GROUPS_PARTIES, groups_change_session },
    { KUMPPANI__V1__REQUEST__BODY_ENROL, "groups.enrol",
      KP_ROUTE_MUTATING, GROUPS_PARTIES, groups_enrol },
    { KUMPPANI__V1__REQUEST__BODY_WITHDRAW_ENROLMENT, "groups.withdraw_enrolment",
      KP_ROUTE_MUTATING, GROUPS_PARTIES, groups_withdraw },
    { KUMPPANI__V1__REQUEST__BODY_ASSIGN_FACILITATOR, "groups.assign_facilitator",
      KP_ROUTE_MUTATING, GROUPS_PARTIES, groups_assign_facilitator },
    { KUMPPANI__V1__REQUEST__BODY_RECORD_STAFFING, "groups.record_staffing",
      KP_ROUTE_MUTATING, GROUPS_PARTIES, groups_record_staffing },
    { KUMPPANI__V1__REQUEST__BODY_RECORD_ATTENDANCE, "groups.record_attendance",
      KP_ROUTE_MUTATING, GROUPS_PARTIES, groups_record_attendance },
    { KUMPPANI__V1__REQUEST__BODY_RECORD_HEADCOUNT, "groups.record_headcount",
      KP_ROUTE_MUTATING, GROUPS_PARTIES, groups_record_headcount },
    //  The municipality places its own client; the organiser keeps the days.
    { KUMPPANI__V1__REQUEST__BODY_CREATE_PLACEMENT, "groups.create_placement",
      KP_ROUTE_MUTATING, KP_ORGANISER_TYPES, groups_create_placement },
    { KUMPPANI__V1__REQUEST__BODY_RECORD_PLACEMENT_DAY, "groups.record_placement_day",
      KP_ROUTE_MUTATING, GROUPS_PARTIES, groups_record_placement_day },
    { KUMPPANI__V1__REQUEST__BODY_REPORT_ABSENCE, "groups.report_absence",
      KP_ROUTE_MUTATING, GROUPS_PARTIES, groups_report_absence },
    //  The placement's path: each handler checks which of its two parties.
    { KUMPPANI__V1__REQUEST__BODY_RECORD_ACTIVATION_PLAN, "groups.record_activation_plan",
      KP_ROUTE_MUTATING, KP_ORGANISER_TYPES, groups_record_activation_plan },
    { KUMPPANI__V1__REQUEST__BODY_RECORD_AGREEMENT, "groups.record_agreement",
      KP_ROUTE_MUTATING, GROUPS_PARTIES, groups_record_agreement },
    { KUMPPANI__V1__REQUEST__BODY_RECORD_PLACEMENT_EVALUATION, "groups.record_placement_evaluation",
      KP_ROUTE_MUTATING, GROUPS_PARTIES, groups_record_placement_evaluation },
    { KUMPPANI__V1__REQUEST__BODY_END_PLACEMENT, "groups.end_placement",
      KP_ROUTE_MUTATING, KP_ORGANISER_TYPES, groups_end_placement },
    //  What follows a group: the activity's organisations.
    { KUMPPANI__V1__REQUEST__BODY_RECORD_GROUP_FOLLOW_UP, "groups.record_group_follow_up",
      KP_ROUTE_MUTATING, GROUPS_PARTIES, groups_record_group_follow_up },
    { KUMPPANI__V1__REQUEST__BODY_RECORD_GROUP_FEEDBACK, "groups.record_group_feedback",
      KP_ROUTE_MUTATING, GROUPS_PARTIES, groups_record_group_feedback },
    //  Participants without a case: the organiser's own records.
    { KUMPPANI__V1__REQUEST__BODY_CREATE_PSEUDONYMOUS_PARTICIPANT, "groups.create_pseudonymous_participant",
      KP_ROUTE_MUTATING, GROUPS_ORGANISERS, groups_create_pseudonymous_participant },
    { KUMPPANI__V1__REQUEST__BODY_WITHDRAW_PARTICIPANT_CONSENT, "groups.withdraw_participant_consent",
      KP_ROUTE_MUTATING, GROUPS_ORGANISERS, groups_withdraw_participant_consent },
    { KUMPPANI__V1__REQUEST__BODY_LINK_PARTICIPANT_TO_CLIENT, "groups.link_participant_to_client",
      KP_ROUTE_MUTATING, GROUPS_ORGANISERS, groups_link_participant_to_client },
    { KUMPPANI__V1__REQUEST__BODY_RECORD_PARTICIPANT_MEASUREMENT, "groups.record_participant_measurement",
      KP_ROUTE_MUTATING, GROUPS_ORGANISERS, groups_record_participant_measurement },
    { KUMPPANI__V1__REQUEST__BODY_GET_PSEUDONYMOUS_PARTICIPANT, "groups.get_pseudonymous_participant",
      0, GROUPS_ORGANISERS, groups_get_pseudonymous_participant },
    { KUMPPANI__V1__REQUEST__BODY_GET_ACTIVITY, "groups.get_activity",
      0, GROUPS_PARTIES, groups_get_activity },
    { KUMPPANI__V1__REQUEST__BODY_LIST_SESSIONS, "groups.list_sessions",
      0, GROUPS_PARTIES, groups_list_sessions },
    { KUMPPANI__V1__REQUEST__BODY_GET_PARTICIPATION, "groups.get_participation",
      0, KP_ORGANISER_TYPES, groups_get_participation },
    { 0 }
};

static const kp_stmt_t *const s_statements [] = {
    groups_statements, groups_path_statements, groups_followup_statements, groups_participant_statements,
    groups_measure_statements, kp_instrument_statements, kp_disclosure_statements, NULL
};

KP_SERVICE_CONTEXT (groups_context_t, groups_context_new, groups_context_destroy)

const kp_service_def_t groups_service = {
    .service = KP_SERVICE_GROUPS,
    .routes = s_routes,
    .statements = s_statements,
    .context_new = s_context_new,
    .context_destroy = s_context_destroy
};
