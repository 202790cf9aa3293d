/*  fuzz_db — stands in for common/kp_db.c in the fuzz builds: a
    database that is always just gone. Every query fails as a lost
    connection (SQLSTATE 08006), so a handler validates its input up to its
    first query, then answers UNAVAILABLE. The existence checks in the
    middle of a validation (is this a real municipality?) answer yes, so
    that the checks after them are fuzzed too. Nothing here can hide a
    crash in the code under test. */
#include "kp_db.h"
#include "kp_clock.h"
#include "kp_calendar.h"
#include "kumppani/v1/envelope.pb-c.h"

#include <stddef.h>
#include <string.h>

#define FUZZ_DB_GONE "08006"

kp_db_t *kp_db_new (const char *conninfo, int max_wait_ms) { (void) conninfo; (void) max_wait_ms; return NULL; }
void kp_db_destroy (kp_db_t **self_p) { if (self_p) *self_p = NULL; }
int kp_db_register (kp_db_t *self, const kp_stmt_t *table) { (void) self; (void) table; return -1; }

//  Statements that validations use as a yes/no check: one row, one column.
static const char *const s_existence_checks [] = {
    "referral_municipality_exists",     //  count: "1"
    "municipality_exists",              //  reporting: one row means yes
    NULL
};

PGresult *
kp_db_exec_params (kp_db_t *self, const char *name, int nparams,
                   const char *const *values, const int *lengths, const int *formats)
{
    (void) self; (void) nparams; (void) values; (void) lengths; (void) formats;
    for (const char *const *check = s_existence_checks; *check; check++) {
        if (strcmp (name, *check) != 0)
            continue;
        PGresult *result = PQmakeEmptyPGresult (NULL, PGRES_TUPLES_OK);
        PGresAttDesc column = { .name = "exists", .format = 0, .typid = 20, .typlen = 8, .atttypmod = -1 };
        if (!result || !PQsetResultAttrs (result, 1, &column) || !PQsetvalue (result, 0, 0, "1", 1)) {
            PQclear (result);
            return NULL;
        }
        return result;
    }
    return NULL;
}

PGresult *
kp_db_exec (kp_db_t *self, const char *name, int nparams, const char *const *values)
{
    return kp_db_exec_params (self, name, nparams, values, NULL, NULL);
}

int kp_db_command (kp_db_t *self, const char *sql) { (void) self; (void) sql; return -1; }

int
kp_db_exec_pipelined (kp_db_t *self, const char *name, int count, int nparams,
                      const char *const *values, const int *lengths, const int *formats,
                      PGresult **results)
{
    (void) self; (void) name; (void) nparams; (void) values; (void) lengths; (void) formats;
    for (int index = 0; index < count; index++)
        results [index] = NULL;
    return -1;
}

int
kp_db_transaction (kp_db_t *self, kp_db_txn_fn *fn, void *arg, int max_tries)
{
    (void) self; (void) fn; (void) arg; (void) max_tries;
    return -1;
}

int kp_db_begin (kp_db_t *self) { (void) self; return -1; }
int kp_db_commit (kp_db_t *self) { (void) self; return -1; }
int kp_db_rollback (kp_db_t *self) { (void) self; return -1; }
int
kp_db_begin_with (kp_db_t *self, const kp_db_step_t *steps, int count, PGresult **results)
{
    (void) self; (void) steps;
    for (int index = 0; index < count; index++)
        results [index] = NULL;
    return -1;
}
int
kp_db_commit_with (kp_db_t *self, const kp_db_step_t *steps, int count)
{
    (void) self; (void) steps; (void) count;
    return -1;
}
//  Never in a transaction: audit rows and events go the direct way, and fail.
bool kp_db_in_transaction (kp_db_t *self) { (void) self; return false; }
kp_batch_t *kp_db_batch (kp_db_t *self) { (void) self; return NULL; }
int kp_db_fail (kp_db_t *self, const char *sqlstate, const char *message)
{
    (void) self; (void) sqlstate; (void) message;
    return -1;
}
int
kp_db_pipeline (kp_db_t *self, const kp_db_step_t *steps, int count, PGresult **results)
{
    (void) self; (void) steps;
    for (int index = 0; index < count; index++)
        results [index] = NULL;
    return -1;
}
const char *kp_db_sqlstate (kp_db_t *self) { (void) self; return FUZZ_DB_GONE; }
void kp_db_clear_error (kp_db_t *self) { (void) self; }
int kp_db_set_clock (kp_db_t *self, int64_t clock_us, bool imported)
{
    (void) self; (void) clock_us; (void) imported;
    return 0;
}
int64_t kp_db_now_us (kp_db_t *self) { (void) self; return kp_clock_now_us (); }
kp_date_t kp_db_today (kp_db_t *self) { (void) self; return kp_date_today (); }
bool kp_db_imported (kp_db_t *self) { (void) self; return false; }
const char *kp_db_message (kp_db_t *self) { (void) self; return "no database in a fuzz run"; }
kp_db_class_t kp_db_class (kp_db_t *self) { (void) self; return KP_DB_RETRY; }
kp_db_class_t kp_db_classify (const char *sqlstate) { (void) sqlstate; return KP_DB_RETRY; }
int kp_db_status_for (const char *sqlstate) { (void) sqlstate; return KUMPPANI__V1__STATUS__STATUS_UNAVAILABLE; }
bool kp_db_ping (kp_db_t *self) { (void) self; return false; }
PGconn *kp_db_conn (kp_db_t *self) { (void) self; return NULL; }
int kp_db_set_on_connect (kp_db_t *self, const char *sql) { (void) self; (void) sql; return -1; }
int kp_db_ensure (kp_db_t *self) { (void) self; return -1; }
bool kp_db_connected (kp_db_t *self) { (void) self; return false; }
kp_db_t *kp_db_clone (kp_db_t *self) { (void) self; return NULL; }
