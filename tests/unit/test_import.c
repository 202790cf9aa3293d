/*  kp_import: the record format's times (offsets, summer time, dates
    alone, what is refused), the paths by which refs reach into a body and
    ids are read out of a reply, the operation table; and kp_clock's test
    clock, which no caller but the process's starter can set. */
#include "kp_calendar.h"
#include "kp_clock.h"
#include "kp_import.h"
#include "kumppani/v1/envelope.pb-c.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TestSuite (import);

Test (import, times_with_offsets_are_one_instant)
{
    //  2018-03-01 09:00 in Helsinki (winter, +02:00) is 07:00 UTC.
    int64_t utc = ((int64_t) kp_date_from_ymd (2018, 3, 1) * 86400 + 7 * 3600) * 1000000;
    cr_assert_eq (kp_import_parse_time ("2018-03-01T09:00:00+02:00"), utc);
    cr_assert_eq (kp_import_parse_time ("2018-03-01T09:00+02:00"), utc);
    cr_assert_eq (kp_import_parse_time ("2018-03-01T07:00:00Z"), utc);
    cr_assert_eq (kp_import_parse_time ("2018-03-01T02:00:00-05:00"), utc);
    //  Summer: +03:00. A date alone is noon in Helsinki, the same day in either season.
    cr_assert_eq (kp_import_parse_time ("2018-07-02T12:00:00+03:00"),
                  ((int64_t) kp_date_from_ymd (2018, 7, 2) * 86400 + 9 * 3600) * 1000000);
    cr_assert_eq (kp_date_of_us (kp_import_parse_time ("2018-07-02")), kp_date_from_ymd (2018, 7, 2));
    cr_assert_eq (kp_date_of_us (kp_import_parse_time ("2018-12-31")), kp_date_from_ymd (2018, 12, 31));
}

Test (import, bad_times_are_refused)
{
    static const char *const bad [] = {
        "", "2018", "2018-02-30", "2018-13-01", "18-03-01", "2018-03-01T", "2018-03-01T25:00Z",
        "2018-03-01T09:61Z", "2018-03-01T09:00", "2018-03-01T09:00:00", "2018-03-01T09:00:00+2",
        "2018-03-01T09:00:00+02:00x", "2018-03-01 09:00:00+02:00", "2018-03-01T09:00:0Z", "tomorrow",
        "2018-03-01T-1:00Z", "2018-03-01T09:00:60Z", "2018-03-01T09:00+15:00", NULL
    };
    for (int index = 0; bad [index]; index++)
        cr_assert_eq (kp_import_parse_time (bad [index]), -1, "'%s' was taken", bad [index]);
}

Test (import, refs_reach_nested_and_repeated_fields)
{
    cJSON *body = cJSON_Parse ("{\"scores\":[{\"item_code\":\"x\"}],\"plan\":{}}");
    cr_assert_eq (kp_import_set_path (body, "case_id", "CASE"), 0);
    cr_assert_eq (kp_import_set_path (body, "plan.linked_ref", "REF"), 0);
    cr_assert_eq (kp_import_set_path (body, "measure.linked_ref", "NEW"), 0);
    cr_assert_eq (kp_import_set_path (body, "scores.0.item_code", "goals"), 0);
    char *text = cJSON_PrintUnformatted (body);
    cr_assert_str_eq (text, "{\"scores\":[{\"item_code\":\"goals\"}],\"plan\":{\"linked_ref\":\"REF\"},"
                            "\"case_id\":\"CASE\",\"measure\":{\"linked_ref\":\"NEW\"}}");
    free (text);
    //  Into something that is not an object or a text: refused.
    cr_assert_eq (kp_import_set_path (body, "scores.1.item_code", "x"), -1);
    cr_assert_eq (kp_import_set_path (body, "scores.0", "x"), -1);
    cr_assert_eq (kp_import_set_path (body, "case_id.deeper", "x"), -1);
    cr_assert_eq (kp_import_set_path (body, "", "x"), -1);
    cJSON_Delete (body);
}

Test (import, ids_are_read_out_of_the_reply_that_carries_them)
{
    Kumppani__V1__Session session = KUMPPANI__V1__SESSION__INIT, *sessions [] = { &session };
    session.session_id = "SESSION";
    Kumppani__V1__SessionListReply list = KUMPPANI__V1__SESSION_LIST_REPLY__INIT;
    list.sessions = sessions;
    list.n_sessions = 1;
    Kumppani__V1__Reply reply = KUMPPANI__V1__REPLY__INIT;
    reply.body_case = KUMPPANI__V1__REPLY__BODY_SESSION_LIST;
    reply.session_list = &list;
    const kp_import_op_t *op = kp_import_op ("schedule_sessions");
    cr_assert_not_null (op);
    cr_assert_str_eq (op->service, "groups");
    cr_assert_str_eq (kp_import_message_path (&reply.base, op->id_path), "SESSION");
    cr_assert_null (kp_import_message_path (&reply.base, "session_list.sessions.1.session_id"));
    //  Another body of the oneof is not set: nothing there.
    cr_assert_null (kp_import_message_path (&reply.base, "intake_case.case_id"));
    cr_assert_null (kp_import_message_path (&reply.base, "session_list.nothing"));
    cr_assert_null (kp_import_op ("drop_table"));
    cr_assert_null (kp_import_op (NULL));
}

