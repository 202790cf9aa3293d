/*  The last seat: 50 clients enrolled at once by 50 threads, each with its
    own CURVE socket, into a group with one seat left — exactly one gets
    it, the rest queue in order; a withdrawal promotes the first in line
    with a groups.promoted event, and more seats promote more. */
#include "test_groups.h"

#include <pthread.h>

TestSuite (groups_capacity, .init = gt_setup, .fini = kpt_teardown, .timeout = 180);

#define RUSH 50

typedef struct {
    const char *activity;
    char client [KP_ID_LEN + 1];
    pthread_barrier_t *start;
    int outcome;                    //  0 enrolled, 1 waitlisted, -1 no reply, -2 refused
    uint32_t position;
    char refusal [160];             //  a refusal's status, code and message
} s_rush_t;

//  No criterion asserts in here: a thread only reports what it got.
static void *
s_enrol_thread (void *arg)
{
    s_rush_t *rush = arg;
    kp_client_t *client = kp_client_new (kpt_endpoint ("groups"), kpt_cert_path ("services", "groups"),
                                         kpt_cert_path ("clients", "ngo-743"));
    pthread_barrier_wait (rush->start);
    rush->outcome = -1;
    if (!client)
        return NULL;
    char key [40];
    snprintf (key, sizeof key, "rush-%s", rush->client);
    Kumppani__V1__Actor actor = KUMPPANI__V1__ACTOR__INIT;
    actor.person_id = "worker-1";
    actor.role = KUMPPANI__V1__ROLE__ROLE_NGO_WORKER;
    Kumppani__V1__Enrol body = KUMPPANI__V1__ENROL__INIT;
    body.activity_id = (char *) rush->activity;
    body.client_id = rush->client;
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    request.correlation_id = key;
    request.idempotency_key = key;          //  a retry after a timeout is the same request
    request.actor = &actor;
    request.body_case = KUMPPANI__V1__REQUEST__BODY_ENROL;
    request.enrol = &body;
    Kumppani__V1__Reply *reply = kp_client_call (client, &request, 30000, 2);
    if (reply) {
        rush->outcome = reply->status != GT_OK ? -2
                      : reply->enrolment->status_enum == KUMPPANI__V1__ENROLMENT_STATUS__ENROLMENT_STATUS_ENROLLED ? 0 : 1;
        if (reply->status != GT_OK)
            snprintf (rush->refusal, sizeof rush->refusal, "status %d %s: %s", reply->status,
                      reply->error ? reply->error->code : "", reply->error ? reply->error->message : "");
        if (reply->status == GT_OK)
            rush->position = reply->enrolment->waitlist_position;
        kumppani__v1__reply__free_unpacked (reply, NULL);
    }
    kp_client_destroy (&client);
    return NULL;
}

static void
s_new_client (char *id)
{
    kp_id_new (id);
    const char *values [] = { id };
    PGresult *result = PQexecParams (kpt_admin (),
        "INSERT INTO intake.clients (client_id, municipality, created_by_org) VALUES ($1, '743', 'muni-743')",
        1, NULL, values, NULL, NULL, 0);
    cr_assert_eq (PQresultStatus (result), PGRES_COMMAND_OK, "%s", PQresultErrorMessage (result));
    PQclear (result);
    result = PQexecParams (kpt_admin (), GT_CONSENTS_SQL, 1, NULL, values, NULL, NULL, 0);
    cr_assert_eq (PQresultStatus (result), PGRES_COMMAND_OK, "%s", PQresultErrorMessage (result));
    PQclear (result);
}

//  The first waitlisted client of an activity, into id.
static void
s_first_in_line (const char *activity, char *id)
{
    const char *values [] = { activity };
    PGresult *result = PQexecParams (kpt_admin (),
        "SELECT client_id FROM groups.enrolments WHERE activity_id = $1 AND status = 'waitlisted'"
        " ORDER BY waitlist_seq LIMIT 1", 1, NULL, values, NULL, NULL, 0);
    cr_assert_eq (PQntuples (result), 1);
    snprintf (id, KP_ID_LEN + 1, "%s", PQgetvalue (result, 0, 0));
    PQclear (result);
}

static long long
s_count (const char *activity, const char *status)
{
    char sql [160];
    snprintf (sql, sizeof sql, "SELECT count(*) FROM groups.enrolments WHERE activity_id = $1 AND status = '%s'",
              status);
    return kpt_scalar (sql, activity);
}

