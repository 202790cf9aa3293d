/*  The groups service's replies in one vocabulary (issue 19): enrolment
    status and conflict kind are enums, each equal to its deprecated text
    field and to the stored enrolment row. The text fields are read here
    on purpose (that is the comparison), hence the pragma below. */
#include "test_groups.h"
#include "kp_enum.h"

//  This suite compares the deprecated text fields with their twins.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

TestSuite (vocab_groups, .init = gt_setup, .fini = kpt_teardown, .timeout = 120);

#define ES(name) KUMPPANI__V1__ENROLMENT_STATUS__ENROLMENT_STATUS_ ## name
#define CK(name) KUMPPANI__V1__CONFLICT_KIND__CONFLICT_KIND_ ## name

//  The stored status of an enrolment as its EnrolmentStatus.
static int
s_stored (const char *activity, const char *client)
{
    const char *values [] = { activity, client };
    PGresult *result = PQexecParams (kpt_admin (),
        "SELECT status::text FROM groups.enrolments WHERE activity_id = $1 AND client_id = $2",
        2, NULL, values, NULL, NULL, 0);
    cr_assert_eq (PQresultStatus (result), PGRES_TUPLES_OK, "%s", PQresultErrorMessage (result));
    cr_assert_eq (PQntuples (result), 1);
    int value = kp_enum_value (&kumppani__v1__enrolment_status__descriptor, PQgetvalue (result, 0, 0));
    PQclear (result);
    return value;
}

static void
s_check_enrolment (Kumppani__V1__Reply *reply, int want)
{
    gt_expect (reply, GT_OK, NULL, NULL);
    const Kumppani__V1__EnrolmentReply *enrolment = reply->enrolment;
    cr_assert_eq (enrolment->status_enum, want, "status_enum %d, status '%s'", enrolment->status_enum,
                  enrolment->status);
    cr_assert_eq (enrolment->status_enum, kp_enum_value (&kumppani__v1__enrolment_status__descriptor,
                                                         enrolment->status));
    cr_assert_eq (enrolment->status_enum, s_stored (enrolment->activity_id, enrolment->client_id));
    for (size_t index = 0; index < enrolment->n_conflicts; index++)
        cr_assert_eq (enrolment->conflicts [index]->kind_enum,
                      kp_enum_value (&kumppani__v1__conflict_kind__descriptor, enrolment->conflicts [index]->kind));
}

Test (vocab_groups, enrolment_status_and_conflict_kind_are_enums)
{
    char venue [40] = "hall-";
    kp_id_new (venue + 5);
    const char *small = gt_activity_at ("ngo-743", "peer_support", true, 1, 0, venue);
    const char *other = gt_activity_at ("ngo-743", "discussion_cafe", true, 10, 0, venue);
    char first [32], second [32];
    gt_one_session ("ngo-743", small, "2026-05-12", "10:00", "12:00", first);
    //  The same venue at the same time, reported: a venue conflict.
    Kumppani__V1__Reply *reply = gt_schedule ("ngo-743", other, "2026-05-12", "11:00", "13:00", 0, 0, 0,
                                              false, GT_REPORT);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert_eq (reply->session_list->n_conflicts, 1);
    cr_assert_str_eq (reply->session_list->conflicts [0]->kind, "venue");
    cr_assert_eq (reply->session_list->conflicts [0]->kind_enum, CK (VENUE));
    snprintf (second, sizeof second, "%s", reply->session_list->sessions [0]->session_id);
    kumppani__v1__reply__free_unpacked (reply, NULL);

    char one [KP_ID_LEN + 1], two [KP_ID_LEN + 1];
    snprintf (one, sizeof one, "%s", gt_client ("743"));
    snprintf (two, sizeof two, "%s", gt_client ("743"));
    reply = gt_enrol ("ngo-743", small, one, "Aino", GT_REFUSE);
    s_check_enrolment (reply, ES (ENROLLED));
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  The one seat is taken: the second client waits.
    reply = gt_enrol ("ngo-743", small, two, "Eino", GT_REFUSE);
    s_check_enrolment (reply, ES (WAITLISTED));
    kumppani__v1__reply__free_unpacked (reply, NULL);
    //  The first client in the other group at the same time: a client conflict, reported.
    reply = gt_enrol ("ngo-743", other, one, "Aino", GT_REPORT);
    s_check_enrolment (reply, ES (ENROLLED));
    cr_assert_eq (reply->enrolment->n_conflicts, 1);
    cr_assert_eq (reply->enrolment->conflicts [0]->kind_enum, CK (CLIENT));
    cr_assert_str_eq (reply->enrolment->conflicts [0]->kind, "client");
    kumppani__v1__reply__free_unpacked (reply, NULL);

    //  The organiser's view lists both, each status both ways.
    Kumppani__V1__GetActivity get = KUMPPANI__V1__GET_ACTIVITY__INIT;
    get.activity_id = (char *) small;
    reply = gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_GET_ACTIVITY, &get, NULL);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert_eq (reply->activity->n_participants, 2);
    for (size_t index = 0; index < 2; index++) {
        const Kumppani__V1__Participant *participant = reply->activity->participants [index];
        cr_assert_eq (participant->status_enum, s_stored (small, participant->client_id), "%s",
                      participant->status);
        cr_assert_eq (participant->status_enum,
                      kp_enum_value (&kumppani__v1__enrolment_status__descriptor, participant->status));
        cr_assert_eq (participant->status_enum,
                      strcmp (participant->client_id, one) == 0 ? ES (ENROLLED) : ES (WAITLISTED));
    }
    kumppani__v1__reply__free_unpacked (reply, NULL);

    reply = gt_withdraw ("ngo-743", small, one);
    s_check_enrolment (reply, ES (WITHDRAWN));
    cr_assert_str_eq (reply->enrolment->promoted_client_id, two);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (s_stored (small, two), ES (ENROLLED));

    Kumppani__V1__GetParticipation participation = KUMPPANI__V1__GET_PARTICIPATION__INIT;
    participation.client_id = one;
    reply = gt_call ("muni-743", KUMPPANI__V1__REQUEST__BODY_GET_PARTICIPATION, &participation, NULL);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert_eq (reply->participation->n_entries, 2);
    for (size_t index = 0; index < 2; index++) {
        const Kumppani__V1__ParticipationEntry *entry = reply->participation->entries [index];
        cr_assert_eq (entry->status_enum, s_stored (entry->activity_id, one), "%s", entry->status);
        cr_assert_eq (entry->status_enum, strcmp (entry->activity_id, small) == 0 ? ES (WITHDRAWN) : ES (ENROLLED));
    }
    kumppani__v1__reply__free_unpacked (reply, NULL);
}
