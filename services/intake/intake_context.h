/*  intake_context — the intake service's context (intake_context.c):
    what the handlers, the consumers and the timers share, made once per
    process after the server. */
#ifndef INTAKE_CONTEXT_H
#define INTAKE_CONTEXT_H

#include "kp_config.h"
#include "kp_consumer.h"
#include "kp_db.h"
#include "kp_hetu.h"
#include "kp_server.h"

#include <czmq.h>
#include <stdbool.h>
#include <stdint.h>

//  The service context: what handlers, the referral consumer and the
//  review timer share. One loop, so no locking.
typedef struct {
    const kp_config_t *config;
    kp_server_t *server;            //  for the admitted certificates (kp_organiser)
    kp_db_t *db;                    //  the server's connection
    zloop_t *loop;
    kp_hetu_keys_t *keys;           //  henkilötunnus encryption and lookup hash
    kp_consumer_t *referrals;       //  "intake.referrals" on referral.received
    kp_consumer_t *placements;      //  "intake.placements" on groups' placement path
    int reminder_timer;
    //  The caseload's watches (intake_clock, intake_contact): the old cases'
    //  clocks are made once; contacts fall due by the day, so one complete
    //  sweep a day finds them all. Reminders settled under other months
    //  are looked at again once a process (intake_contact).
    bool clocks_backfilled;
    int32_t contacts_swept_on;
    bool contact_months_checked;
} intake_t;

intake_t *intake_new (kp_server_t *server, const kp_config_t *config);
void intake_destroy (intake_t **self_p);

#endif
