/*  kp_enum — a proto enum value and the one form it takes in the database
    and in SQL: the value's name without the enum's prefix, in lower case
    (REFERRAL_STATE_ASSESSMENT_STARTED ↔ 'assessment_started'), the label
    of a PostgreSQL enum type. Derived from the generated descriptors, so a
    new proto value needs no code here, only its label in a migration; and
    kp_enum_stored lists every proto enum the database stores, with its
    type, so a test can hold the two sides against each other. */
#ifndef KP_ENUM_H
#define KP_ENUM_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

//  Longest code (bytes, with the terminator) any stored enum has.
#define KP_ENUM_CODE_MAX 48

//  The code of value into buffer; NULL for 0 (UNSPECIFIED, SQL NULL in a
//  parameter) or a value the enum does not have.
const char *kp_enum_code (const ProtobufCEnumDescriptor *descriptor, int value, char *buffer,
                          size_t size);
//  The value of a code; 0 for NULL, "" or a code the enum does not have.
int kp_enum_value (const ProtobufCEnumDescriptor *descriptor, const char *code);

//  A proto enum the database stores and the PostgreSQL enum type that
//  holds it. The table ends with { NULL }.
typedef struct {
    const ProtobufCEnumDescriptor *descriptor;
    const char *type;               //  schema-qualified, e.g. "referral.referral_state"
} kp_enum_stored_t;
extern const kp_enum_stored_t kp_enum_stored [];

#endif
