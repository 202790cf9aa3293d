/*  The stream service: wiring only. */
#include "stream_server.h"

#include <stdlib.h>

int
main (int argc, char **argv)
{
    //  The live side's CURVE encryption, one per message per subscriber,
    //  is most of the service's work and runs in libzmq's I/O threads:
    //  with two, two cores share it (ZSYS_IO_THREADS, if set, decides).
    setenv ("ZSYS_IO_THREADS", "2", 0);
    return kp_service_main (argc, argv, &stream_service);
}
