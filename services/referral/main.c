/*  The referral service: wiring only. Its operations arrive with its issue;
    until then it answers health like every service. */
#include "kp_service.h"

static const kp_route_t s_routes [] = { { 0 } };

int
main (int argc, char **argv)
{
    kp_service_def_t def = { .service = KP_SERVICE_REFERRAL, .routes = s_routes };
    return kp_service_main (argc, argv, &def);
}
