/*  intake_reminder — intake.review_due once per plan review date. A timer
    looks for cases whose review date is reached; the reminder row (primary
    key case + date) and the event commit in one transaction, so a restart,
    a second instance (SKIP LOCKED) or a retry never emits twice. A review
    date on a weekend or holiday is due on the next working day. */
#include "intake_caseload.h"
#include "intake_context.h"
#include "intake_events.h"
#include "intake_reminder.h"
#include "intake_sql.h"
#include "kp_calendar.h"
#include "kp_db.h"
#include "kp_log.h"
#include "kp_row.h"

#include <stdio.h>
#include <string.h>

#define CANDIDATES_MAX 100

typedef struct {
    const char *case_id;
    const char *review_date;
    bool emitted;
} s_due_t;

static int
s_remind (kp_db_t *db, void *arg)
{
    s_due_t *due = arg;
    due->emitted = false;
    const char *values [] = { due->case_id, due->review_date };
    PGresult *locked = kp_db_exec (db, "review_lock", 2, values);
    if (!locked)
        return -1;
    bool mine = PQntuples (locked) > 0;
    PQclear (locked);
    if (!mine)
        return 0;                       //  another instance has it, or the plan moved on
    PGresult *inserted = kp_db_exec (db, "review_remind", 2, values);
    if (!inserted)
        return -1;
    bool first = PQntuples (inserted) > 0;
    PQclear (inserted);
    if (first && intake_case_emit (db, due->case_id, "intake.review_due", due->review_date))
        return -1;
    due->emitted = first;
    return 0;
}

int
intake_reminder_run (intake_t *self)
{
    kp_date_t today = kp_date_today ();
    char today_text [11];
    kp_date_format (today, today_text);
    const char *values [] = { today_text };
    //  Days reminded before leave the index first (migration 0042).
    PGresult *settled = kp_db_exec (self->db, "review_settle", 1, values);
    if (!settled) {
        kp_warn ("review reminders: %s", kp_db_message (self->db));
        return -1;
    }
    PQclear (settled);
    PGresult *candidates = kp_db_exec (self->db, "review_candidates", 1, values);
    if (!candidates) {
        kp_warn ("review reminders: %s", kp_db_message (self->db));
        return -1;
    }
    int emitted = 0;
    for (int row = 0; row < PQntuples (candidates); row++) {
        kp_date_t review;
        if (kp_date_parse (kp_row_text (candidates, row, REVIEW_DATE), &review)
        ||  kp_calendar_add_working_days (review, 0) > today)
            continue;
        s_due_t due = { kp_row_text (candidates, row, REVIEW_CASE_ID), kp_row_text (candidates, row, REVIEW_DATE),
                        false };
        if (kp_db_transaction (self->db, s_remind, &due, 3))
            kp_warn ("review reminder for case %s failed: %s", due.case_id, kp_db_message (self->db));
        else
            emitted += due.emitted;
    }
    PQclear (candidates);
    return emitted;
}

static int
s_on_timer (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    intake_reminder_run ((intake_t *) arg);
    //  The caseload's watches share the tick (intake_clock, intake_contact).
    intake_clock_tick ((intake_t *) arg);
    intake_contact_tick ((intake_t *) arg);
    return 0;
}

int
intake_reminder_start (intake_t *self)
{
    self->reminder_timer = zloop_timer (self->loop, (size_t) self->config->poll_interval_ms, 0,
                                        s_on_timer, self);
    return self->reminder_timer == -1 ? -1 : 0;
}
