/*  reporting_rollup — the rollups the reports read, folded from the
    stream's events (reporting_rollup.c), live or into a rebuild's copy. */
#ifndef REPORTING_ROLLUP_H
#define REPORTING_ROLLUP_H

#include "kp_db.h"
#include "kumppani/v1/envelope.pb-c.h"

#include <stdbool.h>
#include <stddef.h>

//  reporting_rollup: the rollups the reports read, kept from the stream.
//  Each rollup row is of one copy: the live one, or the one a rebuild
//  makes in its transaction (reporting_rebuild).
#define REPORTING_ROLLUP_CONSUMER  "reporting.rollups"
#define REPORTING_ROLLUP_LIVE      "live"
#define REPORTING_ROLLUP_REBUILT   "rebuilt"
//  Folds one event into copy: 0 done (or nothing to count), -1 database
//  error, -2 poison with error set (nothing written).
int reporting_rollup_fold (kp_db_t *db, const char *copy, const Kumppani__V1__Event *event,
                           char *error, size_t error_size);
//  The consumer's handler: folds into the live copy.
int reporting_rollup_on_event (kp_db_t *db, const Kumppani__V1__Event *event, void *arg,
                               char *error, size_t error_size);
//  One of the activity kinds of the groups contract.
bool reporting_rollup_is_activity_kind (const char *kind);

#endif
