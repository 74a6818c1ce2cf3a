#!/usr/bin/python3
"""The Potjans & Diesmann (2014) cortical microcircuit in Brian2, the peer run that
tests/example_microcircuit_spec.lua compares examples/microcircuit.lua against.

Run: /usr/bin/python3 tests/reference/microcircuit_brian2.py [--scale 0.1] [--seeds 1,2,3,4,5]
     [--duration 1200] [--transient 200] [--dc]          (about 10 minutes here)
Writes tests/reference/microcircuit_brian2.json: for two connection rules ("fixed_total_number",
the reference's, with multapses; "bernoulli", each pair at most once with probability
k / (n_pre n_post), as annlua's fixed_probability), per population the mean firing rate and
the mean coefficient of variation of the inter-spike intervals, averaged over the seeds, with
their standard deviation over the seeds, each seed's values, and the Brian2/numpy versions.

The model is written here from the published parameter tables (Potjans & Diesmann 2014,
Cereb. Cortex 24:785; the tables of NEST's PyNEST microcircuit example), not from its code:

- 8 populations, iaf_psc_exp neurons (C_m 250 pF, tau_m 10 ms, tau_syn 0.5 ms, t_ref 2 ms,
  E_L = V_reset = -65 mV, V_th = -50 mV), integrated exactly (Brian2's 'exact' method for the
  linear system v, I_syn: the same propagator NEST uses).
- Recurrent synapses: for each pair (target a, source b), the number of synapses of the full
  model K_ab = log(1 - p_ab) / log(1 - 1/(N_a N_b)), scaled by N_scaling * K_scaling and
  rounded; each synapse picks its source and target uniformly with replacement (NEST's
  fixed_total_number: multapses and autapses allowed).
- Weights: PSP 0.15 mV converted to a current amplitude for the PSC/PSP ratio of the neuron,
  inhibitory g = -4 times that, L4E -> L23E doubled; normal with relative sd 0.1 (clipped at
  0 to keep the sign; never reached at 10 sd). Delays: normal, excitatory 1.5 +- 0.75 ms,
  inhibitory 0.75 +- 0.375 ms, clipped below at dt and rounded to steps (NEST redraws values
  below dt instead; both simulators here clip).
- Background: K_ext Poisson sources of 8 Hz per neuron with the excitatory weight (Brian2's
  PoissonInput: a binomial number of spikes per step), or with --dc its mean as a current.
- Scaling: in-degrees scaled by K_scaling, weights by 1/sqrt(K_scaling), and the lost mean
  input (recurrent, at the full model's rates, and background) compensated by a DC current
  0.001 * tau_syn * (1 - sqrt(K_scaling)) * sum(w * K * rate) -- NEST's rule.
- Initial membrane potentials: normal, population-specific ("optimized") means and sds.
"""
import argparse
import json
import sys
import time

import numpy as np
import brian2 as b2

