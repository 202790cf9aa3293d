/*  fuzz_stream — arbitrary frames through the stream's replay route
    (validation up to the first query; see fuzz_call.h). */
#include "fuzz_call.h"
#include "../services/stream/stream_server.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    fuzz_call_one (&stream_service, NULL, data, size);
    return 0;
}
