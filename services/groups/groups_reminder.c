/*  groups_reminder — placements' interim and final evaluations: two weeks
    before one is due (or as soon as a late placement is recorded) a
    groups.evaluation_due event goes out, once, however many instances
    run the timer: the reminder row's key lets one transaction insert it,
    and only the one that did emits. The tick is a kp_watch: one reminder
    per transaction, until none is due or 50 ms are spent, so a backlog
    (the first tick after an outage) goes out between requests. */
#include "groups_event.h"
#include "groups_reminder.h"
#include "groups_sql.h"
#include "kp_calendar.h"
#include "kp_clock.h"
#include "kp_db.h"
#include "kp_log.h"
#include "kp_row.h"
#include "kp_watch.h"

#include <stdio.h>

//  The most reminders one tick sends; the time budget usually ends it first.
#define REMINDERS_PER_TICK 100

typedef struct {
    bool idle;                      //  nothing was due
    int sent;                       //  reminders this tick sent
} s_tick_t;

static int
s_send_one (kp_db_t *db, void *arg)
{
    s_tick_t *tick = arg;
    //  The timer is no call, so nothing put a test clock on the connection:
    //  put it there, so the day asked about, the reminder's sent_at and the
    //  event are all of one (moved) now.
    if (kp_clock_is_test () && kp_db_set_clock (db, kp_clock_now_us (), false))
        return -1;
    char today [11];
    kp_date_format (kp_db_today (db), today);
    const char *values [] = { today };
    PGresult *result = kp_db_exec (db, "groups_reminder_due", 1, values);
    if (!result)
        return -1;
    if (PQntuples (result) == 0) {
        PQclear (result);
        tick->idle = true;
        return 0;
    }
    Kumppani__V1__GroupsEvent payload = KUMPPANI__V1__GROUPS_EVENT__INIT;
    payload.placement_id = (char *) kp_row_text (result, 0, REMINDER_PLACEMENT_ID);
    payload.step = (char *) kp_row_text (result, 0, REMINDER_STEP);
    payload.session_date = (char *) kp_row_text (result, 0, REMINDER_DUE);
    payload.client_id = (char *) kp_row_text (result, 0, REMINDER_CLIENT_ID);
    const char *insert [] = { payload.placement_id, payload.step, payload.session_date };
    PGresult *inserted = kp_db_exec (db, "groups_reminder_insert", 3, insert);
    int rc = inserted ? 0 : -1;
    if (inserted && PQntuples (inserted) == 1) {
        rc = groups_event_emit_placement (db, "groups.evaluation_due",
                                          kp_row_text (result, 0, REMINDER_MUNICIPALITY),
                                          kp_row_text (result, 0, REMINDER_ORGANISER_ORG), &payload);
        if (rc == 0)
            tick->sent++;
    }
    if (inserted)
        PQclear (inserted);
    PQclear (result);
    return rc;
}

int
groups_reminder_tick (kp_db_t *db)
{
    s_tick_t tick = { false, 0 };
    //  Placements the index has as due with nothing to remind leave it
    //  first (migration 0043), so each round sees only what is due.
    if (kp_clock_is_test () && kp_db_set_clock (db, kp_clock_now_us (), false))
        return 0;
    char today [11];
    kp_date_format (kp_db_today (db), today);
    const char *values [] = { today };
    PGresult *settled = kp_db_exec (db, "groups_reminder_settle", 1, values);
    if (settled)
        PQclear (settled);
    else
        kp_warn ("groups: evaluation reminders: %s", kp_db_message (db));
    //  Another instance's reminder (not inserted here) is a round that did
    //  work too: the next one asks for the next due reminder.
    int rounds = kp_watch_run (db, "groups: evaluation reminders", s_send_one, &tick, &tick.idle,
                               REMINDERS_PER_TICK);
    kp_db_set_clock (db, 0, false);         //  back on the process clock (no round trip)
    return rounds < 0 ? 0 : tick.sent;
}
