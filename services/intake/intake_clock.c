/*  intake_clock — the service-need assessment clock every case carries
    (Social Welfare Act §36), whatever the channel it came in by. The
    assessment must start within KUMPPANI_ASSESSMENT_DAYS working days of
    the matter becoming pending (7 by default), from the next working day
    (KUMPPANI_ASSESSMENT_URGENT_DAYS) when urgent; for the statutory
    priority groups, over 75 or receiving the highest care allowance, by
    the 7th working day without exception (the configuration may shorten
    that, never lengthen it). A referral behind the case brings its day of
    receipt and its urgent flag. The deadline is the last working day the
    start may fall on; the warning goes out on the working day before it,
    the breach the first day after it, each once (the notice row's key and
    the event commit together; SKIP LOCKED shares the work between
    instances), as referral_clock does for referrals. */
#include "intake_caseload.h"
#include "intake_context.h"
#include "kp_calendar.h"
#include "kp_config.h"
#include "kp_db.h"
#include "kp_log.h"
#include "kp_row.h"
#include "kp_watch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLOCK_NOTICES_PER_TICK 200
#define CLOCK_BACKFILL_PER_TICK 100

static const kp_config_t *s_config;

void
intake_clock_configure (const kp_config_t *config)
{
    s_config = config;
}

int
intake_contact_due_months (void)
{
    return s_config ? s_config->contact_due_months : 6;
}

kp_date_t
intake_today (void)
{
    kp_date_t today;
    if (s_config && s_config->test_today && kp_date_parse (s_config->test_today, &today) == 0)
        return today;
    return kp_date_today ();
}

static kp_date_t
s_previous_working_day (kp_date_t date)
{
    kp_date_t day = date - 1;
    while (!kp_calendar_is_working_day (day))
        day--;
    return day;
}

//  "75 vuotta täyttänyt" on the day the matter became pending. With only
//  a birth year the earlier reading holds: the shorter clock is the safe one.
static bool
s_over_75 (const char *birth_date, int birth_year, kp_date_t pending)
{
    int year, month, day;
    kp_date_to_ymd (pending, &year, &month, &day);
    kp_date_t born;
    if (*birth_date && kp_date_parse (birth_date, &born) == 0) {
        int born_year, born_month, born_day;
        kp_date_to_ymd (born, &born_year, &born_month, &born_day);
        int age = year - born_year - (month < born_month || (month == born_month && day < born_day));
        return age >= 75;
    }
    return birth_year > 0 && year - birth_year >= 75;
}

//  The working days of a clock pending from pending, and its deadline;
//  priority receives the statutory group ("" for none). The defaults hold
//  before configure (the fuzzers run handlers bare).
static int
s_days (const char *birth_date, int birth_year, kp_date_t pending, bool urgent, bool highest_care_allowance,
        char *priority, size_t size, kp_date_t *deadline)
{
    snprintf (priority, size, "%s", highest_care_allowance ? "highest_care_allowance"
                                  : s_over_75 (birth_date, birth_year, pending) ? "over_75" : "");
    int normal = s_config ? s_config->assessment_days : 7;
    int quick = s_config ? s_config->assessment_urgent_days : 1;
    int statutory = s_config ? s_config->assessment_priority_days : 7;
    int days = urgent ? quick : normal;
    if (*priority && days > statutory)
        days = statutory;
    *deadline = kp_calendar_add_working_days (pending, days);
    return days;
}

void
intake_clock_compute (const char *birth_date, int birth_year, kp_date_t pending, bool urgent,
                      bool highest_care_allowance, const kp_date_t *received, bool referral_urgent,
                      intake_clock_values_t *out)
{
    out->pending = pending;
    out->urgent = urgent;
    out->days = s_days (birth_date, birth_year, pending, urgent, highest_care_allowance,
                        out->priority, sizeof out->priority, &out->deadline);
    //  A referral counts from its own receipt with its own urgency; the
    //  case keeps whichever clock runs out first.
    if (received) {
        char referral_priority [sizeof out->priority];
        kp_date_t referral_deadline;
        int referral_days = s_days (birth_date, birth_year, *received, referral_urgent, highest_care_allowance,
                                    referral_priority, sizeof referral_priority, &referral_deadline);
        if (referral_deadline < out->deadline || (referral_deadline == out->deadline && *received < pending)) {
            out->pending = *received;
            out->urgent = referral_urgent;
            out->days = referral_days;
            out->deadline = referral_deadline;
            snprintf (out->priority, sizeof out->priority, "%s", referral_priority);
        }
    }
    out->warning = s_previous_working_day (out->deadline);
}

