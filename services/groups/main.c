/*  The groups service: wiring only. */
#include "groups_server.h"

int
main (int argc, char **argv)
{
    return kp_service_main (argc, argv, &groups_service);
}
