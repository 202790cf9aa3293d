/*  docs/fhir.md against the code: every ReferralState of referral.proto
    (its generated descriptor) has a row in the state table with the
    stored name as businessStatus, and every operation of the FSM table
    has a row in the transition table. A state or operation added
    without its FHIR mapping fails here. Run from the repository's root
    (scripts/test.sh does). */
#include "../../services/referral/referral_fsm.c"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

TestSuite (referral_fhir);

static char s_doc [1 << 16];

//  The section of docs/fhir.md under heading (to the next "## "), in s_doc.
static const char *
s_section (const char *heading, size_t *length)
{
    FILE *file = fopen ("docs/fhir.md", "rb");
    cr_assert_not_null (file, "run from the repository's root (docs/fhir.md)");
    size_t size = fread (s_doc, 1, sizeof s_doc - 1, file);
    fclose (file);
    s_doc [size] = 0;
    const char *start = strstr (s_doc, heading);
    cr_assert_not_null (start, "docs/fhir.md has no '%s'", heading);
    const char *end = strstr (start + strlen (heading), "\n## ");
    *length = end ? (size_t) (end - start) : strlen (start);
    return start;
}

//  The table row in section that starts with first (a whole line), or "".
static void
s_row (const char *section, size_t length, const char *first, char *row, size_t size)
{
    *row = 0;
    for (const char *line = section; line && line < section + length; ) {
        const char *next = strchr (line, '\n');
        size_t line_length = next ? (size_t) (next - line) : strlen (line);
        if (strncmp (line, first, strlen (first)) == 0 && line_length < size) {
            memcpy (row, line, line_length);
            row [line_length] = 0;
            return;
        }
        line = next ? next + 1 : NULL;
    }
}

Test (referral_fhir, every_state_has_a_row_with_its_stored_name)
{
    size_t length;
    const char *section = s_section ("## Every ReferralState", &length);
    const ProtobufCEnumDescriptor *states = &kumppani__v1__referral_state__descriptor;
    for (unsigned index = 0; index < states->n_values; index++) {
        const char *name = states->values [index].name;      //  "REFERRAL_STATE_ON_HOLD"
        cr_assert (strncmp (name, "REFERRAL_STATE_", 15) == 0, "%s", name);
        char first [80], row [512], business [80];
        snprintf (first, sizeof first, "| `%s` |", name + 15);
        s_row (section, length, first, row, sizeof row);
        cr_assert (*row, "docs/fhir.md maps no FHIR Task status for ReferralState %s", name);
        Kumppani__V1__ReferralState state = (Kumppani__V1__ReferralState) states->values [index].value;
        if (state == KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_UNSPECIFIED)
            continue;
        //  The way back is businessStatus: the stored name, exactly.
        snprintf (business, sizeof business, "| `%s` |", referral_state_name (state));
        cr_assert (strstr (row, business), "the row of %s lacks businessStatus `%s`: %s", name,
                   referral_state_name (state), row);
    }
}

//  The request (and for a status update, the state) each operation's row names.
static const struct {
    referral_op_t op;
    const char *request;
    const char *detail;                 //  NULL: none needed
} s_ops [] = {
    { REFERRAL_OP_SUBMIT,               "`SubmitReferral`",         NULL },
    { REFERRAL_OP_ACKNOWLEDGE,          "`AcknowledgeReferral`",    NULL },
    { REFERRAL_OP_ASSIGN,               "`AssignReferral`",         NULL },
    { REFERRAL_OP_CONTACT,              "`UpdateReferralStatus`",   "`CLIENT_CONTACTED`" },
    { REFERRAL_OP_BOOK_ASSESSMENT,      "`UpdateReferralStatus`",   "`ASSESSMENT_BOOKED`" },
    { REFERRAL_OP_START_ASSESSMENT,     "`UpdateReferralStatus`",   "`ASSESSMENT_STARTED`" },
    { REFERRAL_OP_COMPLETE_ASSESSMENT,  "`UpdateReferralStatus`",   "`ASSESSMENT_COMPLETED`" },
    { REFERRAL_OP_UNREACHABLE,          "`UpdateReferralStatus`",   "`UNREACHABLE`" },
    { REFERRAL_OP_NO_NEED,              "`UpdateReferralStatus`",   "`NO_NEED`" },
    { REFERRAL_OP_TRANSFER,             "`UpdateReferralStatus`",   "`TRANSFERRED`" },
    { REFERRAL_OP_ACCEPT,               "`AcceptReferral`",         NULL },
    { REFERRAL_OP_DECLINE,              "`DeclineReferral`",        NULL },
    { REFERRAL_OP_RECORD_OUTCOME,       "`RecordReferralOutcome`",  NULL },
    { REFERRAL_OP_GIVE_STATEMENT,       "`GiveStatement`",          NULL },
    { REFERRAL_OP_RECORD_DECISION,      "`RecordApplicationDecision`", NULL },
    { REFERRAL_OP_REQUEST_STATEMENT,    "`RequestStatement`",       NULL },
    { REFERRAL_OP_CANCEL,               "`CancelReferral`",         NULL },
    { REFERRAL_OP_HOLD,                 "`HoldReferral`",           NULL },
    { REFERRAL_OP_RESUME,               "`ResumeReferral`",         NULL },
    { REFERRAL_OP_FORWARD,              "`ForwardReferral`",        NULL },
};
//  A new operation in referral_fsm.h must be named here, and so in the doc.
_Static_assert (sizeof s_ops / sizeof s_ops [0] == REFERRAL_OP_COUNT, "an operation without its FHIR row");

Test (referral_fhir, every_operation_has_a_transition_row)
{
    size_t length;
    const char *section = s_section ("## Every transition", &length);
    for (size_t index = 0; index < sizeof s_ops / sizeof s_ops [0]; index++) {
        cr_assert_eq (s_ops [index].op, (referral_op_t) index, "keep s_ops in referral_op_t's order");
        char first [80], row [1024];
        snprintf (first, sizeof first, "| %s", s_ops [index].request);
        bool found = false;
        //  Every row that starts with the request (status updates have two).
        for (const char *at = section; !found && (at = strstr (at, first)) && at < section + length; at++) {
            if (at [-1] != '\n')
                continue;               //  not a row's first cell
            s_row (at, length - (size_t) (at - section), first, row, sizeof row);
            found = *row && (!s_ops [index].detail || strstr (row, s_ops [index].detail));
        }
        cr_assert (found, "docs/fhir.md has no transition row for %s %s", s_ops [index].request,
                   s_ops [index].detail ? s_ops [index].detail : "");
        //  …and the row's target state, unless the step keeps the state.
        const referral_transition_t *any = NULL;
        for (size_t row_index = 0; row_index < sizeof s_table / sizeof s_table [0]; row_index++)
            if (s_table [row_index].op == s_ops [index].op && s_table [row_index].to
                != KUMPPANI__V1__REFERRAL_STATE__REFERRAL_STATE_UNSPECIFIED)
                any = &s_table [row_index];
        if (any) {
            char target [64];
            snprintf (target, sizeof target, "`%s`",
                      protobuf_c_enum_descriptor_get_value (&kumppani__v1__referral_state__descriptor,
                                                            any->to)->name + 15);
            cr_assert (strstr (row, target), "the row of %s does not name its target %s: %s",
                       s_ops [index].request, target, row);
        }
    }
}
