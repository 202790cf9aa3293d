/*  kp_enum: a proto value and its database label, both ways, from the
    descriptors (the labels themselves are held against the database by
    the integration suite test_stored_enums). */
#include "kp_enum.h"
#include "kumppani/v1/intake.pb-c.h"
#include "kumppani/v1/referral.pb-c.h"

#include <criterion/criterion.h>

TestSuite (enum_codes);

Test (enum_codes, value_names_lose_their_prefix_and_case)
{
    char code [KP_ENUM_CODE_MAX];
    cr_assert_str_eq (kp_enum_code (&kumppani__v1__referral_state__descriptor,
                                    KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_ASSESSMENT_STARTED,
                                    code, sizeof code), "assessment_started");
    cr_assert_str_eq (kp_enum_code (&kumppani__v1__referral_kind__descriptor,
                                    KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_SECTION_35_NOTICE,
                                    code, sizeof code), "section_35_notice");
    cr_assert_str_eq (kp_enum_code (&kumppani__v1__education_level__descriptor,
                                    KUMPPANI__V1__EDUCATION_LEVEL__EDUCATION_LEVEL_ISCED_0_2,
                                    code, sizeof code), "isced_0_2");
}

Test (enum_codes, unspecified_and_unknown_have_no_code)
{
    char code [KP_ENUM_CODE_MAX];
    cr_assert_null (kp_enum_code (&kumppani__v1__referral_state__descriptor, 0, code, sizeof code));
    cr_assert_null (kp_enum_code (&kumppani__v1__referral_state__descriptor, 99, code, sizeof code));
    cr_assert_null (kp_enum_code (&kumppani__v1__referral_state__descriptor, 1, code, 0));
}

Test (enum_codes, codes_read_back_and_anything_else_is_zero)
{
    const ProtobufCEnumDescriptor *states = &kumppani__v1__referral_state__descriptor;
    cr_assert_eq (kp_enum_value (states, "closed"), KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_CLOSED);
    cr_assert_eq (kp_enum_value (states, ""), 0);
    cr_assert_eq (kp_enum_value (states, NULL), 0);
    cr_assert_eq (kp_enum_value (states, "unspecified"), 0);
    cr_assert_eq (kp_enum_value (states, "CLOSED"), 0, "labels are lower case only");
    cr_assert_eq (kp_enum_value (states, "close"), 0);
}

Test (enum_codes, every_stored_enum_round_trips)
{
    for (const kp_enum_stored_t *stored = kp_enum_stored; stored->descriptor; stored++)
        for (unsigned index = 0; index < stored->descriptor->n_values; index++) {
            int value = stored->descriptor->values [index].value;
            char code [KP_ENUM_CODE_MAX];
            if (value == 0)
                continue;
            cr_assert_not_null (kp_enum_code (stored->descriptor, value, code, sizeof code), "%s %d",
                                stored->type, value);
            cr_assert_eq (kp_enum_value (stored->descriptor, code), value, "%s '%s'", stored->type, code);
        }
}
