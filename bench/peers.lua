-- bench/peers.lua: annlua against Brian2 (C++ standalone), side by side, on the rows of
-- ../shared/PEERS.md, in one run on this machine.
--
--   ./annlua bench/peers.lua [--quick] [--only NAME[,NAME...]] [--reps N] [--no-brian]
--                            [--threads N[,N...]]
--
-- For every row: the same model is built in annlua (bench/peers/models.lua) and in Brian2
-- (bench/peers/brian2_bench.py, run with /usr/bin/python3, which sees Debian's python3-brian).
-- Simulate time only, one thread, float64, the median of 3 runs (--reps), each run a new
-- network (a new seed):
--   annlua  the process CPU time (os.clock) around net:simulate(duration), after compile;
--   Brian2  its own run time: std::clock() CPU time around the time-step loop of
--           Network::run inside the standalone binary (results/last_run_info.txt).
-- --threads 1,2 times each row with each thread count by the wall clock instead:
--   annlua  ann.clock() around net:simulate(duration) with net:config{num_threads = N};
--   Brian2  openmp_threads = N, whose run time is then omp_get_wtime() around the same loop.
-- The ratio is annlua / Brian2 at the largest N, and annlua at the largest N against the
-- better of Brian2's thread counts (the peer at its best); the target is THREADS_TARGET on
-- every row.
-- Both sides record the spikes of every spiking population (the sanity rates come from them).
-- The table gives both times, the ratio annlua / Brian2, the target of PEERS.md (half the
-- best peer, expressed against Brian2) and whether the ratio meets it. --quick shortens every
-- duration and runs once; --only runs the named rows (coba, cuba, izhikevich, rate, stdp,
-- coba64k, brunel, brunel_stdp); --no-brian times annlua alone. Brian2's projects are kept under build/peers/ so
-- that a second run recompiles only what changed.
local ann = require("annarchy")
local models = dofile("bench/peers/models.lua")

local PYTHON = "/usr/bin/python3"
local BRIAN_SCRIPT = "bench/peers/brian2_bench.py"
local BUILD = "build/peers"

local rows = {
  {name = "coba", label = "COBA 4000 (2 %), dt 0.1 ms", duration = 10000, quick = 1000,
   target = 0.50, unit = "Hz",
   build = function(seed, d) return models.lif("COBA", 4000, 0.02, seed, d) end},
  {name = "cuba", label = "CUBA 4000 (2 %), dt 0.1 ms", duration = 10000, quick = 1000,
   target = 0.32, unit = "Hz",
   build = function(seed, d) return models.lif("CUBA", 4000, 0.02, seed, d) end},
  {name = "izhikevich", label = "Izhikevich 800+200 all-to-all, dt 1 ms", duration = 10000,
   quick = 1000, target = 0.38, unit = "Hz",
   build = function(seed, d) return models.izhikevich(seed, d) end},
  {name = "rate", label = "rate-coded 1000 all-to-all, dt 1 ms", duration = 10000,
   quick = 1000, target = 0.42, unit = "<r>",
   build = function(seed) return models.rate(seed) end},
  {name = "stdp", label = "Song & Abbott STDP 1000 -> 1, dt 0.1 ms", duration = 100000,
   quick = 10000, target = 0.16, unit = "Hz",
   build = function(seed, d) return models.stdp(seed, d) end},
  {name = "coba64k", label = "COBA 80 inputs/neuron, 64 000 neurons", duration = 1000,
   quick = 200, target = 0.50, unit = "Hz",
   build = function(seed, d) return models.lif("COBA", 64000, 80 / 64000, seed, d) end},
  {name = "brunel", label = "Brunel 10 000, 10^7 syn., static", duration = 1000,
   quick = 200, target = 0.50, unit = "Hz",
   build = function(seed, d) return models.brunel(10000, seed, d, false) end},
  {name = "brunel_stdp", label = "Brunel 10 000, 10^7 syn., STDP", duration = 200,
   quick = 50, target = 0.50, unit = "Hz",
   build = function(seed, d) return models.brunel(10000, seed, d, true) end},
}
local THREADS_TARGET = 0.50
local ROW_NAMES = "coba, cuba, izhikevich, rate, stdp, coba64k, brunel, brunel_stdp"

-- ---- options -------------------------------------------------------------------------------
local quick, reps, only, with_brian, thread_counts = false, 3, nil, true, nil
do
  local i = 1
  while i <= #arg do
    local a = arg[i]
    if a == "--quick" then
      quick, reps = true, 1
    elseif a == "--reps" then
      reps = tonumber(arg[i + 1]) or error("--reps needs a number")
      i = i + 1
    elseif a == "--only" then
      only = {}
      for n in (arg[i + 1] or error("--only needs a name")):gmatch("[^,]+") do only[n] = true end
      i = i + 1
    elseif a == "--no-brian" then
      with_brian = false
    elseif a == "--threads" then
      thread_counts = {}
      for n in (arg[i + 1] or error("--threads needs a list")):gmatch("[^,]+") do
        local t = math.tointeger(tonumber(n))
        if not t or t < 1 then error("--threads: " .. n .. " is not a thread count") end
        thread_counts[#thread_counts + 1] = t
      end
      i = i + 1
    else
      io.stderr:write("unknown option " .. a .. "\n" ..
        "usage: annlua bench/peers.lua [--quick] [--only NAME[,NAME...]] [--reps N] [--no-brian]" ..
        " [--threads N[,N...]]\n")
      os.exit(2)
    end
    i = i + 1
  end
  if only then
    for n in pairs(only) do
      local known = false
      for _, r in ipairs(rows) do known = known or r.name == n end
      if not known then
        io.stderr:write("unknown benchmark " .. n .. " (" .. ROW_NAMES .. ")\n")
        os.exit(2)
      end
    end
  end
end

-- ---- helpers -------------------------------------------------------------------------------
local function median(t)
  local s = {}
  for i, v in ipairs(t) do s[i] = v end
  table.sort(s)
  local n = #s
  if n == 0 then return nil end
  if n % 2 == 1 then return s[(n + 1) / 2] end
  return (s[n / 2] + s[n / 2 + 1]) / 2
end

local function shell_quote(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end

--- annlua: `reps` runs, each a new network, on `threads` threads (nil: one thread, CPU time;
-- a number: wall time); returns the times and figures, or nil, reason.
local function run_annlua(row, duration, threads)
  local clock = threads and ann.clock or os.clock
  local times, figures = {}, {}
  for rep = 1, reps do
    local net, figure = row.build(rep, duration)
    if not net then return nil, figure end
    net:config{num_threads = threads or 1}
    net:compile{silent = true}
    collectgarbage()
    local t0 = clock()
    net:simulate(duration)
    times[rep] = clock() - t0
    figures[rep] = figure()
    net = nil   -- luacheck: ignore 311
    collectgarbage()
  end
  return times, figures
end

--- Brian2: builds the standalone project (openmp_threads = threads, 0 when nil) and runs it
-- `reps` times; returns the times and figures, or nil, reason.
local function run_brian(row, duration, threads)
  local dir = ("%s/brian2_%s_%d%s"):format(BUILD, row.name, math.floor(duration),
    threads and ("_omp%d"):format(threads) or "")
  os.execute("mkdir -p " .. shell_quote(dir))
  local log = dir .. ".log"
  local cmd = ("%s %s %s %s %d %s %d 2> %s"):format(PYTHON, shell_quote(BRIAN_SCRIPT), row.name,
    tostring(duration), reps, shell_quote(dir), threads or 0, shell_quote(log))
  local p = io.popen(cmd)
  local out = p:read("a")
  p:close()
  local last = out:match("([^\n]*)\n?$") or ""
  local runs = last:match('"runs": %[(.*)%]')
  if not runs then
    return nil, "Brian2 failed (see " .. log .. ")"
  end
  local times, figures = {}, {}
  for t, f in runs:gmatch('"time": ([%d%.eE+-]+), "figure": ([%w%.eE+-]+)') do
    times[#times + 1] = tonumber(t)
    figures[#figures + 1] = tonumber(f) or (0 / 0)
  end
  if #times == 0 then return nil, "Brian2 printed no run (see " .. log .. ")" end
  return times, figures
end

local function brian_available()
  if not with_brian then return false, "not run (--no-brian)" end
  local ok = os.execute(PYTHON .. " -c 'import brian2' > /dev/null 2>&1")
  if ok == true or ok == 0 then return true end
  return false, "Brian2 not found for " .. PYTHON
end

local function cpu_name()
  local f = io.open("/proc/cpuinfo")
  if not f then return "unknown CPU" end
  local text = f:read("a")
  f:close()
  local name = text:match("model name%s*:%s*([^\n]+)") or "unknown CPU"
  local cores = select(2, text:gsub("\nprocessor%s*:", "")) + (text:match("^processor") and 1 or 0)
  return ("%s, %d logical CPUs"):format(name, cores)
end

-- ---- the run -------------------------------------------------------------------------------
local function all(t)
  local s = {}
  for i, v in ipairs(t) do s[i] = ("%.3f"):format(v) end
  return table.concat(s, ", ") .. " s"
end

local function duration_text(ms)
  return ms >= 1000 and ("%g s"):format(ms / 1000) or ("%g ms"):format(ms)
end

local function selected_rows()
  local out = {}
  for _, row in ipairs(rows) do
    if not only or only[row.name] then out[#out + 1] = row end
  end
  return out
end

--- One row on `threads` threads (nil: the default mode): annlua, then Brian2. Returns
-- {time, figure} or {err} for each side.
local function measure(row, duration, threads, brian_ok, brian_why)
  local a, b = {}, {}
  local ok, times, figures = pcall(run_annlua, row, duration, threads)
  if not ok then
    a.err = "error: " .. tostring(times):gsub("\n.*", "")
  elseif not times then
    a.err = figures
  else
    a.time, a.figure, a.all = median(times), median(figures), times
  end
  if a.err then
    b.err = "not run"
  elseif brian_ok then
    local bt, bf = run_brian(row, duration, threads)
    if bt then b.time, b.figure, b.all = median(bt), median(bf), bt else b.err = bf end
  else
    b.err = brian_why
  end
  io.stderr:write(("   %s: annlua %s; Brian2 %s\n"):format(
    threads and ("%d thread%s"):format(threads, threads > 1 and "s" or "") or "default",
    a.all and all(a.all) or a.err, b.all and all(b.all) or b.err))
  return a, b
end

local function figures_text(row, a, b)
  local fmt = row.unit == "Hz" and "%.2f" or "%.4f"
  return (fmt .. " / %s %s"):format(a.figure, b.figure and fmt:format(b.figure) or "-", row.unit)
end

local brian_ok, brian_why = brian_available()
local mode = thread_counts and "wall clock, threads " .. table.concat(thread_counts, " and ")
  or "one thread, CPU time"
print(("annlua vs Brian2 standalone: simulate time, median of %d run%s, %s, float64%s")
  :format(reps, reps > 1 and "s" or "", mode, quick and " (--quick: short durations)" or ""))
print(("date %s, %s, load average %s"):format(os.date("!%Y-%m-%d %H:%M UTC"), cpu_name(),
  (io.open("/proc/loadavg") or io.stdin):read("l"):match("^(%S+ %S+ %S+)") or "?"))
if not brian_ok then print("Brian2: " .. brian_why) end

local failed = 0
local function verdict(q, target)
  if q > target then failed = failed + 1 end
  return q <= target and "pass" or "FAIL"
end

if not thread_counts then
  local results = {}
  for _, row in ipairs(selected_rows()) do
    local duration = quick and row.quick or row.duration
    io.stderr:write(("-- %s, %g ms ...\n"):format(row.name, duration))
    local a, b = measure(row, duration, nil, brian_ok, brian_why)
    results[#results + 1] = {row = row, duration = duration, a = a, b = b}
  end
  print(("%-40s %9s %11s %11s %7s %7s %5s  %s"):format("benchmark", "duration",
    "annlua", "Brian2", "ratio", "target", "", "figures annlua / Brian2"))
  for _, r in ipairs(results) do
    local row, a, b = r.row, r.a, r.b
    if a.err then
      print(("%-40s %9s %s"):format(row.label, duration_text(r.duration), a.err))
    else
      local ratio, v = "-", ""
      if b.time then
        ratio = ("%.3f"):format(a.time / b.time)
        v = verdict(a.time / b.time, row.target)
      end
      print(("%-40s %9s %9.3f s %9s %7s %7s %5s  %s"):format(row.label, duration_text(r.duration),
        a.time, b.time and ("%.3f s"):format(b.time) or "-", ratio, ("<= %.2f"):format(row.target),
        v, figures_text(row, a, b)))
      if b.err then print(("%-40s %9s Brian2: %s"):format("", "", b.err)) end
    end
  end
else
  -- Every thread count of a row, then the next row: both simulators see the same load.
  local results = {}
  for _, row in ipairs(selected_rows()) do
    local duration = quick and row.quick or row.duration
    io.stderr:write(("-- %s, %g ms ...\n"):format(row.name, duration))
    local r = {row = row, duration = duration, a = {}, b = {}}
    for k, threads in ipairs(thread_counts) do
      r.a[k], r.b[k] = measure(row, duration, threads, brian_ok, brian_why)
    end
    results[#results + 1] = r
  end
  local n = #thread_counts
  local cols = {}
  for _, t in ipairs(thread_counts) do cols[#cols + 1] = ("%9s"):format("annlua " .. t) end
  for _, t in ipairs(thread_counts) do cols[#cols + 1] = ("%9s"):format("Brian2 " .. t) end
  print(("%-36s %8s %s %7s %7s %7s %5s  %s"):format("benchmark (wall clock)", "duration",
    table.concat(cols, " "), "ratio", "vs best", "target", "", "figures at " ..
    thread_counts[n] .. " threads"))
  for _, r in ipairs(results) do
    local cells, best = {}, math.huge
    for k = 1, n do cells[#cells + 1] = r.a[k].time and ("%8.3fs"):format(r.a[k].time) or "        -" end
    for k = 1, n do
      cells[#cells + 1] = r.b[k].time and ("%8.3fs"):format(r.b[k].time) or "        -"
      if r.b[k].time then best = math.min(best, r.b[k].time) end
    end
    local a, b = r.a[n], r.b[n]
    local ratio, vs_best, v = "-", "-", ""
    if a.time and b.time then
      ratio = ("%.3f"):format(a.time / b.time)
      vs_best = ("%.3f"):format(a.time / best)
      v = verdict(a.time / b.time, THREADS_TARGET)
    end
    print(("%-36s %8s %s %7s %7s %7s %5s  %s"):format(r.row.label, duration_text(r.duration),
      table.concat(cells, " "), ratio, vs_best, ("<= %.2f"):format(THREADS_TARGET), v,
      a.time and figures_text(r.row, a, b) or (a.err or "")))
    for k = 1, n do
      if r.b[k].err and a.time then
        print(("%-36s Brian2 %d: %s"):format("", thread_counts[k], r.b[k].err))
      end
    end
  end
end
print(("%d row%s over target"):format(failed, failed == 1 and "" or "s"))
