/*  kp_hetu: validation against the public example codes and every century
    sign, the error each malformed code gets, and the key, encryption and
    lookup-hash round trips (key files in a temporary directory). */
#define _GNU_SOURCE             //  memmem
#include "kp_hetu.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

TestSuite (hetu);

static const char *s_enc_hex =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
static const char *s_hash_hex =
    "A0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBF";
static const char *s_other_hex =
    "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";

//  Test-side check character, written independently of the module: the
//  ten characters before it minus the sign, as a number, mod 31.
static char
s_check_char (const char *first_ten)
{
    char digits [10];
    memcpy (digits, first_ten, 6);
    memcpy (digits + 6, first_ten + 7, 3);
    digits [9] = '\0';
    return "0123456789ABCDEFHJKLMNPRSTUVWXY" [strtol (digits, NULL, 10) % 31];
}

typedef struct {
    char code [24];
    kp_hetu_error_t expected;
    int year, month, day;       //  birth date when expected is KP_HETU_OK
} hetu_case_t;

ParameterizedTestParameters (hetu, validate)
{
    static hetu_case_t cases [] = {
        //  Public example codes (DVV), each check character verified by hand
        //  with the mod-31 rule.
        { "131052-308T", KP_HETU_OK, 1952, 10, 13 },
        { "010594Y9032", KP_HETU_OK, 1994, 5, 1 },
        { "010594Y9021", KP_HETU_OK, 1994, 5, 1 },
        { "020594X903P", KP_HETU_OK, 1994, 5, 2 },
        { "020594X902N", KP_HETU_OK, 1994, 5, 2 },
        { "030594W903B", KP_HETU_OK, 1994, 5, 3 },
        { "030694W9024", KP_HETU_OK, 1994, 6, 3 },
        { "040594V9030", KP_HETU_OK, 1994, 5, 4 },
        { "040594V902Y", KP_HETU_OK, 1994, 5, 4 },
        { "050594U903M", KP_HETU_OK, 1994, 5, 5 },
        { "050594U902L", KP_HETU_OK, 1994, 5, 5 },
        { "010516B903X", KP_HETU_OK, 2016, 5, 1 },
        { "010516A902W", KP_HETU_OK, 2016, 5, 1 },
        { "020516C903K", KP_HETU_OK, 2016, 5, 2 },
        //  The rule gives J, 7 and 6 for these three; the L, R and U
        //  sometimes quoted with them are wrong and must be refused.
        { "020516D902J", KP_HETU_OK, 2016, 5, 2 },
        { "030516E9037", KP_HETU_OK, 2016, 5, 3 },
        { "030516F9026", KP_HETU_OK, 2016, 5, 3 },
        { "020516D902L", KP_HETU_BAD_CHECK, 0, 0, 0 },
        { "030516E903R", KP_HETU_BAD_CHECK, 0, 0, 0 },
        { "030516F902U", KP_HETU_BAD_CHECK, 0, 0, 0 },
        //  1800s, leap days, temporary numbers, the lowest normal number
        { "010185+002E", KP_HETU_OK, 1885, 1, 1 },
        { "311299+0029", KP_HETU_OK, 1899, 12, 31 },
        { "290200A999J", KP_HETU_OK, 2000, 2, 29 },
        { "290296-999A", KP_HETU_OK, 1996, 2, 29 },
        { "290204B999K", KP_HETU_OK, 2004, 2, 29 },
        //  bad check character
        { "131052-308A", KP_HETU_BAD_CHECK, 0, 0, 0 },
        { "131052-3080", KP_HETU_BAD_CHECK, 0, 0, 0 },
        { "131052-308G", KP_HETU_BAD_CHECK, 0, 0, 0 },  //  G is never a check character
        { "131052-308+", KP_HETU_BAD_CHECK, 0, 0, 0 },
        //  impossible dates (check characters would be right if the date were)
        { "310223-308T", KP_HETU_BAD_DATE, 0, 0, 0 },
        { "290223A002D", KP_HETU_BAD_DATE, 0, 0, 0 },   //  2023 is not a leap year
        { "290200-002X", KP_HETU_BAD_DATE, 0, 0, 0 },   //  nor is 1900
        { "290200+0020", KP_HETU_BAD_DATE, 0, 0, 0 },   //  nor is 1800
        { "000100-0020", KP_HETU_BAD_DATE, 0, 0, 0 },
        { "320100-0020", KP_HETU_BAD_DATE, 0, 0, 0 },
        { "011300-0020", KP_HETU_BAD_DATE, 0, 0, 0 },
        { "010000-0020", KP_HETU_BAD_DATE, 0, 0, 0 },
        //  bad century sign
        { "131052Z308T", KP_HETU_BAD_CENTURY, 0, 0, 0 },
        { "131052G308T", KP_HETU_BAD_CENTURY, 0, 0, 0 },
        { "1310520308T", KP_HETU_BAD_CENTURY, 0, 0, 0 },
        { "131052+308T", KP_HETU_OK, 1852, 10, 13 },    //  same digits, another person
        //  individual numbers 000 and 001
        { "131052-000B", KP_HETU_BAD_NUMBER, 0, 0, 0 },
        { "131052-001C", KP_HETU_BAD_NUMBER, 0, 0, 0 },
        //  wrong length
        { "", KP_HETU_BAD_LENGTH, 0, 0, 0 },
        { "131052-308", KP_HETU_BAD_LENGTH, 0, 0, 0 },
        { "131052-308TT", KP_HETU_BAD_LENGTH, 0, 0, 0 },
        { " 131052-308T", KP_HETU_BAD_LENGTH, 0, 0, 0 },
        { "131052-308T\n", KP_HETU_BAD_LENGTH, 0, 0, 0 },
        //  lower case is not folded, and garbage is refused
        { "131052-308t", KP_HETU_BAD_CHARACTER, 0, 0, 0 },
        { "010516b903X", KP_HETU_BAD_CHARACTER, 0, 0, 0 },
        { "010594y9032", KP_HETU_BAD_CHARACTER, 0, 0, 0 },
        { "13105X-308T", KP_HETU_BAD_CHARACTER, 0, 0, 0 },
        { "131052-3O8T", KP_HETU_BAD_CHARACTER, 0, 0, 0 },
        { "131052 308T", KP_HETU_BAD_CHARACTER, 0, 0, 0 },
        { "131052-308 ", KP_HETU_BAD_CHARACTER, 0, 0, 0 },
        { "131052-308\xc3", KP_HETU_BAD_CHARACTER, 0, 0, 0 },
        { "hello world", KP_HETU_BAD_CHARACTER, 0, 0, 0 },
    };
    return cr_make_param_array (hetu_case_t, cases, sizeof cases / sizeof cases [0]);
}

