-- bench/scaling.lua: the cost of a neuron-step as the network grows (issue 11). COBA neurons
-- with 80 random inputs each (bench/peers/models.lua coba_inputs: fixed_number_pre 64 + 16,
-- per-synapse weights, dt 0.1 ms) at 4 000 to 1 000 000 neurons, in float64 and float32, one
-- thread. Each size and type runs in its own process (so that its peak resident memory is its
-- own) and reports:
--   build      wall and CPU seconds from the first object to the end of compile (connectivity
--              and the kernels; the kernels come from the cache after the first run)
--   neuron-step  CPU and wall nanoseconds of simulate per neuron and step, measured after a
--              20 ms warm-up over about 2·10^8 neuron-steps (at least 100 steps): the best of
--              5 such windows
--   rate       the mean firing rate of neurons 1-1000 in the measured window (the synaptic
--              events per step grow with it)
--   memory     peak (VmHWM) and steady (VmRSS after the run) resident memory in MiB, the
--              projections' own bytes per synapse (net:memory_footprint) and the growth of
--              the resident memory over the process's start per synapse
-- Then it writes the table as a data file and draws it with bench/scaling.gp (gnuplot).
--
--   ./annlua bench/scaling.lua [--quick] [--out DIR]
--
-- --quick (or ANNLUA_BENCH_QUICK=1 in the environment) leaves out the 1 000 000-neuron row
-- and measures a quarter of the neuron-steps; its files go to build/bench unless --out says
-- otherwise. A full run writes docs/figures/scaling.dat and docs/figures/scaling.png.
local ann = require("annarchy")
local models = dofile("bench/peers/models.lua")

local SIZES = {4000, 16000, 64000, 256000, 1000000}
local DTYPES = {"float64", "float32"}
local NEURON_STEPS = 2e8
local WARMUP_MS = 20.0
local REPEATS = 5

local function status_mib(field)
  local f = assert(io.open("/proc/self/status"))
  local text = f:read("a")
  f:close()
  return tonumber(text:match(field .. ":%s*(%d+)")) / 1024
end

-- ---- one size, one type (the child process) -------------------------------------------------
local function measure_one(size, dtype, neuron_steps)
  local base = status_mib("VmRSS")
  local w0, c0 = ann.clock(), os.clock()
  local net, pop = models.coba_inputs(size, 42)
  local m = net:monitor(pop:range(1, math.min(1000, size)), "spike")
  net:config{num_threads = 1, dtype = dtype}
  net:compile{silent = true}
  local build_wall, build_cpu = ann.clock() - w0, os.clock() - c0
  net:simulate(WARMUP_MS)
  m:get("spike")   -- empties the monitor: the rate is the measured window's
  local steps = math.max(100, math.floor(neuron_steps / size))
  local duration = steps * 0.1
  -- the best of REPEATS windows: on a shared virtual machine one window varies by tens of %
  local sim_wall, sim_cpu, spikes = math.huge, math.huge, 0
  for _ = 1, REPEATS do
    local w1, c1 = ann.clock(), os.clock()
    net:simulate(duration)
    sim_wall = math.min(sim_wall, ann.clock() - w1)
    sim_cpu = math.min(sim_cpu, os.clock() - c1)
    for _, s in pairs(m:get("spike")) do spikes = spikes + #s end   -- emptied each window
  end
  spikes = spikes / REPEATS
  local synapses, proj_bytes = models.synapse_memory(net)
  print(("RESULT %d %s %d %.3f %.3f %d %.4f %.4f %.3f %.1f %.1f %.1f %d"):format(size, dtype,
    synapses, build_wall, build_cpu, steps, sim_wall, sim_cpu,
    spikes / math.min(1000, size) / (duration / 1000.0), status_mib("VmHWM"),
    status_mib("VmRSS"), base, proj_bytes))
end

if arg[1] == "--one" then
  measure_one(tonumber(arg[2]), arg[3], tonumber(arg[4]))
  os.exit(0)
end

-- ---- the driver ----------------------------------------------------------------------------
local quick = os.getenv("ANNLUA_BENCH_QUICK") == "1"
local out
do
  local i = 1
  while i <= #arg do
    if arg[i] == "--quick" then
      quick = true
    elseif arg[i] == "--out" then
      out = arg[i + 1] or error("--out needs a directory")
      i = i + 1
    else
      io.stderr:write("unknown option " .. arg[i] .. "\nusage: annlua bench/scaling.lua [--quick] [--out DIR]\n")
      os.exit(2)
    end
    i = i + 1
  end
end
out = out or (quick and "build/bench" or "docs/figures")
os.execute("mkdir -p '" .. out .. "'")
local neuron_steps = quick and NEURON_STEPS / 4 or NEURON_STEPS
local exe = arg[-1] or "./annlua"

