-- coba.lua: the COBA and CUBA networks of Vogels & Abbott (2005), as benchmarked by Brette et
-- al. (2007): 4000 integrate-and-fire neurons (3200 excitatory, 800 inhibitory), 2 % random
-- connectivity, conductance-based (COBA) or current-based (CUBA) synapses, dt = 0.1 ms.
-- Run: annlua examples/coba.lua [--cuba] [--duration ms] [--seed s]
local ann = require("annarchy")

local M = {}

M.COBA = ann.Neuron{
  parameters = [[
    El = -60.0 : population
    Vr = -60.0 : population
    Erev_exc = 0.0 : population
    Erev_inh = -80.0 : population
    Vt = -50.0 : population
    tau = 20.0 : population
    tau_exc = 5.0 : population
    tau_inh = 10.0 : population
    I = 20.0 : population
  ]],
  equations = [[
    tau * dv/dt = (El - v) + g_exc * (Erev_exc - v) + g_inh * (Erev_inh - v) + I
    tau_exc * dg_exc/dt = - g_exc
    tau_inh * dg_inh/dt = - g_inh
  ]],
  spike = "v > Vt",
  reset = "v = Vr",
  refractory = 5.0,
  name = "COBA",
}

M.CUBA = ann.Neuron{
  parameters = [[
    El = -49.0 : population
    Vr = -60.0 : population
    Vt = -50.0 : population
    tau_m = 20.0 : population
    tau_exc = 5.0 : population
    tau_inh = 10.0 : population
  ]],
  equations = [[
    tau_m * dv/dt = (El - v) + g_exc - g_inh
    tau_exc * dg_exc/dt = - g_exc
    tau_inh * dg_inh/dt = - g_inh
  ]],
  spike = "v > Vt",
  reset = "v = Vr",
  refractory = 5.0,
  name = "CUBA",
}

--- Builds the network of the given kind ("COBA" or "CUBA"), size 4000 and connection
-- probability 0.02 by default.
function M.build(kind, seed, size, p)
  size, p = size or 4000, p or 0.02
  local n_exc = math.floor(size * 0.8)
  local net = ann.Network{dt = 0.1, seed = seed}
  local pop = net:create(size, M[kind])
  local exc, inh = pop:range(1, n_exc), pop:range(n_exc + 1, size)
  local w_exc, w_inh
  if kind == "COBA" then
    pop.v = ann.Normal(-55.0, 5.0)
    pop.g_exc = ann.Normal(4.0, 1.5)
    pop.g_inh = ann.Normal(20.0, 12.0)
    w_exc, w_inh = 0.6, 6.7
  else
    pop.v = ann.Uniform(-60.0, -50.0)
    w_exc, w_inh = 0.27 * 60 / 10, 4.5 * 20 / 10
  end
  net:connect(exc, pop, "exc"):fixed_probability(p, w_exc)
  net:connect(inh, pop, "inh"):fixed_probability(p, w_inh)
  local m = net:monitor(pop, "spike")
  return net, pop, m
end

--- Runs a network and returns its mean rate (Hz) and the simulation time (s).
function M.run(kind, duration, seed, size)
  local net, pop, m = M.build(kind, seed, size)
  net:compile{silent = true}
  local t0 = ann.clock()
  net:simulate(duration)
  local elapsed = ann.clock() - t0
  local spikes = m:get("spike")
  return ann.mean_fr(spikes, net.dt, {duration = duration}), elapsed, spikes, pop
end

if not pcall(debug.getlocal, 4, 1) then   -- run as a script, not required
  local function option(name, default)
    for i = 1, #arg do if arg[i] == name then return tonumber(arg[i + 1]) end end
    return default
  end
  local kind = "COBA"
  for i = 1, #arg do if arg[i] == "--cuba" then kind = "CUBA" end end
  local duration = option("--duration", 1000)
  local rate, elapsed, spikes = M.run(kind, duration, option("--seed", 42))
  print(("%s, 4000 neurons, %g ms simulated in %.3f s: mean rate %.2f Hz"):format(kind, duration,
    elapsed, rate))
  local figure
  for i = 1, #arg do if arg[i] == "--plot" then figure = arg[i + 1] end end
  if figure then
    local shown = {}
    for r = 1, 200 do shown[r] = r end
    ann.plot.raster(spikes, {file = figure, dt = 0.1, population_rate = true, bin = 5, ranks = shown,
      title = kind .. " network: 200 of the 4000 neurons, rate of all"})
  end
end

return M
