/* Large arrays on transparent huge pages (huge_alloc.h). */
#include "huge_alloc.h"

#include <stdlib.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

/* Below this, an array gains nothing from huge pages. */
enum { HUGE_PAGE = 2 << 20, HUGE_MIN = 4 * HUGE_PAGE };

void *ann_huge_alloc(int64_t n, size_t size)
{
    size_t bytes = n > 0 ? (size_t)n * size : 1;
    void *p = malloc(bytes);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (p && bytes >= HUGE_MIN) {
        /* the whole huge pages inside the array, before it is first touched */
        uintptr_t a = ((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
        uintptr_t b = ((uintptr_t)p + bytes) & ~(uintptr_t)(HUGE_PAGE - 1);
        if (b > a) (void)madvise((void *)a, b - a, MADV_HUGEPAGE);
    }
#endif
    return p;
}
