/*  reporting_project — reporting projects (e.g. the ESF project TASOS):
    define one with its areas, planned participants and targets, and link
    cases and activities to it. A case is linked only by the municipality
    whose case it is, so a project sees no case its area did not bring. */
#include "reporting_access.h"
#include "reporting_esf.h"
#include "reporting_handlers.h"
#include "reporting_project.h"
#include "reporting_reports.h"
#include "reporting_rollup.h"
#include "reporting_sql.h"
#include "kp_calendar.h"
#include "kp_check.h"
#include "kp_db.h"
#include "kp_ids.h"
#include "kp_organiser.h"
#include "kp_row.h"
#include "kp_server.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define PROJECT_NAME_MAX         200
#define PROJECT_MUNICIPALITIES   16     //  fits reporting_project_t.municipalities
#define PROJECT_TARGETS          32
#define TARGET_CODE_MAX          64
#define TARGET_DESCRIPTION_MAX   400
#define LINKS_MAX                500
#define TARGET_KINDS_MAX         10

int
reporting_project_load (kp_db_t *db, const char *id, reporting_project_t *project)
{
    const char *values [] = { id };
    PGresult *result = kp_db_exec (db, "project_load", 1, values);
    if (!result)
        return -1;
    int found = PQntuples (result) == 1;
    if (found) {
        snprintf (project->id, sizeof project->id, "%s", id);
        snprintf (project->owner_org, sizeof project->owner_org, "%s",
                  kp_row_text (result, 0, PROJECT_ROW_OWNER_ORG));
        project->planned_participants = kp_row_int (result, 0, PROJECT_ROW_PLANNED_PARTICIPANTS);
        snprintf (project->municipalities, sizeof project->municipalities, "%s",
                  kp_row_text (result, 0, PROJECT_ROW_MUNICIPALITIES));
    }
    PQclear (result);
    return found;
}

bool
reporting_project_has_municipality (const reporting_project_t *project, const char *code)
{
    return kp_org_type_in (code, project->municipalities);     //  a word of a space-separated list
}

static char *
s_path (kp_call_t *call, const char *list, size_t index)
{
    char path [64];
    snprintf (path, sizeof path, "%s[%zu]", list, index);
    return kp_call_strdup (call, path);
}

