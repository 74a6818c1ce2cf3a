/* Recording synaptic attributes (ann_proj_recorder), at the end of the step's projection
 * phases. Buffers grow geometrically. */
#include "buffer.h"
#include "elem.h"
#include "projection_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- recording ------------------------------------------------------------------------------ */

ann_proj_recorder *ann_proj_recorder_new(ann_network *net, int id, int attr,
                                         const int32_t *dends, int32_t ndends, int32_t period,
                                         int32_t period_offset, ann_status *st)
{
    struct ann_projections *P = net->projs;
    if (!P || id < 0 || id >= P->n) {
        ann_fail(st, "no projection %d to record", id);
        return NULL;
    }
    if (attr < 0 || attr >= P->p[id].k.nattr) {
        ann_fail(st, "projection %d has no attribute %d to record", id, attr);
        return NULL;
    }
    ann_schedule when;
    if (ann_schedule_init(&when, period, period_offset, net->step, st) != 0) return NULL;
    ann_proj_recorder *r = calloc(1, sizeof *r);
    ann_proj_recorder **recs = realloc(P->recs, (size_t)(P->nrecs + 1) * sizeof *recs);
    if (recs) P->recs = recs;
    if (!r || !recs) { free(r); oom(st); return NULL; }
    if (dends) {
        r->dends = xmalloc(ndends, sizeof *r->dends);
        if (!r->dends) { free(r); oom(st); return NULL; }
        memcpy(r->dends, dends, (size_t)ndends * sizeof *dends);
        r->ndends = ndends;
    }
    r->net = net;
    r->proj = id;
    r->attr = attr;
    r->when = when;
    P->recs[P->nrecs++] = r;
    return r;
}

void ann_proj_recorder_free(ann_network *net, ann_proj_recorder *r)
{
    if (!r) return;
    if (net && r->net && net->projs) {
        struct ann_projections *P = net->projs;
        for (int32_t i = 0; i < P->nrecs; i++) {
            if (P->recs[i] != r) continue;
            memmove(&P->recs[i], &P->recs[i + 1], (size_t)(P->nrecs - i - 1) * sizeof *P->recs);
            P->nrecs--;
            break;
        }
    }
    free(r->dends); free(r->buf); free(r->widths); free(r->name);
    free(r);
}

void ann_proj_recorder_set_recording(ann_proj_recorder *r, int32_t on) { r->when.recording = on; }

void ann_proj_recorder_set_period(ann_proj_recorder *r, int32_t period, int32_t offset)
{
    ann_schedule_set(&r->when, period, offset, r->net->step);
}

int ann_proj_recorder_set_name(ann_proj_recorder *r, const char *name, ann_status *st)
{
    char *copy = strdup(name ? name : "");
    if (!copy) return oom(st);
    free(r->name);
    r->name = copy;
    return 0;
}

/* A buffer that cannot grow: the run stops after this step and says which recorder. */
static void record_fault(const ann_proj_recorder *r, const annk_ctx *ctx)
{
    char fallback[96];
    const char *name = r->name;
    if (!name) {
        snprintf(fallback, sizeof fallback, "of attribute %d of projection %d", (int)r->attr,
                 (int)r->proj);
        name = fallback;
    }
    ann_network_record_fault(r->net, "recorder", name, ctx);
}

void annp_record(ann_proj_recorder *r, ann_network *net, const annk_ctx *ctx)
{
    if (!r->when.recording || !ann_schedule_due(&r->when, ctx->step)) return;
    ann_proj *p = proj_at(net, r->proj);
    int32_t loc = p->specs[r->attr].locality;
    if (loc == ANN_LOC_LOCAL && annp_ensure_view(p) != 0) {
        record_fault(r, ctx);
        return;
    }
    int64_t w = 0;
    if (loc == ANN_LOC_GLOBAL) w = 1;
    else if (!r->dends) w = loc == ANN_LOC_LOCAL ? p->k.nsyn : p->k.ndend;
    else for (int32_t i = 0; i < r->ndends; i++)
        w += loc == ANN_LOC_LOCAL ? p->k.row[r->dends[i] + 1] - p->k.row[r->dends[i]] : 1;
    if (ann_buffer_grow((void **)&r->buf, &r->cap, r->len + w, sizeof *r->buf) != 0
        || ann_buffer_grow((void **)&r->widths, &r->wcap, r->nrec + 1, sizeof *r->widths) != 0) {
        record_fault(r, ctx);
        return;
    }
    double *out = r->buf + r->len;
    const void *a = p->k.attr[r->attr];
    int32_t type = p->specs[r->attr].type;
    if (loc == ANN_LOC_GLOBAL) {
        out[0] = ann_load_elem(a, type, 0);
    } else if (!r->dends) {
        for (int64_t k = 0; k < w; k++)
            out[k] = ann_load_elem(a, type, loc == ANN_LOC_LOCAL ? storage_of(p, k) : k);
    } else {
        int64_t o = 0;
        for (int32_t i = 0; i < r->ndends; i++) {
            int32_t d = r->dends[i];
            if (loc == ANN_LOC_SEMIGLOBAL) { out[o++] = ann_load_elem(a, type, d); continue; }
            for (int64_t k = p->k.row[d]; k < p->k.row[d + 1]; k++)
                out[o++] = ann_load_elem(a, type, storage_of(p, k));
        }
    }
    r->len += w;
    r->widths[r->nrec++] = w;
}

const double *ann_proj_recorder_data(const ann_proj_recorder *r, int64_t *nrec,
                                     const int64_t **widths)
{
    *nrec = r->nrec;
    *widths = r->widths;
    return r->buf;
}

void ann_proj_recorder_clear(ann_proj_recorder *r)
{
    r->len = 0;
    r->nrec = 0;
}

int64_t ann_proj_recorder_bytes(const ann_proj_recorder *r)
{
    return r->cap * (int64_t)sizeof(double) + r->wcap * (int64_t)sizeof(int64_t);
}