ParameterizedTest (hetu_case_t *param, hetu, validate)
{
    int year = -1, month = -1, day = -1;
    kp_hetu_error_t error = kp_hetu_validate (param->code, &year, &month, &day);
    cr_assert_eq (error, param->expected, "\"%s\": %s, expected %s", param->code,
                  kp_hetu_error_code (error), kp_hetu_error_code (param->expected));
    if (param->expected == KP_HETU_OK) {
        cr_assert_eq (year, param->year, "\"%s\": year %d", param->code, year);
        cr_assert_eq (month, param->month);
        cr_assert_eq (day, param->day);
        //  The test-side rule agrees with the module on every valid code.
        cr_assert_eq (s_check_char (param->code), param->code [10]);
    }
    else {
        cr_assert_eq (year, -1, "\"%s\": outputs set on failure", param->code);
        cr_assert_eq (month, -1);
        cr_assert_eq (day, -1);
    }
}

Test (hetu, every_century_sign)
{
    const struct {
        char sign;
        int century;
    } signs [] = {
        { '+', 1800 },
        { '-', 1900 }, { 'Y', 1900 }, { 'X', 1900 }, { 'W', 1900 }, { 'V', 1900 }, { 'U', 1900 },
        { 'A', 2000 }, { 'B', 2000 }, { 'C', 2000 }, { 'D', 2000 }, { 'E', 2000 }, { 'F', 2000 },
    };
    const char *numbers [] = { "002", "123", "899", "900", "999" };
    for (size_t index = 0; index < sizeof signs / sizeof signs [0]; index++)
        for (size_t number = 0; number < sizeof numbers / sizeof numbers [0]; number++) {
            char code [KP_HETU_LEN + 1];
            snprintf (code, sizeof code, "150607%c%s?", signs [index].sign, numbers [number]);
            code [10] = s_check_char (code);
            int year = 0;
            cr_assert_eq (kp_hetu_validate (code, &year, NULL, NULL), KP_HETU_OK, "%s refused", code);
            cr_assert_eq (year, signs [index].century + 7, "%s: year %d", code, year);
        }
    //  Every other printable character is refused as a sign.
    for (int sign = 0x21; sign < 0x7f; sign++) {
        if (strchr ("+-YXWVUABCDEF", sign))
            continue;
        char code [KP_HETU_LEN + 1];
        snprintf (code, sizeof code, "150607%c123?", sign);
        code [10] = s_check_char (code);
        cr_assert_neq (kp_hetu_validate (code, NULL, NULL, NULL), KP_HETU_OK, "sign %c accepted", sign);
    }
}

