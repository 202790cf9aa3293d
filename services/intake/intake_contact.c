/*  intake_contact — contacts with the client and the six-month rule. A
    contact has a kind (meeting, phone, home visit, network meeting
    (verkostopalaveri), digital), a day and the organisation types that
    took part: nothing that could name anyone, so its event is as clean as
    its row. The latest contact day is the case's last contact. A case not
    met for KUMPPANI_CONTACT_DUE_MONTHS (6) months since its last contact,
    or since it opened, gets intake.contact_due once per day it fell due:
    the reminder row's key and the event commit in one transaction, and
    SKIP LOCKED lets a second instance pass over a case another one holds,
    so restarts and instances never send it twice (intake_reminder does
    the same for reviews). */
#include "intake_access.h"
#include "intake_case_row.h"
#include "intake_caseload.h"
#include "intake_context.h"
#include "kp_calendar.h"
#include "kp_check.h"
#include "kp_db.h"
#include "kp_enum.h"
#include "kp_ids.h"
#include "kp_log.h"
#include "kp_row.h"
#include "kp_server.h"

#include <stdio.h>
#include <string.h>

#define PARTICIPANTS_MAX 16
#define CANDIDATES_MAX   100         //  the LIMIT of contact_due_candidates

//  Organisation types a contact may name as taking part.
static const char *const s_participant_types [] = {
    "municipality", "kela", "ngo", "parish", "debt_counselling", "enforcement", "social_credit",
    "health_care", "employment_services", "housing", "education", "police", "other", NULL
};

static bool
s_participant_known (const char *type)
{
    for (size_t index = 0; s_participant_types [index]; index++)
        if (strcmp (type, s_participant_types [index]) == 0)
            return true;
    return false;
}

int
intake_contact_record (kp_call_t *call)
{
    const Kumppani__V1__RecordContact *body = call->request->record_contact;
    intake_case_row_t row;
    if (intake_case_lock (call, body->case_id, "record_contact.case_id", INTAKE_WRITE, "contact", &row))
        return -1;
    char kind [KP_ENUM_CODE_MAX];
    if (!kp_enum_code (&kumppani__v1__contact_kind__descriptor, (int) body->kind, kind, sizeof kind))
        return kp_check_invalid (call, "intake.contact_kind", "record_contact.kind",
                               "meeting, phone, home visit, network meeting or digital");
    kp_date_t day;
    if (kp_date_parse (body->contact_date, &day))
        return kp_check_invalid (call, "intake.contact_date", "record_contact.contact_date",
                               "the day of the contact as YYYY-MM-DD");
    if (day > intake_today ())
        return kp_check_invalid (call, "intake.contact_date", "record_contact.contact_date",
                               "a contact cannot be dated in the future");
    if (body->n_participants > PARTICIPANTS_MAX)
        return kp_check_invalid (call, "intake.participants", "record_contact.participants",
                               "at most 16 organisation types");
    size_t size = 1;
    for (size_t index = 0; index < body->n_participants; index++) {
        if (!s_participant_known (body->participants [index])) {
            char field [64];
            snprintf (field, sizeof field, "record_contact.participants[%zu]", index);
            return kp_check_invalid (call, "intake.participants", field,
                                   "an organisation type (municipality, kela, ngo, parish, health_care, …),"
                                   " never a name");
        }
        size += strlen (body->participants [index]) + 1;
    }
    if (strcmp (row.state, "closed") == 0)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_CONFLICT, "intake.case_closed", NULL,
                             "the case is closed");
    const char *id [] = { row.case_id };
    PGresult *opened = kp_db_exec (call->db, "contact_case_opened", 1, id);
    if (!opened)
        return kp_call_db_fail (call);
    kp_date_t opened_on;
    bool before = PQntuples (opened) > 0 && kp_date_parse (kp_row_text (opened, 0, KP_ROW_ONLY), &opened_on) == 0
               && day < opened_on;
    PQclear (opened);
    if (before)
        return kp_check_invalid (call, "intake.contact_date", "record_contact.contact_date",
                               "a contact cannot be dated before the case opened");
    char *participants = kp_call_alloc (call, size);
    for (size_t index = 0; index < body->n_participants; index++) {
        if (index)
            strcat (participants, "\n");
        strcat (participants, body->participants [index]);
    }
    char contact_id [KP_ID_LEN + 1], date [11];
    kp_id_new (contact_id);
    kp_date_format (day, date);
    const char *values [] = { contact_id, row.case_id, kind, date, participants,
                              call->identity->org_id,
                              call->request->actor ? call->request->actor->person_id : "" };
    PGresult *result = kp_db_exec (call->db, "contact_insert", 7, values);
    if (!result)
        return kp_call_db_fail (call);
    PQclear (result);
    Kumppani__V1__IntakeEvent payload = KUMPPANI__V1__INTAKE_EVENT__INIT;
    payload.contact_kind = body->kind;
    payload.contact_date = date;
    if (intake_caseload_emit (call->db, row.case_id, "intake.contact_recorded", &payload))
        return kp_call_db_fail (call);
    return intake_case_reply (call, row.case_id, contact_id);
}

