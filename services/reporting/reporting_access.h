/*  reporting_access — the reporting service's authorisation rules, one
    function each (reporting_access.c). */
#ifndef REPORTING_ACCESS_H
#define REPORTING_ACCESS_H

#include "reporting_project.h"
#include "reporting_scope.h"
#include "kp_server.h"

#include <stdbool.h>

//  reporting_access: the rules, one function each. Each returns 0, or -1
//  with the call failed (FORBIDDEN / NOT_FOUND / INVALID).
int reporting_access_scope (kp_call_t *call, const reporting_project_t *project,
                            reporting_scope_t *scope);
int reporting_access_may_define (kp_call_t *call);
//  May the caller link activities to the project (its coordinator or one of
//  its municipalities)? Cases are checked one by one in reporting_project.
int reporting_access_may_link (kp_call_t *call, const reporting_project_t *project);
bool reporting_access_is_coordinator (kp_call_t *call, const reporting_project_t *project);

#endif
