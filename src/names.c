/* Names of a network's populations, projections and attributes, for hosts that look them up
 * (include/annarchy.h, "embedding"). The front end gives them at compile; the core itself
 * only ever uses ids and indices. */
#include "annarchy.h"
#include "embed_internal.h"
#include "live.h"
#include "network_internal.h"
#include "status.h"

#include <stdlib.h>
#include <string.h>

void ann_named_free(ann_named *n)
{
    for (int32_t k = 0; n->attr && k < n->nattr; k++) free(n->attr[k]);
    free(n->attr);
    free(n->name);
    memset(n, 0, sizeof *n);
}

/* A copy of name and attr_names in *out (all or nothing). */
static int named_copy(ann_named *out, const char *name, const char *const *attr_names,
                      int32_t nattr)
{
    ann_named n = {NULL, NULL, 0};
    int ok = (n.name = strdup(name)) != NULL;
    if (ok && attr_names) {
        ok = (n.attr = calloc((size_t)nattr + 1, sizeof *n.attr)) != NULL;
        n.nattr = ok ? nattr : 0;
        for (int32_t k = 0; ok && k < nattr; k++)
            ok = attr_names[k] && (n.attr[k] = strdup(attr_names[k])) != NULL;
    }
    if (!ok) {
        ann_named_free(&n);
        return 1;
    }
    ann_named_free(out);
    *out = n;
    return 0;
}

/* Grows list to hold index id. */
static int named_reserve(ann_named **list, int32_t *len, int id)
{
    if (id < *len) return 0;
    ann_named *l = realloc(*list, (size_t)(id + 1) * sizeof *l);
    if (!l) return 1;
    memset(l + *len, 0, (size_t)(id + 1 - *len) * sizeof *l);
    *list = l;
    *len = id + 1;
    return 0;
}

static int set_names(ann_network *net, ann_named **list, int32_t *len, int id,
                     const char *what, int32_t count, int32_t attr_count, const char *name,
                     const char *const *attr_names, int32_t nattr, ann_status *st)
{
    if (id < 0 || id >= count)
        return ann_embed_fail(net, st, "the network has no %s %d (it has %d)", what, id, count);
    if (!name || !*name) return ann_embed_fail(net, st, "%s %d: a name must not be empty", what, id);
    if (attr_names && nattr != attr_count)
        return ann_embed_fail(net, st, "%s '%s': %d attribute names given for %d attributes",
                              what, name, nattr, attr_count);
    for (int32_t k = 0; attr_names && k < nattr; k++)
        if (!attr_names[k])
            return ann_embed_fail(net, st, "%s '%s': the name of attribute %d is NULL", what, name, k);
    if (named_reserve(list, len, id) || named_copy(&(*list)[id], name, attr_names, nattr))
        return ann_embed_fail(net, st, "out of memory naming %s '%s'", what, name);
    return 0;
}

int ann_population_set_names(ann_network *net, int pop, const char *name,
                             const char *const *attr_names, int32_t nattr, ann_status *st)
{
    if (ann_network_check(net, st)) return 1;
    struct ann_embed *e = net->embed;
    int32_t nat = pop >= 0 && pop < net->npops ? net->pops[pop].k.nattr : 0;
    return set_names(net, &e->pops, &e->npops, pop, "population", net->npops, nat, name,
                     attr_names, nattr, st);
}

int ann_projection_set_names(ann_network *net, int id, const char *name,
                             const char *const *attr_names, int32_t nattr, ann_status *st)
{
    if (ann_network_check(net, st)) return 1;
    struct ann_embed *e = net->embed;
    int32_t count = ann_network_projection_count(net);
    int32_t nat = id >= 0 && id < count ? ann_projection_attr_count(net, id) : 0;
    return set_names(net, &e->projs, &e->nprojs, id, "projection", count, nat, name,
                     attr_names, nattr, st);
}

static int find(const ann_named *list, int32_t len, const char *name)
{
    for (int32_t i = 0; i < len; i++)
        if (list[i].name && strcmp(list[i].name, name) == 0) return i;
    return -1;
}

int ann_network_find_population(ann_network *net, const char *name, ann_status *st)
{
    if (ann_network_check(net, st)) return -1;
    if (!name) return -ann_embed_fail(net, st, "a population name is NULL");
    const struct ann_embed *e = net->embed;
    int id = find(e->pops, e->npops, name);
    if (id >= 0 && id < net->npops) return id;
    if (find(e->projs, e->nprojs, name) >= 0)
        return -ann_embed_fail(net, st, "'%s' is a projection, not a population: a projection's "
                               "attributes are not reachable by pointer", name);
    return -ann_embed_fail(net, st, "the network has no population named '%s'", name);
}

int ann_population_find_attr(ann_network *net, int pop, const char *name, ann_status *st)
{
    if (ann_embed_check_pop(net, pop, st)) return -1;
    const struct ann_embed *e = net->embed;
    const ann_named *n = pop < e->npops ? &e->pops[pop] : NULL;
    if (!name) return -ann_embed_fail(net, st, "an attribute name is NULL");
    for (int32_t k = 0; n && n->attr && k < n->nattr; k++)
        if (strcmp(n->attr[k], name) == 0) return k;
    if (n && n->name)
        return -ann_embed_fail(net, st, "population '%s' has no attribute named '%s'", n->name, name);
    return -ann_embed_fail(net, st, "population %d has no attribute named '%s'", pop, name);
}

const char *ann_population_name(const ann_network *net, int pop)
{
    if (!ann_live_has(net)) return NULL;
    const struct ann_embed *e = net->embed;
    return pop >= 0 && pop < e->npops && pop < net->npops ? e->pops[pop].name : NULL;
}
