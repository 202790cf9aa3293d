/*  The funder's page as a PDF: the HTML page (cli_report_html.c) printed
    by headless Chromium (--print-to-pdf; the page's CSS sets A4), so the
    PDF is the page a browser shows, with its text as text. Chromium runs
    on a private temporary directory (page, profile, PDF, log; mode 0700,
    removed afterwards) and gets no network: the page fetches nothing.
    KUMPPANI_CHROMIUM names another binary ("chromium" on PATH by
    default). As root (a container) Chromium needs --no-sandbox. */
#define _GNU_SOURCE                 //  nftw
#include "cli_report.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

//  A hung browser must not hang the command: printing a report page takes
//  seconds; this is far beyond it.
#define S_CHROMIUM_LIMIT_S  180

static int
s_remove (const char *path, const struct stat *info, int flag, struct FTW *ftw)
{
    (void) info; (void) flag; (void) ftw;
    return remove (path);
}

//  Copies the file at path to out; 0 or -1.
static int
s_copy (const char *path, FILE *out)
{
    FILE *in = fopen (path, "rb");
    if (!in)
        return -1;
    char buffer [65536];
    size_t size;
    int rc = 0;
    while ((size = fread (buffer, 1, sizeof buffer, in)) > 0)
        if (fwrite (buffer, 1, size, out) != size)
            rc = -1;
    if (ferror (in))
        rc = -1;
    fclose (in);
    return rc;
}

static bool
s_is_pdf (const char *path)
{
    FILE *file = fopen (path, "rb");
    char magic [5] = { 0 };
    bool pdf = file && fread (magic, 1, 5, file) == 5 && memcmp (magic, "%PDF-", 5) == 0;
    if (file)
        fclose (file);
    return pdf;
}

//  Runs Chromium on page into pdf, its output into log; 0 or -1.
static int
s_chromium (const char *dir, const char *page, const char *pdf, const char *log)
{
    char profile [4400], print [4400], url [4400];
    snprintf (profile, sizeof profile, "--user-data-dir=%s/profile", dir);
    snprintf (print, sizeof print, "--print-to-pdf=%s", pdf);
    snprintf (url, sizeof url, "file://%s", page);
    const char *binary = getenv ("KUMPPANI_CHROMIUM");
    binary = binary && *binary ? binary : "chromium";
    const char *argv [16];
    int argc = 0;
    argv [argc++] = binary;
    argv [argc++] = "--headless";
    if (geteuid () == 0)
        argv [argc++] = "--no-sandbox";
    argv [argc++] = "--disable-gpu";
    argv [argc++] = "--disable-dev-shm-usage";
    argv [argc++] = "--no-first-run";
    argv [argc++] = "--no-pdf-header-footer";
    argv [argc++] = "--proxy-server=127.0.0.1:9";       //  nothing to fetch; nothing fetched
    argv [argc++] = profile;
    argv [argc++] = print;
    argv [argc++] = url;
    argv [argc] = NULL;
    pid_t child = fork ();
    if (child < 0)
        return -1;
    if (child == 0) {
        int fd = open (log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int null = open ("/dev/null", O_RDONLY);
        if (fd >= 0) {
            dup2 (fd, STDOUT_FILENO);
            dup2 (fd, STDERR_FILENO);
        }
        if (null >= 0)
            dup2 (null, STDIN_FILENO);
        setpgid (0, 0);             //  its helpers go with it on a timeout
        execvp (binary, (char *const *) argv);
        fprintf (stderr, "cannot run %s: %s\n", binary, strerror (errno));
        _exit (127);
    }
    int status = 0;
    struct timespec pause = { 0, 100 * 1000 * 1000 };
    for (int waited = 0; ; waited++) {
        pid_t done = waitpid (child, &status, WNOHANG);
        if (done == child)
            break;
        if (done < 0 && errno != EINTR)
            return -1;
        if (waited >= S_CHROMIUM_LIMIT_S * 10) {
            kill (-child, SIGKILL);
            waitpid (child, &status, 0);
            fprintf (stderr, "kumppani report: chromium did not finish in %d s\n", S_CHROMIUM_LIMIT_S);
            return -1;
        }
        nanosleep (&pause, NULL);
    }
    return WIFEXITED (status) && WEXITSTATUS (status) == 0 ? 0 : -1;
}

int
cli_report_write_pdf (FILE *out, Kumppani__V1__ReportTable *const *tables, size_t count, cli_lang_t lang)
{
    const char *base = getenv ("TMPDIR");
    char dir [4096];
    snprintf (dir, sizeof dir, "%s/kumppani-report.XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp (dir)) {
        fprintf (stderr, "kumppani report: cannot make a temporary directory in %s\n", base ? base : "/tmp");
        return -1;
    }
    char page [4200], pdf [4200], log [4200];
    snprintf (page, sizeof page, "%s/report.html", dir);
    snprintf (pdf, sizeof pdf, "%s/report.pdf", dir);
    snprintf (log, sizeof log, "%s/chromium.log", dir);
    int rc = -1;
    FILE *html = fopen (page, "w");
    if (html) {
        rc = cli_report_write_html (html, tables, count, lang);
        rc |= fclose (html);
    }
    if (rc == 0 && (s_chromium (dir, page, pdf, log) || !s_is_pdf (pdf))) {
        fprintf (stderr, "kumppani report: chromium could not print the page to PDF; its output:\n");
        s_copy (log, stderr);
        rc = -1;
    }
    if (rc == 0)
        rc = s_copy (pdf, out);
    nftw (dir, s_remove, 16, FTW_DEPTH | FTW_PHYS);
    return rc;
}
