--- The dynamic state of a saved network (format version 2): what determines its future besides
-- attributes and connectivity, so that net:load continues exactly where net:save stopped.
-- Populations: the spikes of the last step, last spike times, refractory countdowns, rate
-- windows, the last results of global operations, the delay buffers of rate-coded values and
-- of spikes, and the positions of input populations (the buffers their kernels advance).
-- Whether each population is enabled. Projections: the spikes in flight of per-synapse delays,
-- the learning flags and schedule. The network: monitors' settings.
-- The core names and checks the buffers (runtime.pop_state, src/network_state.c); this module
-- maps them to the arrays "<section>/<object>/_state/<buffer>" and the record's list `state`.
local runtime = require("annarchy.runtime")
local util = require("annarchy.util")
local json = require("annarchy.io.json")
local inputs = require("annarchy.codegen.inputs")

local M = {}

local INPUT = "input_"

local function key(section, name, buffer)
  return section .. "/" .. name .. "/_state/" .. buffer
end

-- The extension buffers an input population's kernels advance: {name = slot index}.
local function input_slots(pop)
  local kind = pop._.custom and pop._.custom.kernel and pop._.custom.kernel.kind
  local out = {}
  for _, name in ipairs(inputs.state_slots[kind] or {}) do out[INPUT .. name] = inputs.slots[kind][name] end
  return out
end

-- The buffers of an object now: name -> Array.
local function buffers(net, kind, obj)
  local rt = net._.rt
  local id = obj._.id
  if kind == "population" then
    local t = runtime.pop_state(rt, id)
    for name, slot in pairs(input_slots(obj)) do t[name] = runtime.pop_get_ext(rt, id, slot) end
    return t
  end
  return runtime.proj_state(rt, id)
end

