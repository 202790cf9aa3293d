/*  kp_db — libpq done carefully: every PGresult checked and cleared on
    every path, statements prepared by name from tables and re-prepared
    after a reconnect, SQLSTATE classified into retry / duplicate / error. */
#include "kp_db.h"
#include "kp_alloc.h"
#include "kp_batch.h"
#include "kp_clock.h"
#include "kp_log.h"
#include "kumppani/v1/envelope.pb-c.h"

#include <assert.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KP_DB_MAX_TABLES 32
#define KP_DB_MAX_TYPES  64

struct _kp_db_t {
    PGconn *conn;
    char *conninfo;
    const kp_stmt_t *tables [KP_DB_MAX_TABLES];
    int table_count;
    bool in_transaction;
    char *on_connect;               //  SQL repeated after every reconnect
    int max_wait_ms;                //  how long the first connect may back off
    //  While the database is away: no new attempt before retry_at (ms on
    //  the monotonic clock), and the pause after the next failure.
    int64_t retry_at;
    int backoff_ms;
    bool down;                      //  lost and not yet back (logged once)
    bool was_up;                    //  connected before (a clone starts without)
    char sqlstate [6];
    char message [256];
    int64_t clock_us;               //  the running work's clock, 0: the process clock
    bool imported;                  //  that clock is an imported record's original time
    bool clock_in_sql;              //  kp.clock is set in the open transaction
    //  Row-spec type names resolved on this connection (s_type_oid).
    struct s_type { const char *name; Oid oid; } types [KP_DB_MAX_TYPES];
    int type_count;
    bool spec_drift;                //  a row spec did not match (not retried)
    kp_batch_t *batch;              //  audit rows and events kept for COMMIT
};

static void
s_sleep_ms (int ms)
{
    struct timespec pause = { ms / 1000, (long) (ms % 1000) * 1000000L };
    nanosleep (&pause, NULL);
}

static int64_t
s_now_ms (void)
{
    struct timespec now;
    clock_gettime (CLOCK_MONOTONIC, &now);
    return (int64_t) now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static void
s_set_error (kp_db_t *self, const PGresult *result)
{
    const char *state = result ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;
    //  No SQLSTATE means libpq never got an answer: treat as connection loss.
    snprintf (self->sqlstate, sizeof self->sqlstate, "%s", state ? state : "08006");
    //  Without a result the text is libpq's own (connection trouble), no data.
    const char *text = result ? PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY)
                              : PQerrorMessage (self->conn);
    if (result) {
        const char *names [] = {
            PQresultErrorField (result, PG_DIAG_SCHEMA_NAME),
            PQresultErrorField (result, PG_DIAG_TABLE_NAME),
            PQresultErrorField (result, PG_DIAG_COLUMN_NAME),
            PQresultErrorField (result, PG_DIAG_CONSTRAINT_NAME),
            PQresultErrorField (result, PG_DIAG_DATATYPE_NAME)
        };
        //  A name the server did not give ends the list early: compact it.
        const char *given [6];
        size_t count = 0;
        for (size_t index = 0; index < 5; index++)
            if (names [index])
                given [count++] = names [index];
        given [count] = NULL;
        kp_db_redact (text ? text : "no message", given, self->message, sizeof self->message);
    }
    else
        snprintf (self->message, sizeof self->message, "%s", text && *text ? text : "no answer");
    size_t len = strlen (self->message);
    while (len && (self->message [len - 1] == '\n'))
        self->message [--len] = 0;
}

void
kp_db_redact (const char *message, const char *const *names, char *out, size_t size)
{
    size_t used = 0;
    const char *cursor = message;
    while (*cursor && used + 1 < size) {
        const char *close = *cursor == '"' ? strchr (cursor + 1, '"') : NULL;
        if (!close) {
            out [used++] = *cursor++;
            continue;
        }
        size_t length = (size_t) (close - cursor - 1);
        bool name = false;
        for (const char *const *known = names; known && *known && !name; known++)
            name = strlen (*known) == length && strncmp (*known, cursor + 1, length) == 0;
        int wrote = name ? snprintf (out + used, size - used, "\"%.*s\"", (int) length, cursor + 1)
                         : snprintf (out + used, size - used, "\"…\"");
        used = wrote < 0 || (size_t) wrote >= size - used ? size - 1 : used + (size_t) wrote;
        cursor = close + 1;
    }
    out [used < size ? used : size - 1] = 0;
}

