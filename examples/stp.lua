-- stp.lua: short-term plasticity and synchrony, after Tsodyks, Uziel & Markram (2000),
-- "Synchrony generation in recurrent networks with frequency-dependent synapses", J. Neurosci.
-- 20:RC50, as in ANNarchy's notebook STP.ipynb: 400 excitatory and 100 inhibitory leaky
-- integrate-and-fire neurons, sparse recurrent connections with depressing (onto excitatory
-- neurons) and facilitating (onto inhibitory neurons) synapses. Irregular firing at a few Hz is
-- interrupted about once a second by a population spike, in which nearly every excitatory
-- neuron fires within a few ms; depression of the recurrent synapses ends it.
-- Run: annlua examples/stp.lua [--duration ms] [--seed s] (10 s by default, the notebook's
-- protocol); prints the rates and the population spikes.
local ann = require("annarchy")

local M = {}

M.DT = 0.25
M.N_EXC, M.N_INH = 400, 100

M.LIF = ann.Neuron{
  parameters = {tau = 30.0, I = ann.Parameter(15.0, {locality = "local"}), tau_I = 3.0},
  equations = {
    ann.Variable("tau * dv/dt = -v + g_exc - g_inh + I", {init = 13.5}),
    ann.Variable("tau_I * dg_exc/dt = -g_exc"),
    ann.Variable("tau_I * dg_inh/dt = -g_inh"),
  },
  spike = "v > 15.0",
  reset = "v = 13.5",
  refractory = 3.0,
  name = "LIF",
}

--- The notebook's synapse: every parameter per synapse, u starting at 0.1. (The built-in
-- ann.STP has global tau_rec and tau_facil and starts u at U, so it cannot draw them per
-- synapse as the paper does.)
M.STP = ann.Synapse{
  parameters = {
    tau_rec = ann.Parameter(1.0, {locality = "local"}),
    tau_facil = ann.Parameter(1.0, {locality = "local"}),
    U = ann.Parameter(0.1, {locality = "local"}),
  },
  equations = {
    ann.Variable("dx/dt = (1 - x) / tau_rec", {init = 1.0, method = "event-driven"}),
    ann.Variable("du/dt = (U - u) / tau_facil", {init = 0.1, method = "event-driven"}),
  },
  pre_spike = {
    "g_target += w * u * x",
    "x *= (1 - u)",
    "u += U * (1 - u)",
  },
  name = "Tsodyks-Markram synapse",
}

-- name, pre, post, target, A, U0, Umin, Umax, tau_rec, tau_facil ("normal": Normal(1000, 500) >= 5)
local PROJECTIONS = {
  {"ee", "exc", "exc", "exc", 1.8, 0.5, 0.1, 0.9, 800.0, M.DT},
  {"ei", "inh", "exc", "inh", 5.4, 0.5, 0.1, 0.9, 800.0, M.DT},
  {"ie", "exc", "inh", "exc", 7.2, 0.04, 0.001, 0.07, 100.0, "normal"},
  {"ii", "inh", "inh", "inh", 7.2, 0.04, 0.001, 0.07, 100.0, "normal"},
}

--- Builds the network (not compiled); returns net, the population and its two views.
function M.build(seed)
  local net = ann.Network{dt = M.DT, seed = seed}
  local pop = net:create(M.N_EXC + M.N_INH, M.LIF)
  local I = ann.Uniform(14.625, 15.375, {seed = seed}):get_values(pop.size):totable()
  table.sort(I)
  pop.I = I
  pop.v = ann.Uniform(0.0, 15.0)
  local views = {exc = pop:range(1, M.N_EXC), inh = pop:range(M.N_EXC + 1, M.N_EXC + M.N_INH)}
  for _, p in ipairs(PROJECTIONS) do
    local name, pre, post, target, A, U0, Umin, Umax, tau_rec, tau_facil = table.unpack(p)
    local proj = net:connect(views[pre], views[post], target, {synapse = M.STP, name = name})
    proj:fixed_probability(0.1, ann.Normal(A, A / 2, {min = 0.2 * A, max = 2 * A}))
    proj.U = ann.Normal(U0, U0 / 2, {min = Umin, max = Umax})
    proj.tau_rec = ann.Normal(tau_rec, tau_rec / 2, {min = 5.0})
    proj.tau_facil = tau_facil == "normal" and ann.Normal(1000.0, 500.0, {min = 5.0}) or tau_facil
  end
  return net, pop, views.exc, views.inh
