--- Monitor: recording of variables, sums, conductances and spikes (reference §10; API.md
-- "Monitor"). Recording itself happens in C at the end of each step (sums and conductances
-- right after transmission). This module keeps what every monitor shares — control, recording
-- segments, retrieval, periods — and hands the rest to a backend by the kind of object
-- recorded: annarchy.monitor_population (populations, views, neurons) or
-- annarchy.monitor_projection (projections, dendrites). A backend provides
--   accepts(obj); name(obj) -> default name suffix; bind(m, net); check(m) (optional, after
--   the variables are resolved);
--   resolve(m, name) -> variable record; instantiate(m); add(m, v) (after instantiate);
--   set_recording(m, on); set_period(m, offset) (offset nil: the period_offset);
--   data(m, v, reshape); clear(m, v) (v nil: all);
--   free(m); bytes(m, nsteps) (nsteps nil: bytes held now).
local util = require("annarchy.util")
local time = require("annarchy.time")
local args = require("annarchy.args")
local monitor_file = require("annarchy.io.monitor_file")

local fail = util.fail
local M = {}

local Monitor = {}
M.Monitor = Monitor

local function backend_of(obj)
  local pb = require("annarchy.monitor_population")
  if pb.accepts(obj) then return pb end
  local jb = require("annarchy.monitor_projection")
  if jb.accepts(obj) then return jb end
  fail("Monitor: the object must be a Population, PopulationView, IndividualNeuron, Dendrite or Projection")
end

local function steps_of(m, ms, what)
  if ms == nil then return nil end
  if type(ms) ~= "number" or not (ms >= 0 and ms < math.huge) then
    fail("Monitor %q: %s must be a finite duration in ms, got %s", m._.name, what, util.show(ms))
  end
  return time.steps_floor(ms, m._.net._.dt)
end

-- A recording period in steps: at least one step (a period shorter than dt is an error).
local function period_steps(m, ms)
  local steps = steps_of(m, ms, "period")
  if steps and steps < 1 then
    fail("Monitor %q: the period (%g ms) is shorter than the step of the network (dt = %g ms)",
      m._.name, ms, m._.net._.dt)
  end
  return steps
end

