-- quickstart.lua: the smallest complete annlua script.
-- A population of leaky rate neurons relaxes towards its input; we read the rates back.
local ann = require("annarchy")

local Leaky = ann.Neuron{
  parameters = "tau = 10.0 : population\n I = 0.5",   -- time constant (ms), input per neuron
  equations  = "tau * dr/dt + r = I : exponential",
  name = "Leaky",
}

local net = ann.Network{dt = 1.0, seed = 42}
local pop = net:create(5, Leaky, {name = "leaky"})
pop.I = {0.1, 0.2, 0.3, 0.4, 0.5}         -- one input per neuron
local m = net:monitor(pop, "r")

net:compile()
net:simulate(50)                           -- 50 ms = 50 steps

local r = pop.r
print(("after %g ms, r = %s"):format(net.time, tostring(r)))
for i = 1, pop.size do
  -- exact solution of tau dr/dt + r = I after t ms (the exponential method is exact here)
  local exact = pop.I[i] * (1 - math.exp(-net.time / pop.tau))
  print(("  neuron %d: r = %.6f (exact %.6f)"):format(i, r[i], exact))
end
local recorded = m:get("r")
print(("recorded %d steps of r for %d neurons"):format(recorded.shape[1], pop.size))

-- annlua examples/quickstart.lua --plot quickstart.png draws the recorded rates
local figure
for i = 1, #arg do if arg[i] == "--plot" then figure = arg[i + 1] end end
if figure then
  ann.plot.traces(recorded, {file = figure, dt = net.dt, ylabel = "r", title = "Five leaky neurons",
    labels = {"I = 0.1", "I = 0.2", "I = 0.3", "I = 0.4", "I = 0.5"}})
end
