/*  kumppani migrate — applies migrations/ with an administrator connection. */
#include "cli.h"
#include "kp_migrate.h"

#include <stdio.h>
#include <stdlib.h>

int
cli_migrate (int argc, char **argv, const kp_config_t *config)
{
    (void) config;
    if (cli_flag (argc, argv, "--help")) {
        printf ("usage: kumppani migrate [--dir DIR]\n"
                "Applies DIR/NNNN_*.sql (default: migrations) in order with the conninfo in\n"
                "KUMPPANI_DB_ADMIN_CONNINFO. Safe to re-run; refuses a changed applied file.\n");
        return 0;
    }
    const char *dir = cli_option (argc, argv, "--dir");
    const char *conninfo = getenv ("KUMPPANI_DB_ADMIN_CONNINFO");
    if (!conninfo || !*conninfo) {
        fprintf (stderr, "kumppani migrate: set KUMPPANI_DB_ADMIN_CONNINFO\n");
        return 2;
    }
    int applied = 0;
    if (kp_migrate_run (conninfo, dir ? dir : "migrations", &applied)) {
        fprintf (stderr, "kumppani migrate: failed (see the log line above)\n");
        return 1;
    }
    printf ("migrations: %d applied, database up to date\n", applied);
    return 0;
}
