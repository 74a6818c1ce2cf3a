#!/usr/bin/python3
"""Brian2 side of bench/peers.lua: one benchmark model in C++ standalone mode.

    /usr/bin/python3 bench/peers/brian2_bench.py NAME DURATION_MS REPS BUILD_DIR [THREADS]

Builds the model NAME (coba, cuba, izhikevich, rate, stdp, coba64k, brunel, brunel_stdp),
compiles the standalone project once, runs the binary REPS times (each run draws a new
network: no seed() call, so the binary seeds itself from the system; the Brunel rows'
connectivity is drawn here by numpy with seed 42 and is the same in every run) and prints, as
its last line, a JSON object with one entry per run: Brian2's own run time (the
`_last_run_time` that the binary writes to results/last_run_info.txt, around the time-step
loop of Network::run, i.e. simulate time only, without building the connectivity or writing
results), and a sanity figure (mean firing rate in Hz, or the mean of r for the rate network).

THREADS is prefs.devices.cpp_standalone.openmp_threads (default 0). With 0 (no OpenMP) the
run time is std::clock(), the CPU time of the process; with 1 or more Brian2 times its loop
with omp_get_wtime(), the wall clock (Brian2 2.5.1's templates/network.cpp).

All models: float64, Brian2's default compiler flags, explicit Euler, dimensionless
variables with time constants in ms. The equations are those of bench/peers/models.lua (the
annlua side); see docs/benchmarks.md.
"""
import json
import os
import sys

import numpy as np
import brian2
from brian2 import (NeuronGroup, Synapses, SpikeMonitor, PoissonGroup, Network, ms, Hz,
                    set_device, device, prefs, defaultclock)


def lif_network(kind, size, p):
    """COBA or CUBA of Vogels & Abbott (2005), as examples/coba.lua, size neurons, 80 % exc."""
    n_exc = int(size * 0.8)
    if kind == 'coba':
        eqs = '''
            dv/dt = ((El - v) + g_exc * (Erev_exc - v) + g_inh * (Erev_inh - v) + I) / tau : 1 (unless refractory)
            dg_exc/dt = -g_exc / tau_exc : 1
            dg_inh/dt = -g_inh / tau_inh : 1
        '''
        ns = dict(El=-60.0, Vr=-60.0, Erev_exc=0.0, Erev_inh=-80.0, Vt=-50.0, tau=20.0 * ms,
                  tau_exc=5.0 * ms, tau_inh=10.0 * ms, I=20.0, w_exc=0.6, w_inh=6.7)
    else:
        eqs = '''
            dv/dt = ((El - v) + g_exc - g_inh) / tau_m : 1 (unless refractory)
            dg_exc/dt = -g_exc / tau_exc : 1
            dg_inh/dt = -g_inh / tau_inh : 1
        '''
        ns = dict(El=-49.0, Vr=-60.0, Vt=-50.0, tau_m=20.0 * ms, tau_exc=5.0 * ms,
                  tau_inh=10.0 * ms, w_exc=0.27 * 60 / 10, w_inh=4.5 * 20 / 10)
    # ANNarchy's refractory = 5 ms at dt 0.1 freezes v for the 50 steps after the spike step;
    # Brian2's refractory = T freezes it for timestep(T) - 1 steps: T = 5.1 ms.
    P = NeuronGroup(size, eqs, threshold='v > Vt', reset='v = Vr', refractory=5.1 * ms,
                    method='euler', namespace=ns)
    if kind == 'coba':
        P.v = '-55.0 + 5.0 * randn()'
        P.g_exc = '4.0 + 1.5 * randn()'
        P.g_inh = '20.0 + 12.0 * randn()'
    else:
        P.v = '-60.0 + 10.0 * rand()'
    Ce = Synapses(P[:n_exc], P, on_pre='g_exc_post += w_exc', namespace=ns)
    Ci = Synapses(P[n_exc:], P, on_pre='g_inh_post += w_inh', namespace=ns)
    Ce.connect(p=p)
    Ci.connect(p=p)
    M = SpikeMonitor(P)
    return [P, Ce, Ci, M], ('rate', M, size)


