/*  kp_migrate — plain SQL migrations, applied by an administrator role.
    An advisory lock keeps two runners (say, two containers starting) from
    applying the same file twice. */
#include "kp_migrate.h"
#include "kp_alloc.h"
#include "kp_db.h"
#include "kp_log.h"
#include "kp_row.h"

#include <dirent.h>
#include <regex.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KP_MIGRATE_LOCK "7340001"

static const kp_col_t s_checksum_row [] = { { "checksum", "text" }, { NULL } };

static const kp_stmt_t s_statements [] = {
    { "migrate_checksum", "SELECT checksum FROM public.schema_migrations WHERE version = $1::text",
      s_checksum_row },
    { "migrate_record",
      "INSERT INTO public.schema_migrations (version, name, checksum) VALUES ($1::text, $2::text, $3::text)" },
    { NULL }
};

static int
s_compare (const void *a, const void *b)
{
    return strcmp (*(char *const *) a, *(char *const *) b);
}

//  Sorted list of NNNN_*.sql names; *count set. NULL on error.
static char **
s_list (const char *dir, int *count)
{
    DIR *handle = opendir (dir);
    if (!handle)
        return NULL;
    regex_t pattern;
    regcomp (&pattern, "^[0-9]{4}_[a-z0-9_]+\\.sql$", REG_EXTENDED | REG_NOSUB);
    char **names = NULL;
    *count = 0;
    struct dirent *entry;
    //  Out of memory stops the process (kp_alloc), never a shorter list: a
    //  migration left out would leave the schema behind without a word.
    while ((entry = readdir (handle))) {
        if (regexec (&pattern, entry->d_name, 0, NULL, 0) != 0)
            continue;
        names = kp_realloc (names, sizeof (char *) * (size_t) (*count + 1));
        names [(*count)++] = kp_strdup (entry->d_name);
    }
    regfree (&pattern);
    closedir (handle);
    if (names)
        qsort (names, (size_t) *count, sizeof (char *), s_compare);
    return names ? names : kp_calloc (1, sizeof (char *));
}

static char *
s_read_file (const char *path)
{
    FILE *file = fopen (path, "rb");
    if (!file)
        return NULL;
    fseek (file, 0, SEEK_END);
    long size = ftell (file);
    fseek (file, 0, SEEK_SET);
    char *text = size >= 0 ? kp_malloc ((size_t) size + 1) : NULL;
    if (text && fread (text, 1, (size_t) size, file) != (size_t) size) {
        free (text);
        text = NULL;
    }
    if (text)
        text [size] = 0;
    fclose (file);
    return text;
}

static void
s_sha256_hex (const char *text, char *hex)
{
    unsigned char digest [crypto_hash_sha256_BYTES];
    crypto_hash_sha256 (digest, (const unsigned char *) text, strlen (text));
    sodium_bin2hex (hex, crypto_hash_sha256_BYTES * 2 + 1, digest, sizeof digest);
}

//  Applies one file unless recorded; -1 on error or a changed file.
static int
s_apply (kp_db_t *db, const char *dir, const char *name, int *applied)
{
    char path [4096];
    snprintf (path, sizeof path, "%s/%s", dir, name);
    char *sql = s_read_file (path);
    if (!sql) {
        kp_error ("migrate: cannot read %s", path);
        return -1;
    }
    char checksum [crypto_hash_sha256_BYTES * 2 + 1], version [5];
    s_sha256_hex (sql, checksum);
    snprintf (version, sizeof version, "%.4s", name);

    int rc = -1;
    const char *lookup [] = { version };
    PGresult *result = kp_db_exec (db, "migrate_checksum", 1, lookup);
    if (!result)
        goto cleanup;
    if (PQntuples (result) == 1) {
        if (strcmp (kp_row_text (result, 0, KP_ROW_ONLY), checksum) == 0)
            rc = 0;
        else
            kp_error ("migrate: %s was changed after it was applied; add a new migration instead", name);
        PQclear (result);
        goto cleanup;
    }
    PQclear (result);
    if (kp_db_begin (db))
        goto cleanup;
    const char *record [] = { version, name, checksum };
    PGresult *recorded = NULL;
    if (kp_db_command (db, sql) == 0
    &&  (recorded = kp_db_exec (db, "migrate_record", 3, record)) != NULL
    &&  kp_db_commit (db) == 0) {
        kp_info ("migrate: applied %s", name);
        (*applied)++;
        rc = 0;
    }
    else {
        kp_error ("migrate: %s failed: %s", name, kp_db_message (db));
        kp_db_rollback (db);
    }
    PQclear (recorded);
cleanup:
    free (sql);
    return rc;
}

int
kp_migrate_run (const char *admin_conninfo, const char *dir, int *applied)
{
    *applied = 0;
    if (sodium_init () < 0)
        return -1;
    kp_db_t *db = kp_db_new (admin_conninfo, 5000);
    if (!db)
        return -1;
    int count = 0, rc = -1;
    char **names = NULL;
    if (kp_db_command (db, "SET client_min_messages = warning")
    ||  kp_db_command (db, "CREATE TABLE IF NOT EXISTS public.schema_migrations ("
                           " version text PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,"
                           " applied_at timestamptz NOT NULL DEFAULT now())")
    ||  kp_db_register (db, s_statements)
    ||  kp_db_command (db, "SELECT pg_advisory_lock (" KP_MIGRATE_LOCK ")"))
        goto cleanup;
    names = s_list (dir, &count);
    if (!names) {
        kp_error ("migrate: cannot read directory %s", dir);
        goto cleanup;
    }
    rc = 0;
    for (int index = 0; index < count && rc == 0; index++)
        rc = s_apply (db, dir, names [index], applied);
    kp_db_command (db, "SELECT pg_advisory_unlock (" KP_MIGRATE_LOCK ")");
cleanup:
    if (rc && kp_db_message (db) [0])
        kp_error ("migrate: %s", kp_db_message (db));
    for (int index = 0; names && index < count; index++)
        free (names [index]);
    free (names);
    kp_db_destroy (&db);
    return rc;
}
