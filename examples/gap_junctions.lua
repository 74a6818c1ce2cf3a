-- gap_junctions.lua: ten integrate-and-fire neurons coupled by gap junctions, Brian2's example
-- examples/synapses/gapjunctions.py as re-implemented in ANNarchy's notebook GapJunctions.ipynb.
-- A gap junction is a continuous psp, w * (pre.v - post.v), summed every step into the
-- instantaneous input g_gap. The neurons start at evenly spaced potentials and oscillate with a
-- period of about 40 ms; the coupling does not bring them together: within a few hundred ms
-- their phases spread evenly around the cycle (a "splay" state, Kuramoto order parameter near
-- 0), neurons 1 and 6 half a period apart, as in Brian2. (A reset pulls the neighbours'
-- potentials down: for leaky integrate-and-fire neurons without a spike shape, electrical
-- coupling pushes phases apart.)
-- Run: annlua examples/gap_junctions.lua [--duration ms] [--long] [--exponential] (500 ms by
-- default, the example's protocol; --long runs 10 s; --exponential integrates v exactly, as
-- Brian2's example); prints the spikes and the phase figures.
local ann = require("annarchy")

local M = {}

M.N = 10
M.DT = 0.1

--- The neuron, integrated with `method`: "explicit" (the notebook's, by default) or
-- "exponential" (exact for a constant g_gap over the step: Brian2's example uses method='exact').
function M.neuron(method)
  return ann.Neuron{
    parameters = {v0 = 1.05, tau = 10.0},
    equations = {ann.Variable("tau * dv/dt = v0 - v + g_gap", {method = method or "explicit"})},
    spike = "v > 1.0",
    reset = "v = 0.0",
    name = "IF with gap junctions",
  }
end

M.GapJunction = ann.Synapse{
  psp = "w * (pre.v - post.v)",
  name = "gap junction",
}

--- Builds and runs the network for `duration` ms, the neurons integrated with `method` (see
-- M.neuron); returns net, the spike table of the ten neurons and the potentials of neurons 1
-- and 6 (an Array {steps, 2}), as the notebook records.
function M.run(duration, method)
  local net = ann.Network{dt = M.DT}
  local pop = net:create(M.N, M.neuron(method))
  pop.v = ann.linspace(0.0, 1.0, M.N)
  net:connect(pop, pop, "gap", {synapse = M.GapJunction}):all_to_all(0.02)
  local ms = net:monitor(pop, "spike")
  local mv = net:monitor(pop[{1, 6}], "v")
  net:compile{silent = true}
  net:simulate(duration)
  return net, ms:get("spike"), mv:get("v")
end

--- Phase figures at step `at`: each neuron's phase is (at - last spike) / (next - last spike),
-- from its spikes around `at` (nil if a neuron has none on one side). Returns the Kuramoto order
-- parameter R = |mean exp(2 pi i phase)| (1: synchrony; 0 for evenly spread phases), the
-- coefficient of variation of the gaps between consecutive phases around the circle (0: evenly
-- spread) and the phase of neuron 6 minus that of neuron 1, modulo 1.
function M.phases(spikes, at)
  local ph = {}
  for i = 1, M.N do
    local before, after
    for _, s in ipairs(spikes[i]) do
      if s <= at then before = s elseif not after then after = s end
    end
    if not before or not after then return nil end
    ph[i] = (at - before) / (after - before)
  end
  local re, im = 0, 0
  for i = 1, M.N do
    re = re + math.cos(2 * math.pi * ph[i])
    im = im + math.sin(2 * math.pi * ph[i])
  end
  local sorted = {table.unpack(ph)}
  table.sort(sorted)
  local gaps, mean = {}, 1 / M.N
  for i = 1, M.N do gaps[i] = (sorted[i % M.N + 1] - sorted[i]) % 1.0 end
  local var = 0
  for i = 1, M.N do var = var + (gaps[i] - mean) ^ 2 end
  return {
    order_parameter = math.sqrt(re * re + im * im) / M.N,
    gap_cv = math.sqrt(var / M.N) / mean,
    phase_6_minus_1 = (ph[6] - ph[1]) % 1.0,
  }
end

if not pcall(debug.getlocal, 4, 1) then   -- run as a script, not required
  local duration, method = 500, "explicit"
  for i = 1, #arg do
    if arg[i] == "--duration" then duration = tonumber(arg[i + 1]) end
    if arg[i] == "--long" then duration = 10000 end
    if arg[i] == "--exponential" then method = "exponential" end
  end
  local t0 = os.clock()
  local _, spikes, v = M.run(duration, method)
  print(("gap junctions: %d neurons, %s integration, %g ms in %.3f s"):format(M.N, method, duration,
    os.clock() - t0))
  for i = 1, M.N do
    local s = spikes[i]
    print(("  neuron %2d: %3d spikes, first at %6.1f ms, last at %8.1f ms"):format(i, #s, s[1] * M.DT,
      s[#s] * M.DT))
  end
  local steps = math.floor(duration / M.DT + 0.5)
  for _, at in ipairs{500, steps - 500} do
    local p = M.phases(spikes, at)
    if p then
      print(("at %7.1f ms: order parameter %.4f, CV of the phase gaps %.4f, phase(6) - phase(1) = %.4f")
        :format(at * M.DT, p.order_parameter, p.gap_cv, p.phase_6_minus_1))
    end
  end
  print(("v of neurons 1 and 6 at the end: %.4f %.4f"):format(v[v.shape[1]][1], v[v.shape[1]][2]))
  local figure
  for i = 1, #arg do if arg[i] == "--plot" then figure = arg[i + 1] end end
  if figure then
    ann.plot.traces(v, {file = figure, dt = M.DT, ylabel = "v", labels = {"neuron 1", "neuron 6"},
      xrange = {0, math.min(duration, 200)}, legend = "outside top center horizontal",
      title = "Gap junctions: membrane potentials, first 200 ms"})
  end
end

return M
