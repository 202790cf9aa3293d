/*  authz_matrix — who may call what, as one table a reviewer reads whole.
    Rows are operations (the Request body's oneof field name, or "health"),
    columns are the calling identities the harness makes certificates for.
    test_authz_matrix.c sends every cell through real CURVE sockets to the
    real services and checks the verdict.

      ALLOW  the service did not refuse the caller: any reply but FORBIDDEN
             or UNAUTHENTICATED (in a row with a target, OK itself). Most rows send an EMPTY body, so an allowed
             caller usually gets INVALID (a required field is missing) or
             NOT_FOUND; that is still "let in". The operation's own
             validation is tested in each service's suite.
      FORB   FORBIDDEN: authenticated, but this organisation may not.
      HIDDEN NOT_FOUND for something that exists: the caller is no party
             to it and is not even told it exists (referral_access.c,
             intake_access.c).
      UNAUTH UNAUTHENTICATED: admitted key whose certificate names no
             organisation.
      DENY   no answer at all: the key is not admitted, the CURVE handshake
             fails before a request is read.

    Rows marked OWN_CLIENT carry the id of a client that muni-743 (the
    client's own municipality) registered: there the second half of the
    rule, per client, answers (intake_access.c): another municipality,
    Kela or an NGO without a consent is not told the client exists
    (HIDDEN, the very reply an unknown id gets). (Only operations whose
    empty body is complete can be targeted this way; record_consent and
    open_case check access first too, but an empty body is INVALID for
    the client's own municipality; test_trust_boundary.c covers them.)
    Rows marked
    OWN_REFERRAL carry the id of Kela's notice to muni-743: only those two
    parties learn that it exists.

    Groups rows check the route (groups_server.c): organisers create,
    the parties of group work manage and read, a municipality places its
    own clients and reads their participation; per activity, groups'
    own suite (test_groups_access.c) checks who sees which. */
#ifndef KPT_AUTHZ_MATRIX_H
#define KPT_AUTHZ_MATRIX_H

#include "kumppani/v1/envelope.pb-c.h"

typedef enum { ALLOW = 1, FORB, HIDDEN, UNAUTH, DENY,
               KPT_OTHER                    //  (only ever an outcome: a targeted call failed otherwise)
             } kpt_verdict_t;

//  Columns, in this order (the table's header abbreviates them).
//  "stranger" holds a key outside the admitted set; "nometa" is admitted
//  but names no organisation.
//  county-ep and county-ks are wellbeing services counties (type county,
//  organisers EP and KS); helsinki is the City of Helsinki as its own
//  organiser (type county, HKI). County A (EP) organises 743, whose
//  client the OWN_CLIENT rows target: it gets what muni-743 gets there;
//  county B (KS) and Helsinki get what muni-091 gets.
#define KPT_IDENTITIES 12
static const char *const kpt_identities [KPT_IDENTITIES] = {
    "kela", "muni-743", "muni-091", "debt-743", "ngo-743", "integrator-743", "operator",
    "stranger", "nometa", "county-ep", "county-ks", "helsinki"
};

typedef enum { EMPTY_BODY = 0, OWN_CLIENT, OWN_REFERRAL } kpt_target_t;

//  The actor's role in every call of a row. WORKER: each identity's own
//  (kpt_own_roles below: a social worker for a municipality, a Kela
//  officer for Kela, …); COORD: a project coordinator where the identity's
//  type has one (reporting decides by that role, reporting_access.c), its
//  own role elsewhere; OPER: the operator's role, claimed by everyone (the
//  others are refused request.role_not_allowed, FORB).
#define WORKER KUMPPANI__V1__ROLE__ROLE_SOCIAL_WORKER
#define COORD  KUMPPANI__V1__ROLE__ROLE_COORDINATOR
#define OPER   KUMPPANI__V1__ROLE__ROLE_OPERATOR

