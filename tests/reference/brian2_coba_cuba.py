#!/usr/bin/python3
"""Brian2 reference figures for examples/coba.lua (reference-library 11.1).

The COBA and CUBA networks of Vogels & Abbott (2005) with exactly the equations, parameters,
initial values, connectivity and integration of examples/coba.lua, simulated by Brian2 (C++
standalone, float64, one thread) for several seeds. Writes brian2_coba_cuba.json next to this
file: the Brian2 version, the seeds, each run's mean rate (spikes / neurons / duration) and
mean coefficient of variation of the inter-spike intervals, and their mean and standard
deviation over the seeds. tests/example_coba_spec.lua checks annlua against this file.

Run with Debian's interpreter (the one that sees python3-brian):
    /usr/bin/python3 tests/reference/brian2_coba_cuba.py [--seeds 1,2,3,4,5] [--duration 1000]

How the model maps onto Brian2:
* 4000 neurons, one NeuronGroup; excitatory P[:3200] and inhibitory P[3200:] subgroups, each
  connected to the whole group with probability 0.02 (Synapses.connect(p=0.02): independent
  Bernoulli draws per pair, self-connections allowed, as ANNarchy with a view as pre).
  One shared weight per projection (w_exc, w_inh), on_pre 'g += w', no delay: a spike of step
  n is added to g before the update of step n+1, as in ANNarchy.
* Explicit Euler (method='euler'), dt = 0.1 ms; variables are dimensionless, time in ms.
* Refractoriness: ANNarchy freezes v (not the g_ conductances) and forbids spikes during the
  R = int(5 / 0.1) = 50 steps after the spike step. Brian2 with refractory=T does so for the
  steps k after the spike with k < timestep(T), i.e. 49 steps for T = 5 ms; T = 5.1 ms gives
  exactly ANNarchy's 50 frozen steps. v carries '(unless refractory)', g_exc and g_inh do not.
* Initial values: COBA v ~ N(-55, 5), g_exc ~ N(4, 1.5), g_inh ~ N(20, 12); CUBA
  v ~ U(-60, -50), g = 0.
"""
import json
import math
import os
import shutil
import sys
import tempfile
import time

import numpy as np
import brian2
from brian2 import (NeuronGroup, Synapses, SpikeMonitor, Network, ms, seed, set_device,
                    device, prefs)

HERE = os.path.dirname(os.path.abspath(__file__))

N, N_EXC = 4000, 3200
DT = 0.1  # ms
REFRACTORY_STEPS = int(5.0 / DT)  # ANNarchy's R_i = int(refractory / dt)

COBA = dict(
    equations='''
        dv/dt = ((El - v) + g_exc * (Erev_exc - v) + g_inh * (Erev_inh - v) + I) / tau : 1 (unless refractory)
        dg_exc/dt = -g_exc / tau_exc : 1
        dg_inh/dt = -g_inh / tau_inh : 1
    ''',
    namespace=dict(El=-60.0, Vr=-60.0, Erev_exc=0.0, Erev_inh=-80.0, Vt=-50.0, tau=20.0 * ms,
                   tau_exc=5.0 * ms, tau_inh=10.0 * ms, I=20.0),
    init=dict(v='-55.0 + 5.0 * randn()', g_exc='4.0 + 1.5 * randn()',
              g_inh='20.0 + 12.0 * randn()'),
    w_exc=0.6, w_inh=6.7,
)

CUBA = dict(
    equations='''
        dv/dt = ((El - v) + g_exc - g_inh) / tau_m : 1 (unless refractory)
        dg_exc/dt = -g_exc / tau_exc : 1
        dg_inh/dt = -g_inh / tau_inh : 1
    ''',
    namespace=dict(El=-49.0, Vr=-60.0, Vt=-50.0, tau_m=20.0 * ms, tau_exc=5.0 * ms,
                   tau_inh=10.0 * ms),
    init=dict(v='-60.0 + 10.0 * rand()'),
    w_exc=0.27 * 60 / 10, w_inh=4.5 * 20 / 10,
)

MODELS = {'COBA': COBA, 'CUBA': CUBA}


