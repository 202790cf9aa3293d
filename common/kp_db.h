/*  kp_db — one libpq connection with reconnect and backoff, statements
    prepared once by name from tables (and again after every reconnect), a
    transaction helper that retries what PostgreSQL says may be retried,
    and the one mapping from SQLSTATE to a reply status. */
#ifndef KP_DB_H
#define KP_DB_H

#include "kp_calendar.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct _kp_db_t kp_db_t;

//  One column of a statement's rows: its name (the SQL says AS name for
//  anything not a plain column) and its type as SQL spells it ("text",
//  "int8", "bool", "bytea", "referral.referral_state").
typedef struct {
    const char *name;
    const char *type;
} kp_col_t;

//  A row spec is written once, as a list macro of C (INDEX, "name",
//  "type") entries; KP_ROW_INDEX makes the enum of column indices the
//  reader uses, KP_ROW_COLUMN the kp_col_t array the statement carries:
//
//      #define HISTORY_ROW(C) C (HISTORY_OPERATION, "operation", "text") …
//      enum { HISTORY_ROW (KP_ROW_INDEX) };                          reader
//      static const kp_col_t s_history_row [] = { HISTORY_ROW (KP_ROW_COLUMN) { NULL } };
//      kp_row_text (result, row, HISTORY_OPERATION)
#define KP_ROW_INDEX(index, name, type)  index,
#define KP_ROW_COLUMN(index, name, type) { name, type },

//  A prepared statement. Tables end with { NULL }.
typedef struct {
    const char *name;
    const char *sql;                //  parameters only, cast in SQL ($1::int8)
    //  The rows it returns, ending with { NULL }; NULL if it returns none.
    //  Checked against the server's description each time the statement
    //  is prepared: names, count and types must agree, or the prepare
    //  fails (at start-up: the service does not start) naming the
    //  statement and the first column that differs.
    const kp_col_t *columns;
} kp_stmt_t;

//  What an error means to the caller.
typedef enum {
    KP_DB_OK = 0,
    KP_DB_RETRY,                    //  connection lost, 40001, 40P01: run it again
    KP_DB_DUPLICATE,                //  23505: a domain outcome, not a failure
    KP_DB_CONSTRAINT,               //  other integrity / data errors (22xxx, 23xxx)
    KP_DB_ERROR                     //  everything else
} kp_db_class_t;

//  Connects (with backoff, up to max_wait_ms); NULL if it never succeeds.
//  Later, once the connection is lost, every use first calls kp_db_ensure:
//  see there why an outage costs a request nothing but its refusal.
kp_db_t *kp_db_new (const char *conninfo, int max_wait_ms);
void kp_db_destroy (kp_db_t **self_p);
//  A second connection like self (conninfo, statement tables; no
//  on-connect SQL), not connected yet: its first use connects. For a
//  worker thread, since a connection is never shared between threads;
//  made on the loop's thread, used only on the worker's.
kp_db_t *kp_db_clone (kp_db_t *self);

//  Adds a statement table; prepared now and after every reconnect. The
//  table must outlive the connection (tables are static const arrays).
//  Registering the same table again does nothing.
int kp_db_register (kp_db_t *self, const kp_stmt_t *table);

//  Runs a prepared statement with text parameters (NULL = SQL NULL).
//  Returns the result when it succeeded (caller PQclear's it), else NULL
//  with the error recorded (kp_db_sqlstate, kp_db_class, kp_db_message).
PGresult *kp_db_exec (kp_db_t *self, const char *name, int nparams, const char *const *values);
//  Same with per-parameter lengths and formats (1 = binary, for bytea).
PGresult *kp_db_exec_params (kp_db_t *self, const char *name, int nparams,
                             const char *const *values, const int *lengths, const int *formats);
//  Runs one prepared statement `count` times in a single round trip (libpq
//  pipeline mode): row i's parameters are values [i * nparams …] and
//  lengths [i * nparams …] (NULL: all text); formats (nparams, NULL = all
//  text) is shared by every row. results [i] gets
//  row i's result (caller PQclear's each); 0 if all succeeded, else -1
//  with the first error recorded and every results [i] NULL. Inside a
//  transaction a failure aborts it, like any failed statement.
int kp_db_exec_pipelined (kp_db_t *self, const char *name, int count, int nparams,
                          const char *const *values, const int *lengths, const int *formats,
                          PGresult **results);
//  Runs different statements in one round trip (pipeline mode), in
//  order: a prepared one by name with its parameters, or (name NULL) sql
//  without any (COMMIT). results [i] gets step i's result (caller
//  PQclear's each); 0 if all succeeded, else -1 with the first error
//  recorded and every results [i] NULL. A failed step skips the rest.
typedef struct {
    const char *name;
    const char *sql;
    int nparams;
    const char *const *values;
    const int *lengths;
    const int *formats;
} kp_db_step_t;
int kp_db_pipeline (kp_db_t *self, const kp_db_step_t *steps, int count, PGresult **results);
//  Single values (kp_db_value.c), for the statements whose answer is one
//  value or none. kp_db_run discards the result: 0, or -1 on an error.
//  kp_db_int64 and kp_db_text read the first column of the first row:
//  1 with *value / out set, 0 when there is no row (*value untouched, out
//  ""), -1 on an error (recorded as for kp_db_exec).
int kp_db_run (kp_db_t *self, const char *name, int nparams, const char *const *values);
int kp_db_int64 (kp_db_t *self, const char *name, int nparams, const char *const *values,
                 int64_t *value);
