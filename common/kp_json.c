/*  kp_json — see kp_json.h. Presence follows protobuf-c's own packer: a
    proto3 scalar is present when it is not zero/empty, a oneof member when
    the case names it, a message when its pointer is set, a proto2 optional
    by its has_ flag. Messages are non-recursive by design (ARCHITECTURE),
    so walking them recursively is bounded. */
#include "kp_json.h"
#include "kp_reply_vocab.h"

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

int
kp_json_write_string (FILE *out, const char *text)
{
    fputc ('"', out);
    for (const unsigned char *c = (const unsigned char *) (text ? text : ""); *c; c++) {
        switch (*c) {
            case '"':  fputs ("\\\"", out); break;
            case '\\': fputs ("\\\\", out); break;
            case '\b': fputs ("\\b", out); break;
            case '\f': fputs ("\\f", out); break;
            case '\n': fputs ("\\n", out); break;
            case '\r': fputs ("\\r", out); break;
            case '\t': fputs ("\\t", out); break;
            default:
                //  Bytes from 0x80 are UTF-8 the codec has validated: as is.
                if (*c < 0x20 || *c == 0x7f)
                    fprintf (out, "\\u%04x", *c);
                else
                    fputc (*c, out);
        }
    }
    fputc ('"', out);
    return ferror (out) ? -1 : 0;
}

int
kp_json_write_time_us (FILE *out, int64_t micros)
{
    char text [KP_REPLY_VOCAB_TIME_MAX];
    if (kp_reply_vocab_time (micros, text, sizeof text))
        fprintf (out, "\"%s\"", text);
    else
        fprintf (out, "%" PRId64, micros);      //  not representable: the raw value
    return ferror (out) ? -1 : 0;
}

static void
s_write_base64 (FILE *out, const ProtobufCBinaryData *bytes)
{
    static const char alphabet [] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    fputc ('"', out);
    for (size_t index = 0; index < bytes->len; index += 3) {
        size_t left = bytes->len - index;
        uint32_t chunk = (uint32_t) bytes->data [index] << 16;
        if (left > 1)
            chunk |= (uint32_t) bytes->data [index + 1] << 8;
        if (left > 2)
            chunk |= bytes->data [index + 2];
        fputc (alphabet [(chunk >> 18) & 63], out);
        fputc (alphabet [(chunk >> 12) & 63], out);
        fputc (left > 1 ? alphabet [(chunk >> 6) & 63] : '=', out);
        fputc (left > 2 ? alphabet [chunk & 63] : '=', out);
    }
    fputc ('"', out);
}

//  Proto3 JSON spells the non-finite values as strings.
static void
s_write_double (FILE *out, double value, int digits)
{
    if (isnan (value))
        fputs ("\"NaN\"", out);
    else
    if (isinf (value))
        fputs (value > 0 ? "\"Infinity\"" : "\"-Infinity\"", out);
    else
        fprintf (out, "%.*g", digits, value);
}

//  Size of one element of a repeated field of this type.
static size_t
s_element_size (ProtobufCType type)
{
    switch (type) {
        case PROTOBUF_C_TYPE_INT64:
        case PROTOBUF_C_TYPE_SINT64:
        case PROTOBUF_C_TYPE_SFIXED64:
        case PROTOBUF_C_TYPE_UINT64:
        case PROTOBUF_C_TYPE_FIXED64:
        case PROTOBUF_C_TYPE_DOUBLE:  return 8;
        case PROTOBUF_C_TYPE_BOOL:    return sizeof (protobuf_c_boolean);
        case PROTOBUF_C_TYPE_STRING:  return sizeof (char *);
        case PROTOBUF_C_TYPE_BYTES:   return sizeof (ProtobufCBinaryData);
        case PROTOBUF_C_TYPE_MESSAGE: return sizeof (ProtobufCMessage *);
        default:                      return 4;     //  32-bit ints, enum, float
    }
}

static void s_write_object (FILE *out, const ProtobufCMessage *message, bool typed);

//  One value of field, stored at value (a member or an array element).
static void
s_write_value (FILE *out, const ProtobufCFieldDescriptor *field, const void *value, bool typed)
{
    switch (field->type) {
        case PROTOBUF_C_TYPE_INT32:
        case PROTOBUF_C_TYPE_SINT32:
        case PROTOBUF_C_TYPE_SFIXED32:
            fprintf (out, "%" PRId32, *(const int32_t *) value);
            break;
        case PROTOBUF_C_TYPE_UINT32:
        case PROTOBUF_C_TYPE_FIXED32:
            fprintf (out, "%" PRIu32, *(const uint32_t *) value);
            break;
        case PROTOBUF_C_TYPE_INT64:
        case PROTOBUF_C_TYPE_SINT64:
        case PROTOBUF_C_TYPE_SFIXED64:
            fprintf (out, "%" PRId64, *(const int64_t *) value);
            break;
        case PROTOBUF_C_TYPE_UINT64:
        case PROTOBUF_C_TYPE_FIXED64:
            fprintf (out, "%" PRIu64, *(const uint64_t *) value);
            break;
        case PROTOBUF_C_TYPE_FLOAT:
            s_write_double (out, *(const float *) value, 9);
            break;
        case PROTOBUF_C_TYPE_DOUBLE:
            s_write_double (out, *(const double *) value, 17);
            break;
        case PROTOBUF_C_TYPE_BOOL:
            fputs (*(const protobuf_c_boolean *) value ? "true" : "false", out);
            break;
        case PROTOBUF_C_TYPE_ENUM: {
            //  A value this build does not know (a newer peer) as its number.
            int number = *(const int *) value;
            const ProtobufCEnumValue *known = protobuf_c_enum_descriptor_get_value (
                (const ProtobufCEnumDescriptor *) field->descriptor, number);
            if (known)
                kp_json_write_string (out, known->name);
            else
                fprintf (out, "%d", number);
            break;
        }
        case PROTOBUF_C_TYPE_STRING:
            kp_json_write_string (out, *(char *const *) value);
            break;
        case PROTOBUF_C_TYPE_BYTES:
            s_write_base64 (out, (const ProtobufCBinaryData *) value);
            break;
        case PROTOBUF_C_TYPE_MESSAGE: {
            const ProtobufCMessage *nested = *(ProtobufCMessage *const *) value;
            if (nested)
                s_write_object (out, nested, typed);
            else
                fputs ("{}", out);
            break;
        }
    }
}