local function save_object(net, section, kind, obj, rec, w)
  local names = json.array({})
  local t = buffers(net, kind, obj)
  for _, name in ipairs(util.sorted_keys(t)) do
    local v = t[name]
    w:add(key(section, obj._.name, name), "F64", {#v}, v)
    names[#names + 1] = name
  end
  rec.state = names
  if kind == "population" then rec.enabled = obj.enabled else rec.learning = obj:_learning() end
end

--- Adds the dynamic state of the saved objects (those with a record in desc) and the
-- monitors' settings to a network file.
function M.save(net, desc, w)
  for _, pop in ipairs(net._.pops) do
    local rec = desc.populations[pop._.name]
    if rec then save_object(net, "populations", "population", pop, rec, w) end
  end
  for _, proj in ipairs(net._.projs) do
    local rec = desc.projections[proj._.name]
    if rec then save_object(net, "projections", "projection", proj, rec, w) end
  end
  local mons = {}
  for _, m in ipairs(net._.mons) do
    local s = m:_settings()
    if s then mons[m._.name] = s end
  end
  desc.monitors = mons
end

-- Checks the file's buffers of one object against the object (every buffer the object keeps
-- must be in the file and fit it) and returns the function that writes them.
local function plan_object(net, section, kind, obj, rec, r)
  local rt = net._.rt
  local id = obj._.id
  local now = buffers(net, kind, obj)
  local slots = kind == "population" and input_slots(obj) or {}
  local in_file, writes = {}, {}
  local function fault(fmt, ...)
    r:fault("%s %q: the network's structure differs from the saved one: " .. fmt, kind, obj._.name, ...)
  end
  for _, name in ipairs(rec.state) do
    if type(name) ~= "string" then r:fault("the state list of %s %q is damaged", kind, obj._.name) end
    in_file[name] = true
    if now[name] == nil then fault("the file holds '%s', which it does not keep", name) end
    local vals = r:get(key(section, rec.name, name))
    if slots[name] then
      if #vals ~= #now[name] then
        fault("'%s' has %d values in the file, %d here", name, #vals, #now[name])
      end
      writes[#writes + 1] = function() runtime.pop_set_ext(rt, id, slots[name], vals) end
    else
      local set = kind == "population" and runtime.pop_state_set or runtime.proj_state_set
      local ok, err = pcall(set, rt, id, name, vals, true)
      if not ok then fault("%s", (tostring(err):gsub("^annarchy: ", ""))) end
      writes[#writes + 1] = function() set(rt, id, name, vals, false) end
    end
  end
  for _, name in ipairs(util.sorted_keys(now)) do
    if not in_file[name] then fault("it keeps '%s', which the file lacks", name) end
  end
  return writes
end

-- Whether a projection's record holds spikes in flight (events in its ring).
local function in_flight(r, rec)
  for _, name in ipairs(rec.state) do
    local vals = r:get(key("projections", rec.name, name))
    local o = 1
    while o <= #vals do
      if vals[o] > 0 then return true end
      o = o + 1 + 2 * vals[o]
    end
  end
  return false
end

local function valid_learning(t)
  return type(t) == "table" and type(t.transmission) == "boolean" and type(t.update) == "boolean"
    and type(t.plasticity) == "boolean" and util.is_integer(t.period) and t.period >= 1
    and util.is_integer(t.offset)
end

-- The population's enabled flag or the projection's learning flags and schedule: the function
-- that restores them, or nil when the record has none.
local function plan_flags(kind, obj, rec, r)
  if kind == "population" and rec.enabled ~= nil then
    if type(rec.enabled) ~= "boolean" then r:fault("the record of population %q is damaged (enabled)", obj._.name) end
    return function() if rec.enabled then obj:enable() else obj:disable() end end
  elseif kind == "projection" and rec.learning ~= nil then
    if not valid_learning(rec.learning) then
      r:fault("the record of projection %q is damaged (learning)", obj._.name)
    end
    return function() obj:_restore_learning(rec.learning) end
  end
  return nil
end

local function valid_settings(s)
  return type(s) == "table" and util.is_integer(s.period) and s.period >= 1
    and util.is_integer(s.period_offset) and s.period_offset >= 0 and s.period_offset < s.period
    and util.is_integer(s.phase_step) and type(s.recording) == "boolean"
end

--- Checks the dynamic state of a network file against the network and returns the list of
-- functions that restore it, to be called after the attributes and connectivity are loaded. A file
-- written before version 2 has none: the buffers start empty, as they did then. same(proj,
-- rec) tells whether the file's connectivity of a projection is the projection's (otherwise
-- its spikes in flight, which name synapses, are dropped with a warning).
function M.plan(net, r, with_pops, with_projs, same)
  local meta = r.meta
  local writes = {}
  local before = net.current_step
  local function section(list, sec, kind, enabled)
    local recs = meta[sec]
    if not enabled or type(recs) ~= "table" then return end
    for _, obj in ipairs(list) do
      local rec = recs[obj._.name]
      local flags = rec and plan_flags(kind, obj, rec, r)
      if flags then writes[#writes + 1] = flags end
      if rec and rec.state ~= nil then
        if type(rec.state) ~= "table" then r:fault("the state list of %s %q is damaged", kind, obj._.name) end
        if kind == "projection" and not same(obj, rec) then
          if in_flight(r, rec) then
            util.warn(net, "projection %q: its connectivity is loaded anew from %q: its spikes in flight are "
              .. "dropped", obj._.name, r.filename)
          end
        else
          for _, fn in ipairs(plan_object(net, sec, kind, obj, rec, r)) do writes[#writes + 1] = fn end
        end
      end
    end
  end
  section(net._.pops, "populations", "population", with_pops)
  section(net._.projs, "projections", "projection", with_projs)
  local mons = type(meta.monitors) == "table" and meta.monitors or {}
  for _, m in ipairs(net._.mons) do
    local s = mons[m._.name]
    if s ~= nil then
      if not valid_settings(s) then r:fault("the settings of monitor %q are damaged", m._.name) end
      writes[#writes + 1] = function() m:_restore(s, before) end
    end
  end
  return writes
end

return M
