/*  kp_organiser: today a municipality's social services organise exactly
    the municipality their certificate names; nobody else organises any. */
#include "kp_organiser.h"

#include <criterion/criterion.h>
#include <string.h>

TestSuite (organiser);

static kp_identity_t
s_identity (const char *org_id, const char *org_type, const char *municipality)
{
    kp_identity_t identity;
    memset (&identity, 0, sizeof identity);
    strcpy (identity.org_id, org_id);
    strcpy (identity.org_type, org_type);
    strcpy (identity.municipality, municipality);
    return identity;
}

Test (organiser, a_municipality_organises_its_own_municipality_only)
{
    kp_identity_t helsinki = s_identity ("muni-091", "municipality", "091");
    cr_assert (kp_organiser_of (&helsinki, "091"));
    cr_assert_not (kp_organiser_of (&helsinki, "743"));
    cr_assert_not (kp_organiser_of (&helsinki, ""));
    cr_assert_not (kp_organiser_of (&helsinki, NULL));
}

Test (organiser, nobody_else_organises_social_services)
{
    kp_identity_t ngo = s_identity ("ngo-743", "ngo", "743");
    kp_identity_t kela = s_identity ("kela", "kela", "");
    kp_identity_t unbound = s_identity ("muni-x", "municipality", "");
    cr_assert_not (kp_organiser_of (&ngo, "743"), "an NGO bound to 743 is no organiser");
    cr_assert_not (kp_organiser_of (&kela, ""));
    cr_assert_not (kp_organiser_of (&unbound, ""), "a municipality bound to none organises none");
    cr_assert_not (kp_organiser_of (NULL, "743"));
    cr_assert_not (kp_organiser_is (NULL, "muni-743", "743"), "no admitted set: nobody");
}