int kp_db_text (kp_db_t *self, const char *name, int nparams, const char *const *values,
                char *out, size_t size);
//  Runs plain SQL without parameters (BEGIN, COMMIT, LISTEN, migrations). 0 or -1.
int kp_db_command (kp_db_t *self, const char *sql);

//  The clock of the work now running on this connection: a call's or a
//  consumed event's. clock_us 0 goes back to the process clock. A set
//  clock is also given to SQL for the rest of the transaction (kp.clock (),
//  migration 0019); call it inside the transaction. imported marks what is
//  written meanwhile as history (events carry it). 0 or -1.
int kp_db_set_clock (kp_db_t *self, int64_t clock_us, bool imported);
//  Now and today (Europe/Helsinki) by that clock.
int64_t kp_db_now_us (kp_db_t *self);
kp_date_t kp_db_today (kp_db_t *self);
//  True while the clock is an imported record's original time.
bool kp_db_imported (kp_db_t *self);

//  The transaction helper: BEGIN, fn, COMMIT; ROLLBACK if fn returns -1.
//  When the failure is of class KP_DB_RETRY the whole transaction is run
//  again, up to max_tries. Returns fn's 0 / -1, or -1 on a database error.
typedef int (kp_db_txn_fn) (kp_db_t *db, void *arg);
int kp_db_transaction (kp_db_t *self, kp_db_txn_fn *fn, void *arg, int max_tries);

int kp_db_begin (kp_db_t *self);
//  kp_db_begin and then steps (as kp_db_pipeline) in one round trip: 0,
//  or -1 with the transaction open (the caller rolls it back).
int kp_db_begin_with (kp_db_t *self, const kp_db_step_t *steps, int count, PGresult **results);
//  Writes the audit rows and events kept in the transaction (kp_batch),
//  then COMMITs; a failed write rolls the transaction back.
int kp_db_commit (kp_db_t *self);
//  Runs steps (results discarded), then kp_db_commit, with no round trip
//  of their own: they go with the audit head's read, before its lock, or
//  with the COMMIT. 0, or -1 rolled back.
int kp_db_commit_with (kp_db_t *self, const kp_db_step_t *steps, int count);
int kp_db_rollback (kp_db_t *self);
//  True between kp_db_begin and its commit or rollback.
bool kp_db_in_transaction (kp_db_t *self);
//  What the open transaction keeps for its COMMIT (kp_batch.h); made on
//  first use, NULL out of memory.
typedef struct _kp_batch_t kp_batch_t;
kp_batch_t *kp_db_batch (kp_db_t *self);

//  Records an error found before the server was asked (as if a statement
//  had failed with sqlstate); returns -1.
int kp_db_fail (kp_db_t *self, const char *sqlstate, const char *message);
//  The last error of this connection.
const char *kp_db_sqlstate (kp_db_t *self);
//  Forgets the last error, so that what fails after this is told apart
//  from what failed before (kp_txn, before each handler).
void kp_db_clear_error (kp_db_t *self);
//  The last error's primary message with every quoted value not a name
//  of the failing object left out (see kp_db_redact): loggable. DETAIL,
//  HINT and CONTEXT, which quote row values, are never kept.
const char *kp_db_message (kp_db_t *self);
//  Copies a server message into out with each "quoted" segment replaced by
//  "…" unless it is one of names (NULL-terminated; the schema, table,
//  column, constraint and type the error names). Server messages quote
//  both identifiers and data ('invalid input syntax for type date:
//  "131052-308T"'); only the identifiers may reach a log.
void kp_db_redact (const char *message, const char *const *names, char *out, size_t size);
kp_db_class_t kp_db_class (kp_db_t *self);
//  Classifies a SQLSTATE; NULL (no server answer) means connection loss.
kp_db_class_t kp_db_classify (const char *sqlstate);
//  Reply status for a SQLSTATE (a KUMPPANI__V1__STATUS__* value).
int kp_db_status_for (const char *sqlstate);

//  True if the server answers now (health).
bool kp_db_ping (kp_db_t *self);
//  For LISTEN: the raw connection and its socket (-1 when disconnected).
PGconn *kp_db_conn (kp_db_t *self);
//  SQL run after every (re)connect, e.g. "LISTEN kp_events" (LISTEN is
//  per session, so a reconnect must repeat it). 0, or -1 if it fails now.
int kp_db_set_on_connect (kp_db_t *self, const char *sql);
//  Makes sure the connection is up; 0 or -1 (sqlstate 08006, class
//  KP_DB_RETRY: the caller answers UNAVAILABLE). A lost connection is
//  tried again at once, one attempt bounded by half a second; after a
//  failed attempt no other is made for a pause (0.1 s doubling to 2 s),
//  and until then every call fails at once. Everything that uses the
//  connection (requests, consumers, timers, LISTEN) gets this for free.
int kp_db_ensure (kp_db_t *self);
//  True while the connection is up as far as we know (no attempt made).
bool kp_db_connected (kp_db_t *self);

#endif
