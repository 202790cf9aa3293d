/*  test_reporting — what the reporting suites share: calls through real
    CURVE sockets, reading report tables, starting the stream and the
    reporting service and waiting for its rollup consumer. Included by
    test_reporting*.c only; each function is static (one suite a binary). */
#ifndef TEST_REPORTING_H
#define TEST_REPORTING_H

#include "harness.h"
#include "kp_calendar.h"
#include "kp_ids.h"

#include <criterion/criterion.h>
#include <czmq.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNUSED __attribute__ ((unused))

#define ROLE(name) KUMPPANI__V1__ROLE__ROLE_ ## name
#define STATUS(name) KUMPPANI__V1__STATUS__STATUS_ ## name
#define BODY(name) KUMPPANI__V1__REQUEST__BODY_ ## name

static UNUSED Kumppani__V1__Reply *
s_call (kp_client_t *client, Kumppani__V1__Role role, int body_case, void *body)
{
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    Kumppani__V1__Actor actor;
    kpt_request (&request, &actor, role, body_case != BODY (RUN_REPORT));
    request.body_case = body_case;
    request.health = body;          //  every body is a pointer in one union
    Kumppani__V1__Reply *reply = kpt_call (client, &request);
    cr_assert_not_null (reply, "no reply to body %d", body_case);
    return reply;
}

static UNUSED void
s_expect (Kumppani__V1__Reply *reply, Kumppani__V1__Status status, const char *code, const char *field)
{
    cr_assert_eq (reply->status, status, "status %d, expected %d (%s: %s)", reply->status, status,
                  reply->error ? reply->error->code : "", reply->error ? reply->error->message : "");
    if (code)
        cr_assert_str_eq (reply->error->code, code);
    if (field)
        cr_assert_str_eq (reply->error->field, field);
}

static UNUSED void
s_sql (const char *format, ...)
{
    char sql [2048];
    va_list args;
    va_start (args, format);
    vsnprintf (sql, sizeof sql, format, args);
    va_end (args);
    PGresult *result = PQexec (kpt_admin (), sql);
    cr_assert (PQresultStatus (result) == PGRES_COMMAND_OK, "%s: %s", sql, PQresultErrorMessage (result));
    PQclear (result);
}

static UNUSED Kumppani__V1__Reply *
s_report (kp_client_t *client, Kumppani__V1__Role role, const char *report, const char *start,
          const char *end, const char *project, const char *municipality)
{
    Kumppani__V1__RunReport body = KUMPPANI__V1__RUN_REPORT__INIT;
    body.report = (char *) report;
    body.period_start = (char *) start;
    body.period_end = (char *) end;
    body.project_id = (char *) (project ? project : "");
    body.municipality = (char *) (municipality ? municipality : "");
    return s_call (client, role, BODY (RUN_REPORT), &body);
}

//  A cell by column name; "*" marks a suppressed cell, "-" a structural
//  zero (published as "0").
static UNUSED const char *
s_cell (const Kumppani__V1__ReportTable *table, size_t row, const char *column)
{
    cr_assert_lt (row, table->n_rows);
    for (size_t index = 0; index < table->n_columns; index++)
        if (strcmp (table->columns [index], column) == 0) {
            const Kumppani__V1__ReportCell *cell = table->rows [row]->cells [index];
            if (cell->suppressed) {
                cr_assert_str_eq (cell->value, "", "a suppressed cell carries no value");
                return "*";
            }
            if (cell->structural_zero) {
                cr_assert_str_eq (cell->value, "0", "a structural zero is published as 0");
                return "-";
            }
            return cell->value;
        }
    cr_assert_fail ("no column %s", column);
    return NULL;
}

//  Publishes a suppressed cell of a received table with its true value
//  (what a weaker rule would have shown) and audits the table again as a
//  reader would: returns why it fails, or NULL when it passes. The cell
//  is suppressed again afterwards.
static UNUSED const char *
s_audit_with (Kumppani__V1__ReportTable *table, size_t row, const char *column, const char *value)
{
    cr_assert_lt (row, table->n_rows);
    for (size_t index = 0; index < table->n_columns; index++)
        if (strcmp (table->columns [index], column) == 0) {
            Kumppani__V1__ReportCell *cell = table->rows [row]->cells [index];
            cr_assert (cell->suppressed, "row %zu %s is not suppressed", row, column);
            char *kept = cell->value;
            cell->suppressed = false;
            cell->value = (char *) value;
            const char *failed = kpt_report_audit (table);
            cell->suppressed = true;
            cell->value = kept;
            return failed;
        }
    cr_assert_fail ("no column %s", column);
    return NULL;
}

