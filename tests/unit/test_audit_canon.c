/*  kp_audit_canon: both canonical forms byte for byte against hand-built
    expectations, and what format 2 is for: rows that differ only in where
    a 0x1f falls share a format-1 text but never a format-2 form or hash.
    (test_audit_canon_sql.c holds the SQL side to the same bytes.) */
#include "kp_audit_canon.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

TestSuite (audit_canon);

static kp_audit_row_t
s_row (int format)
{
    return (kp_audit_row_t) {
        .format = format, .seq = 7, .at_us = -1,      //  one microsecond before 1970
        .service = "intake", .actor_org = "muni-743", .actor_person = "", .actor_role = "ROLE_X",
        .action = "intake.get_client", .client_ref = "c-1", .basis = "", .recipient_org = "",
        .detail = "Ä"
    };
}

Test (audit_canon, format_1_is_the_sql_text)
{
    kp_audit_row_t row = s_row (KP_AUDIT_FORMAT_V1);
    uint8_t *bytes;
    size_t size;
    cr_assert_eq (kp_audit_canonical (&row, &bytes, &size), 0);
    const char expected [] = "7\x1f-1\x1fintake\x1fmuni-743\x1f\x1fROLE_X\x1fintake.get_client\x1f"
                             "c-1\x1f\x1f\x1f\xc3\x84";
    cr_assert_eq (size, sizeof expected - 1);
    cr_assert (memcmp (bytes, expected, size) == 0);
    free (bytes);
}

Test (audit_canon, format_2_is_fixed_width_and_length_prefixed)
{
    kp_audit_row_t row = s_row (KP_AUDIT_FORMAT_V2);
    uint8_t *bytes;
    size_t size;
    cr_assert_eq (kp_audit_canonical (&row, &bytes, &size), 0);
    const uint8_t expected [] = {
        0, 0, 0, 2,
        0, 0, 0, 0, 0, 0, 0, 7,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0, 0, 0, 6, 'i', 'n', 't', 'a', 'k', 'e',
        0, 0, 0, 8, 'm', 'u', 'n', 'i', '-', '7', '4', '3',
        0, 0, 0, 0,
        0, 0, 0, 6, 'R', 'O', 'L', 'E', '_', 'X',
        0, 0, 0, 17, 'i', 'n', 't', 'a', 'k', 'e', '.', 'g', 'e', 't', '_', 'c', 'l', 'i', 'e', 'n', 't',
        0, 0, 0, 3, 'c', '-', '1',
        0, 0, 0, 0,
        0, 0, 0, 0,
        0, 0, 0, 2, 0xc3, 0x84
    };
    cr_assert_eq (size, sizeof expected);
    cr_assert (memcmp (bytes, expected, size) == 0);
    free (bytes);
}

Test (audit_canon, a_moved_separator_changes_format_2_only)
{
    uint8_t prev [KP_AUDIT_HASH_SIZE] = { 0 };
    kp_audit_row_t one = s_row (KP_AUDIT_FORMAT_V1), other = one;
    one.actor_person = "alice\x1fROLE_OPERATOR";
    one.actor_role = "ROLE_SOCIAL_WORKER";
    other.actor_person = "alice";
    other.actor_role = "ROLE_OPERATOR\x1fROLE_SOCIAL_WORKER";
    uint8_t hash_one [KP_AUDIT_HASH_SIZE], hash_other [KP_AUDIT_HASH_SIZE];
    cr_assert_eq (kp_audit_hash (prev, &one, hash_one), 0);
    cr_assert_eq (kp_audit_hash (prev, &other, hash_other), 0);
    cr_assert (memcmp (hash_one, hash_other, sizeof hash_one) == 0, "format 1 was thought ambiguous");
    one.format = other.format = KP_AUDIT_FORMAT_V2;
    cr_assert_eq (kp_audit_hash (prev, &one, hash_one), 0);
    cr_assert_eq (kp_audit_hash (prev, &other, hash_other), 0);
    cr_assert (memcmp (hash_one, hash_other, sizeof hash_one) != 0);
}

Test (audit_canon, an_unknown_format_has_no_canonical_form)
{
    kp_audit_row_t row = s_row (3);
    uint8_t *bytes = (uint8_t *) "", hash [KP_AUDIT_HASH_SIZE], prev [KP_AUDIT_HASH_SIZE] = { 0 };
    size_t size = 1;
    cr_assert_eq (kp_audit_canonical (&row, &bytes, &size), -1);
    cr_assert_null (bytes);
    cr_assert_eq (size, 0);
    cr_assert_eq (kp_audit_hash (prev, &row, hash), -1);
}