Test (hetu, error_codes)
{
    cr_assert_str_eq (kp_hetu_error_code (KP_HETU_BAD_CHECK), "hetu.bad_check");
    cr_assert_str_eq (kp_hetu_error_code (KP_HETU_BAD_LENGTH), "hetu.bad_length");
    cr_assert_str_eq (kp_hetu_error_code (KP_HETU_BAD_CHARACTER), "hetu.bad_character");
    cr_assert_str_eq (kp_hetu_error_code ((kp_hetu_error_t) 99), "hetu.invalid");
    cr_assert_eq (kp_hetu_validate (NULL, NULL, NULL, NULL), KP_HETU_BAD_LENGTH);
}

typedef struct {
    char text [48];
    bool looks_like;
} looks_case_t;

ParameterizedTestParameters (hetu, looks_like)
{
    static looks_case_t cases [] = {
        //  Valid codes, alone and inside other text.
        { "131052-308T", true },
        { "010594Y9032", true },
        { "o:010594Y9032", true },
        { "worker-010516B903X-1", true },
        { "010594Y9032x", true },
        //  A wrong check character, a lower-case sign or check, the
        //  individual numbers validation refuses: still shaped like one.
        { "131052-308U", true },
        { "010594y9032", true },
        { "020594X903p", true },
        { "150372-0019", true },
        { "010101+0000", true },
        //  A date-stamped key with a dash and four digits has the shape.
        { "k-20260323-0012", true },
        //  Not the shape.
        { "", false },
        { "131052-308", false },        //  no check character
        { "131052_308T", false },       //  not a century sign
        { "131052G308T", false },
        { "321052-308T", false },       //  day 32
        { "001052-308T", false },       //  day 00
        { "131352-308T", false },       //  month 13
        { "131052-30XT", false },
        { "131052--308T", false },
        { "2026-03-23", false },
        { "worker-1", false },
        { "muni-743", false },
        { "01JQ3W0ZK5E8Y2B4V6N8R1T3M5", false },
    };
    return cr_make_param_array (looks_case_t, cases, sizeof cases / sizeof cases [0]);
}

ParameterizedTest (looks_case_t *param, hetu, looks_like)
{
    cr_assert_eq (kp_hetu_looks_like (param->text), param->looks_like, "\"%s\"", param->text);
}

Test (hetu, looks_like_every_century_sign_and_no_null)
{
    for (const char *sign = "+-ABCDEFXYWVU"; *sign; sign++) {
        char code [KP_HETU_LEN + 1];
        snprintf (code, sizeof code, "150607%c123?", *sign);
        code [10] = s_check_char (code);
        cr_assert (kp_hetu_looks_like (code), "%s", code);
    }
    cr_assert_not (kp_hetu_looks_like (NULL));
}

