/*  The stream service: wiring only. */
#include "stream_server.h"

int
main (int argc, char **argv)
{
    return kp_service_main (argc, argv, &stream_service);
}
