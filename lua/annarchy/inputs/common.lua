--- What the input populations share: the special-population object handed to net:create,
-- the accessors installed on the created population, ms -> steps rounding, and the schedule
-- machine of TimedArray, TimedPoissonPopulation and HomogeneousCorrelatedSpikeTrains
-- (reference-library §3.2) as one C helper reading the population's extension buffers.
local runtime = require("annarchy.runtime")
local util = require("annarchy.util")
local time = require("annarchy.time")
local SLOT = require("annarchy.codegen.inputs").slots.schedule

local fail = util.fail
local M = {}

M.fail = fail

-- ---- the object given to net:create --------------------------------------------------------

--- An input population description: net:create(obj) calls create(obj, net), which builds the
-- population. The object keeps only its arguments, so it can be created in several networks.
M.special = util.description_class("__special_population", "_create", "population", "create")

--- Installs the special population's hooks and accessors on a created population.
-- custom: kernel (the declaration codegen/inputs.lua turns into kernel code), the hooks
-- build.lua calls (after_compile, reset, clear), plus
--   methods = {name = function(pop, ...)}   called as pop:name(...)
--   fields = {name = {get = function(pop), set = function(pop, v)}}   read as pop.name
-- Population looks model functions up in pop._.functions before attributes: the methods and
-- the field getters are served from there. (Assigning a field, pop.name = v, needs a hook in
-- Population.__newindex that calls custom.fields[name].set.)
function M.attach(pop, custom)
  pop._.custom = custom
  local fns = pop._.functions or {}
  pop._.functions = fns
  setmetatable(fns, {__index = function(_, k)
    local m = custom.methods and custom.methods[k]
    if m then return m end
    local f = custom.fields and custom.fields[k]
    if f then return f.get(pop) end
    return nil
  end})
  return pop
end

--- The runtime of a population's network, or nil before compile.
function M.rt(pop)
  return pop._.net._.rt
end

-- ---- numbers -------------------------------------------------------------------------------

function M.is_number(x)
  return type(x) == "number" and x == x and x > -math.huge and x < math.huge
end

--- ms -> steps of a period: negative means no cycling (-1).
function M.period_steps(period, dt)
  if period < 0 then return -1 end
  return time.steps_rint(period, dt)
end

--- A value given as a plain list of numbers (or a 1-D Array) as a Lua list; nil otherwise.
function M.number_list(v)
  if runtime.is_array(v) then
    if #v.shape ~= 1 then return nil end
    return v:totable()
  end
  if type(v) ~= "table" or getmetatable(v) ~= nil then return nil end
  for k in pairs(v) do
    if type(k) ~= "number" or k < 1 or k > #v or k ~= math.floor(k) then return nil end
  end
  for i = 1, #v do
    if type(v[i]) ~= "number" then return nil end
  end
  return util.copy_list(v)
end

--- Rates with time as the first axis (an Array or a nested table) as an Array, checked
-- against a geometry (a list) when one is given.
function M.time_rows(rates, geometry, what)
  local arr
  if runtime.is_array(rates) then
    arr = rates:copy()
  elseif type(rates) == "table" and getmetatable(rates) == nil then
    local ok, res = pcall(runtime.array, rates)
    if not ok then fail("%s: rates: %s", what, tostring(res):gsub("^ann%.array: ", "")) end
    arr = res
  else
    fail("%s: rates must be an Array or a nested table with time as the first axis, got %s",
      what, type(rates))
  end
  local shape = arr.shape
  if #shape < 2 then
    fail("%s: rates must have time as the first axis and the population's geometry after it "
      .. "(got an array of shape {%s})", what, table.concat(shape, ", "))
  end
  local rest = {}
  for d = 2, #shape do rest[#rest + 1] = shape[d] end
  if geometry then
    local same = #rest == #geometry
    for d = 1, #rest do same = same and rest[d] == geometry[d] end
    if not same then
      fail("%s: rates have the shape {%s}: after the time axis it must be the geometry {%s}",
        what, table.concat(shape, ", "), table.concat(geometry, ", "))
    end
  end
  local flat = arr:flatten()
  for i = 1, flat.size do
    if not M.is_number(flat[i]) then fail("%s: rates must be finite numbers", what) end
  end
  return arr, rest
end

-- ---- the schedule machine ------------------------------------------------------------------

--- Pushes the schedule machine's buffers. data: flat list or Array of the rows; sched: list of
-- steps; period: steps (-1 for none); state: {t, block} or nil to keep the current state.
function M.sched_push(rt, id, data, sched, period, state)
  runtime.pop_set_ext(rt, id, SLOT.data, data)
  runtime.pop_set_ext(rt, id, SLOT.sched, sched)
  runtime.pop_set_ext(rt, id, SLOT.period, {period})
  if state then runtime.pop_set_ext(rt, id, SLOT.state, state) end
end

--- The state {t, block} of a compiled scheduled input.
function M.sched_state(rt, id)
  local st = runtime.pop_get_ext(rt, id, SLOT.state)
  return st[1], st[2]
end

--- The row a scheduled input shows between steps after its data changed without a reset
-- (QUIRKS library 10): the last row applied, or none (0-based row, or nil for zeros) while
-- the first scheduled time is still ahead.
function M.current_row(t, block, sched)
  if #sched == 0 then return nil end
  if block > 0 then return block - 1 end
  if t > sched[1] then return #sched - 1 end   -- wrapped after the last row
  return nil
end

--- Normalises a schedule given in ms into a list of steps.
-- spec: a number s (k*s for each of the nrows rows; s <= 0 means every step) or a list of
-- times. opts.one_is_scalar: a one-element list counts as a number (TimedArray).
-- Returns the list of steps; raises for negative or non-increasing times.
function M.schedule_steps(spec, nrows, dt, what, opts)
  opts = opts or {}
  local list = M.number_list(spec)
  if type(spec) ~= "number" and not list then
    fail("%s: schedule must be a number of ms or a list of times in ms", what)
  end
  if list and #list == 1 and opts.one_is_scalar then spec = list[1]; list = nil end
  local steps = {}
  if type(spec) == "number" then
    if not M.is_number(spec) then fail("%s: schedule must be a finite number of ms", what) end
    local s = spec > 0 and spec or dt
    for k = 0, nrows - 1 do steps[k + 1] = time.steps_rint(k * s, dt) end
    return steps
  end
  for i, t in ipairs(list) do
    if not M.is_number(t) or t < 0 then
      fail("%s: schedule: time %d is %s; times must be non-negative numbers of ms", what, i, tostring(t))
    end
    steps[i] = time.steps_rint(t, dt)
    if i > 1 and steps[i] <= steps[i - 1] then
      fail("%s: schedule: times must increase (time %d, %g ms, is not after time %d, %g ms, "
        .. "once rounded to steps of %g ms)", what, i, t, i - 1, list[i - 1], dt)
    end
  end
  return steps
end

--- Checks a list of schedule times (ms) before dt is known: numbers, non-negative, increasing.
function M.check_times(list, what)
  for i, t in ipairs(list) do
    if not M.is_number(t) or t < 0 then
      fail("%s: schedule: time %d is %s; times must be non-negative numbers of ms", what, i, tostring(t))
    end
    if i > 1 and t <= list[i - 1] then
      fail("%s: schedule: times must increase (time %d, %g ms, is not after %g ms)", what, i, t, list[i - 1])
    end
  end
end

--- Steps -> ms (list).
function M.times_ms(steps, dt)
  local out = {}
  for i, s in ipairs(steps) do out[i] = time.ms(s, dt) end
  return out
end

return M
