#!/usr/bin/python3
"""Independent integrations of the Hodgkin-Huxley neuron of examples/hodgkin_huxley.lua
(reference-library 11.8), in plain Python floats (IEEE double), without annlua or ANNarchy.

Writes hodgkin_huxley_reference.json next to this file; tests/example_hodgkin_huxley_spec.lua
checks annlua against it. Run with Debian's interpreter:
    /usr/bin/python3 tests/reference/hodgkin_huxley_integrate.py

The model (squid axon in the notebook's shifted units, C = 1):
    an = 0.01 (V+60) / (1 - exp(-0.1 (V+60)))   bn = 0.125 exp(-0.0125 (V+70))
    am = 0.1 (V+45) / (1 - exp(-0.1 (V+45)))    bm = 4 exp(-(V+70)/80)
    ah = 0.07 exp(-0.05 (V+70))                 bh = 1 / (1 + exp(-0.1 (V+40)))
    dn/dt = an (1-n) - bn n,  dm/dt = am (1-m) - bm m,  dh/dt = ah (1-h) - bh h
    C dV/dt = gL (VL-V) + gK n^4 (VK-V) + gNa m^3 h (VNa-V) + I
with n, m, h, V = 0.3, 0, 0.6, -50 at t = 0 and I piecewise constant (segments of
(duration ms, I)). Spike: V > vt (30) at the end of a step while V <= vt at its start.
Note: bm uses /80 as the notebook writes it (the textbook value is /18); with it this neuron
never fires tonically under a constant current (checked up to I = 300), so its "rate" is
probed with trains of 1 ms pulses of I = 200.

Protocols (the same as examples/hodgkin_huxley.lua builds):
* "pulse": the notebook's: 100 ms at I = 0, 1 ms at I = 200, 100 ms at I = 0;
* "train_10ms": 20 ms at rest, then 10 pulses (1 ms at I = 200, 9 ms at 0): one spike each;
* "train_6ms": 20 ms at rest, then 10 pulses (1 ms at I = 200, 5 ms at 0): the first pulse
  fires, the following ones fail (the neuron has not recovered).

Schemes (dt = 0.01 ms unless said):
* "annarchy_midpoint": ANNarchy's coupled midpoint as generated for this neuron (reference-core
  5.6, 5.9): the rates an..bh are assignments evaluated once per step from V at the start of
  the step; the stage k = f(X) and the midpoint evaluation f(X + dt/2 k) substitute only the
  four ODE variables (the rates stay those of the step's start); X += dt f(X + dt/2 k).
  This is the scheme annlua must reproduce to rounding.
* "rk2_textbook": the textbook midpoint method, rates re-evaluated at the midpoint state.
* "euler": explicit Euler (a wrong method for the notebook's model, for contrast).
* "rk4_fine": classical RK4 with dt = 0.001 ms, rates evaluated at every stage: the ODE's own
  solution (to about 1e-9 mV); the crossing time of vt is linearly interpolated.

Steps: step k covers [k dt, (k+1) dt]; the state "after step k" is at time (k+1) dt; a spike
detected in step k is reported at step k (time k dt), as ANNarchy's monitors do.
"""
import json
import math
import os
import platform
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))

P = dict(C=1.0, VL=-59.387, VK=-82.0, VNa=45.0, gK=36.0, gNa=120.0, gL=0.3, vt=30.0)
PROTOCOLS = {
    'pulse': [(100.0, 0.0), (1.0, 200.0), (100.0, 0.0)],
    'train_10ms': [(20.0, 0.0)] + [(1.0, 200.0), (9.0, 0.0)] * 10,
    'train_6ms': [(20.0, 0.0)] + [(1.0, 200.0), (5.0, 0.0)] * 10,
}
INIT = (0.3, 0.0, 0.6, -50.0)  # n, m, h, V


def rates(V):
    an = 0.01 * (V + 60.0) / (1.0 - math.exp(-0.1 * (V + 60.0)))
    am = 0.1 * (V + 45.0) / (1.0 - math.exp(-0.1 * (V + 45.0)))
    ah = 0.07 * math.exp(-0.05 * (V + 70.0))
    bn = 0.125 * math.exp(-0.0125 * (V + 70.0))
    bm = 4.0 * math.exp(-(V + 70.0) / 80.0)
    bh = 1.0 / (1.0 + math.exp(-0.1 * (V + 40.0)))
    return an, am, ah, bn, bm, bh


def deriv(X, R, I):
    n, m, h, V = X
    an, am, ah, bn, bm, bh = R
    return (an * (1.0 - n) - bn * n,
            am * (1.0 - m) - bm * m,
            ah * (1.0 - h) - bh * h,
            (P['gL'] * (P['VL'] - V) + P['gK'] * n ** 4 * (P['VK'] - V)
             + P['gNa'] * m ** 3 * h * (P['VNa'] - V) + I) / P['C'])


