/*  kp_call — what handlers use while serving one call: memory that lives
    until the reply is sent, failing with a status and a machine code,
    auditing, and the names of roles and organisation types. */
#include "kp_server.h"
#include "kp_alloc.h"
#include "kp_audit.h"
#include "kp_metrics.h"

#include <stddef.h>
#include <string.h>

//  Each block is chained to the call's arena and freed with the call.
typedef struct s_block {
    struct s_block *next;
    max_align_t data [];
} s_block_t;

void *
kp_call_alloc (kp_call_t *call, size_t size)
{
    s_block_t *block = kp_calloc (1, sizeof (s_block_t) + size);
    block->next = call->arena;
    call->arena = block;
    return block->data;
}

void
kp_call_arena_free (kp_call_t *call)
{
    for (s_block_t *block = call->arena; block; ) {
        s_block_t *next = block->next;
        free (block);
        block = next;
    }
    call->arena = NULL;
}

void
kp_call_reset_reply (kp_call_t *call)
{
    kumppani__v1__reply__init (call->reply);
    call->reply->correlation_id = (char *) call->request->correlation_id;
    call->reply->status = KUMPPANI__V1__STATUS__STATUS_OK;
    call->reply->ignored_fields = call->ignored_fields;
    call->reply->n_ignored_fields = call->n_ignored_fields;
}

char *
kp_call_strdup (kp_call_t *call, const char *text)
{
    size_t len = strlen (text);
    char *copy = kp_call_alloc (call, len + 1);
    if (copy)
        memcpy (copy, text, len + 1);
    return copy;
}

int
kp_call_fail (kp_call_t *call, Kumppani__V1__Status status, const char *code,
              const char *field, const char *message)
{
    Kumppani__V1__Error *error = kp_call_alloc (call, sizeof (Kumppani__V1__Error));
    kumppani__v1__error__init (error);
    error->code = kp_call_strdup (call, code ? code : "");
    error->field = kp_call_strdup (call, field ? field : "");
    error->message = kp_call_strdup (call, message ? message : "");
    call->reply->status = status;
    call->reply->error = error;
    call->reply->body_case = KUMPPANI__V1__REPLY__BODY__NOT_SET;
    return -1;
}

int
kp_call_db_fail (kp_call_t *call)
{
    const char *state = kp_db_sqlstate (call->db);
    kp_metrics_db_error (kp_server_metrics (call->server));
    kp_log (KP_LOG_WARN, &call->log, "database error %s: %s", state, kp_db_message (call->db));
    return kp_call_fail (call, (Kumppani__V1__Status) kp_db_status_for (state), "db.error",
                         NULL, "the request could not be completed; retry with the same key");
}

const char *
kp_role_name (Kumppani__V1__Role role)
{
    const ProtobufCEnumValue *value =
        protobuf_c_enum_descriptor_get_value (&kumppani__v1__role__descriptor, (int) role);
    return value ? value->name : "ROLE_UNKNOWN";
}

void
kp_call_audit_entry (kp_call_t *call, const char *client_ref, const char *basis,
                     const char *recipient_org, const char *detail, kp_audit_entry_t *entry)
{
    const Kumppani__V1__Actor *actor = call->request->actor;
    *entry = (kp_audit_entry_t) {
        .org_id = call->identity->org_id,
        .person_id = actor ? actor->person_id : "",
        .role = kp_role_name (actor ? actor->role : KUMPPANI__V1__ROLE__ROLE_UNSPECIFIED),
        .action = call->operation,
        .client_ref = client_ref, .basis = basis,
        .recipient_org = recipient_org, .detail = detail
    };
    //  History says so in the audit: whose record, and who brought it in.
    if (*call->imported_by) {
        size_t size = strlen (detail ? detail : "") + strlen (call->imported_by) + 16;
        char *marked = kp_call_alloc (call, size);
        if (marked) {
            snprintf (marked, size, "%s%simported by %s", detail ? detail : "", detail && *detail ? "; " : "",
                      call->imported_by);
            entry->detail = marked;
        }
    }
}

int
kp_call_audit (kp_call_t *call, const char *client_ref, const char *basis,
               const char *recipient_org, const char *detail)
{
    kp_audit_entry_t entry;
    kp_call_audit_entry (call, client_ref, basis, recipient_org, detail, &entry);
    return kp_audit_append (call->db, &entry);
}

bool
kp_org_type_in (const char *org_type, const char *list)
{
    size_t len = strlen (org_type);
    for (const char *word = list; word && *word; ) {
        while (*word == ' ')
            word++;
        size_t word_len = strcspn (word, " ");
        if (word_len == len && len && strncmp (word, org_type, len) == 0)
            return true;
        word += word_len;
    }
    return false;
}

