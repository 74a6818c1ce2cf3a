-- bench/peers.lua: annlua against Brian2 (C++ standalone), side by side, on the rows of
-- ../shared/PEERS.md, in one run on this machine.
--
--   ./annlua bench/peers.lua [--quick] [--only NAME[,NAME...]] [--reps N] [--no-brian]
--
-- For every row: the same model is built in annlua (bench/peers/models.lua) and in Brian2
-- (bench/peers/brian2_bench.py, run with /usr/bin/python3, which sees Debian's python3-brian).
-- Simulate time only, one thread, float64, the median of 3 runs (--reps), each run a new
-- network (a new seed):
--   annlua  the process CPU time (os.clock) around net:simulate(duration), after compile;
--   Brian2  its own run time: std::clock() CPU time around the time-step loop of
--           Network::run inside the standalone binary (results/last_run_info.txt).
-- Both sides record the spikes of every spiking population (the sanity rates come from them).
-- The table gives both times, the ratio annlua / Brian2, the target of PEERS.md (half the
-- best peer, expressed against Brian2) and whether the ratio meets it. --quick shortens every
-- duration and runs once; --only runs the named rows (coba, cuba, izhikevich, rate, stdp,
-- coba64k); --no-brian times annlua alone. Brian2's projects are kept under build/peers/ so
-- that a second run recompiles only what changed.
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
}

-- ---- options -------------------------------------------------------------------------------
local quick, reps, only, with_brian = false, 3, nil, true
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
    else
      io.stderr:write("unknown option " .. a .. "\n" ..
        "usage: annlua bench/peers.lua [--quick] [--only NAME[,NAME...]] [--reps N] [--no-brian]\n")
      os.exit(2)
    end
    i = i + 1
  end
  if only then
    for n in pairs(only) do
      local known = false
      for _, r in ipairs(rows) do known = known or r.name == n end
      if not known then
        io.stderr:write("unknown benchmark " .. n .. " (coba, cuba, izhikevich, rate, stdp, coba64k)\n")
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

--- annlua: `reps` runs, each a new network; returns the times and figures, or nil, reason.
local function run_annlua(row, duration)
  local times, figures = {}, {}
  for rep = 1, reps do
    local net, figure = row.build(rep, duration)
    if not net then return nil, figure end
    net:config{num_threads = 1}
    net:compile{silent = true}
    collectgarbage()
    local t0 = os.clock()
    net:simulate(duration)
    times[rep] = os.clock() - t0
    figures[rep] = figure()
    net = nil   -- luacheck: ignore 311
    collectgarbage()
  end
  return times, figures
end

--- Brian2: builds the standalone project and runs it `reps` times; returns the times and
-- figures, or nil, reason.
local function run_brian(row, duration)
  local dir = ("%s/brian2_%s_%d"):format(BUILD, row.name, math.floor(duration))
  os.execute("mkdir -p " .. shell_quote(dir))
  local log = dir .. ".log"
  local cmd = ("%s %s %s %s %d %s 2> %s"):format(PYTHON, shell_quote(BRIAN_SCRIPT), row.name,
    tostring(duration), reps, shell_quote(dir), shell_quote(log))
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
local brian_ok, brian_why = brian_available()
print(("annlua vs Brian2 standalone: simulate time, median of %d run%s, one thread, float64%s")
  :format(reps, reps > 1 and "s" or "", quick and " (--quick: short durations)" or ""))
print(("date %s, %s"):format(os.date("!%Y-%m-%d %H:%M UTC"), cpu_name()))
if not brian_ok then print("Brian2: " .. brian_why) end

local header = ("%-40s %9s %11s %11s %7s %7s %5s  %s"):format("benchmark", "duration",
  "annlua", "Brian2", "ratio", "target", "", "figures annlua / Brian2")
local results = {}
local notes = {}
for _, row in ipairs(rows) do
  if not only or only[row.name] then
    local duration = quick and row.quick or row.duration
    io.stderr:write(("-- %s, %g ms ...\n"):format(row.name, duration))
    local r = {row = row, duration = duration}
    local ok, times, figures = pcall(run_annlua, row, duration)
    if not ok then
      r.a_err = "error: " .. tostring(times):gsub("\n.*", "")
      notes[#notes + 1] = row.name .. ": annlua " .. tostring(times)
    elseif not times then
      r.a_err = figures
    else
      r.a_time, r.a_fig, r.a_all = median(times), median(figures), times
      if brian_ok then
        local bt, bf = run_brian(row, duration)
        if bt then r.b_time, r.b_fig, r.b_all = median(bt), median(bf), bt else r.b_err = bf end
      else
        r.b_err = brian_why
      end
    end
    results[#results + 1] = r
    local function all(t)
      if not t then return nil end
      local s = {}
      for i, v in ipairs(t) do s[i] = ("%.3f"):format(v) end
      return table.concat(s, ", ") .. " s"
    end
    io.stderr:write(("   annlua %s; Brian2 %s\n"):format(all(r.a_all) or r.a_err,
      all(r.b_all) or tostring(r.b_err)))
  end
end

print(header)
local failed = 0
for _, r in ipairs(results) do
  local row = r.row
  local dur = r.duration >= 1000 and ("%g s"):format(r.duration / 1000) or ("%g ms"):format(r.duration)
  if r.a_err then
    print(("%-40s %9s %s"):format(row.label, dur, r.a_err))
  else
    local fmt_fig = row.unit == "Hz" and "%.2f" or "%.4f"
    local figs = (fmt_fig .. " / %s %s"):format(r.a_fig,
      r.b_fig and fmt_fig:format(r.b_fig) or "-", row.unit)
    local ratio, verdict = "-", ""
    if r.b_time then
      local q = r.a_time / r.b_time
      ratio = ("%.3f"):format(q)
      verdict = q <= row.target and "pass" or "FAIL"
      if q > row.target then failed = failed + 1 end
    end
    print(("%-40s %9s %9.3f s %9s %7s %7s %5s  %s"):format(row.label, dur, r.a_time,
      r.b_time and ("%.3f s"):format(r.b_time) or "-", ratio, ("<= %.2f"):format(row.target),
      verdict, figs))
    if r.b_err then print(("%-40s %9s Brian2: %s"):format("", "", r.b_err)) end
  end
end
for _, n in ipairs(notes) do print(n) end
print(("%d row%s over target"):format(failed, failed == 1 and "" or "s"))
