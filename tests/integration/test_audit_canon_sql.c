/*  The canonical form has one definition, kp_audit_canon in C; the SQL
    function the writer hashes (kp.audit_canonical_v2) must produce the
    same bytes, and the C rendering of format 1 the same bytes as the SQL
    function that made the old rows (kp.audit_canonical). Checked on rows
    with awkward contents (empty fields, 0x1f, multibyte UTF-8, a long
    detail, times before 1970 and far ahead), under session settings
    unlike the server's defaults. Reads only pure functions of the shared
    database. */
#include "kp_audit_canon.h"

#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_EPOCH_US     INT64_C(946684800000000)

typedef struct {
    const char *seq;
    const char *at;                 //  as the server parses it
    const char *fields [9];         //  service … detail
} s_case_t;

static char s_long [100001];        //  a long detail, multibyte included

static const s_case_t s_cases [] = {
    { "1", "2024-02-29 23:59:59.999999+02", { "intake", "muni-743", "worker-1", "ROLE_SOCIAL_WORKER",
      "intake.get_client", "client-1", "", "", "read 1" } },
    { "2", "1970-01-01 00:00:00+00", { "", "", "", "", "", "", "", "", "" } },
    { "3", "1969-07-20 20:17:40.000001+00", { "referral", "kela", "alice\x1fROLE_OPERATOR", "ROLE_SOCIAL_WORKER",
      "referral.get_referral", "\x1f", "\x1f\x1f", "muni-091", "x\x1f" } },
    { "4", "2000-01-01 00:00:00.5+00", { "groups", "ngo-743", "Äänekoski ÅÖ 🙂 ß", "ROLE_COORDINATOR",
      "groups.enrol", "c-ä", "suostumus", "Hämeenlinna", "日本語" } },
    { "9223372036854775807", "9999-12-31 23:59:59.999999+00", { "reporting", "o", "p", "r",
      "reporting.run_report", "c", "b", "rec", NULL } },
    { "-5", "0044-03-15 12:00:00+00", { "stream", "o", "p", "r", "stream.replay", "", "", "", "" } },
};
#define CASES (sizeof s_cases / sizeof s_cases [0])

static PGconn *s_conn;

static void
s_setup (void)
{
    for (size_t index = 0; index < sizeof s_long - 1; index += 2)
        memcpy (s_long + index, index % 1000 == 0 ? "\x1f" "a" : "ä", 2);
    s_conn = PQconnectdb (getenv ("KUMPPANI_TEST_ADMIN_CONNINFO"));
    cr_assert_eq (PQstatus (s_conn), CONNECTION_OK, "%s", PQerrorMessage (s_conn));
    //  Far from the defaults: neither form may depend on them.
    PGresult *result = PQexec (s_conn, "SET TimeZone = 'Pacific/Chatham'; SET DateStyle = 'SQL, DMY';"
                                       " SET IntervalStyle = 'iso_8601'; SET extra_float_digits = -15");
    cr_assert_eq (PQresultStatus (result), PGRES_COMMAND_OK, "%s", PQresultErrorMessage (result));
    PQclear (result);
}

static void
s_teardown (void)
{
    PQfinish (s_conn);
}

TestSuite (audit_canon_sql, .init = s_setup, .fini = s_teardown, .timeout = 60);

static int64_t
s_be (const char *bytes, int width)
{
    uint64_t value = 0;
    for (int byte = 0; byte < width; byte++)
        value = value << 8 | (uint8_t) bytes [byte];
    return (int64_t) value;
}

//  A case through SQL: format 1 and 2 bytes, and the raw time.
static PGresult *
s_sql (const s_case_t *test)
{
    const char *values [11] = { test->seq, test->at };
    for (int field = 0; field < 9; field++)
        values [2 + field] = test->fields [field] ? test->fields [field] : s_long;
    PGresult *result = PQexecParams (s_conn,
        "SELECT convert_to (kp.audit_canonical ($1::bigint, $2::timestamptz, $3, $4, $5, $6, $7, $8, $9,"
        "   $10, $11), 'UTF8') AS v1,"
        " kp.audit_canonical_v2 ($1::bigint, $2::timestamptz, $3, $4, $5, $6, $7, $8, $9, $10, $11) AS v2,"
        " $2::timestamptz AS at, $1::bigint AS seq",
        11, NULL, values, NULL, NULL, 1);
    cr_assert_eq (PQresultStatus (result), PGRES_TUPLES_OK, "%s", PQresultErrorMessage (result));
    return result;
}

