/* Monitors: recording of population attributes and spikes (reference §10.2).
 *
 * A variable is recorded when recording is on and (step - phase_ref) mod period equals
 * period_offset, at the end of the step (phase J), or right after transmission (phase B) for
 * sums and conductances. Spikes are recorded at every step as (rank, step) pairs. Buffers grow
 * geometrically, so recording does not copy quadratically. */
#include "buffer.h"
#include "network_internal.h"
#include "schedule.h"
#include "status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct mon_var {
    int32_t  attr;
    int32_t  spike;
    int32_t  phase_b;
    double  *buf;
    int64_t  len, cap;     /* doubles */
    int64_t  nrec;
    int64_t *spk;          /* (rank, step) pairs */
    int64_t  nspk, capspk; /* pairs */
} mon_var;

struct ann_monitor {
    int32_t  pop;
    int32_t *ranks;        /* NULL: whole population */
    int32_t  nranks;
    uint8_t *member;       /* [pop size] for spike recording of a subset */
    ann_schedule when;
    ann_network *net;
    mon_var *vars;
    int32_t  nvars;
    char    *name;         /* NULL: named after its population */
};

ann_monitor *ann_monitor_new(ann_network *net, int pop, const int32_t *ranks, int32_t nranks,
                             int32_t period, int32_t period_offset, ann_status *st)
{
    if (pop < 0 || pop >= net->npops) {
        ann_fail(st, "no population %d to monitor", pop);
        return NULL;
    }
    for (int32_t i = 0; ranks && i < nranks; i++) {
        if (ranks[i] < 0 || ranks[i] >= net->pops[pop].k.size) {
            ann_fail(st, "rank %d is not in population %d", (int)ranks[i], pop);
            return NULL;
        }
    }
    ann_schedule when;
    if (ann_schedule_init(&when, period, period_offset, net->step, st) != 0) return NULL;
    ann_monitor **mons = realloc(net->mons, (size_t)(net->nmons + 1) * sizeof *mons);
    ann_monitor *m = calloc(1, sizeof *m);
    if (!mons || !m) {
        if (mons) net->mons = mons;
        free(m);
        ann_fail(st, "out of memory");
        return NULL;
    }
    net->mons = mons;
    m->net = net;
    m->pop = pop;
    m->when = when;
    if (ranks) {
        int32_t psize = net->pops[pop].k.size;
        m->ranks = malloc((size_t)(nranks > 0 ? nranks : 1) * sizeof *m->ranks);
        m->member = calloc((size_t)psize, 1);
        if (!m->ranks || !m->member) {
            free(m->ranks); free(m->member); free(m);
            ann_fail(st, "out of memory");
            return NULL;
        }
        memcpy(m->ranks, ranks, (size_t)nranks * sizeof *ranks);
        m->nranks = nranks;
        for (int32_t i = 0; i < nranks; i++) m->member[ranks[i]] = 1;
    }
    net->mons[net->nmons++] = m;
    return m;
}

void ann_monitor_free(ann_network *net, ann_monitor *m)
{
    if (!m) return;
    if (net) {
        for (int i = 0; i < net->nmons; i++) {
            if (net->mons[i] != m) continue;
            memmove(&net->mons[i], &net->mons[i + 1], (size_t)(net->nmons - i - 1) * sizeof *net->mons);
            net->nmons--;
            break;
        }
    }
    for (int v = 0; v < m->nvars; v++) {
        free(m->vars[v].buf);
        free(m->vars[v].spk);
    }
    free(m->vars);
    free(m->name);
    free(m->ranks);
    free(m->member);
    free(m);
}

int ann_monitor_add_variable(ann_monitor *m, int attr, int32_t spike, int32_t in_phase_b,
                             ann_status *st)
{
    if (attr < 0 || attr >= m->net->pops[m->pop].k.nattr)
        return -ann_fail(st, "population %d has no attribute %d to monitor", m->pop, attr);
    mon_var *vars = realloc(m->vars, (size_t)(m->nvars + 1) * sizeof *vars);
    if (!vars) return -ann_fail(st, "out of memory");
    m->vars = vars;
    mon_var *v = &m->vars[m->nvars];
    memset(v, 0, sizeof *v);
    v->attr = attr;
    v->spike = spike;
    v->phase_b = in_phase_b;
    return m->nvars++;
}

void ann_monitor_set_recording(ann_monitor *m, int32_t on) { m->when.recording = on; }
void ann_monitor_restart_phase(ann_monitor *m) { m->when.phase_ref = m->net->step; }

void ann_monitor_set_period(ann_monitor *m, int32_t period, int32_t period_offset)
{
    ann_schedule_set(&m->when, period, period_offset, m->net->step);
}

int ann_monitor_set_name(ann_monitor *m, const char *name, ann_status *st)
{
    char *copy = strdup(name ? name : "");
    if (!copy) return ann_fail(st, "out of memory naming a monitor");
    free(m->name);
    m->name = copy;
    return 0;
}

