#!/usr/bin/python3
"""Brian2 reference figures for examples/gap_junctions.lua (reference-library 11.9).

Brian2's own example examples/synapses/gapjunctions.py (which ANNarchy's notebook
GapJunctions.ipynb re-implements): 10 integrate-and-fire neurons, tau dv/dt = v0 - v + Igap,
v0 = 1.05, tau = 10 ms, spike v > 1, reset v = 0, v starting at linspace(0, 1, 10), all-to-all
gap junctions Igap_i = sum_j w (v_j - v_i) with w = 0.02, dt = 0.1 ms, 500 ms. The model is
deterministic, so the spike trains themselves are the reference. Writes gap_junctions_brian2.json
next to this file; tests/example_gap_junctions_spec.lua checks annlua against it.

Run with Debian's interpreter (the one that sees python3-brian):
    /usr/bin/python3 tests/reference/gap_junctions_brian2.py

Variants:
* 'brian2_example': the example as published: method='exact' (v is linear given Igap), and
  S.connect() with self-connections (they add w (v_i - v_i) = 0).
* 'euler': the same with explicit Euler, ANNarchy's (and annlua's) default method for
  'tau * dv/dt = v0 - v + g_gap'. In both simulators the summed gap current of a step is
  computed from the membrane potentials of the previous step, before the update, so this
  variant is step for step the model of examples/gap_junctions.lua.
Each variant runs 500 ms (the example's protocol) and 10 s (where the phases settle).
Figures: each neuron's spike steps (500 ms) and the phase figures of
examples/gap_junctions.lua at the end of each run (see phases()).
"""
import json
import os
import sys

import numpy as np
import brian2
from brian2 import NeuronGroup, Synapses, SpikeMonitor, StateMonitor, Network, ms, prefs, defaultclock

HERE = os.path.dirname(os.path.abspath(__file__))

N = 10
DT = 0.1
V0, TAU, W = 1.05, 10.0, 0.02


def run(method, duration_ms):
    prefs.codegen.target = 'numpy'
    defaultclock.dt = DT * ms
    neurons = NeuronGroup(N, '''dv/dt = (v0 - v + Igap) / tau : 1
                                Igap : 1''',
                          threshold='v > 1', reset='v = 0', method=method,
                          namespace=dict(v0=V0, tau=TAU * ms))
    neurons.v = np.linspace(0.0, 1.0, N)
    S = Synapses(neurons, neurons, '''w : 1
                                      Igap_post = w * (v_pre - v_post) : 1 (summed)''')
    S.connect()
    S.w = W
    spikes = SpikeMonitor(neurons)
    trace = StateMonitor(neurons, 'v', record=[0, 5])
    Network(neurons, S, spikes, trace).run(duration_ms * ms)
    trains = spikes.spike_trains()
    steps = [[int(round(float(t / ms) / DT)) for t in trains[i]] for i in range(N)]
    return steps, np.asarray(trace.v)


def phases(steps, at):
    """Phases in [0, 1) of each neuron at step `at`: (at - last spike) / (next - last spike),
    from the spikes around `at`; then the Kuramoto order parameter R = |mean exp(2 pi i phase)|
    (1: synchrony, 0 for evenly spread phases), the coefficient of variation of the gaps between
    the sorted phases around the circle (0: evenly spread, a 'splay' state), and the phase of
    neuron 5 minus that of neuron 0 (ranks 6 and 1 in Lua), modulo 1."""
    ph = []
    for s in steps:
        before = [x for x in s if x <= at]
        after = [x for x in s if x > at]
        if not before or not after:
            return None
        ph.append((at - before[-1]) / (after[0] - before[-1]))
    ph = np.asarray(ph)
    R = abs(np.mean(np.exp(2j * np.pi * ph)))
    srt = np.sort(ph)
    gaps = np.diff(np.concatenate([srt, [srt[0] + 1.0]]))
    return dict(order_parameter=round(float(R), 6), gap_cv=round(float(gaps.std() / gaps.mean()), 6),
                phase_5_minus_0=round(float((ph[5] - ph[0]) % 1.0), 6))


def main():
    result = dict(
        description="Brian2's gap-junction example (examples/synapses/gapjunctions.py) for "
                    'examples/gap_junctions.lua (reference-library 11.9); see '
                    'tests/reference/gap_junctions_brian2.py',
        brian2_version=brian2.__version__,
        python=sys.version.split()[0],
        codegen='numpy, float64',
        neurons=N, dt_ms=DT, v0=V0, tau_ms=TAU, w=W,
        seeds='none: the model is deterministic',
        steps_definition='spike steps (t / dt) of neurons 0..9 (ranks 1..10 in Lua)',
        phases_definition='see phases() in the script; evaluated at the given step',
    )
    for method, name in (('exact', 'brian2_example'), ('euler', 'euler')):
        short, trace = run(method, 500.0)
        long_steps, _ = run(method, 10000.0)
        result[name] = dict(
            method=method,
            spikes_500ms=short,
            v_traces_every_ms={'0': [round(float(x), 9) for x in trace[0][::10]],
                               '5': [round(float(x), 9) for x in trace[1][::10]]},
            phases_at_50ms=phases(short, 500),
            phases_at_450ms=phases(short, 4500),
            phases_at_9950ms=phases(long_steps, 99500),
            spikes_10s_counts=[len(s) for s in long_steps],
        )
        print(name, 'R 50 ms', result[name]['phases_at_50ms'], '450 ms', result[name]['phases_at_450ms'],
              '9950 ms', result[name]['phases_at_9950ms'])
    out = os.path.join(HERE, 'gap_junctions_brian2.json')
    with open(out, 'w') as f:
        json.dump(result, f, indent=1)
        f.write('\n')
    print(f'wrote {out}')


if __name__ == '__main__':
    main()
