/*  intake_codes — proto enum values ↔ the lower-case codes the database
    and the events use (GENDER_NON_BINARY ↔ "non_binary"). Derived from the
    generated descriptors, so a new enum value needs no code here. */
#include "intake_server.h"

#include <ctype.h>
#include <string.h>

//  The prefix every value of the enum shares: value 0's name minus UNSPECIFIED.
static size_t
s_prefix_len (const ProtobufCEnumDescriptor *descriptor)
{
    const ProtobufCEnumValue *zero = protobuf_c_enum_descriptor_get_value (descriptor, 0);
    size_t len = zero ? strlen (zero->name) : 0;
    return len >= 11 ? len - 11 : 0;            //  strlen ("UNSPECIFIED")
}

const char *
intake_code_of (const ProtobufCEnumDescriptor *descriptor, int value, char *buffer, size_t size)
{
    const ProtobufCEnumValue *entry = protobuf_c_enum_descriptor_get_value (descriptor, value);
    if (!entry || value == 0 || size == 0)
        return NULL;
    const char *name = entry->name + s_prefix_len (descriptor);
    size_t index = 0;
    for (; name [index] && index + 1 < size; index++)
        buffer [index] = (char) tolower ((unsigned char) name [index]);
    buffer [index] = '\0';
    return buffer;
}

int
intake_value_of (const ProtobufCEnumDescriptor *descriptor, const char *code)
{
    size_t prefix = s_prefix_len (descriptor);
    for (unsigned index = 0; code && *code && index < descriptor->n_values; index++) {
        const char *name = descriptor->values [index].name + prefix;
        if (strlen (name) != strlen (code))
            continue;
        bool same = true;
        for (size_t c = 0; name [c] && same; c++)
            same = tolower ((unsigned char) name [c]) == code [c];
        if (same)
            return descriptor->values [index].value;
    }
    return 0;
}
