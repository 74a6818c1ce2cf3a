--- Monitor: recording of population variables, sums, conductances and spikes (reference §10;
-- API.md "Monitor"). Recording itself happens in C at the end of each step (sums and
-- conductances right after transmission); this module keeps the bookkeeping of segments and
-- shapes the data.
local util = require("annarchy.util")
local args = require("annarchy.args")
local population = require("annarchy.population")

local fail = util.fail
local M = {}

local Monitor = {}
M.Monitor = Monitor

local function describe_obj(obj)
  local pop = population.resolve(obj)
  if pop then return pop._.name end
  return tostring(obj)
end

--- Which runtime attribute a variable name records, and whether it is recorded in phase B.
local function resolve_variable(m, name)
  local pop = m._.pop
  if name == "spike" then
    if pop._.A.kind ~= "spike" then
      fail("Monitor %q: population %q is rate-coded and has no spikes", m._.name, pop._.name)
    end
    return {name = name, spike = true}
  end
  local target = type(name) == "string" and name:match("^sum%(%s*([%w_]+)%s*%)$")
  if target then
    if pop._.A.kind ~= "rate" then
      fail("Monitor %q: 'sum(%s)' is for rate-coded populations; record 'g_%s' instead",
        m._.name, target, target)
    end
    return {name = name, sum = target, phase_b = true}
  end
  local target_g = type(name) == "string" and pop._.A.kind == "spike" and name:match("^g_([%w_]+)$")
  if target_g and not pop._.A.attr[name] and pop._.targets[target_g] then
    return {name = name, attr = name, phase_b = true}
  end
  if type(name) ~= "string" or not pop._.A.attr[name] then
    fail("Monitor %q: the object does not have an attribute named %s", m._.name, util.show(name))
  end
  local a = pop._.A.attr[name]
  return {name = name, attr = name, phase_b = name:match("^g_") ~= nil and pop._.A.kind == "spike",
          is_global = a.locality == "global"}
end

local function steps_of(m, ms, what)
  if ms == nil then return nil end
  if type(ms) ~= "number" or ms < 0 then fail("Monitor %q: %s must be a duration in ms", m._.name, what) end
  return util.steps_floor(ms, m._.net._.dt)
end

