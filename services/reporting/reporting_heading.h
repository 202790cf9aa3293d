/*  reporting_heading — the project and the areas a report is about,
    with their names from the registry, into its table's heading
    (reporting_heading.c, with its statements). */
#ifndef REPORTING_HEADING_H
#define REPORTING_HEADING_H

#include "reporting_scope.h"
#include "kp_db.h"
#include "kp_server.h"
#include "kumppani/v1/reporting.pb-c.h"

//  reporting_heading: a report's project and areas, with their names.
extern const kp_stmt_t reporting_heading_statements [];
//  reporting_heading: the project and the areas a report is about, into
//  its table's heading (names from the registry). 0 or -1.
int reporting_heading_fill (kp_call_t *call, const reporting_scope_t *scope,
                            Kumppani__V1__ReportTable *table);

#endif
