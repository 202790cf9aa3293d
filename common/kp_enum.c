/*  kp_enum — proto enum values ↔ their database codes (see kp_enum.h).
    Moved here from intake, which had it first, so that every service
    stores and compares enums the same way. */
#include "kp_enum.h"
#include "kumppani/v1/groups.pb-c.h"
#include "kumppani/v1/intake.pb-c.h"
#include "kumppani/v1/referral.pb-c.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

const kp_enum_stored_t kp_enum_stored [] = {
    { &kumppani__v1__gender__descriptor,               "intake.gender" },
    { &kumppani__v1__answer__descriptor,               "intake.answer" },
    { &kumppani__v1__labour_market_status__descriptor, "intake.labour_market_status" },
    { &kumppani__v1__education_level__descriptor,      "intake.education_level" },
    { &kumppani__v1__case_channel__descriptor,         "intake.case_channel" },
    { &kumppani__v1__closure_reason__descriptor,       "intake.closure_reason" },
    { &kumppani__v1__case_state__descriptor,           "intake.case_state" },
    { &kumppani__v1__survey_domain__descriptor,        "intake.survey_domain" },
    { &kumppani__v1__timepoint__descriptor,            "intake.timepoint" },
    { &kumppani__v1__measure_kind__descriptor,         "intake.measure_kind" },
    { &kumppani__v1__ecomap_kind__descriptor,          "intake.ecomap_kind" },
    { &kumppani__v1__ecomap_direction__descriptor,     "intake.ecomap_direction" },
    { &kumppani__v1__ecomap_role__descriptor,          "intake.ecomap_role" },
    { &kumppani__v1__contact_channel__descriptor,      "intake.contact_channel" },
    { &kumppani__v1__contact_kind__descriptor,         "intake.contact_kind" },
    { &kumppani__v1__reassign_reason__descriptor,      "intake.reassign_reason" },
    { &kumppani__v1__measure_status__descriptor,       "intake.measure_status" },
    { &kumppani__v1__measure_outcome__descriptor,      "intake.measure_outcome" },
    { &kumppani__v1__esf_result_status__descriptor,    "intake.esf_result_status" },
    { &kumppani__v1__esf_employment__descriptor,       "intake.esf_employment" },
    { &kumppani__v1__enrolment_status__descriptor,     "groups.enrolment_status" },
    { &kumppani__v1__referral_kind__descriptor,        "referral.referral_kind" },
    { &kumppani__v1__referral_state__descriptor,       "referral.referral_state" },
    { &kumppani__v1__reason_category__descriptor,      "referral.reason_category" },
    { &kumppani__v1__legal_basis__descriptor,          "referral.legal_basis" },
    { &kumppani__v1__assistance_type__descriptor,      "referral.assistance_type" },
    { &kumppani__v1__deadline_state__descriptor,       "referral.deadline_state" },
    { &kumppani__v1__application_decision__descriptor, "referral.application_decision" },
    { NULL }
};

//  The prefix every value of the enum shares: value 0's name minus UNSPECIFIED.
static size_t
s_prefix_len (const ProtobufCEnumDescriptor *descriptor)
{
    const ProtobufCEnumValue *zero = protobuf_c_enum_descriptor_get_value (descriptor, 0);
    size_t len = zero ? strlen (zero->name) : 0;
    return len >= 11 ? len - 11 : 0;            //  strlen ("UNSPECIFIED")
}

const char *
kp_enum_code (const ProtobufCEnumDescriptor *descriptor, int value, char *buffer, size_t size)
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
kp_enum_value (const ProtobufCEnumDescriptor *descriptor, const char *code)
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
