/*  kp_array: the literals PostgreSQL's array parser reads back as the
    values put in — every element quoted, " and \ escaped, NULL unquoted,
    bytea as "\\x…" — whatever the values hold (commas, braces, the word
    NULL, empty strings, UTF-8). The round trip through the database is
    the referral flush's (tests/integration/test_group_commit.c). */
#include "kp_array.h"

#include <criterion/criterion.h>
#include <string.h>

TestSuite (array);

Test (array, empty_is_braces)
{
    kp_array_t array = { 0 };
    cr_assert_str_eq (kp_array_end (&array), "{}");
    cr_assert_str_eq (kp_array_end (&array), "{}", "ending twice closes once");
    kp_array_free (&array);
    kp_array_free (&array);
    cr_assert_null (array.text);
}

Test (array, text_is_quoted_and_escaped)
{
    kp_array_t array = { 0 };
    kp_array_text (&array, "plain");
    kp_array_text (&array, "say \"hi\"");
    kp_array_text (&array, "back\\slash");
    kp_array_text (&array, "a,b");
    kp_array_text (&array, "{x,y}");
    cr_assert_str_eq (kp_array_end (&array),
                      "{\"plain\",\"say \\\"hi\\\"\",\"back\\\\slash\",\"a,b\",\"{x,y}\"}");
    kp_array_free (&array);
}

Test (array, null_and_empty_differ)
{
    kp_array_t array = { 0 };
    kp_array_text (&array, NULL);
    kp_array_text (&array, "");
    kp_array_text (&array, "NULL");
    kp_array_bytes (&array, NULL, 0);
    cr_assert_str_eq (kp_array_end (&array), "{NULL,\"\",\"NULL\",NULL}",
                      "only a NULL pointer is a NULL element; the word is a string");
    kp_array_free (&array);
}

Test (array, utf8_passes_unchanged)
{
    const char *text = "Äänekoski ”lainaus” \\ {x,y}\nrivi";
    kp_array_t array = { 0 };
    kp_array_text (&array, text);
    cr_assert_str_eq (kp_array_end (&array), "{\"Äänekoski ”lainaus” \\\\ {x,y}\nrivi\"}");
    kp_array_free (&array);
}

Test (array, bytea_is_hex)
{
    const uint8_t bytes [] = { 0x00, 0x5c, 0x22, 0xff, 0x7b };
    kp_array_t array = { 0 };
    kp_array_bytes (&array, bytes, sizeof bytes);
    kp_array_bytes (&array, bytes, 0);
    cr_assert_str_eq (kp_array_end (&array), "{\"\\\\x005c22ff7b\",\"\\\\x\"}");
    kp_array_free (&array);
}

Test (array, grows_past_its_first_block)
{
    char long_text [1000];
    memset (long_text, 'a', sizeof long_text - 1);
    long_text [sizeof long_text - 1] = 0;
    kp_array_t array = { 0 };
    for (int index = 0; index < 100; index++)
        kp_array_text (&array, long_text);
    const char *literal = kp_array_end (&array);
    cr_assert_eq (strlen (literal), 2 + 100 * (sizeof long_text - 1 + 2) + 99);
    cr_assert_eq (array.count, 100u);
    kp_array_free (&array);
}