//  --------------------------------------------------------------------------
//  The six-month rule

typedef struct {
    const char *case_id;
    const char *due_on;
    bool emitted;
    bool passed_over;               //  held elsewhere, or no longer due: look again
} s_due_t;

static int
s_remind (kp_db_t *db, void *arg)
{
    s_due_t *due = arg;
    char months [8];
    snprintf (months, sizeof months, "%d", intake_contact_due_months ());
    const char *values [] = { due->case_id, due->due_on, months };
    PGresult *locked = kp_db_exec (db, "contact_due_lock", 3, values);
    if (!locked)
        return -1;
    bool mine = PQntuples (locked) > 0;
    PQclear (locked);
    due->passed_over = !mine;
    if (!mine)
        return 0;                       //  another instance has it, a contact came, or it closed
    const char *key [] = { due->case_id, due->due_on, months };
    PGresult *inserted = kp_db_exec (db, "contact_remind", 3, key);
    if (!inserted)
        return -1;
    bool first = PQntuples (inserted) > 0;
    PQclear (inserted);
    if (first) {
        Kumppani__V1__IntakeEvent payload = KUMPPANI__V1__INTAKE_EVENT__INIT;
        payload.due_date = (char *) due->due_on;
        if (intake_caseload_emit (db, due->case_id, "intake.contact_due", &payload))
            return -1;
    }
    due->emitted = first;
    return 0;
}

int
intake_contact_tick (intake_t *self)
{
    //  A case falls due only when the day turns (a contact or a closing
    //  only puts it off), so after one complete sweep the day is done.
    kp_date_t day = intake_today ();
    if (self->contacts_swept_on == day)
        return 0;
    char today [11], months [8];
    kp_date_format (day, today);
    snprintf (months, sizeof months, "%d", self->config->contact_due_months);
    const char *values [] = { today, months };
    //  The index holds the rows not settled yet (migration 0042): settle
    //  first what needs no reminder, so the search sees only what is due.
    if (!self->contact_months_checked) {
        PGresult *cleared = kp_db_exec (self->db, "contact_due_months", 1, values + 1);
        if (!cleared) {
            kp_warn ("contact reminders: %s", kp_db_message (self->db));
            return -1;
        }
        PQclear (cleared);
        self->contact_months_checked = true;
    }
    PGresult *settled = kp_db_exec (self->db, "contact_due_settle", 2, values);
    if (!settled) {
        kp_warn ("contact reminders: %s", kp_db_message (self->db));
        return -1;
    }
    PQclear (settled);
    PGresult *candidates = kp_db_exec (self->db, "contact_due_candidates", 2, values);
    if (!candidates) {
        kp_warn ("contact reminders: %s", kp_db_message (self->db));
        return -1;
    }
    int emitted = 0;
    bool complete = PQntuples (candidates) < CANDIDATES_MAX;
    for (int row = 0; row < PQntuples (candidates); row++) {
        s_due_t due = { kp_row_text (candidates, row, DUE_CASE_ID), kp_row_text (candidates, row, DUE_ON), false, false };
        if (kp_db_transaction (self->db, s_remind, &due, 3)) {
            kp_warn ("contact reminder for case %s failed: %s", due.case_id, kp_db_message (self->db));
            complete = false;
        }
        else
            emitted += due.emitted;
        complete = complete && !due.passed_over;
    }
    PQclear (candidates);
    if (complete)
        self->contacts_swept_on = day;
    return emitted;
}
