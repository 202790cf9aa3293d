/*  groups_reminder — the placements' evaluation reminders, one tick of
    the context's timer (groups_reminder.c). */
#ifndef GROUPS_REMINDER_H
#define GROUPS_REMINDER_H

#include "kp_db.h"

//  groups_reminder: sends due evaluation reminders; returns how many.
int groups_reminder_tick (kp_db_t *db);

#endif