static kp_audit_row_t
s_row (const s_case_t *test, const PGresult *result, int format)
{
    const char *const *fields = test->fields;
    return (kp_audit_row_t) {
        .format = format, .seq = s_be (PQgetvalue (result, 0, 3), 8),
        .at_us = s_be (PQgetvalue (result, 0, 2), 8) + PG_EPOCH_US,
        .service = fields [0], .actor_org = fields [1], .actor_person = fields [2],
        .actor_role = fields [3], .action = fields [4], .client_ref = fields [5],
        .basis = fields [6], .recipient_org = fields [7], .detail = fields [8] ? fields [8] : s_long
    };
}

static void
s_expect_same (const kp_audit_row_t *row, const PGresult *result, int column, const char *what)
{
    uint8_t *bytes;
    size_t size;
    cr_assert_eq (kp_audit_canonical (row, &bytes, &size), 0);
    cr_assert_eq (size, (size_t) PQgetlength (result, 0, column), "seq %lld %s: C made %zu bytes, SQL %d",
                  (long long) row->seq, what, size, PQgetlength (result, 0, column));
    cr_assert (memcmp (bytes, PQgetvalue (result, 0, column), size) == 0,
               "seq %lld %s: C and SQL differ", (long long) row->seq, what);
    free (bytes);
}

Test (audit_canon_sql, c_and_sql_make_the_same_bytes_in_both_formats)
{
    for (size_t index = 0; index < CASES; index++) {
        PGresult *result = s_sql (&s_cases [index]);
        kp_audit_row_t row = s_row (&s_cases [index], result, KP_AUDIT_FORMAT_V1);
        s_expect_same (&row, result, 0, "format 1");
        row.format = KP_AUDIT_FORMAT_V2;
        s_expect_same (&row, result, 1, "format 2");
        PQclear (result);
    }
}

//  Person and role trade a 0x1f: one format-1 text, two format-2 forms.
Test (audit_canon_sql, a_moved_separator_makes_a_different_format_2_form)
{
    s_case_t one = s_cases [0], other = s_cases [0];
    one.fields [2] = "alice\x1fROLE_OPERATOR";
    one.fields [3] = "ROLE_SOCIAL_WORKER";
    other.fields [2] = "alice";
    other.fields [3] = "ROLE_OPERATOR\x1fROLE_SOCIAL_WORKER";
    PGresult *first = s_sql (&one), *second = s_sql (&other);
    cr_assert_eq (PQgetlength (first, 0, 0), PQgetlength (second, 0, 0));
    cr_assert (memcmp (PQgetvalue (first, 0, 0), PQgetvalue (second, 0, 0), (size_t) PQgetlength (first, 0, 0)) == 0,
               "format 1 was thought to collide here");
    cr_assert (PQgetlength (first, 0, 1) != PQgetlength (second, 0, 1)
            || memcmp (PQgetvalue (first, 0, 1), PQgetvalue (second, 0, 1), (size_t) PQgetlength (first, 0, 1)) != 0,
               "two different rows share a format-2 form in SQL");
    uint8_t prev [KP_AUDIT_HASH_SIZE] = { 0 }, hash_one [KP_AUDIT_HASH_SIZE], hash_other [KP_AUDIT_HASH_SIZE];
    kp_audit_row_t row_one = s_row (&one, first, KP_AUDIT_FORMAT_V2);
    kp_audit_row_t row_other = s_row (&other, second, KP_AUDIT_FORMAT_V2);
    cr_assert_eq (kp_audit_hash (prev, &row_one, hash_one), 0);
    cr_assert_eq (kp_audit_hash (prev, &row_other, hash_other), 0);
    cr_assert (memcmp (hash_one, hash_other, sizeof hash_one) != 0);
    PQclear (first);
    PQclear (second);
}