def izhikevich_network():
    """Izhikevich (2003) as examples/izhikevich.lua: 800 + 200, all-to-all, dt 1 ms."""
    eqs = '''
        I = g_exc - g_inh + noise * randn() : 1 (constant over dt)
        dv/dt = (0.04 * v**2 + 5.0 * v + 140.0 - u + I) / ms : 1
        du/dt = a * (b * v - u) / ms : 1
        g_exc : 1
        g_inh : 1
        noise : 1
        a : 1
        b : 1
        c : 1
        d : 1
        rnd : 1
    '''
    P = NeuronGroup(1000, eqs, threshold='v >= 30.0', reset='v = c; u += d', method='euler')
    exc, inh = P[:800], P[800:]
    P.rnd = 'rand()'  # re for the excitatory neurons, ri for the inhibitory ones
    exc.noise = 5.0
    exc.a = 0.02
    exc.b = 0.2
    exc.c = '-65.0 + 15.0 * rnd**2'
    exc.d = '8.0 - 6.0 * rnd**2'
    inh.noise = 2.0
    inh.a = '0.02 + 0.08 * rnd'
    inh.b = '0.25 - 0.05 * rnd'
    inh.c = -65.0
    inh.d = 2.0
    P.v = -65.0
    P.u = 'b * v'
    # ANNarchy's g_exc/g_inh without an equation are the step's input, cleared after the
    # neuron update: cleared here after the state update, before this step's spikes arrive.
    P.run_regularly('g_exc = 0.0\ng_inh = 0.0', when='after_groups')
    Se = Synapses(exc, P, 'w : 1', on_pre='g_exc_post += w')
    Si = Synapses(inh, P, 'w : 1', on_pre='g_inh_post += w')
    Se.connect()
    Si.connect()
    Se.w = '0.5 * rand()'
    Si.w = 'rand()'
    M = SpikeMonitor(P)
    return [P, Se, Si, M], ('rate', M, 1000)


def rate_network():
    """1000 leaky rate neurons, tau * dr/dt + r = sum(exc) + I, all-to-all without self."""
    P = NeuronGroup(1000, '''
        dr/dt = (sum_exc + I - r) / tau : 1
        sum_exc : 1
        I : 1
    ''', method='euler', namespace=dict(tau=10.0 * ms))
    P.I = 'rand()'
    S = Synapses(P, P, '''
        w : 1
        sum_exc_post = w * r_pre : 1 (summed)
    ''')
    S.connect(condition='i != j')
    S.w = '0.001 * rand()'
    return [P, S], ('mean_r', P, 1000)


def stdp_synapses(pre, post, ns, **options):
    """Synapses with annlua's built-in STDP: traces Apre, Apost decaying with taupre, taupost,
    incremented by dApre and dApost (negative) at each pre and post spike, w clipped to
    [0, gmax]; a presynaptic spike adds w to g_exc."""
    return Synapses(pre, post, '''
        w : 1
        dApre/dt = -Apre / taupre : 1 (event-driven)
        dApost/dt = -Apost / taupost : 1 (event-driven)
    ''', on_pre='''
        g_exc_post += w
        Apre += dApre
        w = clip(w + Apost, 0, gmax)
    ''', on_post='''
        Apost += dApost
        w = clip(w + Apre, 0, gmax)
    ''', namespace=ns, **options)


def stdp_network():
    """Song, Miller & Abbott (2000), Brian2's example parameters: 1000 Poisson (15 Hz) -> 1."""
    ns = dict(taum=10.0 * ms, taue=5.0 * ms, taupre=20.0 * ms, taupost=20.0 * ms, Ee=0.0,
              vt=-54.0, vr=-60.0, El=-74.0, gmax=0.01, dApre=0.01 * 0.01,
              dApost=-0.0105 * 0.01)
    inp = PoissonGroup(1000, rates=15.0 * Hz)
    post = NeuronGroup(1, '''
        dv/dt = (g_exc * (Ee - v) + El - v) / taum : 1
        dg_exc/dt = -g_exc / taue : 1
    ''', threshold='v > vt', reset='v = vr', method='euler', namespace=ns)
    post.v = -60.0
    S = stdp_synapses(inp, post, ns)
    S.connect()
    S.w = 'rand() * gmax'
    M = SpikeMonitor(post)
    return [inp, post, S, M], ('rate', M, 1)


BRUNEL_SEED = 42


