/*  groups_server — the groups service as kp_service runs it: the
    dispatch table (operation → handler), the statements to prepare and
    the context to make (groups_server.c). main.c starts it; what the
    handlers share is in the header of its concern. */
#ifndef GROUPS_SERVER_H
#define GROUPS_SERVER_H

#include "kp_service.h"

extern const kp_service_def_t groups_service;

#endif
