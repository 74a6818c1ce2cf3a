/* Large arrays on transparent huge pages where the system offers them (Linux: madvise): the
 * passes that write such arrays at random places then take far fewer page faults and TLB
 * misses. The arrays are ordinary malloc'd memory, freed with free(). */
#ifndef ANN_HUGE_ALLOC_H
#define ANN_HUGE_ALLOC_H

#include <stddef.h>
#include <stdint.h>

/* n elements of `size` bytes (at least one byte), uninitialised; NULL when out of memory. */
void *ann_huge_alloc(int64_t n, size_t size);

#endif
