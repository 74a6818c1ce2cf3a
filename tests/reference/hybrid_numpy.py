#!/usr/bin/python3
"""numpy simulation of the decoding error of examples/hybrid.lua (reference-library 11.18, the
Hybrid notebook; Vitay et al. 2015, Fig. 4), written from the definitions, without annlua or
ANNarchy. It gives the spread of the figures that tests/example_hybrid_spec.lua compares with
the Poisson formula, over many seeds, so that the spec's tolerances rest on numbers.

Writes hybrid_reference.json next to this file. Run with Debian's interpreter:
    /usr/bin/python3 tests/reference/hybrid_numpy.py [--seeds 2000] [--repeats 5]

The process, dt = 0.1 ms, steps k = 0, 1, ... (the protocol of the notebook):
* input rate F(k): 0, 10, 50, 100 Hz, each for S = 2500 steps (250 ms); the spec repeats this
  sequence 5 times (5 s, 20 segments) to narrow the spread of its figures (--repeats);
* Poisson neuron j spikes at step k with probability p(k) = F(k) dt / 1000, independently;
* the decoded rate of the post neuron that reads the pre neurons 1..N, at step k, with a
  window of W = 100 steps (10 ms): (spikes of those N neurons in steps k-W .. k-1) / (N W dt/1000),
  the spikes before step 0 counted as none.
Neurons 1..N are shared by the post neurons (nested sets, as the notebook's connector), so the
counts of the groups 1..1, 2..10, 11..100, 101..1000 are drawn per step (binomial) and added up.

Figures, for N = 1, 10, 100, 1000:
* the RMS error: root of the mean over the steady steps of (decoded - F)^2; the steady steps of
  a segment starting at step a are a+W .. a+S-1 (the window then holds the segment's spikes
  only);
* the ratio of that RMS to the formula sqrt(mean_s F_s (1 - p_s) / (N T)), T = W dt / 1000 s
  (the variance of a binomial count of N W trials divided by (N T)^2; the formula of the spec);
  its mean, standard deviation and extreme quantiles over the seeds;
* the ratios RMS(10)/RMS(100) and RMS(100)/RMS(1000) (nested sets, so correlated);
* for N = 1000, the mean decoded rate over the steady steps of the segments of each rate
  minus F, with its standard deviation over the seeds.
"""
import argparse
import json
import os
import platform

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DT = 0.1
RATES = [0.0, 10.0, 50.0, 100.0]
SEGMENT_STEPS = 2500
W = 100
SIZES = [1, 10, 100, 1000]


def formula(n):
    t = W * DT / 1000.0
    ms = np.mean([f * (1.0 - f * DT / 1000.0) for f in RATES]) / (n * t)
    return float(np.sqrt(ms))


def one_run(rng, repeats):
    steps = SEGMENT_STEPS * len(RATES) * repeats
    rate = np.tile(np.repeat(RATES, SEGMENT_STEPS), repeats)
    p = rate * DT / 1000.0
    counts, previous, total = {}, 0, np.zeros(steps)
    for n in SIZES:
        total = total + rng.binomial(n - previous, p)
        counts[n] = total
        previous = n
    steady = np.zeros(steps, dtype=bool)
    for s in range(len(RATES) * repeats):
        steady[s * SEGMENT_STEPS + W:(s + 1) * SEGMENT_STEPS] = True
    rms, seg_bias = {}, []
    for n in SIZES:
        c = np.concatenate(([0.0], np.cumsum(counts[n])))   # c[k] = spikes of steps < k
        k = np.arange(steps)
        window = c[k] - c[np.maximum(k - W, 0)]
        decoded = window / (n * W * DT / 1000.0)
        err = decoded[steady] - rate[steady]
        rms[n] = float(np.sqrt(np.mean(err * err)))
        if n == 1000:
            for f in RATES:
                sel = steady & (rate == f)
                seg_bias.append(float(np.mean(decoded[sel]) - f))
    return rms, seg_bias


def summary(x):
    x = np.asarray(x)
    return dict(mean=float(x.mean()), std=float(x.std(ddof=1)), min=float(x.min()),
                max=float(x.max()), q001=float(np.quantile(x, 0.001)),
                q999=float(np.quantile(x, 0.999)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seeds', type=int, default=2000)
    ap.add_argument('--repeats', type=int, default=5)
    args = ap.parse_args()
    ratios = {n: [] for n in SIZES}
    r10_100, r100_1000, biases = [], [], []
    for seed in range(1, args.seeds + 1):
        rms, bias = one_run(np.random.default_rng(seed), args.repeats)
        for n in SIZES:
            ratios[n].append(rms[n] / formula(n))
        r10_100.append(rms[10] / rms[100])
        r100_1000.append(rms[100] / rms[1000])
        biases.append(bias)
    biases = np.array(biases)
    doc = dict(
        description="numpy simulation of the decoding error of examples/hybrid.lua "
                    "(reference-library 11.18); see tests/reference/hybrid_numpy.py",
        python=platform.python_version(), numpy=np.__version__,
        rng="numpy.random.default_rng(seed) (PCG64): one binomial draw per group and step",
        seeds=[1, args.seeds], repeats=args.repeats, dt=DT, rates=RATES, segment_steps=SEGMENT_STEPS, window_steps=W,
        sizes=SIZES,
        formula={str(n): formula(n) for n in SIZES},
        rms_over_formula={str(n): summary(ratios[n]) for n in SIZES},
        rms_ratio_10_100=summary(r10_100), rms_ratio_100_1000=summary(r100_1000),
        segment_bias_1000=[summary(biases[:, s]) for s in range(len(RATES))],
    )
    with open(os.path.join(HERE, 'hybrid_reference.json'), 'w') as f:
        json.dump(doc, f, indent=1)
        f.write('\n')
    for n in SIZES:
        s = doc['rms_over_formula'][str(n)]
        print(f"N={n:5d} formula {formula(n):8.4f} Hz  RMS/formula mean {s['mean']:.4f} "
              f"sd {s['std']:.4f} [{s['min']:.3f}, {s['max']:.3f}]")
    print("RMS(10)/RMS(100)", doc['rms_ratio_10_100'])
    print("RMS(100)/RMS(1000)", doc['rms_ratio_100_1000'])
    for s, b in enumerate(doc['segment_bias_1000']):
        print(f"rate {RATES[s]:5.1f} Hz: mean decoded - F = {b['mean']:+.4f} sd {b['std']:.4f}")


if __name__ == '__main__':
    main()
