/*  kp_service — main() for every kumppani service. Configuration comes
    only from KUMPPANI_* variables; see the README's table. */
#include "kp_service.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

int
kp_service_main (int argc, char **argv, const kp_service_def_t *def)
{
    const char *name = kp_service_name (def->service);
    for (int index = 1; index < argc; index++) {
        if (strcmp (argv [index], "--version") == 0) {
            printf ("%s %s\n", name, KP_VERSION_STRING);
            return 0;
        }
        printf ("usage: %s [--version]\n"
                "kumppani's %s service. Configured by KUMPPANI_* environment variables;\n"
                "see README.md. Stops cleanly on SIGTERM or SIGINT; SIGHUP reloads certificates.\n",
                name, name);
        return strcmp (argv [index], "--help") == 0 ? 0 : 2;
    }
    zsys_init ();
    zsys_set_logident (name);
    if (sodium_init () < 0)
        return 1;
    kp_config_t *config = kp_config_load (name);
    if (!config)
        return 1;
    kp_log_init (name, config->log_level);

    int rc = 1;
    void *context = NULL;
    kp_server_t *server = kp_server_new (config, def->service, def->routes, def->statements, NULL);
    if (server && def->context_new) {
        context = def->context_new (server, config);
        if (!context)
            kp_server_destroy (&server);
    }
    if (server) {
        kp_server_set_context (server, context);
        rc = kp_server_run (server) == 0 ? 0 : 1;
    }
    if (context && def->context_destroy)
        def->context_destroy (context);
    kp_server_destroy (&server);
    kp_config_destroy (&config);
    kp_info ("stopped");
    return rc;
}
