/*  kp_json_read — a protobuf-c message from JSON (cJSON parses; the
    message descriptors say what each key may hold). Field names are the
    proto's own snake_case names, enums their value names or numbers, bytes
    base64. For tools and tests that take request bodies as JSON; the wire
    stays protobuf. */
#ifndef KP_JSON_READ_H
#define KP_JSON_READ_H

#include <protobuf-c/protobuf-c.h>

typedef struct {
    const char *code;               //  static: "json.syntax", "json.unknown_field", "json.type"
    char field [128];               //  path of the offending key
} kp_json_error_t;

//  The message, or NULL with error filled. Free with
//  protobuf_c_message_free_unpacked (message, NULL).
ProtobufCMessage *kp_json_read (const ProtobufCMessageDescriptor *descriptor, const char *text,
                                kp_json_error_t *error);

#endif