//  True when a proto3 field without presence holds its default.
static bool
s_is_default (const ProtobufCFieldDescriptor *field, const void *value)
{
    switch (field->type) {
        case PROTOBUF_C_TYPE_INT64:
        case PROTOBUF_C_TYPE_SINT64:
        case PROTOBUF_C_TYPE_SFIXED64:
        case PROTOBUF_C_TYPE_UINT64:
        case PROTOBUF_C_TYPE_FIXED64:
            return *(const uint64_t *) value == 0;
        case PROTOBUF_C_TYPE_DOUBLE:
            return *(const double *) value == 0;
        case PROTOBUF_C_TYPE_FLOAT:
            return *(const float *) value == 0;
        case PROTOBUF_C_TYPE_BOOL:
            return !*(const protobuf_c_boolean *) value;
        case PROTOBUF_C_TYPE_STRING: {
            const char *text = *(char *const *) value;
            return !text || !*text;
        }
        case PROTOBUF_C_TYPE_BYTES:
            return ((const ProtobufCBinaryData *) value)->len == 0;
        case PROTOBUF_C_TYPE_MESSAGE:
            return *(ProtobufCMessage *const *) value == NULL;
        default:
            return *(const uint32_t *) value == 0;
    }
}

static bool
s_is_present (const ProtobufCMessage *message, const ProtobufCFieldDescriptor *field)
{
    const char *base = (const char *) message;
    const void *value = base + field->offset;
    if (field->label == PROTOBUF_C_LABEL_REPEATED)
        return *(const size_t *) (base + field->quantifier_offset) > 0;
    if (field->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
        return *(const uint32_t *) (base + field->quantifier_offset) == field->id;
    if (field->type == PROTOBUF_C_TYPE_MESSAGE)
        return *(ProtobufCMessage *const *) value != NULL;
    if (field->label == PROTOBUF_C_LABEL_REQUIRED)
        return true;
    if (field->label == PROTOBUF_C_LABEL_OPTIONAL) {
        //  proto2 optional strings have no has_ flag: set means not the default.
        if (field->type == PROTOBUF_C_TYPE_STRING)
            return *(char *const *) value != NULL && *(char *const *) value != field->default_value;
        return *(const protobuf_c_boolean *) (base + field->quantifier_offset);
    }
    return !s_is_default (field, value);
}

static void
s_write_object (FILE *out, const ProtobufCMessage *message, bool typed)
{
    const ProtobufCMessageDescriptor *descriptor = message->descriptor;
    const char *base = (const char *) message;
    bool first = true;
    fputc ('{', out);
    for (unsigned index = 0; index < descriptor->n_fields; index++) {
        const ProtobufCFieldDescriptor *field = &descriptor->fields [index];
        if (!s_is_present (message, field) || (typed && (field->flags & PROTOBUF_C_FIELD_FLAG_DEPRECATED)))
            continue;
        if (!first)
            fputc (',', out);
        first = false;
        kp_json_write_string (out, field->name);
        fputc (':', out);
        if (field->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t count = *(const size_t *) (base + field->quantifier_offset);
            const char *items = *(char *const *) (base + field->offset);
            size_t size = s_element_size (field->type);
            fputc ('[', out);
            for (size_t item = 0; item < count; item++) {
                if (item)
                    fputc (',', out);
                s_write_value (out, field, items + item * size, typed);
            }
            fputc (']', out);
        }
        else
            s_write_value (out, field, base + field->offset, typed);
    }
    fputc ('}', out);
}

static int
s_write_message (FILE *out, const ProtobufCMessage *message, bool typed)
{
    if (!message)
        fputs ("{}", out);
    else
        s_write_object (out, message, typed);
    return ferror (out) ? -1 : 0;
}

int
kp_json_write_message (FILE *out, const ProtobufCMessage *message)
{
    return s_write_message (out, message, false);
}

int
kp_json_write_message_typed (FILE *out, const ProtobufCMessage *message)
{
    return s_write_message (out, message, true);
}
