/*  kp_db's SQLSTATE rules: what is retried, what is a domain outcome, and
    which reply status each becomes. (Connections are exercised by the
    integration suites against a real server.) */
#include "kp_db.h"
#include "kumppani/v1/envelope.pb-c.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

TestSuite (db);

//  Arrays, not pointers: criterion may run each case in a fresh process.
typedef struct {
    char sqlstate [6];
    kp_db_class_t class;
    int status;
} sqlstate_case_t;

ParameterizedTestParameters (db, classify)
{
    static sqlstate_case_t cases [] = {
        { "40001", KP_DB_RETRY, KUMPPANI__V1__STATUS__STATUS_UNAVAILABLE },      //  serialization
        { "40P01", KP_DB_RETRY, KUMPPANI__V1__STATUS__STATUS_UNAVAILABLE },      //  deadlock
        { "08006", KP_DB_RETRY, KUMPPANI__V1__STATUS__STATUS_UNAVAILABLE },      //  connection failure
        { "57P01", KP_DB_RETRY, KUMPPANI__V1__STATUS__STATUS_UNAVAILABLE },      //  admin shutdown
        { "23505", KP_DB_DUPLICATE, KUMPPANI__V1__STATUS__STATUS_CONFLICT },
        { "23503", KP_DB_CONSTRAINT, KUMPPANI__V1__STATUS__STATUS_INVALID },     //  foreign key
        { "22007", KP_DB_CONSTRAINT, KUMPPANI__V1__STATUS__STATUS_INVALID },     //  bad datetime
        { "53300", KP_DB_ERROR, KUMPPANI__V1__STATUS__STATUS_UNAVAILABLE },      //  too many connections
        { "42501", KP_DB_ERROR, KUMPPANI__V1__STATUS__STATUS_INTERNAL },         //  privilege: our bug
        { "42P01", KP_DB_ERROR, KUMPPANI__V1__STATUS__STATUS_INTERNAL },
    };
    return cr_make_param_array (sqlstate_case_t, cases, sizeof cases / sizeof cases [0]);
}

ParameterizedTest (sqlstate_case_t *item, db, classify)
{
    cr_assert_eq (kp_db_classify (item->sqlstate), item->class, "class of %s", item->sqlstate);
    cr_assert_eq (kp_db_status_for (item->sqlstate), item->status, "status of %s", item->sqlstate);
}

Test (db, no_answer_means_connection_loss)
{
    cr_assert_eq (kp_db_classify (NULL), KP_DB_RETRY);
}

Test (db, unreachable_server_gives_null_not_a_crash)
{
    kp_db_t *db = kp_db_new ("host=/nonexistent/socket/dir dbname=none connect_timeout=1", 100);
    cr_assert_null (db);
}

//  Server messages quote data as well as names: only the names stay.
Test (db, redact_keeps_names_and_drops_values)
{
    char out [256];
    const char *names [] = { "referral", "referrals", "referrals_kind_check", NULL };
    kp_db_redact ("new row for relation \"referrals\" violates check constraint \"referrals_kind_check\"",
                  names, out, sizeof out);
    cr_assert_str_eq (out, "new row for relation \"referrals\" violates check constraint \"referrals_kind_check\"");
    kp_db_redact ("invalid input syntax for type date: \"131052-308T\"", names, out, sizeof out);
    cr_assert_str_eq (out, "invalid input syntax for type date: \"…\"");
    const char *none [] = { NULL };
    kp_db_redact ("value \"Maija\" and \"Meikäläinen\" here", none, out, sizeof out);
    cr_assert_str_eq (out, "value \"…\" and \"…\" here");
    //  An unmatched quote is kept as it is; a short buffer truncates safely.
    kp_db_redact ("oddly \"unterminated", none, out, sizeof out);
    cr_assert_str_eq (out, "oddly \"unterminated");
    char small [12];
    kp_db_redact ("value \"131052-308T\" is bad", none, small, sizeof small);
    cr_assert_lt (strlen (small), sizeof small);
    cr_assert_null (strstr (small, "131052"));
}
