/*  intake_referrals_batch — see the header. What it claims is exactly
    what intake_referrals_handle would finish without writing: a notice
    to a partner, or one whose referral is already linked to a case (the
    handler's first lookup). The linked ones are read in one statement
    over the batch's ids instead of one lookup per notice. */
#include "intake_referrals_batch.h"
#include "kp_db.h"
#include "kp_organiser.h"
#include "kp_row.h"
#include "kp_server.h"

#include <czmq.h>
#include <string.h>

#define INTAKE_LINKED_ROW(C) C (LINKED_REFERRAL_ID, "referral_id", "text")
enum { INTAKE_LINKED_ROW (KP_ROW_INDEX) };
static const kp_col_t s_linked_row [] = { INTAKE_LINKED_ROW (KP_ROW_COLUMN) { NULL } };

const kp_stmt_t intake_referrals_batch_statements [] = {
    { "referrals_linked",
      "SELECT referral_id FROM intake.case_referrals WHERE referral_id = ANY ($1::text[])", s_linked_row },
    { NULL }
};

//  A notice the handler would open a case for (or refuse): not ours.
static bool
s_needs_handler (const Kumppani__V1__Event *event)
{
    if (strcmp (event->topic, "referral.received") != 0)
        return false;
    if (event->payload_case != KUMPPANI__V1__EVENT__PAYLOAD_REFERRAL || !event->referral
    ||  !*event->referral->referral_id)
        return true;                    //  poison: the handler says so
    return kp_org_type_in (event->referral->recipient_type, KP_ORGANISER_TYPES);
}

//  Appends id to an array literal as a quoted element.
static void
s_element (zchunk_t *array, const char *id)
{
    zchunk_extend (array, zchunk_size (array) ? ",\"" : "{\"", 2);
    for (const char *at = id; *at; at++) {
        if (*at == '"' || *at == '\\')
            zchunk_extend (array, "\\", 1);
        zchunk_extend (array, at, 1);
    }
    zchunk_extend (array, "\"", 1);
}

int
intake_referrals_on_batch (kp_db_t *db, Kumppani__V1__Event *const *events, size_t count, bool *done, void *arg)
{
    (void) arg;
    zchunk_t *array = zchunk_new (NULL, 64 * count + 2);
    for (size_t index = 0; index < count; index++) {
        done [index] = !s_needs_handler (events [index]);
        if (!done [index] && events [index]->referral && *events [index]->referral->referral_id)
            s_element (array, events [index]->referral->referral_id);
    }
    if (zchunk_size (array) == 0) {
        zchunk_destroy (&array);
        return 0;
    }
    zchunk_extend (array, "}", 2);          //  with its terminating NUL
    const char *values [] = { (const char *) zchunk_data (array) };
    PGresult *linked = kp_db_exec (db, "referrals_linked", 1, values);
    zchunk_destroy (&array);
    if (!linked)
        return -1;
    zhashx_t *ids = zhashx_new ();
    for (int row = 0; row < PQntuples (linked); row++)
        zhashx_insert (ids, kp_row_text (linked, row, LINKED_REFERRAL_ID), (void *) 1);
    for (size_t index = 0; index < count; index++)
        if (!done [index] && events [index]->referral && zhashx_lookup (ids, events [index]->referral->referral_id))
            done [index] = true;
    zhashx_destroy (&ids);
    PQclear (linked);
    return 0;
}