//  The OID of a type named as SQL spells it, asked once per connection
//  per name (the spec tables are static, so their strings are the keys).
//  InvalidOid if the server does not know it.
static Oid
s_type_oid (kp_db_t *self, const char *type)
{
    for (int index = 0; index < self->type_count; index++)
        if (self->types [index].name == type || strcmp (self->types [index].name, type) == 0)
            return self->types [index].oid;
    const char *values [] = { type };
    PGresult *result = PQexecParams (self->conn, "SELECT to_regtype ($1::text)::oid", 1, NULL,
                                     values, NULL, NULL, 0);
    Oid oid = PQresultStatus (result) == PGRES_TUPLES_OK && PQntuples (result) == 1
           && !PQgetisnull (result, 0, 0) ? (Oid) strtoul (PQgetvalue (result, 0, 0), NULL, 10)
                                          : InvalidOid;
    PQclear (result);
    if (oid != InvalidOid && self->type_count < KP_DB_MAX_TYPES)
        self->types [self->type_count++] = (struct s_type) { type, oid };
    return oid;
}

//  Holds a prepared statement's description against its row spec. 0, or
//  -1 with the difference in self->message (sqlstate 42804: our bug, not
//  the database's, so INTERNAL to anyone who asks).
static int
s_check_row_spec (kp_db_t *self, const kp_stmt_t *stmt)
{
    PGresult *described = PQdescribePrepared (self->conn, stmt->name);
    if (PQresultStatus (described) != PGRES_COMMAND_OK) {
        s_set_error (self, described);
        PQclear (described);
        return -1;
    }
    int fields = PQnfields (described), count = 0;
    while (stmt->columns [count].name)
        count++;
    char difference [192] = "";
    for (int index = 0; index < count && index < fields && !*difference; index++) {
        const kp_col_t *column = &stmt->columns [index];
        Oid expected = s_type_oid (self, column->type);
        if (strcmp (PQfname (described, index), column->name) != 0)
            snprintf (difference, sizeof difference, "column %d is \"%s\", the spec says \"%s\"",
                      index, PQfname (described, index), column->name);
        else
        if (expected == InvalidOid || PQftype (described, index) != expected)
            snprintf (difference, sizeof difference, "column \"%s\" has type oid %u, the spec says %s",
                      column->name, (unsigned) PQftype (described, index), column->type);
    }
    if (!*difference && fields != count)
        snprintf (difference, sizeof difference, "it returns %d columns, the spec has %d", fields, count);
    PQclear (described);
    if (!*difference)
        return 0;
    self->spec_drift = true;
    snprintf (self->sqlstate, sizeof self->sqlstate, "42804");
    snprintf (self->message, sizeof self->message, "row spec of %s does not match: %s", stmt->name, difference);
    return -1;
}

//  A statement that returns rows should say which (kp_stmt_t.columns):
//  one without is read by position again. Said at each prepare; only
//  statements whose text may return rows are asked.
static void
s_warn_unspecified (kp_db_t *self, const kp_stmt_t *stmt)
{
    if (!strstr (stmt->sql, "SELECT") && !strstr (stmt->sql, "RETURNING"))
        return;
    PGresult *described = PQdescribePrepared (self->conn, stmt->name);
    if (PQresultStatus (described) == PGRES_COMMAND_OK && PQnfields (described) > 0)
        kp_warn ("db: statement %s returns %d columns but has no row spec", stmt->name, PQnfields (described));
    PQclear (described);
}

static int
s_prepare_table (kp_db_t *self, const kp_stmt_t *table)
{
    for (const kp_stmt_t *stmt = table; stmt->name; stmt++) {
        PGresult *result = PQprepare (self->conn, stmt->name, stmt->sql, 0, NULL);
        if (PQresultStatus (result) != PGRES_COMMAND_OK) {
            s_set_error (self, result);
            kp_error ("db: cannot prepare %s: %s", stmt->name, self->message);
            PQclear (result);
            return -1;
        }
        PQclear (result);
        if (stmt->columns && s_check_row_spec (self, stmt)) {
            kp_error ("db: cannot prepare %s: %s", stmt->name, self->message);
            return -1;
        }
        if (!stmt->columns)
            s_warn_unspecified (self, stmt);
    }
    return 0;
}