//  Row values, columns from `first` on, as "a|b|c".
static UNUSED void
s_row_is (const Kumppani__V1__ReportTable *table, size_t row, const char *expected)
{
    char text [512] = "";
    for (size_t index = 0; index < table->n_columns; index++) {
        strcat (text, index ? "|" : "");
        strcat (text, s_cell (table, row, table->columns [index]));
    }
    cr_assert_str_eq (text, expected, "row %zu: %s, expected %s", row, text, expected);
}

//  The whole table, row by row as s_row_is reads them.
static UNUSED void
s_table_is (const Kumppani__V1__ReportTable *table, const char *const *rows, size_t count)
{
    cr_assert_eq (table->n_rows, count, "%zu rows, expected %zu", table->n_rows, count);
    for (size_t row = 0; row < count; row++)
        s_row_is (table, row, rows [row]);
}

//  Microseconds of a Helsinki day at noon (10:00 UTC is noon in winter,
//  13:00 in summer: the same day either way).
static UNUSED int64_t
s_day_us (const char *day)
{
    kp_date_t date;
    cr_assert_eq (kp_date_parse (day, &date), 0, "%s", day);
    return ((int64_t) date * 86400 + 10 * 3600) * 1000000;
}

//  Starts the stream and reporting, whose consumer keeps the rollups.
static UNUSED void
s_start (void)
{
    static const char *fast [] = { "KUMPPANI_POLL_MS=100", NULL };
    kpt_service_start ("stream", NULL);
    kpt_service_start ("reporting", fast);
}

//  Waits (bounded) until the rollup consumer has handled seq.
static UNUSED void
s_rolled_up (long long seq)
{
    long long cursor = -1;
    for (int waited = 0; waited < 100 && cursor < seq; waited++) {
        cursor = kpt_scalar ("SELECT coalesce (max (last_seq), 0) FROM kp.consumer_cursors"
                             " WHERE consumer = 'reporting.rollups'", NULL);
        if (cursor < seq)
            zclock_sleep (100);
    }
    cr_assert_geq (cursor, seq, "the rollups never caught up with event %lld", seq);
}

static UNUSED Kumppani__V1__Reply *
s_link (kp_client_t *client, const char *project, char **case_ids, size_t count)
{
    Kumppani__V1__LinkToProject body = KUMPPANI__V1__LINK_TO_PROJECT__INIT;
    body.project_id = (char *) project;
    body.case_ids = case_ids;
    body.n_case_ids = count;
    return s_call (client, ROLE (SOCIAL_WORKER), BODY (LINK_TO_PROJECT), &body);
}

//  One avain measurement of a case (for a measure, or NULL: the case's
//  own) with scores for goals, services, methods (0: not filled in).
static UNUSED void
s_measure (const char *case_id, const char *measure, const char *timepoint, const char *day,
           int goals, int services, int methods)
{
    char id [KP_ID_LEN + 1], measure_id [KP_ID_LEN + 3] = "NULL";
    kp_id_new (id);
    if (measure)
        snprintf (measure_id, sizeof measure_id, "'%s'", measure);
    s_sql ("INSERT INTO intake.measurements (measurement_id, client_id, case_id, measure_id, code, version,"
           " timepoint, recorded_by, recorded_at) SELECT '%s', client_id, case_id, %s, 'avain', 1, '%s', 'w1',"
           " '%s 12:00+02' FROM intake.cases WHERE case_id = '%s'", id, measure_id, timepoint, day, case_id);
    const struct { const char *item; int score; } scores [] = {
        { "goals", goals }, { "services", services }, { "methods", methods }
    };
    for (int index = 0; index < 3; index++)
        if (scores [index].score)
            s_sql ("INSERT INTO intake.measurement_scores VALUES ('%s', 'avain', 1, '%s', %d)",
                   id, scores [index].item, scores [index].score);
}

//  A referral event as the referral service emits it, on day.
static UNUSED long long
s_referral_event (const char *topic, const char *id, const char *municipality, int kind, const char *sender,
                  int previous, int state, const char *deadline, const char *day)
{
    Kumppani__V1__ReferralEvent payload = KUMPPANI__V1__REFERRAL_EVENT__INIT;
    payload.referral_id = (char *) id;
    payload.kind = kind;
    payload.previous_state = previous;
    payload.state = state;
    payload.municipality = (char *) municipality;
    payload.sender_org = (char *) sender;
    payload.recipient_type = "municipality";
    payload.deadline = (char *) deadline;
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.topic = (char *) topic;
    event.aggregate_id = (char *) id;
    event.occurred_at = s_day_us (day);
    event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_REFERRAL;
    event.referral = &payload;
    return kpt_append_event (kpt_admin (), &event, municipality, sender, NULL);
}

#endif
