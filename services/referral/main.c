/*  The referral service: wiring only. */
#include "referral_server.h"
#include "kp_service.h"

int
main (int argc, char **argv)
{
    return kp_service_main (argc, argv, &referral_service);
}
