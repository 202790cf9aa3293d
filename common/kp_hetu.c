/*  kp_hetu — validates henkilötunnus codes and keeps them secret at rest:
    secretbox encryption with a random nonce for storage, and a keyed
    BLAKE2b hash so a client can be looked up without the code in clear. */
#include "kp_hetu.h"
#include "kp_alloc.h"
#include "kp_calendar.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

//  Both keys live in one sodium_malloc'd block: guard pages around it,
//  locked against swap, zeroed by sodium_free.
struct _kp_hetu_keys_t {
    uint8_t enc_key [KP_HETU_KEY_BYTES];    //  crypto_secretbox key
    uint8_t hash_key [KP_HETU_KEY_BYTES];   //  crypto_generichash key
};

#define S_KEY_HEX_LEN   (KP_HETU_KEY_BYTES * 2)
#define S_BOX_OVERHEAD  (crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)

static const char s_check_chars [] = "0123456789ABCDEFHJKLMNPRSTUVWXY";

//  Century sign → first year of the century. The letters were added on
//  1.1.2023 and are part of the identity: 010594Y9032 and 010594-9032 are
//  different codes, so no sign is ever normalised to another.
static int
s_century (char sign)
{
    if (sign == '+')
        return 1800;
    if (sign && strchr ("-YXWVU", sign))
        return 1900;
    if (sign && strchr ("ABCDEF", sign))
        return 2000;
    return -1;
}

static bool
s_is_digit (char c)
{
    return c >= '0' && c <= '9';
}

static int
s_number (const char *text, int width)
{
    int value = 0;
    for (int index = 0; index < width; index++)
        value = value * 10 + (text [index] - '0');
    return value;
}

//  The order of the checks decides which error a caller sees: shape first
//  (length, characters), then meaning (century, date, number), then the
//  check character. Lower case is refused as a bad character rather than
//  folded: the upper-case form is the canonical one that gets hashed.
kp_hetu_error_t
kp_hetu_validate (const char *hetu, int *year, int *month, int *day)
{
    if (!hetu || strnlen (hetu, KP_HETU_LEN + 1) != KP_HETU_LEN)
        return KP_HETU_BAD_LENGTH;
    for (int index = 0; index < KP_HETU_LEN; index++) {
        char c = hetu [index];
        bool digit_position = index < 6 || (index >= 7 && index <= 9);
        if (digit_position && !s_is_digit (c))
            return KP_HETU_BAD_CHARACTER;
        if (!s_is_digit (c) && !(c >= 'A' && c <= 'Z') && c != '+' && c != '-')
            return KP_HETU_BAD_CHARACTER;
    }
    int century = s_century (hetu [6]);
    if (century < 0)
        return KP_HETU_BAD_CENTURY;

    int birth_day = s_number (hetu, 2);
    int birth_month = s_number (hetu + 2, 2);
    int birth_year = century + s_number (hetu + 4, 2);
    if (!kp_date_valid (birth_year, birth_month, birth_day))
        return KP_HETU_BAD_DATE;

    int individual = s_number (hetu + 7, 3);
    if (individual < 2)
        return KP_HETU_BAD_NUMBER;

    long nine_digits = (long) s_number (hetu, 6) * 1000 + individual;
    if (hetu [10] != s_check_chars [nine_digits % 31])
        return KP_HETU_BAD_CHECK;

    if (year)
        *year = birth_year;
    if (month)
        *month = birth_month;
    if (day)
        *day = birth_day;
    return KP_HETU_OK;
}

const char *
kp_hetu_error_code (kp_hetu_error_t error)
{
    switch (error) {
        case KP_HETU_OK:            return "hetu.ok";
        case KP_HETU_BAD_LENGTH:    return "hetu.bad_length";
        case KP_HETU_BAD_DATE:      return "hetu.bad_date";
        case KP_HETU_BAD_CENTURY:   return "hetu.bad_century";
        case KP_HETU_BAD_NUMBER:    return "hetu.bad_number";
        case KP_HETU_BAD_CHECK:     return "hetu.bad_check";
        case KP_HETU_BAD_CHARACTER: return "hetu.bad_character";
    }
    return "hetu.invalid";
}

