#!/usr/bin/python3
"""Brian2 reference figures for examples/stdp.lua (reference-library 11.4).

Song, Miller & Abbott (2000) as in ANNarchy's notebook STDP2.ipynb: 1000 Poisson inputs at 15 Hz
drive one integrate-and-fire neuron through all-to-all STDP synapses, dt = 1 ms, 100 s. The
neuron, the learning rule, the initial weights and the integration are those of
examples/stdp.lua; each replica is an independent network (its own inputs, weights and output
neuron), all simulated in one Brian2 run (C++ standalone, float64). Writes stdp_brian2.json next
to this file; tests/example_stdp_spec.lua checks annlua against it.

Run with Debian's interpreter (the one that sees python3-brian):
    /usr/bin/python3 tests/reference/stdp_brian2.py [--seed 1] [--replicas 10]

How the model maps onto Brian2:
* Neuron: tau_m dv/dt = El - v + g_exc (Ee - vr) (the notebook's driving force uses vr),
  tau_e dg_exc/dt = -g_exc, explicit Euler (method='euler'), spike v > vt, reset v = vr, v
  starts at -60, no refractory period.
* Input: PoissonGroup at 15 Hz (a spike with probability rate * dt per step, as ANNarchy).
* Transmission: a spike of step n is added to g_exc after the update of step n, so that it
  acts on step n + 1, as ANNarchy's delivery at the start of the next step.
* STDP (ANNarchy's built-in STDP, online traces x, y, event-driven, exact decay):
  pre: g_exc += w; x += A_plus w_max; w = clip(w + y, 0, w_max)
  post: y -= A_minus w_max; w = clip(w + x, 0, w_max)
* Order of events in one step. ANNarchy delivers a spike of step n at step n + 1, after the
  post-synaptic spikes of step n were processed: when pre and post fire in the same step, the
  post event comes first (the pair counts as post-before-pre: depression). Brian2 runs the
  pre pathway first by default (the pair counts as pre-before-post: potentiation by the full
  A_plus). The variants below set S.pre.order so that the post pathway runs first, except
  'brian2_default_order', recorded to show how much this one convention weighs at dt = 1 ms.
* Variants:
  - 'exact': the post pathway first, traces advanced to the spike's own step: annlua's rule.
  - 'annarchy_5_0_3_stamping': as 'exact', plus x *= exp(dt / tau_plus) and
    y *= exp(dt / tau_minus) at the end of each pre event. ANNarchy 5.0.3 advances the traces
    to t - 1 at a pre event delivered at t but stamps the synapse with t, so the next advance
    skips one step of decay (reference-core 5.7, QUIRKS 5); multiplying by exp(dt / tau)
    right after the event reproduces exactly that.
  - 'brian2_default_order': as 'exact' but with Brian2's default pre-then-post order.
Figures per replica: the output rate over the whole run (spikes / 100 s, as the notebook's
mean_fr), the rate over the last 20 s, the fractions of weights within 10 % of a bound
(w < 0.1 w_max or w > 0.9 w_max), below 0.1 w_max, above 0.9 w_max, and in [0.3, 0.7] w_max.
"""
import json
import os
import shutil
import sys
import tempfile
import time

import numpy as np
import brian2
from brian2 import (NeuronGroup, PoissonGroup, Synapses, SpikeMonitor, Network, ms, second, Hz,
                    seed, set_device, device, prefs, defaultclock)

HERE = os.path.dirname(os.path.abspath(__file__))

N = 1000                 # inputs per replica
DT = 1.0                 # ms
DURATION = 100000.0      # ms
RATE = 15.0              # Hz
GMAX = 0.01
PARAMS = dict(tau_m=10.0, tau_e=5.0, vt=-54.0, vr=-60.0, El=-74.0, Ee=0.0,
              tau_plus=20.0, tau_minus=20.0, A_plus=0.01, A_minus=0.0105, w_max=GMAX)
VARIANTS = ('exact', 'annarchy_5_0_3_stamping', 'brian2_default_order')


