/*  kp_json_read — see kp_json_read.h. Everything the message holds is
    malloc'd, so protobuf-c's free_unpacked releases it with the default
    allocator. Nesting is bounded like the codec's. */
#include "kp_json_read.h"
#include "kp_alloc.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define KP_JSON_MAX_DEPTH 8

static int
s_fail (kp_json_error_t *error, const char *code, const char *path, const char *name)
{
    error->code = code;
    if (path && *path && name)
        snprintf (error->field, sizeof error->field, "%s.%s", path, name);
    else
        snprintf (error->field, sizeof error->field, "%s", name ? name : (path ? path : ""));
    return -1;
}

static size_t
s_element_size (const ProtobufCFieldDescriptor *field)
{
    switch (field->type) {
        case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
        case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32: case PROTOBUF_C_TYPE_FLOAT:
        case PROTOBUF_C_TYPE_ENUM:
            return 4;
        case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
        case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64: case PROTOBUF_C_TYPE_DOUBLE:
            return 8;
        case PROTOBUF_C_TYPE_BOOL:
            return sizeof (protobuf_c_boolean);
        case PROTOBUF_C_TYPE_BYTES:
            return sizeof (ProtobufCBinaryData);
        default:
            return sizeof (void *);         //  string, message
    }
}

static ProtobufCMessage *s_message (const ProtobufCMessageDescriptor *descriptor, const cJSON *object,
                                    const char *path, kp_json_error_t *error, int depth);

//  An integral JSON number (or a decimal string, for 64-bit values) in range.
static int
s_integer (const cJSON *item, double min, double max, double *out)
{
    double value;
    if (cJSON_IsNumber (item))
        value = item->valuedouble;
    else
    if (cJSON_IsString (item) && *item->valuestring) {
        char *end;
        value = strtod (item->valuestring, &end);
        if (*end)
            return -1;
    }
    else
        return -1;
    if (value != floor (value) || value < min || value > max)
        return -1;
    *out = value;
    return 0;
}

//  Stores one JSON value into the element at slot.
static int
s_value (const ProtobufCFieldDescriptor *field, const cJSON *item, void *slot,
         const char *path, kp_json_error_t *error, int depth)
{
    double number;
    switch (field->type) {
        case PROTOBUF_C_TYPE_STRING:
            if (!cJSON_IsString (item))
                return s_fail (error, "json.type", path, field->name);
            //  slot may be a repeated field's element at a computed index,
            //  where gcc 12's analyzer loses the pointer and reports it as
            //  leaked; the message owns it (protobuf_c_message_free_unpacked).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
            if (!(*(char **) slot = kp_strdup (item->valuestring)))
                return s_fail (error, "json.no_memory", path, field->name);
            return 0;
#pragma GCC diagnostic pop
        case PROTOBUF_C_TYPE_BOOL:
            if (!cJSON_IsBool (item))
                return s_fail (error, "json.type", path, field->name);
            *(protobuf_c_boolean *) slot = cJSON_IsTrue (item);
            return 0;
        case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
            if (s_integer (item, INT32_MIN, INT32_MAX, &number))
                return s_fail (error, "json.type", path, field->name);
            *(int32_t *) slot = (int32_t) number;
            return 0;
        case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32:
            if (s_integer (item, 0, UINT32_MAX, &number))
                return s_fail (error, "json.type", path, field->name);
            *(uint32_t *) slot = (uint32_t) number;
            return 0;
        case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
            if (s_integer (item, -9007199254740992.0, 9007199254740992.0, &number))
                return s_fail (error, "json.type", path, field->name);
            *(int64_t *) slot = (int64_t) number;
            return 0;
        case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64:
            if (s_integer (item, 0, 9007199254740992.0, &number))
                return s_fail (error, "json.type", path, field->name);
            *(uint64_t *) slot = (uint64_t) number;
            return 0;
        case PROTOBUF_C_TYPE_FLOAT:
        case PROTOBUF_C_TYPE_DOUBLE:
            if (!cJSON_IsNumber (item))
                return s_fail (error, "json.type", path, field->name);
            if (field->type == PROTOBUF_C_TYPE_FLOAT)
                *(float *) slot = (float) item->valuedouble;
            else
                *(double *) slot = item->valuedouble;
            return 0;
        case PROTOBUF_C_TYPE_ENUM: {
            const ProtobufCEnumDescriptor *enum_descriptor = field->descriptor;
            const ProtobufCEnumValue *value = NULL;
            if (cJSON_IsString (item)) {
                for (unsigned index = 0; index < enum_descriptor->n_values && !value; index++)
                    if (strcasecmp (enum_descriptor->values [index].name, item->valuestring) == 0)
                        value = &enum_descriptor->values [index];
            }
            else
            if (s_integer (item, INT32_MIN, INT32_MAX, &number) == 0)
                value = protobuf_c_enum_descriptor_get_value (enum_descriptor, (int) number);
            if (!value)
                return s_fail (error, "json.unknown_enum", path, field->name);
            *(int *) slot = value->value;
            return 0;
        }
        case PROTOBUF_C_TYPE_BYTES: {
            if (!cJSON_IsString (item))
                return s_fail (error, "json.type", path, field->name);
            size_t len = strlen (item->valuestring), size = 0;
            uint8_t *data = kp_malloc (len + 1);
            if (!data)
                return s_fail (error, "json.no_memory", path, field->name);
            if (sodium_base642bin (data, len + 1, item->valuestring, len, NULL, &size, NULL,
                                   sodium_base64_VARIANT_ORIGINAL)) {
                free (data);
                return s_fail (error, "json.base64", path, field->name);
            }
            ((ProtobufCBinaryData *) slot)->data = data;
            ((ProtobufCBinaryData *) slot)->len = size;
            return 0;
        }
        case PROTOBUF_C_TYPE_MESSAGE: {
            char child [128];
            snprintf (child, sizeof child, "%s%s%s", path, *path ? "." : "", field->name);
            ProtobufCMessage *message = s_message (field->descriptor, item, child, error, depth + 1);
            if (!message)
                return -1;
            *(ProtobufCMessage **) slot = message;
            return 0;
        }
    }
    return s_fail (error, "json.type", path, field->name);
}

