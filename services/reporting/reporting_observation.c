/*  reporting_observation — social reporting (sosiaalinen raportointi):
    a worker's structured observation of a local phenomenon, stored for
    aggregation by theme and area. It names no client, only how many. */
#include "reporting_handlers.h"
#include "kp_calendar.h"
#include "kp_check.h"
#include "kp_db.h"
#include "kp_ids.h"
#include "kp_outbox.h"
#include "kp_server.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define THEME_MAX        64
#define DESCRIPTION_MAX  4000
#define CLIENTS_MAX      1000000

int
reporting_observation_submit (kp_call_t *call)
{
    const Kumppani__V1__SubmitObservation *body = call->request->submit_observation;
    kp_date_t start, end;
    if (!kp_check_word (body->theme, THEME_MAX, KP_CHECK_LOWER, "_"))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "observation.theme",
                             "submit_observation.theme", "theme: 1-64 of a-z and _");
    if (!kp_check_municipality (body->area))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "observation.area",
                             "submit_observation.area", "area: a three-digit municipality code");
    if (kp_date_parse (body->period_start, &start))
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "observation.period_start",
                             "submit_observation.period_start", "a date as YYYY-MM-DD");
    if (kp_date_parse (body->period_end, &end) || end < start)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "observation.period_end",
                             "submit_observation.period_end",
                             "a date as YYYY-MM-DD, not before the start");
    size_t description_len = strlen (body->description);
    if (description_len == 0 || description_len > DESCRIPTION_MAX)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "observation.description",
                             "submit_observation.description", "1-4000 bytes of description");
    if (body->clients_concerned > CLIENTS_MAX)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "observation.clients_concerned",
                             "submit_observation.clients_concerned", "too many clients");

    char id [KP_ID_LEN + 1], clients [16];
    kp_id_new (id);
    snprintf (clients, sizeof clients, "%u", body->clients_concerned);
    const char *values [] = {
        id, call->identity->org_id, call->request->actor->person_id, body->theme, body->area,
        body->period_start, body->period_end, body->description, clients
    };
    PGresult *result = kp_db_exec (call->db, "observation_insert", 9, values);
    if (!result)
        return kp_call_db_fail (call);
    PQclear (result);
    if (kp_call_audit (call, NULL, NULL, NULL, id))
        return kp_call_db_fail (call);

    Kumppani__V1__ObservationRecorded recorded = KUMPPANI__V1__OBSERVATION_RECORDED__INIT;
    recorded.observation_id = id;
    recorded.theme = body->theme;
    recorded.area = body->area;
    recorded.organisation_id = (char *) call->identity->org_id;     //  packed, never freed
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.topic = "reporting.observation_recorded";
    event.aggregate_id = id;
    event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_OBSERVATION_RECORDED;
    event.observation_recorded = &recorded;
    kp_event_scope_t scope = { .municipality = body->area, .sender_org = call->identity->org_id };
    if (kp_outbox_append (call->db, &event, &scope) < 0)
        return kp_call_db_fail (call);

    Kumppani__V1__ObservationReply *reply = kp_call_alloc (call, sizeof *reply);
    kumppani__v1__observation_reply__init (reply);
    reply->observation_id = kp_call_strdup (call, id);
    call->reply->body_case = KUMPPANI__V1__REPLY__BODY_OBSERVATION;
    call->reply->observation = reply;
    return 0;
}
