#!/usr/bin/python3
"""numpy re-implementation of the neural field of examples/neural_field.lua (reference-library
11.6, Rougier & Vitay 2005), written from the equations, without annlua or ANNarchy.

Writes neural_field_reference.json next to this file; tests/example_neural_field_spec.lua
checks annlua against it. Run with Debian's interpreter:
    /usr/bin/python3 tests/reference/neural_field_numpy.py [--seeds 1,...,10]

The model, dt = 1 ms, N = 20 (coordinates (i, j), 0-based, rank i*N + j):
* input: before step k (0-based) the angle is a = (k+1)/1000 and the input is
  exp(-((i - c1)^2 + (j - c2)^2)/8) + noise * U(-1, 1), c1 = N/2 (1 + 0.5 sin 2 pi a),
  c2 = N/2 (1 + 0.5 cos 2 pi a) (noise = 0.5: U(-0.5, 0.5) as in the notebook).
* field: tau dr/dt + r = exc + lat + field_noise * U(-1, 1), tau = 10, explicit Euler,
  then r clipped to [0, 1]; r = 0 at the start.
* exc at step n: the input written before step n - 20 (one-to-one, weight 1, delay 20 ms;
  0 while n < 20: the input starts at 0). ANNarchy's rule (reference-core 6.1): a rate
  projection with a delay of d steps reads pre.r of step n - d, and an InputArray's r "of step
  m" is the value written before step m.
* lat at step n: sum_j w_ij r_j with r of the end of step n - 1 (one-step transmission). w is
  the difference of Gaussians over normalised coordinates (index/(N-1) per axis):
  w = 0.2 exp(-d^2/(2*0.1^2)) - 0.1 exp(-d^2/(2*0.7^2)), kept when |w| > 0.01*|0.2 - 0.1|, no
  self-connection.

Figures:
* "deterministic": noise = field_noise = 0, 1000 steps: r every 100 steps (frames) and the sum
  of r at every step. annlua, with both noises off, must reproduce it to rounding.
* "noisy": the notebook's noise, for several seeds: the tracking error, i.e. the mean over
  steps n >= 200 of the distance between the bump's centre at step n (centre of mass of the
  part of r above half its maximum; no bump when max r <= 0.05) and the stimulus centre of step
  n - lag, for lag = 0..60; its minimum and the lag of the minimum (the delay plus the field's
  own lag). Also the same figures without the delay (a port that ignored the delay).
"""
import argparse
import json
import math
import os
import platform
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
N, DELAY, PERIOD, TAU, DT = 20, 20, 1000, 10.0, 1.0
STEPS, FROM, LAGS = 1000, 200, range(0, 61)


