/*  kp_batch — the rows kept for the end of a transaction (see kp_batch.h).
    Arrays go to the database as text array literals (kp_array). */
#include "kp_batch.h"
#include "kp_alloc.h"
#include "kp_array.h"
#include "kp_audit_canon.h"
#include "kp_codec.h"
#include "kp_log.h"
#include "kp_row.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define streq(a, b) (strcmp ((a), (b)) == 0)

#define AUDIT_FIELDS 8              //  org, person, role, action, client, basis, recipient, detail

typedef struct {
    char *field [AUDIT_FIELDS];     //  never NULL ("" for none)
} s_audit_t;

typedef struct {
    char *topic;
    char *aggregate_id;
    int64_t occurred_us;
    char *scope [3];                //  municipality, sender, recipient; NULL: not scoped
    uint8_t *payload;
    size_t size;
} s_event_t;

struct _kp_batch_t {
    s_audit_t *audits;
    size_t audit_count, audit_max;
    s_event_t *events;
    size_t event_count, event_max;
};

#define HEAD_ROW(C) \
    C (HEAD_SEQ, "last_seq", "int8") C (HEAD_HASH, "last_hash", "bytea") \
    C (HEAD_AT, "at_us", "int8") C (HEAD_SERVICE, "service", "text")
enum { HEAD_ROW (KP_ROW_INDEX) };
static const kp_col_t s_head_row [] = { HEAD_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_last_row [] = { { "last_seq", "int8" }, { NULL } };

const kp_stmt_t kp_batch_statements [] = {
    { "kp_batch_head", "SELECT last_seq, last_hash, at_us, service FROM kp.audit_head_lock ()", s_head_row },
    { "kp_batch_audit",
      "SELECT kp.audit_append_batch ($1::int8, $2::bytea, $3::text[], $4::text[], $5::text[],"
      " $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::bytea[]) AS last_seq",
      s_last_row },
    { "kp_batch_events",
      "SELECT kp.append_events ($1::text[], $2::text[], $3::int8[], $4::text[], $5::text[],"
      " $6::text[], $7::bytea[]) AS last_seq", s_last_row },
    { NULL }
};

kp_batch_t *
kp_batch_new (void)
{
    return kp_calloc (1, sizeof (kp_batch_t));
}

static void
s_free_from (kp_batch_t *self, kp_batch_mark_t mark)
{
    for (size_t index = mark.audits; index < self->audit_count; index++)
        for (int field = 0; field < AUDIT_FIELDS; field++)
            free (self->audits [index].field [field]);
    for (size_t index = mark.events; index < self->event_count; index++) {
        s_event_t *event = &self->events [index];
        free (event->topic);
        free (event->aggregate_id);
        for (int part = 0; part < 3; part++)
            free (event->scope [part]);
        free (event->payload);
    }
    if (mark.audits < self->audit_count)
        self->audit_count = mark.audits;
    if (mark.events < self->event_count)
        self->event_count = mark.events;
}

void
kp_batch_clear (kp_batch_t *self)
{
    if (self)
        s_free_from (self, (kp_batch_mark_t) { 0, 0 });
}

void
kp_batch_destroy (kp_batch_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    kp_batch_clear (*self_p);
    free ((*self_p)->audits);
    free ((*self_p)->events);
    free (*self_p);
    *self_p = NULL;
}

kp_batch_mark_t
kp_batch_mark (kp_batch_t *self)
{
    return self ? (kp_batch_mark_t) { self->audit_count, self->event_count } : (kp_batch_mark_t) { 0, 0 };
}

void
kp_batch_rewind (kp_batch_t *self, kp_batch_mark_t mark)
{
    if (self)
        s_free_from (self, mark);
}

bool
kp_batch_empty (kp_batch_t *self)
{
    return !self || (self->audit_count == 0 && self->event_count == 0);
}

//  Room for one more of size bytes in *array; false out of memory.
static bool
s_grow (void **array, size_t count, size_t *max, size_t size)
{
    if (count < *max)
        return true;
    size_t next = *max ? *max * 2 : 16;
    *array = kp_realloc (*array, next * size);
    *max = next;
    return true;
}

//  An audit action or event topic the connection's login role may write
//  (migrations 0002, 0013): its first dotted part is the service's name;
//  the administrator may write any. An audit action is also lower-case
//  service.operation.
static bool
s_own (kp_db_t *db, const char *name, bool action)
{
    const char *user = PQuser (kp_db_conn (db));
    if (!name || !user)
        return false;
    const char *dot = strchr (name, '.');
    if (action) {
        if (!dot || dot == name || !(dot [1] >= 'a' && dot [1] <= 'z'))
            return false;
        for (const char *at = name; *at; at++)
            if (at != dot && !((*at >= 'a' && *at <= 'z') || (at > dot && (*at == '_' || (*at >= '0' && *at <= '9')))))
                return false;
    }
    if (streq (user, "kumppani_admin"))
        return true;
    size_t length = dot ? (size_t) (dot - name) : strlen (name);
    return strlen (user) == length && memcmp (user, name, length) == 0;
}

static bool
s_utf8 (const char *const *texts, int count)
{
    for (int index = 0; index < count; index++)
        if (texts [index] && !kp_codec_utf8_valid (texts [index], strlen (texts [index])))
            return false;
    return true;
}

int
kp_batch_audit (kp_db_t *db, const kp_audit_entry_t *entry)
{
    kp_batch_t *self = kp_db_batch (db);
    if (!self)
        return kp_db_fail (db, "53200", "out of memory");
    if (!s_own (db, entry->action, true))
        return kp_db_fail (db, "42501", "service may not audit this action");
    if (!s_utf8 ((const char *const []) { entry->org_id, entry->person_id, entry->role, entry->action,
                                          entry->client_ref, entry->basis, entry->recipient_org,
                                          entry->detail }, AUDIT_FIELDS))
        return kp_db_fail (db, "22021", "audit text is not UTF-8");
    if (!s_grow ((void **) &self->audits, self->audit_count, &self->audit_max, sizeof (s_audit_t)))
        return kp_db_fail (db, "53200", "out of memory");
    //  As kp.audit_append stores them: NULL is the empty field.
    const char *given [AUDIT_FIELDS] = {
        entry->org_id, entry->person_id, entry->role, entry->action, entry->client_ref,
        entry->basis, entry->recipient_org, entry->detail
    };
    s_audit_t *audit = &self->audits [self->audit_count];
    bool copied = true;
    for (int field = 0; field < AUDIT_FIELDS; field++)
        copied &= (audit->field [field] = kp_strdup (given [field] ? given [field] : "")) != NULL;
    self->audit_count++;
    if (!copied) {
        kp_batch_rewind (self, (kp_batch_mark_t) { self->audit_count - 1, self->event_count });
        return kp_db_fail (db, "53200", "out of memory");
    }
    return 0;
}

int
kp_batch_event (kp_db_t *db, const Kumppani__V1__Event *event, const kp_event_scope_t *scope,
                const uint8_t *payload, size_t size)
{
    kp_batch_t *self = kp_db_batch (db);
    if (!self)
        return kp_db_fail (db, "53200", "out of memory");
    if (!s_own (db, event->topic, false))
        return kp_db_fail (db, "42501", "service may not append this topic");
    if (!s_utf8 ((const char *const []) { event->topic, event->aggregate_id,
                                          scope ? scope->municipality : NULL,
                                          scope ? scope->sender_org : NULL,
                                          scope ? scope->recipient_org : NULL }, 5))
        return kp_db_fail (db, "22021", "event text is not UTF-8");
    if (!s_grow ((void **) &self->events, self->event_count, &self->event_max, sizeof (s_event_t)))
        return kp_db_fail (db, "53200", "out of memory");
    s_event_t *kept = &self->events [self->event_count++];
    *kept = (s_event_t) { .occurred_us = event->occurred_at, .size = size };
    kept->topic = kp_strdup (event->topic);
    kept->aggregate_id = kp_strdup (event->aggregate_id ? event->aggregate_id : "");
    const char *parts [3] = {
        scope ? scope->municipality : NULL, scope ? scope->sender_org : NULL,
        scope ? scope->recipient_org : NULL
    };
    bool copied = kept->topic && kept->aggregate_id;
    for (int part = 0; part < 3; part++)
        if (parts [part])
            copied &= (kept->scope [part] = kp_strdup (parts [part])) != NULL;
    kept->payload = kp_malloc (size ? size : 1);
    copied &= kept->payload != NULL;
    if (kept->payload)
        memcpy (kept->payload, payload, size);
    if (!copied) {
        kp_batch_rewind (self, (kp_batch_mark_t) { self->audit_count, self->event_count - 1 });
        return kp_db_fail (db, "53200", "out of memory");
    }
    return 0;
}

static void
s_arrays_free (kp_array_t *arrays, int count)
{
    for (int index = 0; index < count; index++)
        kp_array_free (&arrays [index]);
}

//  The statements' parameters: the audit batch's (first seq, its prev
//  hash, the eight field arrays, the hashes) and the events' seven arrays.
#define AUDIT_PARAMS (AUDIT_FIELDS + 3)
enum { TOPIC, AGGREGATE, OCCURRED, MUNICIPALITY, SENDER, RECIPIENT, PAYLOAD, EVENT_ARRAYS };

typedef struct {
    char first [24];
    uint8_t first_prev [KP_AUDIT_HASH_SIZE];
    kp_array_t audit [AUDIT_FIELDS + 1];
    kp_array_t events [EVENT_ARRAYS];
    const char *audit_values [AUDIT_PARAMS];
    int audit_lengths [AUDIT_PARAMS];
    int audit_formats [AUDIT_PARAMS];
    const char *event_values [EVENT_ARRAYS];
} s_statements_t;

//  The head under its lock (after the caller's first steps, in the same
//  round trip), and the rows' hashes chained from it.
static int
s_build_audits (kp_batch_t *self, kp_db_t *db, const kp_db_step_t *first, int count,
                s_statements_t *out)
{
    kp_db_step_t *steps = kp_calloc ((size_t) count + 1, sizeof (kp_db_step_t));
    PGresult **results = kp_calloc ((size_t) count + 1, sizeof (PGresult *));
    for (int index = 0; index < count; index++)
        steps [index] = first [index];
    steps [count] = (kp_db_step_t) { .name = "kp_batch_head" };
    int failed = kp_db_pipeline (db, steps, count + 1, results);
    PGresult *head = results [count];
    for (int index = 0; index < count; index++)
        PQclear (results [index]);
    free (steps);
    free (results);
    if (failed)
        return -1;
    uint8_t prev [KP_AUDIT_HASH_SIZE];
    size_t prev_size = 0;
    const char *hex = kp_row_text (head, 0, HEAD_HASH);
    int64_t last_seq = kp_row_int (head, 0, HEAD_SEQ), at_us = kp_row_int (head, 0, HEAD_AT);
    char *service = kp_strdup (kp_row_text (head, 0, HEAD_SERVICE));
    //  bytea arrives as \x and 64 hex digits.
    bool read = service && strncmp (hex, "\\x", 2) == 0
             && sodium_hex2bin (prev, sizeof prev, hex + 2, strlen (hex + 2), NULL, &prev_size, NULL) == 0
             && prev_size == sizeof prev;
    PQclear (head);
    if (!read) {
        free (service);
        return kp_db_fail (db, "XX000", "audit batch: the audit head cannot be read");
    }
    memcpy (out->first_prev, prev, sizeof prev);
    snprintf (out->first, sizeof out->first, "%" PRId64, last_seq + 1);

    int rc = 0;
    kp_array_t *arrays = out->audit;
    for (size_t index = 0; index < self->audit_count && rc == 0; index++) {
        char **field = self->audits [index].field;
        kp_audit_row_t row = {
            .format = KP_AUDIT_FORMAT_V2, .seq = last_seq + 1 + (int64_t) index, .at_us = at_us,
            .service = service, .actor_org = field [0], .actor_person = field [1],
            .actor_role = field [2], .action = field [3], .client_ref = field [4],
            .basis = field [5], .recipient_org = field [6], .detail = field [7]
        };
        uint8_t hash [KP_AUDIT_HASH_SIZE];
        if (kp_audit_hash (prev, &row, hash)) {
            rc = kp_db_fail (db, "53200", "out of memory");
            break;
        }
        memcpy (prev, hash, sizeof hash);
        for (int array = 0; array < AUDIT_FIELDS; array++)
            kp_array_text (&arrays [array], field [array]);
        kp_array_bytes (&arrays [AUDIT_FIELDS], hash, sizeof hash);
    }
    free (service);
    out->audit_values [0] = out->first;
    out->audit_values [1] = (const char *) out->first_prev;
    out->audit_lengths [1] = KP_AUDIT_HASH_SIZE;
    out->audit_formats [1] = 1;
    for (int array = 0; array < AUDIT_FIELDS + 1; array++)
        out->audit_values [2 + array] = kp_array_end (&arrays [array]);
    return rc;
}

static void
s_build_events (kp_batch_t *self, s_statements_t *out)
{
    kp_array_t *arrays = out->events;
    for (size_t index = 0; index < self->event_count; index++) {
        s_event_t *event = &self->events [index];
        char occurred [24];
        snprintf (occurred, sizeof occurred, "%" PRId64, event->occurred_us);
        kp_array_text (&arrays [TOPIC], event->topic);
        kp_array_text (&arrays [AGGREGATE], event->aggregate_id);
        kp_array_text (&arrays [OCCURRED], occurred);
        for (int part = 0; part < 3; part++)
            kp_array_text (&arrays [MUNICIPALITY + part], event->scope [part]);
        //  An empty payload is still bytes, never a NULL element.
        kp_array_bytes (&arrays [PAYLOAD], event->payload ? event->payload : (const uint8_t *) "",
                        event->size);
    }
    for (int array = 0; array < EVENT_ARRAYS; array++)
        out->event_values [array] = kp_array_end (&arrays [array]);
}

int
kp_batch_commit (kp_batch_t *self, kp_db_t *db)
{
    return kp_batch_commit_with (self, db, NULL, 0);
}

int
kp_batch_commit_with (kp_batch_t *self, kp_db_t *db, const kp_db_step_t *first, int first_count)
{
    //  Prepared on first use: a connection that never writes through a
    //  batch (the migrator, before 0031) never needs the functions.
    int rc = kp_db_register (db, kp_batch_statements);
    s_statements_t built = { 0 };
    s_statements_t *statements = &built;
    //  The audit head first: the lock order of migration 0011. Its read
    //  (with the caller's first steps) is the one round trip before the
    //  rest; the counter is taken in the same round trip as the COMMIT.
    if (rc == 0 && self->audit_count) {
        rc = s_build_audits (self, db, first, first_count, statements);
        first_count = 0;
    }
    if (rc == 0 && self->event_count)
        s_build_events (self, statements);
    kp_db_step_t *steps = kp_calloc ((size_t) first_count + 3, sizeof (kp_db_step_t));
    PGresult **results = kp_calloc ((size_t) first_count + 3, sizeof (PGresult *));
    if (rc == 0) {
        int count = 0;
        for (; count < first_count; count++)
            steps [count] = first [count];
        if (self->audit_count)
            steps [count++] = (kp_db_step_t) {
                .name = "kp_batch_audit", .nparams = AUDIT_PARAMS, .values = statements->audit_values,
                .lengths = statements->audit_lengths, .formats = statements->audit_formats
            };
        if (self->event_count)
            steps [count++] = (kp_db_step_t) {
                .name = "kp_batch_events", .nparams = EVENT_ARRAYS, .values = statements->event_values
            };
        steps [count++] = (kp_db_step_t) { .sql = "COMMIT" };
        rc = kp_db_pipeline (db, steps, count, results);
        for (int index = 0; index < count; index++)
            PQclear (results [index]);
    }
    free (steps);
    free (results);
    s_arrays_free (statements->audit, AUDIT_FIELDS + 1);
    s_arrays_free (statements->events, EVENT_ARRAYS);
    kp_batch_clear (self);
    return rc;
}
