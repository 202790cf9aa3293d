/*  groups_placement — a rehabilitative work activity placement as its
    handlers share it (groups_placement.c keeps the days and the absence
    chain, groups_placement_path.c the plan, agreement, evaluations and
    ending, groups_placement_check.c the rules those follow). */
#ifndef GROUPS_PLACEMENT_H
#define GROUPS_PLACEMENT_H

#include "groups_limits.h"
#include "kp_calendar.h"
#include "kp_db.h"
#include "kp_ids.h"
#include "kp_server.h"

//  Where a placement is on its path; dates are 0 when not there yet.
typedef struct {
    bool has_plan;                  //  the activation plan is recorded
    int plan_days;                  //  its agreed days a week
    kp_date_t plan_valid_until;
    bool has_agreement;
    kp_date_t agreement_start, agreement_end;
    bool has_interim, has_final;    //  evaluations recorded
    bool ended;
    kp_date_t ended_on;
    char end_reason [24];
    kp_date_t last_day;             //  the latest attended day recorded
} groups_path_t;

typedef struct {
    char id [KP_ID_LEN + 1];
    char client_id [KP_ID_LEN + 1];
    char municipality [8];
    char placing_org [GROUPS_ORG_MAX + 1];
    char organiser_org [GROUPS_ORG_MAX + 1];
    kp_date_t start, end;
    int64_t compensation_cents;
    groups_path_t path;
} groups_placement_rec_t;

//  Loads the placement, its path and the reply's view of both; only the
//  placing municipality and the organiser know it exists. 0, or -1 (the
//  call failed with its reason).
int groups_placement_load (kp_call_t *call, const char *id, const char *field,
                           groups_placement_rec_t *placement);
//  Emits a groups.* event about the placement (payload's ids set here).
int groups_placement_emit (kp_call_t *call, const char *topic, const groups_placement_rec_t *placement,
                           Kumppani__V1__GroupsEvent *payload);

//  The path part of groups_placement_load: fills placement->path and the
//  reply's path fields. 0, or -1 (call failed).
int groups_path_load (kp_call_t *call, groups_placement_rec_t *placement);
//  May an attended day be recorded on day? 0, or -1 with the refusal:
//  no plan, no agreement, before the agreement, after the ending.
int groups_path_day_check (kp_call_t *call, const groups_placement_rec_t *placement, kp_date_t day);

//  The rules of the path, pure (groups_placement_check.c, unit-tested):
//  each returns NULL when the value is good, else the offending field's
//  name within its body.
//  Words of a list are checked with groups_rules_word_in.
//  Goals: 1-7 distinct codes of GROUPS_PLAN_GOALS.
#define GROUPS_PLAN_GOALS "daily_rhythm work_ability social_contacts work_experience education_path health life_management"
#define GROUPS_END_REASONS "completed illness moved_to_work moved_to_education client_decision no_shows other"
#define GROUPS_NEXT_STEPS "work education new_placement other_service social_work none"
const char *groups_check_plan_goals (char *const *goals, size_t count);
//  Weekdays 1-7, distinct, as many as days_per_week.
const char *groups_check_weekdays (const uint32_t *weekdays, size_t count, int days_per_week);
//  A 1-5 scale.
bool groups_check_scale (uint32_t value);
//  Printable UTF-8 text of 1..max bytes, no control characters.
bool groups_check_text (const char *text, size_t max);

int groups_record_activation_plan (kp_call_t *call);
int groups_record_agreement (kp_call_t *call);
int groups_record_placement_evaluation (kp_call_t *call);
int groups_end_placement (kp_call_t *call);
//  What follows a group (groups_followup.c, with its statements).
int groups_record_group_follow_up (kp_call_t *call);
int groups_record_group_feedback (kp_call_t *call);
extern const kp_stmt_t groups_followup_statements [];

//  The advisory lock class of placements (pg_advisory_xact_lock (class, hash)).
#define GROUPS_PATH_LOCK_CLASS "2201"
//  The path's statements (groups_placement_sql.c) and the row of its load.
extern const kp_stmt_t groups_path_statements [];
#define GROUPS_PATH_ROW(C) \
    C (PATH_HAS_PLAN, "has_plan", "bool") \
    C (PATH_PLAN_DAYS, "plan_days", "int4") \
    C (PATH_PLAN_VALID_UNTIL, "plan_valid_until", "text") \
    C (PATH_HAS_AGREEMENT, "has_agreement", "bool") \
    C (PATH_AGREEMENT_START, "agreement_start", "text") \
    C (PATH_AGREEMENT_END, "agreement_end", "text") \
    C (PATH_HAS_INTERIM, "has_interim", "bool") \
    C (PATH_HAS_FINAL, "has_final", "bool") \
    C (PATH_ENDED_ON, "ended_on", "text") \
    C (PATH_END_REASON, "end_reason", "text") \
    C (PATH_LAST_DAY, "last_day", "text")
enum { GROUPS_PATH_ROW (KP_ROW_INDEX) };

#endif
