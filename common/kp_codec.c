/*  kp_codec — decoding untrusted frames and packing replies.
    protobuf-c's unpack has crashed on hostile input in the past and keeps
    a slab per nesting level on the stack, so the frame is bounded first and
    the message types are kept non-recursive (see proto/). */
#include "kp_codec.h"
#include "kp_alloc.h"

#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KP_CODEC_MAX_DEPTH 8
#define KP_IDEMPOTENCY_KEY_MAX 128

bool
kp_codec_utf8_valid (const char *text, size_t len)
{
    const unsigned char *c = (const unsigned char *) text;
    size_t index = 0;
    while (index < len) {
        unsigned char lead = c [index];
        size_t extra;
        uint32_t code;
        if (lead < 0x80) {
            index++;
            continue;
        }
        else if ((lead & 0xE0) == 0xC0) { extra = 1; code = lead & 0x1F; }
        else if ((lead & 0xF0) == 0xE0) { extra = 2; code = lead & 0x0F; }
        else if ((lead & 0xF8) == 0xF0) { extra = 3; code = lead & 0x07; }
        else
            return false;
        if (index + extra >= len)       //  truncated sequence
            return false;
        for (size_t k = 1; k <= extra; k++) {
            if ((c [index + k] & 0xC0) != 0x80)
                return false;
            code = (code << 6) | (c [index + k] & 0x3F);
        }
        //  overlong forms, surrogates, beyond Unicode
        if ((extra == 1 && code < 0x80) || (extra == 2 && code < 0x800)
        ||  (extra == 3 && code < 0x10000) || (code >= 0xD800 && code <= 0xDFFF)
        ||  code > 0x10FFFF)
            return false;
        index += extra + 1;
    }
    return true;
}

static void
s_path (kp_codec_error_t *error, const char *prefix, const char *name)
{
    if (prefix && *prefix)
        snprintf (error->field, sizeof error->field, "%s.%s", prefix, name);
    else
        snprintf (error->field, sizeof error->field, "%s", name);
}

static int
s_check (const ProtobufCMessage *message, const char *prefix, kp_codec_error_t *error, int depth)
{
    if (depth > KP_CODEC_MAX_DEPTH) {
        error->code = "request.too_deep";
        s_path (error, prefix, "");
        return -2;
    }
    const ProtobufCMessageDescriptor *desc = message->descriptor;
    for (unsigned index = 0; index < desc->n_fields; index++) {
        const ProtobufCFieldDescriptor *field = &desc->fields [index];
        const char *base = (const char *) message + field->offset;
        //  A oneof member that is not the chosen case holds nothing.
        if (field->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            uint32_t chosen = *(const uint32_t *) ((const char *) message + field->quantifier_offset);
            if (chosen != field->id)
                continue;
        }
        size_t count = 1;
        const void *const *items = (const void *const *) base;
        if (field->label == PROTOBUF_C_LABEL_REPEATED) {
            count = *(const size_t *) ((const char *) message + field->quantifier_offset);
            items = *(const void *const *const *) base;
        }
        if (field->type == PROTOBUF_C_TYPE_STRING) {
            for (size_t item = 0; item < count; item++) {
                const char *text = items [item];
                if (text && !kp_codec_utf8_valid (text, strlen (text))) {
                    error->code = "request.invalid_utf8";
                    s_path (error, prefix, field->name);
                    return -2;
                }
            }
        }
        else
        if (field->type == PROTOBUF_C_TYPE_MESSAGE) {
            for (size_t item = 0; item < count; item++) {
                const ProtobufCMessage *child = items [item];
                if (!child)
                    continue;
                char path [128];
                snprintf (path, sizeof path, "%s%s%s", prefix && *prefix ? prefix : "",
                          prefix && *prefix ? "." : "", field->name);
                if (s_check (child, path, error, depth + 1))
                    return -2;
            }
        }
    }
    return 0;
}

int
kp_codec_check (const ProtobufCMessage *message, const char *prefix, kp_codec_error_t *error)
{
    return s_check (message, prefix, error, 0);
}

