/*  harness_cli — runs the real `kumppani` binary the way an operator
    would: a child process with only the KUMPPANI_* variables the README
    documents, pointing at this test's services and certificates. */
#include "harness.h"

#include <criterion/criterion.h>
#include <czmq.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

bool kpt_cli_merge_stderr;


//  Starts the CLI acting for org (NULL: no client certificate) with args
//  (NULL-terminated); *out_fd reads its standard output.
pid_t
kpt_cli_spawn (const char *org, const char *const *args, int *out_fd)
{
    char binary [512];
    snprintf (binary, sizeof binary, "%s/kumppani", getenv ("KUMPPANI_TEST_BIN_DIR"));
    //  Copied now: kpt_* paths live in a small ring of static buffers.
    char services [600], client [600], endpoint [64], pub_endpoint [64];
    snprintf (services, sizeof services, "%s", kpt_cert_dir ("services"));
    snprintf (client, sizeof client, "%s", org ? kpt_cert_path ("clients", org) : "");
    snprintf (endpoint, sizeof endpoint, "%s", kpt_endpoint ("stream"));
    snprintf (pub_endpoint, sizeof pub_endpoint, "%s", kpt_pub_endpoint ());
    int pipe_fds [2];
    cr_assert_eq (pipe (pipe_fds), 0);
    fflush (stdout);
    fflush (stderr);
    pid_t pid = fork ();
    cr_assert (pid >= 0);
    if (pid == 0) {
        prctl (PR_SET_PDEATHSIG, SIGKILL);
        dup2 (pipe_fds [1], STDOUT_FILENO);
        if (kpt_cli_merge_stderr)
            dup2 (pipe_fds [1], STDERR_FILENO);
        close (pipe_fds [0]);
        close (pipe_fds [1]);
        setenv ("KUMPPANI_SERVICE_CERTS_DIR", services, 1);
        setenv ("KUMPPANI_STREAM_ENDPOINT", endpoint, 1);
        setenv ("KUMPPANI_REPORTING_ENDPOINT", kpt_endpoint ("reporting"), 1);
        setenv ("KUMPPANI_REFERRAL_ENDPOINT", kpt_endpoint ("referral"), 1);
        setenv ("KUMPPANI_INTAKE_ENDPOINT", kpt_endpoint ("intake"), 1);
        setenv ("KUMPPANI_GROUPS_ENDPOINT", kpt_endpoint ("groups"), 1);
        setenv ("KUMPPANI_STREAM_PUB_ENDPOINT", pub_endpoint, 1);
        if (org)
            setenv ("KUMPPANI_CLIENT_CERT", client, 1);
        else
            unsetenv ("KUMPPANI_CLIENT_CERT");
        const char *argv [16] = { binary };
        for (int index = 0; args [index] && index < 14; index++)
            argv [index + 1] = args [index];
        execv (binary, (char *const *) argv);
        _exit (127);
    }
    close (pipe_fds [1]);
    *out_fd = pipe_fds [0];
    return pid;
}

//  Collects the child's output until it exits (bounded: killed after
//  timeout_ms). Returns its exit status, or -1 if it had to be killed.
int
kpt_cli_finish (pid_t pid, int fd, char *out, size_t size, int timeout_ms)
{
    size_t used = 0;
    int64_t deadline = zclock_mono () + timeout_ms;
    while (true) {
        int64_t left = deadline - zclock_mono ();
        struct pollfd item = { .fd = fd, .events = POLLIN };
        if (left <= 0 || poll (&item, 1, (int) left) <= 0)
            break;
        char scratch [4096];
        ssize_t got = read (fd, scratch, sizeof scratch);
        if (got <= 0)
            break;                                  //  EOF: the child is done
        size_t keep = (size_t) got < size - 1 - used ? (size_t) got : size - 1 - used;
        memcpy (out + used, scratch, keep);
        used += keep;
    }
    out [used] = 0;
    close (fd);
    int status;
    for (int waited = 0; waited < 500; waited++) {
        if (waitpid (pid, &status, WNOHANG) == pid)
            return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
        if (zclock_mono () < deadline)
            zclock_sleep (10);
        else
            break;
    }
    kill (pid, SIGKILL);
    waitpid (pid, &status, 0);
    return -1;
}

int
kpt_cli_run (const char *org, char *out, size_t size, const char *const *args)
{
    int fd;
    pid_t pid = kpt_cli_spawn (org, args, &fd);
    return kpt_cli_finish (pid, fd, out, size, 30000);
}

