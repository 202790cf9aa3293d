/*  fuzz_reporting — arbitrary frames through reporting's route table and
    handlers (validation up to the first query; see fuzz_call.h). */
#include "fuzz_call.h"
#include "../services/reporting/reporting_server.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    fuzz_call_one (&reporting_service, NULL, data, size);
    return 0;
}
