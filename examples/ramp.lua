-- ramp.lua: homeostatic STDP, the "Ramp" experiment of Carlson, Richert, Dutt & Krichmar (2013),
-- "Biologically plausible models of homeostasis and STDP: stability and learning in spiking
-- neural networks", IJCNN, as in ANNarchy's notebook Ramp.ipynb (after the CARLsim tutorial).
-- 100 Poisson inputs with rates from 0.2 to 20 Hz drive two regular-spiking Izhikevich neurons
-- with AMPA and NMDA conductances: one learns with nearest-neighbour STDP, whose weights
-- saturate (about 55 Hz), the other with STDP under homeostatic regulation, which holds its
-- rate at the 35 Hz target.
-- Run: annlua examples/ramp.lua [--duration ms] [--seed s] [--long] (100 s by default; --long
-- runs the notebook's 1000 s); prints the rates and the final weights.
local ann = require("annarchy")

local M = {}

M.RS = ann.Neuron{
  parameters = {a = 0.02, b = 0.2, c = -65.0, d = 8.0, tau_ampa = 5.0, tau_nmda = 150.0, vrev = 0.0},
  equations = {
    ann.Variable("I = g_ampa * (vrev - v) + g_nmda * nmda(v, -80.0, 60.0) * (vrev - v)"),
    -- v and u solved together with the midpoint method (the notebook: for stability at dt = 1)
    ann.Variable("dv/dt = (0.04 * v + 5.0) * v + 140.0 - u + I", {init = -65.0, method = "midpoint"}),
    ann.Variable("du/dt = a * (b * v - u)", {init = -13.0, method = "midpoint"}),
    ann.Variable("tau_ampa * dg_ampa/dt = -g_ampa", {method = "exponential"}),
    ann.Variable("tau_nmda * dg_nmda/dt = -g_nmda", {method = "exponential"}),
  },
  spike = "v >= 30.0",
  reset = {"v = c", "u += d"},
  functions = "nmda(v, t, s) = ((v - t) / s)^2 / (1.0 + ((v - t) / s)^2)",
  name = "RS neuron with AMPA and NMDA",
}

--- Nearest-neighbour STDP, continuous: every step the weight follows the LTP trace of the last
-- pre-synaptic spike when the last event was post-synaptic, else the LTD trace of the last
-- post-synaptic spike.
M.NearestNeighbourSTDP = ann.Synapse{
  parameters = {tau_plus = 20.0, tau_minus = 60.0, A_plus = 0.0002, A_minus = 0.000066, w_max = 0.03},
  equations = {
    ann.Variable("tau_plus * dltp/dt = -ltp", {method = "exponential"}),
    ann.Variable("tau_minus * dltd/dt = -ltd", {method = "exponential"}),
    ann.Variable("w += if t_post >= t_pre: ltp else: -ltd", {min = 0.0, max = "w_max"}),
  },
  pre_spike = {"g_target += w", "ltp = A_plus"},
  post_spike = "ltd = A_minus",
  name = "nearest-neighbour STDP",
}

--- The same STDP scaled by K, a learning rate that grows with the post-synaptic rate R (its
-- mean over T ms) and falls as R leaves Rtarget, plus a multiplicative term pulling R back.
M.HomeostaticSTDP = ann.Synapse{
  parameters = {
    tau_plus = 20.0, tau_minus = 60.0, A_plus = 0.0002, A_minus = 0.000066, w_min = 0.0, w_max = 0.03,
    alpha = 0.1, beta = 1.0, gamma = 50.0, Rtarget = 35.0, T = 5000.0,
  },
  equations = {
    ann.Variable("tau_plus * dltp/dt = -ltp", {method = "exponential"}),
    ann.Variable("tau_minus * dltd/dt = -ltd", {method = "exponential"}),
    ann.Variable("R = post.r", {locality = "semiglobal"}),
    ann.Variable("K = R / (T * (1.0 + fabs(1.0 - R / Rtarget) * gamma))", {locality = "semiglobal"}),
    ann.Variable("stdp = if t_post >= t_pre: ltp else: -ltd"),
    ann.Variable("w += (alpha * w * (1 - R / Rtarget) + beta * stdp) * K", {min = "w_min", max = "w_max"}),
  },
  pre_spike = {"g_target += w", "ltp = A_plus"},
  post_spike = "ltd = A_minus",
  name = "homeostatic STDP",
}

M.WINDOW = 5000.0   -- ms over which the neurons compute r (compute_firing_rate)

--- Builds and runs the network for `duration` ms. Returns a table: net, inp, pop1 (plain STDP),
-- pop2 (homeostatic), proj1, proj2, r1 and r2 (Arrays: r of each neuron after every step),
-- w1 and w2 (Arrays {seconds, 100}: the weights every 1000 ms).
function M.run(duration, seed)
  local net = ann.Network{dt = 1.0, seed = seed}
  local inp = net:create(ann.PoissonPopulation(100, {rates = ann.linspace(0.2, 20.0, 100), name = "input"}))
  local pop1 = net:create(1, M.RS, {name = "STDP"})
  local pop2 = net:create(1, M.RS, {name = "homeostatic STDP"})
  pop1:compute_firing_rate(M.WINDOW)
  pop2:compute_firing_rate(M.WINDOW)
  -- one weight, two conductances: every spike increments g_ampa and g_nmda by w
  local proj1 = net:connect(inp, pop1, {"ampa", "nmda"}, {synapse = M.NearestNeighbourSTDP})
  proj1:all_to_all(ann.Uniform(0.01, 0.03))
  local proj2 = net:connect(inp, pop2, {"ampa", "nmda"}, {synapse = M.HomeostaticSTDP})
  proj2:all_to_all(ann.Uniform(0.01, 0.03))
  net:compile{silent = true}
  local m1, m2 = net:monitor(pop1, "r"), net:monitor(pop2, "r")
  local mw1 = net:monitor(proj1:dendrite(1), "w", {period = 1000.0})
  local mw2 = net:monitor(proj2:dendrite(1), "w", {period = 1000.0})
  net:simulate(duration)
  return {
    net = net, inp = inp, pop1 = pop1, pop2 = pop2, proj1 = proj1, proj2 = proj2,
    r1 = m1:get("r"):flatten(), r2 = m2:get("r"):flatten(), w1 = mw1:get("w"), w2 = mw2:get("w"),
  }
end

--- Mean of the recorded rate over the first `ms` ms (the whole record without it).
function M.mean_rate(r, ms)
  local n = ms and math.min(r.size, math.floor(ms + 0.5)) or r.size
  local s = 0
  for i = 1, n do s = s + r[i] end
  return s / n
end

if not pcall(debug.getlocal, 4, 1) then   -- run as a script, not required
  local duration, seed = 100000, 42
  for i = 1, #arg do
    if arg[i] == "--duration" then duration = tonumber(arg[i + 1]) end
    if arg[i] == "--seed" then seed = tonumber(arg[i + 1]) end
    if arg[i] == "--long" then duration = 1000000 end
  end
  local t0 = os.clock()
  local res = M.run(duration, seed)
  print(("Ramp (homeostatic STDP): %g s in %.2f s"):format(duration / 1000, os.clock() - t0))
  print(("mean rate without homeostasis: %.2f Hz (r at the end %.1f Hz)"):format(M.mean_rate(res.r1),
    res.r1[res.r1.size]))
  print(("mean rate with homeostasis:    %.2f Hz (r at the end %.1f Hz)"):format(M.mean_rate(res.r2),
    res.r2[res.r2.size]))
  local w1, w2 = res.proj1.w[1], res.proj2.w[1]
  print("final weights (w_max = 0.03) by input rate:")
  for _, k in ipairs{1, 25, 50, 75, 100} do
    print(("  input %3d (%5.2f Hz): %.4f without, %.4f with homeostasis"):format(k, 0.2 + (k - 1) * 0.2,
      w1[k], w2[k]))
  end
  print(("  mean: %.4f without, %.4f with homeostasis"):format(w1:mean(), w2:mean()))
  local figure
  for i = 1, #arg do if arg[i] == "--plot" then figure = arg[i + 1] end end
  if figure then
    local t = {}
    for j = 1, res.r1.size do t[j] = (j - 1) * res.net.dt / 1000 end
    ann.plot.xy(t, {res.r1, res.r2}, {file = figure, labels = {"without homeostasis", "with homeostasis"},
      xlabel = "time (s)", ylabel = "rate (Hz)", legend = "bottom right", title = "Ramp: homeostatic STDP"})
  end
end

return M