Test (groups_capacity, fifty_at_once_for_the_last_seat)
{
    char activity [KP_ID_LEN + 1];
    snprintf (activity, sizeof activity, "%s", gt_activity ("ngo-743", "peer_support", true, 5, 0));
    char seated [4][KP_ID_LEN + 1];
    for (int index = 0; index < 4; index++) {
        s_new_client (seated [index]);
        Kumppani__V1__Reply *reply = gt_enrol ("ngo-743", activity, seated [index], "", GT_REFUSE);
        gt_expect (reply, GT_OK, NULL, NULL);
        cr_assert_eq (reply->enrolment->status_enum, KUMPPANI__V1__ENROLMENT_STATUS__ENROLMENT_STATUS_ENROLLED);
        kumppani__v1__reply__free_unpacked (reply, NULL);
    }

    static s_rush_t rush [RUSH];
    pthread_t threads [RUSH];
    pthread_barrier_t start;
    pthread_barrier_init (&start, NULL, RUSH);
    for (int index = 0; index < RUSH; index++) {
        rush [index].activity = activity;
        rush [index].start = &start;
        s_new_client (rush [index].client);
    }
    for (int index = 0; index < RUSH; index++)
        cr_assert_eq (pthread_create (&threads [index], NULL, s_enrol_thread, &rush [index]), 0);
    for (int index = 0; index < RUSH; index++)
        pthread_join (threads [index], NULL);
    pthread_barrier_destroy (&start);

    int enrolled = 0, waitlisted = 0;
    bool position_seen [RUSH + 1] = { false };
    for (int index = 0; index < RUSH; index++) {
        cr_assert_geq (rush [index].outcome, 0, "enrolment %d got no answer or a refusal (%d) %s", index,
                       rush [index].outcome, rush [index].refusal);
        if (rush [index].outcome == 0)
            enrolled++;
        else {
            waitlisted++;
            uint32_t position = rush [index].position;
            cr_assert (position >= 1 && position < RUSH && !position_seen [position],
                       "waitlist position %u given twice or out of range", position);
            position_seen [position] = true;
        }
    }
    cr_assert_eq (enrolled, 1, "%d clients got the last seat", enrolled);
    cr_assert_eq (waitlisted, RUSH - 1);
    cr_assert_eq (s_count (activity, "enrolled"), 5);
    cr_assert_eq (s_count (activity, "waitlisted"), RUSH - 1);
    cr_assert_eq (kpt_scalar ("SELECT enrolled_count FROM groups.activities WHERE activity_id = $1", activity), 5);
    cr_assert_eq (gt_events (activity, "groups.enrolled"), 5);
    cr_assert_eq (gt_events (activity, "groups.waitlisted"), RUSH - 1);

    //  A withdrawal gives the seat to the first in line, with an event.
    char first [KP_ID_LEN + 1];
    s_first_in_line (activity, first);
    Kumppani__V1__Reply *reply = gt_withdraw ("ngo-743", activity, seated [0]);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert_eq (reply->enrolment->status_enum, KUMPPANI__V1__ENROLMENT_STATUS__ENROLMENT_STATUS_WITHDRAWN);
    cr_assert_str_eq (reply->enrolment->promoted_client_id, first);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    Kumppani__V1__Event *events [RUSH + 16];
    int count = gt_event_list (activity, "groups.", events, RUSH + 16);
    cr_assert_str_eq (events [count - 2]->topic, "groups.withdrawn");
    cr_assert_str_eq (events [count - 2]->groups->client_id, seated [0]);
    cr_assert_str_eq (events [count - 1]->topic, "groups.promoted");
    cr_assert_str_eq (events [count - 1]->groups->client_id, first);
    cr_assert_str_eq (events [count - 1]->groups->activity_kind, "peer_support");
    gt_events_free (events, count);
    cr_assert_eq (s_count (activity, "enrolled"), 5);
    cr_assert_eq (s_count (activity, "waitlisted"), RUSH - 2);

    //  Withdrawing from the waitlist frees no seat; twice is out of order.
    char queued [KP_ID_LEN + 1];
    s_first_in_line (activity, queued);
    reply = gt_withdraw ("ngo-743", activity, queued);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert_str_eq (reply->enrolment->promoted_client_id, "");
    kumppani__v1__reply__free_unpacked (reply, NULL);
    gt_done (gt_withdraw ("ngo-743", activity, queued), GT_CONFLICT, "groups.not_enrolled",
             "withdraw_enrolment.client_id");
    gt_done (gt_enrol ("ngo-743", activity, seated [1], "", GT_REFUSE), GT_CONFLICT, "groups.already_enrolled",
             "enrol.client_id");
    cr_assert_eq (gt_events (activity, "groups.promoted"), 1);

    //  Two more seats: the next two in line are promoted at once.
    Kumppani__V1__ActivityFields fields;
    gt_fields (&fields, "peer_support", true, 7, 0, "room-bigger");
    Kumppani__V1__UpdateActivity update = KUMPPANI__V1__UPDATE_ACTIVITY__INIT;
    update.activity_id = activity;
    update.activity = &fields;
    reply = gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_UPDATE_ACTIVITY, &update, NULL);
    gt_expect (reply, GT_OK, NULL, NULL);
    cr_assert_eq (reply->activity->activity->enrolled, 7);
    cr_assert_eq (reply->activity->activity->waitlisted, RUSH - 5);
    kumppani__v1__reply__free_unpacked (reply, NULL);
    cr_assert_eq (gt_events (activity, "groups.promoted"), 3);
    cr_assert_eq (gt_events (activity, "groups.activity_changed"), 1);
    //  Fewer seats than enrolled clients: refused.
    fields.capacity = 6;
    gt_done (gt_call ("ngo-743", KUMPPANI__V1__REQUEST__BODY_UPDATE_ACTIVITY, &update, NULL), GT_CONFLICT,
             "groups.capacity_below_enrolled", "update_activity.activity.capacity");
}
