-- The decay of event-driven traces between two events of a synapse, x * exp(dt * steps / tau)
-- with steps = (last event - now) in whole steps: the event kernels share one factor among the
-- synapses of a call with the same step difference (a table of the first 2048 differences), and
-- compute it for the others. Both must give the bits of the closed form evaluated the same way
-- (steps * dt, times 1 / tau, then exp), whatever the difference, the compiler or the threads.
local ann = require("annarchy")

local TAU_X, TAU_Y = 500.0, 1500.0
local Trace = ann.Synapse{
  parameters = ("tau_x = %.1f : projection\n tau_y = %.1f : projection"):format(TAU_X, TAU_Y),
  equations = "tau_x * dx/dt = -x : event-driven\n tau_y * dy/dt = -y : event-driven",
  pre_spike = "g_target += w\n x += 1.0",
  post_spike = "y += 1.0",
  name = "Trace",
}
-- Each pre neuron spikes at its times t1..t4 (ms, dt = 1 ms: steps); four neurons per group,
-- so that the synapses of a group reach every kernel call together (shared differences).
local Timed = ann.Neuron{
  parameters = "t1 = -1.0\n t2 = -1.0\n t3 = -1.0\n t4 = -1.0",
  spike = "t == t1 or t == t2 or t == t3 or t == t4",
  name = "Timed",
}
-- Differences of 1, 10, 980 ... 2047, 2048 (the first beyond the table), 2049, 4036, 8995.
local GROUPS = {{10, 20, 2067, 4116}, {15, 2063, 2064, 6100}, {5, 9000}}
local POST = {1000, 3048, 3049, 8000}
local STEPS = 9010

-- The closed form: every event (pre spike at t, delivered one step later but dated t; post
-- spike at t) decays x and y from the synapse's last event, then adds its increment.
local function expected(pre_times)
  local events = {}
  for _, t in ipairs(pre_times) do events[#events + 1] = {t, "pre"} end
  for _, t in ipairs(POST) do events[#events + 1] = {t, "post"} end
  table.sort(events, function(a, b) return a[1] < b[1] end)
  local x, y, last = 0.0, 0.0, -10000.0
  for _, ev in ipairs(events) do
    local steps = last - ev[1]
    x = x * math.exp(1.0 * steps * (1.0 / TAU_X))
    y = y * math.exp(1.0 * steps * (1.0 / TAU_Y))
    if ev[2] == "pre" then x = x + 1.0 else y = y + 1.0 end
    last = ev[1]
  end
  return x, y
end

local function run(compiler, threads)
  local net = ann.Network{dt = 1.0}
  local pre = net:create(4 * #GROUPS, Timed)
  local post = net:create(1, ann.Neuron{spike = "t == 1000 or t == 3048 or t == 3049 or t == 8000"})
  for g, times in ipairs(GROUPS) do
    for n = 1, 4 do
      local rank = 4 * (g - 1) + n
      for k = 1, 4 do pre[rank]["t" .. k] = times[k] or -1.0 end
    end
  end
  local p = net:connect(pre, post, "exc", {synapse = Trace}):all_to_all(0.0)
  net:config{num_threads = threads}
  net:compile{compiler = compiler}
  net:simulate(STEPS)
  return p.x[1], p.y[1]
end

describe("event-driven decay", function()
  for _, case in ipairs({{"cc", 1}, {"cc", 2}, {"tcc", 1}}) do
    it(("equals the closed form bit for bit (%s, %d thread(s))"):format(case[1], case[2]), function()
      local x, y = run(case[1], case[2])
      for g, times in ipairs(GROUPS) do
        local ex, ey = expected(times)
        assert.is_true(ex > 0 and ey > 0)
        for n = 1, 4 do
          local rank = 4 * (g - 1) + n
          assert.equal(ex, x[rank])
          assert.equal(ey, y[rank])
        end
      end
    end)
  end
end)
