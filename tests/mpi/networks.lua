-- tests/mpi/networks.lua: six short networks whose state must be the same bits however many
-- processes (mpirun -np K) and threads (ANNLUA_NUM_THREADS) run them. Rank 0 prints one line
-- per network: its name and the hash of everything the run leaves (tools/state_hash.lua) with
-- what its monitors recorded, then the hash of a saved state file (written by rank 0 into
-- the directory $MPI_TEST_DIR, when set). tests/mpi_spec.lua compares them with one process.
local ann = require("annarchy")
local state_hash = dofile("tools/state_hash.lua")
local coba = dofile("examples/coba.lua")

local threads = tonumber(os.getenv("ANNLUA_NUM_THREADS") or "1")
-- MPI_DIVIDE=1: projections keep their synapses only on the process of their post neurons
local divide = os.getenv("MPI_DIVIDE") == "1"

local function hash_of_monitor(H, m, name)
  state_hash.feed_value(H, m:get(name))
end

local cases = {}

-- COBA: 3 000 neurons at 2 %, spikes of all and v of a few recorded, a callback
cases[#cases + 1] = {"coba", function()
  local net, pop, m = coba.build("COBA", 1234, 3000, 0.02)
  local mv = net:monitor(pop[{1, 2, 1500, 2999}], "v")
  -- a callback reading and writing the whole population during simulate
  net:every(5.0, function() pop.g_exc = pop.g_exc * 1.01 end)
  return net, 40, function(H)
    state_hash.feed_value(H, m:get("spike"))
    hash_of_monitor(H, mv, "v")
  end
end}

-- STDP with per-synapse delays onto 2 000 neurons, and recurrent uniform delays
local IF = ann.Neuron{
  parameters = "tau_m = 10.0 : population\nvt = -54.0 : population\nvr = -60.0 : population",
  equations = "tau_m * dv/dt = -74.0 - v + g_exc * (0.0 - v) : init = -60.0\n5.0 * dg_exc/dt = - g_exc",
  spike = "v > vt", reset = "v = vr", refractory = 2.0,
}
cases[#cases + 1] = {"stdp_delays", function()
  local net = ann.Network{dt = 0.1, seed = 77}
  local inp = net:create(ann.PoissonPopulation(1200, {rates = 30.0}))
  local post = net:create(2000, IF)
  local stdp = ann.STDP{tau_plus = 20.0, tau_minus = 20.0, A_plus = 0.01, A_minus = 0.0105,
    w_min = 0.0, w_max = 0.05}
  net:connect(inp, post, "exc", {synapse = stdp})
    :fixed_probability(0.05, ann.Uniform(0.0, 0.05), {delays = ann.Uniform(0.1, 3.0)})
  net:connect(post, post, "exc"):fixed_number_pre(10, 0.02, {delays = 1.5})
  local m = net:monitor(post, "spike")
  return net, 30, function(H) state_hash.feed_value(H, m:get("spike")) end
end}

-- rate-coded: delayed pre values, a Hebbian synapse, a global operation in the neurons
local Leaky = ann.Neuron{
  parameters = "tau = 10.0 : population\nI = 0.0",
  equations = "tau * dr/dt + r = sum(exc) + I - 0.1 * mean(r)",
}
local Hebb = ann.Synapse{parameters = "eta = 0.001 : projection",
  equations = "dw/dt = eta * (pre.r * post.r - w)"}
cases[#cases + 1] = {"rate", function()
  local net = ann.Network{dt = 1.0, seed = 5}
  local pop = net:create(1500, Leaky)
  pop.I = ann.Uniform(0.0, 1.0)
  net:connect(pop, pop, "exc", {synapse = Hebb})
    :fixed_probability(0.1, ann.Uniform(0.0, 0.001), {delays = 2.0})
  local m = net:monitor(pop[{1, 700, 1400}], "r", {period = 3.0})
  return net, 30, function(H) hash_of_monitor(H, m, "r") end
end}

-- structural plasticity: pruning and creating on a plastic rate-coded projection
local Structural = ann.Synapse{
  parameters = "eta = 0.001 : projection",
  equations = "dw/dt = eta * (pre.r * post.r - w)",
  psp = "w * pre.r",
  pruning = ann.Pruning("w < 0.0005", {proba = 0.5}),
  creating = ann.Creating("pre.r > 0.8 and post.r > 0.8", {proba = 0.1, w = 0.001}),
}
cases[#cases + 1] = {"structural", function()
  local net = ann.Network{dt = 1.0, seed = 9}
  net:config{structural_plasticity = true}
  local pop = net:create(1200, Leaky)
  pop.I = ann.Uniform(0.0, 1.0)
  local proj = net:connect(pop, pop, "exc", {synapse = Structural})
    :fixed_probability(0.05, ann.Uniform(0.0, 0.002))
  return net, 30, function(H) H.num(proj.nb_synapses); H.num(pop.r:mean()) end, function()
    proj:start_pruning(5.0)
    proj:start_creating(7.0)
  end
end}

