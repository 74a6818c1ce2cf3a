-- bench/mpi.lua: one process against two (mpirun, docs/distributed.md). COBA 64 000 (80 inputs
-- each, bench/threads.lua's model) on 1 and 2 processes of one thread, and a network of one
-- neuron, whose step is then almost only the exchange between processes: its time per step on
-- K processes less that on one is the cost of one exchange. The table gives the best wall
-- time (three runs of each process count, in turn, each the best of its windows), the
-- speed-up, the spikes per step and the bytes each process sends per
-- step (4 per spike and 4 per population and process for the counts, besides the room for
-- spikes the slot keeps: docs/distributed.md) and the megabytes of storage rank 0 holds (two
-- processes are also run dividing the synapses: divide_synapses), then the time to draw the
-- connectivity of COBA 64 000 and 256 000 on 1 process (1 and 2 threads) and on 2 (also
-- dividing the synapses: each process draws and keeps its rows only). Skipped without mpirun
-- or the MPI plugin (build/libannlua_mpi.so).
--
--   ./annlua bench/mpi.lua [--quick]      (--quick: shorter runs)
local quick = false
for i = 1, #arg do if arg[i] == "--quick" then quick = true end end

if not (os.execute("command -v mpirun >/dev/null 2>&1") and io.open("build/libannlua_mpi.so", "rb")) then
  print("bench/mpi.lua: skipped (mpirun or build/libannlua_mpi.so missing)")
  return
end

local MPIRUN = "mpirun --oversubscribe --allow-run-as-root -x ANNLUA_NUM_THREADS=1"

-- divide: the processes keep only the synapses of their own neurons (divide_synapses)
local function measure(k, size, duration, divide)
  local f = assert(io.popen(("%s -np %d -x MPI_DIVIDE=%d ./annlua bench/mpi/coba.lua %d %g 2>&1")
    :format(MPIRUN, k, divide and 1 or 0, size, duration)))
  local out = f:read("a")
  f:close()
  local wall, steps, spikes, held = out:match("wall ([%d.]+) steps (%d+) spikes (%d+) held (%d+)")
  if not wall then error("bench/mpi.lua: the run of " .. k .. " processes failed:\n" .. out) end
  return tonumber(wall), tonumber(steps), tonumber(spikes), tonumber(held)
end

local duration = quick and 50 or 500
io.write(("%-34s %10s %10s %10s %12s %10s\n"):format("network (ms simulated)", "processes", "wall",
  "speed-up", "bytes/step", "held MB"))
-- one process, two, two dividing the synapses, in turn, three times: the best of each (a
-- shared virtual machine's speed moves by tens of percent from one minute to the next)
local cases = {{1, false, "1"}, {2, false, "2"}, {2, true, "2 divided"}}
local best = {}
for _ = 1, 3 do
  for i, case in ipairs(cases) do
    local wall, steps, spikes, held = measure(case[1], 64000, duration, case[2])
    if not best[i] or wall < best[i][1] then best[i] = {wall, steps, spikes, held} end
  end
end
local w1
for i, case in ipairs(cases) do
  local k = case[1]
  local wall, steps, spikes, held = table.unpack(best[i])
  w1 = w1 or wall
  -- a process sends its share of the spikes (4 bytes each) and one count per population
  local bytes = k > 1 and (4 * spikes / steps / k + 4 * 2) or 0
  io.write(("%-34s %10s %9.3fs %9.2fx %12.0f %10.1f\n"):format(("COBA 64 000, 80 inputs (%g)"):format(duration),
    case[3], wall, w1 / wall, bytes, held / 1e6))
  io.flush()
end
-- building: compile (kernels cached by the first run) and the connectivity's drawing in it, 1
-- process of 1 and 2 threads and 2 processes of one thread (each drawing its half of the rows)
local function build_time(k, threads, size, divide)
  local f = assert(io.popen(("mpirun --oversubscribe --allow-run-as-root -x ANNLUA_NUM_THREADS=%d "
    .. "-x MPI_DIVIDE=%d -np %d ./annlua bench/mpi/coba.lua %d 0 %d 2>&1"):format(threads,
    divide and 1 or 0, k, size, threads)))
  local out = f:read("a")
  f:close()
  local total, drawing = out:match("build ([%d.]+) drawing ([%d.]+)")
  if not total then error("bench/mpi.lua: the build on " .. k .. " processes failed:\n" .. out) end
  return tonumber(total), tonumber(drawing)
end
for _, size in ipairs(quick and {64000} or {64000, 256000}) do
  build_time(1, 1, size)   -- stores the kernels
  local d1
  for _, case in ipairs({{1, 1}, {1, 2}, {2, 1}, {2, 1, true}}) do
    local total, drawing = build_time(case[1], case[2], size, case[3])
    d1 = d1 or drawing
    io.write(("%-34s %10s %9.3fs %9.2fx   (compile %.3fs)\n"):format(("drawing COBA %d"):format(size),
      ("%d x %d thr%s"):format(case[1], case[2], case[3] and " div" or ""), drawing, d1 / drawing, total))
    io.flush()
  end
end
-- the exchange alone: a network of one neuron (3 and 4 processes share the 2 cores of the
-- machine the figures of docs/distributed.md come from: their times include waiting for a core)
local one_steps = quick and 2000 or 20000
local t1, steps = measure(1, 1, one_steps * 0.1)
for _, k in ipairs({2, 3, 4}) do
  local tk = measure(k, 1, one_steps * 0.1)
  io.write(("%-34s %10d %9.2fus %9s %12d\n"):format("one neuron: exchange per step", k,
    (tk - t1) / steps * 1e6, "", 8 + 256))
end
