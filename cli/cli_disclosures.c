/*  kumppani client disclosures CLIENT_ID [--format csv|json] [--output FILE]
    — the client's disclosure log, every page of it: what a worker prints
    when a client uses their right of access (who received their data,
    when, what kind, on which basis, under which consent). CSV by default,
    one row per disclosure; JSON is an array of the same fields. */
#include "cli.h"
#include "kp_enum.h"
#include "kp_reply_vocab.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *s_columns [] = {
    "seq", "at", "actor_org", "person_id", "service", "recipient_org", "kind", "basis",
    "consent_id", "object_id", NULL
};

static void
s_csv_field (FILE *out, const char *text)
{
    if (strpbrk (text, ",\"\r\n") == NULL) {
        fputs (text, out);
        return;
    }
    fputc ('"', out);
    for (const char *c = text; *c; c++) {
        if (*c == '"')
            fputc ('"', out);
        fputc (*c, out);
    }
    fputc ('"', out);
}

static void
s_values (const Kumppani__V1__Disclosure *entry, char *seq, size_t size, char *at, char *basis,
          const char *values [10])
{
    snprintf (seq, size, "%" PRIu64, entry->seq);
    kp_reply_vocab_time (entry->at_us, at, KP_REPLY_VOCAB_TIME_MAX);     //  "" if out of range
    if (!kp_enum_code (&kumppani__v1__disclosure_basis__descriptor, entry->basis_enum, basis, KP_ENUM_CODE_MAX))
        *basis = '\0';
    const char *row [] = { seq, at, entry->actor_org, entry->person_id, entry->service,
                           entry->recipient_org, entry->kind, basis, entry->consent_id,
                           entry->object_id };
    memcpy (values, row, sizeof row);
}

static void
s_write (FILE *out, bool csv, const Kumppani__V1__DisclosureLogReply *page, cJSON *array)
{
    for (size_t index = 0; index < page->n_disclosures; index++) {
        char seq [24], at [KP_REPLY_VOCAB_TIME_MAX], basis [KP_ENUM_CODE_MAX];
        const char *values [10];
        s_values (page->disclosures [index], seq, sizeof seq, at, basis, values);
        if (csv) {
            for (int column = 0; s_columns [column]; column++) {
                if (column)
                    fputc (',', out);
                s_csv_field (out, values [column]);
            }
            fputc ('\n', out);
            continue;
        }
        cJSON *object = cJSON_CreateObject ();
        cJSON_AddNumberToObject (object, "seq", (double) page->disclosures [index]->seq);
        for (int column = 1; s_columns [column]; column++)
            cJSON_AddStringToObject (object, s_columns [column], values [column]);
        cJSON_AddItemToArray (array, object);
    }
}

int
cli_disclosures (int argc, char **argv, const kp_config_t *config)
{
    if (argc < 2 || argv [1][0] == '-' || cli_flag (argc, argv, "--help")) {
        fprintf (argc < 2 || argv [1][0] == '-' ? stderr : stdout,
                 "usage: kumppani client disclosures CLIENT_ID [--format csv|json] [--output FILE]\n"
                 "Every disclosure of the client's data to another organisation, oldest first.\n");
        return argc < 2 || argv [1][0] == '-' ? 2 : 0;
    }
    const char *format = cli_option (argc, argv, "--format");
    format = format ? format : "csv";
    bool csv = strcmp (format, "csv") == 0;
    if (!csv && strcmp (format, "json") != 0) {
        fprintf (stderr, "kumppani client disclosures: --format is csv or json, not '%s'\n", format);
        return 2;
    }
    //  Every page first, in memory: the log is printed whole or not at all.
    char *buffer = NULL;
    size_t buffer_size = 0;
    FILE *out = open_memstream (&buffer, &buffer_size);
    if (!out)
        return 3;
    cJSON *array = csv ? NULL : cJSON_CreateArray ();
    if (csv)
        for (int column = 0; s_columns [column]; column++)
            fprintf (out, "%s%s", column ? "," : "", s_columns [column]);
    if (csv)
        fputc ('\n', out);
    uint64_t after = 0;
    int rc = 0;
    do {
        cJSON *body = cJSON_CreateObject ();
        cJSON_AddStringToObject (body, "client_id", argv [1]);
        cJSON_AddNumberToObject (body, "after_seq", (double) after);
        cJSON_AddNumberToObject (body, "page_size", 1000);
        char *text = cJSON_PrintUnformatted (body);
        cJSON_Delete (body);
        Kumppani__V1__Reply *reply = NULL;
        rc = text ? cli_send (config, "intake", "get_disclosure_log", text, argc, argv, &reply) : 3;
        free (text);
        if (rc == 0 && !reply->disclosure_log) {
            fprintf (stderr, "kumppani client disclosures: the reply holds no log\n");
            kumppani__v1__reply__free_unpacked (reply, NULL);
            rc = 3;
        }
        if (rc)
            break;
        s_write (out, csv, reply->disclosure_log, array);
        after = reply->disclosure_log->next_after_seq;
        kumppani__v1__reply__free_unpacked (reply, NULL);
    } while (after);
    if (rc == 0 && array) {
        char *text = cJSON_Print (array);
        if (text)
            fprintf (out, "%s\n", text);
        free (text);
    }
    cJSON_Delete (array);
    if (fclose (out) && rc == 0)
        rc = 3;
    const char *path = cli_option (argc, argv, "--output");
    FILE *target = rc == 0 ? (path ? fopen (path, "w") : stdout) : NULL;
    if (rc == 0 && !target) {
        fprintf (stderr, "kumppani client disclosures: cannot write %s\n", path);
        rc = 3;
    }
    if (target) {
        if (fwrite (buffer, 1, buffer_size, target) != buffer_size)
            rc = 3;
        if (path ? fclose (target) != 0 : fflush (stdout) != 0)
            rc = 3;
    }
    free (buffer);
    return rc;
}
