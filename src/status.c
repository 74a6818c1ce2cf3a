#include "status.h"

#include <stdarg.h>
#include <stdio.h>

int ann_fail(ann_status *st, const char *fmt, ...)
{
    if (st) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(st->msg, sizeof st->msg, fmt, ap);
        va_end(ap);
        st->code = 1;
    }
    return 1;
}
