/*  kp_log — JSON lines on stderr, one per event, with the service name and
    whatever request context the caller passes. Never give it a
    henkilötunnus or a name: callers log ids and codes only. */
#ifndef KP_LOG_H
#define KP_LOG_H

typedef enum { KP_LOG_DEBUG = 0, KP_LOG_INFO, KP_LOG_WARN, KP_LOG_ERROR } kp_log_level_t;

//  Request context carried into log lines; any field may be NULL.
typedef struct {
    const char *request_id;
    const char *organisation;
    const char *operation;
} kp_log_ctx_t;

//  Once at start-up: service name and minimum level ("debug" … "error").
void kp_log_init (const char *service, const char *level);
kp_log_level_t kp_log_level_parse (const char *text);
void kp_log (kp_log_level_t level, const kp_log_ctx_t *ctx, const char *format, ...)
    __attribute__ ((format (printf, 3, 4)));

#define kp_debug(...) kp_log (KP_LOG_DEBUG, NULL, __VA_ARGS__)
#define kp_info(...)  kp_log (KP_LOG_INFO,  NULL, __VA_ARGS__)
#define kp_warn(...)  kp_log (KP_LOG_WARN,  NULL, __VA_ARGS__)
#define kp_error(...) kp_log (KP_LOG_ERROR, NULL, __VA_ARGS__)

#endif
