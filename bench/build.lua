-- bench/build.lua: the time and memory of building a network's connectivity, on one and two
-- threads: COBA neurons with 80 random inputs each (64 excitatory, 16 inhibitory,
-- `fixed_number_pre`, per-synapse weights), as bench/threads.lua, at 64 000, 256 000 and
-- 1 000 000 neurons. Each case runs in its own process (so that its peak resident memory is
-- its own) and prints the build (`net:compile`, the kernels in the cache) in wall and CPU
-- time, the peak resident memory during the build and the resident memory after it.
--
--   ./annlua bench/build.lua [sizes...]      (default 64000 256000 1000000)
local ann = require("annarchy")

local function status_kb(field)
  local f = io.open("/proc/self/status")
  if not f then return 0 end
  local s = f:read("a")
  f:close()
  return tonumber(s:match(field .. ":%s*(%d+)")) or 0
end

-- One case in this process: "wall cpu peak_kb rss_kb synapses".
local function one(size, threads)
  local coba = dofile("examples/coba.lua")
  local net = ann.Network{dt = 0.1, seed = 42}
  local pop = net:create(size, coba.COBA)
  local n_exc = math.floor(size * 0.8)
  net:connect(pop:range(1, n_exc), pop, "exc"):fixed_number_pre(64, ann.Uniform(0.3, 0.9))
  net:connect(pop:range(n_exc + 1, size), pop, "inh"):fixed_number_pre(16, ann.Uniform(3.4, 10.0))
  net:config{num_threads = threads}
  local w0, c0 = ann.clock(), os.clock()
  net:compile{silent = true}
  local w, c = ann.clock() - w0, os.clock() - c0
  local synapses = 0
  for _, proj in ipairs(net:get_projections()) do synapses = synapses + proj.nb_synapses end
  return ("%.3f %.3f %d %d %d"):format(w, c, status_kb("VmHWM"), status_kb("VmRSS"), synapses)
end

if arg[1] == "--one" then
  io.write(one(tonumber(arg[2]), tonumber(arg[3])), "\n")
  return
end

local sizes = {}
for i = 1, #arg do sizes[#sizes + 1] = tonumber(arg[i]) end
if #sizes == 0 then sizes = {64000, 256000, 1000000} end
local exe = arg[-1] or "./annlua"

io.write(("%-34s %8s %10s %10s %10s %10s\n"):format("COBA, 80 inputs each", "threads", "build wall",
  "CPU", "peak MB", "after MB"))
for _, size in ipairs(sizes) do
  one(math.min(size, 4000), 1)   -- the kernels into the cache
  for threads = 1, 2 do
    local p = io.popen(("%s bench/build.lua --one %d %d"):format(exe, size, threads))
    local line = p:read("l") or ""
    p:close()
    local w, c, peak, rss, syn = line:match("^(%S+) (%S+) (%d+) (%d+) (%d+)")
    if not w then error("bench/build.lua: the case of " .. size .. " neurons failed: " .. line) end
    io.write(("%-34s %8d %9.2fs %9.2fs %10.0f %10.0f\n"):format(
      ("%d neurons, %.1e synapses"):format(size, tonumber(syn)), threads, tonumber(w), tonumber(c),
      tonumber(peak) / 1024, tonumber(rss) / 1024))
  end
end
