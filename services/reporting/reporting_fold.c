/*  reporting_fold — the rollup consumer's set-based path (see the
    header). reporting_rollup.c decides, per event, which rows the
    referral rollups get, exactly as the handler does; here they are
    gathered into one text array per column, per statement and round, and
    written by the statements' twins below, which take the arrays through
    unnest: a batch of 1000 events costs a handful of statements in one
    round trip instead of two or three each. */
#include "reporting_fold.h"
#include "reporting_rollup.h"
#include "kp_alloc.h"
#include "kp_db.h"

#include <czmq.h>
#include <stdint.h>
#include <string.h>

#define EVENT_DAY(param) "((to_timestamp (" param "::int8 / 1e6)) AT TIME ZONE 'Europe/Helsinki')::date"

//  Each twin: the rollup statement's parameters from $2 on as arrays of
//  their type, the same SET and WHERE with the table's columns named,
//  and in the WHERE also whether any SET changes anything: most events
//  leave most rows as they are (a deadline warning moves no date, a
//  notice's acknowledgement gives the partner SLA no answer), and a row
//  not updated costs no new row version, no index entry and no WAL.
//  The conditions each SET's CASE takes:
#define HELD_MOVES   "u.deadline <> '' AND n.deadline IS NOT NULL"
#define ANSWERS      "r.answer IS NULL AND u.state::referral.referral_state IN ('accepted', 'declined')"
#define OUTCOME      "r.outcome_on IS NULL AND u.outcome"
#define ACKNOWLEDGES "n.acknowledged_on IS NULL AND u.previous::referral.referral_state = 'received'" \
                     " AND u.state::referral.referral_state <> 'received'"
#define STARTS       "n.assessment_started_on IS NULL AND u.state::referral.referral_state = 'assessment_started'" \
                     " AND u.previous::referral.referral_state IS DISTINCT FROM 'assessment_started'"
#define STOPS        "n.clock_stopped_on IS NULL AND n.deadline IS NOT NULL AND u.deadline = ''"
const kp_stmt_t reporting_fold_statements [] = {
    { "fold_response_received",
      "INSERT INTO reporting.referral_responses (copy, referral_id, kind, recipient_type, municipality,"
      " sender_org, received_on)"
      " SELECT $1::text, u.id, u.kind::referral.referral_kind, u.recipient_type, u.municipality, u.sender,"
      " " EVENT_DAY ("u.occurred")
      " FROM unnest ($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int8[])"
      "   AS u (id, kind, recipient_type, municipality, sender, occurred)"
      " ON CONFLICT DO NOTHING" },
    { "fold_notice_received",
      "INSERT INTO reporting.referral_notices (copy, referral_id, municipality, kind, sender_org,"
      " received_on, deadline)"
      " SELECT $1::text, u.id, u.municipality, u.kind::referral.referral_kind, u.sender,"
      " " EVENT_DAY ("u.occurred") ", nullif (u.deadline, '')::date"
      " FROM unnest ($2::text[], $3::text[], $4::text[], $5::text[], $6::int8[], $7::text[])"
      "   AS u (id, municipality, kind, sender, occurred, deadline)"
      " ON CONFLICT DO NOTHING" },
    { "fold_notice_held",
      "UPDATE reporting.referral_notices n SET held = n.held OR u.held,"
      " held_working_days = greatest (n.held_working_days, u.days),"
      " deadline = CASE WHEN " HELD_MOVES " THEN u.deadline::date ELSE n.deadline END"
      " FROM unnest ($2::text[], $3::bool[], $4::int4[], $5::text[]) AS u (id, held, days, deadline)"
      " WHERE n.copy = $1::text AND n.referral_id = u.id"
      "   AND ((u.held AND NOT n.held) OR u.days > n.held_working_days"
      "   OR (" HELD_MOVES " AND n.deadline IS DISTINCT FROM u.deadline::date))" },
    { "fold_response_moved",
      "UPDATE reporting.referral_responses r SET"
      " answer = CASE WHEN " ANSWERS " THEN u.state ELSE r.answer END,"
      " answered_on = CASE WHEN " ANSWERS " THEN " EVENT_DAY ("u.occurred") " ELSE r.answered_on END,"
      " outcome_on = CASE WHEN " OUTCOME " THEN " EVENT_DAY ("u.occurred") " ELSE r.outcome_on END"
      " FROM unnest ($2::text[], $3::text[], $4::int8[], $5::bool[]) AS u (id, state, occurred, outcome)"
      " WHERE r.copy = $1::text AND r.referral_id = u.id AND (" ANSWERS " OR " OUTCOME ")" },
    { "fold_notice_moved",
      "UPDATE reporting.referral_notices n SET"
      " acknowledged_on = CASE WHEN " ACKNOWLEDGES " THEN " EVENT_DAY ("u.occurred") " ELSE n.acknowledged_on END,"
      " assessment_started_on = CASE WHEN " STARTS " THEN " EVENT_DAY ("u.occurred")
      "   ELSE n.assessment_started_on END,"
      " clock_stopped_on = CASE WHEN " STOPS " THEN " EVENT_DAY ("u.occurred") " ELSE n.clock_stopped_on END,"
      " breach_notified = n.breach_notified OR u.breach"
      " FROM unnest ($2::text[], $3::text[], $4::text[], $5::int8[], $6::text[], $7::bool[])"
      "   AS u (id, previous, state, occurred, deadline, breach)"
      " WHERE n.copy = $1::text AND n.referral_id = u.id"
      "   AND (" ACKNOWLEDGES " OR " STARTS " OR " STOPS " OR (u.breach AND NOT n.breach_notified))" },
    { NULL }
};

