--- Monitor files: m:save(file) writes what a monitor recorded (its description, the
-- periods and the recording segments) into a state file; read_monitor(file) reads it back.
local runtime = require("annarchy.runtime")
local util = require("annarchy.util")
local container = require("annarchy.io.container")

local fail = util.fail
local M = {}

local writer, open = container.writer, container.open
local rt_of, list_of, to_number, description = container.rt_of, container.list_of, container.to_number,
  container.description

local function monitor_object(m)
  local proj = m._.proj
  if proj then
    if m._.dend then return proj._.name, "dendrite", {m._.dend._.post_rank - 1} end
    return proj._.name, "projection", nil
  end
  local obj = m._.obj
  local pop = obj._.population
  if not pop then return obj._.name, "population", nil end
  if obj._.ranks then return pop._.name, "view", obj._.ranks end
  return pop._.name, "neuron", {obj._.rank - 1}
end

--- Flattens one record (a number, an Array or nested lists of them) into out.
local function flatten_into(v, out)
  if type(v) == "number" or type(v) == "boolean" then
    out[#out + 1] = to_number(v)
  elseif runtime.is_array(v) then
    local t = v:flatten():totable()
    for i = 1, #t do out[#out + 1] = t[i] end
  else
    for i = 1, #v do flatten_into(v[i], out) end
  end
end
M.flatten_record = flatten_into

--- Whether a recorded variable holds spikes (rank -> steps): "spike" and "axon_spike".
function M.is_spikes(name) return name == "spike" or name == "axon_spike" end

--- m:save's options, checked: the options table, the names of the variables to save and
-- the name of the call for errors.
function M.monitor_save_options(m, opts)
  local what = ("Monitor %q: save"):format(m._.name)
  opts = opts or {}
  if type(opts) ~= "table" then fail("%s: the options must be a table", what) end
  for k in pairs(opts) do
    if k ~= "variables" and k ~= "keep" then fail("%s: unknown option '%s'", what, tostring(k)) end
  end
  local names = opts.variables
  if type(names) == "string" then names = {names} end
  if names == nil then
    names = {}
    for _, v in ipairs(m._.vars) do names[#names + 1] = v.name end
  end
  return opts, names, what
end

--- m:save(filename, {variables, keep = false}): the recordings (retrieved as m:get does,
-- emptied unless keep) with the monitor's periods and recording segments.
function M.save_monitor(m, filename, opts)
  local names, what
  opts, names, what = M.monitor_save_options(m, opts)
  local net = m._.net
  rt_of(net, what)
  -- the recording segments of the data saved (as m:times() will tell after a get)
  local starts, stops = util.copy_list(m._.starts), util.copy_list(m._.stops)
  if m._.recording then stops[#stops + 1] = net.current_step end
  local data = #names > 0 and m:get(names, {keep = opts.keep == true, reshape = true}) or {}
  local obj_name, obj_kind, ranks = monitor_object(m)
  local desc = description(net, "monitor")
  desc.monitor = {name = m._.name, object = obj_name, object_kind = obj_kind,
                  ranks = ranks and list_of(ranks) or nil, variables = list_of(names),
                  period = m.period, period_offset = m.period_offset,
                  start = list_of(starts), stop = list_of(stops), data = {}}
  local w = writer()
  for _, name in ipairs(names) do
    local v = data[name]
    local k = "monitor/" .. name
    if M.is_spikes(name) then
      local ranks0, ptr, steps = {}, {0}, {}
      local keys = util.sorted_keys(v)
      for i, rank in ipairs(keys) do
        ranks0[i] = rank - 1
        for _, s in ipairs(v[rank]) do steps[#steps + 1] = s end
        ptr[i + 1] = #steps
      end
      w:add(k .. "/ranks", "I32", {#ranks0}, ranks0)
      w:add(k .. "/ptr", "I64", {#ptr}, ptr)
      w:add(k .. "/steps", "I64", {#steps}, steps)
      desc.monitor.data[name] = {layout = "spikes"}
    elseif runtime.is_array(v) then
      w:add(k, "F64", v.shape, v)
      desc.monitor.data[name] = {layout = "dense"}
    else
      local values, ptr = {}, {0}
      for i = 1, #v do
        flatten_into(v[i], values)
        ptr[i + 1] = #values
      end
      w:add(k .. "/values", "F64", {#values}, values)
      w:add(k .. "/record_ptr", "I64", {#ptr}, ptr)
      desc.monitor.data[name] = {layout = "records"}
    end
  end
  w:write(filename, desc, what)
end

--- Reads a file written by m:save: a table with the monitor's description (name, object,
-- variables, period, period_offset, start, stop, dt) and `data`: variable -> Array (dense),
-- list of Arrays (one per record) or, for spikes, rank (1-based) -> list of steps.
function M.read_monitor(filename)
  local r = open(filename, "read_monitor")
  local d = r.meta.monitor
  if r.meta.kind ~= "monitor" or type(d) ~= "table" then r:fault("it is not a monitor file") end
  local out = {}
  for k, v in pairs(d) do if k ~= "data" then out[k] = v end end
  out.dt, out.time_step, out.data = r.meta.dt, r.meta.time_step, {}
  for _, name in ipairs(d.variables or {}) do
    local info = (d.data or {})[name] or {}
    local k = "monitor/" .. name
    if info.layout == "spikes" then
      local ranks, ptr, steps = r:get(k .. "/ranks"), r:get(k .. "/ptr"), r:get(k .. "/steps")
      local sp = {}
      for i, rank in ipairs(ranks) do
        local l = {}
        for j = ptr[i] + 1, ptr[i + 1] do l[#l + 1] = steps[j] end
        sp[rank + 1] = l
      end
      out.data[name] = sp
    elseif info.layout == "dense" then
      local vals, shape = r:get(k)
      local a = runtime.array(vals)
      if #shape ~= 1 then a = a:reshape(shape) end
      out.data[name] = a
    else
      local vals, ptr = r:get(k .. "/values"), r:get(k .. "/record_ptr")
      local recs = {}
      for i = 1, #ptr - 1 do
        local t = {}
        for j = ptr[i] + 1, ptr[i + 1] do t[#t + 1] = vals[j] end
        recs[i] = runtime.array(t)
      end
      out.data[name] = recs
    end
  end
  return out
end

return M
