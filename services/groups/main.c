/*  The groups service: wiring only. */
#include "groups_server.h"
#include "kp_service.h"

int
main (int argc, char **argv)
{
    return kp_service_main (argc, argv, &groups_service);
}
