/*  kp_audit_canon — the two canonical forms of an audit row, byte for byte.
    Format 1 is what kp.audit_canonical (migration 0002) returns, UTF-8
    encoded: seq and time as decimal text and the nine text fields, all
    joined by 0x1f. Format 2 is 00 00 00 02, seq and time as 8-byte
    big-endian integers, then each text field as a 4-byte big-endian byte
    count and its bytes; kp.audit_canonical_v2 (migration 0013) builds the
    same. */
#include "kp_audit_canon.h"
#include "kp_alloc.h"

#include <assert.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIELDS 9

static void
s_fields (const kp_audit_row_t *row, const char *fields [FIELDS])
{
    fields [0] = row->service;
    fields [1] = row->actor_org;
    fields [2] = row->actor_person;
    fields [3] = row->actor_role;
    fields [4] = row->action;
    fields [5] = row->client_ref;
    fields [6] = row->basis;
    fields [7] = row->recipient_org;
    fields [8] = row->detail;
}

static uint8_t *
s_put_be (uint8_t *to, uint64_t value, int width)
{
    for (int byte = width - 1; byte >= 0; byte--)
        *to++ = (uint8_t) (value >> (8 * byte));
    return to;
}

static int
s_v1 (const kp_audit_row_t *row, const char *fields [FIELDS], uint8_t **out, size_t *size)
{
    //  concat_ws (chr (31), seq::text, epoch_us::text, service, …, detail):
    //  PostgreSQL prints a bigint as plain decimal, '-' when negative.
    char numbers [48];
    int length = snprintf (numbers, sizeof numbers, "%" PRId64 "\x1f%" PRId64, row->seq, row->at_us);
    size_t total = (size_t) length;
    for (int field = 0; field < FIELDS; field++)
        total += 1 + strlen (fields [field]);
    uint8_t *bytes = kp_malloc (total);
    if (!bytes)
        return -1;
    uint8_t *to = bytes;
    memcpy (to, numbers, (size_t) length);
    to += length;
    for (int field = 0; field < FIELDS; field++) {
        size_t field_size = strlen (fields [field]);
        *to++ = 0x1f;
        memcpy (to, fields [field], field_size);
        to += field_size;
    }
    *out = bytes;
    *size = total;
    return 0;
}

static int
s_v2 (const kp_audit_row_t *row, const char *fields [FIELDS], uint8_t **out, size_t *size)
{
    size_t total = 4 + 8 + 8;
    for (int field = 0; field < FIELDS; field++) {
        size_t field_size = strlen (fields [field]);
        if (field_size > UINT32_MAX)
            return -1;              //  cannot be counted in four bytes
        total += 4 + field_size;
    }
    uint8_t *bytes = kp_malloc (total);
    if (!bytes)
        return -1;
    uint8_t *to = s_put_be (bytes, KP_AUDIT_FORMAT_V2, 4);
    to = s_put_be (to, (uint64_t) row->seq, 8);
    to = s_put_be (to, (uint64_t) row->at_us, 8);
    for (int field = 0; field < FIELDS; field++) {
        size_t field_size = strlen (fields [field]);
        to = s_put_be (to, field_size, 4);
        memcpy (to, fields [field], field_size);
        to += field_size;
    }
    *out = bytes;
    *size = total;
    return 0;
}

int
kp_audit_canonical (const kp_audit_row_t *row, uint8_t **out, size_t *size)
{
    assert (row && out && size);
    *out = NULL;
    *size = 0;
    const char *fields [FIELDS];
    s_fields (row, fields);
    for (int field = 0; field < FIELDS; field++)
        assert (fields [field]);
    return row->format == KP_AUDIT_FORMAT_V1 ? s_v1 (row, fields, out, size)
         : row->format == KP_AUDIT_FORMAT_V2 ? s_v2 (row, fields, out, size)
         : -1;
}

int
kp_audit_hash (const uint8_t prev [KP_AUDIT_HASH_SIZE], const kp_audit_row_t *row,
               uint8_t out [KP_AUDIT_HASH_SIZE])
{
    uint8_t *canonical;
    size_t size;
    if (kp_audit_canonical (row, &canonical, &size))
        return -1;
    crypto_hash_sha256_state state;
    crypto_hash_sha256_init (&state);
    crypto_hash_sha256_update (&state, prev, KP_AUDIT_HASH_SIZE);
    crypto_hash_sha256_update (&state, canonical, size);
    crypto_hash_sha256_final (&state, out);
    free (canonical);
    return 0;
}
