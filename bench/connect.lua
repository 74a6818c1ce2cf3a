-- bench/connect.lua: time to build 10^7 synapses with fixed_probability (issue 5), and the
-- memory they take. ANNarchy 5.0.3 needs 125-150 s for 5.1 * 10^6 synapses (PEERS.md).
-- Two cases: a rate-coded projection (post-major, gather) and a spiking one (pre-major,
-- scatter), each 10000 -> 10000 neurons at p = 0.1, constant weights (one shared weight) and
-- weights drawn from a distribution (one weight per synapse).
local ann = require("annarchy")
local core = require("annarchy.core")
local clock = core.clock or os.clock

local Rate = ann.Neuron{parameters = "r = 0.0", name = "Rate"}
local Spike = ann.Neuron{parameters = "v = 0.0", spike = "v > 1.0", name = "Spike"}

local N, P = 10000, 0.1

local function case(neuron, weights, label)
  local net = ann.Network{seed = 1}
  local a = net:create(N, neuron)
  local b = net:create(N, neuron)
  local proj = net:connect(a, b, "exc"):fixed_probability(P, weights)
  net:compile{silent = true}    -- warm up the kernel cache: only the build is timed below
  local t0 = clock()
  net:reset{synapses = true, populations = false, monitors = false}
  local dt = clock() - t0
  local n = proj.nb_synapses
  local bytes = net._.rt:proj_bytes(proj._.id)
  io.write(("%-34s %d synapses in %.2f s (%.1f M synapses/s), %.1f bytes/synapse\n"):format(
    label, n, dt, n / dt / 1e6, bytes / n))
end

io.write(("fixed_probability(%g) between %d and %d neurons:\n"):format(P, N, N))
case(Rate, 1.0, "rate-coded, shared weight")
case(Rate, ann.Uniform(0.0, 1.0), "rate-coded, Uniform weights")
case(Spike, 1.0, "spiking, shared weight")
case(Spike, ann.Uniform(0.0, 1.0), "spiking, Uniform weights")
