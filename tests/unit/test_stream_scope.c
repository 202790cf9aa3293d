/*  stream_scope with counties: an event carries its municipality's
    organiser as a scope (a:EP), a county's certificate holds it, and an
    event the county may see under two scopes (its area and its own org
    id) is matched under one, so it is delivered once. */
#include "../../services/stream/stream_scope.c"

#include <criterion/criterion.h>

static void
s_install (void)
{
    kp_areas_t *areas = kp_areas_new ();
    cr_assert_not_null (areas);
    cr_assert_eq (kp_areas_put_municipality (areas, "743", "EP", "Seinäjoki"), 0);
    cr_assert_eq (kp_areas_put_municipality (areas, "989", "EP", "Ähtäri"), 0);
    cr_assert_eq (kp_areas_put_municipality (areas, "179", "KS", "Jyväskylä"), 0);
    kp_organiser_install (&areas);
}

static void
s_uninstall (void)
{
    kp_organiser_install (NULL);
}

TestSuite (stream_scope, .init = s_install, .fini = s_uninstall);

static kp_identity_t
s_identity (const char *org_id, const char *org_type, const char *municipality, const char *county)
{
    kp_identity_t identity;
    memset (&identity, 0, sizeof identity);
    snprintf (identity.org_id, sizeof identity.org_id, "%s", org_id);
    snprintf (identity.org_type, sizeof identity.org_type, "%s", org_type);
    snprintf (identity.municipality, sizeof identity.municipality, "%s", municipality);
    snprintf (identity.county, sizeof identity.county, "%s", county);
    return identity;
}

Test (stream_scope, an_event_is_addressed_to_its_municipalitys_organiser)
{
    stream_scopes_t scopes;
    int count = stream_scope_of_event ("989", "kela", "county-ep", scopes);
    cr_assert_eq (count, 5);
    cr_assert_str_eq (scopes [1], "m:989");
    cr_assert_str_eq (scopes [2], "a:EP");
}

Test (stream_scope, a_county_sees_every_municipality_it_organises_once)
{
    kp_identity_t ep = s_identity ("county-ep", "county", "", "EP");
    stream_scopes_t mine, theirs;
    int my_count = stream_scope_of_subscriber (&ep, mine);
    cr_assert_eq (my_count, 2);
    cr_assert_str_eq (mine [0], "a:EP");
    cr_assert (stream_scope_entitled (&ep, "743", "kela", "muni-743"));
    cr_assert (stream_scope_entitled (&ep, "989", "kela", "ngo-1"));
    cr_assert_not (stream_scope_entitled (&ep, "179", "kela", "county-ks"), "Keski-Suomi's event");
    //  Its own notice in its own area matches two of its scopes: one is used.
    int their_count = stream_scope_of_event ("743", "kela", "county-ep", theirs);
    const char *scope = stream_scope_shared (mine, my_count, theirs, their_count);
    cr_assert_not_null (scope);
    cr_assert_str_eq (scope, "a:EP");
}

Test (stream_scope, a_municipality_keeps_its_own_scopes)
{
    kp_identity_t muni = s_identity ("muni-743", "municipality", "743", "");
    stream_scopes_t mine;
    cr_assert_eq (stream_scope_of_subscriber (&muni, mine), 2);
    cr_assert_str_eq (mine [0], "m:743");
    cr_assert (stream_scope_entitled (&muni, "743", "kela", "county-ep"));
    cr_assert_not (stream_scope_entitled (&muni, "989", "kela", "county-ep"), "Ähtäri is not Seinäjoki's");
    //  A county named by an NGO's certificate gives it no area.
    kp_identity_t ngo = s_identity ("ngo-ep", "ngo", "", "EP");
    cr_assert_not (stream_scope_entitled (&ngo, "743", "kela", "muni-743"));
}
