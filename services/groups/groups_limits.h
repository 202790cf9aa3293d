/*  groups_limits — the bounds of what a groups request may carry; the
    migrations' CHECKs say the same, so a refusal comes before the
    database's. */
#ifndef GROUPS_LIMITS_H
#define GROUPS_LIMITS_H

//  Text limits (bytes); the migration's CHECKs say the same.
#define GROUPS_TITLE_MAX    200
#define GROUPS_TEXT_MAX     200
#define GROUPS_NAME_MAX     64
#define GROUPS_ORG_MAX      64
#define GROUPS_ORGS_MAX     20
#define GROUPS_COMPENSATION_MAX 100000

#endif
