/*  reporting_server — the reporting service's dispatch table and the
    handlers it names. */
#ifndef REPORTING_SERVER_H
#define REPORTING_SERVER_H

#include "kp_service.h"

extern const kp_service_def_t reporting_service;
extern const kp_stmt_t reporting_statements [];

int reporting_observation_submit (kp_call_t *call);

#endif
