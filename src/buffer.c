#include "buffer.h"

#include <stdlib.h>

int ann_buffer_grow(void **buf, int64_t *cap, int64_t need, size_t elem)
{
    if (need <= *cap) return 0;
    int64_t ncap = *cap ? *cap : 256;
    while (ncap < need) ncap *= 2;
    void *nb = realloc(*buf, (size_t)ncap * elem);
    if (!nb) return -1;
    *buf = nb;
    *cap = ncap;
    return 0;
}
