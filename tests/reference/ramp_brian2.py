#!/usr/bin/python3
"""Brian2 reference figures for examples/ramp.lua (reference-library 11.12).

The "Ramp" experiment of Carlson, Richert, Dutt & Krichmar (2013) as in ANNarchy's notebook
Ramp.ipynb: 100 Poisson inputs with rates from 0.2 to 20 Hz drive two regular-spiking Izhikevich
neurons with AMPA and NMDA conductances, one through nearest-neighbour STDP, the other through
STDP with homeostatic regulation towards 35 Hz, dt = 1 ms, 1000 s. The equations, parameters,
order of operations and integration are those of examples/ramp.lua (ANNarchy's). Each replica is
an independent network; all run in one Brian2 simulation (C++ standalone, float64). Writes
ramp_brian2.json next to this file; tests/example_ramp_spec.lua checks annlua against it.

Run with Debian's interpreter (the one that sees python3-brian):
    /usr/bin/python3 tests/reference/ramp_brian2.py [--seed 1] [--replicas 32]

How ANNarchy's step maps onto Brian2's schedule (one step t):
  ANNarchy                                         Brian2
  a. deliver the inputs' spikes of t-1:            'synapses' slot of t-1, pre pathway last
     g_ampa += w, g_nmda += w, ltp = A_plus
  b. neuron update, all from the old values:       'start': I (run_regularly, a parameter)
     I = g_ampa (vrev - v) + g_nmda nmda(v) (vrev - v)   'groups': v, u coupled midpoint with
     v, u: coupled midpoint (I frozen);                  I frozen (state updater), then g *=
     g *= exp(-dt / tau) (exponential)                   exp(-dt / tau) (run_regularly, order 1)
  c. spike v >= 30: reset v = c, u += d;            'thresholds' (lastspike = t); reset in
     last_spike = t; r = spikes in the last 5000     'resets'; r: a counter raised by a
     steps * 1000 / 5000 (compute_firing_rate)       self-synapse without delay and lowered by
                                                     one with a 5000 ms delay ('synapses', -3)
  d. synaptic update: ltp, ltd *= exp(-dt / tau);  run_regularly on the synapses ('synapses',
     w += (t_post >= t_pre ? ltp : -ltd) or the      order -2), t_pre/t_post = lastspike of
     homeostatic rule with R = post.r, clipped       the input/output neuron (inputs are a
                                                     NeuronGroup 'rand() < rates dt' with
                                                     refractory 0 so that they have lastspike)
  e. post events: ltd = A_minus                    post pathway ('synapses', order -1)
The recorded rate r is ANNarchy's: the value after step c of each step; the notebook prints its
mean over the whole run (55.64 Hz without, 35.26 Hz with homeostasis, ANNarchy 5.0.3, 1000 s).
Figures per replica: the mean of r over the first 100 s, 200 s and 1000 s, r at 100 s and at
the end, the mean weight and the fraction of weights at w_max (> 0.99 w_max) after 100 s and at
the end.
"""
import json
import os
import shutil
import sys
import tempfile
import time

import numpy as np
import brian2
from brian2 import (NeuronGroup, Synapses, StateMonitor, Network, ms, second, Hz, seed,
                    set_device, device, prefs, defaultclock)

HERE = os.path.dirname(os.path.abspath(__file__))

DT = 1.0
DURATION = 1000000.0          # ms
WINDOW = 5000.0               # compute_firing_rate window (ms)
NIN = 100
NEURON = dict(a=0.02, b=0.2, c=-65.0, d=8.0, tau_ampa=5.0, tau_nmda=150.0, vrev=0.0)
STDP = dict(tau_plus=20.0, tau_minus=60.0, A_plus=0.0002, A_minus=0.000066, w_min=0.0, w_max=0.03)
HOMEOSTASIS = dict(alpha=0.1, beta=1.0, gamma=50.0, Rtarget=35.0, T=5000.0)


