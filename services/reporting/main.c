/*  The reporting service: wiring only. */
#include "reporting_server.h"
#include "kp_service.h"

int
main (int argc, char **argv)
{
    return kp_service_main (argc, argv, &reporting_service);
}