//  Each column's own role (the first its organisation type may claim).
static const Kumppani__V1__Role kpt_own_roles [KPT_IDENTITIES] = {
    KUMPPANI__V1__ROLE__ROLE_KELA_OFFICER, WORKER, WORKER, KUMPPANI__V1__ROLE__ROLE_DEBT_COUNSELLOR,
    KUMPPANI__V1__ROLE__ROLE_NGO_WORKER, KUMPPANI__V1__ROLE__ROLE_INTEGRATOR, OPER, WORKER, WORKER,
    WORKER, WORKER, WORKER
};

//  Roles: which roles the people of each organisation type may claim
//  (common/kp_role.c; README.md "Roles"). Any other is refused FORBIDDEN
//  request.role_not_allowed (field actor.role) before anything else is
//  looked at. test_authz_matrix.c (roles) sends every role from a
//  certificate of each type the harness has, plus a service certificate.
//  Columns: the roles in proto order.
//                                   soc.w  instr  benef  kela   debt   diac   ngo    coord  integ  oper   serv   partner
#define KPT_ROLES 12
typedef struct {
    const char *org_type;
    const char *identity;           //  the harness certificate of that type ("service:intake": a service's)
    bool allowed [KPT_ROLES];
} kpt_role_row_t;

#define Y true
#define N false
static const kpt_role_row_t kpt_role_matrix [] = {
    { "municipality",     "muni-743",       { Y,     Y,     Y,     N,     N,     N,     N,     Y,     N,     N,     N,     N } },
    { "kela",             "kela",           { N,     N,     N,     Y,     N,     N,     N,     N,     N,     N,     N,     N } },
    { "debt_counselling", "debt-743",       { N,     N,     N,     N,     Y,     N,     N,     Y,     N,     N,     N,     N } },
    { "ngo",              "ngo-743",        { N,     N,     N,     N,     N,     N,     Y,     Y,     N,     N,     N,     N } },
    { "integrator",       "integrator-743", { N,     N,     N,     N,     N,     N,     N,     N,     Y,     N,     N,     N } },
    { "operator",         "operator",       { N,     N,     N,     N,     N,     N,     N,     N,     N,     Y,     N,     N } },
    { "service",          "service:intake", { N,     N,     N,     N,     N,     N,     N,     N,     N,     N,     Y,     N } },
    //  Types the harness has no certificate for (kp_role.c's table, unit-tested there):
    //  county as municipality; parish: diaconal_worker, coordinator; social_credit:
    //  debt_counsellor, partner_worker, coordinator; enforcement, te_office, housing,
    //  health_care, police, outreach: partner_worker, coordinator; university:
    //  coordinator, partner_worker.
    { NULL }
};
#undef Y
#undef N

typedef struct {
    const char *service;
    const char *operation;          //  Request oneof field name, or "health"
    kpt_target_t target;
    Kumppani__V1__Role role;
    kpt_verdict_t cells [KPT_IDENTITIES];
} kpt_authz_row_t;