end

--- Runs the network for `duration` ms; returns net and the spike tables of Exc and Inh.
function M.run(duration, seed)
  local net, _, exc, inh = M.build(seed)
  local me, mi = net:monitor(exc, "spike"), net:monitor(inh, "spike")
  net:compile{silent = true}
  net:simulate(duration)
  return net, me:get("spike"), mi:get("spike")
end

M.THRESHOLD = 20   -- spikes in a 1 ms bin (5 % of the excitatory neurons; about 2 on average)
M.MERGE = 20       -- ms: runs of bins above threshold closer than this are one event
M.MARGIN = 5       -- ms counted before and after an event for its size

--- Population spikes of a spike table (the excitatory neurons): the spikes are counted in 1 ms
-- bins; an event is a maximal run of bins with at least M.THRESHOLD spikes, runs at most M.MERGE
-- ms apart being merged; its size counts the spikes from M.MARGIN ms before its first bin to
-- M.MARGIN ms after its last. Returns {events = {{first_ms, last_ms, size}...}, per_s,
-- participation (mean size / neurons), fraction (of all spikes inside events), interval
-- (mean ms between event starts, nil with fewer than two events)}.
function M.population_spikes(spikes, dt, duration)
  local nbins = math.floor(duration + 0.5)
  local h, total, neurons = {}, 0, 0
  for b = 0, nbins - 1 do h[b] = 0 end
  for _, steps in pairs(spikes) do
    neurons = neurons + 1
    for _, s in ipairs(steps) do
      local b = math.floor(s * dt + 1e-9)
      if b < nbins then h[b] = h[b] + 1 end
      total = total + 1
    end
  end
  local events = {}
  for b = 0, nbins - 1 do
    if h[b] >= M.THRESHOLD then
      local last = events[#events]
      if last and b - last[2] <= M.MERGE then last[2] = b else events[#events + 1] = {b, b} end
    end
  end
  local in_events, interval = 0, nil
  for _, e in ipairs(events) do
    local size = 0
    for b = math.max(0, e[1] - M.MARGIN), math.min(nbins - 1, e[2] + M.MARGIN) do size = size + h[b] end
    e[3] = size
    in_events = in_events + size
  end
  if #events > 1 then interval = (events[#events][1] - events[1][1]) / (#events - 1) end
  return {
    events = events,
    per_s = #events / (duration / 1000),
    participation = #events > 0 and in_events / #events / neurons or 0,
    fraction = total > 0 and in_events / total or 0,
    interval = interval,
  }
end

if not pcall(debug.getlocal, 4, 1) then   -- run as a script, not required
  local function option(name, default)
    for i = 1, #arg do if arg[i] == name then return tonumber(arg[i + 1]) end end
    return default
  end
  local duration = option("--duration", 10000)
  local t0 = os.clock()
  local net, exc, inh = M.run(duration, option("--seed", 42))
  print(("Tsodyks-Uziel-Markram network: %g ms in %.2f s"):format(duration, os.clock() - t0))
  print(("rates: excitatory %.2f Hz, inhibitory %.2f Hz"):format(
    ann.mean_fr(exc, net.dt, {duration = duration}), ann.mean_fr(inh, net.dt, {duration = duration})))
  local ps = M.population_spikes(exc, net.dt, duration)
  print(("population spikes: %d (%.2f per s), %.0f %% of the excitatory neurons fire in each on average, " ..
    "%.0f %% of their spikes fall in them"):format(#ps.events, ps.per_s, 100 * ps.participation,
    100 * ps.fraction))
  for _, e in ipairs(ps.events) do
    print(("  %6d ms  %3d ms wide  %4d spikes"):format(e[1], e[2] - e[1] + 1, e[3]))
  end
  local figure
  for i = 1, #arg do if arg[i] == "--plot" then figure = arg[i + 1] end end
  if figure then
    ann.plot.raster(exc, {file = figure, dt = net.dt, population_rate = true, bin = 5,
      xrange = {0, math.min(duration, 2000)}, title = "Tsodyks-Uziel-Markram network: excitatory neurons, first 2 s"})
  end
end

return M