static int
s_validate (kp_call_t *call, const Kumppani__V1__DefineProject *body)
{
    kp_date_t start, end;
    size_t name_len = strlen (body->name);
    if (name_len == 0 || name_len > PROJECT_NAME_MAX)
        return kp_check_invalid (call, "reporting.bad_name", "define_project.name", "1-200 bytes of name");
    if (kp_date_parse (body->period_start, &start))
        return kp_check_invalid (call, "reporting.bad_period", "define_project.period_start",
                                 "a date as YYYY-MM-DD");
    if (kp_date_parse (body->period_end, &end) || end < start)
        return kp_check_invalid (call, "reporting.bad_period", "define_project.period_end",
                                 "a date as YYYY-MM-DD, not before the start");
    if (body->n_municipalities == 0 || body->n_municipalities > PROJECT_MUNICIPALITIES)
        return kp_check_invalid (call, "reporting.bad_municipalities", "define_project.municipalities",
                                 "1-16 municipality codes");
    for (size_t index = 0; index < body->n_municipalities; index++) {
        const char *values [] = { body->municipalities [index] };
        PGresult *result = kp_db_exec (call->db, "municipality_exists", 1, values);
        if (!result)
            return kp_call_db_fail (call);
        bool known = PQntuples (result) == 1;
        PQclear (result);
        if (!known)
            return kp_check_invalid (call, "reporting.unknown_municipality",
                                     s_path (call, "define_project.municipalities", index),
                                     "not a known municipality code");
    }
    if (body->n_targets > PROJECT_TARGETS)
        return kp_check_invalid (call, "reporting.bad_targets", "define_project.targets", "at most 32 targets");
    for (size_t index = 0; index < body->n_targets; index++) {
        const Kumppani__V1__ProjectTarget *target = body->targets [index];
        char path [96];
        if (!kp_check_code (target->code, TARGET_CODE_MAX)) {
            snprintf (path, sizeof path, "define_project.targets[%zu].code", index);
            return kp_check_invalid (call, "reporting.bad_target", kp_call_strdup (call, path),
                                     "1-64 of a-z 0-9 _");
        }
        if (strlen (target->description) > TARGET_DESCRIPTION_MAX) {
            snprintf (path, sizeof path, "define_project.targets[%zu].description", index);
            return kp_check_invalid (call, "reporting.bad_target", kp_call_strdup (call, path),
                                     "at most 400 bytes");
        }
        if (target->min < 0 || (target->max != 0 && target->max < target->min)) {
            snprintf (path, sizeof path, "define_project.targets[%zu].max", index);
            return kp_check_invalid (call, "reporting.bad_target", kp_call_strdup (call, path),
                                     "min at least 0; max 0 (none) or at least min");
        }
        if (!reporting_targets_metric_known (target->metric)) {
            snprintf (path, sizeof path, "define_project.targets[%zu].metric", index);
            return kp_check_invalid (call, "reporting.unknown_metric", kp_call_strdup (call, path),
                                     "talousneuvola_processes, peer_support_networks, groups_meeting_min_times_per_area,"
                                     " clients_in_assessment, participants, or empty");
        }
        if (target->parameter > 1000) {
            snprintf (path, sizeof path, "define_project.targets[%zu].parameter", index);
            return kp_check_invalid (call, "reporting.bad_target", kp_call_strdup (call, path), "at most 1000");
        }
        if (target->n_activity_kinds > TARGET_KINDS_MAX) {
            snprintf (path, sizeof path, "define_project.targets[%zu].activity_kinds", index);
            return kp_check_invalid (call, "reporting.bad_target", kp_call_strdup (call, path),
                                     "at most 10 kinds");
        }
        for (size_t kind = 0; kind < target->n_activity_kinds; kind++)
            if (!reporting_rollup_is_activity_kind (target->activity_kinds [kind])) {
                snprintf (path, sizeof path, "define_project.targets[%zu].activity_kinds[%zu]", index, kind);
                return kp_check_invalid (call, "reporting.unknown_activity_kind", kp_call_strdup (call, path),
                                         "an activity kind of the groups contract");
            }
    }
    return 0;
}

int
reporting_project_define (kp_call_t *call)
{
    const Kumppani__V1__DefineProject *body = call->request->define_project;
    if (reporting_access_may_define (call) || s_validate (call, body))
        return -1;
    char id [KP_ID_LEN + 1], planned [16];
    kp_id_new (id);
    snprintf (planned, sizeof planned, "%u", body->planned_participants);
    const char *project [] = {
        id, call->identity->org_id, body->name, body->period_start, body->period_end, planned,
        call->request->actor->person_id
    };
    if (kp_db_run (call->db, "project_insert", 7, project))
        return kp_call_db_fail (call);
    for (size_t index = 0; index < body->n_municipalities; index++) {
        const char *values [] = { id, body->municipalities [index] };
        //  A code given twice is one area.
        if (kp_db_run (call->db, "project_municipality_insert", 2, values))
            return kp_call_db_fail (call);
    }
    for (size_t index = 0; index < body->n_targets; index++) {
        const Kumppani__V1__ProjectTarget *target = body->targets [index];
        char min [24], max [24], parameter [16], kinds [TARGET_KINDS_MAX * 32] = "";
        snprintf (min, sizeof min, "%" PRId64, target->min);
        snprintf (max, sizeof max, "%" PRId64, target->max);
        snprintf (parameter, sizeof parameter, "%u", target->parameter);
        for (size_t kind = 0; kind < target->n_activity_kinds; kind++) {
            strcat (kinds, kind ? " " : "");
            strcat (kinds, target->activity_kinds [kind]);     //  known kinds, each under 32 bytes
        }
        const char *values [] = {
            id, target->code, target->description, min, target->max ? max : NULL, target->metric, parameter, kinds
        };
        if (kp_db_run (call->db, "project_target_insert", 8, values)) {
            if (kp_db_class (call->db) == KP_DB_DUPLICATE)
                return kp_check_invalid (call, "reporting.duplicate_target",
                                         s_path (call, "define_project.targets", index),
                                         "a target code appears twice");
            return kp_call_db_fail (call);
        }
    }
    if (reporting_esf_project_define (call, id, body))
        return -1;
    if (kp_call_audit (call, NULL, NULL, NULL, id))
        return kp_call_db_fail (call);
    Kumppani__V1__ProjectReply *reply = kp_call_alloc (call, sizeof *reply);
    kumppani__v1__project_reply__init (reply);
    reply->project_id = kp_call_strdup (call, id);
    call->reply->body_case = KUMPPANI__V1__REPLY__BODY_PROJECT;
    call->reply->project = reply;
    return 0;
}

