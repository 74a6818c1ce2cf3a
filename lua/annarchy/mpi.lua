--- ann.mpi: the processes of a run started by an MPI launcher (`mpirun -np 4 annlua
-- script.lua`, docs/distributed.md). Every process runs the whole script; the networks are
-- shared between them and every read gives every process the whole population. Without a
-- launcher there is one process, of rank 0.
local runtime = require("annarchy.runtime")

local M = {}

--- This process's rank, 0 to size() - 1.
function M.rank() return runtime.mpi_rank() end

--- The number of processes of the run.
function M.size() return runtime.mpi_size() end

--- print(...) on the process of rank 0 only.
function M.print(...)
  if runtime.mpi_rank() == 0 then print(...) end
end

-- The transport starts now (under a launcher), before any network needs it, so that an error
-- anywhere in the script can stop every process.
runtime.mpi_size()

return M