def brunel_network(plastic):
    """Brunel (2000) as models.brunel in bench/peers/models.lua: 10 000 current-based LIF
    neurons (8000 exc, 2000 inh), each receiving exactly 800 exc and 200 inh inputs (10^7
    synapses, drawn without replacement per neuron), delays 1.5 ms, external drive in the
    diffusion approximation. plastic: the exc synapses follow annlua's built-in STDP."""
    size, n_exc = 10000, 8000
    J = 0.1 * 20.0 / 0.5   # the current whose integral is a jump of 0.1 mV
    ns = dict(tau=20.0 * ms, tau_s=0.5 * ms, theta=20.0, Vr=10.0, mu=22.0, sigma=3.0,
              J=J, g=5.0, taupre=20.0 * ms, taupost=20.0 * ms, gmax=2 * J,
              dApre=0.01 * 2 * J, dApost=-0.0105 * 2 * J)
    # Euler-Maruyama on sigma * sqrt(tau) * xi / tau: each step adds sigma * sqrt(dt / tau)
    # * N(0, 1), as annlua's sigma * sqrt(tau / dt) * Normal(0, 1) under explicit Euler.
    eqs = '''
        dv/dt = (-v + g_exc - g_inh + mu) / tau + sigma * sqrt(tau) * xi / tau : 1 (unless refractory)
        dg_exc/dt = -g_exc / tau_s : 1
        dg_inh/dt = -g_inh / tau_s : 1
    '''
    # annlua's refractory = 2 ms at dt 0.1 freezes v for 20 steps after the spike: 2.1 ms here.
    P = NeuronGroup(size, eqs, threshold='v > theta', reset='v = Vr', refractory=2.1 * ms,
                    method='euler', namespace=ns)
    P.v = '10.0 + 10.0 * rand()'
    P.g_exc = 0.0
    P.g_inh = 0.0
    rng = np.random.default_rng(BRUNEL_SEED)

    def fixed_in_degree(n_pre, k):
        pre = np.concatenate([rng.choice(n_pre, size=k, replace=False) for _ in range(size)])
        return pre.astype(np.int32), np.repeat(np.arange(size, dtype=np.int32), k)

    if plastic:
        Ce = stdp_synapses(P[:n_exc], P, ns, delay=1.5 * ms)
    else:
        Ce = Synapses(P[:n_exc], P, on_pre='g_exc_post += J', delay=1.5 * ms, namespace=ns)
    Ci = Synapses(P[n_exc:], P, on_pre='g_inh_post += g * J', delay=1.5 * ms, namespace=ns)
    i, j = fixed_in_degree(n_exc, n_exc // 10)
    Ce.connect(i=i, j=j)
    if plastic:
        Ce.w = 'J'
    i, j = fixed_in_degree(size - n_exc, (size - n_exc) // 10)
    Ci.connect(i=i, j=j)
    M = SpikeMonitor(P)
    return [P, Ce, Ci, M], ('rate', M, size)


def main(argv):
    if len(argv) not in (5, 6):
        sys.exit(__doc__)
    name, duration, reps, build_dir = argv[1], float(argv[2]), int(argv[3]), argv[4]
    threads = int(argv[5]) if len(argv) == 6 else 0
    set_device('cpp_standalone', directory=build_dir, build_on_run=False)
    prefs.core.default_float_dtype = np.float64
    prefs.devices.cpp_standalone.openmp_threads = threads
    # Brian2's default 'make -j' starts one compiler per file at once: as many as the cores.
    prefs.devices.cpp_standalone.extra_make_args_unix = [f'-j{os.cpu_count() or 1}']
    defaultclock.dt = (1.0 if name in ('izhikevich', 'rate') else 0.1) * ms
    builders = {
        'coba': lambda: lif_network('coba', 4000, 0.02),
        'cuba': lambda: lif_network('cuba', 4000, 0.02),
        'coba64k': lambda: lif_network('coba', 64000, 80.0 / 64000),
        'izhikevich': izhikevich_network,
        'rate': rate_network,
        'stdp': stdp_network,
        'brunel': lambda: brunel_network(False),
        'brunel_stdp': lambda: brunel_network(True),
    }
    objects, (kind, probe, n) = builders[name]()
    net = Network(*objects)
    net.run(duration * ms)
    device.build(directory=build_dir, compile=True, run=False, with_output=False)
    runs = []
    for _ in range(reps):
        device.run(build_dir, with_output=False, run_args=[])
        if kind == 'rate':
            figure = float(probe.num_spikes) / n / (duration / 1000.0)
        else:
            figure = float(np.mean(probe.r[:]))
        runs.append(dict(time=device._last_run_time, figure=figure))
    print(json.dumps(dict(brian2=brian2.__version__, name=name, duration_ms=duration,
                          openmp_threads=threads, runs=runs)))


if __name__ == '__main__':
    main(sys.argv)
