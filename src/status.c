/* Failures as values (a status and the thread's last message) and the host's log callback. */
#include "status.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local char last_error[sizeof(((ann_status *)0)->msg)];

static ann_log_fn log_fn;
static void *log_user;

int ann_fail(ann_status *st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    if (st) {
        snprintf(st->msg, sizeof st->msg, "%s", last_error);
        st->code = 1;
    }
    return 1;
}

const char *ann_last_error(void)
{
    return last_error;
}

void ann_set_log(ann_log_fn fn, void *user)
{
    log_fn = fn;
    log_user = user;
}

void ann_log(const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    if (!log_fn) return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    log_fn(log_user, msg);
}