def neurons(k, name):
    p = NEURON
    ns = dict(a=p['a'], b=p['b'], c=p['c'], d=p['d'], vrev=p['vrev'],
              decay_ampa=np.exp(-DT / p['tau_ampa']), decay_nmda=np.exp(-DT / p['tau_nmda']),
              per_count=1000.0 / WINDOW)
    G = NeuronGroup(k, '''dv/dt = ((0.04 * v + 5.0) * v + 140.0 - u + I) / ms : 1
                          du/dt = a * (b * v - u) / ms : 1
                          I : 1
                          g_ampa : 1
                          g_nmda : 1
                          count : 1
                          rsum100 : 1
                          rsum200 : 1
                          rsum : 1''',
                    threshold='v >= 30.0', reset='v = c\nu += d', refractory=0 * ms,
                    method='rk2', namespace=ns, name=name)   # rk2: the midpoint method
    G.v = -65.0
    G.u = -13.0
    nmda = '((v + 80.0) / 60.0)**2 / (1.0 + ((v + 80.0) / 60.0)**2)'
    G.run_regularly(f'I = g_ampa * (vrev - v) + g_nmda * {nmda} * (vrev - v)', when='start',
                    name=name + '_input')
    G.run_regularly('g_ampa = g_ampa * decay_ampa\ng_nmda = g_nmda * decay_nmda', when='groups',
                    order=1, name=name + '_decay')
    G.run_regularly('''rsum += count * per_count
                       rsum100 += count * per_count * int(t < 100 * second)
                       rsum200 += count * per_count * int(t < 200 * second)''', when='end',
                    name=name + '_rsum')
    up = Synapses(G, G, on_pre='count_post += 1', name=name + '_count_up')
    up.connect(j='i')
    down = Synapses(G, G, on_pre='count_post -= 1', delay=WINDOW * ms, name=name + '_count_down')
    down.connect(j='i')
    up.pre.order = -3
    down.pre.order = -3
    return [G, up, down], G