local function run_child(size, dtype)
  local p = io.popen(("%s bench/scaling.lua --one %d %s %.0f 2>&1"):format(exe, size, dtype,
    neuron_steps))
  local text = p:read("a")
  p:close()
  local line = text:match("RESULT ([^\n]+)")
  if not line then error(("scaling: %d %s failed:\n%s"):format(size, dtype, text), 0) end
  local f = {}
  for w in line:gmatch("%S+") do f[#f + 1] = w end
  local r = {size = tonumber(f[1]), dtype = f[2], synapses = tonumber(f[3]),
    build_wall = tonumber(f[4]), build_cpu = tonumber(f[5]), steps = tonumber(f[6]),
    sim_wall = tonumber(f[7]), sim_cpu = tonumber(f[8]), rate = tonumber(f[9]),
    peak = tonumber(f[10]), steady = tonumber(f[11]), base = tonumber(f[12]),
    proj_bytes = tonumber(f[13])}
  r.ns_cpu = r.sim_cpu / (r.size * r.steps) * 1e9
  r.ns_wall = r.sim_wall / (r.size * r.steps) * 1e9
  r.proj_per_syn = r.proj_bytes / r.synapses
  r.rss_per_syn = (r.steady - r.base) * 1048576 / r.synapses
  return r
end

local load = (io.open("/proc/loadavg"):read("l") or ""):match("^(%S+ %S+ %S+)") or "?"
print(("COBA, 80 inputs per neuron, one thread; %s UTC, load average %s%s"):format(
  os.date("!%Y-%m-%d %H:%M"), load, quick and " (--quick)" or ""))
print(("%9s %7s %11s %8s %8s %9s %9s %6s %9s %9s %8s %8s"):format("neurons", "dtype",
  "synapses", "build s", "build cpu", "ns/n-step", "(wall)", "Hz", "peak MiB", "steady MiB",
  "B/syn", "RSS B/syn"))
local results = {}
for _, size in ipairs(SIZES) do
  if not (quick and size > 256000) then
    for _, dtype in ipairs(DTYPES) do
      local r = run_child(size, dtype)
      results[#results + 1] = r
      print(("%9d %7s %11d %8.2f %8.2f %9.2f %9.2f %6.2f %9.0f %9.0f %8.2f %8.2f"):format(r.size,
        r.dtype, r.synapses, r.build_wall, r.build_cpu, r.ns_cpu, r.ns_wall, r.rate, r.peak,
        r.steady, r.proj_per_syn, r.rss_per_syn))
      io.flush()
    end
  end
end

-- Growth from the smallest to the largest size, per type (CPU time per neuron-step).
for _, dtype in ipairs(DTYPES) do
  local first, last
  for _, r in ipairs(results) do
    if r.dtype == dtype then
      first = first or r
      last = r
    end
  end
  local g = last.ns_cpu / first.ns_cpu
  print(("%s: %.2f ns per neuron-step at %d neurons, %.2f at %d: x%.2f (target < 2: %s)"):format(
    dtype, first.ns_cpu, first.size, last.ns_cpu, last.size, g, g < 2 and "met" or "missed"))
end

-- The data file: one block per type, then the figure.
local data = out .. "/scaling.dat"
local f = assert(io.open(data, "w"))
f:write(("# bench/scaling.lua, %s UTC, load average %s%s\n"):format(os.date("!%Y-%m-%d %H:%M"),
  load, quick and ", --quick" or ""))
f:write("# neurons synapses build_wall_s build_cpu_s steps sim_wall_s sim_cpu_s ns_per_neuron_step_cpu" ..
  " ns_per_neuron_step_wall rate_hz peak_mib steady_mib bytes_per_synapse rss_bytes_per_synapse\n")
for k, dtype in ipairs(DTYPES) do
  if k > 1 then f:write("\n\n") end
  f:write("# ", dtype, "\n")
  for _, r in ipairs(results) do
    if r.dtype == dtype then
      f:write(("%d %d %.3f %.3f %d %.4f %.4f %.3f %.3f %.3f %.1f %.1f %.3f %.3f\n"):format(r.size,
        r.synapses, r.build_wall, r.build_cpu, r.steps, r.sim_wall, r.sim_cpu, r.ns_cpu, r.ns_wall,
        r.rate, r.peak, r.steady, r.proj_per_syn, r.rss_per_syn))
    end
  end
end
f:close()
local png = out .. "/scaling.png"
local ok = os.execute(("gnuplot -e \"data='%s'; output='%s'\" bench/scaling.gp"):format(data, png))
print(("data %s, figure %s%s"):format(data, png, (ok == true or ok == 0) and "" or " (gnuplot failed)"))
