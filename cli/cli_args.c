/*  The arguments every subcommand shares: "--name VALUE" options, bare
    flags and the JSON body from --json FILE (- for stdin) or --body TEXT.
    Apart from main.c so that unit tests can compile the parsing in. */
#include "cli.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *
cli_option (int argc, char **argv, const char *name)
{
    for (int index = 0; index < argc - 1; index++)
        if (strcmp (argv [index], name) == 0)
            return argv [index + 1];
    return NULL;
}

bool
cli_flag (int argc, char **argv, const char *name)
{
    for (int index = 0; index < argc; index++)
        if (strcmp (argv [index], name) == 0)
            return true;
    return false;
}

static char *
s_read_file (const char *path)
{
    bool from_stdin = strcmp (path, "-") == 0;
    FILE *file = from_stdin ? stdin : fopen (path, "rb");
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
    if (!from_stdin)
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