//  Within a round, the order one event's rows are written in by the
//  handler: a received writes the response then the notice; a later
//  event the hold, the response, then the notice (its clock reads the
//  deadline the hold moved). Each event is of one kind, so running all
//  of a round's rows of one statement before the next keeps each row's
//  order.
static const struct {
    const char *statement, *twin;
    int nparams;
} s_twins [] = {
    { "rollup_response_received", "fold_response_received", 7 },
    { "rollup_notice_received", "fold_notice_received", 7 },
    { "rollup_notice_held", "fold_notice_held", 5 },
    { "rollup_response_moved", "fold_response_moved", 5 },
    { "rollup_notice_moved", "fold_notice_moved", 7 },
};
#define FOLD_TWINS (sizeof s_twins / sizeof s_twins [0])
#define FOLD_PARAMS_MAX 7

//  One array literal being written: {"a","b",NULL…
typedef struct {
    char *data;
    size_t used, size;
} s_array_t;

typedef struct {
    s_array_t columns [FOLD_TWINS][FOLD_PARAMS_MAX - 1];
    size_t rows [FOLD_TWINS];
} s_round_t;

struct _reporting_fold_t {
    char *copy;
    zhashx_t *keys;                 //  referral id → events of it so far (as uintptr_t)
    s_round_t **rounds;
    size_t round_count;
    size_t round;                   //  the current event's
};

static void
s_append (s_array_t *array, const char *text, size_t length)
{
    if (array->used + length + 1 > array->size) {
        array->size = (array->used + length + 1) * 2;
        array->data = kp_realloc (array->data, array->size);
    }
    memcpy (array->data + array->used, text, length);
    array->used += length;
    array->data [array->used] = 0;
}

//  An element, quoted the way array input reads it back exactly.
static void
s_element (s_array_t *array, const char *value)
{
    s_append (array, array->used ? "," : "{", 1);
    if (!value) {
        s_append (array, "NULL", 4);
        return;
    }
    s_append (array, "\"", 1);
    for (const char *at = value; *at; ) {
        size_t plain = strcspn (at, "\"\\");
        s_append (array, at, plain);
        at += plain;
        if (*at) {
            char escaped [2] = { '\\', *at++ };
            s_append (array, escaped, 2);
        }
    }
    s_append (array, "\"", 1);
}

