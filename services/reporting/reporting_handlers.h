/*  reporting_handlers — the handlers the reporting dispatch table names
    (reporting_server.c), one file each. */
#ifndef REPORTING_HANDLERS_H
#define REPORTING_HANDLERS_H

#include "kp_server.h"

//  Handlers.
int reporting_observation_submit (kp_call_t *call);
int reporting_project_define (kp_call_t *call);
int reporting_project_link (kp_call_t *call);
int reporting_report_run (kp_call_t *call);
int reporting_rebuild_run (kp_call_t *call);

#endif