def plastic(inp, post, k, homeostatic, name):
    p = dict(STDP, **HOMEOSTASIS)
    ns = dict(p, decay_plus=np.exp(-DT / p['tau_plus']), decay_minus=np.exp(-DT / p['tau_minus']),
              per_count=1000.0 / WINDOW)
    S = Synapses(inp, post, '''w : 1
                               ltp : 1
                               ltd : 1
                               R : 1
                               K : 1
                               stdp : 1''',
                 on_pre='g_ampa_post += w\ng_nmda_post += w\nltp = A_plus',
                 on_post='ltd = A_minus', namespace=ns, name=name)
    S.connect(i=np.arange(k * NIN), j=np.arange(k * NIN) // NIN)
    S.w = '0.01 + 0.02 * rand()'
    code = '''ltp = ltp * decay_plus
              ltd = ltd * decay_minus
              stdp = ltp * int(lastspike_post >= lastspike_pre) - ltd * int(lastspike_post < lastspike_pre)
              '''
    if homeostatic:
        code += '''R = count_post * per_count
              K = R / (T * (1.0 + abs(1.0 - R / Rtarget) * gamma))
              w = clip(w + (alpha * w * (1.0 - R / Rtarget) + beta * stdp) * K, w_min, w_max)'''
    else:
        code += 'w = clip(w + stdp, 0.0, w_max)'
    S.run_regularly(code, when='synapses', order=-2, name=name + '_update')
    S.post.order = -1
    S.pre.order = 0
    return S


def main(argv):
    rng_seed, k = 1, 32
    out_file = os.path.join(HERE, 'ramp_brian2.json')
    args = argv[1:]
    while args:
        if args[0] == '--seed':
            rng_seed = int(args[1])
        elif args[0] == '--replicas':
            k = int(args[1])
        elif args[0] == '--out':
            out_file = args[1]
        else:
            sys.exit(f'unknown argument {args[0]}')
        args = args[2:]

    build_dir = tempfile.mkdtemp(prefix='brian2_ramp_')
    set_device('cpp_standalone', directory=build_dir, build_on_run=False)
    prefs.core.default_float_dtype = np.float64
    prefs.devices.cpp_standalone.openmp_threads = 0
    prefs.devices.cpp_standalone.extra_make_args_unix = [f'-j{os.cpu_count() or 1}']
    defaultclock.dt = DT * ms
    seed(rng_seed)

    inp = NeuronGroup(k * NIN, 'rates : Hz', threshold='rand() < rates * dt', refractory=0 * ms,
                      name='inputs')
    inp.rates = np.tile(np.linspace(0.2, 20.0, NIN), k) * Hz
    objs1, pop1 = neurons(k, 'pop1')
    objs2, pop2 = neurons(k, 'pop2')
    proj1 = plastic(inp, pop1, k, False, 'nearest_neighbour_stdp')
    proj2 = plastic(inp, pop2, k, True, 'homeostatic_stdp')
    m1 = StateMonitor(pop1, 'count', record=True, dt=1000 * ms, name='r1')
    m2 = StateMonitor(pop2, 'count', record=True, dt=1000 * ms, name='r2')
    mw1 = StateMonitor(proj1, 'w', record=True, dt=100 * second, name='w1')
    mw2 = StateMonitor(proj2, 'w', record=True, dt=100 * second, name='w2')
    net = Network(inp, *objs1, *objs2, proj1, proj2, m1, m2, mw1, mw2)
    net.run(DURATION * ms)
    t0 = time.time()
    device.build(directory=build_dir, compile=True, run=True, with_output=False)
    elapsed = time.time() - t0

    steps = DURATION / DT
    runs = {'without': [], 'with': []}
    for label, pop, proj, mon, mw in (('without', pop1, proj1, m1, mw1), ('with', pop2, proj2, m2, mw2)):
        w = np.asarray(proj.w[:]).reshape(k, NIN)
        # StateMonitor samples at the start of a step: sample 1 holds w after 100 s (100000 steps)
        w100 = np.asarray(mw.w)[:, 1].reshape(k, NIN)
        r_t = np.asarray(mon.count) * 1000.0 / WINDOW        # (k, samples), at 0, 1, 2 ... s
        for r in range(k):
            runs[label].append(dict(
                mean_r_100s=round(float(pop.rsum100[r]) / (100000.0 / DT), 4),
                mean_r_200s=round(float(pop.rsum200[r]) / (200000.0 / DT), 4),
                mean_r_1000s=round(float(pop.rsum[r]) / steps, 4),
                r_at_100s=round(float(r_t[r][100]), 4),
                r_end=round(float(pop.count[r]) * 1000.0 / WINDOW, 4),
                mean_w_100s=round(float(w100[r].mean()), 6),
                frac_w_max_100s=round(float(np.mean(w100[r] > 0.99 * STDP['w_max'])), 4),
                mean_w_end=round(float(w[r].mean()), 6),
                frac_w_max_end=round(float(np.mean(w[r] > 0.99 * STDP['w_max'])), 4),
            ))

    result = dict(
        description='Brian2 running the homeostatic STDP "Ramp" network of examples/ramp.lua '
                    '(reference-library 11.12); see tests/reference/ramp_brian2.py',
        brian2_version=brian2.__version__,
        python=sys.version.split()[0],
        device='cpp_standalone, float64, 1 thread',
        seed=rng_seed,
        replicas=k,
        dt_ms=DT, duration_ms=DURATION, rate_window_ms=WINDOW,
        neuron=NEURON, stdp=STDP, homeostasis=HOMEOSTASIS,
        rate_definition='r = spikes in the last 5000 steps / 5 s, after each step; mean over the '
                        'steps from the start (the notebook: np.mean of the recorded r)',
        std_definition='sample standard deviation over the replicas (ddof 1)',
        annarchy_notebook='Ramp.ipynb (ANNarchy 5.0.3), 1000 s: mean r 55.63958 Hz without '
                          'homeostasis, 35.255558 Hz with',
        build_and_run_seconds=round(elapsed, 1),
        runs=runs,
    )
    summary = {}
    for label in ('without', 'with'):
        for key in runs[label][0]:
            vals = np.asarray([run[key] for run in runs[label]])
            summary[f'{label}.{key}.mean'] = round(float(vals.mean()), 6)
            summary[f'{label}.{key}.std'] = round(float(vals.std(ddof=1)), 6)
        print(label, {key: summary[f'{label}.{key}.mean'] for key in runs[label][0]})
    result['summary'] = summary
    with open(out_file, 'w') as f:
        json.dump(result, f, indent=2)
        f.write('\n')
    print(f'wrote {out_file}')
    shutil.rmtree(build_dir, ignore_errors=True)   # Brian2 reads its results from there


if __name__ == '__main__':
    main(sys.argv)
