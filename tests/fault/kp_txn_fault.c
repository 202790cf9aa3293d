/*  kp_txn_fault — the failure tests' seam (see kp_txn.h), linked only into
    the test builds of the services in build/tests/bin/. KUMPPANI_TEST_FAULT
    = "OPERATION:WAY" makes that operation's handler fail one way instead
    of running: "db", a statement fails (SQLSTATE 53100) and the handler
    returns -1 without a word, as a builder that ignores why its query
    failed; "unreported", it returns -1 and nothing failed at all; "slow",
    it runs after a pause of a second (so that a test can send a request
    while one is in a handler). */
#include "kp_txn.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
kp_txn_fault (kp_call_t *call)
{
    const char *fault = getenv ("KUMPPANI_TEST_FAULT");
    size_t len = call->operation ? strlen (call->operation) : 0;
    if (!fault || !len || strncmp (fault, call->operation, len) != 0 || fault [len] != ':')
        return KP_TXN_NO_FAULT;
    const char *way = fault + len + 1;
    if (strcmp (way, "db") == 0) {
        kp_db_command (call->db, "DO $$ BEGIN RAISE EXCEPTION 'injected by the failure test'"
                                 " USING ERRCODE = '53100'; END $$");
        return -1;
    }
    if (strcmp (way, "unreported") == 0)
        return -1;
    if (strcmp (way, "slow") == 0)
        sleep (1);
    return KP_TXN_NO_FAULT;
}
