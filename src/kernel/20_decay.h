/* Decay factors of event-driven synaptic variables, reused within one kernel call.
 *
 * An event-driven variable x with time constant tau decays between two events of its synapse
 * by exp(dt * steps / tau), steps = (last event - now) <= 0 a whole number of steps. Within one
 * call of an event kernel dt and tau (when it is the same for every synapse) are fixed, so the
 * factor depends on steps alone, and many synapses share it: all those whose last event was
 * the previous spike of the same neuron. The kernel keeps, per call, a table of ANNK_DECAYS
 * slots (slot k for steps = -k) per such variable and a bit per slot saying it is filled. The
 * first synapse needing slot k computes the factor with the very expression a direct call
 * evaluates; the same inputs give libm's same result, so the factors, hence every state
 * variable, are bit for bit those computed without the table. Steps that are not a whole
 * number in [-(ANNK_DECAYS - 1), 0] (a state set by hand, the first event of a synapse) take
 * the direct path. Plain C99 for gcc and tcc alike. */
#ifndef ANNK_DECAY_H
#define ANNK_DECAY_H

#define ANNK_DECAYS 2048

/* The slot of a step difference, or -1 when it has none. */
static inline int32_t annk_decay_slot(double steps)
{
    if (!(steps <= 0.0 && steps > -(double)ANNK_DECAYS)) return -1;
    const int32_t k = (int32_t)(-steps);
    return (double)k == -steps ? k : -1;
}

/* Whether slot k (>= 0) of a table is filled. */
static inline int annk_decay_filled(const uint64_t *filled, int32_t k)
{
    return (int)((filled[k >> 6] >> (k & 63)) & 1u);
}

static inline void annk_decay_mark(uint64_t *filled, int32_t k)
{
    filled[k >> 6] |= (uint64_t)1 << (k & 63);
}

#endif /* ANNK_DECAY_H */