POPS = ["L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"]
N_FULL = np.array([20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948])
FULL_MEAN_RATES = np.array([0.943, 3.026, 4.368, 5.882, 7.733, 8.664, 1.096, 7.851])
CONN_PROBS = np.array([
    [0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0., 0.0076, 0.],
    [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0., 0.0042, 0.],
    [0.0077, 0.0059, 0.0497, 0.135, 0.0067, 0.0003, 0.0453, 0.],
    [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0., 0.1057, 0.],
    [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.],
    [0.0548, 0.0269, 0.0257, 0.0022, 0.06, 0.3158, 0.0086, 0.],
    [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
    [0.0364, 0.001, 0.0034, 0.0005, 0.0277, 0.008, 0.0658, 0.1443]])
K_EXT = np.array([1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100])
V0_MEAN = [-68.28, -63.16, -63.33, -63.45, -63.11, -61.66, -66.72, -61.43]
V0_SD = [5.36, 4.57, 4.74, 4.94, 4.94, 4.55, 5.46, 4.48]
BG_RATE = 8.0           # Hz
C_M, TAU_M, TAU_SYN, T_REF = 250.0, 10.0, 0.5, 2.0     # pF, ms, ms, ms
E_L, V_TH, V_RESET = -65.0, -50.0, -65.0               # mV
PSP_E, W_REL_SD, G = 0.15, 0.1, -4.0
D_EXC, D_INH, D_REL_SD = 1.5, 0.75, 0.5
DT = 0.1


def psc_over_psp(c_m, tau_m, tau_s):
    """Peak of the PSP (mV) of a unit current jump (pA) decaying with tau_s, inverted."""
    t_peak = tau_m * tau_s / (tau_m - tau_s) * np.log(tau_m / tau_s)
    psp = tau_m * tau_s / (c_m * (tau_m - tau_s)) * (np.exp(-t_peak / tau_m) - np.exp(-t_peak / tau_s))
    return 1.0 / psp


def parameters(scale, dc):
    n = np.round(N_FULL * scale).astype(int)
    prod = np.outer(N_FULL, N_FULL).astype(float)
    k_full = np.log(1.0 - CONN_PROBS) / np.log((prod - 1.0) / prod)      # [target, source]
    k = np.round(k_full * scale * scale).astype(int)
    k_ext = np.round(K_EXT * scale).astype(int)
    w_unit = psc_over_psp(C_M, TAU_M, TAU_SYN) * PSP_E
    w = np.tile(np.array([w_unit, G * w_unit] * 4), (8, 1))
    w[0, 2] = 2 * w_unit
    w_ext = w_unit
    i_dc = np.zeros(8)
    if dc:
        i_dc += 0.001 * TAU_SYN * BG_RATE * K_EXT * w_ext
    if scale != 1:
        in_degree = k_full / N_FULL[:, None]
        rec = np.sum(w * in_degree * FULL_MEAN_RATES[None, :], axis=1)
        i_dc += 0.001 * TAU_SYN * (1 - np.sqrt(scale)) * rec
        if not dc:
            i_dc += 0.001 * TAU_SYN * (1 - np.sqrt(scale)) * BG_RATE * K_EXT * w_ext
        w = w / np.sqrt(scale)
        w_ext = w_ext / np.sqrt(scale)
    return dict(n=n, k=k, k_ext=k_ext, w=w, w_ext=w_ext, i_dc=i_dc)


def run(scale, seed, duration, transient, dc, bernoulli=False):
    b2.start_scope()
    b2.defaultclock.dt = DT * b2.ms
    b2.seed(seed)
    rng = np.random.default_rng(seed)
    p = parameters(scale, dc)
    n = p["n"]
    first = np.concatenate([[0], np.cumsum(n)])
    eqs = """
    dv/dt = (E_L - v) / tau_m + (I_syn + I_dc) / C_m : volt (unless refractory)
    dI_syn/dt = -I_syn / tau_syn : amp
    I_dc : amp (constant)
    """
    ns = dict(E_L=E_L * b2.mV, tau_m=TAU_M * b2.ms, C_m=C_M * b2.pF, tau_syn=TAU_SYN * b2.ms)
    group = b2.NeuronGroup(int(first[-1]), eqs, threshold="v > V_th", reset="v = V_reset",
                           refractory=T_REF * b2.ms, method="exact",
                           namespace=dict(ns, V_th=V_TH * b2.mV, V_reset=V_RESET * b2.mV))
    v0 = np.concatenate([rng.normal(V0_MEAN[a], V0_SD[a], n[a]) for a in range(8)])
    group.v = v0 * b2.mV
    group.I_dc = np.repeat(p["i_dc"], n) * b2.pA
    pre, post, w, d = [], [], [], []
    for a in range(8):          # target
        for b in range(8):      # source
            k = p["k"][a, b]
            if k <= 0:
                continue
            if bernoulli:   # each pair once with probability k / (n_pre n_post): no multapses
                pairs = np.flatnonzero(rng.random(n[a] * n[b]) < k / (n[a] * n[b]))
                k = len(pairs)
                pre.append(first[b] + pairs % n[b])
                post.append(first[a] + pairs // n[b])
            else:
                pre.append(first[b] + rng.integers(0, n[b], k))
                post.append(first[a] + rng.integers(0, n[a], k))
            wm = p["w"][a, b]
            ww = rng.normal(wm, abs(wm) * W_REL_SD, k)
            w.append(np.maximum(ww, 0) if wm > 0 else np.minimum(ww, 0))
            dm = D_EXC if b % 2 == 0 else D_INH
            dd = np.maximum(rng.normal(dm, dm * D_REL_SD, k), DT)
            d.append(np.round(dd / DT) * DT)
    syn = b2.Synapses(group, group, "w : amp", on_pre="I_syn_post += w")
    syn.connect(i=np.concatenate(pre), j=np.concatenate(post))
    syn.w = np.concatenate(w) * b2.pA
    syn.delay = np.concatenate(d) * b2.ms
    inputs = []
    if not dc:
        for a in range(8):
            inputs.append(b2.PoissonInput(group[first[a]:first[a + 1]], "I_syn", int(p["k_ext"][a]),
                                          BG_RATE * b2.Hz, weight=p["w_ext"] * b2.pA))
    mon = b2.SpikeMonitor(group)
    net = b2.Network(group, syn, mon, *inputs)
    t0 = time.time()
    net.run(duration * b2.ms)
    wall = time.time() - t0
    idx = np.asarray(mon.i)
    ts = np.asarray(mon.t / b2.ms)
    keep = ts >= transient
    idx, ts = idx[keep], ts[keep]
    out = {}
    for a in range(8):
        sel = (idx >= first[a]) & (idx < first[a + 1])
        rate = sel.sum() / n[a] / ((duration - transient) / 1000.0)
        order = np.lexsort((ts[sel], idx[sel]))
        ii, tt = idx[sel][order], ts[sel][order]
        cvs = []
        bounds = np.searchsorted(ii, np.arange(first[a], first[a + 1] + 1))
        for m in range(n[a]):
            s = tt[bounds[m]:bounds[m + 1]]
            if len(s) >= 3:
                isi = np.diff(s)
                cvs.append(isi.std() / isi.mean())
        out[POPS[a]] = dict(rate=float(rate), cv=float(np.mean(cvs)) if cvs else float("nan"),
                            cv_neurons=len(cvs))
    return out, int(len(syn)), wall


def summary(runs):
    out = {}
    for pop in POPS:
        rates = np.array([r[pop]["rate"] for r in runs])
        cvs = np.array([r[pop]["cv"] for r in runs])
        out[pop] = {
            "rate_mean_hz": float(rates.mean()), "rate_std_hz": float(rates.std(ddof=1)),
            "cv_mean": float(np.nanmean(cvs)), "cv_std": float(np.nanstd(cvs, ddof=1)),
            "rates_hz": [float(x) for x in rates], "cvs": [float(x) for x in cvs],
        }
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--seeds", default="1,2,3,4,5")
    ap.add_argument("--duration", type=float, default=1200.0)
    ap.add_argument("--transient", type=float, default=200.0)
    ap.add_argument("--dc", action="store_true")
    ap.add_argument("--out", default="tests/reference/microcircuit_brian2.json")
    a = ap.parse_args()
    seeds = [int(s) for s in a.seeds.split(",")]
    p = parameters(a.scale, a.dc)
    result = {
        "model": "Potjans & Diesmann (2014) microcircuit, tests/reference/microcircuit_brian2.py",
        "brian2_version": b2.__version__, "numpy_version": np.__version__,
        "python_version": sys.version.split()[0],
        "scale": a.scale, "background": "dc" if a.dc else "poisson", "seeds": seeds,
        "duration_ms": a.duration, "transient_ms": a.transient, "dt_ms": DT,
        "neurons": [int(x) for x in p["n"]],
        "synapses": [[int(x) for x in row] for row in p["k"]],
        "statistics": "rate: spikes / neurons / (duration - transient); cv: mean over the neurons "
                      "with at least 3 spikes after the transient of std(ISI) / mean(ISI) (ddof 0); "
                      "_mean and _std (ddof 1) over the seeds",
    }
    # fixed_total_number: the reference's rule (multapses); bernoulli: each pair at most once
    # with probability k / (n_pre n_post), the rule of annlua's fixed_probability
    for rule in ("fixed_total_number", "bernoulli"):
        runs = []
        for s in seeds:
            r, nsyn, wall = run(a.scale, s, a.duration, a.transient, a.dc, rule == "bernoulli")
            print("%s seed %d: %d synapses, %.1f s: %s" % (rule, s, nsyn, wall,
                  ", ".join("%s %.3f Hz CV %.3f" % (k, v["rate"], v["cv"]) for k, v in r.items())),
                  flush=True)
            runs.append(r)
        result[rule] = summary(runs)
    with open(a.out, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
