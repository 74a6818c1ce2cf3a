#!/usr/bin/python3
"""numpy re-implementation of the bar-learning network of examples/bar_learning.lua
(reference-library 11.5, ANNarchy's BarLearning notebook), written from the equations,
without annlua or ANNarchy.

Writes bar_learning_reference.json next to this file; tests/example_bar_learning_spec.lua
checks annlua against it. Run with Debian's interpreter:
    /usr/bin/python3 tests/reference/bar_learning_numpy.py [--seeds 1,...,10] [--trials 3000]

The model, dt = 1 ms, explicit Euler:
* input x (64 = 8x8, rank (row-1)*8 + column), clamped for a 50 ms trial to an image where
  each of the 8 rows and each of the 8 columns is a bar of 1s with probability 1/8 (16 draws
  per trial, rows first: bar b is on when draw b < 1/8);
* 32 feature neurons: tau dr/dt + r = exc - inh (tau = 10), then r = max(r, 0); r is not
  reset between trials;
* exc = W_ff x (the input of this step), inh = W_lat r (r of the end of the previous step:
  one-step transmission), W_lat without self-connections;
* after the neurons, Oja's rule on both projections with the new rates (pre.r and post.r of
  the same step): tau_w dw/dt = pre.r post.r - alpha post.r^2 w, tau_w = 2000, alpha = 8
  (feed-forward) and 0.3 (lateral), then w = max(w, 0); initial W_ff ~ U(0, 0.5),
  W_lat ~ U(0, 1).

Figures:
* "exact": initial weights and images from the Park-Miller generator
  x <- 16807 x mod (2^31 - 1), u = x / (2^31 - 1), x0 = 12345 (exact in doubles, so
  tests/example_bar_learning_spec.lua draws the same numbers in Lua): W_ff row by row (post
  neuron, then pre), 0.5 u; W_lat row by row skipping the diagonal, u; then 16 draws per trial.
  20 trials: the rates at the end of every trial and the final weights. annlua given the same
  weights and images must reproduce them to rounding.
* "learning": numpy's generator (default_rng(seed)) for the initial weights and the images,
  several seeds; after 500, 1000, 2000 and 3000 trials, the receptive-field figures: for each
  neuron its best bar (the bar holding the most weight mass) and its selectivity (smallest
  weight on the best bar / largest weight off it); a neuron is specialised when the
  selectivity is >= 1.5; "covered" counts the distinct bars of specialised neurons.
"""
import argparse
import json
import os
import platform
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SIDE, NPOST, STEPS_PER_TRIAL, TAU, TAU_W, ALPHA_FF, ALPHA_LAT, DT = 8, 32, 50, 10.0, 2000.0, 8.0, 0.3, 1.0
NPRE = SIDE * SIDE
THRESHOLD = 1.5


class ParkMiller:
    M = 2147483647

    def __init__(self, x0=12345):
        self.x = x0

    def u(self):
        self.x = (16807 * self.x) % self.M
        return self.x / self.M


def image(u):
    img = np.zeros((SIDE, SIDE))
    for b in range(2 * SIDE):
        if u[b] < 1.0 / SIDE:
            if b < SIDE:
                img[b, :] = 1.0
            else:
                img[:, b - SIDE] = 1.0
    return img.ravel()


def trial(W_ff, W_lat, r, x, diag):
    for _ in range(STEPS_PER_TRIAL):
        exc = W_ff @ x
        inh = W_lat @ r
        r = r + DT * ((exc - inh) - r) / TAU
        r = np.maximum(r, 0.0)
        W_ff = W_ff + DT * (np.outer(r, x) - ALPHA_FF * (r * r)[:, None] * W_ff) / TAU_W
        W_ff = np.maximum(W_ff, 0.0)
        W_lat = W_lat + DT * (np.outer(r, r) - ALPHA_LAT * (r * r)[:, None] * W_lat) / TAU_W
        W_lat = np.maximum(W_lat, 0.0)
        W_lat[diag] = 0.0
    return W_ff, W_lat, r


def bar_pixels(b):
    if b < SIDE:
        return [b * SIDE + k for k in range(SIDE)]
    return [k * SIDE + (b - SIDE) for k in range(SIDE)]