--- net:monitor(obj, variables, {period, period_offset, start, name})
function M.new(net, a)
  -- projections and dendrites are recorded by annarchy.projection
  if type(a.obj) == "table" and require("annarchy.projection").monitorable(a.obj) then
    return require("annarchy.projection").new_monitor(net, a)
  end
  local pop, ranks = population.resolve(a.obj)
  if not pop then
    fail("Monitor: the object must be a Population, PopulationView, IndividualNeuron, Dendrite or Projection")
  end
  if pop._.net ~= net then fail("Monitor: population %q belongs to another network", pop._.name) end
  local vars = a.variables
  if vars == nil then vars = {} end
  if type(vars) == "string" then vars = {vars} end
  if type(vars) ~= "table" then fail("Monitor: variables must be a name or a list of names") end
  local name = a.name or ("Monitor_" .. describe_obj(a.obj))
  local m = setmetatable({_ = {
    net = net, obj = a.obj, pop = pop, ranks = ranks, name = name, vars = {}, var_index = {},
    period = 1, period_offset = 0, recording = a.start ~= false, rt = nil,
    starts = {}, stops = {}, last_times = {},
  }}, Monitor)
  local period = steps_of(m, a.period, "period")
  local offset = steps_of(m, a.period_offset, "period_offset")
  m._.period = math.max(1, period or 1)
  m._.period_offset = offset or 0
  if m._.period_offset >= m._.period then
    fail("Monitor %q: value of period_offset must be smaller than period", name)
  end
  for _, v in ipairs(vars) do
    local r = resolve_variable(m, v)
    m._.vars[#m._.vars + 1] = r
    m._.var_index[v] = #m._.vars
  end
  if net._.rt then M.instantiate(m) end
  return m
end

local function attr_index(m, v)
  local L = m._.pop._.layout
  if v.sum then
    local a = L.sums[v.sum]
    if not a then
      fail("Monitor %q: population %q receives no projection with target '%s'", m._.name,
        m._.pop._.name, v.sum)
    end
    return a.index
  end
  if v.spike then return 0 end
  return L.by_name[v.attr].index
end

--- Creates the runtime recorder (at compile, or at creation after compile).
function M.instantiate(m)
  if m._.instantiate then return m._.instantiate(m) end   -- a projection monitor
  local rt = m._.net._.rt
  m._.rt = rt:monitor_new(m._.pop._.id, m._.ranks, m._.period, m._.period_offset)
  for _, v in ipairs(m._.vars) do
    v.index = m._.rt:add_variable(attr_index(m, v), v.spike or false, v.phase_b or false)
  end
  m._.rt:set_recording(m._.recording)
  if m._.recording then m._.starts[#m._.starts + 1] = m._.net.current_step end
end

--- Warns before a simulate whose recordings need more than a tenth of the free memory.
function M.check_memory(net, nsteps)
  local total, per = 0, {}
  for _, m in ipairs(net._.mons) do
    if m._.rt and m._.recording then
      local b = m._.rt:bytes(nsteps)
      total = total + b
      per[#per + 1] = {m._.name, b}
    end
  end
  if total < 64 * 1024 * 1024 then return end
  local f = io.open("/proc/meminfo", "r")
  if not f then return end
  local text = f:read("a") or ""
  f:close()
  local avail = tonumber(text:match("MemAvailable:%s*(%d+)")) or 0
  if total > avail * 1024 / 10 then
    table.sort(per, function(x, y) return x[2] > y[2] end)
    io.stderr:write(("WARNING: the monitors will need about %.0f MB for this simulation, more "
      .. "than a tenth of the free memory (%.0f MB); the largest is %q (%.0f MB)\n"):format(
      total / 1048576, avail / 1024, per[1][1], per[1][2] / 1048576))
  end
end

-- ---- control ---------------------------------------------------------------------------------

local methods = {}

function methods.start(m, variables, period)
  if variables ~= nil then
    if type(variables) == "string" then variables = {variables} end
    for _, v in ipairs(variables) do
      if not m._.var_index[v] then
        local r = resolve_variable(m, v)
        m._.vars[#m._.vars + 1] = r
        m._.var_index[v] = #m._.vars
        if m._.rt then r.index = m._.rt:add_variable(attr_index(m, r), r.spike or false, r.phase_b or false) end
      end
    end
  end
  if period ~= nil then
    m._.period = math.max(1, steps_of(m, period, "period"))
    m._.period_offset = 0
    if m._.rt then m._.rt:set_period(m._.period, 0) end
  elseif m._.rt then
    m._.rt:restart_phase()
  end
  if not m._.recording then
    m._.recording = true
    if m._.rt then
      m._.rt:set_recording(true)
      m._.starts[#m._.starts + 1] = m._.net.current_step
    end
  end
end

function methods.pause(m)
  if m._.recording then
    m._.recording = false
    if m._.rt then
      m._.rt:set_recording(false)
      m._.stops[#m._.stops + 1] = m._.net.current_step
    end
  end
end

function methods.resume(m)
  if not m._.recording then
    m._.recording = true
    if m._.rt then
      m._.rt:set_recording(true)
      m._.starts[#m._.starts + 1] = m._.net.current_step
    end
  end
end

function methods.stop(m)
  m._.recording = false
  if m._.rt then m._.rt:free() end
  m._.rt = nil
  m._.stopped = true
end

function methods.reset(m)
  if m._.rt then m._.rt:clear(-1) end
  m._.starts, m._.stops = {}, {}
  if m._.recording then m._.starts[1] = m._.net.current_step end
end

--- Closes the current segment into last_times and starts a new one.
local function close_segment(m)
  local step = m._.net.current_step
  local starts, stops = util.copy_list(m._.starts), util.copy_list(m._.stops)
  if m._.recording then stops[#stops + 1] = step end
  m._.starts, m._.stops = {}, {}
  if m._.recording then m._.starts[1] = step end
  return {start = starts, stop = stops}
end

local function spikes_of(m, v)
  local raw = m._.rt:spikes(v.index)
  local out = {}
  local ranks = m._.ranks
  if ranks then
    for _, r in ipairs(ranks) do out[r + 1] = raw[r] or {} end
  else
    for r = 0, m._.pop._.size - 1 do out[r + 1] = raw[r] or {} end
  end
  return out
end

local function data_of(m, v, reshape)
  local d = m._.rt:data(v.index)
  if v.is_global then return d:flatten() end
  if reshape and not m._.ranks and #m._.pop._.geometry > 1 then
    local shape = {d.shape[1]}
    for _, g in ipairs(m._.pop._.geometry) do shape[#shape + 1] = g end
    return d:reshape(shape)
  end
  return d
end

local function get_one(m, name, keep, reshape)
  local i = m._.var_index[name]
  if not i then fail("Monitor %q does not record %s", m._.name, util.show(name)) end
  if not m._.rt then
    if m._.stopped then fail("Monitor %q was stopped", m._.name) end
    fail("Monitor %q: no data before the network is compiled", m._.name)
  end
  local v = m._.vars[i]
  local out = v.spike and spikes_of(m, v) or data_of(m, v, reshape)
  if not keep then m._.rt:clear(v.index) end
  return out
end

--- m:get(name, {keep, reshape}) / m:get() / m:get{"v", "u"} / m:get{reshape = false}
function methods.get(m, ...)
  local n = select("#", ...)
  local first = ...
  local names, opts
  if n == 0 then
    opts = {}
  elseif type(first) == "string" then
    names, opts = first, select(2, ...) or {}
  elseif type(first) == "table" and args.table_kind(first) == "list" then
    names, opts = first, select(2, ...) or {}
  elseif type(first) == "table" and args.table_kind(first) == "options" then
    opts = first
    names = first.variables
  else
    fail("Monitor:get: expected a variable name, a list of names or an options table")
  end
  for k in pairs(opts) do
    if k ~= "keep" and k ~= "reshape" and k ~= "variables" then
      fail("Monitor:get: unknown option '%s'", tostring(k))
    end
  end
  local keep, reshape = opts.keep == true, opts.reshape ~= false
  if type(names) == "string" then
    local out = get_one(m, names, keep, reshape)
    if not keep then m._.last_times = close_segment(m) end
    return out
  end
  if names == nil then
    names = {}
    for _, v in ipairs(m._.vars) do names[#names + 1] = v.name end
  end
  local out = {}
  for _, name in ipairs(names) do out[name] = get_one(m, name, keep, reshape) end
  if not keep then m._.last_times = close_segment(m) end
  return out
end

--- Start and stop steps of the recording segments of the last retrieved data.
function methods.times(m)
  local out = {}
  for _, v in ipairs(m._.vars) do
    out[v.name] = {start = util.copy_list(m._.last_times.start or {}),
                   stop = util.copy_list(m._.last_times.stop or {})}
  end
  return out
end

local fields = {}
function fields.name(m) return m._.name end
function fields.period(m) return m._.period * m._.net._.dt end
function fields.period_offset(m) return m._.period_offset * m._.net._.dt end
function fields.variables(m)
  local out = {}
  for i, v in ipairs(m._.vars) do out[i] = v.name end
  return out
end
function fields.object(m) return m._.obj end

Monitor.__index = function(m, k)
  local f = fields[k]
  if f then return f(m) end
  local fn = methods[k] or M.statistics[k]
  if fn then return fn end
  if k == "_" then return nil end
  fail("Monitor has no field or method '%s'", tostring(k))
end

Monitor.__newindex = function(m, k, v)
  if k == "period" or k == "period_offset" then
    local steps = steps_of(m, v, k)
    local period = k == "period" and math.max(1, steps) or m._.period
    local offset = k == "period_offset" and steps or m._.period_offset
    if offset >= period then fail("Monitor %q: value of period_offset must be smaller than period", m._.name) end
    m._.period, m._.period_offset = period, offset
    if m._.rt then m._.rt:set_period(period, offset) end
    return
  end
  fail("Monitor.%s is read-only", tostring(k))
end

Monitor.__tostring = function(m) return ("Monitor %q"):format(m._.name) end

--- Spike statistics as methods.
M.statistics = require("annarchy.spikestats").monitor_methods

return M
