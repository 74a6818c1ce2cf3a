/* What a network keeps for the embedding functions (include/annarchy.h, "embedding"): the
 * names of its objects and its own last message. Private to embed_access.c and names.c. */
#ifndef ANN_EMBED_INTERNAL_H
#define ANN_EMBED_INTERNAL_H

#include "annarchy.h"

typedef struct ann_named {
    char   *name;      /* NULL: unnamed */
    char  **attr;      /* [nattr], NULL when the attributes are unnamed */
    int32_t nattr;
} ann_named;

struct ann_embed {
    ann_named *pops;   /* [npops], grown as populations are named */
    int32_t    npops;
    ann_named *projs;
    int32_t    nprojs;
    char       msg[sizeof(((ann_status *)0)->msg)];
};

/* ann_network_new: registers net as live and gives it its embedding data (non-zero when
 * memory is short or too many networks are alive). ann_network_free: the reverse. */
int  ann_embed_attach(ann_network *net);
void ann_embed_detach(ann_network *net);

/* A failure of an embedding call: st, the thread's last error and net's message. */
int ann_embed_fail(ann_network *net, ann_status *st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* 0 when net is live and pop one of its populations, else the failure. */
int ann_embed_check_pop(ann_network *net, int pop, ann_status *st);

/* Frees the names of one object. */
void ann_named_free(ann_named *n);

#endif
