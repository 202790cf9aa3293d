/*  The one disclosure check on the groups service's paths: a placement
    with an outside organiser and an enrolment in another organisation's
    group are refused without the client's consent (nothing written),
    allowed with it and logged, and a withdrawal or a ban reaches every
    placement at the organiser's next access and every enrolment at the
    next attendance it records. */
#include "test_groups.h"

TestSuite (disclosure_groups, .init = gt_setup, .fini = kpt_teardown, .timeout = 120);

//  A client intake knows, with no consent at all.
static const char *
s_bare_client (void)
{
    static char id [KP_ID_LEN + 1];
    kp_id_new (id);
    const char *values [] = { id };
    PGresult *result = PQexecParams (kpt_admin (),
        "INSERT INTO intake.clients (client_id, municipality, created_by_org) VALUES ($1, '743', 'muni-743')",
        1, NULL, values, NULL, NULL, 0);
    cr_assert_eq (PQresultStatus (result), PGRES_COMMAND_OK, "%s", PQresultErrorMessage (result));
    PQclear (result);
    return id;
}

static void
s_sql (const char *sql, const char *client_id)
{
    const char *values [] = { client_id };
    PGresult *result = PQexecParams (kpt_admin (), sql, 1, NULL, values, NULL, NULL, 0);
    cr_assert_eq (PQresultStatus (result), PGRES_COMMAND_OK, "%s", PQresultErrorMessage (result));
    PQclear (result);
}

static void
s_consent (const char *client_id, const char *scope)
{
    char sql [400];
    snprintf (sql, sizeof sql, "INSERT INTO intake.consents (consent_id, client_id, counterparty_org, scope,"
              " given_at, recorded_by_org) VALUES (md5 ($1 || '%s'), $1, 'ngo-743', '%s', current_date,"
              " 'muni-743')", scope, scope);
    s_sql (sql, client_id);
}

static Kumppani__V1__Reply *
s_place (const char *client_id)
{
    char start [11], end [11];
    kp_date_format (kp_date_today () - 10, start);
    kp_date_format (kp_date_today () + 173, end);
    Kumppani__V1__CreatePlacement body = KUMPPANI__V1__CREATE_PLACEMENT__INIT;
    body.client_id = (char *) client_id;
    body.organiser_org = "ngo-743";
    body.days_per_week = 3;
    body.hours_per_day = 6;
    body.start_date = start;
    body.end_date = end;
    body.compensation_cents_per_day = 900;
    return gt_call ("muni-743", KUMPPANI__V1__REQUEST__BODY_CREATE_PLACEMENT, &body, NULL);
}

static Kumppani__V1__Reply *
s_work_day (const char *placement)
{
    char today [11];
    kp_date_format (kp_date_today (), today);
    Kumppani__V1__RecordPlacementDay body = KUMPPANI__V1__RECORD_PLACEMENT_DAY__INIT;
    body.placement_id = (char *) placement;
    body.date = today;
    body.minutes = 360;
    return gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_RECORD_PLACEMENT_DAY, &body, NULL);
}

#define DISCLOSURES "SELECT count(*) FROM kp.audit_log WHERE client_ref = $1 AND action = 'groups.disclosure'"