//  A service that lost its database answers every request UNAVAILABLE at
//  once and tries to reconnect at most once per pause, each try bounded:
//  so nothing waits behind a reconnect for more than KP_DB_CONNECT_MS,
//  well inside the second the README promises, and the service is back
//  within KP_DB_BACKOFF_MAX_MS of the database. (libpq's connect_timeout
//  cannot go below 2 s, hence the non-blocking connect with our own bound.)
#define KP_DB_CONNECT_MS        500
#define KP_DB_BACKOFF_MIN_MS    100
#define KP_DB_BACKOFF_MAX_MS    2000

static void
s_set_lost (kp_db_t *self, const char *message)
{
    snprintf (self->sqlstate, sizeof self->sqlstate, "08006");
    snprintf (self->message, sizeof self->message, "%s", message && *message ? message : "no answer");
    size_t len = strlen (self->message);
    while (len && (self->message [len - 1] == '\n'))
        self->message [--len] = 0;
}

//  Starts a connection and drives it to the end within timeout_ms. A
//  server that does not answer (a host gone from the network) costs the
//  bound, not the kernel's SYN retries. 0 with self->conn up, else -1.
static int
s_connect_bounded (kp_db_t *self, int timeout_ms)
{
    if (self->conn)
        PQfinish (self->conn);
    self->conn = PQconnectStart (self->conninfo);
    if (!self->conn) {
        s_set_lost (self, "out of memory");
        return -1;
    }
    int64_t deadline = s_now_ms () + timeout_ms;
    PostgresPollingStatusType polling = PGRES_POLLING_WRITING;
    while (PQstatus (self->conn) != CONNECTION_BAD
       &&  polling != PGRES_POLLING_OK && polling != PGRES_POLLING_FAILED) {
        int64_t left = deadline - s_now_ms ();
        //  The socket may change between steps (another address of the host).
        struct pollfd socket = { PQsocket (self->conn),
                                 polling == PGRES_POLLING_READING ? POLLIN : POLLOUT, 0 };
        int ready = left > 0 && socket.fd >= 0 ? poll (&socket, 1, (int) left) : 0;
        if (ready == 0) {
            s_set_lost (self, "timed out connecting to the database");
            return -1;
        }
        if (ready > 0)
            polling = PQconnectPoll (self->conn);
    }
    if (PQstatus (self->conn) != CONNECTION_OK) {
        s_set_lost (self, PQerrorMessage (self->conn));
        return -1;
    }
    return 0;
}

//  One attempt: connect within timeout_ms, prepare every table, run the
//  on-connect SQL. 0, or -1 with the connection closed and the error set.
static int
s_connect_once (kp_db_t *self, int timeout_ms)
{
    bool ready = s_connect_bounded (self, timeout_ms) == 0;
    for (int index = 0; index < self->table_count && ready; index++)
        ready = s_prepare_table (self, self->tables [index]) == 0;
    if (ready && self->on_connect) {
        PGresult *result = PQexec (self->conn, self->on_connect);
        ready = PQresultStatus (result) == PGRES_COMMAND_OK;
        if (!ready)
            s_set_error (self, result);
        PQclear (result);
    }
    if (ready)
        return 0;
    //  Nothing half-made stays: PQsocket reads -1 until we are back.
    PQfinish (self->conn);
    self->conn = NULL;
    return -1;
}

//  The first connect, at start-up: tries with backoff up to max_wait_ms.
static int
s_connect (kp_db_t *self, int max_wait_ms)
{
    int waited = 0, pause = 50;
    while (s_connect_once (self, KP_DB_CONNECT_MS)) {
        //  A row spec that does not match its statement will not match
        //  on the next try either: fail the start-up now.
        if (waited >= max_wait_ms || self->spec_drift) {
            kp_error ("db: cannot connect: %s", self->message);
            return -1;
        }
        s_sleep_ms (pause);
        waited += pause;
        pause = pause * 2 > 2000 ? 2000 : pause * 2;
    }
    return 0;
}