def dog_weights():
    idx = np.arange(N * N)
    coords = np.stack([idx // N, idx % N], axis=1) / (N - 1.0)
    d2 = ((coords[:, None, :] - coords[None, :, :]) ** 2).sum(axis=2)
    w = 0.2 * np.exp(-d2 / (2 * 0.1 ** 2)) - 0.1 * np.exp(-d2 / (2 * 0.7 ** 2))
    keep = np.abs(w) > 0.01 * abs(0.2 - 0.1)
    np.fill_diagonal(keep, False)
    return np.where(keep, w, 0.0), int(keep.sum())


def centre(k):
    a = (k + 1) / PERIOD
    return N / 2 * (1 + 0.5 * math.sin(2 * math.pi * a)), N / 2 * (1 + 0.5 * math.cos(2 * math.pi * a))


I, J = np.meshgrid(np.arange(N), np.arange(N), indexing='ij')


def stimulus(k, noise, rng):
    c1, c2 = centre(k)
    s = np.exp(-((I - c1) ** 2 + (J - c2) ** 2) / 8.0).ravel()
    if noise > 0:
        s = s + noise * rng.uniform(-1.0, 1.0, N * N)
    return s


def simulate(W, noise, field_noise, seed, delay=DELAY, steps=STEPS):
    rng = np.random.default_rng(seed)
    r = np.zeros(N * N)
    written = []
    frames, sums = [], []
    for n in range(steps):
        written.append(stimulus(n, noise, rng))
        # delay of d >= 2 steps: the value written before step n - d; without delay (d <= 1)
        # the value written before this step
        exc = written[n] if delay <= 1 else (written[n - delay] if n >= delay else np.zeros(N * N))
        lat = W @ r
        eta = field_noise * rng.uniform(-1.0, 1.0, N * N) if field_noise > 0 else 0.0
        r = r + DT * ((exc + lat + eta) - r) / TAU
        r = np.clip(r, 0.0, 1.0)
        frames.append(r.copy())
        sums.append(float(r.sum()))
    return np.array(frames), sums


def bump_centre(frame):
    mx = frame.max()
    if mx <= 0.05:
        return None
    f = frame.reshape(N, N)
    mask = f > 0.5 * mx
    s = f[mask].sum()
    return (f * I)[mask].sum() / s, (f * J)[mask].sum() / s


def tracking(frames):
    centres = [bump_centre(frames[n]) for n in range(len(frames))]
    silent = sum(1 for n in range(FROM, len(frames)) if centres[n] is None)
    errors = []
    for lag in LAGS:
        ds = []
        for n in range(FROM, len(frames)):
            if centres[n] is None:
                continue
            c1, c2 = centre(n - lag)
            ds.append(math.hypot(centres[n][0] - c1, centres[n][1] - c2))
        errors.append(float(np.mean(ds)) if ds else float('inf'))
    best = int(np.argmin(errors))
    return dict(mean_distance_by_lag=errors, best_lag=LAGS[best], min_mean_distance=errors[best],
                mean_distance_at_delay=errors[DELAY], silent_steps=silent)


def stats(runs, key):
    v = [r[key] for r in runs]
    return dict(mean=float(np.mean(v)), std=float(np.std(v, ddof=1)), min=float(np.min(v)),
                max=float(np.max(v)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seeds', default='1,2,3,4,5,6,7,8,9,10')
    args = ap.parse_args()
    seeds = [int(s) for s in args.seeds.split(',')]
    W, nsyn = dog_weights()

    frames, sums = simulate(W, 0.0, 0.0, 0)
    det = dict(frames_every=100, frames=[frames[k].tolist() for k in range(99, STEPS, 100)],
               sum_r=sums, tracking=tracking(frames))
    print('deterministic: best lag %d ms, distance %.3f' % (det['tracking']['best_lag'],
          det['tracking']['min_mean_distance']), file=sys.stderr)

    noisy, nodelay = [], []
    for seed in seeds:
        f, _ = simulate(W, 0.5, 0.5, seed)
        noisy.append(tracking(f))
        f, _ = simulate(W, 0.5, 0.5, seed, delay=0)
        nodelay.append(tracking(f))
        print('seed %d: best lag %d ms, distance %.3f, at the delay %.3f; without delay: best lag %d'
              % (seed, noisy[-1]['best_lag'], noisy[-1]['min_mean_distance'],
                 noisy[-1]['mean_distance_at_delay'], nodelay[-1]['best_lag']), file=sys.stderr)

    def summarise(runs):
        return dict(runs=runs, **{k: stats(runs, k) for k in
                                  ('best_lag', 'min_mean_distance', 'mean_distance_at_delay',
                                   'silent_steps')})

    doc = dict(
        description='numpy re-implementation of the neural field of examples/neural_field.lua '
                    '(reference-library 11.6); see tests/reference/neural_field_numpy.py',
        python=platform.python_version(), numpy=np.__version__,
        rng='numpy.random.default_rng(seed) (PCG64): input noise then field noise each step',
        seeds=seeds, steps=STEPS, tracking_from_step=FROM, lags=list(LAGS),
        lateral_synapses=nsyn, deterministic=det, noisy=summarise(noisy),
        noisy_without_delay=summarise(nodelay))
    with open(os.path.join(HERE, 'neural_field_reference.json'), 'w') as f:
        json.dump(doc, f)
        f.write('\n')


if __name__ == '__main__':
    main()