reporting_fold_t *
reporting_fold_new (const char *copy)
{
    reporting_fold_t *self = kp_calloc (1, sizeof (reporting_fold_t));
    self->copy = kp_strdup (copy);
    self->keys = zhashx_new ();
    return self;
}

void
reporting_fold_destroy (reporting_fold_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    reporting_fold_t *self = *self_p;
    for (size_t round = 0; round < self->round_count; round++) {
        for (size_t twin = 0; twin < FOLD_TWINS; twin++)
            for (int column = 0; column < FOLD_PARAMS_MAX - 1; column++)
                free (self->rounds [round]->columns [twin][column].data);
        free (self->rounds [round]);
    }
    free (self->rounds);
    zhashx_destroy (&self->keys);
    free (self->copy);
    free (self);
    *self_p = NULL;
}

void
reporting_fold_begin (reporting_fold_t *self, const char *key)
{
    uintptr_t seen = (uintptr_t) zhashx_lookup (self->keys, key);
    //  Stored as seen + 1 so that a key's first event is not NULL.
    self->round = seen ? seen : 0;
    zhashx_update (self->keys, key, (void *) (self->round + 1));
}

int
reporting_fold_add (reporting_fold_t *self, const char *statement, int nparams, const char *const *values)
{
    size_t twin = 0;
    while (twin < FOLD_TWINS && strcmp (s_twins [twin].statement, statement) != 0)
        twin++;
    if (twin == FOLD_TWINS || s_twins [twin].nparams != nparams)
        return -1;
    while (self->round_count <= self->round) {
        self->rounds = kp_realloc (self->rounds, (self->round_count + 1) * sizeof (s_round_t *));
        self->rounds [self->round_count++] = kp_calloc (1, sizeof (s_round_t));
    }
    s_round_t *round = self->rounds [self->round];
    for (int param = 1; param < nparams; param++)
        s_element (&round->columns [twin][param - 1], values [param]);
    round->rows [twin]++;
    return 0;
}

int
reporting_fold_flush (reporting_fold_t *self, kp_db_t *db)
{
    size_t most = self->round_count * FOLD_TWINS, count = 0;
    if (most == 0)
        return 0;
    kp_db_step_t *steps = kp_calloc (most, sizeof (kp_db_step_t));
    const char **values = kp_calloc (most * FOLD_PARAMS_MAX, sizeof (char *));
    PGresult **results = kp_calloc (most, sizeof (PGresult *));
    for (size_t index = 0; index < self->round_count; index++)
        for (size_t twin = 0; twin < FOLD_TWINS; twin++) {
            s_round_t *round = self->rounds [index];
            if (!round->rows [twin])
                continue;
            const char **step_values = values + count * FOLD_PARAMS_MAX;
            step_values [0] = self->copy;
            for (int param = 1; param < s_twins [twin].nparams; param++) {
                s_append (&round->columns [twin][param - 1], "}", 1);
                step_values [param] = round->columns [twin][param - 1].data;
            }
            steps [count++] = (kp_db_step_t) {
                .name = s_twins [twin].twin, .nparams = s_twins [twin].nparams, .values = step_values
            };
        }
    int rc = kp_db_pipeline (db, steps, (int) count, results);
    for (size_t index = 0; index < count; index++)
        PQclear (results [index]);
    free (results);
    free (values);
    free (steps);
    return rc;
}

int
reporting_fold_on_batch (kp_db_t *db, Kumppani__V1__Event *const *events, size_t count, bool *done, void *arg)
{
    (void) arg;
    reporting_fold_t *fold = reporting_fold_new (REPORTING_ROLLUP_LIVE);
    int rc = 0;
    //  Poison (-2) is left to the handler, which parks it.
    for (size_t index = 0; index < count && rc == 0; index++)
        if (strncmp (events [index]->topic, "referral.", 9) == 0) {
            int outcome = reporting_rollup_collect (fold, events [index]);
            done [index] = outcome == 0;
            rc = outcome == -1 ? -1 : 0;
        }
    if (rc == 0)
        rc = reporting_fold_flush (fold, db);
    reporting_fold_destroy (&fold);
    return rc;
}