Test (hetu, keys_from_hex)
{
    kp_hetu_keys_t *keys = kp_hetu_keys_new (s_enc_hex, s_hash_hex);
    cr_assert_not_null (keys);
    kp_hetu_keys_destroy (&keys);
    cr_assert_null (keys);
    kp_hetu_keys_destroy (&keys);

    const char *bad [] = {
        "",
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1",     //  63
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f0",   //  65
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1g",    //  not hex
        "00 102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
        "0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
    };
    for (size_t index = 0; index < sizeof bad / sizeof bad [0]; index++) {
        cr_assert_null (kp_hetu_keys_new (bad [index], s_hash_hex), "enc key \"%s\" accepted", bad [index]);
        cr_assert_null (kp_hetu_keys_new (s_enc_hex, bad [index]), "hash key \"%s\" accepted", bad [index]);
    }
    cr_assert_null (kp_hetu_keys_new (NULL, s_hash_hex));
    cr_assert_null (kp_hetu_keys_new (s_enc_hex, NULL));
}

Test (hetu, encrypt_round_trip_and_tampering)
{
    kp_hetu_keys_t *keys = kp_hetu_keys_new (s_enc_hex, s_hash_hex);
    cr_assert_not_null (keys);
    size_t size = 0;
    uint8_t *box = kp_hetu_encrypt (keys, "131052-308T", &size);
    cr_assert_not_null (box);
    cr_assert_gt (size, (size_t) KP_HETU_LEN);
    char out [KP_HETU_LEN + 1];
    cr_assert_eq (kp_hetu_decrypt (keys, box, size, out), 0);
    cr_assert_str_eq (out, "131052-308T");

    //  A random nonce: the same code never encrypts to the same bytes twice.
    size_t size2 = 0;
    uint8_t *box2 = kp_hetu_encrypt (keys, "131052-308T", &size2);
    cr_assert_eq (size2, size);
    cr_assert_neq (memcmp (box, box2, size), 0);
    free (box2);

    //  Any flipped bit, in nonce, tag or ciphertext, is a forgery.
    for (size_t index = 0; index < size; index++) {
        box [index] ^= 0x01;
        cr_assert_eq (kp_hetu_decrypt (keys, box, size, out), -1, "byte %zu tampered unnoticed", index);
        box [index] ^= 0x01;
    }
    cr_assert_eq (kp_hetu_decrypt (keys, box, size - 1, out), -1);
    cr_assert_eq (kp_hetu_decrypt (keys, box, 0, out), -1);
    cr_assert_eq (kp_hetu_decrypt (keys, NULL, size, out), -1);

    //  The wrong key cannot open it.
    kp_hetu_keys_t *other = kp_hetu_keys_new (s_other_hex, s_hash_hex);
    cr_assert_eq (kp_hetu_decrypt (other, box, size, out), -1);
    kp_hetu_keys_destroy (&other);

    //  Nothing longer than a code is boxed (decrypt's buffer could not hold it).
    size_t long_size = 99;
    cr_assert_null (kp_hetu_encrypt (keys, "131052-308TX", &long_size));
    cr_assert_eq (long_size, 0);

    free (box);
    kp_hetu_keys_destroy (&keys);
}

