-- A single Izhikevich neuron driven by a constant current spikes at exactly the steps of an
-- independent explicit-Euler integration (tests/reference/izhikevich_euler.lua).
local ann = require("annarchy")
local euler = dofile("tests/reference/izhikevich_euler.lua")

local Izh = ann.Neuron{
  parameters = "a = 0.02\n b = 0.2\n c = -65.0\n d = 8.0\n v_thresh = 30.0\n I = 10.0",
  equations = [[
    dv/dt = 0.04 * v^2 + 5.0 * v + 140.0 - u + I : init = -65.0
    du/dt = a * (b * v - u) : init = -13.0
  ]],
  spike = "v > v_thresh",
  reset = "v = c\n u += d",
  name = "Izhikevich",
}

for _, case in ipairs{{dt = 1.0, I = 10.0, pattern = "regular spiking"},
                      {dt = 0.1, I = 10.0, pattern = "regular spiking"},
                      {dt = 0.5, I = 5.0, c = -50.0, d = 2.0, pattern = "chattering"}} do
  describe(("Izhikevich, dt = %g, %s"):format(case.dt, case.pattern), function()
    it("spikes at the independent integration's steps", function()
      local p = {a = 0.02, b = 0.2, c = case.c or -65.0, d = case.d or 8.0, v_thresh = 30.0, I = case.I,
                 dt = case.dt}
      local steps = math.floor(1000 / case.dt)
      local expected, trace = euler(p, steps)
      local net = ann.Network{dt = case.dt}
      local pop = net:create(1, Izh)
      pop.I = p.I
      pop.c = p.c
      pop.d = p.d
      pop.v = p.c
      pop.u = p.b * p.c
      local m = net:monitor(pop, {"spike", "v"})
      net:compile{silent = true}
      net:simulate(1000)
      local data = m:get()
      assert.is_true(#expected > 5)
      assert.same(expected, data.spike[1])
      for k = 1, steps, 97 do
        assert.near(trace[k], data.v[k][1], 1e-9 * math.max(1, math.abs(trace[k])))
      end
    end)
  end)
end
