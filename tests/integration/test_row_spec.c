/*  kp_db holds each statement's row spec against the server's description
    when it prepares it: a spec that names a column wrongly, gives it
    another type or has another count makes kp_db_register fail (at a
    service's start-up: the service does not start) with the statement's
    name in the error, and a spec that matches passes. */
#include "kp_db.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static kp_db_t *s_db;

static void
s_setup (void)
{
    s_db = kp_db_new (getenv ("KUMPPANI_TEST_ADMIN_CONNINFO"), 5000);
    cr_assert_not_null (s_db);
}

static void
s_teardown (void)
{
    kp_db_destroy (&s_db);
}

TestSuite (row_spec, .init = s_setup, .fini = s_teardown);

static const kp_col_t s_row [] = {
    { "referral_id", "text" }, { "state", "referral.referral_state" }, { "urgent", "bool" }, { NULL }
};
#define S_SQL "SELECT referral_id, state, urgent FROM referral.referrals WHERE referral_id = $1::text"

Test (row_spec, a_matching_spec_prepares)
{
    static const kp_stmt_t table [] = { { "spec_matches", S_SQL, s_row }, { NULL } };
    cr_assert_eq (kp_db_register (s_db, table), 0, "%s", kp_db_message (s_db));
}

static void
s_assert_drift (const kp_stmt_t *table, const char *what)
{
    cr_assert_eq (kp_db_register (s_db, table), -1, "a drift (%s) was not found", what);
    cr_assert (strstr (kp_db_message (s_db), table [0].name), "the error names the statement: %s",
               kp_db_message (s_db));
    cr_assert (strstr (kp_db_message (s_db), what), "the error says what differs (%s): %s", what,
               kp_db_message (s_db));
    cr_assert_str_eq (kp_db_sqlstate (s_db), "42804");
}

Test (row_spec, a_renamed_column_fails_with_the_statement_name)
{
    static const kp_col_t row [] = {
        { "referral_id", "text" }, { "status", "referral.referral_state" }, { "urgent", "bool" }, { NULL }
    };
    static const kp_stmt_t table [] = { { "spec_renamed", S_SQL, row }, { NULL } };
    s_assert_drift (table, "\"status\"");
}

Test (row_spec, another_type_fails)
{
    //  The state as it was before migration 0016: a number.
    static const kp_col_t row [] = {
        { "referral_id", "text" }, { "state", "int2" }, { "urgent", "bool" }, { NULL }
    };
    static const kp_stmt_t table [] = { { "spec_retyped", S_SQL, row }, { NULL } };
    s_assert_drift (table, "int2");
}

Test (row_spec, another_count_fails)
{
    static const kp_col_t row [] = { { "referral_id", "text" }, { "state", "referral.referral_state" }, { NULL } };
    static const kp_stmt_t table [] = { { "spec_short", S_SQL, row }, { NULL } };
    s_assert_drift (table, "3 columns");
}

Test (row_spec, an_unknown_type_fails)
{
    static const kp_col_t row [] = {
        { "referral_id", "text" }, { "state", "referral.no_such_type" }, { "urgent", "bool" }, { NULL }
    };
    static const kp_stmt_t table [] = { { "spec_unknown_type", S_SQL, row }, { NULL } };
    s_assert_drift (table, "no_such_type");
}