local function add_variable(m, name)
  local v = m._.backend.resolve(m, name)
  m._.vars[#m._.vars + 1] = v
  m._.var_index[name] = #m._.vars
  return v
end

--- net:monitor(obj, variables, {period, period_offset, start, name})
function M.new(net, a)
  local backend = backend_of(a.obj)
  local vars = a.variables
  if vars == nil then vars = {} end
  if type(vars) == "string" then vars = {vars} end
  if type(vars) ~= "table" then fail("Monitor: variables must be a name or a list of names") end
  local m = setmetatable({_ = {
    net = net, obj = a.obj, backend = backend, name = a.name or ("Monitor_" .. backend.name(a.obj)),
    vars = {}, var_index = {}, period = 1, period_offset = 0, recording = a.start ~= false,
    live = false, starts = {}, stops = {}, last_times = {},
  }}, Monitor)
  backend.bind(m, net)
  local period = period_steps(m, a.period)
  local offset = steps_of(m, a.period_offset, "period_offset")
  m._.period = period or 1
  m._.period_offset = offset or 0
  if m._.period_offset >= m._.period then
    fail("Monitor %q: value of period_offset must be smaller than period", m._.name)
  end
  for _, v in ipairs(vars) do add_variable(m, v) end
  if backend.check then backend.check(m) end
  if net._.rt then M.instantiate(m) end
  return m
end

--- Creates the runtime recorders (at compile, or at creation after compile).
function M.instantiate(m)
  m._.backend.instantiate(m)
  m._.live = true
  m._.phase_step = m._.net.current_step
  if m._.recording then m._.starts[#m._.starts + 1] = m._.net.current_step end
end

--- Bytes a monitor holds now.
function M.bytes(m)
  return m._.live and m._.backend.bytes(m) or 0
end

--- Warns before a simulate whose recordings need more than a tenth of the free memory.
function M.check_memory(net, nsteps)
  local total, per = 0, {}
  for _, m in ipairs(net._.mons) do
    if m._.live and m._.recording then
      local b = m._.backend.bytes(m, nsteps)
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
    util.warn(net, "the monitors will need about %.0f MB for this simulation, more than a tenth "
      .. "of the free memory (%.0f MB); the largest is %q (%.0f MB)", total / 1048576, avail / 1024,
      per[1][1], per[1][2] / 1048576)
  end
end

-- ---- control ---------------------------------------------------------------------------------

local methods = {}

function methods.start(m, variables, period)
  if variables ~= nil then
    if type(variables) == "string" then variables = {variables} end
    for _, name in ipairs(variables) do
      if not m._.var_index[name] then
        local v = add_variable(m, name)
        if m._.live then m._.backend.add(m, v) end
      end
    end
  end
  if period ~= nil then
    m._.period = period_steps(m, period)
    m._.period_offset = 0
  end
  if m._.live then   -- a new phase starts at the current step
    m._.backend.set_period(m)
    m._.phase_step = m._.net.current_step
  end
  methods.resume(m)
end

function methods.pause(m)
  if not m._.recording then return end
  m._.recording = false
  if m._.live then
    m._.backend.set_recording(m, false)
    m._.stops[#m._.stops + 1] = m._.net.current_step
  end
end

function methods.resume(m)
  if m._.recording then return end
  m._.recording = true
  if m._.live then
    m._.backend.set_recording(m, true)
    m._.starts[#m._.starts + 1] = m._.net.current_step
  end
end

function methods.stop(m)
  m._.recording = false
  if m._.live then m._.backend.free(m) end
  m._.live = false
  m._.stopped = true
end

--- A live monitor's settings, as net:save keeps them (io/dynamic_state.lua): {period, period_offset (steps),
-- phase_step (the step its phase counts from), recording}; nil for a monitor that is not live.
function methods._settings(m)
  if not m._.live then return nil end
  return {period = m._.period, period_offset = m._.period_offset, phase_step = m._.phase_step,
          recording = m._.recording}
end

--- Gives a live monitor the settings _settings returned (net:load, which moved the time from
-- step `before`): it records at the same steps as the saved one, and pauses or resumes as it
-- was. Its recording segments jump with the time.
function methods._restore(m, s, before)
  if not m._.live then return end
  m._.period, m._.period_offset = s.period, s.period_offset
  local now = m._.net.current_step
  local starts = m._.starts
  if m._.recording and now ~= before then
    if starts[#starts] == before then starts[#starts] = now   -- nothing recorded since it started
    else
      m._.stops[#m._.stops + 1] = before
      starts[#starts + 1] = now
    end
  end
  m._.backend.set_period(m, (s.period_offset + s.phase_step - now) % s.period)
  m._.phase_step = s.phase_step
  if s.recording then methods.resume(m) else methods.pause(m) end
end

function methods.reset(m)
  if m._.live then m._.backend.clear(m, nil) end
  m._.starts, m._.stops = {}, {}
  if m._.recording then m._.starts[1] = m._.net.current_step end
end

-- The segments of the data recorded so far, the current one ending now.
local function segments(m)
  local starts, stops = util.copy_list(m._.starts), util.copy_list(m._.stops)
  if m._.recording then stops[#stops + 1] = m._.net.current_step end
  return {start = starts, stop = stops}
end

--- Closes the current segment into last_times and starts a new one.
local function close_segment(m)
  local out = segments(m)
  m._.starts, m._.stops = {}, {}
  if m._.recording then m._.starts[1] = m._.net.current_step end
  return out
end

-- The segments of the data a get returns: closed unless the data is kept.
local function retrieved_segments(m, keep)
  if keep then return segments(m) end
  return close_segment(m)
end

local function get_one(m, name, keep, reshape)
  local i = m._.var_index[name]
  if not i then fail("Monitor %q does not record %s", m._.name, util.show(name)) end
  if not m._.live then
    if m._.stopped then fail("Monitor %q was stopped", m._.name) end
    fail("Monitor %q: no data before the network is compiled", m._.name)
  end
  local v = m._.vars[i]
  local out = m._.backend.data(m, v, reshape)
  if not keep then m._.backend.clear(m, v) end
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
    if k ~= "keep" and k ~= "reshape" and k ~= "variables" and k ~= "force_dict" then
      fail("Monitor:get: unknown option '%s'", tostring(k))
    end
  end
  local keep, reshape = opts.keep == true, opts.reshape ~= false
  if type(names) == "string" and opts.force_dict then names = {names} end
  if type(names) == "string" then
    local out = get_one(m, names, keep, reshape)
    m._.last_times = retrieved_segments(m, keep)
    return out
  end
  if names == nil then
    names = {}
    for _, v in ipairs(m._.vars) do names[#names + 1] = v.name end
  end
  local out = {}
  for _, name in ipairs(names) do out[name] = get_one(m, name, keep, reshape) end
  m._.last_times = retrieved_segments(m, keep)
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

--- m:save(filename, {variables, keep = false}) (annarchy.io.monitor_file; .npy, .npz and .csv files:
-- annarchy.io.export; docs/saving.md)
function methods.save(m, filename, opts)
  local export = require("annarchy.io.export")
  if export.kind(filename) then return export.save_monitor(m, filename, opts) end
  monitor_file.save_monitor(m, filename, opts)
end

local fields = {}
function fields.name(m) return m._.name end
function fields.period(m) return time.ms(m._.period, m._.net._.dt) end
function fields.period_offset(m) return time.ms(m._.period_offset, m._.net._.dt) end
function fields.variables(m)
  local out = {}
  for i, v in ipairs(m._.vars) do out[i] = v.name end
  return out
end
function fields.object(m) return m._.obj end

Monitor.__index = util.class_index(fields, methods, function(m, k)
  local fn = require("annarchy.analysis.spikestats").monitor_methods[k]
  if fn then return fn end
  if m._.var_index[k] then return methods.get(m, k) end   -- m["v"] is m:get("v")
  fail("Monitor has no field, method or recorded variable '%s'", tostring(k))
end)

Monitor.__newindex = function(m, k, v)
  if k == "period" or k == "period_offset" then
    local steps = k == "period" and period_steps(m, v) or steps_of(m, v, k)
    local period = k == "period" and steps or m._.period
    local offset = k == "period_offset" and steps or m._.period_offset
    if offset >= period then fail("Monitor %q: value of period_offset must be smaller than period", m._.name) end
    m._.period, m._.period_offset = period, offset
    if m._.live then
      m._.backend.set_period(m)
      m._.phase_step = m._.net.current_step
    end
    return
  end
  fail("Monitor.%s is read-only", tostring(k))
end

Monitor.__tostring = function(m) return ("Monitor %q"):format(m._.name) end

return M
