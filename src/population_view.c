/* Direct access to a population's attribute storage, for hosts that read and write values
 * without copying (a LuaJIT FFI view, an embedding program's sensor and motor arrays). */
#include "annarchy.h"
#include "network_internal.h"
#include "status.h"

void *ann_population_attr_data(ann_network *net, int pop, int attr, ann_status *st)
{
    if (!net) return ann_fail(st, "attribute data: no network (NULL)"), NULL;
    if (pop < 0 || pop >= net->npops)
        return ann_fail(st, "attribute data: no population %d (the network has %d)", pop, (int)net->npops), NULL;
    ann_pop *p = &net->pops[pop];
    if (attr < 0 || attr >= p->k.nattr)
        return ann_fail(st, "attribute data: population %d has no attribute %d (it has %d)", pop, attr,
                        (int)p->k.nattr), NULL;
    if (!p->specs[attr].local)
        return ann_fail(st, "attribute data: attribute %d of population %d is global (one value, not an "
                        "array)", attr, pop), NULL;
    return p->k.attr[attr];
}
