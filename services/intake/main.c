/*  The intake service: wiring only. */
#include "intake_server.h"
#include "kp_service.h"

int
main (int argc, char **argv)
{
    return kp_service_main (argc, argv, &intake_service);
}
