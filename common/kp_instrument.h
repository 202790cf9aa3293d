/*  kp_instrument — the outcome instruments (AVAIN, Kykyviisari) as intake
    keeps them (intake.instrument_items: items and scales as data), and the
    one check of a filled-in form against them, for intake's clients and
    groups' participants without a case alike: the same instrument means
    the same scales and the same refusals. */
#ifndef KP_INSTRUMENT_H
#define KP_INSTRUMENT_H

#include "kp_db.h"
#include "kp_row.h"
#include "kp_server.h"

#include <stddef.h>

//  The current version's items of an instrument, in their order.
#define KP_INSTRUMENT_ITEM_ROW(C) \
    C (KP_ITEM_VERSION, "version", "int4") \
    C (KP_ITEM_CODE, "item_code", "text") \
    C (KP_ITEM_SCALE_MIN, "scale_min", "int4") \
    C (KP_ITEM_SCALE_MAX, "scale_max", "int4") \
    C (KP_ITEM_HIGHER_IS_BETTER, "higher_is_better", "bool")
enum { KP_INSTRUMENT_ITEM_ROW (KP_ROW_INDEX) };

//  "instrument_items" ($1 the instrument code): add to a service's table.
extern const kp_stmt_t kp_instrument_statements [];

//  The items of instrument, or NULL with the call failed INVALID
//  (SERVICE.unknown_instrument at field). Yours to PQclear.
PGresult *kp_instrument_items (kp_call_t *call, const char *service, const char *instrument, const char *field);

//  The form checked against instrument's items: at least one score, each
//  an item of it at most once, within the item's scale. The items (yours
//  to PQclear: row 0's KP_ITEM_VERSION is the version the form is of), or
//  NULL with the call failed INVALID: SERVICE.scores, .unknown_instrument,
//  .unknown_item, .score_out_of_scale, the field under body (BODY.scores[i]).
PGresult *kp_instrument_check (kp_call_t *call, const char *service, const char *body, const char *instrument,
                               Kumppani__V1__ItemScore *const *scores, size_t n_scores);

#endif
