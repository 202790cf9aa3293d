/*  kp_role's table: each organisation type's roles, and nothing else,
    including the types the integration harness has no certificate for. */
#include "kp_role.h"

#include <criterion/criterion.h>

TestSuite (role);

#define R(name) KUMPPANI__V1__ROLE__ROLE_##name

Test (role, each_type_claims_its_own_roles_only)
{
    static const struct {
        const char *type;
        Kumppani__V1__Role role;
        bool allowed;
    } cases [] = {
        { "municipality", R(SOCIAL_WORKER), true }, { "municipality", R(BENEFIT_PROCESSOR), true },
        { "municipality", R(KELA_OFFICER), false }, { "municipality", R(SERVICE), false },
        { "county", R(SOCIAL_INSTRUCTOR), true }, { "county", R(COORDINATOR), true },
        { "county", R(OPERATOR), false },
        { "kela", R(KELA_OFFICER), true }, { "kela", R(SOCIAL_WORKER), false },
        { "kela", R(SERVICE), false }, { "kela", R(COORDINATOR), false },
        { "parish", R(DIACONAL_WORKER), true }, { "parish", R(NGO_WORKER), false },
        { "social_credit", R(DEBT_COUNSELLOR), true }, { "enforcement", R(PARTNER_WORKER), true },
        { "enforcement", R(SOCIAL_WORKER), false }, { "university", R(COORDINATOR), true },
        { "service", R(SERVICE), true }, { "operator", R(SERVICE), false },
        { "integrator", R(INTEGRATOR), true }, { "integrator", R(OPERATOR), false },
        { "spaceship", R(SOCIAL_WORKER), false }, { "", R(SERVICE), false },
        { "municipality", R(UNSPECIFIED), false },
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases [0]; index++)
        cr_assert_eq (kp_role_allowed (cases [index].type, cases [index].role), cases [index].allowed,
                      "%s as %d", cases [index].type, cases [index].role);
}

Test (role, the_default_is_the_first_of_the_row)
{
    cr_assert_eq (kp_role_default ("kela"), R(KELA_OFFICER));
    cr_assert_eq (kp_role_default ("municipality"), R(SOCIAL_WORKER));
    cr_assert_eq (kp_role_default ("operator"), R(OPERATOR));
    cr_assert_eq (kp_role_default ("spaceship"), R(UNSPECIFIED));
    cr_assert_str_eq (kp_role_list ("kela"), "kela_officer");
}