def build_network(kind, rng_seed, size=N):
    """One COBA or CUBA network (Brian2 objects in a Network) and its spike monitor."""
    model = MODELS[kind]
    n_exc = int(size * 0.8)
    seed(rng_seed)
    ns = dict(model['namespace'], w_exc=model['w_exc'], w_inh=model['w_inh'])
    P = NeuronGroup(size, model['equations'], threshold='v > Vt', reset='v = Vr',
                    refractory=(REFRACTORY_STEPS + 1) * DT * ms, method='euler',
                    namespace=ns, name=f'{kind.lower()}_{rng_seed}_P')
    for var, expr in model['init'].items():
        setattr(P, var, expr)
    Ce = Synapses(P[:n_exc], P, on_pre='g_exc_post += w_exc', namespace=ns,
                  name=f'{kind.lower()}_{rng_seed}_Ce')
    Ci = Synapses(P[n_exc:], P, on_pre='g_inh_post += w_inh', namespace=ns,
                  name=f'{kind.lower()}_{rng_seed}_Ci')
    Ce.connect(p=0.02)
    Ci.connect(p=0.02)
    M = SpikeMonitor(P, name=f'{kind.lower()}_{rng_seed}_M')
    return Network(P, Ce, Ci, M), M


def mean_cv(spike_trains, dt_ms):
    """Mean over neurons with at least two intervals of std(isi)/mean(isi) (ddof 0)."""
    cvs = []
    for times in spike_trains.values():
        steps = np.round(np.asarray(times / ms) / dt_ms)
        if len(steps) >= 3:
            isi = np.diff(steps)
            cvs.append(np.std(isi) / np.mean(isi))
    return float(np.mean(cvs)) if cvs else float('nan')


def stats(values):
    arr = np.asarray(values, dtype=float)
    return dict(mean=float(arr.mean()), std=float(arr.std(ddof=1)) if len(arr) > 1 else 0.0)


def main(argv):
    seeds = [1, 2, 3, 4, 5]
    duration = 1000.0
    out = os.path.join(HERE, 'brian2_coba_cuba.json')
    i = 1
    while i < len(argv):
        if argv[i] == '--seeds':
            seeds = [int(s) for s in argv[i + 1].split(',')]
            i += 2
        elif argv[i] == '--duration':
            duration = float(argv[i + 1])
            i += 2
        elif argv[i] == '--out':
            out = argv[i + 1]
            i += 2
        else:
            sys.exit(f'unknown argument {argv[i]}')

    build_dir = tempfile.mkdtemp(prefix='brian2_coba_cuba_')
    set_device('cpp_standalone', directory=build_dir, build_on_run=False)
    prefs.core.default_float_dtype = np.float64
    prefs.devices.cpp_standalone.openmp_threads = 0
    # Brian2's default 'make -j' starts one compiler per file at once: as many as the cores.
    prefs.devices.cpp_standalone.extra_make_args_unix = [f'-j{os.cpu_count() or 1}']
    brian2.defaultclock.dt = DT * ms

    runs = []
    for kind in ('COBA', 'CUBA'):
        for s in seeds:
            net, mon = build_network(kind, s)
            net.run(duration * ms)
            runs.append((kind, s, mon))
    t0 = time.time()
    device.build(directory=build_dir, compile=True, run=True, with_output=False)
    build_and_run = time.time() - t0

    result = dict(
        description='Brian2 running the COBA and CUBA networks of examples/coba.lua '
                    '(reference-library 11.1); see tests/reference/brian2_coba_cuba.py',
        brian2_version=brian2.__version__,
        python=sys.version.split()[0],
        device='cpp_standalone, float64, 1 thread',
        neurons=N, duration_ms=duration, dt_ms=DT,
        refractory='5 ms (50 frozen steps, as ANNarchy; Brian2 refractory=5.1 ms)',
        seeds=seeds,
        rate_definition='spikes / neurons / duration (Hz)',
        cv_definition='mean over neurons with >= 3 spikes of std(isi)/mean(isi), ddof 0',
        std_definition='sample standard deviation over the seeds (ddof 1)',
        build_and_run_seconds=round(build_and_run, 1),
    )
    for kind in ('COBA', 'CUBA'):
        rates, cvs, run_list = [], [], []
        for k, s, mon in runs:
            if k != kind:
                continue
            rate = mon.num_spikes / N / (duration / 1000.0)
            cv = mean_cv(mon.spike_trains(), DT)
            rates.append(rate)
            cvs.append(cv)
            run_list.append(dict(seed=s, rate_hz=round(rate, 4), cv_isi=round(cv, 4)))
        r, c = stats(rates), stats(cvs)
        result[kind] = dict(runs=run_list, rate_mean_hz=round(r['mean'], 4),
                            rate_std_hz=round(r['std'], 4), cv_mean=round(c['mean'], 4),
                            cv_std=round(c['std'], 4))
        print(f"{kind}: rate {r['mean']:.3f} +- {r['std']:.3f} Hz, CV {c['mean']:.3f} +- "
              f"{c['std']:.3f} over seeds {seeds}")
    with open(out, 'w') as f:
        json.dump(result, f, indent=2)
        f.write('\n')
    print(f'wrote {out}')
    shutil.rmtree(build_dir, ignore_errors=True)


if __name__ == '__main__':
    main(sys.argv)