def add(X, K, c):
    return tuple(x + c * k for x, k in zip(X, K))


def step_annarchy(X, I, dt):
    R = rates(X[3])
    k = deriv(X, R, I)
    d = deriv(add(X, k, 0.5 * dt), R, I)
    return add(X, d, dt)


def step_rk2(X, I, dt):
    k = deriv(X, rates(X[3]), I)
    Xm = add(X, k, 0.5 * dt)
    return add(X, deriv(Xm, rates(Xm[3]), I), dt)


def step_euler(X, I, dt):
    return add(X, deriv(X, rates(X[3]), I), dt)


def step_rk4(X, I, dt):
    f = lambda Y: deriv(Y, rates(Y[3]), I)
    k1 = f(X)
    k2 = f(add(X, k1, 0.5 * dt))
    k3 = f(add(X, k2, 0.5 * dt))
    k4 = f(add(X, k3, dt))
    return tuple(x + dt / 6.0 * (a + 2 * b + 2 * c + d) for x, a, b, c, d in zip(X, k1, k2, k3, k4))


def run(stepper, dt, segments):
    currents = []
    for duration, I in segments:
        currents += [I] * round(duration / dt)
    X = INIT
    V = [0.0] * len(currents)           # V after step k
    spikes, crossings = [], []
    for k, I in enumerate(currents):
        Xn = stepper(X, I, dt)
        if Xn[3] > P['vt'] and X[3] <= P['vt']:
            spikes.append(k)
            # linear interpolation of the crossing time inside [k dt, (k+1) dt]
            crossings.append((k + (P['vt'] - X[3]) / (Xn[3] - X[3])) * dt)
        X = Xn
        V[k] = X[3]
    return V, spikes, crossings


def shape(V, dt, after_step):
    """Peak (value, time of the state = (k+1) dt) and width above 0 mV of the action potential
    following after_step."""
    k_peak = after_step
    for k in range(after_step, len(V)):
        if V[k] > V[k_peak]:
            k_peak = k
        if V[k_peak] > 0.0 and V[k] < 0.0:
            break
    up = next(k for k in range(after_step, len(V)) if V[k] > 0.0)
    down = next(k for k in range(up, len(V)) if V[k] < 0.0)
    return dict(peak_mV=V[k_peak], peak_time_ms=(k_peak + 1) * dt, width_above_0mV_ms=(down - up) * dt)


def summary(protocol, name, stepper, dt):
    t0 = time.time()
    V, spikes, crossings = run(stepper, dt, PROTOCOLS[protocol])
    out = dict(dt_ms=dt, crossing_times_ms=crossings, final_V_mV=V[-1])
    # the step of the dt = 0.01 ms grid in which each crossing falls
    out['spike_steps'] = spikes if dt == 0.01 else [math.floor(c / 0.01) for c in crossings]
    first = round(PROTOCOLS[protocol][0][0] / dt)
    out['first_spike'] = shape(V, dt, first)
    print('%-11s %-18s %2d spikes, first at %.4f ms, peak %.4f mV at %.3f ms, width %.3f ms (%.1f s)'
          % (protocol, name, len(spikes), crossings[0], out['first_spike']['peak_mV'],
             out['first_spike']['peak_time_ms'], out['first_spike']['width_above_0mV_ms'],
             time.time() - t0), file=sys.stderr)
    return out, V


def main():
    schemes = [('annarchy_midpoint', step_annarchy, 0.01), ('rk2_textbook', step_rk2, 0.01),
               ('euler', step_euler, 0.01), ('rk4_fine', step_rk4, 0.001)]
    protocols = {}
    for protocol, segments in PROTOCOLS.items():
        res = dict(segments=segments)
        for name, stepper, dt in schemes:
            res[name], V = summary(protocol, name, stepper, dt)
            if name == 'annarchy_midpoint':
                # V of the reference scheme, one value per step (record k + 1 of an annlua
                # monitor holds step k): every 10th step over the whole run.
                res[name]['V_every_10'] = dict(first_step=9, values=V[9::10])
                if protocol == 'pulse':
                    lo, hi = 9990, 10300   # around the pulse and the spike, every step
                    res[name]['V_window'] = dict(first_step=lo, values=V[lo:hi + 1])
        protocols[protocol] = res
    doc = dict(
        description='Independent integrations of the Hodgkin-Huxley neuron of '
                    'examples/hodgkin_huxley.lua (reference-library 11.8); see '
                    'tests/reference/hodgkin_huxley_integrate.py',
        python=platform.python_version(), float='IEEE 754 double (Python float)',
        seed=None, randomness='none (deterministic model)',
        initial=dict(n=INIT[0], m=INIT[1], h=INIT[2], V=INIT[3]),
        parameters=P, protocols=protocols)
    with open(os.path.join(HERE, 'hodgkin_huxley_reference.json'), 'w') as f:
        json.dump(doc, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