//  Inserts one link; *added counts the new ones (a repeated link is a no-op).
static int
s_link (kp_call_t *call, const char *statement, int count, const char *const *values, uint32_t *added)
{
    PGresult *result = kp_db_exec (call->db, statement, count, values);
    if (!result)
        return -1;
    *added += (uint32_t) PQntuples (result);
    PQclear (result);
    return 0;
}

int
reporting_project_link (kp_call_t *call)
{
    const Kumppani__V1__LinkToProject *body = call->request->link_to_project;
    if (!kp_id_valid (body->project_id))
        return kp_check_invalid (call, "reporting.bad_id", "link_to_project.project_id",
                                 "a project id (26 characters)");
    if (body->n_case_ids + body->n_activity_ids == 0 || body->n_case_ids + body->n_activity_ids > LINKS_MAX)
        return kp_check_invalid (call, "reporting.bad_links", "link_to_project.case_ids",
                                 "1-500 cases and activities");
    reporting_project_t project;
    int found = reporting_project_load (call->db, body->project_id, &project);
    if (found < 0)
        return kp_call_db_fail (call);
    if (!found)
        return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_NOT_FOUND, "reporting.project_not_found",
                             "link_to_project.project_id", "no such project");
    if (reporting_access_may_link (call, &project))
        return -1;

    Kumppani__V1__ProjectReply *reply = kp_call_alloc (call, sizeof *reply);
    kumppani__v1__project_reply__init (reply);
    for (size_t index = 0; index < body->n_case_ids; index++) {
        const char *case_id = body->case_ids [index];
        if (!kp_id_valid (case_id))
            return kp_check_invalid (call, "reporting.bad_id", s_path (call, "link_to_project.case_ids", index),
                                     "a case id (26 characters)");
        const char *lookup [] = { case_id };
        PGresult *result = kp_db_exec (call->db, "case_municipality", 1, lookup);
        if (!result)
            return kp_call_db_fail (call);
        char municipality [8] = "";
        if (PQntuples (result) == 1)
            snprintf (municipality, sizeof municipality, "%s", kp_row_text (result, 0, CASE_MUNICIPALITY));
        PQclear (result);
        //  Only the case's own organiser links it; to anyone else the
        //  case does not exist.
        if (!*municipality || !kp_organiser_of (call->identity, municipality))
            return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_NOT_FOUND, "reporting.case_not_found",
                                 s_path (call, "link_to_project.case_ids", index), "no such case");
        if (!reporting_project_has_municipality (&project, municipality))
            return kp_check_invalid (call, "reporting.case_outside_project",
                                     s_path (call, "link_to_project.case_ids", index),
                                     "the case's municipality is not one of the project's");
        const char *values [] = { project.id, case_id, municipality, call->identity->org_id };
        if (s_link (call, "project_case_insert", 4, values, &reply->cases_linked))
            return kp_call_db_fail (call);
    }
    for (size_t index = 0; index < body->n_activity_ids; index++) {
        if (!kp_id_valid (body->activity_ids [index]))
            return kp_check_invalid (call, "reporting.bad_id",
                                     s_path (call, "link_to_project.activity_ids", index),
                                     "an activity id (26 characters)");
        const char *values [] = { project.id, body->activity_ids [index], call->identity->org_id };
        if (s_link (call, "project_activity_insert", 3, values, &reply->activities_linked))
            return kp_call_db_fail (call);
    }
    if (kp_call_audit (call, NULL, NULL, NULL, project.id))
        return kp_call_db_fail (call);
    reply->project_id = kp_call_strdup (call, project.id);
    call->reply->body_case = KUMPPANI__V1__REPLY__BODY_PROJECT;
    call->reply->project = reply;
    return 0;
}
