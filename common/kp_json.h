/*  kp_json — any protobuf-c message as one line of JSON, by walking its
    descriptors, so the CLI prints every message type the same way without
    per-type code. Proto3 JSON with the proto field names, except that
    int64/uint64 are plain JSON numbers (readable by jq; seqs fit a double
    for a long while, and exact digits are what is printed). */
#ifndef KP_JSON_H
#define KP_JSON_H

#include <protobuf-c/protobuf-c.h>
#include <stdint.h>
#include <stdio.h>

//  Writes message as a JSON object (no newline): fields in number order,
//  default and empty values omitted, a oneof only as its set member (even
//  when that member is empty), enums by value name, bytes as base64.
//  0, or -1 if writing to out failed.
int kp_json_write_message (FILE *out, const ProtobufCMessage *message);
//  The same without the fields marked [deprecated = true], at any depth:
//  each has a typed twin that carries what it says.
int kp_json_write_message_typed (FILE *out, const ProtobufCMessage *message);
//  Writes text as a JSON string, quotes included; text is valid UTF-8.
int kp_json_write_string (FILE *out, const char *text);
//  Writes Unix time in microseconds as an RFC 3339 UTC string,
//  "2024-05-01T09:30:00.123456Z".
int kp_json_write_time_us (FILE *out, int64_t micros);

#endif
