/*  kp_migrate — applies migrations/NNNN_name.sql in order, each in its own
    transaction, recording version and SHA-256 in schema_migrations. Safe
    to re-run; refuses to continue when an applied file has changed. */
#ifndef KP_MIGRATE_H
#define KP_MIGRATE_H

//  Returns 0 on success, -1 on error (logged). *applied gets the count of
//  newly applied files.
int kp_migrate_run (const char *admin_conninfo, const char *dir, int *applied);

#endif
