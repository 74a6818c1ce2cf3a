#!/usr/bin/python3
"""Brian2 reference figures for examples/stp.lua (reference-library 11.7).

The recurrent network of Tsodyks, Uziel & Markram (2000) as in ANNarchy's notebook STP.ipynb:
500 leaky integrate-and-fire neurons (400 excitatory, 100 inhibitory), four projections with
probability 0.1 and Tsodyks-Markram synapses (depressing between excitatory neurons and from
inhibitory to excitatory ones, facilitating onto inhibitory neurons), dt = 0.25 ms, 10 s. The
equations, parameters, distributions and integration are those of examples/stp.lua. Each
replica is an independent network; all replicas run in one Brian2 simulation (C++ standalone,
float64). Writes stp_brian2.json next to this file; tests/example_stp_spec.lua checks annlua
against it.

Run with Debian's interpreter (the one that sees python3-brian):
    /usr/bin/python3 tests/reference/stp_brian2.py [--seed 1] [--replicas 30]

How the model maps onto Brian2:
* Neuron: tau dv/dt = -v + g_exc - g_inh + I, tau_I dg/dt = -g (explicit Euler), spike v > 15,
  reset v = 13.5. Refractory 3 ms: ANNarchy freezes v (not g) and forbids spikes during the
  int(3 / 0.25) = 12 steps after a spike; Brian2's refractory=T does so for the steps k with
  k < timestep(T), so T = 13 * 0.25 ms gives ANNarchy's 12 frozen steps; v is
  '(unless refractory)'. I: 500 sorted draws of U(14.625, 15.375) (numpy, per replica);
  v ~ U(0, 15).
* Synapse: per-synapse U, tau_rec, tau_facil; x (init 1) and u (init 0.1) event-driven (exact
  decay between the synapse's spikes, from the initial stamp -10000 steps of ANNarchy and
  annlua: Brian2's lastupdate is set to -10000 dt); on_pre: g += w u x; x *= 1 - u; u += U (1 - u). A
  spike of step n is added to g after the update of step n (it acts on step n + 1, ANNarchy's
  delivery at the start of the next step).
* Connectivity: each pair with probability 0.1 (Bernoulli per pair), no self-connection within
  Exc -> Exc and Inh -> Inh (ANNarchy: pre and post are the same view object). Values drawn as
  ANNarchy's Normal(mu, sigma, min, max), i.e. clipped normal draws: w ~ N(A, A/2) in
  [0.2 A, 2 A], U ~ N(U0, U0/2) in [Umin, Umax], tau_rec ~ N(tau, tau/2) >= 5,
  tau_facil = dt (ee, ei) or N(1000, 500) >= 5 (ie, ii).
* Population spikes (the figure of the paper), computed from the excitatory spikes as in
  examples/stp.lua: counts in 1 ms bins; a population spike is a maximal run of bins holding at
  least 20 spikes (5 % of the excitatory neurons in 1 ms; the mean count is about 2), runs less
  than 20 ms apart being merged; its size is the number of spikes from 5 ms before its first
  bin to 5 ms after its last bin. Figures: population spikes per second, mean size / 400 (the
  fraction of the excitatory neurons taking part), fraction of all excitatory spikes inside
  population spikes, mean inter-event interval, mean excitatory and inhibitory rates.
"""
import json
import os
import shutil
import sys
import tempfile
import time

import numpy as np
import brian2
from brian2 import (NeuronGroup, Synapses, SpikeMonitor, Network, ms, seed, set_device, device,
                    prefs, defaultclock)

HERE = os.path.dirname(os.path.abspath(__file__))

DT = 0.25            # ms
DURATION = 10000.0   # ms
NB, NE = 500, 400    # neurons per replica, excitatory ones
THRESHOLD = 20       # spikes per 1 ms bin
MERGE_MS = 20
MARGIN_MS = 5
PROJECTIONS = [
    # name, pre exc?, post exc?, target, A, U0, Umin, Umax, tau_rec, tau_facil (None: N(1000, 500))
    ('ee', True, True, 'exc', 1.8, 0.5, 0.1, 0.9, 800.0, DT),
    ('ei', False, True, 'inh', 5.4, 0.5, 0.1, 0.9, 800.0, DT),
    ('ie', True, False, 'exc', 7.2, 0.04, 0.001, 0.07, 100.0, None),
    ('ii', False, False, 'inh', 7.2, 0.04, 0.001, 0.07, 100.0, None),
]


