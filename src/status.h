/* Errors inside the core are values: a status code and a message, turned into Lua errors
 * only by src/lua/ (DESIGN rule 6). */
#ifndef ANN_STATUS_H
#define ANN_STATUS_H

#include "annarchy.h"

/* Formats the message into st (when st is not NULL) and returns the non-zero code 1. */
int ann_fail(ann_status *st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif
