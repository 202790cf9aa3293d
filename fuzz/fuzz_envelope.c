/*  fuzz_envelope — the request envelope decoder (kp_codec) on arbitrary
    frames: no crash, a machine code for every refusal, and every accepted
    request survives a pack/decode round trip. No service routes it. */
#include "fuzz_call.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    fuzz_call_one (NULL, NULL, data, size);
    return 0;
}
