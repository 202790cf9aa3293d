/*  groups_event — every groups.* event goes out through here: the payload's
    common fields (activity, kind, municipality, organiser) are set from the
    record, never from the request, and the stream scope is the activity's
    municipality and organiser. No names: ids only. */
#include "groups_activity.h"
#include "groups_event.h"
#include "kp_alloc.h"
#include "kp_db.h"
#include "kp_outbox.h"

static int
s_append (kp_db_t *db, const char *topic, const char *aggregate_id, const char *municipality,
          const char *organiser_org, Kumppani__V1__GroupsEvent *payload)
{
    payload->municipality = (char *) municipality;
    payload->organiser_org = (char *) organiser_org;
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.topic = (char *) topic;
    event.aggregate_id = (char *) aggregate_id;
    event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_GROUPS;
    event.groups = payload;
    kp_event_scope_t scope = { .municipality = municipality, .sender_org = organiser_org };
    return kp_outbox_append (db, &event, &scope) < 0 ? -1 : 0;
}

int
groups_event_emit (kp_db_t *db, const char *topic, const groups_activity_t *activity,
                   Kumppani__V1__GroupsEvent *payload)
{
    payload->activity_id = (char *) activity->id;
    payload->activity_kind = (char *) activity->kind;
    return s_append (db, topic, activity->id, activity->municipality, activity->organiser_org, payload);
}

int
groups_event_emit_sessions (kp_db_t *db, const char *topic, const groups_activity_t *activity,
                            char *const *session_ids, char *const *dates, size_t count)
{
    Kumppani__V1__GroupsEvent *payloads = kp_calloc (count ? count : 1, sizeof *payloads);
    Kumppani__V1__Event *events = kp_calloc (count ? count : 1, sizeof *events);
    Kumppani__V1__Event **pointers = kp_calloc (count ? count : 1, sizeof *pointers);
    kp_event_scope_t *scopes = kp_calloc (count ? count : 1, sizeof *scopes);
    int rc = -1;
    if (payloads && events && pointers && scopes) {
        for (size_t index = 0; index < count; index++) {
            kumppani__v1__groups_event__init (&payloads [index]);
            payloads [index].activity_id = (char *) activity->id;
            payloads [index].activity_kind = (char *) activity->kind;
            payloads [index].municipality = (char *) activity->municipality;
            payloads [index].organiser_org = (char *) activity->organiser_org;
            payloads [index].session_id = session_ids [index];
            payloads [index].session_date = dates [index];
            kumppani__v1__event__init (&events [index]);
            events [index].topic = (char *) topic;
            events [index].aggregate_id = (char *) activity->id;
            events [index].payload_case = KUMPPANI__V1__EVENT__PAYLOAD_GROUPS;
            events [index].groups = &payloads [index];
            pointers [index] = &events [index];
            scopes [index] = (kp_event_scope_t) { .municipality = activity->municipality,
                                                  .sender_org = activity->organiser_org };
        }
        rc = kp_outbox_append_many (db, pointers, scopes, count);
    }
    free (payloads);
    free (events);
    free (pointers);
    free (scopes);
    return rc;
}

int
groups_event_emit_placement (kp_db_t *db, const char *topic, const char *municipality,
                             const char *organiser_org, Kumppani__V1__GroupsEvent *payload)
{
    return s_append (db, topic, payload->placement_id, municipality, organiser_org, payload);
}
