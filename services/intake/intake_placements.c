/*  intake_placements — a rehabilitative work activity placement is a
    measure of the client's case, so AVAIN and Kykyviisari measurements at
    its start and end belong to it (RecordMeasurement with its measure
    id). The consumer "intake.placements" reads groups' events: when the
    agreement is recorded (the placement starts) the client's open case
    with a plan gets the measure: an open rehabilitative_work measure the
    worker added by hand and linked to nothing is attached (linked_ref =
    the placement), else one is created; when the placement ends, the
    measure ends with it (ended, or interrupted for every reason but
    completed; the outcome is left for the worker's EndMeasure to judge).
    A client with no open case, or a case without a plan yet, gets
    nothing: measures belong to a plan. Idempotent: a redelivered event
    finds the measure linked already. */
#include "intake_consumer.h"
#include "kp_audit.h"
#include "kp_calendar.h"
#include "kp_check.h"
#include "kp_db.h"
#include "kp_ids.h"

#include <stdio.h>
#include <string.h>

static const kp_col_t s_id_row [] = { { "measure_id", "text" }, { NULL } };
static const kp_col_t s_case_row [] = { { "case_id", "text" }, { NULL } };

const kp_stmt_t intake_placement_statements [] = {
    //  $1 client, $2 municipality: the open case with a plan.
    { "placement_case",
      "SELECT case_id FROM intake.cases WHERE client_id = $1::text AND municipality = $2::text"
      " AND state IN ('plan_made', 'reviewed') ORDER BY opened_at DESC, case_id DESC LIMIT 1 FOR UPDATE",
      s_case_row },
    //  $1 placement: its measure, wherever it is.
    { "placement_measure",
      "SELECT measure_id FROM intake.measures WHERE kind = 'rehabilitative_work' AND linked_ref = $1::text"
      " LIMIT 1", s_id_row },
    //  $1 case, $2 placement, $3 start: an open unlinked one of the case takes the placement.
    { "placement_measure_attach",
      "UPDATE intake.measures SET linked_ref = $2::text, start_date = coalesce (start_date, $3::date)"
      " WHERE measure_id = (SELECT measure_id FROM intake.measures WHERE case_id = $1::text"
      "   AND kind = 'rehabilitative_work' AND linked_ref = '' AND status IN ('planned', 'active')"
      "   ORDER BY created_at, measure_id LIMIT 1)"
      " RETURNING measure_id", s_id_row },
    //  $1 measure, $2 case, $3 organiser (responsible), $4 placement, $5 start.
    { "placement_measure_insert",
      "INSERT INTO intake.measures (measure_id, case_id, kind, description, responsible_person, linked_ref,"
      " start_date, status) VALUES ($1::text, $2::text, 'rehabilitative_work',"
      " 'rehabilitative work activity (kuntouttava työtoiminta)', $3::text, $4::text, $5::date, 'active')"
      " RETURNING measure_id", s_id_row },
    //  $1 placement, $2 last day, $3 status (ended | interrupted).
    { "placement_measure_end",
      "UPDATE intake.measures SET ended_on = greatest ($2::date, coalesce (start_date, $2::date)),"
      " status = $3::intake.measure_status"
      " WHERE kind = 'rehabilitative_work' AND linked_ref = $1::text AND status IN ('planned', 'active')"
      " RETURNING measure_id", s_id_row },
    { NULL }
};

static int
s_audit (kp_db_t *db, const char *client_id, const char *action, const char *measure_id)
{
    kp_audit_entry_t entry = {
        .org_id = "intake", .person_id = "intake.placements", .role = "ROLE_SERVICE",
        .action = action, .client_ref = client_id, .basis = "activation_plan",
        .recipient_org = NULL, .detail = measure_id
    };
    return kp_audit_append (db, &entry);
}

static int
s_started (kp_db_t *db, const Kumppani__V1__GroupsEvent *groups)
{
    const char *placement [] = { groups->placement_id };
    char measure_id [KP_ID_LEN + 1], case_id [KP_ID_LEN + 1];
    int found = kp_db_text (db, "placement_measure", 1, placement, measure_id, sizeof measure_id);
    if (found != 0)
        return found < 0 ? -1 : 0;          //  linked before
    const char *client [] = { groups->client_id, groups->municipality };
    found = kp_db_text (db, "placement_case", 2, client, case_id, sizeof case_id);
    if (found <= 0)
        return found;                       //  no open case with a plan: no measure
    const char *attach [] = { case_id, groups->placement_id, groups->session_date };
    found = kp_db_text (db, "placement_measure_attach", 3, attach, measure_id, sizeof measure_id);
    if (found < 0)
        return -1;
    const char *action = "intake.placement_measure_attached";
    if (found == 0) {
        kp_id_new (measure_id);
        const char *insert [] = {
            measure_id, case_id, groups->organiser_org, groups->placement_id, groups->session_date
        };
        char inserted [KP_ID_LEN + 1];
        if (kp_db_text (db, "placement_measure_insert", 5, insert, inserted, sizeof inserted) <= 0)
            return -1;
        action = "intake.placement_measure_created";
    }
    return s_audit (db, groups->client_id, action, measure_id);
}

static int
s_ended (kp_db_t *db, const Kumppani__V1__GroupsEvent *groups)
{
    const char *values [] = {
        groups->placement_id, groups->session_date, strcmp (groups->step, "completed") == 0 ? "ended" : "interrupted"
    };
    char measure_id [KP_ID_LEN + 1];
    int found = kp_db_text (db, "placement_measure_end", 3, values, measure_id, sizeof measure_id);
    if (found <= 0)
        return found;                       //  no measure, or ended already
    return s_audit (db, groups->client_id, "intake.placement_measure_ended", measure_id);
}

int
intake_placements_handle (kp_db_t *db, const Kumppani__V1__Event *event, void *arg, char *error, size_t error_size)
{
    (void) arg;
    const Kumppani__V1__GroupsEvent *groups = event->groups;
    bool started = strcmp (event->topic, "groups.agreement_recorded") == 0;
    if (!started && strcmp (event->topic, "groups.placement_ended") != 0)
        return 0;
    kp_date_t day;
    if (event->payload_case != KUMPPANI__V1__EVENT__PAYLOAD_GROUPS || !groups || !kp_id_valid (groups->placement_id)
    ||  !kp_id_valid (groups->client_id) || kp_date_parse (groups->session_date, &day)
    ||  !kp_check_municipality (groups->municipality)) {
        snprintf (error, error_size, "%s without a placement, client, municipality and day", event->topic);
        return -2;
    }
    return started ? s_started (db, groups) : s_ended (db, groups);
}
