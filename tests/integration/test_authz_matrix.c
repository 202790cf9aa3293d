/*  The authorisation matrix (authz_matrix.h), cell by cell: every operation
    of intake, referral, reporting and stream plus health on all five
    services, called by every sample organisation through its own CURVE
    certificate against the real services. A mismatch names its cell; all
    mismatches of a service are reported together. */
#include "harness.h"
#include "authz_matrix.h"
#include "kp_codec.h"
#include "kp_server.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TestSuite (authz_matrix, .init = kpt_setup, .fini = kpt_teardown, .timeout = 120);

//  How long an unadmitted key is given to get an answer it must never get.
#define KPT_DENY_WAIT_MS 1000

static const char *
s_verdict_name (kpt_verdict_t verdict)
{
    switch (verdict) {
        case ALLOW:  return "ALLOW";
        case FORB:   return "FORBIDDEN";
        case HIDDEN: return "NOT_FOUND";
        case UNAUTH: return "UNAUTHENTICATED";
        case DENY:   return "no answer";
        case KPT_OTHER: return "another error";
    }
    return "?";
}

//  In a row that targets something that exists, NOT_FOUND is HIDDEN and
//  ALLOW means OK; with an empty body any other answer is "let in".
static kpt_verdict_t
s_verdict_of (const Kumppani__V1__Reply *reply, const kpt_authz_row_t *row)
{
    if (!reply)
        return DENY;
    if (reply->status == KUMPPANI__V1__STATUS__STATUS_FORBIDDEN)
        return FORB;
    if (reply->status == KUMPPANI__V1__STATUS__STATUS_UNAUTHENTICATED)
        return UNAUTH;
    if (row->target == EMPTY_BODY || reply->status == KUMPPANI__V1__STATUS__STATUS_OK)
        return ALLOW;
    if (reply->status == KUMPPANI__V1__STATUS__STATUS_NOT_FOUND)
        return HIDDEN;
    return KPT_OTHER;
}

//  A request for operation: the body is an empty message of the oneof
//  field's own type, found through the descriptor so that the table names
//  operations as the proto does. If id_field is given, id goes into the
//  body's field of that name. The body is the caller's to free.
static ProtobufCMessage *
s_request (Kumppani__V1__Request *request, Kumppani__V1__Actor *actor, const char *operation,
           Kumppani__V1__Role role, const char *id_field, const char *id)
{
    kumppani__v1__request__init (request);
    kpt_request (request, actor, role, true);
    if (strcmp (operation, "health") == 0) {
        static Kumppani__V1__HealthRequest health = KUMPPANI__V1__HEALTH_REQUEST__INIT;
        request->body_case = KUMPPANI__V1__REQUEST__BODY_HEALTH;
        request->health = &health;
        return NULL;
    }
    const ProtobufCFieldDescriptor *field =
        protobuf_c_message_descriptor_get_field_by_name (&kumppani__v1__request__descriptor, operation);
    cr_assert_not_null (field, "the matrix names an operation the envelope lacks: %s", operation);
    const ProtobufCMessageDescriptor *type = field->descriptor;
    ProtobufCMessage *body = calloc (1, type->sizeof_message);
    protobuf_c_message_init (type, body);
    if (id_field) {
        const ProtobufCFieldDescriptor *target = protobuf_c_message_descriptor_get_field_by_name (type, id_field);
        cr_assert_not_null (target, "%s has no %s to target", operation, id_field);
        *(const char **) ((char *) body + target->offset) = id;
    }
    *(ProtobufCMessage **) ((char *) request + field->offset) = body;
    request->body_case = (Kumppani__V1__Request__BodyCase) field->id;
    return body;
}

