/* Geometric growth of the recording buffers (monitors and projection recorders). */
#ifndef ANN_BUFFER_H
#define ANN_BUFFER_H

#include <stddef.h>
#include <stdint.h>

/* Makes *buf hold at least `need` elements of `elem` bytes: the capacity *cap starts at 256
 * and doubles. 0, or -1 when memory is short (the buffer is then unchanged). */
int ann_buffer_grow(void **buf, int64_t *cap, int64_t need, size_t elem);

#endif
