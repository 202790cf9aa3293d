/*  reporting_server — the reporting service as kp_service runs it: the
    dispatch table (operation → handler), the statements to prepare and
    the context to make (reporting_server.c). main.c starts it; what the
    handlers and report builders share is in the header of its concern. */
#ifndef REPORTING_SERVER_H
#define REPORTING_SERVER_H

#include "kp_service.h"

extern const kp_service_def_t reporting_service;

#endif
