-- tools/fingerprint.lua: one line per benchmark model of bench/peers/models.lua (and two small
-- delayed/plastic networks), each the hash of everything the run leaves: the recorded
-- spikes, every attribute of every population and every projection, after a short simulation
-- with a fixed seed. A refactor, or a change of thread or process count, must not change a line.
--
--   ./annlua tools/fingerprint.lua [--out FILE]      (compare two runs with diff)
local ann = require("annarchy")
local models = dofile("bench/peers/models.lua")

local out = nil
for i = 1, #arg do if arg[i] == "--out" then out = arg[i + 1] end end

local fingerprint = dofile("tools/state_hash.lua").network

local cases = {
  {"coba", function() return models.lif("COBA", 4000, 0.02, 1234, 200) end, 200},
  {"cuba", function() return models.lif("CUBA", 4000, 0.02, 1234, 200) end, 200},
  {"izhikevich", function() return models.izhikevich(1234, 200) end, 200},
  {"rate", function() return models.rate(1234) end, 200},
  {"stdp", function() return models.stdp(1234, 500) end, 500},
}

local lines = {}
for _, c in ipairs(cases) do
  local net, figure = c[2]()
  net:compile()
  net:simulate(c[3])
  local _, spikes = figure()
  lines[#lines + 1] = string.format("%-12s %s", c[1], fingerprint(net, spikes))
  ann.mpi.print(lines[#lines])
end
if out and ann.mpi.rank() == 0 then
  local f = assert(io.open(out, "w"))
  f:write(table.concat(lines, "\n"), "\n")
  f:close()
end