//  A client of muni-743, registered by its own social worker.
static char *
s_register_own_client (void)
{
    kp_client_t *client = kpt_client ("intake", "muni-743");
    Kumppani__V1__Request request;
    Kumppani__V1__Actor actor;
    ProtobufCMessage *body = s_request (&request, &actor, "register_client", WORKER, NULL, NULL);
    Kumppani__V1__ClientAttributes attributes = KUMPPANI__V1__CLIENT_ATTRIBUTES__INIT;
    attributes.gender = KUMPPANI__V1__GENDER__GENDER_NOT_TOLD;
    attributes.language = "fi";
    ((Kumppani__V1__RegisterClient *) body)->attributes = &attributes;
    Kumppani__V1__Reply *reply = kpt_call (client, &request);
    cr_assert_not_null (reply);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK, "register_client: %s",
                  reply->error ? reply->error->code : "?");
    char *client_id = strdup (reply->client->client_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    free (body);
    kp_client_destroy (&client);
    return client_id;
}

//  Appends "service.operation as identity: expected X, got Y" to report.
static void
s_mismatch (char *report, size_t size, const kpt_authz_row_t *row, int column,
            kpt_verdict_t got, const Kumppani__V1__Reply *reply)
{
    size_t used = strlen (report);
    snprintf (report + used, size - used, "\n  %s.%s as %s: expected %s, got %s%s%s",
              row->service, row->operation, kpt_identities [column],
              s_verdict_name (row->cells [column]), s_verdict_name (got),
              reply && reply->error ? " " : "", reply && reply->error ? reply->error->code : "");
}

//  The role a row's call claims as the identity of column (authz_matrix.h).
static Kumppani__V1__Role
s_role_of (Kumppani__V1__Role role, int column)
{
    if (role == OPER)
        return OPER;
    Kumppani__V1__Role own = kpt_own_roles [column];
    if (role == COORD && (own == WORKER || own == KUMPPANI__V1__ROLE__ROLE_DEBT_COUNSELLOR
                          || own == KUMPPANI__V1__ROLE__ROLE_NGO_WORKER))
        return COORD;
    return own;
}

//  Every row of one service, every column; returns the number of cells.
//  own: the id the service's targeted rows name (a client, a referral).
static int
s_check_service (const char *service, const char *own)
{
    char report [8192] = "";
    int cells = 0, mismatches = 0;
    for (int column = 0; column < KPT_IDENTITIES; column++) {
        const char *identity = kpt_identities [column];
        kp_client_t *client = kpt_client (service, identity);
        for (const kpt_authz_row_t *row = kpt_authz_matrix; row->service; row++) {
            if (strcmp (row->service, service) != 0)
                continue;
            Kumppani__V1__Request request;
            Kumppani__V1__Actor actor;
            Kumppani__V1__Role role = s_role_of (row->role, column);
            ProtobufCMessage *body =
                row->target == OWN_CLIENT ? s_request (&request, &actor, row->operation, role, "client_id", own)
              : row->target == OWN_REFERRAL ? s_request (&request, &actor, row->operation, role, "referral_id", own)
              : s_request (&request, &actor, row->operation, role, NULL, NULL);
            //  A refused key never gets a reply: wait briefly, then move on
            //  (the whole column is checked again at the end, see below).
            int timeout = row->cells [column] == DENY ? 100 : 5000;
            Kumppani__V1__Reply *reply = kp_client_call (client, &request, timeout, 0);
            //  A report table allowed here is audited as kpt_call audits every other.
            if (reply && reply->body_case == KUMPPANI__V1__REPLY__BODY_REPORT_TABLE)
                cr_assert_null (kpt_report_audit (reply->report_table), "report %s", reply->report_table->report);
            kpt_verdict_t got = s_verdict_of (reply, row);
            if (got != row->cells [column]) {
                s_mismatch (report, sizeof report, row, column, got, reply);
                mismatches++;
            }
            cells++;
            if (reply)
                kumppani__v1__reply__free_unpacked (reply, NULL);
            free (body);
        }
        //  Whatever the DENY column sent must stay unanswered for good.
        if (strcmp (identity, "stranger") == 0) {
            Kumppani__V1__Reply *late = kp_client_recv (client, KPT_DENY_WAIT_MS);
            cr_assert_null (late, "%s answered an unadmitted key late", service);
        }
        kp_client_destroy (&client);
    }
    cr_assert_eq (mismatches, 0, "%d of %d cells of %s differ from authz_matrix.h:%s",
                  mismatches, cells, service, report);
    return cells;
}

