-- izhikevich.lua: the pulse-coupled network of Izhikevich (2003), "Simple model of spiking
-- neurons", IEEE TNN 14(6): 800 excitatory and 200 inhibitory neurons, all-to-all, with
-- thalamic noise. It shows alpha- and gamma-band rhythms. Run: annlua examples/izhikevich.lua
-- [--duration ms] [--seed s]; prints the mean rate and the dominant rhythm.
local ann = require("annarchy")

local function option(name, default)
  for i = 1, #arg do
    if arg[i] == name then return tonumber(arg[i + 1]) end
  end
  return default
end

local M = {}

--- The neuron of the paper with per-neuron parameters; one Euler step per ms as ANNarchy's
-- notebook (the original MATLAB code used two half-steps for v).
M.Izhikevich = ann.Neuron{
  parameters = [[
    noise = 5.0
    a = 0.02
    b = 0.2
    c = -65.0
    d = 8.0
    v_thresh = 30.0 : population
  ]],
  equations = [[
    I = g_exc - g_inh + noise * Normal(0.0, 1.0)
    dv/dt = 0.04 * v^2 + 5.0 * v + 140.0 - u + I : init = -65.0
    du/dt = a * (b * v - u) : init = -13.0
  ]],
  spike = "v >= v_thresh",
  reset = "v = c\n u += d",
  name = "Izhikevich",
}

--- Builds the network (not compiled) and its spike monitor.
function M.build(seed)
  local net = ann.Network{dt = 1.0, seed = seed}
  local pop = net:create(1000, M.Izhikevich)
  local exc, inh = pop:range(1, 800), pop:range(801, 1000)
  local re = ann.Uniform(0.0, 1.0, {seed = seed}):get_values(800)
  local ri = ann.Uniform(0.0, 1.0, {seed = seed and seed + 1}):get_values(200)
  exc.noise = 5.0
  exc.a = 0.02
  exc.b = 0.2
  exc.c = -65.0 + 15.0 * re * re
  exc.d = 8.0 - 6.0 * re * re
  inh.noise = 2.0
  inh.a = 0.02 + 0.08 * ri
  inh.b = 0.25 - 0.05 * ri
  inh.c = -65.0
  inh.d = 2.0
  pop.v = -65.0
  pop.u = pop.b * pop.v
  net:connect(exc, pop, "exc"):all_to_all(ann.Uniform(0.0, 0.5))
  net:connect(inh, pop, "inh"):all_to_all(ann.Uniform(0.0, 1.0))
  return net, net:monitor(pop, "spike")
end

--- Builds, runs and returns the network and its spike monitor.
function M.run(duration, seed)
  local net, m = M.build(seed)
  net:compile{silent = true}
  net:simulate(duration)
  return net, m
end

--- The dominant frequency (Hz) of a population rate sampled every dt ms, between fmin and fmax.
function M.dominant_frequency(rate, dt, fmin, fmax)
  local n = rate.size
  local mean = rate:mean()
  local best, best_f = -1, nil
  for k = 1, math.floor(n / 2) do
    local f = k * 1000.0 / (n * dt)
    if f >= fmin and f <= fmax then
      local re_, im = 0.0, 0.0
      for t = 1, n do
        local x = rate[t] - mean
        re_ = re_ + x * math.cos(2 * math.pi * k * (t - 1) / n)
        im = im - x * math.sin(2 * math.pi * k * (t - 1) / n)
      end
      local p = re_ * re_ + im * im
      if p > best then best, best_f = p, f end
    end
  end
  return best_f
end

if not pcall(debug.getlocal, 4, 1) then   -- run as a script, not required
  local duration = option("--duration", 1000)
  local t0 = os.clock()
  local net, m = M.run(duration, option("--seed", 42))
  local spikes = m:get("spike")
  local rate = ann.population_rate(spikes, net.dt)
  print(("Izhikevich network: %g ms in %.2f s"):format(duration, os.clock() - t0))
  print(("mean firing rate: %.2f Hz"):format(ann.mean_fr(spikes, net.dt, {duration = duration})))
  print(("dominant rhythm: %.1f Hz"):format(M.dominant_frequency(rate, net.dt, 4, 100)))
  local figure
  for i = 1, #arg do if arg[i] == "--plot" then figure = arg[i + 1] end end
  if figure then
    ann.plot.raster(spikes, {file = figure, dt = net.dt, population_rate = true, bin = 2,
      xrange = {0, math.min(duration, 300)}, title = "Izhikevich network (Izhikevich 2003), first 300 ms"})
  end
end

return M