int
intake_clock_set (kp_db_t *db, const char *case_id, bool urgent, bool highest_care_allowance,
                  const char *referral_id, const char *opened_on)
{
    const char *id [] = { case_id };
    PGresult *clock = kp_db_exec (db, "clock_lock", 1, id);
    PGresult *inputs = clock ? kp_db_exec (db, "clock_inputs", 1, id) : NULL;
    PGresult *referral = NULL;
    int rc = -1;
    if (!inputs || PQntuples (inputs) == 0)
        goto cleanup;
    if (referral_id) {
        const char *values [] = { referral_id };
        if (!(referral = kp_db_exec (db, "clock_referral", 1, values)))
            goto cleanup;
    }
    bool existing = PQntuples (clock) > 0;
    if (existing && kp_row_bool (inputs, 0, INPUTS_ASSESSED)) {
        rc = 0;                         //  the assessment started: the clock has stopped
        goto cleanup;
    }
    //  An imported record's clock runs from its own day.
    kp_date_t today = kp_db_imported (db) ? kp_db_today (db) : intake_today (), opened = today, pending = today;
    if (opened_on && kp_date_parse (opened_on, &opened))
        goto cleanup;
    pending = opened;
    if (existing) {
        if (kp_date_parse (kp_row_text (clock, 0, CLOCK_LOCK_OPENED_ON), &opened)
        ||  kp_date_parse (kp_row_text (clock, 0, CLOCK_LOCK_PENDING_ON), &pending))
            goto cleanup;
        urgent = urgent || kp_row_bool (clock, 0, CLOCK_LOCK_URGENT);
        highest_care_allowance = highest_care_allowance
                              || strcmp (kp_row_text (clock, 0, CLOCK_LOCK_PRIORITY), "highest_care_allowance") == 0;
    }
    kp_date_t received, *referral_received = NULL;
    bool referral_urgent = false;
    if (referral && PQntuples (referral) > 0 && kp_date_parse (kp_row_text (referral, 0, CLOCK_REFERRAL_RECEIVED_ON), &received) == 0) {
        referral_received = &received;
        referral_urgent = kp_row_bool (referral, 0, CLOCK_REFERRAL_URGENT);
    }
    intake_clock_values_t clock_values;
    intake_clock_compute (kp_row_text (inputs, 0, INPUTS_BIRTH_DATE), (int) kp_row_int (inputs, 0, INPUTS_BIRTH_YEAR),
                          pending, urgent, highest_care_allowance, referral_received, referral_urgent, &clock_values);
    pending = clock_values.pending;
    urgent = clock_values.urgent;
    int days = clock_values.days;
    kp_date_t deadline = clock_values.deadline;
    char priority [32];
    snprintf (priority, sizeof priority, "%s", clock_values.priority);
    char opened_text [11], pending_text [11], deadline_text [11], warning_text [11], days_text [8];
    kp_date_format (opened, opened_text);
    kp_date_format (pending, pending_text);
    kp_date_format (deadline, deadline_text);
    kp_date_format (clock_values.warning, warning_text);
    snprintf (days_text, sizeof days_text, "%d", days);
    const char *values [] = { case_id, opened_text, pending_text, urgent ? "true" : "false", priority,
                              days_text, deadline_text, warning_text };
    PGresult *stored = kp_db_exec (db, "clock_upsert", 8, values);
    rc = stored ? 0 : -1;
    PQclear (stored);
    if (rc == 0 && kp_db_imported (db)) {
        char real_today [11];
        kp_date_format (kp_date_today (), real_today);
        const char *past [] = { case_id, deadline_text, warning_text, real_today };
        PGresult *marked = kp_db_exec (db, "clock_notices_past", 4, past);
        rc = marked ? 0 : -1;
        PQclear (marked);
    }
cleanup:
    PQclear (clock);
    PQclear (inputs);
    PQclear (referral);
    return rc;
}

