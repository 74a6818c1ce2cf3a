-- tests/mpi/connectors.lua: one network with a projection per connector, each built on
-- several processes in parts (every process draws its share of the rows and gathers the
-- others', or, with MPI_DIVIDE=1, keeps its own). Rank 0 prints, per projection, its name
-- and the hash of its connectivity (post ranks, pre ranks, weights and delays of every
-- dendrite), then the hash of a short run's state and spikes. tests/mpi_spec.lua compares the lines with one process's.
local ann = require("annarchy")
local state_hash = dofile("tools/state_hash.lua")

local IF = ann.Neuron{
  parameters = "tau = 10.0 : population\nvt = -54.0 : population\nvr = -60.0 : population",
  equations = "tau * dv/dt = -74.0 - v + g_exc * (0.0 - v) + g_inh * (-80.0 - v) : init = -60.0\n"
    .. "5.0 * dg_exc/dt = - g_exc\n10.0 * dg_inh/dt = - g_inh",
  spike = "v > vt", reset = "v = vr", refractory = 2.0,
}

local net = ann.Network{dt = 0.1, seed = 2024}
local inp = net:create(ann.PoissonPopulation(601, {rates = 40.0}))
-- sizes that no number of processes divides evenly; a geometry for gaussian and dog
local a = net:create(797, IF)
local b = net:create(523, IF)
local grid = net:create({19, 23}, IF)
local delays = ann.Uniform(0.1, 2.0)
local projs = {
  fixed_probability = net:connect(inp, a, "exc")
    :fixed_probability(0.05, ann.Uniform(0.0, 0.2), {delays = delays}),
  -- views: the rows are the view's post neurons, not the population's ranks
  probability_views = net:connect(inp:range(5, 400), b:range(100, 450, 2), "exc")
    :fixed_probability(0.1, 0.1, {delays = 1.0}),
  fixed_number_pre = net:connect(a, a, "inh"):fixed_number_pre(20, ann.Normal(0.3, 0.05), {delays = delays}),
  fixed_number_post = net:connect(a, b, "exc"):fixed_number_post(15, ann.Uniform(0.0, 0.3), {delays = delays}),
  all_to_all = net:connect(b, b, "inh"):all_to_all(ann.Uniform(0.0, 0.01), {delays = delays}),
  one_to_one = net:connect(inp:range(1, 523), b, "exc"):one_to_one(ann.Uniform(0.5, 1.0)),
  total_number = net:connect(b, a, "exc"):fixed_total_number(9000, ann.Uniform(0.0, 0.2), {delays = delays}),
  total_multapses = net:connect(a, a, "exc")
    :fixed_total_number(12000, 0.05, {delays = 0.5, allow_multapses = true}),
  gaussian = net:connect(grid, grid, "exc"):gaussian(0.3, 0.15, {delays = delays}),
  dog = net:connect(grid, grid, "inh"):dog(0.4, 0.1, 0.2, 0.3),
}
net:connect(inp:range(1, 437), grid, "exc"):fixed_probability(0.2, 0.3)

local threads = tonumber(os.getenv("ANNLUA_NUM_THREADS") or "1")
-- MPI_DIVIDE=1: each process draws and keeps only the rows of its neurons (divide_synapses);
-- the reads below then gather them
net:config{num_threads = threads, divide_synapses = os.getenv("MPI_DIVIDE") == "1"}
net:compile{silent = true}

local names = {}
for name in pairs(projs) do names[#names + 1] = name end
table.sort(names)
for _, name in ipairs(names) do
  local p = projs[name]
  local H = state_hash.hasher()
  state_hash.feed_value(H, p.post_ranks)
  state_hash.feed_value(H, p.pre_ranks)
  state_hash.feed_value(H, p.w)
  state_hash.feed_value(H, p.delay)
  ann.mpi.print(("%-18s %s %d"):format(name, H.value(), p.nb_synapses))
end

local ms = {net:monitor(a, "spike"), net:monitor(b, "spike"), net:monitor(grid, "spike")}
net:simulate(20.0)
local H = state_hash.hasher()
H.str(state_hash.network(net))
for _, m in ipairs(ms) do state_hash.feed_value(H, m:get("spike")) end
ann.mpi.print(("%-18s %s"):format("run", H.value()))
