/*  reporting_esf — the ESF+ common indicators: participants by the
    disadvantage dimensions and language (esf_participants, with the
    group- and talousneuvola-only participants a project counts), and the
    results at exit and six months after leaving (esf_results). The
    statements are reporting_esf_sql's; the counting rules are written in
    the README beside the reports. */
#ifndef REPORTING_ESF_H
#define REPORTING_ESF_H

#include "reporting_scope.h"
#include "kp_db.h"
#include "kp_server.h"

extern const kp_stmt_t reporting_esf_statements [];

//  esf_participants: one row per person and snapshot kind.
#define REPORTING_ESF_PARTICIPANT_ROW(C) \
    C (ESF_P_KIND, "kind", "text") \
    C (ESF_P_ROUTE, "route", "text") \
    C (ESF_P_GENDER, "gender", "text") \
    C (ESF_P_LANGUAGE, "language", "text") \
    C (ESF_P_FOREIGN_BACKGROUND, "foreign_background", "text") \
    C (ESF_P_DISABILITY, "disability", "text") \
    C (ESF_P_HOMELESSNESS, "homelessness", "text") \
    C (ESF_P_LIVING_ALONE, "living_alone", "text")
enum { REPORTING_ESF_PARTICIPANT_ROW (KP_ROW_INDEX) };

//  esf_results: one row per person who left in the period; per
//  timepoint the status ('' none recorded) and the situation.
#define REPORTING_ESF_RESULT_ROW(C) \
    C (ESF_R_GENDER, "gender", "text") \
    C (ESF_R_LONGER_DUE, "longer_due", "bool") \
    C (ESF_R_EXIT_STATUS, "exit_status", "text") \
    C (ESF_R_EXIT_EDUCATION, "exit_education", "bool") \
    C (ESF_R_EXIT_QUALIFICATION, "exit_qualification", "bool") \
    C (ESF_R_EXIT_EMPLOYMENT, "exit_employment", "text") \
    C (ESF_R_EXIT_JOB_SEARCHING, "exit_job_searching", "bool") \
    C (ESF_R_EXIT_IMPROVED, "exit_improved", "bool") \
    C (ESF_R_LONGER_STATUS, "longer_status", "text") \
    C (ESF_R_LONGER_EDUCATION, "longer_education", "bool") \
    C (ESF_R_LONGER_QUALIFICATION, "longer_qualification", "bool") \
    C (ESF_R_LONGER_EMPLOYMENT, "longer_employment", "text") \
    C (ESF_R_LONGER_JOB_SEARCHING, "longer_job_searching", "bool") \
    C (ESF_R_LONGER_IMPROVED, "longer_improved", "bool")
enum { REPORTING_ESF_RESULT_ROW (KP_ROW_INDEX) };
//  The columns of one timepoint, from its status on.
enum { ESF_R_STATUS, ESF_R_EDUCATION, ESF_R_QUALIFICATION, ESF_R_EMPLOYMENT, ESF_R_JOB_SEARCHING,
       ESF_R_IMPROVED, ESF_R_COLUMNS };

//  The gender columns every ESF+ table has, in this order.
#define REPORTING_ESF_GENDERS 4
extern const char *const reporting_esf_genders [];
//  Index of gender in reporting_esf_genders, -1 if unknown.
int reporting_esf_gender (const char *gender);

//  DefineProject's ESF+ setting, stored beside the project. 0, or -1
//  with the call failed.
int reporting_esf_project_define (kp_call_t *call, const char *project_id,
                                  const Kumppani__V1__DefineProject *body);

int reporting_esf_participants_report (kp_call_t *call, const reporting_scope_t *scope);
int reporting_esf_results_report (kp_call_t *call, const reporting_scope_t *scope);

#endif