Test (disclosure_groups, placement_needs_the_clients_consent_and_loses_it_on_withdrawal)
{
    char client [KP_ID_LEN + 1];
    snprintf (client, sizeof client, "%s", s_bare_client ());
    gt_done (s_place (client), GT_FORBIDDEN, "consent.not_found", NULL);
    cr_assert_eq (gt_scalar ("SELECT count(*) FROM groups.placements WHERE client_id = $1", client), 0);
    cr_assert_eq (gt_scalar ("SELECT count(*) FROM kp.audit_log WHERE client_ref = $1", client), 0);
    s_consent (client, "enrolment");
    gt_done (s_place (client), GT_FORBIDDEN, "consent.out_of_scope", NULL);
    cr_assert_eq (gt_scalar ("SELECT count(*) FROM groups.placements WHERE client_id = $1", client), 0);

    s_consent (client, "placement");
    Kumppani__V1__Reply *reply = s_place (client);
    gt_expect (reply, GT_OK, NULL, NULL);
    char placement [KP_ID_LEN + 1];
    snprintf (placement, sizeof placement, "%s", reply->placement->placement_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (gt_scalar (DISCLOSURES, client), 1);
    char start [11], end [11];
    kp_date_format (kp_date_today () - 10, start);
    kp_date_format (kp_date_today () + 173, end);
    gt_placement_path (placement, start, end);
    gt_done (s_work_day (placement), GT_OK, NULL, NULL);

    //  Withdrawn: the organiser's next access to the placement is refused.
    s_sql ("UPDATE intake.consents SET withdrawn_at = now () WHERE client_id = $1 AND scope = 'placement'", client);
    gt_done (s_work_day (placement), GT_FORBIDDEN, "consent.withdrawn", "record_placement_day.placement_id");
    //  And so is every other access of the organiser to it.
    Kumppani__V1__ReportAbsence absence = KUMPPANI__V1__REPORT_ABSENCE__INIT;
    absence.placement_id = placement;
    absence.step = "client";
    char today [11];
    kp_date_format (kp_date_today (), today);
    absence.absence_date = today;
    gt_done (gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_REPORT_ABSENCE, &absence, NULL), GT_FORBIDDEN,
             "consent.withdrawn", NULL);
}

Test (disclosure_groups, a_ban_reaches_the_placement)
{
    const char *client = gt_client ("743");        //  consents to ngo-743 for placements
    Kumppani__V1__Reply *reply = s_place (client);
    gt_expect (reply, GT_OK, NULL, NULL);
    char placement [KP_ID_LEN + 1];
    snprintf (placement, sizeof placement, "%s", reply->placement->placement_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    s_sql ("INSERT INTO intake.disclosure_bans (ban_id, client_id, counterparty_org, scope, recorded_by_org)"
           " VALUES (md5 ($1), $1, 'ngo-743', NULL, 'muni-743')", client);
    gt_done (s_work_day (placement), GT_FORBIDDEN, "disclosure.banned", NULL);
}

Test (disclosure_groups, enrolment_in_another_organisations_group_needs_consent)
{
    const char *activity = gt_activity ("ngo-743", "peer_support", true, 10, 0);
    char client [KP_ID_LEN + 1];
    snprintf (client, sizeof client, "%s", s_bare_client ());
    gt_done (gt_enrol ("ngo-743", activity, client, "Aino", GT_REFUSE), GT_FORBIDDEN, "consent.not_found", NULL);
    cr_assert_eq (gt_scalar ("SELECT count(*) FROM groups.enrolments WHERE client_id = $1", client), 0);
    cr_assert_eq (gt_events (activity, "groups.enrolled"), 0);
    s_sql ("INSERT INTO intake.disclosure_bans (ban_id, client_id, counterparty_org, scope, recorded_by_org)"
           " VALUES (md5 ($1), $1, NULL, 'enrolment', 'muni-743')", client);
    s_consent (client, "enrolment");
    gt_done (gt_enrol ("ngo-743", activity, client, "Aino", GT_REFUSE), GT_FORBIDDEN, "disclosure.banned", NULL);
    s_sql ("DELETE FROM intake.disclosure_bans WHERE client_id = $1", client);
    gt_done (gt_enrol ("ngo-743", activity, client, "Aino", GT_REFUSE), GT_OK, NULL, NULL);
    cr_assert_eq (gt_scalar (DISCLOSURES, client), 1);
    cr_assert_eq (gt_events (activity, "groups.enrolled"), 1);

    //  Withdrawn: the organiser records no more of the client's attendance.
    char today [11], session [KP_ID_LEN + 1];
    kp_date_format (kp_date_today (), today);
    gt_one_session ("ngo-743", activity, today, "00:00", "00:30", session);
    s_sql ("UPDATE intake.consents SET withdrawn_at = now () WHERE client_id = $1", client);
    gt_done (gt_attend ("ngo-743", session, client, "present", 30, NULL), GT_FORBIDDEN, "consent.withdrawn",
             "record_attendance.client_id");
    cr_assert_eq (gt_scalar ("SELECT count(*) FROM groups.attendance WHERE client_id = $1", client), 0);
}
