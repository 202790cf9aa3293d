/*  reporting_access — who may see which report over what. A municipality
    sees its own area; a county (type county) the municipalities it
    organises, all of them or one; a project's coordinator (COORDINATOR role at the
    organisation that owns it) sees the project; Kela sees referral SLA for
    the notices it sent. The route table in reporting_server.c says which
    organisation types may call at all; these narrow it to the data. */
#include "reporting_access.h"
#include "reporting_project.h"
#include "reporting_scope.h"
#include "kp_organiser.h"
#include "kp_server.h"

#include <stdio.h>
#include <string.h>

static bool
s_is_municipality (kp_call_t *call)
{
    return strcmp (call->identity->org_type, "municipality") == 0 && *call->identity->municipality;
}

static bool
s_is_county (kp_call_t *call)
{
    return strcmp (call->identity->org_type, "county") == 0 && *call->identity->county;
}

//  Whether a project has a municipality the caller organises.
static bool
s_project_organised (kp_call_t *call, const reporting_project_t *project)
{
    char codes [sizeof project->municipalities];
    snprintf (codes, sizeof codes, "%s", project->municipalities);
    char *save = NULL;
    for (char *code = strtok_r (codes, " ", &save); code; code = strtok_r (NULL, " ", &save))
        if (kp_organiser_of (call->identity, code))
            return true;
    return false;
}

bool
reporting_access_is_coordinator (kp_call_t *call, const reporting_project_t *project)
{
    return project && call->request->actor
        && call->request->actor->role == KUMPPANI__V1__ROLE__ROLE_COORDINATOR
        && strcmp (call->identity->org_id, project->owner_org) == 0;
}

static int
s_forbidden (kp_call_t *call, const char *message)
{
    return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_FORBIDDEN, "reporting.forbidden", NULL, message);
}

//  A project the caller has no part in looks the same as none at all.
static int
s_no_project (kp_call_t *call, const char *field)
{
    return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_NOT_FOUND, "reporting.project_not_found",
                         field, "no such project");
}

int
reporting_access_scope (kp_call_t *call, const reporting_project_t *project, reporting_scope_t *scope)
{
    const char *asked = call->request->run_report->municipality;
    if (strcmp (call->identity->org_type, "kela") == 0) {
        if (strcmp (scope->report, "referral_sla") != 0 && strcmp (scope->report, "referral_partner_sla") != 0)
            return s_forbidden (call, "Kela sees the referral SLA report only");
        if (project)
            return s_forbidden (call, "Kela's report covers its own notices, not a project");
        snprintf (scope->sender_org, sizeof scope->sender_org, "%s", call->identity->org_id);
        snprintf (scope->municipality, sizeof scope->municipality, "%s", asked);
        return 0;
    }
    if (reporting_access_is_coordinator (call, project)) {
        if (*asked && !reporting_project_has_municipality (project, asked))
            return kp_call_fail (call, KUMPPANI__V1__STATUS__STATUS_INVALID, "reporting.municipality_outside_project",
                                 "run_report.municipality", "not one of the project's municipalities");
        snprintf (scope->municipality, sizeof scope->municipality, "%s", asked);
        return 0;
    }
    if (s_is_municipality (call)) {
        if (*asked && strcmp (asked, call->identity->municipality) != 0)
            return s_forbidden (call, "a municipality sees its own area only");
        if (project && !reporting_project_has_municipality (project, call->identity->municipality))
            return s_no_project (call, "run_report.project_id");
        snprintf (scope->municipality, sizeof scope->municipality, "%s", call->identity->municipality);
        return 0;
    }
    if (s_is_county (call)) {
        //  Its whole area, or one of its municipalities; never another's.
        if (*asked && strcmp (asked, call->identity->county) != 0 && !kp_organiser_of (call->identity, asked))
            return s_forbidden (call, "a county sees the municipalities it organises only");
        if (project && !s_project_organised (call, project))
            return s_no_project (call, "run_report.project_id");
        snprintf (scope->municipality, sizeof scope->municipality, "%s", *asked ? asked : call->identity->county);
        return 0;
    }
    if (project)
        return s_no_project (call, "run_report.project_id");
    return s_forbidden (call, "reports are for municipalities, project coordinators and Kela");
}

int
reporting_access_may_define (kp_call_t *call)
{
    if (s_is_municipality (call) || s_is_county (call)
    ||  call->request->actor->role == KUMPPANI__V1__ROLE__ROLE_COORDINATOR)
        return 0;
    return s_forbidden (call, "projects are defined by a coordinator or a municipality");
}

int
reporting_access_may_link (kp_call_t *call, const reporting_project_t *project)
{
    if (reporting_access_is_coordinator (call, project)
    ||  (s_is_municipality (call) && reporting_project_has_municipality (project, call->identity->municipality))
    ||  (s_is_county (call) && s_project_organised (call, project)))
        return 0;
    return s_no_project (call, "link_to_project.project_id");
}
