/*  kp_reply_vocab: a stored role name to its Role (every value, by its
    proto name and by its short code), a reply's microseconds as ISO 8601
    UTC, and the new reply enums' codes both ways (the stored ones are
    held against the database by the integration suite test_stored_enums). */
#include "kp_disclosure.h"
#include "kp_enum.h"
#include "kp_reply_vocab.h"

#include <criterion/criterion.h>

TestSuite (reply_vocab);

Test (reply_vocab, every_role_name_and_code_maps_to_its_value)
{
    const ProtobufCEnumDescriptor *roles = &kumppani__v1__role__descriptor;
    for (unsigned index = 0; index < roles->n_values; index++) {
        int value = roles->values [index].value;
        cr_assert_eq ((int) kp_reply_vocab_role (roles->values [index].name), value, "%s",
                      roles->values [index].name);
        char code [KP_ENUM_CODE_MAX];
        if (value)
            cr_assert_eq ((int) kp_reply_vocab_role (kp_enum_code (roles, value, code, sizeof code)), value);
    }
    //  What kp_role_name writes for a value Role lacks, and nothing.
    cr_assert_eq (kp_reply_vocab_role ("ROLE_UNKNOWN"), KUMPPANI__V1__ROLE__ROLE_UNSPECIFIED);
    cr_assert_eq (kp_reply_vocab_role (""), KUMPPANI__V1__ROLE__ROLE_UNSPECIFIED);
    cr_assert_eq (kp_reply_vocab_role (NULL), KUMPPANI__V1__ROLE__ROLE_UNSPECIFIED);
    cr_assert_eq (kp_reply_vocab_role ("role_social_worker"), KUMPPANI__V1__ROLE__ROLE_UNSPECIFIED);
}

Test (reply_vocab, times_print_as_iso_8601_utc_to_the_microsecond)
{
    char text [KP_REPLY_VOCAB_TIME_MAX];
    cr_assert_str_eq (kp_reply_vocab_time (1796150263123456LL, text, sizeof text), "2026-12-01T18:37:43.123456Z");
    cr_assert_str_eq (kp_reply_vocab_time (1000000, text, sizeof text), "1970-01-01T00:00:01.000000Z");
    cr_assert_str_eq (kp_reply_vocab_time (-500000, text, sizeof text), "1969-12-31T23:59:59.500000Z");
    cr_assert_str_eq (kp_reply_vocab_time (0, text, sizeof text), "1970-01-01T00:00:00.000000Z");
    cr_assert_null (kp_reply_vocab_time (INT64_MAX, text, sizeof text), "no four-digit year");
    cr_assert_str_empty (text);
}

//  Every value of each new reply enum has a code that reads back, and
//  the codes are the services' own words.
Test (reply_vocab, new_reply_enums_round_trip)
{
    const ProtobufCEnumDescriptor *enums [] = {
        &kumppani__v1__case_state__descriptor, &kumppani__v1__enrolment_status__descriptor,
        &kumppani__v1__conflict_kind__descriptor, &kumppani__v1__deadline_kind__descriptor,
        &kumppani__v1__due_kind__descriptor, &kumppani__v1__disclosure_basis__descriptor,
        &kumppani__v1__clock_priority__descriptor, NULL
    };
    for (int which = 0; enums [which]; which++)
        for (unsigned index = 0; index < enums [which]->n_values; index++) {
            int value = enums [which]->values [index].value;
            char code [KP_ENUM_CODE_MAX];
            if (value == 0)
                continue;
            cr_assert_not_null (kp_enum_code (enums [which], value, code, sizeof code));
            cr_assert_eq (kp_enum_value (enums [which], code), value, "%s '%s'", enums [which]->name, code);
        }
    //  The labels the services store and send (groups.enrolments' status,
    //  an enum since migration 0032; groups_session's conflict kinds;
    //  referral_deadline's clock kinds, stored as text; kp_disclosure's
    //  bases, audited as text).
    const struct { const ProtobufCEnumDescriptor *descriptor; const char *code; } words [] = {
        { &kumppani__v1__enrolment_status__descriptor, "enrolled" },
        { &kumppani__v1__enrolment_status__descriptor, "waitlisted" },
        { &kumppani__v1__enrolment_status__descriptor, "withdrawn" },
        { &kumppani__v1__conflict_kind__descriptor, "venue" },
        { &kumppani__v1__conflict_kind__descriptor, "facilitator" },
        { &kumppani__v1__conflict_kind__descriptor, "client" },
        { &kumppani__v1__deadline_kind__descriptor, "assessment_start" },
        { &kumppani__v1__deadline_kind__descriptor, "decision" },
        { &kumppani__v1__deadline_kind__descriptor, "personal_discussion" },
        { &kumppani__v1__case_state__descriptor, "plan_made" },
        { &kumppani__v1__due_kind__descriptor, "assessment_start" },
        { &kumppani__v1__due_kind__descriptor, "review" },
        { &kumppani__v1__due_kind__descriptor, "contact" },
        { &kumppani__v1__clock_priority__descriptor, "over_75" },
        { &kumppani__v1__clock_priority__descriptor, "highest_care_allowance" },
        { &kumppani__v1__disclosure_basis__descriptor, KP_DISCLOSURE_CONSENT },
        { &kumppani__v1__disclosure_basis__descriptor, KP_DISCLOSURE_CLIENT_REQUEST },
        { &kumppani__v1__disclosure_basis__descriptor, KP_DISCLOSURE_SECTION_35 },
        { &kumppani__v1__disclosure_basis__descriptor, KP_DISCLOSURE_RECIPIENT_CONSENT },
    };
    for (size_t index = 0; index < sizeof words / sizeof words [0]; index++)
        cr_assert_neq (kp_enum_value (words [index].descriptor, words [index].code), 0, "'%s'", words [index].code);
}
