/*  kumppani audit verify — recomputes the audit log's hash chain. */
#include "cli.h"
#include "kp_audit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
cli_audit (int argc, char **argv, const kp_config_t *config)
{
    (void) config;
    if (argc < 2 || strcmp (argv [1], "verify") != 0 || cli_flag (argc, argv, "--help")) {
        printf ("usage: kumppani audit verify\n"
                "Recomputes every row's hash with KUMPPANI_DB_ADMIN_CONNINFO; exit 1 if the\n"
                "chain is broken, naming the first row that fails.\n");
        return argc < 2 ? 2 : 0;
    }
    const char *conninfo = getenv ("KUMPPANI_DB_ADMIN_CONNINFO");
    if (!conninfo) {
        fprintf (stderr, "kumppani audit: set KUMPPANI_DB_ADMIN_CONNINFO\n");
        return 2;
    }
    kp_db_t *db = kp_db_new (conninfo, 2000);
    if (!db)
        return 1;
    int64_t bad_seq = 0, rows = 0;
    int rc = kp_audit_verify (db, &bad_seq, &rows);
    if (rc == 0)
        printf ("audit log intact: %" PRId64 " rows\n", rows);
    else
    if (rc == 1)
        printf ("audit log BROKEN at seq %" PRId64 " (%" PRId64 " rows before it are intact)\n", bad_seq, rows);
    else
        fprintf (stderr, "kumppani audit: %s\n", kp_db_message (db));
    kp_db_destroy (&db);
    return rc == 0 ? 0 : 1;
}
