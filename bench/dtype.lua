-- bench/dtype.lua: float32 against float64 (net:config{dtype = ...}) on the rows bound by
-- memory traffic: Brunel's network (10^7 synapses, static and with STDP) and COBA with 80
-- inputs per neuron at 256 000 neurons (2·10^7 synapses). One thread; each network is built
-- and compiled once per type, warmed up, then simulated three times alternating the types (so
-- that both see the same load); the table gives the best CPU time of the three for each type,
-- the ratio float32 / float64 and the projections' bytes per synapse.
--
--   ./annlua bench/dtype.lua [--quick]      (--quick: a quarter of the durations)
local models = dofile("bench/peers/models.lua")

local quick = false
for i = 1, #arg do if arg[i] == "--quick" then quick = true end end
local scale = quick and 0.25 or 1.0

-- name, builder, ms simulated.
local CASES = {
  {"Brunel 10 000, static", function() return (models.brunel(10000, 42, 200)) end, 200},
  {"Brunel 10 000, STDP", function() return (models.brunel(10000, 42, 20, true)) end, 20},
  {"COBA 256 000, 80 inputs each", function() return (models.coba_inputs(256000, 42)) end, 40},
}

local function bytes_per_synapse(net)
  local synapses, bytes = models.synapse_memory(net)
  return bytes / synapses
end

io.write(("%-30s %12s %12s %9s %11s %11s\n"):format("network (ms simulated)", "float64 cpu",
  "float32 cpu", "32 / 64", "B/syn f64", "B/syn f32"))
for _, c in ipairs(CASES) do
  local duration = c[3] * scale
  local nets, best, bps = {}, {}, {}
  for _, dtype in ipairs{"float64", "float32"} do
    local net = c[2]()
    net:config{num_threads = 1, dtype = dtype}
    net:compile{silent = true}
    net:simulate(duration / 4)
    nets[dtype], best[dtype], bps[dtype] = net, math.huge, bytes_per_synapse(net)
  end
  for _ = 1, 3 do
    for _, dtype in ipairs{"float64", "float32"} do
      local t0 = os.clock()
      nets[dtype]:simulate(duration)
      best[dtype] = math.min(best[dtype], os.clock() - t0)
    end
  end
  io.write(("%-30s %11.3fs %11.3fs %9.3f %11.2f %11.2f\n"):format(("%s (%g)"):format(c[1], duration),
    best.float64, best.float32, best.float32 / best.float64, bps.float64, bps.float32))
  io.flush()
  for _, net in pairs(nets) do net:clear() end
  collectgarbage()
end
