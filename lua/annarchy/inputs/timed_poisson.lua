--- TimedPoissonPopulation (reference-library §3.4): Poisson spike trains whose rates follow a
-- schedule.
--   ann.TimedPoissonPopulation(geometry, rates, schedule, {period = -1.0, name})
-- rates: one entry per schedule time, each a number (every neuron) or one value per neuron;
-- schedule: list of times (ms). The rate is 0 Hz before the first scheduled time (QUIRKS
-- library 9); each step a neuron spikes with probability rate * dt / 1000.
local args = require("annarchy.args")
local runtime = require("annarchy.runtime")
local model = require("annarchy.model")
local population = require("annarchy.population")
local util = require("annarchy.util")
local common = require("annarchy.inputs.common")
local replay = require("annarchy.inputs.replay")

local fail = common.fail
local M = {}

local KIND = "TimedPoissonPopulation"

local function neuron()
  return model.Neuron{
    parameters = {proba = model.Parameter(0.0, {locality = "local"})},
    equations = "p = Uniform(0.0, 1.0) * 1000.0 / dt",
    spike = "p < proba",
    name = "TimedPoisson",
    description = "Poisson spike trains with rates following a schedule.",
  }
end

--- The rates as a flat Array of nrows x size values.
local function convert(rates, geometry, what)
  local size = util.product(geometry)
  local entries
  if runtime.is_array(rates) then
    if #rates.shape == 1 then
      entries = rates:totable()
    else
      entries = {}
      for k = 1, rates.shape[1] do entries[k] = rates[k] end
    end
  elseif type(rates) == "table" and getmetatable(rates) == nil then
    entries = rates
  else
    fail("%s: rates must be a list with one entry per schedule time, got %s", what, type(rates))
  end
  local nrows = #entries
  if nrows == 0 then fail("%s: rates must have at least one entry", what) end
  local data = runtime.zeros(nrows * size)
  for k = 1, nrows do
    local e = entries[k]
    if type(e) == "number" then
      if not common.is_number(e) then fail("%s: rates entry %d is not a finite number", what, k) end
      for i = 1, size do data[(k - 1) * size + i] = e end
    else
      local arr
      if runtime.is_array(e) then
        arr = e:flatten()
      elseif type(e) == "table" and getmetatable(e) == nil then
        local ok, res = pcall(runtime.array, e)
        if not ok then fail("%s: rates entry %d: %s", what, k, tostring(res):gsub("^ann%.array: ", "")) end
        arr = res:flatten()
      else
        fail("%s: rates entry %d must be a number or one rate per neuron, got %s", what, k, type(e))
      end
      if arr.size ~= size then
        fail("%s: rates entry %d has %d values; the population has %d neurons", what, k, arr.size, size)
      end
      for i = 1, size do
        if not common.is_number(arr[i]) then fail("%s: rates entry %d holds a value that is not a finite "
          .. "number", what, k) end
        data[(k - 1) * size + i] = arr[i]
      end
    end
  end
  local shape = {nrows}
  for _, g in ipairs(geometry) do shape[#shape + 1] = g end
  return data, nrows, shape
end

local function check_lengths(spec, nrows)
  local list = common.number_list(spec)
  if type(spec) == "number" then return end
  if not list then fail("%s: schedule must be a list of times in ms", KIND) end
  common.check_times(list, KIND)
  if #list ~= nrows then
    fail("%s: rates has %d entries but the schedule %d times; give one rate entry per time", KIND,
      nrows, #list)
  end
end

--- ann.TimedPoissonPopulation(geometry, rates, schedule, period, name) or by name.
function M.new(...)
  local a = args.parse(KIND, {"geometry", "rates", "schedule", "period", "name"}, select("#", ...), ...)
  if a.geometry == nil then fail("%s: geometry is required", KIND) end
  if a.rates == nil then fail("%s: rates is required", KIND) end
  if a.schedule == nil then fail("%s: schedule is required", KIND) end
  local geometry = population.geometry(a.geometry, KIND)
  local data, nrows, shape = convert(a.rates, geometry, KIND)
  check_lengths(a.schedule, nrows)
  if a.period ~= nil and not common.is_number(a.period) then
    fail("%s: period must be a number of ms", KIND)
  end
  if a.name ~= nil and type(a.name) ~= "string" then fail("%s: name must be a string", KIND) end
  local schedule, period = a.schedule, a.period or -1.0

  return common.special(KIND, function(_, net)
    common.schedule_steps(schedule, nrows, net.dt, KIND)   -- raises before the population exists
    local pop = net:create(geometry, neuron(), {name = a.name})
    return replay.attach(pop, {
      kind = KIND, target = "proba", one_is_scalar = false, exact_length = true,
      convert = function(p, rates)
        return convert(rates, p._.geometry, ("%s %q"):format(KIND, p._.name))
      end,
    }, {data = data, nrows = nrows, shape = shape, sched_spec = schedule, period = period})
  end)
end

return M
