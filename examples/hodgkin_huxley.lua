-- hodgkin_huxley.lua: one Hodgkin-Huxley neuron (squid axon, Hodgkin & Huxley 1952, in the
-- shifted units of ANNarchy's HodgkinHuxley notebook), dt = 0.01 ms, the four gating and
-- membrane ODEs solved together by the midpoint method. A 1 ms current pulse after 100 ms of
-- rest gives one action potential. Run: annlua examples/hodgkin_huxley.lua [--duration ms]
-- [--pulse I] [--current I] [--long]; prints the spike times and the shape of the action
-- potential, and how many pulses of 10, 8 and 6 ms trains the neuron follows (--long: 50
-- pulses instead of 10; --current: also a run under a constant current).
local ann = require("annarchy")

local M = {}

--- The neuron of the notebook: gating rates computed from V at the start of each step, then
-- n, m, h and V advanced jointly (coupled midpoint). The spike is the upward crossing of vt
-- (prev_V holds V of the previous step): no reset, V follows its own dynamics.
M.HH = ann.Neuron{
  parameters = [[
    C = 1.0
    VL = -59.387
    VK = -82.0
    VNa = 45.0
    gK = 36.0
    gNa = 120.0
    gL = 0.3
    vt = 30.0
    I = 0.0
  ]],
  equations = {
    "prev_V = V",
    "an = 0.01 * (V + 60.0) / (1.0 - exp(-0.1 * (V + 60.0)))",
    "am = 0.1 * (V + 45.0) / (1.0 - exp(-0.1 * (V + 45.0)))",
    "ah = 0.07 * exp(-0.05 * (V + 70.0))",
    "bn = 0.125 * exp(-0.0125 * (V + 70.0))",
    "bm = 4.0 * exp(-(V + 70.0) / 80.0)",
    "bh = 1.0 / (1.0 + exp(-0.1 * (V + 40.0)))",
    ann.Variable("dn/dt = an * (1.0 - n) - bn * n", {init = 0.3, method = "midpoint"}),
    ann.Variable("dm/dt = am * (1.0 - m) - bm * m", {init = 0.0, method = "midpoint"}),
    ann.Variable("dh/dt = ah * (1.0 - h) - bh * h", {init = 0.6, method = "midpoint"}),
    ann.Variable("C * dV/dt = gL * (VL - V) + gK * n^4 * (VK - V) + gNa * m^3 * h * (VNa - V) + I",
      {init = -50.0, method = "midpoint"}),
  },
  spike = "(V > vt) and (prev_V <= vt)",
  reset = "",
  name = "HH",
}

--- Runs the neuron through a protocol: a list of segments `{duration (ms), I}` applied in
-- turn (default: the notebook's 100 ms of rest, I = 200 for 1 ms, 100 ms of rest). Returns
-- the network and the recorded data: V, n, m, h (Arrays, one value per step: record k holds
-- the state at time k * dt) and the spike steps.
function M.run(segments)
  segments = segments or M.PULSE
  local net = ann.Network{dt = 0.01}
  local pop = net:create(1, M.HH)
  local m = net:monitor(pop, {"spike", "V", "n", "m", "h"})
  net:compile{silent = true}
  pop.V = -50.0
  for _, seg in ipairs(segments) do
    pop.I = seg[2]
    net:simulate(seg[1])
  end
  local data = m:get()
  return net, {V = data.V:flatten(), n = data.n:flatten(), m = data.m:flatten(),
               h = data.h:flatten(), spikes = data.spike[1]}
end

M.PULSE = {{100.0, 0.0}, {1.0, 200.0}, {100.0, 0.0}}

--- A train: 20 ms of rest, then `count` pulses of 1 ms at I = `amplitude` (default 200), one
-- every `period` ms. (With the notebook's bm, whose /80 is /18 in the textbook, this neuron
-- does not fire tonically under a constant current: trains probe its rate instead.)
function M.train(period, count, amplitude)
  local segments = {{20.0, 0.0}}
  for _ = 1, count do
    segments[#segments + 1] = {1.0, amplitude or 200.0}
    segments[#segments + 1] = {period - 1.0, 0.0}
  end
  return segments
end

--- The action potential following `step0` (a step number) in a trace with one value per step:
-- its peak (mV), the time of the peak (ms, the state of record k being at k * dt) and the
-- width (ms) of the part above `level` (default 0 mV).
function M.spike_shape(V, dt, step0, level)
  level = level or 0.0
  local peak_k, peak = nil, -math.huge
  for k = step0 + 1, V.size do
    if V[k] > peak then peak_k, peak = k, V[k] end
    if peak > level and V[k] < level then break end
  end
  local up, down
  for k = step0 + 1, V.size do
    if not up and V[k] > level then up = k end
    if up and V[k] < level then down = k; break end
  end
  return {peak = peak, peak_time = peak_k * dt, width = (up and down) and (down - up) * dt or nil}
end

--- Mean firing rate (Hz) from the inter-spike intervals of a list of spike steps.
function M.rate(spikes, dt)
  if #spikes < 2 then return 0.0 end
  return 1000.0 * (#spikes - 1) / ((spikes[#spikes] - spikes[1]) * dt)
end

if not pcall(debug.getlocal, 4, 1) then   -- run as a script, not required
  local function option(name, default)
    for i = 1, #arg do if arg[i] == name then return tonumber(arg[i + 1]) end end
    return default
  end
  local long = false
  for i = 1, #arg do if arg[i] == "--long" then long = true end end
  local rest = option("--duration", 100)
  local t0 = os.clock()
  local net, d = M.run{{rest, 0.0}, {1.0, option("--pulse", 200)}, {rest, 0.0}}
  print(("Hodgkin-Huxley neuron, pulse protocol: %g ms (dt %g) in %.3f s"):format(2 * rest + 1,
    net.dt, os.clock() - t0))
  local times = {}
  for i, s in ipairs(d.spikes) do times[i] = ("%.2f"):format(s * net.dt) end
  print(("  spikes (ms): %s"):format(#times > 0 and table.concat(times, ", ") or "none"))
  local shape = M.spike_shape(d.V, net.dt, math.floor(rest / net.dt + 0.5))
  print(("  after the pulse: peak %.3f mV at %.2f ms, width above 0 mV %s ms"):format(shape.peak,
    shape.peak_time, shape.width and ("%.2f"):format(shape.width) or "-"))
  print(("  potential at the end: %.3f mV"):format(d.V[d.V.size]))
  local figure
  for i = 1, #arg do if arg[i] == "--plot" then figure = arg[i + 1] end end
  if figure then
    ann.plot.traces(d.V, {file = figure, dt = net.dt, ylabel = "V (mV)", legend = false,
      title = "Hodgkin-Huxley neuron: a 1 ms pulse"})
  end
  local count = long and 50 or 10
  for _, period in ipairs{10.0, 8.0, 6.0} do
    local _, dtr = M.run(M.train(period, count))
    print(("train of %d pulses every %g ms: %d spikes"):format(count, period, #dtr.spikes))
  end
  local current = option("--current", nil)
  if current then
    local _, dc = M.run{{long and 1000.0 or 300.0, current}}
    print(("constant current I = %g: %d spikes"):format(current, #dc.spikes))
  end
end

return M
