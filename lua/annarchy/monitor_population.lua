--- The monitor backend of populations, views and individual neurons (see annarchy.monitor):
-- variables, `spike`, `sum(target)` and conductances, recorded by src/monitor.c.
local util = require("annarchy.util")
local runtime = require("annarchy.runtime")
local population = require("annarchy.population")

local fail = util.fail
local M = {}

function M.accepts(obj)
  return population.resolve(obj) ~= nil
end

function M.name(obj)
  return population.resolve(obj)._.name
end

function M.bind(m, net)
  local pop, ranks = population.resolve(m._.obj)
  if pop._.net ~= net then fail("Monitor: population %q belongs to another network", pop._.name) end
  m._.pop, m._.ranks = pop, ranks
end

--- Which attribute a variable name records, and whether it is recorded right after
-- transmission (phase B: sums and conductances).
function M.resolve(m, name)
  local pop = m._.pop
  if name == "spike" then
    if pop._.A.kind ~= "spike" then
      fail("Monitor %q: population %q is rate-coded and has no spikes", m._.name, pop._.name)
    end
    return {name = name, spike = true}
  end
  if name == "axon_spike" then
    if not pop._.A.axon_spike then
      fail("Monitor %q: the neuron of population %q has no axon_spike condition", m._.name, pop._.name)
    end
    return {name = name, spike = true, axonal = true}
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

function M.add(m, v)
  local spike = v.axonal and 2 or v.spike and 1 or 0
  v.index = runtime.monitor_add_variable(m._.handle, attr_index(m, v), spike, v.phase_b or false)
end

function M.instantiate(m)
  local rt = m._.net._.rt
  m._.handle = runtime.monitor_new(rt, m._.pop._.id, m._.ranks, m._.period, m._.period_offset)
  runtime.monitor_set_name(m._.handle, m._.name)
  for _, v in ipairs(m._.vars) do M.add(m, v) end
  runtime.monitor_set_recording(m._.handle, m._.recording)
end

function M.set_recording(m, on) runtime.monitor_set_recording(m._.handle, on) end
--- The phase counts from the current step; offset (steps) defaults to the monitor's period_offset.
function M.set_period(m, offset)
  runtime.monitor_set_period(m._.handle, m._.period, offset or m._.period_offset)
end
function M.clear(m, v) runtime.monitor_clear(m._.handle, v and v.index or -1) end

function M.free(m)
  runtime.monitor_free(m._.handle)
  m._.handle = nil
end

function M.bytes(m, nsteps)
  if nsteps then return runtime.monitor_bytes(m._.handle, nsteps) end
  return runtime.monitor_bytes(m._.handle)
end

local function spikes_of(m, v)
  local raw = runtime.monitor_spikes(m._.handle, v.index)
  local out = {}
  if m._.ranks then
    for _, r in ipairs(m._.ranks) do out[r + 1] = raw[r] or {} end
  else
    for r = 0, m._.pop._.size - 1 do out[r + 1] = raw[r] or {} end
  end
  return out
end

--- Spikes: table rank -> steps; values: Array {records, geometry...} (whole population,
-- reshaped), {records, n} (views), {records} (globals).
function M.data(m, v, reshape)
  if v.spike then return spikes_of(m, v) end
  local d = runtime.monitor_data(m._.handle, v.index)
  if v.is_global then return d:flatten() end
  if reshape and not m._.ranks and #m._.pop._.geometry > 1 then
    local shape = {d.shape[1]}
    for _, g in ipairs(m._.pop._.geometry) do shape[#shape + 1] = g end
    return d:reshape(shape)
  end
  return d
end

return M
