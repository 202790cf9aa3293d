/*  The real `kumppani` binary against a real stream process: tail prints
    the JSON lines integrators' scripts rely on and honours certificates,
    health reports up and down by exit status, cert new refuses what it
    must. The CLI runs as a child with only the KUMPPANI_* it documents. */
#include "harness.h"
#include "kp_codec.h"

#include <criterion/criterion.h>
#include <czmq.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

TestSuite (cli, .init = kpt_setup, .fini = kpt_teardown, .timeout = 120);

#define S_OCCURRED_AT 1714555800123456LL        //  2024-05-01T09:30:00.123456Z

//  Appends one observation event with a chosen theme and a fixed
//  occurred_at, so the printed line can be compared exactly.
static bool
s_append (PGconn *conn, const char *topic, const char *aggregate, const char *municipality,
          const char *recipient, const char *theme)
{
    Kumppani__V1__ObservationRecorded recorded = KUMPPANI__V1__OBSERVATION_RECORDED__INIT;
    recorded.theme = (char *) theme;
    recorded.observation_id = (char *) aggregate;
    Kumppani__V1__Event event = KUMPPANI__V1__EVENT__INIT;
    event.topic = (char *) topic;
    event.aggregate_id = (char *) aggregate;
    event.occurred_at = S_OCCURRED_AT;
    event.payload_case = KUMPPANI__V1__EVENT__PAYLOAD_OBSERVATION_RECORDED;
    event.observation_recorded = &recorded;
    return kpt_append_event (conn, &event, municipality, NULL, recipient) > 0;
}

static long long
s_head (void)
{
    return kpt_scalar ("SELECT last_seq FROM kp.event_counter", NULL);
}

static int
s_lines (const char *text)
{
    int lines = 0;
    for (const char *c = text; *c; c++)
        lines += *c == '\n';
    return lines;
}

Test (cli, tail_prints_replayed_events_as_json_lines)
{
    kpt_service_start ("stream", NULL);
    long long start = s_head ();
    PGconn *conn = kpt_connect_as ("reporting");
    PQclear (PQexec (conn, "BEGIN"));
    cr_assert (s_append (conn, "reporting.cli_test", "cli-1", "743", NULL, "housing"));
    cr_assert (s_append (conn, "reporting.other_test", "other-1", "743", NULL, "skipped"));
    cr_assert (s_append (conn, "reporting.cli_test", "cli-2", "743", NULL, "say \"hi\"\n"));
    cr_assert (s_append (conn, "reporting.cli_test", "cli-3", "743", NULL, "debt"));
    PQclear (PQexec (conn, "COMMIT"));
    PQfinish (conn);

    char from [24], out [8192];
    snprintf (from, sizeof from, "%lld", start);
    const char *args [] = { "tail", "--from", from, "--topic", "reporting.cli_", "--count", "3", NULL };
    cr_assert_eq (kpt_cli_run ("operator", out, sizeof out, args), 0, "tail failed; it printed: %s", out);
    //  seq in order, the other topic filtered out, the payload nested under
    //  its field name, the theme's quote and newline escaped.
    char expected [2048];
    snprintf (expected, sizeof expected,
        "{\"seq\":%lld,\"topic\":\"reporting.cli_test\",\"occurred_at\":\"2024-05-01T09:30:00.123456Z\","
        "\"aggregate_id\":\"cli-1\",\"observation_recorded\":{\"observation_id\":\"cli-1\",\"theme\":\"housing\"}}\n"
        "{\"seq\":%lld,\"topic\":\"reporting.cli_test\",\"occurred_at\":\"2024-05-01T09:30:00.123456Z\","
        "\"aggregate_id\":\"cli-2\",\"observation_recorded\":{\"observation_id\":\"cli-2\","
        "\"theme\":\"say \\\"hi\\\"\\n\"}}\n"
        "{\"seq\":%lld,\"topic\":\"reporting.cli_test\",\"occurred_at\":\"2024-05-01T09:30:00.123456Z\","
        "\"aggregate_id\":\"cli-3\",\"observation_recorded\":{\"observation_id\":\"cli-3\",\"theme\":\"debt\"}}\n",
        start + 1, start + 3, start + 4);
    cr_assert_str_eq (out, expected);
}

