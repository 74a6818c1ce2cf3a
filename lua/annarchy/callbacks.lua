--- Callbacks run during Network:simulate (reference §6.7): a callback of period P (steps),
-- offset O and wait W registered on a network is called with n = 0, 1, 2... before the steps
-- t0 + W + (O mod P) + k*P that fall inside the simulated interval [t0, t0 + D); callbacks
-- due at the same step run in declaration order. The time loop stays in C between them.
local time = require("annarchy.time")

local M = {}
local List = {}
List.__index = List

function M.new()
  return setmetatable({items = {}}, List)
end

function List:count() return #self.items end
function List:clear() self.items = {} end

function List:add(period_ms, fn, offset_ms, wait_ms, dt)
  local period = math.max(1, time.steps_round(period_ms, dt))
  local offset = time.steps_round(offset_ms, dt)
  if offset > period then offset = period end
  offset = offset % period            -- a negative offset counts from the end of the period
  local wait = math.max(0, time.steps_round(wait_ms, dt))
  self.items[#self.items + 1] = {period = period, offset = offset, wait = wait, fn = fn}
end

--- Runs nsteps from the network's current step; run_steps(k) advances k steps in C.
function List:run(net, nsteps, run_steps)
  local t0 = net.current_step
  local events = {}
  for order, cb in ipairs(self.items) do
    local n = 0
    local s = cb.wait + cb.offset
    while s < nsteps do
      events[#events + 1] = {step = s, order = order, n = n, fn = cb.fn}
      n = n + 1
      s = s + cb.period
    end
  end
  table.sort(events, function(a, b)
    if a.step ~= b.step then return a.step < b.step end
    return a.order < b.order
  end)
  local done = 0
  for _, e in ipairs(events) do
    if e.step > done then run_steps(e.step - done) end
    e.fn(e.n)
    done = net.current_step - t0   -- a callback may move the clock
  end
  if nsteps > done then run_steps(nsteps - done) end
end

return M