Test (hetu, seal_round_trip_tampering_and_keyed_hash)
{
    kp_hetu_keys_t *keys = kp_hetu_keys_new (s_enc_hex, s_hash_hex);
    kp_hetu_keys_t *other = kp_hetu_keys_new (s_other_hex, s_other_hex);
    const uint8_t data [] = "reply bytes holding 131052-308T and more";
    size_t box_size = 0, size = 0;
    uint8_t *box = kp_hetu_seal (keys, data, sizeof data, &box_size);
    cr_assert_not_null (box);
    cr_assert_gt (box_size, sizeof data);
    cr_assert_null (memmem (box, box_size, "131052-308T", KP_HETU_LEN), "the code shows through the seal");
    uint8_t *opened = kp_hetu_unseal (keys, box, box_size, &size);
    cr_assert_not_null (opened);
    cr_assert_eq (size, sizeof data);
    cr_assert_eq (memcmp (opened, data, size), 0);
    free (opened);
    box [box_size - 1] ^= 0x01;
    cr_assert_null (kp_hetu_unseal (keys, box, box_size, &size));
    box [box_size - 1] ^= 0x01;
    cr_assert_null (kp_hetu_unseal (other, box, box_size, &size));
    cr_assert_null (kp_hetu_unseal (keys, box, 10, &size));
    free (box);
    //  Nothing sealed is fine too (a reply may pack to no bytes).
    box = kp_hetu_seal (keys, NULL, 0, &box_size);
    opened = kp_hetu_unseal (keys, box, box_size, &size);
    cr_assert_not_null (opened);
    cr_assert_eq (size, 0);
    free (opened);
    free (box);

    //  The keyed hash depends on the key, and differs from an unkeyed one.
    uint8_t one [KP_HETU_HASH_BYTES], two [KP_HETU_HASH_BYTES], again [KP_HETU_HASH_BYTES];
    kp_hetu_keyed_hash (keys, data, sizeof data, one);
    kp_hetu_keyed_hash (keys, data, sizeof data, again);
    kp_hetu_keyed_hash (other, data, sizeof data, two);
    cr_assert_eq (memcmp (one, again, sizeof one), 0);
    cr_assert_neq (memcmp (one, two, sizeof one), 0);
    kp_hetu_keys_destroy (&keys);
    kp_hetu_keys_destroy (&other);
}

Test (hetu, lookup_hash)
{
    kp_hetu_keys_t *keys = kp_hetu_keys_new (s_enc_hex, s_hash_hex);
    kp_hetu_keys_t *same = kp_hetu_keys_new (s_other_hex, s_hash_hex);
    kp_hetu_keys_t *other = kp_hetu_keys_new (s_enc_hex, s_other_hex);
    cr_assert (keys && same && other);
    uint8_t first [KP_HETU_HASH_BYTES], second [KP_HETU_HASH_BYTES];

    kp_hetu_lookup_hash (keys, "131052-308T", first);
    kp_hetu_lookup_hash (keys, "131052-308T", second);
    cr_assert_eq (memcmp (first, second, sizeof first), 0, "same code, same key, different hash");

    //  The hash depends on the hash key only, so the encryption key can be
    //  rotated without re-indexing.
    kp_hetu_lookup_hash (same, "131052-308T", second);
    cr_assert_eq (memcmp (first, second, sizeof first), 0);

    kp_hetu_lookup_hash (other, "131052-308T", second);
    cr_assert_neq (memcmp (first, second, sizeof first), 0, "different key, same hash");

    kp_hetu_lookup_hash (keys, "010594Y9032", second);
    cr_assert_neq (memcmp (first, second, sizeof first), 0, "different code, same hash");

    //  The sign is part of the identity: same digits, other sign, other hash.
    kp_hetu_lookup_hash (keys, "010594Y9032", first);
    kp_hetu_lookup_hash (keys, "010594-9032", second);
    cr_assert_neq (memcmp (first, second, sizeof first), 0);

    kp_hetu_keys_destroy (&keys);
    kp_hetu_keys_destroy (&same);
    kp_hetu_keys_destroy (&other);
}

//  Key files live in a directory made for the test and removed after it.
static char s_dir [256];

static void
s_make_dir (void)
{
    snprintf (s_dir, sizeof s_dir, "%s/kp_hetu_test.XXXXXX", getenv ("TMPDIR") ? getenv ("TMPDIR") : "/tmp");
    cr_assert_not_null (mkdtemp (s_dir));
}

static void
s_path (char *path, const char *name)
{
    snprintf (path, PATH_MAX, "%s/%s", s_dir, name);
}

static void
s_remove_dir (void)
{
    const char *names [] = { "keys", "bad", "crlf", "long" };
    for (size_t index = 0; index < sizeof names / sizeof names [0]; index++) {
        char path [PATH_MAX];
        s_path (path, names [index]);
        unlink (path);
    }
    rmdir (s_dir);
}

static void
s_write (const char *path, const char *text)
{
    FILE *file = fopen (path, "w");
    cr_assert_not_null (file);
    fputs (text, file);
    fclose (file);
}

