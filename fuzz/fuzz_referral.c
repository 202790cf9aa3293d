/*  fuzz_referral — arbitrary frames through referral's route table and
    handlers (validation up to the first query; see fuzz_call.h). */
#include "fuzz_call.h"
#include "../services/referral/referral_context.h"
#include "../services/referral/referral_server.h"

static referral_context_t s_referral;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    (void) argc; (void) argv;
    s_referral.keys = fuzz_call_hetu_keys ();
    return s_referral.keys ? 0 : -1;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    fuzz_call_one (&referral_service, &s_referral, data, size);
    return 0;
}
