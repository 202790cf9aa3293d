/*  kp_role — the organisation type → roles table (see kp_role.h).
    Partners without a role of their own in the enum (TE office, housing,
    health care, police, outreach, enforcement, university) act as
    ROLE_PARTNER_WORKER; coordinators run projects anywhere but at Kela,
    which only sends and follows its notices. */
#include "kp_role.h"

#include <string.h>

#define R(name) KUMPPANI__V1__ROLE__ROLE_##name

typedef struct {
    const char *org_type;
    const char *names;                  //  for messages, in the order of roles
    Kumppani__V1__Role roles [5];       //  ends at ROLE_UNSPECIFIED (0)
} s_row_t;

static const s_row_t s_table [] = {
    { "municipality", "social_worker social_instructor benefit_processor coordinator",
      { R(SOCIAL_WORKER), R(SOCIAL_INSTRUCTOR), R(BENEFIT_PROCESSOR), R(COORDINATOR) } },
    { "county", "social_worker social_instructor benefit_processor coordinator",
      { R(SOCIAL_WORKER), R(SOCIAL_INSTRUCTOR), R(BENEFIT_PROCESSOR), R(COORDINATOR) } },
    { "kela", "kela_officer", { R(KELA_OFFICER) } },
    { "debt_counselling", "debt_counsellor coordinator", { R(DEBT_COUNSELLOR), R(COORDINATOR) } },
    { "social_credit", "debt_counsellor partner_worker coordinator",
      { R(DEBT_COUNSELLOR), R(PARTNER_WORKER), R(COORDINATOR) } },
    { "parish", "diaconal_worker coordinator", { R(DIACONAL_WORKER), R(COORDINATOR) } },
    { "ngo", "ngo_worker coordinator", { R(NGO_WORKER), R(COORDINATOR) } },
    { "enforcement", "partner_worker coordinator", { R(PARTNER_WORKER), R(COORDINATOR) } },
    { "te_office", "partner_worker coordinator", { R(PARTNER_WORKER), R(COORDINATOR) } },
    { "housing", "partner_worker coordinator", { R(PARTNER_WORKER), R(COORDINATOR) } },
    { "health_care", "partner_worker coordinator", { R(PARTNER_WORKER), R(COORDINATOR) } },
    { "police", "partner_worker coordinator", { R(PARTNER_WORKER), R(COORDINATOR) } },
    { "outreach", "partner_worker coordinator", { R(PARTNER_WORKER), R(COORDINATOR) } },
    { "university", "coordinator partner_worker", { R(COORDINATOR), R(PARTNER_WORKER) } },
    { "integrator", "integrator", { R(INTEGRATOR) } },
    { "operator", "operator", { R(OPERATOR) } },
    { "service", "service", { R(SERVICE) } },
};

static const s_row_t *
s_row (const char *org_type)
{
    for (size_t index = 0; org_type && index < sizeof s_table / sizeof s_table [0]; index++)
        if (strcmp (s_table [index].org_type, org_type) == 0)
            return &s_table [index];
    return NULL;
}

bool
kp_role_allowed (const char *org_type, Kumppani__V1__Role role)
{
    const s_row_t *row = s_row (org_type);
    for (int index = 0; row && index < 5 && row->roles [index]; index++)
        if (row->roles [index] == role)
            return true;
    return false;
}

Kumppani__V1__Role
kp_role_default (const char *org_type)
{
    const s_row_t *row = s_row (org_type);
    return row ? row->roles [0] : R(UNSPECIFIED);
}

const char *
kp_role_list (const char *org_type)
{
    const s_row_t *row = s_row (org_type);
    return row ? row->names : "";
}