Test (import, a_forward_becomes_its_child_referral)
{
    //  A later record (the child's acceptance) refers to what the forward
    //  created: the child, the first link of the parent's chain.
    Kumppani__V1__ReferralView parent = KUMPPANI__V1__REFERRAL_VIEW__INIT;
    parent.referral_id = "PARENT";
    Kumppani__V1__ReferralChainLink link = KUMPPANI__V1__REFERRAL_CHAIN_LINK__INIT, *links [] = { &link };
    link.referral_id = "CHILD";
    Kumppani__V1__ReferralReply referral = KUMPPANI__V1__REFERRAL_REPLY__INIT;
    referral.referral = &parent;
    referral.chain = links;
    referral.n_chain = 1;
    Kumppani__V1__Reply reply = KUMPPANI__V1__REPLY__INIT;
    reply.body_case = KUMPPANI__V1__REPLY__BODY_REFERRAL;
    reply.referral = &referral;
    const kp_import_op_t *op = kp_import_op ("forward_referral");
    cr_assert_not_null (op);
    cr_assert_str_eq (op->service, "referral");
    cr_assert_str_eq (kp_import_message_path (&reply.base, op->id_path), "CHILD");
    cr_assert_str_eq (kp_import_message_path (&reply.base, kp_import_op ("cancel_referral")->id_path), "PARENT");
    cr_assert_str_eq (kp_import_message_path (&reply.base, kp_import_op ("request_statement")->id_path), "PARENT");
}

Test (import, every_operation_is_a_request_body_of_its_service)
{
    static const char *const ops [] = {
        "register_client", "open_case", "start_assessment", "close_case", "record_measurement",
        "create_activity", "schedule_sessions", "record_attendance", "submit_referral",
        "acknowledge_referral", "submit_observation", "cancel_referral", "hold_referral", "resume_referral",
        "forward_referral", "request_statement", "post_referral_message", NULL
    };
    for (int index = 0; ops [index]; index++) {
        const kp_import_op_t *op = kp_import_op (ops [index]);
        cr_assert_not_null (op, "%s", ops [index]);
        const ProtobufCFieldDescriptor *field =
            protobuf_c_message_descriptor_get_field_by_name (&kumppani__v1__request__descriptor, op->op);
        cr_assert (field && field->type == PROTOBUF_C_TYPE_MESSAGE, "%s is no request body", op->op);
        const char *reply_body = op->id_path;
        size_t length = strcspn (reply_body, ".");
        char name [64];
        snprintf (name, sizeof name, "%.*s", (int) length, reply_body);
        cr_assert_not_null (protobuf_c_message_descriptor_get_field_by_name (&kumppani__v1__reply__descriptor, name),
                            "%s: no reply body %s", op->op, name);
    }
}

Test (import, the_test_clock_comes_from_its_file_only)
{
    unsetenv ("KUMPPANI_CLOCK_FILE");
    cr_assert_not (kp_clock_is_test ());
    int64_t before = kp_clock_now_us ();
    cr_assert_gt (before, kp_import_parse_time ("2026-01-01"));
    char path [] = "/tmp/kp-clock.XXXXXX";
    int fd = mkstemp (path);
    cr_assert_geq (fd, 0);
    dprintf (fd, "%lld\n", (long long) kp_import_parse_time ("2018-03-01T09:00:00+02:00"));
    close (fd);
    setenv ("KUMPPANI_CLOCK_FILE", path, 1);
    cr_assert (kp_clock_is_test ());
    cr_assert_eq (kp_clock_now_us (), kp_import_parse_time ("2018-03-01T09:00:00+02:00"));
    cr_assert_eq (kp_date_today (), kp_date_from_ymd (2018, 3, 1));
    //  A file that says nothing usable: the real clock, never time zero.
    FILE *file = fopen (path, "w");
    fputs ("soon\n", file);
    fclose (file);
    cr_assert_geq (kp_clock_now_us (), before);
    unlink (path);
    unsetenv ("KUMPPANI_CLOCK_FILE");
}
