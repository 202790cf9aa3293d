/*  groups_reminder — placements' interim and final evaluations: two weeks
    before one is due (or as soon as a late placement is recorded) a
    groups.evaluation_due event goes out, once, however many instances
    run the timer: the reminder row's key lets one transaction insert it,
    and only the one that did emits. */
#include "groups_event.h"
#include "groups_reminder.h"
#include "groups_sql.h"
#include "kp_calendar.h"
#include "kp_clock.h"
#include "kp_db.h"
#include "kp_log.h"
#include "kp_row.h"

#include <stdio.h>

static int
s_send_one (kp_db_t *db, void *arg)
{
    int *sent = arg;
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
            (*sent)++;
    }
    if (inserted)
        PQclear (inserted);
    PQclear (result);
    return rc;
}

int
groups_reminder_tick (kp_db_t *db)
{
    int total = 0;
    //  One reminder per transaction, a bounded number per tick.
    for (int round = 0; round < 100; round++) {
        int sent = 0;
        int rc = kp_db_transaction (db, s_send_one, &sent, 3);
        kp_db_set_clock (db, 0, false);     //  back on the process clock (no round trip)
        if (rc != 0) {
            kp_warn ("groups: evaluation reminders failed: %s", kp_db_message (db));
            break;
        }
        if (sent == 0)
            break;
        total += sent;
    }
    return total;
}