kp_db_t *
kp_db_new (const char *conninfo, int max_wait_ms)
{
    kp_db_t *self = kp_calloc (1, sizeof (kp_db_t));
    if (!self)
        return NULL;
    self->conninfo = kp_strdup (conninfo);
    self->max_wait_ms = max_wait_ms;
    if (!self->conninfo || s_connect (self, self->max_wait_ms)) {
        kp_db_destroy (&self);
        return NULL;
    }
    self->was_up = true;
    return self;
}

kp_db_t *
kp_db_clone (kp_db_t *self)
{
    kp_db_t *clone = kp_calloc (1, sizeof (kp_db_t));
    if (!clone)
        return NULL;
    clone->conninfo = kp_strdup (self->conninfo);
    if (!clone->conninfo) {
        free (clone);
        return NULL;
    }
    memcpy (clone->tables, self->tables, sizeof self->tables);
    clone->table_count = self->table_count;
    clone->max_wait_ms = self->max_wait_ms;
    return clone;
}

void
kp_db_destroy (kp_db_t **self_p)
{
    assert (self_p);
    if (!*self_p)
        return;
    kp_db_t *self = *self_p;
    if (self->conn)
        PQfinish (self->conn);
    free (self->conninfo);
    free (self->on_connect);
    kp_batch_destroy (&self->batch);
    free (self);
    *self_p = NULL;
}

int
kp_db_register (kp_db_t *self, const kp_stmt_t *table)
{
    //  Several users of one connection may share a module's table.
    for (int index = 0; index < self->table_count; index++)
        if (self->tables [index] == table)
            return 0;
    if (self->table_count == KP_DB_MAX_TABLES)
        return -1;
    self->tables [self->table_count++] = table;
    return PQstatus (self->conn) == CONNECTION_OK ? s_prepare_table (self, table) : 0;
}

int
kp_db_set_on_connect (kp_db_t *self, const char *sql)
{
    free (self->on_connect);
    self->on_connect = kp_strdup (sql);
    return kp_db_command (self, sql);
}

int
kp_db_ensure (kp_db_t *self)
{
    if (self->conn && PQstatus (self->conn) == CONNECTION_OK)
        return 0;
    self->in_transaction = false;
    self->clock_in_sql = false;     //  SET LOCAL ends with the transaction
    kp_batch_clear (self->batch);   //  and what it kept for COMMIT with it
    int64_t now = s_now_ms ();
    if (now < self->retry_at) {
        //  Down, and tried a moment ago: refuse at once (the last error stays).
        snprintf (self->sqlstate, sizeof self->sqlstate, "08006");
        return -1;
    }
    if (!self->down && self->was_up)
        kp_warn ("db: connection lost, reconnecting");
    self->down = true;
    if (s_connect_once (self, KP_DB_CONNECT_MS) == 0) {
        if (self->was_up)
            kp_info ("db: connected again");
        self->was_up = true;
        self->down = false;
        self->backoff_ms = 0;
        self->retry_at = 0;
        return 0;
    }
    if (self->backoff_ms == 0)
        kp_warn ("db: cannot reconnect (%s); refusing requests until it answers", self->message);
    self->backoff_ms = self->backoff_ms ? self->backoff_ms * 2 : KP_DB_BACKOFF_MIN_MS;
    if (self->backoff_ms > KP_DB_BACKOFF_MAX_MS)
        self->backoff_ms = KP_DB_BACKOFF_MAX_MS;
    self->retry_at = s_now_ms () + self->backoff_ms;
    return -1;
}

bool
kp_db_connected (kp_db_t *self)
{
    return self->conn && PQstatus (self->conn) == CONNECTION_OK;
}

PGresult *
kp_db_exec_params (kp_db_t *self, const char *name, int nparams,
                   const char *const *values, const int *lengths, const int *formats)
{
    //  Inside a transaction a lost connection lost the transaction too:
    //  report it and let the caller run the whole transaction again.
    if (!self->in_transaction && kp_db_ensure (self))
        return NULL;
    PGresult *result = PQexecPrepared (self->conn, name, nparams, values, lengths, formats, 0);
    ExecStatusType status = PQresultStatus (result);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
        return result;
    s_set_error (self, result);
    PQclear (result);
    return NULL;
}

PGresult *
kp_db_exec (kp_db_t *self, const char *name, int nparams, const char *const *values)
{
    return kp_db_exec_params (self, name, nparams, values, NULL, NULL);
}

