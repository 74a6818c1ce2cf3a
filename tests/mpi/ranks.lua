-- tests/mpi/ranks.lua: ann.mpi under mpirun (tests/mpi_spec.lua). Each process writes its rank
-- and the process count to stderr, rank 0 prints once through ann.mpi.print; with FAIL_RANK
-- set, that process fails after the network is built, while the others run it.
local ann = require("annarchy")

io.stderr:write(("rank %d of %d\n"):format(ann.mpi.rank(), ann.mpi.size()))
local net = ann.Network{dt = 0.1, seed = 3}
local pop = net:create(600, ann.Neuron{equations = "dv/dt = (1.5 - v) / 10", spike = "v > 1", reset = "v = 0"})
net:compile{silent = true}
if tonumber(os.getenv("FAIL_RANK")) == ann.mpi.rank() then error("a fault on this process") end
net:simulate(500)
ann.mpi.print("done", pop.v:sum())