//  Without --from only events after the head at start-up are printed.
//  When the tail has looked up the head is not observable from outside,
//  so events are appended until it prints one (bounded), and the event
//  that existed before it started must not be among them.
Test (cli, tail_without_from_follows_only_new_events)
{
    kpt_service_start ("stream", NULL);
    PGconn *conn = kpt_connect_as ("reporting");
    cr_assert (s_append (conn, "reporting.cli_test", "before", "743", NULL, "old"));
    long long before = s_head ();
    const char *args [] = { "tail", "--count", "1", "--timeout", "20000", NULL };
    int fd;
    pid_t pid = kpt_cli_spawn ("operator", args, &fd);
    struct pollfd item = { .fd = fd, .events = POLLIN };
    for (int attempt = 0; attempt < 100 && poll (&item, 1, 0) == 0; attempt++) {
        char aggregate [32];
        snprintf (aggregate, sizeof aggregate, "after-%d", attempt);
        cr_assert (s_append (conn, "reporting.cli_test", aggregate, "743", NULL, "new"));
        poll (&item, 1, 200);
    }
    PQfinish (conn);
    char out [4096];
    cr_assert_eq (kpt_cli_finish (pid, fd, out, sizeof out, 20000), 0, "tail failed; it printed: %s", out);
    cr_assert_eq (s_lines (out), 1, "%s", out);
    long long seq = 0;
    cr_assert_eq (sscanf (out, "{\"seq\":%lld,", &seq), 1, "%s", out);
    cr_assert_gt (seq, before, "an event from before the start was printed: %s", out);
    cr_assert (strstr (out, "\"aggregate_id\":\"after-"), "%s", out);
}

Test (cli, tail_prints_nothing_the_certificate_is_not_entitled_to)
{
    kpt_service_start ("stream", NULL);
    long long start = s_head ();
    PGconn *conn = kpt_connect_as ("reporting");
    PQclear (PQexec (conn, "BEGIN"));
    cr_assert (s_append (conn, "reporting.scope_test", "for-091-a", "091", "muni-091", "a"));
    cr_assert (s_append (conn, "reporting.scope_test", "for-091-b", "091", NULL, "b"));
    PQclear (PQexec (conn, "COMMIT"));
    PQfinish (conn);
    char from [24], out [8192];
    snprintf (from, sizeof from, "%lld", start);

    //  The NGO of 743 gets none of 091's events, replayed or live.
    const char *quiet [] = { "tail", "--from", from, "--timeout", "2000", NULL };
    cr_assert_eq (kpt_cli_run ("ngo-743", out, sizeof out, quiet), 0, "%s", out);
    cr_assert_str_eq (out, "", "ngo-743 saw events of 091");
    //  The same command as the operator does see them: the silence above
    //  was entitlement, not a broken tail.
    cr_assert_eq (kpt_cli_run ("operator", out, sizeof out, quiet), 0, "%s", out);
    cr_assert_eq (s_lines (out), 2, "%s", out);
    cr_assert (strstr (out, "for-091-a") && strstr (out, "for-091-b"), "%s", out);
}

Test (cli, tail_reports_errors_with_a_non_zero_status)
{
    char out [4096];
    //  No stream running: the head lookup gets no answer.
    const char *args [] = { "tail", "--from", "0", "--count", "1", NULL };
    int rc = kpt_cli_run ("operator", out, sizeof out, args);
    cr_assert_neq (rc, 0);
    cr_assert_neq (rc, -1, "tail hung instead of failing");
    cr_assert_str_eq (out, "");
    const char *bad [] = { "tail", "--count", "three", NULL };
    cr_assert_eq (kpt_cli_run ("operator", out, sizeof out, bad), 2);
    const char *no_cert [] = { "tail", NULL };
    cr_assert_eq (kpt_cli_run (NULL, out, sizeof out, no_cert), 2);
}

