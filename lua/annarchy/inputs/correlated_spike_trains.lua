--- HomogeneousCorrelatedSpikeTrains (reference-library §3.6; Brette 2009, after Brian):
-- Poisson-like spike trains sharing one rate x(t), an Ornstein-Uhlenbeck process
--   x <- x + dt (mu - x) / tau + sqrt(dt / tau) sigma xi     (one xi ~ N(0, 1) per step)
-- and each neuron spikes when U(0, 1) * 1000 / dt < x. mu and sigma come from the requested
-- rates (Hz), total correlation corr and time constant tau (ms) through the rectified-Gaussian
-- correction of the reference; a schedule (ms, first time 0) changes rates and corr.
--   ann.HomogeneousCorrelatedSpikeTrains(200, 10.0, 0.3, 10.0)
--   ann.HomogeneousCorrelatedSpikeTrains(200, {10, 30}, 0.3, 10.0, {schedule = {0, 1000}})
local args = require("annarchy.args")
local model = require("annarchy.model")
local population = require("annarchy.population")
local erf = require("annarchy.compiler.functions").erf
local common = require("annarchy.inputs.common")

local fail = common.fail
local M = {}

local KIND = "HomogeneousCorrelatedSpikeTrains"
local SQRT2PI = math.sqrt(2 * math.pi)

--- Mean and standard deviation of max(0, X) for X ~ N(m, s).
local function rectified(m, s)
  local a = 1 + erf(m / (s * math.sqrt(2)))
  local mean = s / SQRT2PI * math.exp(-0.5 * (m / s) ^ 2) + 0.5 * m * a
  local var = (m - mean) * mean + 0.5 * s * s * a
  return mean, math.sqrt(math.max(var, 0))
end
M.rectified = rectified

--- The secant method as scipy.optimize.newton without a derivative (tol 1.48e-8, 50 steps).
local function secant(f, x0)
  local p0 = x0
  local eps = 1e-4
  local p1 = x0 * (1 + eps)
  p1 = p1 + (p1 >= 0 and eps or -eps)
  local q0, q1 = f(p0), f(p1)
  if math.abs(q1) < math.abs(q0) then p0, p1, q0, q1 = p1, p0, q1, q0 end
  for _ = 1, 50 do
    local p
    if q1 == q0 then
      return (p1 + p0) / 2
    elseif math.abs(q1) > math.abs(q0) then
      p = (-q0 / q1 * p1 + p0) / (1 - q0 / q1)
    else
      p = (-q1 / q0 * p0 + p1) / (1 - q1 / q0)
    end
    if math.abs(p - p1) < 1.48e-8 then return p end
    p0, q0 = p1, q1
    p1, q1 = p, f(p)
  end
  return nil
end

--- mu and sigma of the OU process for a rate F (Hz), a total correlation c and tau (ms).
function M.correction(F, c, tau)
  local sigma_r = math.sqrt(c * F / (2 * tau / 1000))
  if sigma_r == 0 then return F, 0 end
  local x0 = F / sigma_r
  local y = secant(function(x)
    local m, s = rectified(x, 1)
    return m / s - x0
  end, 1.1 * x0)
  if not y or y ~= y then
    fail("%s: no mu and sigma reach a rate of %g Hz with corr = %g and tau = %g ms", KIND, F, c, tau)
  end
  local sigma = F / (math.exp(-0.5 * y * y) / SQRT2PI + 0.5 * y * (1 + erf(y / math.sqrt(2))))
  return y * sigma, sigma
end

