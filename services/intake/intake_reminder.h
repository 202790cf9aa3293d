/*  intake_reminder — the plan review timer (intake_reminder.c):
    intake.review_due once per reached review date. */
#ifndef INTAKE_REMINDER_H
#define INTAKE_REMINDER_H

#include "intake_context.h"

//  Starts the timer on the context's loop. 0 or -1.
int intake_reminder_start (intake_t *self);
//  Emits intake.review_due for every reached review date not yet reminded;
//  returns how many were emitted, or -1.
int intake_reminder_run (intake_t *self);

#endif