Test (hetu, keys_generate_and_load, .init = s_make_dir, .fini = s_remove_dir)
{
    char path [PATH_MAX];
    s_path (path, "keys");
    cr_assert_eq (kp_hetu_keys_generate (path), 0);
    struct stat info;
    cr_assert_eq (stat (path, &info), 0);
    cr_assert_eq (info.st_mode & 0777, 0600, "key file mode %o", info.st_mode & 0777);
    cr_assert_eq (info.st_size, 2 * 65);

    kp_hetu_keys_t *keys = kp_hetu_keys_load (path);
    cr_assert_not_null (keys);
    size_t size;
    uint8_t *box = kp_hetu_encrypt (keys, "010594Y9032", &size);
    uint8_t hash [KP_HETU_HASH_BYTES];
    kp_hetu_lookup_hash (keys, "010594Y9032", hash);
    kp_hetu_keys_destroy (&keys);

    //  A second load gives the same keys: the box opens, the hash matches.
    keys = kp_hetu_keys_load (path);
    cr_assert_not_null (keys);
    char out [KP_HETU_LEN + 1];
    cr_assert_eq (kp_hetu_decrypt (keys, box, size, out), 0);
    cr_assert_str_eq (out, "010594Y9032");
    uint8_t again [KP_HETU_HASH_BYTES];
    kp_hetu_lookup_hash (keys, "010594Y9032", again);
    cr_assert_eq (memcmp (hash, again, sizeof hash), 0);
    kp_hetu_keys_destroy (&keys);

    //  An existing key file is never overwritten.
    errno = 0;
    cr_assert_eq (kp_hetu_keys_generate (path), -1);
    cr_assert_eq (errno, EEXIST);
    keys = kp_hetu_keys_load (path);
    cr_assert_eq (kp_hetu_decrypt (keys, box, size, out), 0);
    kp_hetu_keys_destroy (&keys);
    free (box);

    //  Two generated files hold different keys.
    char other [PATH_MAX];
    s_path (other, "long");
    cr_assert_eq (kp_hetu_keys_generate (other), 0);
    keys = kp_hetu_keys_load (other);
    kp_hetu_lookup_hash (keys, "010594Y9032", again);
    cr_assert_neq (memcmp (hash, again, sizeof hash), 0);
    kp_hetu_keys_destroy (&keys);
}

Test (hetu, keys_load_refuses_bad_files, .init = s_make_dir, .fini = s_remove_dir)
{
    char path [PATH_MAX];
    s_path (path, "crlf");
    char text [256];
    snprintf (text, sizeof text, "%s\r\n%s\r\n", s_enc_hex, s_hash_hex);
    s_write (path, text);
    kp_hetu_keys_t *keys = kp_hetu_keys_load (path);
    cr_assert_not_null (keys, "CRLF line ends refused");
    kp_hetu_keys_destroy (&keys);

    snprintf (text, sizeof text, "%s\n%s", s_enc_hex, s_hash_hex);
    s_write (path, text);
    keys = kp_hetu_keys_load (path);
    cr_assert_not_null (keys, "missing final newline refused");
    kp_hetu_keys_destroy (&keys);

    s_path (path, "bad");
    const char *bad [] = {
        "",
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n\n",
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
        "A0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBF\nextra\n",
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f "
        "A0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBF\n",
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1\n"
        "A0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBF\n",
    };
    for (size_t index = 0; index < sizeof bad / sizeof bad [0]; index++) {
        s_write (path, bad [index]);
        cr_assert_null (kp_hetu_keys_load (path), "bad key file %zu accepted", index);
    }
    s_path (path, "long");
    s_write (path, "a very long file that is certainly not a pair of keys, "
                   "and goes on past any size a key file could have. "
                   "It goes on past any size a key file could have, really.");
    cr_assert_null (kp_hetu_keys_load (path));
    s_path (path, "missing");
    cr_assert_null (kp_hetu_keys_load (path));
    cr_assert_null (kp_hetu_keys_load (NULL));
}
