-- The neuron update and the spike test run over chunks of a thread's block of neurons
-- (2 048 at a time): populations larger than a chunk, on one to three threads, must fire
-- exactly as the model says. Each neuron i integrates a constant drive I = 1 / (m - 0.5)
-- (dt = 1 ms), fires when v > 1 and restarts from 0: the condition first holds after m updates,
-- in step m - 1, and then every m steps (the 0.5 keeps every crossing away from equality).
local ann = require("annarchy")

local N, STEPS = 7000, 60

local function period(rank0) return 2 + (rank0 * 7) % 17 end   -- 2 .. 18 steps

local function run(threads)
  local Counter = ann.Neuron{
    parameters = "I = 0.0",
    equations = "dv/dt = I : init = 0.0",
    spike = "v > 1.0", reset = "v = 0.0",
  }
  local net = ann.Network{dt = 1.0}
  local pop = net:create(N, Counter)
  local drive = {}
  for i = 1, N do drive[i] = 1.0 / (period(i - 1) - 0.5) end
  pop.I = drive
  local m = net:monitor(pop, "spike")
  net:config{num_threads = threads}
  net:compile{silent = true}
  net:simulate(STEPS)
  return m:get("spike")
end

describe("update and spike test by chunks", function()
  for _, threads in ipairs({1, 2, 3}) do
    it(("fire in the steps the model gives, %d thread(s), %d neurons"):format(threads, N), function()
      local spikes = run(threads)
      for i = 1, N do
        local p, got = period(i - 1), spikes[i] or {}
        local want = {}
        for s = p - 1, STEPS - 1, p do want[#want + 1] = s end
        assert.are.same(want, got, ("neuron %d (period %d)"):format(i, p))
      end
    end)
  end
end)