def build(k):
    """k independent networks in one NeuronGroup of k*500 neurons."""
    ns = dict(tau=30.0 * ms, tau_I=3.0 * ms)
    P = NeuronGroup(k * NB, '''dv/dt = (-v + g_exc - g_inh + I) / tau : 1 (unless refractory)
                               dg_exc/dt = -g_exc / tau_I : 1
                               dg_inh/dt = -g_inh / tau_I : 1
                               I : 1''',
                    threshold='v > 15.0', reset='v = 13.5',
                    refractory=(int(3.0 / DT) + 1) * DT * ms, method='euler', namespace=ns,
                    name='lif')
    P.I = np.concatenate([np.sort(np.random.uniform(14.625, 15.375, NB)) for _ in range(k)])
    P.v = 'rand() * 15.0'
    objects = [P]
    for name, pre_exc, post_exc, target, A, U0, Umin, Umax, tau_rec, tau_facil in PROJECTIONS:
        S = Synapses(P, P, '''w : 1
                              U : 1
                              tau_rec : second
                              tau_facil : second
                              dx/dt = (1 - x) / tau_rec : 1 (event-driven)
                              du/dt = (U - u) / tau_facil : 1 (event-driven)''',
                     on_pre=f'''g_{target}_post += w * u * x
                               x *= (1 - u)
                               u += U * (1 - u)''', name=f'stp_{name}')
        cond = [f'(i // {NB} == j // {NB})',
                f'(i % {NB} < {NE})' if pre_exc else f'(i % {NB} >= {NE})',
                f'(j % {NB} < {NE})' if post_exc else f'(j % {NB} >= {NE})']
        if pre_exc == post_exc:
            cond.append('(i != j)')
        S.connect(condition=' and '.join(cond), p=0.1)
        S.w = f'clip({A} + {A / 2} * randn(), {0.2 * A}, {2 * A})'
        S.U = f'clip({U0} + {U0 / 2} * randn(), {Umin}, {Umax})'
        S.tau_rec = f'clip({tau_rec} + {tau_rec / 2} * randn(), 5.0, inf) * ms'
        if tau_facil is None:
            S.tau_facil = 'clip(1000.0 + 500.0 * randn(), 5.0, inf) * ms'
        else:
            S.tau_facil = tau_facil * ms
        S.x = 1.0
        S.u = 0.1
        # ANNarchy (and annlua) stamp a new synapse with step -10000: its first event advances
        # x and u from there, so u has relaxed from 0.1 towards U by then (this matters for the
        # facilitating synapses, tau_facil ~ 1 s). Brian2 would start from t = 0.
        S.lastupdate = -10000 * DT * ms
        objects.append(S)
    M = SpikeMonitor(P, name='spikes')
    objects.append(M)
    return objects, M


def population_spikes(steps, duration_ms=DURATION, dt=DT):
    """Population spikes of one replica's excitatory spikes (integer steps), as examples/stp.lua."""
    nbins = int(round(duration_ms))
    h = np.bincount(np.floor(np.asarray(steps) * dt).astype(int), minlength=nbins)[:nbins]
    above = np.flatnonzero(h >= THRESHOLD)
    events = []
    for b in above:
        if events and b - events[-1][1] <= MERGE_MS:
            events[-1][1] = b
        else:
            events.append([b, b])
    sizes = [int(h[max(0, a - MARGIN_MS):min(nbins, b + MARGIN_MS + 1)].sum()) for a, b in events]
    starts = [a for a, _ in events]
    total = len(steps)
    return dict(
        events_per_s=len(events) / (duration_ms / 1000.0),
        participation=(float(np.mean(sizes)) / NE) if sizes else 0.0,
        frac_in_events=(sum(sizes) / total) if total else 0.0,
        mean_interval_ms=float(np.mean(np.diff(starts))) if len(starts) > 1 else float('nan'),
    )


def stats(values):
    a = np.asarray(values, dtype=float)
    return round(float(np.nanmean(a)), 4), round(float(np.nanstd(a, ddof=1)), 4)


def main(argv):
    rng_seed, k = 1, 30
    out_file = os.path.join(HERE, 'stp_brian2.json')
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

    build_dir = tempfile.mkdtemp(prefix='brian2_stp_')
    set_device('cpp_standalone', directory=build_dir, build_on_run=False)
    prefs.core.default_float_dtype = np.float64
    prefs.devices.cpp_standalone.openmp_threads = 0
    prefs.devices.cpp_standalone.extra_make_args_unix = [f'-j{os.cpu_count() or 1}']
    defaultclock.dt = DT * ms
    seed(rng_seed)
    np.random.seed(rng_seed)

    objects, mon = build(k)
    net = Network(*objects)
    net.run(DURATION * ms)
    t0 = time.time()
    device.build(directory=build_dir, compile=True, run=True, with_output=False)
    elapsed = time.time() - t0

    steps = np.round(np.asarray(mon.t / ms) / DT).astype(int)
    ranks = np.asarray(mon.i[:])
    runs = []
    for r in range(k):
        local = ranks - r * NB
        exc = steps[(local >= 0) & (local < NE)]
        inh = steps[(local >= NE) & (local < NB)]
        fig = population_spikes(exc)
        fig.update(exc_rate_hz=len(exc) / NE / (DURATION / 1000.0),
                   inh_rate_hz=len(inh) / (NB - NE) / (DURATION / 1000.0))
        runs.append({key: round(v, 4) for key, v in fig.items()})

    result = dict(
        description='Brian2 running the Tsodyks-Uziel-Markram network of examples/stp.lua '
                    '(reference-library 11.7); see tests/reference/stp_brian2.py',
        brian2_version=brian2.__version__,
        python=sys.version.split()[0],
        numpy_version=np.__version__,
        device='cpp_standalone, float64, 1 thread',
        seed=rng_seed,
        replicas=k,
        dt_ms=DT, duration_ms=DURATION,
        population_spike_definition=f'excitatory spikes in 1 ms bins; runs of bins with >= '
                                    f'{THRESHOLD} spikes, merged when <= {MERGE_MS} ms apart; size '
                                    f'= spikes from {MARGIN_MS} ms before to {MARGIN_MS} ms after',
        std_definition='sample standard deviation over the replicas (ddof 1)',
        build_and_run_seconds=round(elapsed, 1),
        runs=runs,
    )
    summary = {}
    for key in runs[0]:
        m, s = stats([run[key] for run in runs])
        summary[f'{key}.mean'] = m
        summary[f'{key}.std'] = s
    result['summary'] = summary
    for key in runs[0]:
        print(f"{key}: {summary[key + '.mean']} +- {summary[key + '.std']}")
    with open(out_file, 'w') as f:
        json.dump(result, f, indent=2)
        f.write('\n')
    print(f'wrote {out_file}')
    shutil.rmtree(build_dir, ignore_errors=True)   # Brian2 reads its results from there


if __name__ == '__main__':
    main(sys.argv)