//  A pipeline we could not finish leaves the connection in an unknown
//  state: drop it, so the caller's retry reconnects (class KP_DB_RETRY).
static void
s_drop_connection (kp_db_t *self)
{
    s_set_error (self, NULL);
    snprintf (self->sqlstate, sizeof self->sqlstate, "08006");
    PQfinish (self->conn);
    self->conn = NULL;
}

//  Sends what libpq buffered. Non-blocking, so that a full socket buffer
//  cannot deadlock us against a server that is writing results we do not
//  read yet (the libpq manual's warning about pipelines); 0 or -1.
static int
s_flush_pipeline (PGconn *conn)
{
    int pending;
    while ((pending = PQflush (conn)) == 1) {
        struct pollfd socket = { PQsocket (conn), POLLIN | POLLOUT, 0 };
        if (poll (&socket, 1, -1) == -1)
            return -1;
        if ((socket.revents & POLLIN) && !PQconsumeInput (conn))
            return -1;
    }
    return pending;
}

//  Reads row i's results up to its terminating NULL; keeps the first
//  success in *kept. 1 on success, 0 on a statement error (recorded when
//  first), -1 when the connection gave nothing.
static int
s_read_pipelined (kp_db_t *self, PGresult **kept, bool first_error)
{
    PGresult *result;
    int outcome = -1;
    while ((result = PQgetResult (self->conn))) {
        ExecStatusType status = PQresultStatus (result);
        if ((status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) && outcome == -1) {
            *kept = result;
            outcome = 1;
            continue;
        }
        if (status != PGRES_PIPELINE_ABORTED && first_error)
            s_set_error (self, result);
        outcome = 0;
        PQclear (result);
    }
    return outcome;
}

int
kp_db_exec_pipelined (kp_db_t *self, const char *name, int count, int nparams,
                      const char *const *values, const int *lengths, const int *formats,
                      PGresult **results)
{
    //  The same statement count times: kp_db_pipeline's steps, one per
    //  parameter set.
    kp_db_step_t *steps = kp_calloc (count > 0 ? (size_t) count : 1, sizeof (kp_db_step_t));
    for (int index = 0; index < count; index++)
        steps [index] = (kp_db_step_t) {
            .name = name, .nparams = nparams, .values = values + (size_t) index * (size_t) nparams,
            .lengths = lengths ? lengths + (size_t) index * (size_t) nparams : NULL, .formats = formats
        };
    int rc = kp_db_pipeline (self, steps, count, results);
    free (steps);
    return rc;
}

int
kp_db_pipeline (kp_db_t *self, const kp_db_step_t *steps, int count, PGresult **results)
{
    for (int index = 0; index < count; index++)
        results [index] = NULL;
    if (count == 0)
        return 0;
    if (!self->in_transaction && kp_db_ensure (self))
        return -1;
    PGconn *conn = self->conn;
    if (!PQenterPipelineMode (conn) || PQsetnonblocking (conn, 1)) {
        s_drop_connection (self);
        return -1;
    }
    bool sent = true;
    for (int index = 0; index < count && sent; index++) {
        const kp_db_step_t *step = &steps [index];
        sent = step->name
             ? PQsendQueryPrepared (conn, step->name, step->nparams, step->values, step->lengths,
                                    step->formats, 0) == 1
             : PQsendQueryParams (conn, step->sql, 0, NULL, NULL, NULL, NULL, 0) == 1;
    }
    sent = sent && PQpipelineSync (conn) == 1 && s_flush_pipeline (conn) == 0;
    if (!sent || PQsetnonblocking (conn, 0)) {
        s_drop_connection (self);
        return -1;
    }
    int rc = 0;
    bool connected = true;
    for (int index = 0; index < count && connected; index++) {
        int outcome = s_read_pipelined (self, &results [index], rc == 0);
        connected = outcome != -1;
        if (outcome != 1)
            rc = -1;
    }
    PGresult *sync = connected ? PQgetResult (conn) : NULL;
    connected = sync && PQresultStatus (sync) == PGRES_PIPELINE_SYNC;
    PQclear (sync);
    if (!connected || !PQexitPipelineMode (conn)) {
        rc = -1;
        s_drop_connection (self);
    }
    if (rc)
        for (int index = 0; index < count; index++) {
            PQclear (results [index]);
            results [index] = NULL;
        }
    return rc;
}

