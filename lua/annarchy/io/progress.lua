--- The progress bar of `net:simulate` and the `measure_time` report (docs/networks.md).
-- The time loop is C and runs a whole `simulate` in one call. When the bar may be needed (the
-- error stream is a terminal and `progress` is not false), the steps run instead in chunks of
-- about `M.chunk` seconds of wall time, sized from the measured speed; between chunks the bar
-- is redrawn. Running n steps as k + (n - k) steps is the same computation, so results,
-- monitors and callbacks do not change. Processes started by mpirun show no bar.
-- simulate_until runs in one call: a chunk that ends on
-- the step where its stop condition held could not be told from one that ran out.
local runtime = require("annarchy.runtime")

local floor, max, min = math.floor, math.max, math.min

local M = {}

--- Seconds of wall time a run must be expected to last before the bar appears (option
-- `progress = nil`); `progress = true` shows it for any run.
M.delay = 2.0
--- Wall time in seconds aimed at by one chunk of steps.
M.chunk = 0.2
--- Whether the bar's stream is a terminal (replaceable for tests).
function M.terminal() return runtime.isatty(2) end
--- The stream the bar is drawn on.
M.out = io.stderr

local WIDTH = 30

local function clock_text(s)
  s = floor(s + 0.5)
  if s >= 3600 then return ("%d:%02d:%02d"):format(floor(s / 3600), floor(s / 60) % 60, s % 60) end
  return ("%d:%02d"):format(floor(s / 60), s % 60)
end

--- One line of the bar: `[=====>      ]  45%  450.0/1000.0 ms  1.2e+03 ms/s  0:03 left`.
-- @param done steps run so far
-- @param total steps of the whole call
-- @param dt ms per step
-- @param elapsed wall seconds so far
function M.line(done, total, dt, elapsed)
  local frac = total > 0 and done / total or 1
  local filled = floor(frac * WIDTH + 1e-9)
  local bar = ("="):rep(filled) .. (filled < WIDTH and ">" or "") .. (" "):rep(max(0, WIDTH - filled - 1))
  local speed = elapsed > 0 and done * dt / elapsed or 0
  local left = speed > 0 and (total - done) * dt / speed or 0
  local tail = done >= total and ("%s total"):format(clock_text(elapsed)) or ("%s left"):format(clock_text(left))
  return ("[%s] %3d%%  %.1f/%.1f ms  %.4g ms/s  %s"):format(bar, floor(frac * 100 + 1e-9),
    done * dt, total * dt, speed, tail)
end

local Bar = {}
Bar.__index = Bar

--- A bar for one call of `nsteps` steps of `dt` ms; `mode` is the `progress` option (nil:
-- when the run lasts long, true: always, false: never), honoured only on a terminal.
function M.new(nsteps, dt, mode)
  -- processes sharing a network run the same steps in the same calls: chunks sized from each
  -- one's clock would differ, so several processes (mpirun) draw no bar
  local on = mode ~= false and nsteps > 0 and M.terminal() and runtime.mpi_size() == 1
  return setmetatable({total = nsteps, dt = dt, on = on, always = mode == true, done = 0,
    t0 = runtime.clock(), size = 1, shown = false}, Bar)
end

function Bar:draw()
  local elapsed = runtime.clock() - self.t0
  if not self.shown then
    local expected = self.done > 0 and elapsed * self.total / self.done or 0
    if not self.always and expected < M.delay then return end
    self.shown = true
  end
  M.out:write("\r", M.line(self.done, self.total, self.dt, elapsed), "\27[K")
  M.out:flush()
end

--- Runs `k` steps through `run(c)` (which runs c steps), in chunks when the bar is on.
function Bar:run(k, run)
  if not self.on then
    run(k)
    self.done = self.done + k
    return
  end
  local ran = 0
  while ran < k do
    local c = min(self.size, k - ran)
    local t = runtime.clock()
    local ok, err = pcall(run, c)
    if not ok then
      self:finish()
      error(err, 0)
    end
    local spent = runtime.clock() - t
    ran, self.done = ran + c, self.done + c
    self:draw()
    -- next chunk: about M.chunk seconds at the measured speed, growing at most fourfold
    local want = spent > 0 and floor(c * M.chunk / spent) or c * 4
    self.size = max(1, min(want, c * 4))
  end
end

--- Ends the bar's line (when it was drawn).
function Bar:finish()
  if self.shown then
    self:draw()
    M.out:write("\n")
    M.out:flush()
  end
end

--- A number as Python prints a float: `1.0`, `0.25`, `1e-05`.
local function pyfloat(x)
  if x == floor(x) and math.abs(x) < 1e16 then return ("%.1f"):format(x) end
  for digits = 15, 17 do
    local s = ("%." .. digits .. "g"):format(x)
    if tonumber(s) == x then return s end
  end
end
M.pyfloat = pyfloat

--- The `measure_time` line: "Simulating 1.0 seconds of the network took 0.25 seconds."
-- @param ms the simulated duration in ms
-- @param seconds the wall time of the call
function M.time_report(ms, seconds)
  return ("Simulating %s seconds of the network took %s seconds.\n"):format(pyfloat(ms / 1000), pyfloat(seconds))
end

return M