--- A number or a list of numbers, per schedule entry.
local function per_entry(v, n, name, what)
  if type(v) == "number" then
    local out = {}
    for i = 1, n do out[i] = v end
    return out
  end
  local list = common.number_list(v)
  if not list then fail("%s: %s must be a number or a list of numbers", what, name) end
  if #list ~= n then
    fail("%s: %s has %d values but the schedule %d times; give one per time (or one number)",
      what, name, #list, n)
  end
  return list
end

--- Checks the arguments and computes the lists: returns a state table.
local function lists_of(rates, corr, tau, schedule, what)
  if not common.is_number(tau) or tau <= 0 then fail("%s: tau must be a positive number of ms", what) end
  if schedule == nil then schedule = {0.0} end
  if type(schedule) == "number" then schedule = {schedule} end
  local sched = common.number_list(schedule)
  if not sched or #sched == 0 then fail("%s: schedule must be a list of times in ms", what) end
  if sched[1] ~= 0 then fail("%s: the first time of the schedule must be 0 (got %g)", what, sched[1]) end
  for i = 2, #sched do
    if not common.is_number(sched[i]) or sched[i] <= sched[i - 1] then
      fail("%s: schedule: times must increase (time %d)", what, i)
    end
  end
  local r = per_entry(rates, #sched, "rates", what)
  local c = per_entry(corr, #sched, "corr", what)
  local mu, sigma = {}, {}
  for i = 1, #sched do
    if not common.is_number(r[i]) or r[i] < 0 then fail("%s: rates must be non-negative numbers of Hz", what) end
    if not common.is_number(c[i]) or c[i] < 0 or c[i] > 1 then
      fail("%s: corr must be numbers between 0 and 1", what)
    end
    mu[i], sigma[i] = M.correction(r[i], c[i], tau)
  end
  return {rates = r, corr = c, tau = tau, schedule = sched, mu = mu, sigma = sigma}
end

local function neuron(st, refractory)
  return model.Neuron{
    parameters = {tau = st.tau, mu = st.mu[1], sigma = st.sigma[1]},
    equations = {
      model.Variable("x += dt * (mu - x) / tau + sqrt(dt / tau) * sigma * Normal(0.0, 1.0)",
                     {locality = "global", init = st.mu[1]}),
      "p = Uniform(0.0, 1.0) * 1000.0 / dt",
    },
    spike = "p < x",
    refractory = refractory,
    name = "HomogeneousCorrelated",
    description = "Homogeneous correlated spike trains.",
  }
end

local function what(pop)
  return ("%s %q"):format(KIND, pop._.name)
end

local function data_of(st)
  local d = {}
  for i = 1, #st.mu do
    d[2 * i - 1] = st.mu[i]
    d[2 * i] = st.sigma[i]
  end
  return d
end

local function push(pop, rt, state)
  local s = pop._.input
  local dt = pop._.net._.dt
  local steps = common.schedule_steps(s.schedule, #s.schedule, dt, what(pop))
  common.sched_push(rt, pop._.id, data_of(s), steps, common.period_steps(s.period, dt), state)
end

--- Installs new lists (and tau) on a population: the parameters follow entry 1 at once.
local function install(pop, st, reset)
  local s = pop._.input
  local dt = pop._.net._.dt
  common.schedule_steps(st.schedule, #st.schedule, dt, what(pop))   -- raises before any change
  for k, v in pairs(st) do s[k] = v end
  -- population.write, not pop.tau = ...: a field setter of tau would call install again
  population.write(pop, "tau", s.tau)
  population.write(pop, "mu", s.mu[1])
  population.write(pop, "sigma", s.sigma[1])
  local rt = common.rt(pop)
  if rt then
    push(pop, rt, reset and {0, 0} or nil)
  else
    population.write(pop, "x", s.mu[1])
  end
end

--- ann.HomogeneousCorrelatedSpikeTrains(geometry, rates, corr, tau, schedule, period, name,
-- refractory) or by name.
function M.new(...)
  local a = args.parse(KIND, {"geometry", "rates", "corr", "tau", "schedule", "period", "name", "refractory"},
    select("#", ...), ...)
  for _, k in ipairs{"geometry", "rates", "corr", "tau"} do
    if a[k] == nil then fail("%s: %s is required", KIND, k) end
  end
  local geometry = population.geometry(a.geometry, KIND)
  if a.period ~= nil and not common.is_number(a.period) then fail("%s: period must be a number of ms", KIND) end
  if a.refractory ~= nil and (not common.is_number(a.refractory) or a.refractory < 0) then
    fail("%s: refractory must be a non-negative number of ms", KIND)
  end
  if a.name ~= nil and type(a.name) ~= "string" then fail("%s: name must be a string", KIND) end
  local st0 = lists_of(a.rates, a.corr, a.tau, a.schedule, KIND)
  st0.period = a.period or -1.0

  return common.special(KIND, function(_, net)
    common.schedule_steps(st0.schedule, #st0.schedule, net.dt, KIND)   -- raises before the population exists
    local pop = net:create(geometry, neuron(st0, a.refractory), {name = a.name})
    local s = {kind = KIND}
    for k, v in pairs(st0) do s[k] = v end
    pop._.input = s
    local custom = {methods = {}, fields = {}}
    custom.kernel = {kind = "schedule", targets = {{name = "mu", width = 2, offset = 0},
                                                   {name = "sigma", width = 2, offset = 1}}}
    function custom.after_compile(p, rt)
      local initial = {}
      for k, v in pairs(p._.input) do initial[k] = v end
      p._.input.initial = initial
      push(p, rt, {0, 0})
    end
    function custom.reset(p, rt)
      local cur = p._.input
      for k, v in pairs(cur.initial) do if k ~= "initial" then cur[k] = v end end
      push(p, rt, {0, 0})
    end

    --- pop:update(rates, corr, {schedule = {0}, tau, period, reset = true})
    function custom.methods.update(p, ...)
      local u = args.parse(KIND .. ":update", {"rates", "corr", "schedule", "tau", "period", "reset"},
        select("#", ...), ...)
      if u.rates == nil or u.corr == nil then fail("%s: update() needs rates and corr", what(p)) end
      if u.period ~= nil and not common.is_number(u.period) then
        fail("%s: update(): period must be a number of ms", what(p))
      end
      local new = lists_of(u.rates, u.corr, u.tau or p._.input.tau, u.schedule, what(p))
      new.period = u.period or p._.input.period
      install(p, new, u.reset ~= false)
    end

    local function recompute(p, changes)
      local cur = p._.input
      local r, c, tau = changes.rates or cur.rates, changes.corr or cur.corr, changes.tau or cur.tau
      local new = lists_of(r, c, tau, cur.schedule, what(p))
      new.period = cur.period
      install(p, new, false)
    end
    local function list_field(name)
      return {
        get = function(p)
          local v = p._.input[name]
          local out = {}
          for i = 1, #v do out[i] = v[i] end
          return out
        end,
        set = function(p, v) recompute(p, {[name] = v}) end,
      }
    end
    custom.fields.rates = list_field("rates")
    custom.fields.corr = list_field("corr")
    custom.fields.tau = {
      get = function(p) return p._.input.tau end,
      set = function(p, v) recompute(p, {tau = v}) end,
    }
    custom.fields.mu_list = {get = function(p) return common.number_list(p._.input.mu) end}
    custom.fields.sigma_list = {get = function(p) return common.number_list(p._.input.sigma) end}
    custom.fields.schedule = {
      get = function(p) return common.number_list(p._.input.schedule) end,
      set = function(p, v)
        local cur = p._.input
        local new = lists_of(cur.rates, cur.corr, cur.tau, v, what(p))
        new.period = cur.period
        install(p, new, false)
      end,
    }
    custom.fields.period = {
      get = function(p) return p._.input.period end,
      set = function(p, v)
        if not common.is_number(v) then fail("%s: period must be a number of ms", what(p)) end
        local cur = p._.input
        cur.period = v
        local rt = common.rt(p)
        if rt then push(p, rt, nil) end
      end,
    }
    return common.attach(pop, custom)
  end)
end

return M
