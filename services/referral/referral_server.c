/*  referral_server — operation → handler, and who may call it. This
    table is the referral service's authorisation matrix by organisation
    type; which referral an organisation may touch is referral_access's. */
#include "referral_context.h"
#include "referral_exchange.h"
#include "referral_handlers.h"
#include "referral_limits.h"
#include "referral_server.h"
#include "referral_sql.h"
#include "kp_config.h"
#include "kp_db.h"
#include "kp_disclosure.h"
#include "kp_organiser.h"
#include "kp_server.h"
#include "kp_service.h"

//  Organisations that send referrals (per-kind rules: referral_access).
#define REFERRAL_SENDERS    "kela " KP_ORGANISER_TYPES " debt_counselling enforcement police health_care" \
                            " parish ngo te_office housing outreach social_credit"
//  Sender and receiver follow the loop.
#define REFERRAL_PARTIES    REFERRAL_SENDERS

static const kp_route_t s_routes [] = {
    { KUMPPANI__V1__REQUEST__BODY_SUBMIT_REFERRAL, "referral.submit_referral",
      KP_ROUTE_MUTATING, REFERRAL_SENDERS, referral_submit, NULL, referral_submit_stage, referral_submit_flush },
    { KUMPPANI__V1__REQUEST__BODY_ACKNOWLEDGE_REFERRAL, "referral.acknowledge_referral",
      KP_ROUTE_MUTATING, REFERRAL_RECEIVERS, referral_acknowledge },
    { KUMPPANI__V1__REQUEST__BODY_ASSIGN_REFERRAL, "referral.assign_referral",
      KP_ROUTE_MUTATING, REFERRAL_RECEIVERS, referral_assign },
    { KUMPPANI__V1__REQUEST__BODY_UPDATE_REFERRAL_STATUS, "referral.update_referral_status",
      KP_ROUTE_MUTATING, REFERRAL_RECEIVERS, referral_update_status },
    { KUMPPANI__V1__REQUEST__BODY_DECLINE_REFERRAL, "referral.decline_referral",
      KP_ROUTE_MUTATING, REFERRAL_RECEIVERS, referral_decline },
    { KUMPPANI__V1__REQUEST__BODY_ACCEPT_REFERRAL, "referral.accept_referral",
      KP_ROUTE_MUTATING, REFERRAL_RECEIVERS, referral_accept },
    { KUMPPANI__V1__REQUEST__BODY_RECORD_REFERRAL_OUTCOME, "referral.record_referral_outcome",
      KP_ROUTE_MUTATING, REFERRAL_RECEIVERS, referral_record_outcome },
    { KUMPPANI__V1__REQUEST__BODY_GIVE_STATEMENT, "referral.give_statement",
      KP_ROUTE_MUTATING, KP_ORGANISER_TYPES, referral_give_statement },
    { KUMPPANI__V1__REQUEST__BODY_RECORD_APPLICATION_DECISION, "referral.record_application_decision",
      KP_ROUTE_MUTATING, KP_ORGANISER_TYPES, referral_record_decision },
    { KUMPPANI__V1__REQUEST__BODY_CANCEL_REFERRAL, "referral.cancel_referral",
      KP_ROUTE_MUTATING, REFERRAL_SENDERS, referral_cancel },
    { KUMPPANI__V1__REQUEST__BODY_HOLD_REFERRAL, "referral.hold_referral",
      KP_ROUTE_MUTATING, REFERRAL_RECEIVERS, referral_hold },
    { KUMPPANI__V1__REQUEST__BODY_RESUME_REFERRAL, "referral.resume_referral",
      KP_ROUTE_MUTATING, REFERRAL_RECEIVERS, referral_resume },
    { KUMPPANI__V1__REQUEST__BODY_FORWARD_REFERRAL, "referral.forward_referral",
      KP_ROUTE_MUTATING, REFERRAL_RECEIVERS, referral_forward },
    { KUMPPANI__V1__REQUEST__BODY_GET_REFERRAL, "referral.get_referral",
      0, REFERRAL_PARTIES, referral_get },
    { KUMPPANI__V1__REQUEST__BODY_LIST_REFERRALS, "referral.list_referrals",
      0, REFERRAL_PARTIES, referral_list },
    //  Kela asks; the receiving municipality answers with GiveStatement.
    { KUMPPANI__V1__REQUEST__BODY_REQUEST_STATEMENT, "referral.request_statement",
      KP_ROUTE_MUTATING, "kela", referral_request_statement },
    //  Either party to the referral (referral_message checks which).
    { KUMPPANI__V1__REQUEST__BODY_POST_REFERRAL_MESSAGE, "referral.post_referral_message",
      KP_ROUTE_MUTATING, REFERRAL_PARTIES, referral_post_message },
    { KUMPPANI__V1__REQUEST__BODY_LIST_REFERRAL_MESSAGES, "referral.list_referral_messages",
      0, REFERRAL_PARTIES, referral_list_messages },
    { 0 }
};

static const kp_stmt_t *const s_statements [] = { referral_statements, referral_exchange_statements,
                                                kp_disclosure_statements, NULL };

KP_SERVICE_CONTEXT (referral_context_t, referral_context_new, referral_context_destroy)

const kp_service_def_t referral_service = {
    .service = KP_SERVICE_REFERRAL,
    .routes = s_routes,
    .statements = s_statements,
    .context_new = s_context_new,
    .context_destroy = s_context_destroy
};