int
kp_db_command (kp_db_t *self, const char *sql)
{
    if (!self->in_transaction && kp_db_ensure (self))
        return -1;
    PGresult *result = PQexec (self->conn, sql);
    ExecStatusType status = PQresultStatus (result);
    int rc = 0;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        s_set_error (self, result);
        rc = -1;
    }
    PQclear (result);
    return rc;
}

int
kp_db_begin (kp_db_t *self)
{
    self->sqlstate [0] = 0;     //  a domain failure must not look like a stale retry
    kp_batch_clear (self->batch);
    if (kp_db_command (self, "BEGIN"))
        return -1;
    self->in_transaction = true;
    return 0;
}

int
kp_db_begin_with (kp_db_t *self, const kp_db_step_t *steps, int count, PGresult **results)
{
    self->sqlstate [0] = 0;
    kp_batch_clear (self->batch);
    kp_db_step_t *all = kp_calloc ((size_t) count + 1, sizeof (kp_db_step_t));
    PGresult **out = kp_calloc ((size_t) count + 1, sizeof (PGresult *));
    all [0] = (kp_db_step_t) { .sql = "BEGIN" };
    for (int index = 0; index < count; index++)
        all [index + 1] = steps [index];
    int rc = kp_db_pipeline (self, all, count + 1, out);
    self->in_transaction = true;
    PQclear (out [0]);
    for (int index = 0; index < count; index++)
        results [index] = out [index + 1];
    free (all);
    free (out);
    return rc;
}

int
kp_db_set_clock (kp_db_t *self, int64_t clock_us, bool imported)
{
    self->clock_us = clock_us;
    self->imported = clock_us && imported;
    if (!clock_us && !self->clock_in_sql)
        return 0;                   //  the live path costs no round trip
    if (!clock_us && PQtransactionStatus (self->conn) == PQTRANS_INERROR) {
        //  The rollback that follows takes the setting with it; a statement
        //  now would only replace the error the caller reports.
        self->clock_in_sql = false;
        return 0;
    }
    char micros [24] = "";
    if (clock_us)
        snprintf (micros, sizeof micros, "%" PRId64, clock_us);
    const char *values [] = { micros };
    PGresult *result = PQexecParams (self->conn, "SELECT set_config ('kp.clock', $1::text, true)",
                                     1, NULL, values, NULL, NULL, 0);
    int rc = PQresultStatus (result) == PGRES_TUPLES_OK ? 0 : -1;
    if (rc)
        s_set_error (self, result);
    PQclear (result);
    self->clock_in_sql = clock_us != 0;
    return rc;
}

int64_t
kp_db_now_us (kp_db_t *self)
{
    return self->clock_us ? self->clock_us : kp_clock_now_us ();
}

kp_date_t
kp_db_today (kp_db_t *self)
{
    return kp_date_of_us (kp_db_now_us (self));
}

bool
kp_db_imported (kp_db_t *self)
{
    return self->imported;
}

int
kp_db_commit (kp_db_t *self)
{
    return kp_db_commit_with (self, NULL, 0);
}

int
kp_db_commit_with (kp_db_t *self, const kp_db_step_t *steps, int count)
{
    //  The kept audit rows and events go last, in the transaction: the
    //  rows every writer shares are locked only from here to COMMIT.
    //  kp_batch_commit sends them and the COMMIT in one pipeline.
    if (!kp_batch_empty (self->batch)) {
        int rc = kp_batch_commit_with (self->batch, self, steps, count);
        if (rc)
            kp_db_rollback (self);
        self->in_transaction = false;
        self->clock_in_sql = false;
        return rc;
    }
    if (count == 0) {
        self->in_transaction = false;
        self->clock_in_sql = false;     //  SET LOCAL ends with the transaction
        return kp_db_command (self, "COMMIT");
    }
    kp_db_step_t *all = kp_calloc ((size_t) count + 1, sizeof (kp_db_step_t));
    PGresult **results = kp_calloc ((size_t) count + 1, sizeof (PGresult *));
    for (int index = 0; index < count; index++)
        all [index] = steps [index];
    all [count] = (kp_db_step_t) { .sql = "COMMIT" };
    int rc = kp_db_pipeline (self, all, count + 1, results);
    for (int index = 0; index <= count; index++)
        PQclear (results [index]);
    free (all);
    free (results);
    if (rc)
        kp_db_rollback (self);      //  a failed step skipped the COMMIT
    self->in_transaction = false;
    self->clock_in_sql = false;
    return rc;
}