Test (cli, health_exit_status_follows_the_service)
{
    kpt_service_start ("stream", NULL);
    char out [4096];
    const char *args [] = { "health", "--service", "stream", "--timeout", "1000", NULL };
    cr_assert_eq (kpt_cli_run ("operator", out, sizeof out, args), 0, "%s", out);
    cr_assert (strstr (out, "stream") && strstr (out, "UP"), "%s", out);
    cr_assert_eq (kpt_service_stop ("stream"), 0);
    cr_assert_eq (kpt_cli_run ("operator", out, sizeof out, args), 1, "%s", out);
    cr_assert (strstr (out, "DOWN"), "%s", out);
}

//  The certificate files' bytes, or "" when missing; caller frees.
static char *
s_slurp (const char *path)
{
    char *text = calloc (1, 8192);
    FILE *file = fopen (path, "r");
    if (file) {
        size_t used = fread (text, 1, 8191, file);
        text [used] = 0;
        fclose (file);
    }
    return text;
}

Test (cli, cert_new_refuses_unknown_type_and_overwriting)
{
    char dir [600], path [700], out [4096];
    snprintf (dir, sizeof dir, "%s/new", kpt_cert_dir ("clients"));
    snprintf (path, sizeof path, "%s/acme.cert", dir);

    const char *unknown [] = { "cert", "new", "acme", "--type", "wizard", "--out", dir, NULL };
    cr_assert_eq (kpt_cli_run (NULL, out, sizeof out, unknown), 2);
    cr_assert_not (zsys_file_exists (path), "a certificate was written for an unknown type");

    const char *good [] = { "cert", "new", "acme", "--type", "ngo", "--municipality", "743",
                            "--out", dir, NULL };
    cr_assert_eq (kpt_cli_run (NULL, out, sizeof out, good), 0, "%s", out);
    cr_assert (zsys_file_exists (path));
    char secret [720];
    snprintf (secret, sizeof secret, "%s_secret", path);
    char *public_before = s_slurp (path), *secret_before = s_slurp (secret);
    cr_assert (strstr (public_before, "org_type = \"ngo\""), "%s", public_before);

    //  A second run must not replace the key someone may already use.
    cr_assert_eq (kpt_cli_run (NULL, out, sizeof out, good), 1);
    char *public_after = s_slurp (path), *secret_after = s_slurp (secret);
    cr_assert_str_eq (public_after, public_before);
    cr_assert_str_eq (secret_after, secret_before);
    free (public_before);
    free (secret_before);
    free (public_after);
    free (secret_after);
}