/* A buffer that cannot grow: the run stops after this step and says which monitor. */
static void record_fault(const ann_monitor *m, const annk_ctx *ctx)
{
    char fallback[64];
    const char *name = m->name;
    if (!name) {
        const char *pop = ann_population_name(m->net, m->pop);
        if (pop) snprintf(fallback, sizeof fallback, "of population %s", pop);
        else snprintf(fallback, sizeof fallback, "of population %d", (int)m->pop);
        name = fallback;
    }
    ann_network_record_fault(m->net, "monitor", name, ctx);
}

static int32_t width_of(const ann_monitor *m, const mon_var *v)
{
    const ann_pop *p = &m->net->pops[m->pop];
    if (!p->specs[v->attr].local) return 1;
    return m->ranks ? m->nranks : p->k.size;
}

static void record_values(ann_monitor *m, mon_var *v, const annk_ctx *ctx)
{
    const ann_pop *p = &m->net->pops[m->pop];
    int32_t w = width_of(m, v);
    if (ann_buffer_grow((void **)&v->buf, &v->cap, v->len + w, sizeof *v->buf) != 0) {
        record_fault(m, ctx);
        return;
    }
    double *out = v->buf + v->len;
    int32_t a = v->attr;
    if (!p->specs[a].local || !m->ranks) {
        for (int32_t i = 0; i < w; i++) out[i] = ann_population_get(m->net, m->pop, a, i);
    } else {
        for (int32_t i = 0; i < w; i++) out[i] = ann_population_get(m->net, m->pop, a, m->ranks[i]);
    }
    v->len += w;
    v->nrec++;
}

/* The spikes of the step (v->spike 1) or its axonal spikes (2). */
static void record_spikes(ann_monitor *m, mon_var *v, const annk_ctx *ctx)
{
    const annk_pop *p = &m->net->pops[m->pop].k;
    const int32_t *list = v->spike == 2 ? p->axonal : p->spiked;
    int32_t n = v->spike == 2 ? p->naxonal : p->nspiked;
    for (int32_t s = 0; s < n; s++) {
        int32_t r = list[s];
        if (m->member && !m->member[r]) continue;
        if (ann_buffer_grow((void **)&v->spk, &v->capspk, 2 * (v->nspk + 1), sizeof *v->spk) != 0) {
            record_fault(m, ctx);
            return;
        }
        v->spk[2 * v->nspk] = r;
        v->spk[2 * v->nspk + 1] = ctx->step;
        v->nspk++;
    }
}

void ann_monitor_record(ann_monitor *m, ann_network *net, const annk_ctx *ctx, int phase_b)
{
    (void)net;
    if (!m->when.recording) return;
    int due = ann_schedule_due(&m->when, ctx->step);
    for (int i = 0; i < m->nvars; i++) {
        mon_var *v = &m->vars[i];
        if (v->spike) {
            if (!phase_b) record_spikes(m, v, ctx);
        } else if (due && (v->phase_b != 0) == (phase_b != 0)) {
            record_values(m, v, ctx);
        }
    }
}

int ann_monitor_in_phase_b(const ann_monitor *m)
{
    for (int i = 0; i < m->nvars; i++)
        if (!m->vars[i].spike && m->vars[i].phase_b) return 1;
    return 0;
}

int ann_monitor_due(const ann_monitor *m, int64_t step, int phase_b, uint8_t *const *want)
{
    if (!m->when.recording || !ann_schedule_due(&m->when, step)) return 0;
    int any = 0;
    for (int i = 0; i < m->nvars; i++) {
        const mon_var *v = &m->vars[i];
        if (v->spike || (v->phase_b != 0) != (phase_b != 0)) continue;
        want[m->pop][v->attr] = 1;
        any = 1;
    }
    return any;
}

const double *ann_monitor_data(const ann_monitor *m, int v, int64_t *nrec, int64_t *width)
{
    *nrec = m->vars[v].nrec;
    *width = width_of(m, &m->vars[v]);
    return m->vars[v].buf;
}

const int64_t *ann_monitor_spikes(const ann_monitor *m, int v, int64_t *n)
{
    *n = m->vars[v].nspk;
    return m->vars[v].spk;
}

void ann_monitor_clear(ann_monitor *m, int v)
{
    for (int i = 0; i < m->nvars; i++) {
        if (v >= 0 && i != v) continue;
        m->vars[i].len = 0;
        m->vars[i].nrec = 0;
        m->vars[i].nspk = 0;
    }
}

int64_t ann_monitor_bytes_needed(const ann_monitor *m, int64_t nsteps)
{
    int64_t bytes = 0;
    for (int i = 0; i < m->nvars; i++) {
        const mon_var *v = &m->vars[i];
        if (v->spike) continue;
        int64_t recs = nsteps / m->when.period + 1;
        int64_t need = (v->len + recs * width_of(m, v)) * (int64_t)sizeof(double);
        if (need > v->cap * (int64_t)sizeof(double)) bytes += need - v->cap * (int64_t)sizeof(double);
    }
    return bytes;
}

int64_t ann_monitor_bytes(const ann_monitor *m)
{
    int64_t bytes = 0;
    for (int i = 0; i < m->nvars; i++)
        bytes += m->vars[i].cap * (int64_t)sizeof(double) + m->vars[i].capspk * 2 * (int64_t)sizeof(int64_t);
    return bytes;
}
