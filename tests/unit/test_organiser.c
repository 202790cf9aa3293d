/*  kp_organiser: a municipality's social services organise exactly the
    municipality their certificate names; a county every municipality
    whose organiser it is, by the installed areas; nobody else any. The
    registry admits only an active organisation of the same type and area. */
#include "kp_organiser.h"

#include <criterion/criterion.h>
#include <czmq.h>
#include <string.h>

static void
s_install (void)
{
    kp_areas_t *areas = kp_areas_new ();
    cr_assert_not_null (areas);
    cr_assert_eq (kp_areas_put_municipality (areas, "743", "EP", "Seinäjoki"), 0);
    cr_assert_eq (kp_areas_put_municipality (areas, "989", "EP", "Ähtäri"), 0);
    cr_assert_eq (kp_areas_put_municipality (areas, "179", "KS", "Jyväskylä"), 0);
    cr_assert_eq (kp_areas_put_municipality (areas, "091", "HKI", "Helsinki"), 0);
    int64_t now = zclock_time () * 1000;
    cr_assert_eq (kp_areas_put_organisation (areas, "county-ep", "county", "EP", now - 1000000, 0), 0);
    cr_assert_eq (kp_areas_put_organisation (areas, "muni-743", "municipality", "743", now - 1000000, 0), 0);
    cr_assert_eq (kp_areas_put_organisation (areas, "closed", "ngo", "743", now - 2000000, now - 1000000), 0);
    cr_assert_eq (kp_areas_put_organisation (areas, "later", "ngo", "743", now + 60000000, 0), 0);
    kp_organiser_install (&areas);
    cr_assert_null (areas);
}

static void
s_uninstall (void)
{
    kp_organiser_install (NULL);
}

TestSuite (organiser, .init = s_install, .fini = s_uninstall);

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

Test (organiser, a_county_organises_every_municipality_of_its_area)
{
    kp_identity_t ep = s_identity ("county-ep", "county", "");
    strcpy (ep.county, "EP");
    cr_assert (kp_organiser_of (&ep, "743"));
    cr_assert (kp_organiser_of (&ep, "989"));
    cr_assert_not (kp_organiser_of (&ep, "179"), "Jyväskylä is Keski-Suomi's");
    cr_assert_not (kp_organiser_of (&ep, "999"), "an unknown code is nobody's");
    char home [16];
    cr_assert (kp_organiser_home (&ep, home, sizeof home));
    cr_assert_str_eq (home, "743");
    char organiser [8];
    cr_assert (kp_organiser_area_of ("989", organiser, sizeof organiser));
    cr_assert_str_eq (organiser, "EP");
    //  A county-type certificate naming no county, or an NGO naming one.
    kp_identity_t nowhere = s_identity ("county-x", "county", "");
    cr_assert_not (kp_organiser_of (&nowhere, "743"));
    kp_identity_t ngo = s_identity ("ngo-ep", "ngo", "");
    strcpy (ngo.county, "EP");
    cr_assert_not (kp_organiser_of (&ngo, "743"));
}

Test (organiser, the_registry_says_who_organises_a_recipient)
{
    cr_assert (kp_organiser_org_organises ("county-ep", "989"));
    cr_assert_not (kp_organiser_org_organises ("county-ep", "091"));
    cr_assert (kp_organiser_org_organises ("muni-743", "743"));
    cr_assert_not (kp_organiser_org_organises ("muni-743", "989"));
    cr_assert_not (kp_organiser_org_organises ("nobody", "743"));
}

Test (organiser, admission_needs_an_active_registration_of_the_same_type_and_area)
{
    kp_identity_t ep = s_identity ("county-ep", "county", "");
    strcpy (ep.county, "EP");
    cr_assert (kp_organiser_admits (&ep));
    strcpy (ep.county, "KS");
    cr_assert_not (kp_organiser_admits (&ep), "another area than registered");
    kp_identity_t muni = s_identity ("muni-743", "ngo", "743");
    cr_assert_not (kp_organiser_admits (&muni), "another type than registered");
    kp_identity_t closed = s_identity ("closed", "ngo", "743");
    cr_assert_not (kp_organiser_admits (&closed), "deactivated");
    cr_assert_eq (kp_organiser_registered ("closed", NULL, NULL), KP_ORG_INACTIVE);
    cr_assert_eq (kp_organiser_registered ("later", NULL, NULL), KP_ORG_INACTIVE, "not yet active");
    cr_assert_eq (kp_organiser_registered ("ghost", NULL, NULL), KP_ORG_UNKNOWN);
    kp_identity_t service = s_identity ("intake", "service", "");
    cr_assert (kp_organiser_admits (&service), "the services' own certificates are not registered");
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

Test (organiser, with_nothing_installed_no_county_organises_and_nobody_is_registered)
{
    kp_organiser_install (NULL);
    kp_identity_t ep = s_identity ("county-ep", "county", "");
    strcpy (ep.county, "EP");
    cr_assert_not (kp_organiser_of (&ep, "743"));
    cr_assert_not (kp_organiser_admits (&ep));
}