//  `kumppani call`: any operation with a JSON body; the reply as JSON; an
//  error reply's status, code and field on stderr and in the exit status.
Test (cli, call_sends_a_json_body_and_reports_errors_by_status_code_and_field)
{
    kpt_service_start ("reporting", NULL);
    char out [8192];
    const char *ok [] = { "call", "reporting", "submit_observation", "--person", "sw-7",
                          "--role", "social_worker", "--body",
                          "{\"theme\": \"housing\", \"area\": \"743\", \"period_start\": \"2026-01-01\","
                          " \"period_end\": \"2026-03-31\", \"description\": \"Evictions rising.\","
                          " \"clients_concerned\": 6}", NULL };
    cr_assert_eq (kpt_cli_run ("muni-743", out, sizeof out, ok), 0, "%s", out);
    cr_assert (strstr (out, "\"status\":\"STATUS_OK\""), "%s", out);
    char id [32] = "";
    const char *at = strstr (out, "\"observation_id\":\"");
    cr_assert_not_null (at, "%s", out);
    sscanf (at + strlen ("\"observation_id\":\""), "%26[0-9A-Z]", id);
    cr_assert_eq (kpt_scalar ("SELECT count(*) FROM reporting.observations WHERE observation_id = $1"
                              " AND person_id = 'sw-7'", id), 1);

    //  A refusal: exit 1, and stderr says status, code and field.
    kpt_cli_merge_stderr = true;
    const char *refused [] = { "call", "reporting", "submit_observation", "--role", "social_worker",
                               "--body", "{\"theme\": \"Housing!\", \"area\": \"743\"}", NULL };
    cr_assert_eq (kpt_cli_run ("muni-743", out, sizeof out, refused), 1, "%s", out);
    cr_assert (strstr (out, "STATUS_INVALID observation.theme at submit_observation.theme"), "%s", out);

    //  Not a valid body: refused before anything is sent, exit 2.
    const char *unknown [] = { "call", "reporting", "submit_observation", "--body", "{\"colour\": 1}", NULL };
    cr_assert_eq (kpt_cli_run ("muni-743", out, sizeof out, unknown), 2, "%s", out);
    cr_assert (strstr (out, "json.unknown_field at 'colour'"), "%s", out);
    const char *syntax [] = { "call", "reporting", "submit_observation", "--body", "{\"theme\": ", NULL };
    cr_assert_eq (kpt_cli_run ("muni-743", out, sizeof out, syntax), 2, "%s", out);
    const char *operation [] = { "call", "reporting", "no_such_operation", NULL };
    cr_assert_eq (kpt_cli_run ("muni-743", out, sizeof out, operation), 2, "%s", out);
    kpt_cli_merge_stderr = false;
}

//  `kumppani referral …`: Kela submits from a JSON file, gets it back; the
//  municipality acknowledges; Kela may not.
Test (cli, referral_submit_get_ack_and_a_refusal)
{
    kpt_service_start ("stream", NULL);
    kpt_service_start ("referral", NULL);
    char path [] = "/tmp/kpt-referral-XXXXXX";
    int fd = mkstemp (path);
    cr_assert_geq (fd, 0);
    const char *notice = "{\"kind\": \"REFERRAL_KIND_SOCIAL_WORK_NEED\", \"recipient_org\": \"muni-743\","
        " \"recipient_type\": \"municipality\", \"municipality\": \"743\", \"client_ref\": \"client-cli-1\","
        " \"reason_category\": \"REASON_CATEGORY_HOUSING\", \"legal_basis\": \"LEGAL_BASIS_CLIENT_REQUEST\"}";
    cr_assert_eq (write (fd, notice, strlen (notice)), (ssize_t) strlen (notice));
    close (fd);
    char out [16384];
    const char *submit [] = { "referral", "submit", "--json", path, "--role", "kela_officer", NULL };
    int rc = kpt_cli_run ("kela", out, sizeof out, submit);
    unlink (path);
    cr_assert_eq (rc, 0, "%s", out);
    char id [32] = "";
    const char *at = strstr (out, "\"referral_id\":\"");
    cr_assert_not_null (at, "%s", out);
    sscanf (at + strlen ("\"referral_id\":\""), "%26[0-9A-Z]", id);
    cr_assert_eq (strlen (id), 26, "%s", out);

    const char *get [] = { "referral", "get", id, "--role", "kela_officer", NULL };
    cr_assert_eq (kpt_cli_run ("kela", out, sizeof out, get), 0, "%s", out);
    cr_assert (strstr (out, "REFERRAL_STATE_RECEIVED"), "%s", out);

    const char *kela_ack [] = { "referral", "ack", id, "--role", "kela_officer", NULL };
    cr_assert_eq (kpt_cli_run ("kela", out, sizeof out, kela_ack), 1, "Kela acknowledged its own notice: %s", out);

    const char *ack [] = { "referral", "ack", id, "--role", "social_worker", "--note", "Seen.", NULL };
    cr_assert_eq (kpt_cli_run ("muni-743", out, sizeof out, ack), 0, "%s", out);
    cr_assert (strstr (out, "REFERRAL_STATE_ACKNOWLEDGED"), "%s", out);

    const char *list [] = { "referral", "list", "--state", "REFERRAL_STATE_ACKNOWLEDGED", "--role", "social_worker", NULL };
    cr_assert_eq (kpt_cli_run ("muni-743", out, sizeof out, list), 0, "%s", out);
    cr_assert (strstr (out, id), "the acknowledged referral is not listed: %s", out);
}

