/* The per-frame functions of an embedding host (include/annarchy.h, "embedding"): checked
 * handles, stepping, the time, attribute storage in place and the spikes of the last step.
 * Each call checks its handle against the set of live networks (live.c) before touching it,
 * and a failure leaves its message on the network as well as in the status. */
#include "annarchy.h"
#include "embed_internal.h"
#include "live.h"
#include "network_internal.h"
#include "status.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static const char not_live[] = "not a live network (NULL, freed, or never created)";

int ann_embed_attach(ann_network *net)
{
    net->embed = calloc(1, sizeof *net->embed);
    if (!net->embed) return ann_fail(NULL, "out of memory creating a network");
    if (ann_live_add(net) != 0) {
        free(net->embed);
        return ann_fail(NULL, "too many networks alive at once (65535)");
    }
    return 0;
}

void ann_embed_detach(ann_network *net)
{
    ann_live_remove(net);
    struct ann_embed *e = net->embed;
    if (!e) return;
    for (int32_t i = 0; i < e->npops; i++) ann_named_free(&e->pops[i]);
    for (int32_t i = 0; i < e->nprojs; i++) ann_named_free(&e->projs[i]);
    free(e->pops);
    free(e->projs);
    free(e);
    net->embed = NULL;
}

int ann_embed_fail(ann_network *net, ann_status *st, const char *fmt, ...)
{
    char msg[sizeof(((ann_status *)0)->msg)];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (net) snprintf(net->embed->msg, sizeof net->embed->msg, "%s", msg);
    return ann_fail(st, "%s", msg);
}

int ann_network_check(const ann_network *net, ann_status *st)
{
    if (ann_live_has(net)) return 0;
    return ann_fail(st, "%s", not_live);
}

const char *ann_network_error(const ann_network *net)
{
    return ann_live_has(net) ? net->embed->msg : not_live;
}

int ann_embed_check_pop(ann_network *net, int pop, ann_status *st)
{
    if (ann_network_check(net, st)) return 1;
    if (pop < 0 || pop >= net->npops)
        return ann_embed_fail(net, st, "the network has no population %d (it has %d)", pop,
                              net->npops);
    return 0;
}

int ann_network_step(ann_network *net, int64_t n, ann_status *st)
{
    if (ann_network_check(net, st)) return 1;
    if (n < 0) return ann_embed_fail(net, st, "cannot step a negative number of steps (%lld)",
                                     (long long)n);
    if (!net->bound)
        return ann_embed_fail(net, st, "the network is not compiled yet: no kernels are bound");
    if (ann_network_run(net, n, ANN_UNTIL_NONE, NULL, 0, NULL, st) != 0)
        return ann_embed_fail(net, st, "%s", ann_last_error());
    return 0;
}

int ann_network_simulate(ann_network *net, double ms, ann_status *st)
{
    if (ann_network_check(net, st)) return 1;
    if (!isfinite(ms) || ms < 0)
        return ann_embed_fail(net, st, "cannot simulate %g ms: the duration must be finite and >= 0",
                              ms);
    double steps = ceil(ms / net->dt - 1e-9);
    if (steps > 9e18) return ann_embed_fail(net, st, "cannot simulate %g ms: too many steps", ms);
    return ann_network_step(net, steps > 0 ? (int64_t)steps : 0, st);
}

double ann_network_time(const ann_network *net, ann_status *st)
{
    if (ann_network_check(net, st)) return NAN;
    return (double)net->step * net->dt;
}

static const char *pop_label(const ann_network *net, int pop, char *buf, size_t n)
{
    const char *name = ann_population_name(net, pop);
    if (name) snprintf(buf, n, "population '%s'", name);
    else snprintf(buf, n, "population %d", pop);
    return buf;
}

void *ann_population_data(ann_network *net, int pop, int attr, int32_t *type, int32_t *n,
                          ann_status *st)
{
    if (ann_embed_check_pop(net, pop, st)) return NULL;
    const ann_pop *p = &net->pops[pop];
    char label[300];
    if (attr < 0 || attr >= p->k.nattr) {
        ann_embed_fail(net, st, "%s has no attribute %d (it has %d)",
                       pop_label(net, pop, label, sizeof label), attr, p->k.nattr);
        return NULL;
    }
    if (!p->specs[attr].local) {
        const struct ann_embed *e = net->embed;
        const char *aname = pop < e->npops && e->pops[pop].attr ? e->pops[pop].attr[attr] : NULL;
        char abuf[300];
        if (aname) snprintf(abuf, sizeof abuf, "'%s'", aname);
        else snprintf(abuf, sizeof abuf, "%d", attr);
        ann_embed_fail(net, st,
                       "attribute %s of %s is global (one value for the population): it has no "
                       "array to point to; read and write it with ann_population_get/set",
                       abuf, pop_label(net, pop, label, sizeof label));
        return NULL;
    }
    if (type) *type = p->specs[attr].type;
    if (n) *n = p->k.size;
    return p->k.attr[attr];
}

int ann_population_spikes(ann_network *net, int pop, const int32_t **ranks, int32_t *n,
                          ann_status *st)
{
    if (ann_embed_check_pop(net, pop, st)) return 1;
    const ann_pop *p = &net->pops[pop];
    if (!p->spiking) {
        char label[300];
        return ann_embed_fail(net, st, "%s is rate-coded: it has no spikes",
                              pop_label(net, pop, label, sizeof label));
    }
    int32_t count = 0;
    const int32_t *r = ann_population_spiked(net, pop, &count);
    if (ranks) *ranks = r;
    if (n) *n = count;
    return 0;
}
