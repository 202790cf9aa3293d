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

int
cli_call (int argc, char **argv, const kp_config_t *config)
{
    if (argc < 3 || cli_flag (argc, argv, "--help")) {
        printf ("usage: kumppani call SERVICE OPERATION [--json FILE|-] [--body JSON]\n"
                "                     [--person ID] [--role ROLE] [--key IDEMPOTENCY_KEY] [--typed]\n"
                "Sends any operation (the Request body field, e.g. submit_referral) with its body as\n"
                "JSON (proto field names, enums by value name) and prints the reply as JSON;\n"
                "--typed leaves out the deprecated fields beside their typed twins.\n"
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
