/*  fuzz_groups — arbitrary frames through the groups service's route
    table and handlers (validation up to the first query; see
    fuzz_call.h). Its context only runs the reminder timer: none here. */
#include "fuzz_call.h"
#include "../services/groups/groups_server.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    fuzz_call_one (&groups_service, NULL, data, size);
    return 0;
}
