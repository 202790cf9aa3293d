/*  kp_log — structured logging as JSON lines on stderr.
    One write(2) per line so lines from several threads never interleave. */
#include "kp_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static char s_service [32] = "kumppani";
static kp_log_level_t s_min_level = KP_LOG_INFO;
static const char *s_level_names [] = { "debug", "info", "warn", "error" };

kp_log_level_t
kp_log_level_parse (const char *text)
{
    for (int level = KP_LOG_DEBUG; level <= KP_LOG_ERROR; level++)
        if (text && strcasecmp (text, s_level_names [level]) == 0)
            return (kp_log_level_t) level;
    return KP_LOG_INFO;
}

void
kp_log_init (const char *service, const char *level)
{
    snprintf (s_service, sizeof s_service, "%s", service ? service : "kumppani");
    s_min_level = kp_log_level_parse (level);
}

//  Appends text as a JSON string body (no quotes), escaping what JSON needs.
static size_t
s_escape (char *out, size_t room, size_t used, const char *text)
{
    for (const unsigned char *c = (const unsigned char *) text; *c && used + 7 < room; c++) {
        if (*c == '"' || *c == '\\')
            used += (size_t) snprintf (out + used, room - used, "\\%c", *c);
        else
        if (*c < 0x20)
            used += (size_t) snprintf (out + used, room - used, "\\u%04x", *c);
        else
            out [used++] = (char) *c;
    }
    out [used] = 0;
    return used;
}

static size_t
s_field (char *out, size_t room, size_t used, const char *name, const char *value)
{
    if (!value || used + strlen (name) + 8 >= room)
        return used;
    used += (size_t) snprintf (out + used, room - used, ",\"%s\":\"", name);
    used = s_escape (out, room, used, value);
    if (used + 2 < room) {
        out [used++] = '"';
        out [used] = 0;
    }
    return used;
}

void
kp_log (kp_log_level_t level, const kp_log_ctx_t *ctx, const char *format, ...)
{
    if (level < s_min_level)
        return;
    char message [1024];
    va_list args;
    va_start (args, format);
    vsnprintf (message, sizeof message, format, args);
    va_end (args);

    struct timeval now;
    gettimeofday (&now, NULL);
    struct tm utc;
    gmtime_r (&now.tv_sec, &utc);
    char stamp [40];
    size_t len = strftime (stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
    snprintf (stamp + len, sizeof stamp - len, ".%03dZ", (int) (now.tv_usec / 1000));

    char line [2048];
    size_t used = (size_t) snprintf (line, sizeof line, "{\"ts\":\"%s\",\"level\":\"%s\"",
                                     stamp, s_level_names [level]);
    used = s_field (line, sizeof line, used, "service", s_service);
    if (ctx) {
        used = s_field (line, sizeof line, used, "request_id", ctx->request_id);
        used = s_field (line, sizeof line, used, "organisation", ctx->organisation);
        used = s_field (line, sizeof line, used, "operation", ctx->operation);
    }
    used = s_field (line, sizeof line, used, "msg", message);
    if (used + 2 >= sizeof line)
        used = sizeof line - 3;
    line [used++] = '}';
    line [used++] = '\n';
    ssize_t rc = write (STDERR_FILENO, line, used);
    (void) rc;
}