bool
kp_db_in_transaction (kp_db_t *self)
{
    return self->in_transaction;
}

kp_batch_t *
kp_db_batch (kp_db_t *self)
{
    if (!self->batch)
        self->batch = kp_batch_new ();
    return self->batch;
}

int
kp_db_rollback (kp_db_t *self)
{
    kp_batch_clear (self->batch);
    self->in_transaction = false;
    self->clock_in_sql = false;     //  SET LOCAL ends with the transaction
    if (PQstatus (self->conn) != CONNECTION_OK)
        return 0;               //  nothing to roll back on a dead connection
    //  Keep the original error for the caller; a failed ROLLBACK adds nothing.
    PGresult *result = PQexec (self->conn, "ROLLBACK");
    PQclear (result);
    return 0;
}

int
kp_db_transaction (kp_db_t *self, kp_db_txn_fn *fn, void *arg, int max_tries)
{
    for (int attempt = 1; ; attempt++) {
        int rc = kp_db_begin (self);
        if (rc == 0) {
            rc = fn (self, arg);
            if (rc == 0)
                rc = kp_db_commit (self);
            else
                kp_db_rollback (self);
        }
        if (rc == 0)
            return 0;
        if (kp_db_class (self) != KP_DB_RETRY || attempt >= max_tries)
            return -1;
        kp_debug ("db: retrying transaction after %s (attempt %d)", self->sqlstate, attempt);
        s_sleep_ms (5 * attempt);
    }
}

int
kp_db_fail (kp_db_t *self, const char *sqlstate, const char *message)
{
    snprintf (self->sqlstate, sizeof self->sqlstate, "%s", sqlstate);
    snprintf (self->message, sizeof self->message, "%s", message);
    return -1;
}

const char *
kp_db_sqlstate (kp_db_t *self)
{
    return self->sqlstate;
}

void
kp_db_clear_error (kp_db_t *self)
{
    self->sqlstate [0] = 0;
    self->message [0] = 0;
}

const char *
kp_db_message (kp_db_t *self)
{
    return self->message;
}

kp_db_class_t
kp_db_class (kp_db_t *self)
{
    return self->sqlstate [0] ? kp_db_classify (self->sqlstate) : KP_DB_OK;
}

kp_db_class_t
kp_db_classify (const char *sqlstate)
{
    if (!sqlstate || strncmp (sqlstate, "08", 2) == 0
    ||  strcmp (sqlstate, "40001") == 0 || strcmp (sqlstate, "40P01") == 0
    ||  strcmp (sqlstate, "57P01") == 0)        //  admin shutdown: reconnect
        return KP_DB_RETRY;
    if (strcmp (sqlstate, "23505") == 0)
        return KP_DB_DUPLICATE;
    if (strncmp (sqlstate, "22", 2) == 0 || strncmp (sqlstate, "23", 2) == 0)
        return KP_DB_CONSTRAINT;
    return KP_DB_ERROR;
}

int
kp_db_status_for (const char *sqlstate)
{
    switch (kp_db_classify (sqlstate)) {
        case KP_DB_OK:          return KUMPPANI__V1__STATUS__STATUS_OK;
        case KP_DB_RETRY:       return KUMPPANI__V1__STATUS__STATUS_UNAVAILABLE;
        case KP_DB_DUPLICATE:   return KUMPPANI__V1__STATUS__STATUS_CONFLICT;
        case KP_DB_CONSTRAINT:  return KUMPPANI__V1__STATUS__STATUS_INVALID;
        default:
            //  Out of resources is temporary; the rest is our bug.
            return strncmp (sqlstate, "53", 2) == 0
                 ? KUMPPANI__V1__STATUS__STATUS_UNAVAILABLE
                 : KUMPPANI__V1__STATUS__STATUS_INTERNAL;
    }
}

bool
kp_db_ping (kp_db_t *self)
{
    if (kp_db_ensure (self))
        return false;
    return kp_db_command (self, "SELECT 1") == 0;
}

PGconn *
kp_db_conn (kp_db_t *self)
{
    return self->conn;
}