def build(variant, k):
    """k replicas of one variant: a PoissonGroup of k*N inputs, k output neurons, STDP."""
    p = PARAMS
    ns = dict(tau_m=p['tau_m'] * ms, tau_e=p['tau_e'] * ms, vt=p['vt'], vr=p['vr'], El=p['El'],
              Ee=p['Ee'], tau_plus=p['tau_plus'] * ms, tau_minus=p['tau_minus'] * ms,
              dx=p['A_plus'] * p['w_max'], dy=p['A_minus'] * p['w_max'], w_max=p['w_max'],
              q_plus=np.exp(DT / p['tau_plus']), q_minus=np.exp(DT / p['tau_minus']))
    inp = PoissonGroup(k * N, rates=RATE * Hz, name=f'{variant}_input')
    out = NeuronGroup(k, '''dv/dt = (El - v + g_exc * (Ee - vr)) / tau_m : 1
                            dg_exc/dt = -g_exc / tau_e : 1''',
                      threshold='v > vt', reset='v = vr', method='euler', namespace=ns,
                      name=f'{variant}_output')
    out.v = p['vr']
    on_pre = '''g_exc_post += w
                x += dx
                w = clip(w + y, 0, w_max)'''
    if variant == 'annarchy_5_0_3_stamping':
        on_pre += '''
                x *= q_plus
                y *= q_minus'''
    syn = Synapses(inp, out, '''w : 1
                                dx/dt = -x / tau_plus : 1 (event-driven)
                                dy/dt = -y / tau_minus : 1 (event-driven)''',
                   on_pre=on_pre, on_post='''y -= dy
                                             w = clip(w + x, 0, w_max)''',
                   namespace=ns, name=f'{variant}_stdp')
    syn.connect(i=np.arange(k * N), j=np.arange(k * N) // N)
    if variant != 'brian2_default_order':
        syn.pre.order = 2          # after the post pathway (order 1), as ANNarchy
    syn.w = 'rand() * w_max'
    mon = SpikeMonitor(out, name=f'{variant}_spikes')
    return [inp, out, syn, mon], syn, mon


def figures(syn, mon, k):
    w = np.asarray(syn.w[:]).reshape(k, N)   # synapses were created replica by replica
    t = np.asarray(mon.t / ms)
    i = np.asarray(mon.i[:])
    runs = []
    for r in range(k):
        tr = t[i == r]
        wr = w[r] / GMAX
        runs.append(dict(
            rate_hz=round(len(tr) / (DURATION / 1000.0), 4),
            rate_last20s_hz=round(np.sum(tr >= DURATION - 20000.0) / 20.0, 4),
            frac_near_bounds=round(float(np.mean((wr < 0.1) | (wr > 0.9))), 4),
            frac_near_zero=round(float(np.mean(wr < 0.1)), 4),
            frac_near_max=round(float(np.mean(wr > 0.9)), 4),
            frac_middle=round(float(np.mean((wr >= 0.3) & (wr <= 0.7))), 4),
        ))
    return runs


def stats(values):
    a = np.asarray(values, dtype=float)
    return round(float(a.mean()), 4), round(float(a.std(ddof=1)), 4)


def main(argv):
    rng_seed, k = 1, 10
    out_file = os.path.join(HERE, 'stdp_brian2.json')
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

    build_dir = tempfile.mkdtemp(prefix='brian2_stdp_')
    set_device('cpp_standalone', directory=build_dir, build_on_run=False)
    prefs.core.default_float_dtype = np.float64
    prefs.devices.cpp_standalone.openmp_threads = 0
    prefs.devices.cpp_standalone.extra_make_args_unix = [f'-j{os.cpu_count() or 1}']
    defaultclock.dt = DT * ms
    seed(rng_seed)

    objects, built = [], {}
    for variant in VARIANTS:
        objs, syn, mon = build(variant, k)
        objects += objs
        built[variant] = (syn, mon)
    net = Network(*objects)
    net.run(DURATION * ms)
    t0 = time.time()
    device.build(directory=build_dir, compile=True, run=True, with_output=False)
    elapsed = time.time() - t0

    result = dict(
        description='Brian2 running the Song-Abbott STDP network of examples/stdp.lua '
                    '(reference-library 11.4); see tests/reference/stdp_brian2.py',
        brian2_version=brian2.__version__,
        python=sys.version.split()[0],
        device='cpp_standalone, float64, 1 thread',
        seed=rng_seed,
        replicas=k,
        inputs=N, input_rate_hz=RATE, dt_ms=DT, duration_ms=DURATION,
        parameters=PARAMS,
        rate_definition='output spikes / duration (Hz)',
        bounds_definition='fraction of the weights with w < 0.1 w_max or w > 0.9 w_max at the end',
        middle_definition='fraction of the weights with 0.3 w_max <= w <= 0.7 w_max at the end '
                          '(0.4 for the uniform initial weights)',
        std_definition='sample standard deviation over the replicas (ddof 1)',
        build_and_run_seconds=round(elapsed, 1),
        annarchy_notebook='STDP2.ipynb (ANNarchy 5.0.3): output 25.89 Hz, input 14.99 Hz; '
                          'reference-library 11.4 quotes 29.4 Hz from another execution',
    )
    summary = {}
    for variant in VARIANTS:
        syn, mon = built[variant]
        runs = figures(syn, mon, k)
        result[variant] = dict(runs=runs)
        for key in ('rate_hz', 'rate_last20s_hz', 'frac_near_bounds', 'frac_near_zero',
                    'frac_near_max', 'frac_middle'):
            m, s = stats([r[key] for r in runs])
            summary[f'{variant}.{key}.mean'] = m
            summary[f'{variant}.{key}.std'] = s
        print(f"{variant}: rate {summary[variant + '.rate_hz.mean']} +- "
              f"{summary[variant + '.rate_hz.std']} Hz, near bounds "
              f"{summary[variant + '.frac_near_bounds.mean']}, middle "
              f"{summary[variant + '.frac_middle.mean']}")
    result['summary'] = summary
    with open(out_file, 'w') as f:
        json.dump(result, f, indent=2)
        f.write('\n')
    print(f'wrote {out_file}')
    shutil.rmtree(build_dir, ignore_errors=True)   # Brian2 reads its results from there


if __name__ == '__main__':
    main(sys.argv)