-- shared weights: a Copy and a Transpose of a plastic projection (they run on every process
-- over every neuron, reading the original's weights at every step), a Pooling
local LeakyEI = ann.Neuron{
  parameters = "tau = 10.0 : population\nI = 0.0",
  equations = "tau * dr/dt + r = sum(exc) - sum(inh) + 0.1 * sum(fb) + I",
}
cases[#cases + 1] = {"shared", function()
  local net = ann.Network{dt = 1.0, seed = 11}
  local a = net:create(900, LeakyEI)
  local b = net:create(900, LeakyEI)
  local c = net:create(900, LeakyEI)
  local img = net:create({30, 30}, LeakyEI)
  local pooled = net:create({15, 15}, LeakyEI)
  a.I = ann.Uniform(0.0, 1.0)
  c.I = ann.Uniform(0.0, 0.5)
  img.I = ann.Uniform(0.0, 1.0)
  local fwd = net:connect(a, b, "exc", {synapse = Hebb}):fixed_probability(0.05, ann.Uniform(0.0, 0.01))
  net:connect(ann.Copy(c, b, "inh")):connect_copy(fwd)
  net:connect(ann.Transpose(fwd, "fb")):transpose()
  net:connect(ann.Pooling(img, pooled, "exc", {operation = "max"})):pooling()
  return net, 20, function(H) H.num(a.r:sum()); H.num(b.r:sum()) end
end}

-- axonal spikes: a population emitting spikes and axonal spikes, both transmitted (the axonal
-- ones through pre_axon_spike) to itself and to a second population, both kinds recorded
local Axonal = ann.Neuron{
  parameters = "tau = 10.0 : population\nI = 0.0",
  equations = "tau * dv/dt = I - v + g_exc : init = 0.0\n5.0 * dg_exc/dt = -g_exc",
  spike = "v > 1.0", reset = "v = 0.0",
  axon_spike = "v > 0.7", axon_reset = "v -= 0.05",
}
local Both = ann.Synapse{pre_spike = "g_target += w", pre_axon_spike = "g_target += 0.5 * w"}
cases[#cases + 1] = {"axonal", function()
  local net = ann.Network{dt = 0.5, seed = 13}
  local a = net:create(1500, Axonal)
  local b = net:create(1200, Axonal)
  a.I = ann.Uniform(0.8, 2.0)
  net:connect(a, a, "exc", {synapse = Both}):fixed_probability(0.02, ann.Uniform(0.0, 0.05))
  net:connect(a, b, "exc", {synapse = Both}):fixed_number_pre(40, ann.Uniform(0.0, 0.08))
  local ma = net:monitor(a, {"spike", "axon_spike"})
  local mb = net:monitor(b, "spike")
  return net, 40, function(H)
    state_hash.feed_value(H, ma:get("spike"))
    state_hash.feed_value(H, ma:get("axon_spike"))
    state_hash.feed_value(H, mb:get("spike"))
  end
end}

local function file_hash(path)
  local f = assert(io.open(path, "rb"))
  local data = f:read("a")
  f:close()
  local H = state_hash.hasher()
  H.str(data)
  return H.value()
end

local dir = os.getenv("MPI_TEST_DIR")
for _, c in ipairs(cases) do
  local net, ms, extra, after_compile = c[2]()
  net:config{num_threads = threads, divide_synapses = divide}
  net:compile{silent = true}
  if after_compile then after_compile() end
  -- two runs with a callback between them: writes from the script between runs
  net:simulate(ms / 2)
  for _, pop in ipairs(net:get_populations()) do
    if pop.name then pop[pop.attributes[1]] = pop[pop.attributes[1]] end
  end
  -- and of the projections' weights (read whole, written back: divided projections are
  -- gathered, then divided again by the next run, spikes in flight included)
  for _, proj in ipairs(net:get_projections()) do
    local ok, w = pcall(function() return proj.w end)   -- shared weights have none
    if ok and w ~= nil then proj.w = w end
  end
  -- the second half on another number of threads: the blocks of the processes move
  net:config{num_threads = threads == 1 and 2 or 1}
  net:simulate(ms / 2)
  local H = state_hash.hasher()
  H.str(state_hash.network(net))
  extra(H)
  local line = ("%-12s %s"):format(c[1], H.value())
  if dir then
    local path = ("%s/%s.safetensors"):format(dir, c[1])
    -- divided, saving reads the projections with every process (rank 0 writes)
    if divide or ann.mpi.rank() == 0 then net:save(path) end
    line = line .. " " .. (ann.mpi.rank() == 0 and file_hash(path) or "")
  end
  ann.mpi.print(line)
end