Test (authz_matrix, intake)
{
    kpt_service_start ("intake", NULL);
    char *own_client = s_register_own_client ();
    cr_log_info ("intake: %d cells", s_check_service ("intake", own_client));
    free (own_client);
}

//  Kela's notice to muni-743 about a client named by a pseudonymous ref.
static char *
s_submit_own_referral (void)
{
    kp_client_t *client = kpt_client ("referral", "kela");
    Kumppani__V1__Request request;
    Kumppani__V1__Actor actor;
    ProtobufCMessage *body = s_request (&request, &actor, "submit_referral",
                                        KUMPPANI__V1__ROLE__ROLE_KELA_OFFICER, NULL, NULL);
    Kumppani__V1__SubmitReferral *notice = (Kumppani__V1__SubmitReferral *) body;
    notice->kind = KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_SOCIAL_WORK_NEED;
    notice->recipient_org = "muni-743";
    notice->recipient_type = "municipality";
    notice->municipality = "743";
    notice->client_ref = "authz-client";
    notice->reason_category = KUMPPANI__V1__REASON_CATEGORY__REASON_CATEGORY_INCOME;
    notice->legal_basis = KUMPPANI__V1__LEGAL_BASIS__LEGAL_BASIS_CLIENT_REQUEST;
    Kumppani__V1__Reply *reply = kpt_call (client, &request);
    cr_assert_not_null (reply);
    cr_assert_eq (reply->status, KUMPPANI__V1__STATUS__STATUS_OK, "submit_referral: %s",
                  reply->error ? reply->error->code : "?");
    char *referral_id = strdup (reply->referral->referral->referral_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    free (body);
    kp_client_destroy (&client);
    return referral_id;
}

Test (authz_matrix, referral)
{
    kpt_service_start ("referral", NULL);
    char *own_referral = s_submit_own_referral ();
    cr_log_info ("referral: %d cells", s_check_service ("referral", own_referral));
    free (own_referral);
}

Test (authz_matrix, reporting)
{
    kpt_service_start ("reporting", NULL);
    cr_log_info ("reporting: %d cells", s_check_service ("reporting", NULL));
}

Test (authz_matrix, stream)
{
    kpt_service_start ("stream", NULL);
    cr_log_info ("stream: %d cells", s_check_service ("stream", NULL));
}

Test (authz_matrix, groups)
{
    kpt_service_start ("groups", NULL);
    cr_log_info ("groups: %d cells", s_check_service ("groups", NULL));
}

//  The envelope's operation numbers say whose they are (stream 1xx,
//  referral 2xx, intake 3xx, groups 4xx, reporting 5xx).
static const char *
s_service_of (unsigned field_id)
{
    static const char *const owners [] = { NULL, "stream", "referral", "intake", "groups", "reporting" };
    unsigned hundred = field_id / 100;
    return hundred < sizeof owners / sizeof owners [0] ? owners [hundred] : NULL;
}

//  Not in the matrix yet: being written on other branches (authz_matrix.h).

static const kpt_authz_row_t *
s_row_for (const char *service, const char *operation)
{
    for (const kpt_authz_row_t *row = kpt_authz_matrix; row->service; row++)
        if (strcmp (row->service, service) == 0 && strcmp (row->operation, operation) == 0)
            return row;
    return NULL;
}

//  Every operation in the envelope has its row (so a new operation without
//  one fails here), each row once, for the service that owns it.
Test (authz_matrix, every_operation_has_exactly_one_row)
{
    const ProtobufCMessageDescriptor *envelope = &kumppani__v1__request__descriptor;
    int operations = 0;
    for (unsigned index = 0; index < envelope->n_fields; index++) {
        const ProtobufCFieldDescriptor *field = &envelope->fields [index];
        if (!(field->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) || !s_service_of (field->id))
            continue;
        operations++;
        cr_expect_not_null (s_row_for (s_service_of (field->id), field->name),
                            "%s.%s has no row in authz_matrix.h", s_service_of (field->id), field->name);
    }
    int rows = 0, health = 0;
    for (const kpt_authz_row_t *row = kpt_authz_matrix; row->service; row++, rows++) {
        cr_assert_eq (s_row_for (row->service, row->operation), row, "%s.%s appears twice",
                      row->service, row->operation);
        if (strcmp (row->operation, "health") == 0) {
            health++;
            continue;
        }
        const ProtobufCFieldDescriptor *field =
            protobuf_c_message_descriptor_get_field_by_name (envelope, row->operation);
        cr_assert_not_null (field, "%s is no operation", row->operation);
        cr_assert_str_eq (row->service, s_service_of (field->id), "%s belongs to %s", row->operation,
                          s_service_of (field->id));
    }
    cr_assert_eq (health, 5, "health on all five services");
    cr_assert_eq (rows, operations + health);
    cr_log_info ("the matrix: %d rows x %d identities = %d cells", rows, KPT_IDENTITIES, rows * KPT_IDENTITIES);
}

//  Every role from a certificate of each type: the table's roles pass the
//  role check (whatever the operation then says), the others are refused
//  request.role_not_allowed on actor.role. get_case is open to every
//  organisation type, so the role check is the only one that can refuse.
Test (authz_matrix, roles)
{
    kpt_service_start ("intake", NULL);
    char report [8192] = "";
    int mismatches = 0;
    for (const kpt_role_row_t *row = kpt_role_matrix; row->org_type; row++) {
        char cert [600];
        if (strncmp (row->identity, "service:", 8) == 0)
            snprintf (cert, sizeof cert, "%s", kpt_cert_path ("services", row->identity + 8));
        else
            snprintf (cert, sizeof cert, "%s", kpt_cert_path ("clients", row->identity));
        kp_client_t *client = kp_client_new (kpt_endpoint ("intake"), kpt_cert_path ("services", "intake"), cert);
        cr_assert_not_null (client);
        for (int role = 1; role <= KPT_ROLES; role++) {
            Kumppani__V1__Request request;
            Kumppani__V1__Actor actor;
            ProtobufCMessage *body = s_request (&request, &actor, "get_case", (Kumppani__V1__Role) role,
                                                NULL, NULL);
            Kumppani__V1__Reply *reply = kp_client_call (client, &request, 5000, 0);
            cr_assert_not_null (reply, "%s as role %d: no answer", row->identity, role);
            bool refused = reply->error && strcmp (reply->error->code, "request.role_not_allowed") == 0;
            if (refused)
                cr_assert (reply->status == KUMPPANI__V1__STATUS__STATUS_FORBIDDEN
                           && strcmp (reply->error->field, "actor.role") == 0);
            if (refused == row->allowed [role - 1]) {
                size_t used = strlen (report);
                snprintf (report + used, sizeof report - used, "\n  %s (%s) as %s: expected %s, got %s",
                          row->identity, row->org_type, kp_role_name ((Kumppani__V1__Role) role),
                          row->allowed [role - 1] ? "allowed" : "refused",
                          reply->error ? reply->error->code : "OK");
                mismatches++;
            }
            kumppani__v1__reply__free_unpacked (reply, NULL);
            free (body);
        }
        kp_client_destroy (&client);
    }
    cr_assert_eq (mismatches, 0, "%d roles differ from authz_matrix.h:%s", mismatches, report);
}
