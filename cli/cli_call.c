/*  kumppani call — any operation of any service, with its body as JSON (the
    proto's field names; enums by value name). The reply is printed as one
    JSON object; an error reply prints its status, machine code and field on
    stderr and sets the exit status: 0 OK, 1 refused (INVALID, NOT_FOUND,
    CONFLICT, FORBIDDEN, UNAUTHENTICATED), 2 usage, 3 no answer or the
    service failed (UNAVAILABLE, INTERNAL). */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *
s_read_file (const char *path)
{
    FILE *file = strcmp (path, "-") == 0 ? stdin : fopen (path, "rb");
    if (!file)
        return NULL;
    size_t size = 0, room = 4096;
    char *text = malloc (room);
    size_t got;
    while (text && (got = fread (text + size, 1, room - size - 1, file)) > 0) {
        size += got;
        if (size + 1 == room) {
            char *grown = realloc (text, room *= 2);
            if (!grown)
                free (text);
            text = grown;
        }
    }
    if (text)
        text [size] = 0;
    if (file != stdin)
        fclose (file);
    return text;
}

int
cli_body (int argc, char **argv, char **text)
{
    const char *path = cli_option (argc, argv, "--json");
    const char *inline_body = cli_option (argc, argv, "--body");
    *text = path ? s_read_file (path) : inline_body ? strdup (inline_body) : NULL;
    if (path && !*text) {
        fprintf (stderr, "kumppani: cannot read %s\n", path);
        return -1;
    }
    return 0;
}

int
cli_call (int argc, char **argv, const kp_config_t *config)
{
    if (argc < 3 || cli_flag (argc, argv, "--help")) {
        printf ("usage: kumppani call SERVICE OPERATION [--json FILE|-] [--body JSON]\n"
                "                     [--person ID] [--role ROLE] [--key IDEMPOTENCY_KEY]\n"
                "Sends any operation (the Request body field, e.g. submit_referral) with its body as\n"
                "JSON (proto field names, enums by value name) and prints the reply as JSON.\n"
                "Exit: 0 OK, 1 refused (status and code on stderr), 2 usage, 3 no answer/failed.\n");
        return argc < 3 ? 2 : 0;
    }
    char *text;
    if (cli_body (argc, argv, &text))
        return 2;
    int rc = cli_send (config, argv [1], argv [2], text, argc, argv, NULL);
    free (text);
    return rc;
}
