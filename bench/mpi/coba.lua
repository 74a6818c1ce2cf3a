-- bench/mpi/coba.lua: the network bench/mpi.lua runs under mpirun. COBA neurons with 80
-- random inputs each (the model of bench/threads.lua), or with `size` 1 a single neuron
-- (what is left is the cost of the step's exchange). Rank 0 prints the best wall time of
-- three runs of `duration` ms, the steps and the spikes of the last run, and the bytes of the
-- network's storage rank 0 holds (net:memory_footprint()). With DURATION 0, it
-- builds the network only and prints the wall time of compile (kernels found in the cache
-- when an earlier run stored them) and of the connectivity's drawing within it (the calls of
-- annarchy.connectors.build, parts and their exchange included).
--
--   mpirun -np K ./annlua bench/mpi/coba.lua SIZE DURATION [THREADS]
local ann = require("annarchy")

local size, duration = tonumber(arg[1]) or 64000, tonumber(arg[2]) or 200

local connectors = require("annarchy.connectors")
local build, drawing = connectors.build, 0
connectors.build = function(...)
  local t0 = ann.clock()
  local csr = build(...)
  drawing = drawing + ann.clock() - t0
  return csr
end

local function coba_inputs(n)
  local coba = dofile("examples/coba.lua")
  local net = ann.Network{dt = 0.1, seed = 42}
  local pop = net:create(n, coba.COBA)
  pop.v = ann.Normal(-55.0, 5.0)
  pop.g_exc = ann.Normal(4.0, 1.5)
  pop.g_inh = ann.Normal(20.0, 12.0)
  if n > 1 then
    local n_exc = math.floor(n * 0.8)
    net:connect(pop:range(1, n_exc), pop, "exc"):fixed_number_pre(64, ann.Uniform(0.3, 0.9))
    net:connect(pop:range(n_exc + 1, n), pop, "inh"):fixed_number_pre(16, ann.Uniform(3.4, 10.0))
  end
  return net, net:monitor(pop, "spike")
end

local net, m = coba_inputs(size)
-- MPI_DIVIDE=1: each process keeps only the synapses of its own neurons
net:config{num_threads = tonumber(arg[3]) or 1, divide_synapses = os.getenv("MPI_DIVIDE") == "1"}
local c0 = ann.clock()
net:compile{silent = true}
if duration == 0 then
  ann.mpi.print(("build %.6f drawing %.6f"):format(ann.clock() - c0, drawing))
  return
end
net:simulate(duration / 10)
local best = math.huge
for _ = 1, 3 do
  m:get("spike")   -- empties the monitor
  local w0 = ann.clock()
  net:simulate(duration)
  best = math.min(best, ann.clock() - w0)
end
local spikes = 0
for _, steps in pairs(m:get("spike")) do spikes = spikes + #steps end
-- the synapses rank 0 holds (bytes of its projections' storage)
local held = 0
for _, bytes in pairs(net:memory_footprint()) do held = held + bytes end
ann.mpi.print(("wall %.6f steps %d spikes %d held %d"):format(best, math.floor(duration / 0.1 + 0.5),
  spikes, held))
