/*  intake_server — the intake service as kp_service runs it: the
    dispatch table (operation → handler), the statements to prepare and
    the context to make (intake_server.c). main.c starts it; what the
    handlers share is in the header of its concern. */
#ifndef INTAKE_SERVER_H
#define INTAKE_SERVER_H

#include "kp_service.h"

extern const kp_service_def_t intake_service;

#endif
