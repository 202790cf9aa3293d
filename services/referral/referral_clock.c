/*  referral_clock — the deadline watch. On every tick it sends
    referral.deadline_warning on the working day before a running clock
    runs out and referral.deadline_breached once it has, each exactly once:
    the notice row's primary key and the event commit together, and
    FOR UPDATE SKIP LOCKED lets several instances share the work without
    waiting on each other. A clock that stopped in time sends nothing. */
#include "referral_clock.h"
#include "referral_record.h"
#include "referral_sql.h"
#include "referral_statement.h"
#include "kp_calendar.h"
#include "kp_db.h"
#include "kp_enum.h"
#include "kp_log.h"
#include "kp_row.h"
#include "kp_watch.h"

#include <stdio.h>

#define CLOCK_NOTICES_PER_TICK 200

static const referral_actor_t s_clock = { "referral", "", "ROLE_SERVICE" };

typedef struct {
    bool idle;                      //  nothing was due
} s_tick_t;

//  One due notice, in its own transaction.
static int
s_one_notice (kp_db_t *db, void *arg)
{
    s_tick_t *tick = arg;
    char today [11];
    kp_date_format (kp_date_today (), today);
    const char *values [] = { today };
    const char *notice = "breach", *topic = "referral.deadline_breached";
    PGresult *result = kp_db_exec (db, "referral_due_breach", 1, values);
    if (result && PQntuples (result) == 0) {
        PQclear (result);
        notice = "warning";
        topic = "referral.deadline_warning";
        result = kp_db_exec (db, "referral_due_warning", 1, values);
    }
    if (!result)
        return -1;
    if (PQntuples (result) == 0) {
        PQclear (result);
        tick->idle = true;
        return 0;
    }
    referral_t referral;
    int found = referral_record_load (db, kp_row_text (result, 0, DUE_REFERRAL_ID), false, &referral);
    PQclear (result);
    if (found != 1)
        return -1;
    const char *insert [] = { referral.id, notice };
    result = kp_db_exec (db, "referral_notice_insert", 2, insert);
    if (!result)
        return -1;
    bool first = PQntuples (result) == 1;
    PQclear (result);
    if (!first)
        return 0;                   //  another instance sent it first
    char state_code [KP_ENUM_CODE_MAX];
    const char *state = kp_enum_code (&kumppani__v1__referral_state__descriptor, (int) referral.state,
                                      state_code, sizeof state_code);
    const char *history [] = {
        referral.id, topic, state, state, s_clock.org, s_clock.person, s_clock.role,
        referral.deadline_kind, ""
    };
    result = kp_db_exec (db, "referral_history_insert", 9, history);
    if (!result)
        return -1;
    PQclear (result);
    return referral_record_emit (db, &referral, topic, referral.state, referral.deadline_kind);
}

int
referral_clock_tick (kp_db_t *db)
{
    s_tick_t tick = { false };
    //  Clocks the index has as due whose notices were sent elsewhere leave
    //  it first (migration 0043), so each notice's search sees the due ones.
    char today [11];
    kp_date_format (kp_date_today (), today);
    const char *values [] = { today };
    PGresult *settled = kp_db_exec (db, "referral_notices_settle", 1, values);
    if (settled)
        PQclear (settled);
    else
        kp_warn ("deadline watch: %s", kp_db_message (db));
    int sent = kp_watch_run (db, "deadline watch", s_one_notice, &tick, &tick.idle, CLOCK_NOTICES_PER_TICK);
    if (sent < 0)
        sent = 0;
    //  Kela's statement requests have their own clock (referral_statement).
    int statements = referral_statement_tick (db);
    return statements > 0 ? sent + statements : sent;
}
