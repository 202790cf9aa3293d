/*  kp_log writes one JSON object per line with the request context, and
    escapes what it is given so a message can never break the line. */
#include "kp_log.h"

#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <string.h>

TestSuite (log, .init = cr_redirect_stderr);

static void
s_read_all (char *buffer, size_t size)
{
    fflush (stderr);
    FILE *captured = cr_get_redirected_stderr ();
    size_t used = fread (buffer, 1, size - 1, captured);
    buffer [used] = 0;
}

Test (log, json_line_with_context_and_escaping)
{
    kp_log_init ("intake", "debug");
    kp_log_ctx_t ctx = { .request_id = "r-1", .organisation = "muni-743", .operation = "intake.register" };
    kp_log (KP_LOG_WARN, &ctx, "quote \" backslash \\ newline \n end");
    char out [4096];
    s_read_all (out, sizeof out);
    cr_assert_eq (out [0], '{');
    cr_assert (strstr (out, "\"level\":\"warn\""), "%s", out);
    cr_assert (strstr (out, "\"service\":\"intake\""), "%s", out);
    cr_assert (strstr (out, "\"request_id\":\"r-1\""), "%s", out);
    cr_assert (strstr (out, "\"organisation\":\"muni-743\""), "%s", out);
    cr_assert (strstr (out, "\"operation\":\"intake.register\""), "%s", out);
    cr_assert (strstr (out, "\"msg\":\"quote \\\" backslash \\\\ newline \\u000a end\""), "%s", out);
    //  exactly one line
    char *newline = strchr (out, '\n');
    cr_assert_not_null (newline);
    cr_assert_eq (newline [1], 0);
}

Test (log, below_the_level_nothing_is_written)
{
    kp_log_init ("stream", "error");
    kp_info ("not shown");
    kp_warn ("not shown either");
    kp_error ("shown");
    char out [4096];
    s_read_all (out, sizeof out);
    cr_assert_null (strstr (out, "not shown"));
    cr_assert (strstr (out, "\"msg\":\"shown\""));
}

Test (log, level_names_parse)
{
    cr_assert_eq (kp_log_level_parse ("debug"), KP_LOG_DEBUG);
    cr_assert_eq (kp_log_level_parse ("WARN"), KP_LOG_WARN);
    cr_assert_eq (kp_log_level_parse ("nonsense"), KP_LOG_INFO);
    cr_assert_eq (kp_log_level_parse (NULL), KP_LOG_INFO);
}
