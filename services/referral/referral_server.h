/*  referral_server — the referral service as kp_service runs it: the
    dispatch table (operation → handler), the statements to prepare and
    the context to make (referral_server.c). main.c starts it; what the
    handlers share is in the header of its concern. */
#ifndef REFERRAL_SERVER_H
#define REFERRAL_SERVER_H

#include "kp_service.h"

extern const kp_service_def_t referral_service;

#endif