def field_figures(W_ff):
    sel, bars = [], []
    for q in range(NPOST):
        f = W_ff[q]
        masses = [f[bar_pixels(b)].sum() for b in range(2 * SIDE)]
        b = int(np.argmax(masses))
        on = np.zeros(NPRE, bool)
        on[bar_pixels(b)] = True
        hi = f[~on].max()
        sel.append(float(f[on].min() / hi) if hi > 0 else float('inf'))
        bars.append(b + 1)  # 1-based, as in the Lua example
    spec = [q for q in range(NPOST) if sel[q] >= THRESHOLD]
    return dict(selectivity=sel, best_bar=bars, specialised=len(spec),
                covered=len(set(bars[q] for q in spec)))


def exact_run(trials=20):
    pm = ParkMiller()
    W_ff = np.array([[0.5 * pm.u() for _ in range(NPRE)] for _ in range(NPOST)])
    W_lat = np.zeros((NPOST, NPOST))
    for q in range(NPOST):
        for p in range(NPOST):
            if p != q:
                W_lat[q, p] = pm.u()
    diag = np.eye(NPOST, dtype=bool)
    r = np.zeros(NPOST)
    rates = []
    for _ in range(trials):
        x = image([pm.u() for _ in range(2 * SIDE)])
        W_ff, W_lat, r = trial(W_ff, W_lat, r, x, diag)
        rates.append(r.tolist())
    return dict(generator='Park-Miller x <- 16807 x mod (2^31 - 1), x0 = 12345', trials=trials,
                rates_after_trial=rates, W_ff=W_ff.tolist(), W_lat=W_lat.tolist())


def learning_run(seed, checkpoints):
    rng = np.random.default_rng(seed)
    W_ff = rng.uniform(0.0, 0.5, (NPOST, NPRE))
    W_lat = rng.uniform(0.0, 1.0, (NPOST, NPOST))
    diag = np.eye(NPOST, dtype=bool)
    W_lat[diag] = 0.0
    r = np.zeros(NPOST)
    out, done = {}, 0
    for T in checkpoints:
        for _ in range(done, T):
            x = image(rng.uniform(0.0, 1.0, 2 * SIDE))
            W_ff, W_lat, r = trial(W_ff, W_lat, r, x, diag)
        done = T
        out[str(T)] = field_figures(W_ff)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seeds', default='1,2,3,4,5,6,7,8,9,10')
    args = ap.parse_args()
    seeds = [int(s) for s in args.seeds.split(',')]
    checkpoints = [500, 1000, 2000, 3000]

    exact = exact_run()
    learning = {}
    for seed in seeds:
        t0 = time.time()
        learning[str(seed)] = learning_run(seed, checkpoints)
        print('seed %d: %s (%.1f s)' % (seed, ', '.join('%s trials: %d specialised, %d bars'
              % (T, learning[str(seed)][str(T)]['specialised'], learning[str(seed)][str(T)]['covered'])
              for T in map(str, checkpoints)), time.time() - t0), file=sys.stderr)
    summary = {}
    for T in map(str, checkpoints):
        for key in ('specialised', 'covered'):
            v = [learning[str(s)][T][key] for s in seeds]
            summary.setdefault(T, {})[key] = dict(mean=float(np.mean(v)), std=float(np.std(v, ddof=1)),
                                                  min=int(np.min(v)), max=int(np.max(v)))
    doc = dict(
        description='numpy re-implementation of the bar-learning network of '
                    'examples/bar_learning.lua (reference-library 11.5); see '
                    'tests/reference/bar_learning_numpy.py',
        python=platform.python_version(), numpy=np.__version__,
        rng='numpy.random.default_rng(seed) (PCG64): W_ff (32x64), W_lat (32x32), then 16 '
            'uniforms per trial',
        seeds=seeds, checkpoints=checkpoints, selectivity_threshold=THRESHOLD,
        exact=exact, learning=learning, summary=summary)
    with open(os.path.join(HERE, 'bar_learning_reference.json'), 'w') as f:
        json.dump(doc, f)
        f.write('\n')


if __name__ == '__main__':
    main()
