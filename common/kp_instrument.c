/*  kp_instrument — outcome instrument items and the check of a form
    against them (see the header). The codes carry the calling service's
    prefix, so a refusal reads as its own service's. */
#include "kp_check.h"
#include "kp_db.h"
#include "kp_instrument.h"
#include "kp_row.h"
#include "kp_server.h"

#include <stdio.h>
#include <string.h>

static const kp_col_t s_item_row [] = { KP_INSTRUMENT_ITEM_ROW (KP_ROW_COLUMN) { NULL } };

const kp_stmt_t kp_instrument_statements [] = {
    //  The current version of an instrument's items.
    { "instrument_items",
      "SELECT it.version, it.item_code, it.scale_min, it.scale_max, it.higher_is_better"
      " FROM intake.instrument_items it WHERE it.code = $1::text"
      " AND it.version = (SELECT max(version) FROM intake.instruments WHERE code = $1::text)"
      " ORDER BY it.position", s_item_row },
    { NULL }
};

//  SERVICE.what, INVALID at field: -1.
static int
s_invalid (kp_call_t *call, const char *service, const char *what, const char *field, const char *message)
{
    char code [64];
    //  error codes: intake.scores intake.unknown_instrument intake.unknown_item intake.score_out_of_scale
    //  error codes: groups.scores groups.unknown_instrument groups.unknown_item groups.score_out_of_scale
    snprintf (code, sizeof code, "%s.%s", service, what);
    return kp_check_invalid (call, code, field, message);
}

PGresult *
kp_instrument_items (kp_call_t *call, const char *service, const char *instrument, const char *field)
{
    const char *values [] = { instrument };
    bool plausible = kp_check_slug (instrument, 40);
    PGresult *items = plausible ? kp_db_exec (call->db, "instrument_items", 1, values) : NULL;
    if (plausible && !items) {
        kp_call_db_fail (call);
        return NULL;
    }
    if (!items || PQntuples (items) == 0) {
        PQclear (items);
        s_invalid (call, service, "unknown_instrument", field, "an instrument code: avain, kykyviisari");
        return NULL;
    }
    return items;
}

PGresult *
kp_instrument_check (kp_call_t *call, const char *service, const char *body, const char *instrument,
                     Kumppani__V1__ItemScore *const *scores, size_t n_scores)
{
    char field [96], message [160];
    if (n_scores == 0) {
        snprintf (field, sizeof field, "%s.scores", body);
        s_invalid (call, service, "scores", field, "at least one score");
        return NULL;
    }
    snprintf (field, sizeof field, "%s.instrument", body);
    PGresult *items = kp_instrument_items (call, service, instrument, field);
    if (!items)
        return NULL;
    //  Each score against its item's scale; each item at most once.
    for (size_t index = 0; index < n_scores; index++) {
        const Kumppani__V1__ItemScore *score = scores [index];
        snprintf (field, sizeof field, "%s.scores[%zu]", body, index);
        int row = -1;
        for (int item = 0; item < PQntuples (items) && row < 0; item++)
            if (strcmp (kp_row_text (items, item, KP_ITEM_CODE), score->item_code) == 0)
                row = item;
        for (size_t earlier = 0; earlier < index && row >= 0; earlier++)
            if (strcmp (scores [earlier]->item_code, score->item_code) == 0)
                row = -2;
        if (row < 0) {
            snprintf (message, sizeof message, "item %.40s is not an item of %s%s", score->item_code,
                      instrument, row == -2 ? " or appears twice" : "");
            s_invalid (call, service, "unknown_item", field, message);
            PQclear (items);
            return NULL;
        }
        int low = (int) kp_row_int (items, row, KP_ITEM_SCALE_MIN);
        int high = (int) kp_row_int (items, row, KP_ITEM_SCALE_MAX);
        if (score->score < low || score->score > high) {
            snprintf (message, sizeof message, "item %s is scored %d to %d", score->item_code, low, high);
            s_invalid (call, service, "score_out_of_scale", field, message);
            PQclear (items);
            return NULL;
        }
    }
    return items;
}