static ProtobufCMessage *
s_message (const ProtobufCMessageDescriptor *descriptor, const cJSON *object,
           const char *path, kp_json_error_t *error, int depth)
{
    if (depth > KP_JSON_MAX_DEPTH) {
        s_fail (error, "json.too_deep", path, NULL);
        return NULL;
    }
    if (!cJSON_IsObject (object)) {
        s_fail (error, "json.type", path, NULL);
        return NULL;
    }
    ProtobufCMessage *message = kp_calloc (1, descriptor->sizeof_message);
    if (!message) {
        s_fail (error, "json.no_memory", path, NULL);
        return NULL;
    }
    protobuf_c_message_init (descriptor, message);
    const cJSON *item;
    cJSON_ArrayForEach (item, object) {
        const ProtobufCFieldDescriptor *field =
            protobuf_c_message_descriptor_get_field_by_name (descriptor, item->string);
        char *base = (char *) message + (field ? field->offset : 0);
        int rc;
        if (!field)
            rc = s_fail (error, "json.unknown_field", path, item->string);
        else
        if (field->label == PROTOBUF_C_LABEL_REPEATED) {
            if (!cJSON_IsArray (item)) {
                rc = s_fail (error, "json.type", path, field->name);
            }
            else {
                size_t count = (size_t) cJSON_GetArraySize (item), size = s_element_size (field);
                char *array = kp_calloc (count ? count : 1, size);
                *(void **) base = array;
                size_t *n = (size_t *) ((char *) message + field->quantifier_offset);
                rc = array ? 0 : s_fail (error, "json.no_memory", path, field->name);
                const cJSON *element;
                for (element = array ? item->child : NULL; element; element = element->next) {
                    if ((rc = s_value (field, element, array + *n * size, path, error, depth)))
                        break;
                    (*n)++;
                }
            }
        }
        else {
            rc = s_value (field, item, base, path, error, depth);
            if (rc == 0 && (field->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
                *(uint32_t *) ((char *) message + field->quantifier_offset) = field->id;
            else
            if (rc == 0 && field->label == PROTOBUF_C_LABEL_OPTIONAL && field->quantifier_offset)
                *(protobuf_c_boolean *) ((char *) message + field->quantifier_offset) = 1;
        }
        if (rc) {
            protobuf_c_message_free_unpacked (message, NULL);
            return NULL;
        }
    }
    return message;
}

ProtobufCMessage *
kp_json_read (const ProtobufCMessageDescriptor *descriptor, const char *text, kp_json_error_t *error)
{
    error->code = NULL;
    error->field [0] = 0;
    cJSON *root = cJSON_Parse (text);
    if (!root) {
        s_fail (error, "json.syntax", NULL, NULL);
        return NULL;
    }
    ProtobufCMessage *message = s_message (descriptor, root, "", error, 0);
    cJSON_Delete (root);
    return message;
}
