/*  fuzz_db — stands in for common/kp_db.c in the fuzz builds: a
    database that is always just gone. Every query fails as a lost connection (SQLSTATE 08006), so a
    handler validates its input up to its first query, then answers
    UNAVAILABLE; nothing here can hide a crash in the code under test. */
#include "kp_db.h"
#include "kumppani/v1/envelope.pb-c.h"

#include <stddef.h>

#define FUZZ_DB_GONE "08006"

kp_db_t *kp_db_new (const char *conninfo, int max_wait_ms) { (void) conninfo; (void) max_wait_ms; return NULL; }
void kp_db_destroy (kp_db_t **self_p) { if (self_p) *self_p = NULL; }
int kp_db_register (kp_db_t *self, const kp_stmt_t *table) { (void) self; (void) table; return -1; }

PGresult *
kp_db_exec_params (kp_db_t *self, const char *name, int nparams,
                   const char *const *values, const int *lengths, const int *formats)
{
    (void) self; (void) name; (void) nparams; (void) values; (void) lengths; (void) formats;
    return NULL;
}

PGresult *
kp_db_exec (kp_db_t *self, const char *name, int nparams, const char *const *values)
{
    return kp_db_exec_params (self, name, nparams, values, NULL, NULL);
}

int kp_db_command (kp_db_t *self, const char *sql) { (void) self; (void) sql; return -1; }

int
kp_db_transaction (kp_db_t *self, kp_db_txn_fn *fn, void *arg, int max_tries)
{
    (void) self; (void) fn; (void) arg; (void) max_tries;
    return -1;
}

int kp_db_begin (kp_db_t *self) { (void) self; return -1; }
int kp_db_commit (kp_db_t *self) { (void) self; return -1; }
int kp_db_rollback (kp_db_t *self) { (void) self; return -1; }
const char *kp_db_sqlstate (kp_db_t *self) { (void) self; return FUZZ_DB_GONE; }
const char *kp_db_message (kp_db_t *self) { (void) self; return "no database in a fuzz run"; }
kp_db_class_t kp_db_class (kp_db_t *self) { (void) self; return KP_DB_RETRY; }
kp_db_class_t kp_db_classify (const char *sqlstate) { (void) sqlstate; return KP_DB_RETRY; }
int kp_db_status_for (const char *sqlstate) { (void) sqlstate; return KUMPPANI__V1__STATUS__STATUS_UNAVAILABLE; }
bool kp_db_ping (kp_db_t *self) { (void) self; return false; }
PGconn *kp_db_conn (kp_db_t *self) { (void) self; return NULL; }
int kp_db_set_on_connect (kp_db_t *self, const char *sql) { (void) self; (void) sql; return -1; }
int kp_db_ensure (kp_db_t *self) { (void) self; return -1; }
