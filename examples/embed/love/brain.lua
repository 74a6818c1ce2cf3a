--- The brain of a Braitenberg vehicle that avoids walls: two groups of spiking sensor neurons
-- (left, right) excite the motor neurons of their own side and inhibit those of the other
-- side, so the wheel on the side of a near wall turns faster, the other slower, and the
-- vehicle turns away from the wall (and slows down in front of one). Motor neurons also get a
-- constant drive, a little stronger on the left, so the vehicle curves gently to the right in
-- open space and turns, rather than stalls, when a corner stimulates both sides alike. A motor neuron's `trace` jumps
-- by one at each spike and decays with tau_t = 100 ms: the mean trace of a side is its rate
-- (Hz) / 10; the command of its wheel is that minus ZERO (a wheel turns backwards below it,
-- so a vehicle whose two sides are inhibited backs out of a corner).
--
-- The host writes the sensor neurons' input current `I` and reads the motor neurons' `trace`
-- through zero-copy FFI views (annarchy.ffi): no copy, no allocation per frame.
local ann = require("annarchy")
local annffi = require("annarchy.ffi")

local M = {}

M.N = 16          -- neurons per side, in each population
M.FRAME_MS = 10   -- network time per frame
M.ZERO = 2.0      -- the mean trace of a wheel at rest

M.LIF = ann.Neuron{
  parameters = [[
    tau = 10.0
    tau_e = 5.0
    tau_t = 100.0
    v_rest = -65.0
    v_thresh = -50.0
    v_reset = -65.0
    noise = 2.0
    I = 0.0
  ]],
  equations = [[
    tau * dv/dt = v_rest - v + I + g_exc - g_inh + noise * Normal(0.0, 1.0) : init = -65.0
    tau_e * dg_exc/dt = -g_exc
    tau_e * dg_inh/dt = -g_inh
    tau_t * dtrace/dt = -trace
  ]],
  spike = "v >= v_thresh",
  reset = "v = v_reset\n trace += 1.0",
  refractory = 2.0,
  name = "BraitenbergLIF",
}

--- Builds and compiles the brain: {net, sensors, motors, input (double *), trace (double *),
-- and with opts.record the spike monitors of both populations, monitors = {sensors, motors}}.
-- opts: seed, drive (the motor neurons' constant current, mV), gain (mV of sensor current at
-- contact), bias (extra drive of the left motors), excitation and inhibition (the weights of
-- sensor -> motor synapses).
function M.new(opts)
  opts = opts or {}
  local net = ann.Network{dt = 0.5, seed = opts.seed or 42}
  local sensors = net:create(2 * M.N, M.LIF, "sensors")
  local motors = net:create(2 * M.N, M.LIF, "motors")
  local drive = opts.drive or 16.0
  motors.I = drive
  local function side(pop, k) return pop:range(k * M.N + 1, k * M.N + M.N) end
  side(motors, 0).I = drive + (opts.bias or 0.15)
  for k = 0, 1 do
    net:connect(side(sensors, k), side(motors, k), "exc"):all_to_all(opts.excitation or 0.6)
    net:connect(side(sensors, k), side(motors, 1 - k), "inh"):all_to_all(opts.inhibition or 1.2)
  end
  local monitors = opts.record and {net:monitor(sensors, "spike"), net:monitor(motors, "spike")} or nil
  net:compile()
  return {
    net = net, sensors = sensors, motors = motors, gain = opts.gain or 40.0, monitors = monitors,
    input = annffi.view(sensors, "I"), trace = annffi.view(motors, "trace"),
  }
end

--- One frame: writes the sensor currents from the proximities (0 far .. 1 touching) of the
-- left and right sensors, runs FRAME_MS of network, returns the left and right wheel commands.
function M.step(b, left, right)
  local n, input, trace = M.N, b.input, b.trace
  for i = 0, n - 1 do
    input[i] = b.gain * left
    input[n + i] = b.gain * right
  end
  annffi.step(b.net, M.FRAME_MS / b.net.dt)
  local l, r = 0.0, 0.0
  for i = 0, n - 1 do
    l = l + trace[i]
    r = r + trace[n + i]
  end
  return l / n - M.ZERO, r / n - M.ZERO
end

return M
