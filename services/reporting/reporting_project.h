/*  reporting_project — a project as the access rules and the reports
    need it (reporting_project.c), and who may coordinate one. */
#ifndef REPORTING_PROJECT_H
#define REPORTING_PROJECT_H

#include "kp_db.h"
#include "kp_ids.h"

#include <stdbool.h>
#include <stdint.h>

//  Organisation types that coordinate projects (a person with the
//  COORDINATOR role acting for one). TASOS was run by a university.
#define REPORTING_COORDINATING  "municipality county ngo parish debt_counselling university"

//  A project as the access rules need it.
typedef struct {
    char id [KP_ID_LEN + 1];
    char owner_org [64];
    char municipalities [256];      //  space-separated codes
    int64_t planned_participants;
} reporting_project_t;

//  1 found, 0 not found, -1 database error.
int reporting_project_load (kp_db_t *db, const char *id, reporting_project_t *project);
bool reporting_project_has_municipality (const reporting_project_t *project, const char *code);

#endif
