/*  kumppani cert new — a CURVE certificate whose metadata names the
    organisation the services will authorise: org_id, org_type and, for
    organisations bound to one, the municipality code, or for a county
    (type county) the organiser it is (EP, HKI). The services admit it only
    once the organisation is registered the same way (kumppani org add). */
#include "cli.h"

#include <czmq.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

//  The organisation types the services know; one place for the list.
static const char *s_org_types =
    "municipality county kela debt_counselling enforcement social_credit parish ngo te_office"
    " housing health_care police outreach university integrator operator service importer";

static bool
s_valid_id (const char *text)
{
    size_t len = strlen (text);
    if (len == 0 || len > 63)
        return false;
    for (const char *c = text; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '_'))
            return false;
    return true;
}

int
cli_cert (int argc, char **argv, const kp_config_t *config)
{
    (void) config;
    if (argc < 3 || strcmp (argv [1], "new") != 0 || cli_flag (argc, argv, "--help")) {
        printf ("usage: kumppani cert new ORG_ID --type TYPE [--municipality CODE | --county ORGANISER]\n"
                "                        [--name TEXT] [--out DIR]\n"
                "Writes DIR/ORG_ID.cert (public: give it to the operator to admit) and\n"
                "DIR/ORG_ID.cert_secret (keep it). TYPE is one of:\n  %s\n", s_org_types);
        return argc < 3 ? 2 : 0;
    }
    const char *org_id = argv [2];
    const char *type = cli_option (argc, argv, "--type");
    const char *municipality = cli_option (argc, argv, "--municipality");
    const char *county = cli_option (argc, argv, "--county");
    const char *name = cli_option (argc, argv, "--name");
    const char *out = cli_option (argc, argv, "--out");
    if (!s_valid_id (org_id)) {
        fprintf (stderr, "kumppani cert: ORG_ID must be 1-63 of a-z 0-9 - _\n");
        return 2;
    }
    char padded [256];
    snprintf (padded, sizeof padded, " %s ", s_org_types);
    char wanted [64];
    snprintf (wanted, sizeof wanted, " %s ", type ? type : "");
    if (!type || !strstr (padded, wanted)) {
        fprintf (stderr, "kumppani cert: --type must be one of: %s\n", s_org_types);
        return 2;
    }
    if (municipality && (strlen (municipality) != 3 || strspn (municipality, "0123456789") != 3)) {
        fprintf (stderr, "kumppani cert: --municipality is a three-digit municipality code\n");
        return 2;
    }
    if (county && (strlen (county) < 2 || strlen (county) > 3 || strspn (county, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen (county))) {
        fprintf (stderr, "kumppani cert: --county is an organiser's code (EP, KS, HKI)\n");
        return 2;
    }
    if ((strcmp (type, "county") == 0) != (county != NULL) || (county && municipality)) {
        fprintf (stderr, "kumppani cert: type county takes --county ORGANISER (and no --municipality);"
                         " other types take no --county\n");
        return 2;
    }
    out = out ? out : ".";
    if (zsys_dir_create ("%s", out)) {
        fprintf (stderr, "kumppani cert: cannot create %s\n", out);
        return 1;
    }
    char path [4096];
    snprintf (path, sizeof path, "%s/%s.cert", out, org_id);
    if (zsys_file_exists (path)) {
        fprintf (stderr, "kumppani cert: %s exists; not overwriting a key\n", path);
        return 1;
    }
    zcert_t *cert = zcert_new ();
    zcert_set_meta (cert, "org_id", "%s", org_id);
    zcert_set_meta (cert, "org_type", "%s", type);
    if (municipality)
        zcert_set_meta (cert, "municipality", "%s", municipality);
    if (county)
        zcert_set_meta (cert, "county", "%s", county);
    if (name)
        zcert_set_meta (cert, "name", "%s", name);
    int rc = zcert_save (cert, path);
    zcert_destroy (&cert);
    if (rc) {
        fprintf (stderr, "kumppani cert: cannot write %s\n", path);
        return 1;
    }
    char secret [4096 + 8];
    snprintf (secret, sizeof secret, "%s_secret", path);
    chmod (secret, 0600);
    printf ("%s\n", path);
    return 0;
}
