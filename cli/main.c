/*  kumppani — the operators' and integrators' command-line client.
    main only picks the subcommand. */
#include "cli.h"
#include "kp_log.h"

#include <czmq.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    int (*run) (int argc, char **argv, const kp_config_t *config);
    const char *summary;
} s_commands [] = {
    { "health",  cli_health,  "check that every service answers (exit 1 if any is down)" },
    { "migrate", cli_migrate, "apply database migrations (KUMPPANI_DB_ADMIN_CONNINFO)" },
    { "cert",    cli_cert,    "make a CURVE certificate for an organisation" },
    { "audit",   cli_audit,   "verify the audit log's hash chain" },
    { "org",     cli_org,     "the organisation registry: add, list, deactivate" },
    { "area",    cli_area,    "apply a newer municipality classification (mergers)" },
    { "call",    cli_call,    "send any operation with a JSON body, print the reply as JSON" },
    { "referral", cli_verbs,  "submit, get, list, ack, status of referrals" },
    { "client",  cli_verbs,   "register, get, find, update, consents, consent, disclosures" },
    { "case",    cli_verbs,   "open, get, start-assessment, complete-assessment, plan, review, close, outcome" },
    { "group",   cli_verbs,   "create, get, update, schedule, sessions, cancel, move, enrol, withdraw, attend, headcount, participation, follow-up, feedback" },
    { "placement", cli_verbs, "create, plan, agree, day, evaluate, end (rehabilitative work activity)" },
    { "participant", cli_verbs, "create, get, withdraw-consent, link, measure (group participants without a case)" },
    { "report",  cli_report,  "run a report as csv, json or html; rebuild the rollups" },
    { "tail",    cli_tail,    "follow the event stream as JSON lines" },
    { "import",  cli_import,  "bring history in from JSON lines (importer certificate)" },
    { NULL }
};

static int
s_usage (FILE *out)
{
    fprintf (out, "usage: kumppani COMMAND [options]   (kumppani COMMAND --help)\n\n");
    for (int index = 0; s_commands [index].name; index++)
        fprintf (out, "  %-8s %s\n", s_commands [index].name, s_commands [index].summary);
    fprintf (out, "\nEndpoints and certificates come from KUMPPANI_* variables (see README.md);\n"
                  "`source var/kumppani.env` after `make up` sets them for the local system.\n");
    return out == stdout ? 0 : 2;
}

int
main (int argc, char **argv)
{
    if (argc < 2 || strcmp (argv [1], "--help") == 0 || strcmp (argv [1], "-h") == 0)
        return s_usage (argc < 2 ? stderr : stdout);
    zsys_init ();
    zsys_handler_set (NULL);        //  a tool: let Ctrl-C end it at once
    if (sodium_init () < 0)
        return 1;
    kp_config_t *config = kp_config_load (NULL);
    if (!config)
        return 2;
    kp_log_init ("kumppani-cli", getenv ("KUMPPANI_LOG_LEVEL") ? config->log_level : "warn");
    int rc = -1;
    for (int index = 0; s_commands [index].name; index++)
        if (strcmp (argv [1], s_commands [index].name) == 0)
            rc = s_commands [index].run (argc - 1, argv + 1, config);
    if (rc == -1) {
        fprintf (stderr, "kumppani: unknown command '%s'\n", argv [1]);
        rc = s_usage (stderr);
    }
    kp_config_destroy (&config);
    return rc;
}
