-- A network with axonal spikes, run by tests/mpi_spec.lua under mpirun: refused with a message
-- on every process (axonal spikes are not exchanged between processes).
local ann = require("annarchy")
local net = ann.Network{dt = 1.0}
local pre = net:create{geometry = 4, name = "axons", neuron = ann.Neuron{
  equations = "v += 1", spike = "v >= 10", reset = "v = 0", axon_spike = "v >= 3"}}
local post = net:create{geometry = 4, neuron = ann.Neuron{equations = "x = g_exc", spike = "x > 1000"}}
net:connect{pre = pre, post = post, target = "exc",
  synapse = ann.Synapse{pre_axon_spike = "g_target += w"}}:all_to_all{weights = 1.0}
net:compile{silent = true}
net:simulate(5)
print("simulated")
