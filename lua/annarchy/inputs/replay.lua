--- Replaying rows of values on a schedule (reference-library §3.2, §3.4): the part that
-- TimedArray (rows written into r) and TimedPoissonPopulation (rows written into proba)
-- share. The rows, the schedule and the period live in the population's extension buffers;
-- the kernel's prologue runs the schedule machine (codegen/inputs.lua) and copies the row due.
--
-- State kept in pop._.input:
--   data (flat Array, nrows x size), nrows, shape (shape of the rows Array for reading),
--   sched_spec (the schedule as given, ms), period (ms, -1 for none), and at compile a copy
--   `initial` of these, which reset() restores (QUIRKS: kept).
local args = require("annarchy.args")
local runtime = require("annarchy.runtime")
local common = require("annarchy.inputs.common")
local util = require("annarchy.util")

local fail = common.fail
local M = {}

local function what(pop)
  return ("%s %q"):format(pop._.input.kind, pop._.name)
end

--- The schedule in steps for the current data, with the checks of the kind.
local function steps_of(pop, st, spec, nrows)
  local dt = pop._.net._.dt
  local steps = common.schedule_steps(spec, nrows, dt, what(pop), {one_is_scalar = st.one_is_scalar})
  if #steps > nrows then
    fail("%s: the schedule has %d times but the rates only %d rows", what(pop), #steps, nrows)
  end
  if #steps < nrows then
    if st.exact_length then
      fail("%s: the schedule has %d times but the rates %d rows; give one time per row",
        what(pop), #steps, nrows)
    end
    util.warn(pop._.net, "%s: the schedule has %d times for %d rows of rates: rows %d and after "
      .. "are never used", what(pop), #steps, nrows, #steps + 1)
  end
  return steps
end

local function push(pop, rt, state)
  local st = pop._.input
  common.sched_push(rt, pop._.id, st.data, st.sched, common.period_steps(st.period, pop._.net._.dt),
    state)
end

local function write_target(pop, value)
  require("annarchy.population").write(pop, pop._.input.target, value)
end

--- Shows the row that is current after a change without reset (or zeros).
local function show_current(pop, rt)
  local st = pop._.input
  local t, block = common.sched_state(rt, pop._.id)
  local row = common.current_row(t, block, st.sched)
  if row == nil or row >= st.nrows then
    write_target(pop, 0)
    return
  end
  local n = pop._.size
  local vals = {}
  for i = 1, n do vals[i] = st.data[row * n + i] end
  write_target(pop, vals)
end

--- Replaces the data (rates already converted): data, nrows, shape; schedule spec, period.
local function install(pop, data, nrows, shape, spec, period, reset)
  local st = pop._.input
  local steps = steps_of(pop, st, spec, nrows)   -- raises before anything changes
  st.data, st.nrows, st.shape, st.sched_spec, st.period, st.sched = data, nrows, shape, spec, period, steps
  local rt = common.rt(pop)
  if not rt then return end
  if reset then
    push(pop, rt, {0, 0})
    write_target(pop, 0)
  else
    push(pop, rt, nil)
    show_current(pop, rt)
  end
end

local function snapshot(st)
  return {data = st.data, nrows = st.nrows, shape = st.shape, sched_spec = st.sched_spec,
          period = st.period, sched = st.sched}
end

--- Creates the custom hooks of a replaying population.
-- cfg: kind (for messages), target (the attribute receiving the rows), convert(pop, rates)
-- -> data (flat Array), nrows, shape; exact_length (schedule and rows must match);
-- one_is_scalar (a one-element schedule list counts as a number).
-- initial: {data, nrows, shape, sched_spec, period} of the construction.
function M.attach(pop, cfg, initial)
  local st = {kind = cfg.kind, target = cfg.target, exact_length = cfg.exact_length,
              one_is_scalar = cfg.one_is_scalar}
  pop._.input = st
  st.sched_spec, st.period = initial.sched_spec, initial.period
  st.data, st.nrows, st.shape = initial.data, initial.nrows, initial.shape
  st.sched = steps_of(pop, st, st.sched_spec, st.nrows)

  local custom = {methods = {}, fields = {}}

  custom.kernel = {kind = "schedule", targets = {{name = cfg.target}}}

  function custom.after_compile(p, rt)
    p._.input.initial = snapshot(p._.input)
    push(p, rt, {0, 0})
  end

  function custom.reset(p, rt)
    local s = p._.input
    for k, v in pairs(s.initial) do s[k] = v end
    push(p, rt, {0, 0})
    write_target(p, 0)
  end

  --- pop:update(rates, {schedule, period, reset = true})
  function custom.methods.update(p, ...)
    local a = args.parse(cfg.kind .. ":update", {"rates", "schedule", "period", "reset"},
      select("#", ...), ...)
    if a.rates == nil then fail("%s: update() needs rates", what(p)) end
    if a.period ~= nil and not common.is_number(a.period) then
      fail("%s: update(): period must be a number of ms", what(p))
    end
    if a.reset ~= nil and type(a.reset) ~= "boolean" then
      fail("%s: update(): reset must be true or false", what(p))
    end
    local s = p._.input
    local data, nrows, shape = cfg.convert(p, a.rates)
    local spec = a.schedule
    if spec == nil then spec = s.sched_spec end
    local period = a.period
    if period == nil then period = s.period end
    install(p, data, nrows, shape, spec, period, a.reset ~= false)
  end

  custom.fields.rates = {
    get = function(p)
      local s = p._.input
      if s.nrows == 0 then   -- no rows yet: an empty Array {0, geometry...}
        local shape = {0}
        for _, g in ipairs(p._.geometry) do shape[#shape + 1] = g end
        return runtime.zeros(shape)
      end
      return s.data:copy():reshape(s.shape)
    end,
    set = function(p, v)
      local s = p._.input
      local data, nrows, shape = cfg.convert(p, v)
      install(p, data, nrows, shape, s.sched_spec, s.period, false)
    end,
  }
  custom.fields.schedule = {
    get = function(p) return common.times_ms(p._.input.sched, p._.net._.dt) end,
    set = function(p, v)
      local s = p._.input
      install(p, s.data, s.nrows, s.shape, v, s.period, false)
    end,
  }
  custom.fields.period = {
    get = function(p) return p._.input.period end,
    set = function(p, v)
      if not common.is_number(v) then fail("%s: period must be a number of ms", what(p)) end
      local s = p._.input
      install(p, s.data, s.nrows, s.shape, s.sched_spec, v, false)
    end,
  }
  custom.fields[cfg.target] = {
    get = function(p) return require("annarchy.population").read(p, cfg.target) end,
    set = function(p)
      fail("%s: '%s' is set by the schedule; use update() to change the rates", what(p), cfg.target)
    end,
  }
  return common.attach(pop, custom)
end

return M