static const kpt_authz_row_t kpt_authz_matrix [] = {
//    service     operation                       target        role      kela    muni743 muni091 debt    ngo     integr  oper    unknown nometa  cntyEP  cntyKS  HKI
    { "intake",   "health",                       EMPTY_BODY,   WORKER, { ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "intake",   "register_client",              EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  FORB,   FORB,   FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "intake",   "update_client",                OWN_CLIENT,   WORKER, { FORB,   ALLOW,  HIDDEN, FORB,   FORB,   FORB,   FORB,   DENY,   UNAUTH, ALLOW,  HIDDEN, HIDDEN } },
    //  Route open to all: without a consent the client does not exist for them.
    { "intake",   "get_client",                   OWN_CLIENT,   WORKER, { HIDDEN, ALLOW,  HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, DENY,   UNAUTH, ALLOW,  HIDDEN, HIDDEN } },
    { "intake",   "find_client_by_hetu",          EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  FORB,   FORB,   FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "intake",   "record_consent",               EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  FORB,   FORB,   FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "intake",   "withdraw_consent",             EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  FORB,   FORB,   FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "intake",   "list_consents",                OWN_CLIENT,   WORKER, { FORB,   ALLOW,  HIDDEN, FORB,   FORB,   FORB,   FORB,   DENY,   UNAUTH, ALLOW,  HIDDEN, HIDDEN } },
    { "intake",   "record_disclosure_ban",        OWN_CLIENT,   WORKER, { FORB,   ALLOW,  HIDDEN, FORB,   FORB,   FORB,   FORB,   DENY,   UNAUTH, ALLOW,  HIDDEN, HIDDEN } },
    //  The client's own organisation only: who received the client's data.
    { "intake",   "get_disclosure_log",           OWN_CLIENT,   WORKER, { FORB,   ALLOW,  HIDDEN, FORB,   FORB,   FORB,   FORB,   DENY,   UNAUTH, ALLOW,  HIDDEN, HIDDEN } },
    { "intake",   "open_case",                    EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  FORB,   FORB,   FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "intake",   "start_assessment",             EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  FORB,   FORB,   FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "intake",   "complete_assessment",          EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  FORB,   FORB,   FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "intake",   "make_plan",                    EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  FORB,   FORB,   FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "intake",   "review_plan",                  EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  FORB,   FORB,   FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "intake",   "close_case",                   EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  FORB,   FORB,   FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    //  Route open to all: the per-client check decides (empty id: INVALID).
    { "intake",   "get_case",                     EMPTY_BODY,   WORKER, { ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "intake",   "add_ecomap_entry",             EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  FORB,   FORB,   FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "intake",   "add_measure",                  EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  FORB,   FORB,   FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "intake",   "record_measurement",           EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  FORB,   FORB,   FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "intake",   "get_outcome_change",           EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  FORB,   FORB,   FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    //  Talousneuvola staff: municipality, debt counselling, enforcement, parish, social credit, NGO.
    //  A county is let in (a complete body is then refused intake.no_area:
    //  the operation names no municipality, a county's certificate none).
    { "intake",   "record_anonymous_contact",     EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    //  The caseload (intake_caseload.c): the municipality's own workers only.
    { "intake",   "list_cases",                   EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  FORB,   FORB,   FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "intake",   "find_case",                    EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  FORB,   FORB,   FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "intake",   "reassign_case",                EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  FORB,   FORB,   FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "intake",   "record_contact",               EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  FORB,   FORB,   FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "intake",   "end_measure",                  EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  FORB,   FORB,   FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    //  ESF+ results (intake_esf.c): as every intake write.
    { "intake",   "record_exit_result",           EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  FORB,   FORB,   FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "intake",   "record_longer_term_result",    EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  FORB,   FORB,   FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },

    { "referral", "health",                       EMPTY_BODY,   WORKER, { ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    //  Senders; which kind each may send is referral_access.c's (Kela only
    //  for its four notice kinds, §35 from authorities, partner from any).
    { "referral", "submit_referral",              EMPTY_BODY,   WORKER, { ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "referral", "acknowledge_referral",         OWN_REFERRAL, WORKER, { FORB,   ALLOW,  HIDDEN, HIDDEN, HIDDEN, FORB,   FORB,   DENY,   UNAUTH, HIDDEN, HIDDEN, HIDDEN } },
    { "referral", "assign_referral",              EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "referral", "update_referral_status",       EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "referral", "decline_referral",             EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "referral", "accept_referral",              EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "referral", "record_referral_outcome",      EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "referral", "give_statement",               EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  FORB,   FORB,   FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "referral", "record_application_decision",  EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  FORB,   FORB,   FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    //  Parties only: sender and recipient.
    { "referral", "get_referral",                 OWN_REFERRAL, WORKER, { ALLOW,  ALLOW,  HIDDEN, HIDDEN, HIDDEN, FORB,   FORB,   DENY,   UNAUTH, HIDDEN, HIDDEN, HIDDEN } },
    { "referral", "list_referrals",               EMPTY_BODY,   WORKER, { ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    //  Kela asks for the statement; which referral is referral_statement.c's.
    { "referral", "request_statement",            EMPTY_BODY,   WORKER, { ALLOW,  FORB,   FORB,   FORB,   FORB,   FORB,   FORB,   DENY,   UNAUTH, FORB,   FORB,   FORB } },
    //  The thread: either party; everyone else is not told the referral exists.
    { "referral", "post_referral_message",        EMPTY_BODY,   WORKER, { ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "referral", "list_referral_messages",       OWN_REFERRAL, WORKER, { ALLOW,  ALLOW,  HIDDEN, HIDDEN, HIDDEN, FORB,   FORB,   DENY,   UNAUTH, HIDDEN, HIDDEN, HIDDEN } },
    //  Cancel is the sender's (which referral: referral_cancel.c); hold,
    //  resume and forward the receiver's.
    { "referral", "cancel_referral",              EMPTY_BODY,   WORKER, { ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "referral", "hold_referral",                EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "referral", "resume_referral",              EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "referral", "forward_referral",             EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },

    { "reporting", "health",                       EMPTY_BODY,   WORKER, { ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "reporting", "submit_observation",           EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "reporting", "define_project",               EMPTY_BODY,   COORD,  { FORB,   ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "reporting", "link_to_project",              EMPTY_BODY,   COORD,  { FORB,   ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    //  Kela for its referral SLA, plus the coordinating organisations.
    { "reporting", "run_report",                   EMPTY_BODY,   COORD,  { ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    //  Recomputes the rollups and compares: the operator only.
    { "reporting", "rebuild_rollups",              EMPTY_BODY,   OPER,   { FORB,   FORB,   FORB,   FORB,   FORB,   FORB,   ALLOW,  DENY,   UNAUTH, FORB,   FORB,   FORB } },

    { "groups",   "health",                       EMPTY_BODY,   WORKER, { ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    //  Organisers: municipality, NGO, parish, debt counselling.
    { "groups",   "create_activity",               EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    //  The parties of group work (Kela too: it staffs talousneuvola sessions);
    //  which activity each may touch is groups_access.c's.
    { "groups",   "update_activity",               EMPTY_BODY,   WORKER, { ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "groups",   "schedule_sessions",             EMPTY_BODY,   WORKER, { ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "groups",   "change_session",                EMPTY_BODY,   WORKER, { ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "groups",   "enrol",                         EMPTY_BODY,   WORKER, { ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "groups",   "withdraw_enrolment",            EMPTY_BODY,   WORKER, { ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "groups",   "assign_facilitator",            EMPTY_BODY,   WORKER, { ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "groups",   "record_staffing",               EMPTY_BODY,   WORKER, { ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "groups",   "record_attendance",             EMPTY_BODY,   WORKER, { ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "groups",   "record_headcount",              EMPTY_BODY,   WORKER, { ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    //  A municipality places its own client in rehabilitative work activity.
    { "groups",   "create_placement",              EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  FORB,   FORB,   FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "groups",   "record_placement_day",          EMPTY_BODY,   WORKER, { ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "groups",   "report_absence",                EMPTY_BODY,   WORKER, { ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    //  The placement's path: the municipality's plan and ending, the organiser's agreement and evaluations.
    { "groups",   "record_activation_plan",        EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  FORB,   FORB,   FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "groups",   "record_agreement",              EMPTY_BODY,   WORKER, { ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "groups",   "record_placement_evaluation",   EMPTY_BODY,   WORKER, { ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "groups",   "end_placement",                 EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  FORB,   FORB,   FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    //  What follows a group: the activity's organisations.
    { "groups",   "record_group_follow_up",        EMPTY_BODY,   WORKER, { ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "groups",   "record_group_feedback",         EMPTY_BODY,   WORKER, { ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    //  Participants without a case: the organisers' own records (who sees
    //  which record: test_groups_participant.c).
    { "groups",   "create_pseudonymous_participant", EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "groups",   "withdraw_participant_consent",  EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "groups",   "link_participant_to_client",    EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "groups",   "get_pseudonymous_participant",  EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "groups",   "record_participant_measurement", EMPTY_BODY,  WORKER, { FORB,   ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "groups",   "get_activity",                  EMPTY_BODY,   WORKER, { ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { "groups",   "list_sessions",                 EMPTY_BODY,   WORKER, { ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    //  A municipality reads its own clients' participation.
    { "groups",   "get_participation",             EMPTY_BODY,   WORKER, { FORB,   ALLOW,  ALLOW,  FORB,   FORB,   FORB,   FORB,   DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },

    { "stream",   "health",                       EMPTY_BODY,   WORKER, { ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    //  Open to every organisation; what each gets back is stream_scope.c's.
    { "stream",   "replay",                       EMPTY_BODY,   WORKER, { ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  ALLOW,  DENY,   UNAUTH, ALLOW,  ALLOW,  ALLOW } },
    { NULL }
};

/*  The consent dimension, for the operations that disclose a client's
    data to another organisation (kp_disclosure, migration 0020): each row
    is one disclosure, each column a state of the client's consent to the
    recipient, each cell the answer (test_authz_consent.c sends them).
      NONE        no consent (a referral names a made-up consent_ref)
      GIVEN       a live consent to the recipient for this kind of data
      WITHDRAWN   that consent, withdrawn
      OTHER_ORG   a live consent to another organisation
      OUT_SCOPE   a live consent to the recipient for other data
      BANNED      the live consent, and a ban on the recipient
    "ok" is OK; "hidden" the unknown client's NOT_FOUND (an outsider's read
    of intake tells nothing); anything else the FORBIDDEN reply's code. */
typedef enum { CONSENT_NONE, CONSENT_GIVEN, CONSENT_WITHDRAWN, CONSENT_OTHER_ORG, CONSENT_OUT_SCOPE,
               CONSENT_BANNED } kpt_consent_state_t;
#define KPT_CONSENT_STATES 6

typedef struct {
    const char *service;
    const char *operation;
    const char *basis;              //  the referral's legal basis ("" where the operation has none)
    const char *caller, *recipient, *scope;
    const char *cells [KPT_CONSENT_STATES];
} kpt_consent_row_t;

#define NOT_FOUND "consent.not_found"
#define WITHDRAWN "consent.withdrawn"
#define OUT_SCOPE "consent.out_of_scope"
#define BANNED    "disclosure.banned"

static const kpt_consent_row_t kpt_consent_matrix [] = {
//    service     operation          basis             caller      recipient  scope        NONE        GIVEN  WITHDRAWN  OTHER_ORG  OUT_SCOPE  BANNED
    { "referral", "submit_referral", "consent",        "muni-743", "ngo-743", "referral",  { NOT_FOUND, "ok", WITHDRAWN, NOT_FOUND, OUT_SCOPE, BANNED } },
    { "referral", "submit_referral", "client_request", "muni-743", "ngo-743", "referral",  { "ok",      "ok", "ok",      "ok",      "ok",      BANNED } },
    { "groups",   "create_placement", "",              "muni-743", "ngo-743", "placement", { NOT_FOUND, "ok", WITHDRAWN, NOT_FOUND, OUT_SCOPE, BANNED } },
    { "groups",   "enrol",           "",               "ngo-743",  "ngo-743", "enrolment", { NOT_FOUND, "ok", WITHDRAWN, NOT_FOUND, OUT_SCOPE, BANNED } },
    { "intake",   "get_client",      "",               "ngo-743",  "ngo-743", "client",    { "hidden",  "ok", "hidden",  "hidden",  "hidden",  "hidden" } },
    { NULL }
};

#undef NOT_FOUND
#undef WITHDRAWN
#undef OUT_SCOPE
#undef BANNED

#endif
