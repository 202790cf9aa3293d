/*  fuzz_intake — arbitrary frames through intake's route table and
    handlers (validation up to the first query; see fuzz_call.h). */
#include "fuzz_call.h"
#include "../services/intake/intake_server.h"

static intake_t s_intake;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    (void) argc; (void) argv;
    //  Fixed test keys: the handlers hash and encrypt a valid henkilötunnus.
    s_intake.keys = kp_hetu_keys_new (
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
        "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f");
    return s_intake.keys ? 0 : -1;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    fuzz_call_one (&intake_service, &s_intake, data, size);
    return 0;
}
