-- tests/mpi/divided_host.lua: what a script does with divided projections (divide_synapses)
-- between runs, each step followed by a line of rank 0 (a name and a hash) that
-- tests/mpi_spec.lua compares with one process's: reading a dendrite, a synapse and the
-- connectivity matrix; saving the network (spikes in flight through a projection of which the
-- first process holds no synapse included); writing one synapse; saving and loading a
-- projection; a monitor of weights added after a run (the projection is then held whole); synapses pruned
-- and created by the script; resetting the synapses; turning the division off and on again
-- between runs. Files are written by rank 0 into $MPI_TEST_DIR.
local ann = require("annarchy")
local state_hash = dofile("tools/state_hash.lua")

local IF = ann.Neuron{
  parameters = "tau_m = 10.0 : population\nvt = -54.0 : population\nvr = -60.0 : population",
  equations = "tau_m * dv/dt = -74.0 - v + g_exc * (0.0 - v) : init = -60.0\n5.0 * dg_exc/dt = - g_exc",
  spike = "v > vt", reset = "v = vr", refractory = 2.0,
}
local dir = assert(os.getenv("MPI_TEST_DIR"), "MPI_TEST_DIR")

local net = ann.Network{dt = 0.1, seed = 31}
local inp = net:create(ann.PoissonPopulation(900, {rates = 30.0}))
local post = net:create(1100, IF)
local stdp = ann.STDP{tau_plus = 20.0, tau_minus = 20.0, A_plus = 0.01, A_minus = 0.0105,
  w_min = 0.0, w_max = 0.05}
local proj = net:connect(inp, post, "exc", {synapse = stdp})
  :fixed_probability(0.08, ann.Uniform(0.0, 0.05), {delays = ann.Uniform(0.1, 4.0)})
local rec = net:connect(post, post, "exc"):fixed_number_pre(8, 0.02, {delays = 1.5})
-- onto the last neurons only: the first process holds none of its synapses, yet keeps the
-- spikes in flight that saving the network needs
net:connect(inp, post:range(801, 1100), "exc")
  :fixed_probability(0.05, 0.01, {delays = ann.Uniform(0.1, 6.0)})
local m = net:monitor(post, "spike")
net:config{divide_synapses = true, num_threads = 1, structural_plasticity = true}
net:compile{silent = true}

local function report(name, ...)
  local H = state_hash.hasher()
  for _, v in ipairs({...}) do
    if type(v) == "string" then H.str(v) else state_hash.feed_value(H, v) end
  end
  ann.mpi.print(("%-14s %s"):format(name, H.value()))
end

net:simulate(12.3)   -- spikes are in flight through the delays
local d = proj:dendrite(700)
report("dendrite", d.w, d.pre_ranks, proj:synapse(d.pre_ranks[2], 700).w)
report("matrix", proj:connectivity_matrix())
local saved = dir .. "/net.safetensors"
net:save(saved)      -- every process; rank 0 writes (the spikes in flight of `late` included)
if ann.mpi.rank() == 0 then
  local f = assert(io.open(saved, "rb"))
  report("saved", f:read("a"))
  f:close()
end
proj:dendrite(1).w = 0.04
local file = dir .. "/proj.safetensors"
proj:save(file)
net:simulate(5.0)
report("run", state_hash.network(net))
proj:load(file)      -- the weights of 5 ms ago
report("loaded", proj.w)
net:simulate(5.0)
report("after_load", state_hash.network(net))
local mw = net:monitor(proj:dendrite(10), "w")   -- recorded: held whole from now on
net:simulate(3.0)
report("recorded", mw:get("w"), state_hash.network(net))
-- synapses pruned and created by the script
local dr = rec:dendrite(1000)
dr:prune_synapse(dr.pre_ranks[1])
rec:dendrite(30):create_synapse(1099, {w = 0.03})
net:simulate(3.0)
report("restructured", state_hash.network(net), rec.nb_synapses)
net:reset{synapses = true}
net:config{divide_synapses = false}
net:simulate(4.0)
report("reset_whole", state_hash.network(net), rec.nb_synapses)
net:config{divide_synapses = true, num_threads = 2}
net:simulate(4.0)
report("divided_again", state_hash.network(net), m:get("spike"))