//  `kumppani referral hold|resume|forward|cancel`: the municipality holds
//  and resumes Kela's partner referral, forwards it to debt counselling;
//  Kela cancels another, and a cancel after the forward is refused.
Test (cli, referral_hold_resume_forward_and_cancel)
{
    kpt_service_start ("stream", NULL);
    kpt_service_start ("referral", NULL);
    char out [16384], ids [2][32];
    for (int index = 0; index < 2; index++) {
        char path [] = "/tmp/kpt-referral-XXXXXX";
        int fd = mkstemp (path);
        cr_assert_geq (fd, 0);
        const char *partner = "{\"kind\": \"REFERRAL_KIND_PARTNER\", \"recipient_org\": \"muni-743\","
            " \"recipient_type\": \"municipality\", \"municipality\": \"743\", \"client_ref\": \"client-cli-2\","
            " \"reason_category\": \"REASON_CATEGORY_DEBT\", \"legal_basis\": \"LEGAL_BASIS_CLIENT_REQUEST\"}";
        cr_assert_eq (write (fd, partner, strlen (partner)), (ssize_t) strlen (partner));
        close (fd);
        const char *submit [] = { "referral", "submit", "--json", path, "--role", "kela_officer", NULL };
        int rc = kpt_cli_run ("kela", out, sizeof out, submit);
        unlink (path);
        cr_assert_eq (rc, 0, "%s", out);
        const char *at = strstr (out, "\"referral_id\":\"");
        cr_assert_not_null (at, "%s", out);
        sscanf (at + strlen ("\"referral_id\":\""), "%26[0-9A-Z]", ids [index]);
    }
    const char *hold [] = { "referral", "hold", ids [0], "client_in_hospital", "--role", "social_worker", NULL };
    cr_assert_eq (kpt_cli_run ("muni-743", out, sizeof out, hold), 0, "%s", out);
    cr_assert (strstr (out, "REFERRAL_STATE_ON_HOLD"), "%s", out);
    const char *resume [] = { "referral", "resume", ids [0], "--note", "Back home.", "--role", "social_worker", NULL };
    cr_assert_eq (kpt_cli_run ("muni-743", out, sizeof out, resume), 0, "%s", out);
    cr_assert (strstr (out, "REFERRAL_STATE_RECEIVED"), "%s", out);
    const char *forward [] = { "referral", "forward", ids [0], "debt-743", "debt_counselling",
                               "--reason", "debt_counselling_needed", "--role", "social_worker", NULL };
    cr_assert_eq (kpt_cli_run ("muni-743", out, sizeof out, forward), 0, "%s", out);
    cr_assert (strstr (out, "REFERRAL_STATE_FORWARDED") && strstr (out, "\"chain\""), "%s", out);
    const char *late [] = { "referral", "cancel", ids [0], "sent_in_error", "--role", "kela_officer", NULL };
    cr_assert_eq (kpt_cli_run ("kela", out, sizeof out, late), 1, "cancelled after the forward: %s", out);
    const char *cancel [] = { "referral", "cancel", ids [1], "sent_in_error", "--role", "kela_officer", NULL };
    cr_assert_eq (kpt_cli_run ("kela", out, sizeof out, cancel), 0, "%s", out);
    cr_assert (strstr (out, "REFERRAL_STATE_CANCELLED"), "%s", out);
}
