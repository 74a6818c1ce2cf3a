/* The set of live networks, so that the embedding functions recognise a handle that is NULL,
 * was never a network, or was freed, without touching its memory. */
#ifndef ANN_LIVE_H
#define ANN_LIVE_H

/* Adds p (0), or returns non-zero when the set is full. */
int  ann_live_add(const void *p);
/* Removes p (nothing when absent). */
void ann_live_remove(const void *p);
/* 1 when p is in the set. Lock-free: safe from any thread, concurrently with add and remove. */
int  ann_live_has(const void *p);

#endif
