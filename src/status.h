/* Errors inside the core are values: a status code and a message (ann_status, and the
 * thread's ann_last_error), turned into Lua errors only by src/lua/. Diagnostics go to the
 * host's log callback; the core prints nothing. */
#ifndef ANN_STATUS_H
#define ANN_STATUS_H

#include "annarchy.h"

/* Formats the message into st (when st is not NULL) and the thread's last error, and returns
 * the non-zero code 1. */
int ann_fail(ann_status *st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Sends one formatted message to the log callback (nothing when none is set). */
void ann_log(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

#endif
