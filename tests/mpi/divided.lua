-- tests/mpi/divided.lua: what each process holds of a projection dividing its synapses
-- (divide_synapses). 4 000 neurons, each with 64 inputs (fixed_number_pre), built twice: whole
-- and divided. Every process prints its rank, the projection's bytes it holds in either case
-- (net:memory_footprint(), the same after compile and after a run) and the synapses it counts
-- (proj.nb_synapses, the whole on every process); tests/mpi_spec.lua compares the parts with
-- the share of the neurons each process updates.
local ann = require("annarchy")

local N, INPUTS = 4000, 64
local Leaky = ann.Neuron{
  parameters = "tau = 10.0 : population",
  equations = "tau * dv/dt = -v + g_exc\n5.0 * dg_exc/dt = -g_exc",
  spike = "v > 1.0", reset = "v = 0.0",
}

-- a synaptic variable of its own besides w, set by compile to its initial value on every
-- synapse (each process sets its own, nothing is gathered)
local Trace = ann.Synapse{equations = "10.0 * dx/dt = -x : event-driven", pre_spike = "g_target += w\nx += 1.0"}

local function held(divide)
  local net = ann.Network{dt = 0.1, seed = 3}
  local pop = net:create(N, Leaky)
  local proj = net:connect(pop, pop, "exc", {synapse = Trace}):fixed_number_pre(INPUTS, ann.Uniform(0.0, 0.1))
  net:config{num_threads = 1, divide_synapses = divide}
  net:compile{silent = true}
  local compiled = net:memory_footprint()[proj.name]
  net:simulate(1.0)
  local ran = net:memory_footprint()[proj.name]
  assert(compiled == ran, ("%d bytes held after compile, %d after a run"):format(compiled, ran))
  return ran, proj.nb_synapses, proj, net
end

local whole = held(false)
local part, nsyn, proj, net = held(true)
-- a read of the whole after the count: every process gets every weight (and holds the whole
-- projection until the next run)
local w, nw = proj.w, 0
for _, row in ipairs(w) do nw = nw + #row end
local read = net:memory_footprint()[proj.name]
-- saving (every process; rank 0 writes) leaves each projection as its process's part
local file = os.tmpname()
net:save(file)
os.remove(file)
local saved = net:memory_footprint()[proj.name]
print(("rank %d of %d: whole %d part %d synapses %d weights %d"):format(ann.mpi.rank(),
  ann.mpi.size(), whole, part, nsyn, nw))
print(("rank %d of %d: read %d saved %d"):format(ann.mpi.rank(), ann.mpi.size(), read, saved))