static int
s_walk (const ProtobufCMessage *message, const char *prefix, kp_codec_string_fn *visit, void *arg,
        int depth)
{
    //  kp_codec_check refuses deeper input; this only keeps a bug bounded.
    if (depth > KP_CODEC_MAX_DEPTH)
        return 0;
    const ProtobufCMessageDescriptor *desc = message->descriptor;
    for (unsigned index = 0; index < desc->n_fields; index++) {
        const ProtobufCFieldDescriptor *field = &desc->fields [index];
        if (field->type != PROTOBUF_C_TYPE_STRING && field->type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        if (field->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            uint32_t chosen = *(const uint32_t *) ((const char *) message + field->quantifier_offset);
            if (chosen != field->id)
                continue;
        }
        const char *base = (const char *) message + field->offset;
        bool repeated = field->label == PROTOBUF_C_LABEL_REPEATED;
        size_t count = 1;
        const void *const *items = (const void *const *) base;
        if (repeated) {
            count = *(const size_t *) ((const char *) message + field->quantifier_offset);
            items = *(const void *const *const *) base;
        }
        for (size_t item = 0; item < count; item++) {
            if (!items [item])
                continue;
            char path [128];
            if (repeated)
                snprintf (path, sizeof path, "%s%s%s[%zu]", prefix && *prefix ? prefix : "",
                          prefix && *prefix ? "." : "", field->name, item);
            else
                snprintf (path, sizeof path, "%s%s%s", prefix && *prefix ? prefix : "",
                          prefix && *prefix ? "." : "", field->name);
            int rc = field->type == PROTOBUF_C_TYPE_STRING
                   ? visit (field, path, items [item], arg)
                   : s_walk (items [item], path, visit, arg, depth + 1);
            if (rc)
                return rc;
        }
    }
    return 0;
}

static void
s_unknown (const ProtobufCMessage *message, const char *prefix, kp_codec_path_fn *visit, void *arg,
           int depth)
{
    if (depth > KP_CODEC_MAX_DEPTH)
        return;
    for (unsigned index = 0; index < message->n_unknown_fields; index++) {
        char path [160];
        snprintf (path, sizeof path, "%s%s#%u", prefix, *prefix ? "." : "",
                  message->unknown_fields [index].tag);
        visit (path, arg);
    }
    const ProtobufCMessageDescriptor *desc = message->descriptor;
    for (unsigned index = 0; index < desc->n_fields; index++) {
        const ProtobufCFieldDescriptor *field = &desc->fields [index];
        if (field->type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        if (field->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            uint32_t chosen = *(const uint32_t *) ((const char *) message + field->quantifier_offset);
            if (chosen != field->id)
                continue;
        }
        const char *base = (const char *) message + field->offset;
        bool repeated = field->label == PROTOBUF_C_LABEL_REPEATED;
        size_t count = 1;
        const void *const *items = (const void *const *) base;
        if (repeated) {
            count = *(const size_t *) ((const char *) message + field->quantifier_offset);
            items = *(const void *const *const *) base;
        }
        for (size_t item = 0; item < count; item++) {
            if (!items [item])
                continue;
            char path [128];
            if (repeated)
                snprintf (path, sizeof path, "%s%s%s[%zu]", prefix, *prefix ? "." : "", field->name, item);
            else
                snprintf (path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", field->name);
            s_unknown (items [item], path, visit, arg, depth + 1);
        }
    }
}

void
kp_codec_walk_unknown (const ProtobufCMessage *message, const char *prefix, kp_codec_path_fn *visit,
                       void *arg)
{
    s_unknown (message, prefix ? prefix : "", visit, arg, 0);
}

int
kp_codec_walk_strings (const ProtobufCMessage *message, const char *prefix,
                       kp_codec_string_fn *visit, void *arg)
{
    return s_walk (message, prefix, visit, arg, 0);
}

static int
s_fail (kp_codec_error_t *error, const char *code, const char *field)
{
    error->code = code;
    snprintf (error->field, sizeof error->field, "%s", field);
    return -2;
}

//  --------------------------------------------------------------------------
//  Reading a refused frame as far as it goes: protobuf-c says only that
//  unpacking failed, but a client needs to know which of its requests
//  failed (the correlation id) and, where it can be known, which field.

static bool
s_varint (const uint8_t **cursor, const uint8_t *end, uint64_t *value)
{
    uint64_t result = 0;
    for (int shift = 0; shift < 64 && *cursor < end; shift += 7) {
        uint8_t byte = *(*cursor)++;
        result |= (uint64_t) (byte & 0x7f) << shift;
        if (!(byte & 0x80)) {
            *value = result;
            return true;
        }
    }
    return false;
}

//  Whether a known field may arrive with this wire type (2 is also a
//  packed repeated scalar).
static bool
s_wire_fits (const ProtobufCFieldDescriptor *field, unsigned wire)
{
    unsigned expected;
    switch (field->type) {
        case PROTOBUF_C_TYPE_STRING:
        case PROTOBUF_C_TYPE_BYTES:
        case PROTOBUF_C_TYPE_MESSAGE:
            return wire == 2;
        case PROTOBUF_C_TYPE_FIXED64:
        case PROTOBUF_C_TYPE_SFIXED64:
        case PROTOBUF_C_TYPE_DOUBLE:
            expected = 1;
            break;
        case PROTOBUF_C_TYPE_FIXED32:
        case PROTOBUF_C_TYPE_SFIXED32:
        case PROTOBUF_C_TYPE_FLOAT:
            expected = 5;
            break;
        default:
            expected = 0;
            break;
    }
    return wire == expected || (wire == 2 && field->label == PROTOBUF_C_LABEL_REPEATED);
}

static void
s_join (char *path, size_t size, const char *prefix, const char *name)
{
    snprintf (path, size, "%s%s%s", prefix, *prefix && *name ? "." : "", name);
}

//  Walks the wire format of one message of type desc. True when it found
//  what makes the frame unreadable, with error->field set to the field
//  (its enclosing message's path when the field is unknown to us).
//  Copies the top-level correlation_id when it is read before that point.
static bool
s_locate (const ProtobufCMessageDescriptor *desc, const uint8_t *data, size_t size,
          const char *prefix, kp_codec_error_t *error, int depth)
{
    const uint8_t *cursor = data, *end = data + size;
    while (cursor < end) {
        uint64_t key, length = 0;
        if (!s_varint (&cursor, end, &key) || (key >> 3) == 0 || (key >> 3) > 0x1fffffff) {
            snprintf (error->field, sizeof error->field, "%s", prefix);
            return true;
        }
        unsigned wire = (unsigned) (key & 7);
        const ProtobufCFieldDescriptor *field =
            protobuf_c_message_descriptor_get_field (desc, (unsigned) (key >> 3));
        char path [sizeof error->field];
        s_join (path, sizeof path, prefix, field ? field->name : "");
        bool readable = !field || s_wire_fits (field, wire);
        if (readable)
            switch (wire) {
                case 0:
                    readable = s_varint (&cursor, end, &length);
                    break;
                case 1:
                case 5:
                    length = wire == 1 ? 8 : 4;
                    readable = (uint64_t) (end - cursor) >= length;
                    cursor += readable ? length : 0;
                    break;
                case 2:
                    readable = s_varint (&cursor, end, &length) && length <= (uint64_t) (end - cursor);
                    if (!readable)
                        break;
                    if (field && field->type == PROTOBUF_C_TYPE_MESSAGE && depth < KP_CODEC_MAX_DEPTH
                    &&  s_locate (field->descriptor, cursor, (size_t) length, path, error, depth + 1))
                        return true;
                    if (depth == 0 && field && field->id == 1 && length <= KP_CORRELATION_ID_MAX
                    &&  !memchr (cursor, 0, (size_t) length)
                    &&  kp_codec_utf8_valid ((const char *) cursor, (size_t) length)) {
                        memcpy (error->correlation_id, cursor, (size_t) length);
                        error->correlation_id [length] = 0;
                    }
                    cursor += length;
                    break;
                default:
                    readable = false;       //  groups: proto3 has none
                    break;
            }
        if (!readable) {
            snprintf (error->field, sizeof error->field, "%s", path);
            return true;
        }
    }
    return false;
}

//  Field number 0 does not exist in protobuf; protobuf-c keeps it as an
//  unknown field all the same, and packs it back as bytes that no longer
//  decode. Such a frame is malformed, not a newer client's.
static void
s_field_zero (const char *path, void *arg)
{
    size_t len = strlen (path);
    if (len >= 2 && strcmp (path + len - 2, "#0") == 0 && (len == 2 || path [len - 3] == '.'))
        *(bool *) arg = true;
}

int
kp_codec_request_decode (const uint8_t *data, size_t size, size_t max_size,
                         Kumppani__V1__Request **request_p, kp_codec_error_t *error)
{
    *request_p = NULL;
    error->code = NULL;
    error->field [0] = 0;
    error->correlation_id [0] = 0;
    if (size > max_size) {
        //  Not unpacked; the correlation id is still worth a look.
        s_locate (&kumppani__v1__request__descriptor, data, size, "", error, 0);
        return s_fail (error, "request.too_large", "");
    }
    Kumppani__V1__Request *request = kumppani__v1__request__unpack (NULL, size, data);
    if (!request) {
        error->code = "request.malformed";
        s_locate (&kumppani__v1__request__descriptor, data, size, "", error, 0);
        return -2;
    }
    bool field_zero = false;
    kp_codec_walk_unknown (&request->base, "", s_field_zero, &field_zero);
    if (field_zero) {
        kumppani__v1__request__free_unpacked (request, NULL);
        error->code = "request.malformed";
        s_locate (&kumppani__v1__request__descriptor, data, size, "", error, 0);
        return -2;
    }
    //  Echoed on every reply from here on, refusals included, if it is
    //  one a reply can carry.
    if (strlen (request->correlation_id) <= KP_CORRELATION_ID_MAX
    &&  kp_codec_utf8_valid (request->correlation_id, strlen (request->correlation_id)))
        snprintf (error->correlation_id, sizeof error->correlation_id, "%s", request->correlation_id);
    int rc = kp_codec_check (&request->base, "", error);
    if (rc == 0 && (!*request->correlation_id || strlen (request->correlation_id) > KP_CORRELATION_ID_MAX))
        rc = s_fail (error, "request.correlation_id", "correlation_id");
    if (rc == 0 && strlen (request->idempotency_key) > KP_IDEMPOTENCY_KEY_MAX)
        rc = s_fail (error, "request.idempotency_key_too_long", "idempotency_key");
    if (rc == 0 && request->body_case == KUMPPANI__V1__REQUEST__BODY__NOT_SET) {
        //  A body this service does not know (fields 10 and up are the
        //  body's) is an operation from a newer .proto.
        rc = s_fail (error, "request.no_body", "body");
        for (unsigned index = 0; index < request->base.n_unknown_fields; index++)
            if (request->base.unknown_fields [index].tag >= 10) {
                error->code = "request.unsupported_operation";
                snprintf (error->field, sizeof error->field, "#%u", request->base.unknown_fields [index].tag);
                break;
            }
    }
    if (rc) {
        kumppani__v1__request__free_unpacked (request, NULL);
        return rc;
    }
    *request_p = request;
    return 0;
}

int
kp_codec_correlation_id (const uint8_t *data, size_t size, char *out, size_t out_size)
{
    kp_codec_error_t scratch = { 0 };
    s_locate (&kumppani__v1__request__descriptor, data, size, "", &scratch, 0);
    snprintf (out, out_size, "%s", scratch.correlation_id);
    return *out ? 0 : -1;
}

void
kp_codec_request_free (Kumppani__V1__Request **request_p)
{
    if (request_p && *request_p) {
        kumppani__v1__request__free_unpacked (*request_p, NULL);
        *request_p = NULL;
    }
}

uint8_t *
kp_codec_pack (const ProtobufCMessage *message, size_t *size)
{
    *size = protobuf_c_message_get_packed_size (message);
    uint8_t *buffer = kp_malloc (*size ? *size : 1);
    if (!buffer)
        return NULL;
    size_t packed = protobuf_c_message_pack (message, buffer);
    assert (packed == *size);
    return buffer;
}

static void
s_error (kp_codec_error_t *error, const char *code)
{
    if (error) {
        error->code = code;
        error->field [0] = 0;
    }
}

int
kp_codec_event_decode (const uint8_t *data, size_t size, Kumppani__V1__Event **event_p,
                       kp_codec_error_t *error)
{
    *event_p = NULL;
    s_error (error, NULL);
    if (size > KP_CODEC_EVENT_MAX) {
        s_error (error, "event.too_large");
        return -2;
    }
    *event_p = kumppani__v1__event__unpack (NULL, size, data);
    if (!*event_p) {
        s_error (error, "event.malformed");
        return -2;
    }
    return 0;
}

void
kp_codec_event_free (Kumppani__V1__Event **event_p)
{
    if (event_p && *event_p) {
        kumppani__v1__event__free_unpacked (*event_p, NULL);
        *event_p = NULL;
    }
}

int
kp_codec_reply_decode (const uint8_t *data, size_t size, Kumppani__V1__Reply **reply_p,
                       kp_codec_error_t *error)
{
    *reply_p = NULL;
    s_error (error, NULL);
    if (size > KP_CODEC_REPLY_MAX) {
        s_error (error, "reply.too_large");
        return -2;
    }
    *reply_p = kumppani__v1__reply__unpack (NULL, size, data);
    if (!*reply_p) {
        s_error (error, "reply.malformed");
        return -2;
    }
    return 0;
}

void
kp_codec_reply_free (Kumppani__V1__Reply **reply_p)
{
    if (reply_p && *reply_p) {
        kumppani__v1__reply__free_unpacked (*reply_p, NULL);
        *reply_p = NULL;
    }
}

//  Tag of Event.seq: field 1, wire type 0 (varint).
#define KP_CODEC_SEQ_TAG 0x08

uint8_t *
kp_codec_event_with_seq (uint64_t seq, const uint8_t *stored, size_t size, size_t *out_size)
{
    if (size > KP_CODEC_EVENT_MAX)
        return NULL;
    //  A seq already there is skipped: tag, then a varint of at most 10
    //  bytes (the last without the continuation bit).
    if (size > 0 && stored [0] == KP_CODEC_SEQ_TAG) {
        size_t end = 1;
        while (end < size && end <= 10 && (stored [end] & 0x80))
            end++;
        if (end >= size || end > 10)
            return NULL;            //  not a varint: the bytes are not an event
        stored += end + 1;
        size -= end + 1;
    }
    uint8_t head [11];
    size_t head_size = 0;
    head [head_size++] = KP_CODEC_SEQ_TAG;
    do {
        uint8_t low = seq & 0x7F;
        seq >>= 7;
        head [head_size++] = low | (seq ? 0x80 : 0);
    } while (seq);
    uint8_t *bytes = kp_malloc (head_size + size);
    if (!bytes)
        return NULL;
    memcpy (bytes, head, head_size);
    if (size)
        memcpy (bytes + head_size, stored, size);
    *out_size = head_size + size;
    return bytes;
}

static const ProtobufCFieldDescriptor *
s_body_field (const Kumppani__V1__Request *request)
{
    if (request->body_case == KUMPPANI__V1__REQUEST__BODY__NOT_SET)
        return NULL;
    return protobuf_c_message_descriptor_get_field (&kumppani__v1__request__descriptor,
                                                    (unsigned) request->body_case);
}

const ProtobufCMessage *
kp_codec_request_body (const Kumppani__V1__Request *request)
{
    const ProtobufCFieldDescriptor *field = s_body_field (request);
    if (!field || field->type != PROTOBUF_C_TYPE_MESSAGE)
        return NULL;
    return *(const ProtobufCMessage *const *) ((const char *) request + field->offset);
}

const char *
kp_codec_request_body_name (const Kumppani__V1__Request *request)
{
    const ProtobufCFieldDescriptor *field = s_body_field (request);
    return field ? field->name : "";
}