static bool
s_is_alnum (char c)
{
    return s_is_digit (c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

//  The eleven characters at text (known to be there) have the shape.
static bool
s_shaped (const char *text)
{
    for (int index = 0; index < 10; index++)
        if (index != 6 && !s_is_digit (text [index]))
            return false;
    int day = s_number (text, 2);
    int month = s_number (text + 2, 2);
    char sign = text [6];
    if (sign >= 'a' && sign <= 'z')
        sign = (char) (sign - 'a' + 'A');
    return day >= 1 && day <= 31 && month >= 1 && month <= 12
        && s_century (sign) > 0 && s_is_alnum (text [10]);
}

bool
kp_hetu_looks_like (const char *text)
{
    if (!text)
        return false;
    size_t length = strlen (text);
    for (size_t start = 0; start + KP_HETU_LEN <= length; start++)
        if (s_shaped (text + start))
            return true;
    return false;
}

//  Exactly 64 hex digits into 32 bytes; anything else is refused.
static int
s_hex_key (const char *hex, uint8_t *key)
{
    if (!hex || strnlen (hex, S_KEY_HEX_LEN + 1) != S_KEY_HEX_LEN)
        return -1;
    size_t key_len = 0;
    const char *hex_end = NULL;
    if (sodium_hex2bin (key, KP_HETU_KEY_BYTES, hex, S_KEY_HEX_LEN,
                        NULL, &key_len, &hex_end) != 0
    ||  key_len != KP_HETU_KEY_BYTES
    ||  hex_end != hex + S_KEY_HEX_LEN)
        return -1;
    return 0;
}

kp_hetu_keys_t *
kp_hetu_keys_new (const char *enc_key_hex, const char *hash_key_hex)
{
    if (sodium_init () < 0)
        return NULL;
    kp_hetu_keys_t *self = sodium_malloc (sizeof (kp_hetu_keys_t));
    if (!self)
        return NULL;
    //  sodium_malloc already tries to lock the pages; ask again explicitly
    //  so the intent is visible. Failure (RLIMIT_MEMLOCK) is not fatal:
    //  the guard pages and zeroing on free still hold.
    sodium_mlock (self, sizeof (kp_hetu_keys_t));
    if (s_hex_key (enc_key_hex, self->enc_key)
    ||  s_hex_key (hash_key_hex, self->hash_key)) {
        sodium_free (self);
        return NULL;
    }
    //  Nothing writes the keys after this; a stray write now faults.
    sodium_mprotect_readonly (self);
    return self;
}

//  One line of the key file into line (NUL-terminated, without the line
//  end); returns the position after it, or NULL if no line is there.
static const char *
s_next_line (const char *cursor, char *line, size_t line_size)
{
    if (!cursor || !*cursor)
        return NULL;
    size_t length = strcspn (cursor, "\r\n");
    if (length >= line_size)
        return NULL;
    memcpy (line, cursor, length);
    line [length] = '\0';
    cursor += length;
    if (*cursor == '\r')
        cursor++;
    if (*cursor == '\n')
        cursor++;
    return cursor;
}

kp_hetu_keys_t *
kp_hetu_keys_load (const char *path)
{
    if (!path)
        return NULL;
    FILE *file = fopen (path, "re");
    if (!file)
        return NULL;
    //  Two 64-character lines and their line ends; a bigger file is not ours.
    char text [2 * (S_KEY_HEX_LEN + 2) + 2];
    size_t size = fread (text, 1, sizeof text - 1, file);
    bool bad_file = ferror (file) || size == sizeof text - 1;   //  error or too big
    fclose (file);
    text [size] = '\0';

    kp_hetu_keys_t *self = NULL;
    char enc_hex [S_KEY_HEX_LEN + 1];
    char hash_hex [S_KEY_HEX_LEN + 1];
    const char *cursor = s_next_line (text, enc_hex, sizeof enc_hex);
    cursor = s_next_line (cursor, hash_hex, sizeof hash_hex);
    if (!bad_file && cursor && *cursor == '\0' && strlen (text) == size)
        self = kp_hetu_keys_new (enc_hex, hash_hex);

    sodium_memzero (text, sizeof text);
    sodium_memzero (enc_hex, sizeof enc_hex);
    sodium_memzero (hash_hex, sizeof hash_hex);
    return self;
}

//  O_EXCL: overwriting a key file would make every stored code unreadable,
//  so an existing file is an error (errno EEXIST), never replaced.
int
kp_hetu_keys_generate (const char *path)
{
    if (!path || sodium_init () < 0)
        return -1;
    uint8_t key [KP_HETU_KEY_BYTES];
    char text [2 * (S_KEY_HEX_LEN + 1) + 1];
    randombytes_buf (key, sizeof key);
    sodium_bin2hex (text, S_KEY_HEX_LEN + 1, key, sizeof key);
    text [S_KEY_HEX_LEN] = '\n';
    randombytes_buf (key, sizeof key);
    sodium_bin2hex (text + S_KEY_HEX_LEN + 1, S_KEY_HEX_LEN + 1, key, sizeof key);
    text [2 * S_KEY_HEX_LEN + 1] = '\n';
    size_t length = 2 * (S_KEY_HEX_LEN + 1);
    sodium_memzero (key, sizeof key);

    int rc = -1;
    int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        goto cleanup;
    size_t written = 0;
    while (written < length) {
        ssize_t chunk = write (fd, text + written, length - written);
        if (chunk < 0 && errno == EINTR)
            continue;
        if (chunk <= 0)
            break;
        written += (size_t) chunk;
    }
    bool ok = written == length && fsync (fd) == 0;
    if (close (fd) == 0 && ok)
        rc = 0;
    else
        unlink (path);      //  no half-written key file left to be loaded later
cleanup:
    sodium_memzero (text, sizeof text);
    return rc;
}

void
kp_hetu_keys_destroy (kp_hetu_keys_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        sodium_free (*self_p);      //  zeroes and unlocks
        *self_p = NULL;
    }
}

//  Hashes the code as given: callers validate first, and kp_hetu_validate
//  accepts only the canonical upper-case form.
void
kp_hetu_lookup_hash (const kp_hetu_keys_t *keys, const char *hetu, uint8_t *out)
{
    assert (keys);
    assert (hetu);
    assert (out);
    crypto_generichash (out, KP_HETU_HASH_BYTES, (const uint8_t *) hetu, strlen (hetu),
                        keys->hash_key, sizeof keys->hash_key);
}

uint8_t *
kp_hetu_encrypt (const kp_hetu_keys_t *keys, const char *hetu, size_t *size)
{
    assert (keys);
    assert (hetu);
    assert (size);
    *size = 0;
    //  kp_hetu_decrypt writes into KP_HETU_LEN + 1 bytes; never make a box
    //  it could not open.
    size_t length = strnlen (hetu, KP_HETU_LEN + 1);
    if (length > KP_HETU_LEN)
        return NULL;
    uint8_t *box = kp_malloc (S_BOX_OVERHEAD + length);
    if (!box)
        return NULL;
    randombytes_buf (box, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy (box + crypto_secretbox_NONCEBYTES, (const uint8_t *) hetu, length,
                           box, keys->enc_key);
    *size = S_BOX_OVERHEAD + length;
    return box;
}

int
kp_hetu_decrypt (const kp_hetu_keys_t *keys, const uint8_t *box, size_t size, char *out)
{
    assert (keys);
    assert (out);
    out [0] = '\0';
    if (!box || size < S_BOX_OVERHEAD || size - S_BOX_OVERHEAD > KP_HETU_LEN)
        return -1;
    size_t length = size - S_BOX_OVERHEAD;
    if (crypto_secretbox_open_easy ((uint8_t *) out, box + crypto_secretbox_NONCEBYTES,
                                    size - crypto_secretbox_NONCEBYTES, box, keys->enc_key) != 0)
        return -1;
    out [length] = '\0';
    return 0;
}

uint8_t *
kp_hetu_seal (const kp_hetu_keys_t *keys, const uint8_t *data, size_t size, size_t *box_size)
{
    assert (keys);
    assert (box_size);
    *box_size = 0;
    uint8_t *box = kp_malloc (S_BOX_OVERHEAD + size);
    if (!box)
        return NULL;
    randombytes_buf (box, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy (box + crypto_secretbox_NONCEBYTES, data, size, box, keys->enc_key);
    *box_size = S_BOX_OVERHEAD + size;
    return box;
}

uint8_t *
kp_hetu_unseal (const kp_hetu_keys_t *keys, const uint8_t *box, size_t box_size, size_t *size)
{
    assert (keys);
    assert (size);
    *size = 0;
    if (!box || box_size < S_BOX_OVERHEAD)
        return NULL;
    size_t length = box_size - S_BOX_OVERHEAD;
    uint8_t *data = kp_malloc (length ? length : 1);
    if (!data)
        return NULL;
    if (crypto_secretbox_open_easy (data, box + crypto_secretbox_NONCEBYTES,
                                    box_size - crypto_secretbox_NONCEBYTES, box, keys->enc_key) != 0) {
        free (data);
        return NULL;
    }
    *size = length;
    return data;
}

void
kp_hetu_keyed_hash (const kp_hetu_keys_t *keys, const uint8_t *data, size_t size, uint8_t *out)
{
    assert (keys);
    assert (out);
    crypto_generichash (out, KP_HETU_HASH_BYTES, data, size, keys->hash_key, sizeof keys->hash_key);
}
