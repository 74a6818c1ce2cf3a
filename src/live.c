/* The set of live networks: an open-addressing table of atomic pointers.
 *
 * It is the one piece of process-wide mutable state the embedding functions read, and it is
 * written only when a network is created or freed: a lookup is a few atomic loads of lines
 * every thread only reads, so networks stepped on different threads do not contend. A freed
 * slot becomes a tombstone that lookups step over and insertions reuse. A handle whose memory
 * was reused by a newer network is indistinguishable from that network (the documented limit
 * of checking raw pointers). */
#include "live.h"

#include <stdatomic.h>
#include <stdint.h>

#define LIVE_SLOTS 65536u               /* a power of two; at most LIVE_SLOTS - 1 live */
#define TOMBSTONE ((uintptr_t)1)

static _Atomic uintptr_t slots[LIVE_SLOTS];

static uint32_t home_slot(uintptr_t p)
{
    uint64_t h = (uint64_t)p * 0x9e3779b97f4a7c15ull;
    return (uint32_t)(h >> 48) & (LIVE_SLOTS - 1);
}

int ann_live_add(const void *p)
{
    uintptr_t key = (uintptr_t)p;
    uint32_t i = home_slot(key);
    for (uint32_t probe = 0; probe < LIVE_SLOTS; probe++, i = (i + 1) & (LIVE_SLOTS - 1)) {
        uintptr_t cur = atomic_load_explicit(&slots[i], memory_order_relaxed);
        while (cur == 0 || cur == TOMBSTONE) {
            if (atomic_compare_exchange_weak_explicit(&slots[i], &cur, key, memory_order_release,
                                                      memory_order_relaxed))
                return 0;
        }
    }
    return 1;
}

void ann_live_remove(const void *p)
{
    uintptr_t key = (uintptr_t)p;
    uint32_t i = home_slot(key);
    for (uint32_t probe = 0; probe < LIVE_SLOTS; probe++, i = (i + 1) & (LIVE_SLOTS - 1)) {
        uintptr_t cur = atomic_load_explicit(&slots[i], memory_order_acquire);
        if (cur == 0) return;
        if (cur == key) {
            atomic_store_explicit(&slots[i], TOMBSTONE, memory_order_release);
            return;
        }
    }
}

int ann_live_has(const void *p)
{
    uintptr_t key = (uintptr_t)p;
    if (key == 0 || key == TOMBSTONE) return 0;
    uint32_t i = home_slot(key);
    for (uint32_t probe = 0; probe < LIVE_SLOTS; probe++, i = (i + 1) & (LIVE_SLOTS - 1)) {
        uintptr_t cur = atomic_load_explicit(&slots[i], memory_order_acquire);
        if (cur == key) return 1;
        if (cur == 0) return 0;
    }
    return 0;
}
