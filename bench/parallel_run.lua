-- bench/parallel_run.lua: net:parallel_run with its copies one after the other in this process
-- (max_processes = 1) against the copies at the same time in child processes (max_processes
-- = the number of copies), in one run: two copies of the COBA network of 4 000 neurons (2 %
-- connectivity), each on one thread, built, compiled (a cache hit) and simulated. The two ways
-- alternate three times; prints the best wall time of each, the ratio, and whether both ways
-- gave the same spikes.
--
--   ./annlua bench/parallel_run.lua [--quick] [--copies N]   (--quick: 1 s simulated, not 5 s)
local ann = require("annarchy")
local coba = dofile("examples/coba.lua")

local duration, copies = 5000.0, 2
for i = 1, #arg do
  if arg[i] == "--quick" then duration = 1000.0 end
  if arg[i] == "--copies" then copies = assert(tonumber(arg[i + 1]), "--copies N") end
end

local Coba = ann.Network:extend(function(net, args)
  local size = args.size
  local n_exc = math.floor(size * 0.8)
  local pop = net:create(size, coba.COBA)
  pop.v = ann.Normal(-55.0, 5.0)
  pop.g_exc = ann.Normal(4.0, 1.5)
  pop.g_inh = ann.Normal(20.0, 12.0)
  net:connect(pop:range(1, n_exc), pop, "exc"):fixed_probability(0.02, 0.6)
  net:connect(pop:range(n_exc + 1, size), pop, "inh"):fixed_probability(0.02, 6.7)
  net.m = net:monitor(pop, "spike")
  net:config{num_threads = 1}
end)

-- A copy's result: its number of spikes and the sum of their times (equal sums: equal spikes,
-- to within the order of the additions, which is the same in both ways).
local function run(copy, args)
  copy:simulate(args.duration)
  local spikes = copy.m:get("spike")
  local count, sum = 0, 0.0
  for rank = 0, copy.m.object.size - 1 do
    for _, t in ipairs(spikes[rank] or {}) do count, sum = count + 1, sum + t * (rank + 1) end
  end
  return {count, sum}
end

local net = Coba{dt = 0.1, seed = 42, size = 4000}
net:compile{silent = true}                       -- fills the kernel cache: copies find it there

local function timed(max_processes)
  local t0 = ann.clock()
  local results = net:parallel_run(run, copies, {seeds = "sequential", duration = duration,
                                                  max_processes = max_processes})
  return ann.clock() - t0, results
end

local seq, par, same = math.huge, math.huge, true
for _ = 1, 3 do
  local s_time, s_results = timed(1)
  local p_time, p_results = timed(copies)
  seq, par = math.min(seq, s_time), math.min(par, p_time)
  for k = 1, copies do
    same = same and s_results[k][1] == p_results[k][1] and s_results[k][2] == p_results[k][2]
  end
end
io.write(("parallel_run: %d copies of COBA 4 000 (%g ms each, one thread each)\n"):format(copies, duration))
io.write(("  one after the other %8.3f s (best of 3)\n"):format(seq))
io.write(("  at the same time    %8.3f s (best of 3)\n"):format(par))
io.write(("  speed-up %.2fx, same spikes: %s\n"):format(seq / par, same and "yes" or "NO"))
