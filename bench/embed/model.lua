-- bench/embed/model.lua: the 10-neuron network whose step the embedding benchmark times
-- (bench/embed.lua): leaky integrate-and-fire neurons with a constant drive, firing steadily.
local ann = require("annarchy")

local LIF = ann.Neuron{
  parameters = "tau = 10.0 : population\n drive = 1.5",
  equations = "tau * dv/dt = -v + drive",
  spike = "v > 1.0",
  reset = "v = 0.0",
  name = "LIF",
}

local net = ann.Network{dt = 0.1, seed = 1}
net:create(10, LIF, {name = "lif"})
net:compile{silent = true}
return {net = net}
