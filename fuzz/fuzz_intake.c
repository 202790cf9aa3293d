/*  fuzz_intake — arbitrary frames through intake's route table and
    handlers (validation up to the first query; see fuzz_call.h). */
#include "fuzz_call.h"
#include "../services/intake/intake_context.h"
#include "../services/intake/intake_server.h"

static intake_t s_intake;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    (void) argc; (void) argv;
    s_intake.keys = fuzz_call_hetu_keys ();
    return s_intake.keys ? 0 : -1;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    fuzz_call_one (&intake_service, &s_intake, data, size);
    return 0;
}
