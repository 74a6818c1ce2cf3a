--- Milliseconds to steps, in one place. Each quantity keeps the rounding rule its reference
-- gives it, so the same times land on the same steps as there:
--   steps_floor   refractory periods, windows, monitor and learning periods: floor(ms/dt + 1e-9)
--   steps_ceil    the length of simulate(duration): ceil(ms/dt - 1e-9)
--   steps_round   callback periods, delays, the time set by hand: half away from zero
--   delay_steps   a delay: steps_round, at least one step
--   steps_rint    spike times and input schedules: half to even (Python's round, numpy's rint)
-- and steps back to milliseconds: steps * dt.
local M = {}

--- Rounds half away from zero (Python's round differs only on exact halves, where the
-- reference's delays use numpy's banker's rounding; delays are given in ms so exact
-- halves of dt are rare).
local function round(x)
  if x >= 0 then return math.floor(x + 0.5) end
  return -math.floor(-x + 0.5)
end

--- Rounds half to even, as Python's round() and numpy's rint().
local function rint(x)
  local f = math.floor(x)
  local d = x - f
  if d > 0.5 then return f + 1 end
  if d < 0.5 then return f end
  if f % 2 == 0 then return f end
  return f + 1
end

--- ms -> steps for refractory periods and windows: floor(ms/dt + 1e-9).
function M.steps_floor(ms, dt) return math.floor(ms / dt + 1e-9) end

--- The number of steps of simulate(ms): ceil(ms/dt - 1e-9).
function M.steps_ceil(ms, dt) return math.ceil(ms / dt - 1e-9) end

--- ms -> steps, half away from zero.
function M.steps_round(ms, dt) return round(ms / dt) end

--- A delay in steps: half away from zero, at least one step.
function M.delay_steps(ms, dt) return math.max(1, round(ms / dt)) end

--- ms -> steps, half to even (spike times, schedules).
function M.steps_rint(ms, dt) return rint(ms / dt) end

--- steps -> ms.
function M.ms(steps, dt) return steps * dt end

return M