//  --------------------------------------------------------------------------
//  The watch

typedef struct {
    const char *today;
    bool idle;
} s_tick_t;

//  One due notice, in its own transaction: the breach first, so a
//  deadline already past gets no warning.
static int
s_one_notice (kp_db_t *db, void *arg)
{
    s_tick_t *tick = arg;
    const char *values [] = { tick->today };
    const char *notice = "breach", *topic = "intake.assessment_deadline_breached";
    PGresult *result = kp_db_exec (db, "clock_due_breach", 1, values);
    if (result && PQntuples (result) == 0) {
        PQclear (result);
        notice = "warning";
        topic = "intake.assessment_deadline_warning";
        result = kp_db_exec (db, "clock_due_warning", 1, values);
    }
    if (!result)
        return -1;
    tick->idle = PQntuples (result) == 0;
    if (tick->idle) {
        PQclear (result);
        return 0;
    }
    char case_id [32], deadline [11];
    snprintf (case_id, sizeof case_id, "%s", kp_row_text (result, 0, DUE_CASE_ID));
    snprintf (deadline, sizeof deadline, "%s", kp_row_text (result, 0, DUE_ON));
    PQclear (result);
    const char *insert [] = { case_id, notice, deadline };
    result = kp_db_exec (db, "clock_notice_insert", 3, insert);
    if (!result)
        return -1;
    bool first = PQntuples (result) == 1;
    PQclear (result);
    if (!first)
        return 0;                       //  another instance sent it first
    Kumppani__V1__IntakeEvent payload = KUMPPANI__V1__INTAKE_EVENT__INIT;
    payload.due_date = deadline;
    return intake_caseload_emit (db, case_id, topic, &payload);
}

typedef struct {
    const char *case_id;
    const char *opened_on;
} s_backfill_t;

static int
s_backfill_one (kp_db_t *db, void *arg)
{
    s_backfill_t *backfill = arg;
    return intake_clock_set (db, backfill->case_id, false, false, NULL, backfill->opened_on);
}

//  Cases from before the clocks existed get theirs counted from the day
//  they opened, a batch a tick until none is left; every case opened
//  since has one from intake_case_insert, so the search then stops.
static void
s_backfill (intake_t *self)
{
    if (self->clocks_backfilled)
        return;
    PGresult *missing = kp_db_exec (self->db, "clock_missing", 0, NULL);
    if (!missing) {
        kp_warn ("assessment clocks: %s", kp_db_message (self->db));
        return;
    }
    bool failed = false;
    for (int row = 0; row < PQntuples (missing); row++) {
        s_backfill_t backfill = { kp_row_text (missing, row, DUE_CASE_ID), kp_row_text (missing, row, DUE_ON) };
        if (kp_db_transaction (self->db, s_backfill_one, &backfill, 3)) {
            kp_warn ("assessment clock for case %s: %s", backfill.case_id, kp_db_message (self->db));
            failed = true;
        }
    }
    self->clocks_backfilled = PQntuples (missing) == 0 && !failed;
    PQclear (missing);
}

int
intake_clock_tick (intake_t *self)
{
    s_backfill (self);
    char today [11];
    kp_date_format (intake_today (), today);
    s_tick_t tick = { today, false };
    //  Clocks the index has as due that have no notice due leave it first
    //  (migration 0042), so each notice's search sees only the due ones.
    const char *values [] = { today };
    PGresult *settled = kp_db_exec (self->db, "clock_due_settle", 1, values);
    if (!settled) {
        kp_warn ("assessment clock watch: %s", kp_db_message (self->db));
        return -1;
    }
    PQclear (settled);
    return kp_watch_run (self->db, "assessment clock watch", s_one_notice, &tick, &tick.idle,
                         CLOCK_NOTICES_PER_TICK);
}
