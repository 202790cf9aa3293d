/*  reporting_scope — what one report may see, resolved from who asks
    (reporting_access), and how the report statements take it: their
    scope parameters and the area rule (reporting_report.c). */
#ifndef REPORTING_SCOPE_H
#define REPORTING_SCOPE_H

#include "reporting_project.h"
#include "kp_ids.h"
#include "kp_server.h"

//  What one report may see, resolved from who asks (reporting_access).
//  Empty strings mean "no restriction".
typedef struct {
    const char *report;
    char period_start [11];
    char period_end [11];
    char project_id [KP_ID_LEN + 1];
    char municipality [16];
    char sender_org [64];           //  Kela: its own notices only
    int threshold;
    int min_meetings;               //  groups: N of "groups meeting at least N times"
    const reporting_project_t *project;     //  NULL without one
} reporting_scope_t;

//  "Groups meeting at least N times": N when not asked (TASOS: 8).
#define REPORTING_MIN_MEETINGS_DEFAULT 8
//  Scope parameters for the report statements, in this order:
//  $1 period start, $2 period end, $3 municipality, $4 project, $5 sender.
#define REPORTING_SCOPE_PARAMS 5
void reporting_scope_params (const reporting_scope_t *scope, const char *values [REPORTING_SCOPE_PARAMS]);
//  Runs a report statement that takes just the scope parameters; NULL with
//  the call failed (db.error) when the database did.
PGresult *reporting_scope_query (kp_call_t *call, const reporting_scope_t *scope, const char *statement);

//  In the area asked for: '' everywhere, a municipality code, or an
//  organiser ("EP"), which is every municipality it organises. One rule,
//  so a county's figures are its municipalities' figures added up.
#define REPORTING_IN_AREA(column) \
    " ($3::text = '' OR " column " = $3::text OR " column " IN" \
    "   (SELECT am.code FROM kp.municipalities am WHERE am.organiser = $3::text))"

#endif
